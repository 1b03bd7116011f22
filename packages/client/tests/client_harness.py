"""What the client's tests share: raw peers on 127.0.0.1, and certificates.

An aiotide-web application is served by the pytest plugin's fixtures
(``aiohttp_client``, ``aiohttp_server``; the client's tests use the web
distribution as a test tool, DESIGN.md). ``raw_server`` runs a plain
asyncio server whose connection handler the test writes byte by byte, for
the misbehaving peers a well-behaved framework cannot play.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from tls_certificate import self_signed_certificate as self_signed_certificate
from yarl import URL

from aiohttp.tracing import Trace, TraceConfig

StreamHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """A plain asyncio server; counts the connections it accepts."""

    def __init__(self, handler: StreamHandler) -> None:
        self._handler = handler
        self.accepted = 0
        self.url = URL()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # A plain callback runs inside connection_made, so every connection is
        # known (and its task tracked) from the moment it is accepted.
        self.accepted += 1
        self._writers.add(writer)
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await self._handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            self._writers.discard(writer)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = URL.build(scheme="http", host="127.0.0.1", port=port)

    async def close(self) -> None:
        """Stop listening; end every connection; wait for every handler."""
        assert self._server is not None
        self._server.close()
        # Aborting ends a handler blocked on its peer with a ConnectionError
        # (or an incomplete read): it finishes by itself, nothing is cancelled
        # unless it ignores that.
        for writer in list(self._writers):
            writer.transport.abort()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=5)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
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


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server-side context presenting ``cert``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def recording_traces(*names: str) -> tuple[list[Trace], list[str]]:
    """One ``Trace`` whose ``on_<name>`` signals append ``name`` to the events.

    Returns ([trace], events), for a connector's ``connect(req, traces, ...)``.
    """
    events: list[str] = []
    config: TraceConfig[Any] = TraceConfig()
    for name in names:

        async def record(
            session: object, ctx: object, params: object, name: str = name
        ) -> None:
            events.append(name)

        getattr(config, f"on_{name}").append(record)
    config.freeze()
    trace = Trace(None, config, config.trace_config_ctx())  # type: ignore[arg-type]
    return [trace], events
