"""A raw HTTP/1.1 client and server fixture for the web tests.

The client reads responses byte-exactly with asyncio streams, so the tests
see what the server really sent (and when it closed), with no HTTP client
of ours in between.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web_server
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse


@dataclass
class RawResponse:
    """One response as read off the wire."""

    version: str
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        """Every value of header ``name``, in order."""
        return [value for key, value in self.headers if key.lower() == name.lower()]


async def read_head(reader: asyncio.StreamReader) -> RawResponse:
    """Read a status line and header fields."""
    line = (await reader.readuntil(b"\r\n")).decode("latin-1").rstrip("\r\n")
    version, status, *reason = line.split(" ", 2)
    response = RawResponse(version, int(status), reason[0] if reason else "")
    while True:
        field_line = (await reader.readuntil(b"\r\n")).decode("latin-1")
        if field_line == "\r\n":
            return response
        name, _, value = field_line.partition(":")
        response.headers.append((name, value.strip()))


async def read_response(
    reader: asyncio.StreamReader, *, head_request: bool = False
) -> RawResponse:
    """Read one whole response, framed as its headers say."""
    response = await read_head(reader)
    if head_request or response.status in (204, 304) or response.status < 200:
        return response
    length = response.header("Content-Length")
    if response.header("Transfer-Encoding") == "chunked":
        chunks = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        response.body = b"".join(chunks)
    elif length is not None:
        response.body = await reader.readexactly(int(length))
    else:
        response.body = await reader.read()
    return response


async def request(
    port: int, data: bytes, *, host: str = "127.0.0.1"
) -> tuple[RawResponse, bool]:
    """Send ``data`` on a new connection; return the response and whether
    the server closed the connection after it."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        response = await read_response(reader)
        closed = await closed_by_peer(reader)
        return response, closed
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def closed_by_peer(reader: asyncio.StreamReader, wait: float = 0.3) -> bool:
    """Whether the peer closes the connection within ``wait`` seconds."""
    try:
        rest = await asyncio.wait_for(reader.read(1), wait)
    except asyncio.TimeoutError:
        return False
    except ConnectionError:
        return True
    return rest == b""


Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]


@contextlib.asynccontextmanager
async def serve(
    handler: Handler, **kwargs: Any
) -> AsyncIterator[tuple[web_server.Server, int]]:
    """Serve ``handler`` with a low-level server on a free port."""
    server = web_server.Server(handler, **kwargs)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(server, "127.0.0.1", 0)
    port: int = listener.sockets[0].getsockname()[1]
    try:
        yield server, port
    finally:
        listener.close()
        await server.shutdown(1.0)
        await listener.wait_closed()
