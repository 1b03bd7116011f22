"""Wire harness for the response tests: real sockets, raw bytes, a strict reader.

``response_wire()`` opens a real TCP connection on 127.0.0.1. Its server
side is a ``BaseProtocol`` with a ``StreamWriter``, handed to a small
stand-in request (:class:`StandInRequest`) with what ``prepare()`` uses;
its client side is a plain asyncio stream that collects every byte. Tests
prepare and write a response, then read what really went out with
``received()`` and take it apart with :func:`parse_response`.

For end-to-end tests against a test server (``aiohttp_raw_server``),
:func:`connect` opens a raw client that sends request bytes and reads
whole responses strictly.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_writer import HttpVersion, HttpVersion11, StreamWriter

#: Every wait in these tests is bounded: a bug fails, never hangs.
TIMEOUT = 10.0


@contextlib.asynccontextmanager
async def bounded(seconds: float = TIMEOUT) -> AsyncIterator[None]:
    """Bound the block's time (``asyncio.timeout`` where Python has it)."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            yield
    else:  # pragma: no cover - Python 3.10: cancel the task instead
        task = asyncio.current_task()
        assert task is not None
        handle = asyncio.get_running_loop().call_later(seconds, task.cancel)
        try:
            yield
        finally:
            handle.cancel()


# --- reading a response strictly ---------------------------------------------


@dataclass
class RawResponse:
    """One response as it was on the wire."""

    status_line: str
    headers: list[tuple[str, str]]
    body: bytes
    framing: str  # "length", "chunked", "close" or "none"
    rest: bytes = b""  # bytes after the end of this response

    @property
    def version(self) -> str:
        return self.status_line.split(" ", 1)[0]

    @property
    def status(self) -> int:
        return int(self.status_line.split(" ", 2)[1])

    @property
    def reason(self) -> str:
        parts = self.status_line.split(" ", 2)
        return parts[2] if len(parts) > 2 else ""

    def header(self, name: str) -> str | None:
        """The only value of ``name``; fails the test if it is repeated."""
        values = self.header_values(name)
        assert len(values) <= 1, f"{name} repeated: {values}"
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def names(self) -> list[str]:
        return [k.lower() for k, _ in self.headers]


_FIELD_RE = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*")


def _dechunk(data: bytes) -> tuple[bytes, bytes]:
    """Decode a chunked body; return it and what follows its end."""
    out = bytearray()
    while True:
        size_line, sep, data = data.partition(b"\r\n")
        assert sep, "a chunk size line without CRLF"
        assert re.fullmatch(rb"[0-9a-f]+", size_line), size_line
        size = int(size_line, 16)
        if size == 0:
            assert data.startswith(b"\r\n"), "no trailers, then the end"
            return bytes(out), data[2:]
        assert size > 0
        out += data[:size]
        assert data[size : size + 2] == b"\r\n", "a chunk must end with CRLF"
        data = data[size + 2 :]


def parse_response(
    data: bytes, *, head_request: bool = False, closed: bool = True
) -> RawResponse:
    """Take one response apart as a careful client would (RFC 9112 6.3).

    ``closed`` says the connection ended after ``data``: only then may a
    body without framing run to the end.
    """
    head, sep, after = data.partition(b"\r\n\r\n")
    assert sep, f"no end of head in {data[:200]!r}"
    status_line, *lines = head.decode("utf-8").split("\r\n")
    assert re.fullmatch(r"HTTP/1\.[01] \d{3} [^\r\n]*", status_line), status_line
    headers = []
    for line in lines:
        match = _FIELD_RE.fullmatch(line)
        assert match is not None, f"malformed field line {line!r}"
        headers.append((match[1], match[2]))
    status = int(status_line.split(" ")[1])
    response = RawResponse(status_line, headers, b"", "none")
    te = response.header("Transfer-Encoding")
    length = response.header("Content-Length")
    assert not (te and length), "both Transfer-Encoding and Content-Length"
    if head_request or status in (204, 304) or 100 <= status < 200:
        response.rest = after
    elif te is not None:
        assert te == "chunked", te
        response.framing = "chunked"
        response.body, response.rest = _dechunk(after)
    elif length is not None:
        size = int(length)
        assert len(after) >= size, "body shorter than Content-Length"
        response.framing = "length"
        response.body, response.rest = after[:size], after[size:]
    else:
        assert closed, "a body without framing needs the connection to close"
        response.framing = "close"
        response.body = after
    return response


# --- a response on a real connection, with a stand-in request --------------------


