"""What the client's tests share: real servers on 127.0.0.1 to talk to.

``served_app`` runs an aiotide-web application (the client's tests use the
web distribution as a test tool, DESIGN.md); ``raw_server`` runs a plain
asyncio server whose connection handler the test writes byte by byte, for
the misbehaving peers a well-behaved framework cannot play.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from yarl import URL

from aiohttp import web

StreamHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def served_app(app: web.Application, **kwargs: Any) -> AsyncIterator[URL]:
    """Serve ``app`` on a free port; yield its base URL (``http://127.0.0.1:N``)."""
    runner = web.AppRunner(app, **kwargs)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        yield URL.build(scheme="http", host="127.0.0.1", port=port)
    finally:
        await asyncio.wait_for(runner.cleanup(), 10)


class RawServer:
    """A plain asyncio server; counts the connections it accepts."""

    def __init__(self, handler: StreamHandler) -> None:
        self._handler = handler
        self.accepted = 0
        self.url = URL()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = URL.build(scheme="http", host="127.0.0.1", port=port)

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        await asyncio.wait_for(self._server.wait_closed(), 5)


@contextlib.asynccontextmanager
async def raw_server(handler: StreamHandler) -> AsyncIterator[RawServer]:
    """Run ``handler`` for every connection accepted on a free port."""
    server = RawServer(handler)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """Read one request head (up to and including the blank line)."""
    return await reader.readuntil(b"\r\n\r\n")


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """Read one request with a Content-Length (or no) body: (head, body)."""
    head = await read_head(reader)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head, body


def response(
    body: bytes = b"", status: str = "200 OK", *headers: str, close: bool = False
) -> bytes:
    """A response's bytes with a Content-Length."""
    lines = "".join(f"{header}\r\n" for header in headers)
    if close:
        lines += "Connection: close\r\n"
    return (
        f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{lines}\r\n".encode()
        + body
    )