class ServerSide(BaseProtocol):
    """The server end: a BaseProtocol whose connection the test writes on."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, made: asyncio.Future[ServerSide]
    ) -> None:
        super().__init__(loop)
        self._made = made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if not self._made.done():
            self._made.set_result(self)


class StandInRequest:
    """What ``StreamResponse.prepare()`` needs of a request, and no more."""

    def __init__(
        self,
        writer: StreamWriter,
        *,
        method: str = "GET",
        path: str = "/",
        version: HttpVersion = HttpVersion11,
        headers: Iterable[tuple[str, str]] = (),
        keep_alive: bool = True,
    ) -> None:
        self._payload_writer = writer
        self.method = method
        self.path = path
        self.version = version
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict(headers))
        self.keep_alive = keep_alive
        self.task: asyncio.Task[Any] | None = asyncio.current_task()
        self.hooked: list[object] = []

    async def _prepare_hook(self, response: object) -> None:
        self.hooked.append(response)


@dataclass
class Wire:
    """One connection: the stand-in request on the server end, a client reader."""

    request: Any  # StandInRequest, typed loosely: prepare() wants a BaseRequest
    writer: StreamWriter
    protocol: ServerSide
    client: asyncio.StreamReader
    client_writer: asyncio.StreamWriter
    writes: list[bytes] = field(default_factory=list)

    async def received(self) -> bytes:
        """Close the server end; return every byte the client got."""
        transport = self.protocol.transport
        if transport is not None:
            transport.close()
        return await asyncio.wait_for(self.client.read(), TIMEOUT)

    async def response(self, *, head_request: bool = False) -> RawResponse:
        """Close the server end and parse the one response that went out."""
        raw = parse_response(await self.received(), head_request=head_request)
        assert raw.rest == b"", f"bytes after the response: {raw.rest[:100]!r}"
        return raw


@contextlib.asynccontextmanager
async def response_wire(
    *,
    method: str = "GET",
    path: str = "/",
    version: HttpVersion = HttpVersion11,
    headers: Iterable[tuple[str, str]] = (),
    keep_alive: bool = True,
) -> AsyncIterator[Wire]:
    """A real TCP connection whose server end a response can be prepared on.

    Each ``transport.write`` call on the server end is recorded in
    ``Wire.writes``, so tests can count them.
    """
    loop = asyncio.get_running_loop()
    made: asyncio.Future[ServerSide] = loop.create_future()
    server = await loop.create_server(lambda: ServerSide(loop, made), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client, client_writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), TIMEOUT
    )
    protocol = await asyncio.wait_for(made, TIMEOUT)
    writer = StreamWriter(protocol, loop)
    request = StandInRequest(
        writer,
        method=method,
        path=path,
        version=version,
        headers=headers,
        keep_alive=keep_alive,
    )
    wire = Wire(request, writer, protocol, client, client_writer)
    transport = protocol.transport
    assert transport is not None
    write = transport.write

    def recording_write(data: bytes | bytearray | memoryview) -> None:
        wire.writes.append(bytes(data))
        write(data)

    transport.write = recording_write  # type: ignore[method-assign]
    try:
        yield wire
    finally:
        if protocol.transport is not None:
            protocol.transport.abort()
        client_writer.close()
        with contextlib.suppress(OSError):
            await asyncio.wait_for(client_writer.wait_closed(), TIMEOUT)
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)


# --- end to end against a test server --------------------------------------


class Client:
    """A raw connection to a server: send bytes, read whole responses."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.reader = reader
        self.writer = writer
        self._buffer = b""

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), TIMEOUT)

    async def response(self, *, head_request: bool = False) -> RawResponse:
        """Read the next response; bytes after it stay for the next call.

        A response the reader cannot take yet is read further, until the
        server closes; a malformed one then fails the test.
        """
        closed = False
        while True:
            try:
                response = parse_response(
                    self._buffer, head_request=head_request, closed=closed
                )
            except AssertionError:
                if closed:
                    raise
                chunk = await asyncio.wait_for(self.reader.read(65536), TIMEOUT)
                self._buffer += chunk
                closed = not chunk
                continue
            self._buffer = response.rest
            response.rest = b""
            return response

    async def closed(self) -> bool:
        """Whether the server closes the connection (reads until it does).

        Only for connections expected to close: a server keeping the
        connection open makes this wait until the timeout and fail.
        """
        assert self._buffer == b"", f"unread bytes: {self._buffer!r}"
        rest = await asyncio.wait_for(self.reader.read(), TIMEOUT)
        return rest == b""


@contextlib.asynccontextmanager
async def connect(port: int | None) -> AsyncIterator[Client]:
    """A raw client connected to ``port`` (a test server's) on 127.0.0.1."""
    assert port is not None, "the server is not started"
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), TIMEOUT
    )
    try:
        yield Client(reader, writer)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
