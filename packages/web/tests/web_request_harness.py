"""Real requests for the web_request tests, with and without a server.

``connection()`` opens a TCP connection on 127.0.0.1: our end is an asyncio
transport with a ``BaseProtocol``, the other end (``peer``) a plain socket
that plays the client. ``Connection.request(raw)`` feeds raw request bytes
to a real ``HttpRequestParser`` and wraps the first message in a
``BaseRequest`` with a real ``StreamWriter``, exactly as the server does;
``feed()`` delivers more of the body later, ``received()`` reads what the
server side wrote (a ``100 Continue``, say).

For the end-to-end tests (a handler on ``aiohttp_raw_server``), ``raw_client``
talks raw HTTP to a server through ``asyncio.open_connection``, reading
responses byte-exactly; ``limited`` makes the server's requests with a
smaller ``client_max_size``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from aiohttp._timers import ceil_timeout
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_parser import HttpRequestParser
from aiohttp.http_writer import StreamWriter
from aiohttp.web_request import BaseRequest

if TYPE_CHECKING:
    from aiohttp.web_protocol import RequestHandler

# Every wait in these tests is bounded so that a bug fails, never hangs.
TIMEOUT = 10.0

_R = TypeVar("_R", bound=BaseRequest)


def bounded() -> AbstractAsyncContextManager[object]:
    """``async with bounded():`` fails the block after ``TIMEOUT`` seconds.

    (``asyncio.timeout`` is Python 3.11+; the project supports 3.10.)
    """
    return ceil_timeout(TIMEOUT)


class Connection:
    """One side of a real TCP connection, with the parser a server would use."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol: BaseProtocol,
        transport: asyncio.Transport,
        peer: socket.socket,
        **parser_options: Any,
    ) -> None:
        self.loop = loop
        self.protocol = protocol
        self.transport = transport
        self.peer = peer
        self.parser = HttpRequestParser(protocol, loop, **parser_options)

    @overload
    def request(self, raw: bytes, *, cls: type[_R], **options: Any) -> _R: ...

    @overload
    def request(self, raw: bytes, **options: Any) -> BaseRequest: ...

    def request(
        self, raw: bytes, *, cls: type[BaseRequest] = BaseRequest, **options: Any
    ) -> BaseRequest:
        """Parse ``raw`` (a head, perhaps some body) and make its request."""
        messages, _, _ = self.parser.feed_data(raw)
        assert len(messages) == 1, messages
        message, payload = messages[0]
        writer = StreamWriter(self.protocol, self.loop)
        task = asyncio.current_task()
        assert task is not None
        return cls(
            message,
            payload,
            cast("RequestHandler", self.protocol),
            writer,
            task,
            self.loop,
            **options,
        )

    def feed(self, data: bytes) -> None:
        """Deliver more body bytes, as if they had just arrived."""
        messages, _, _ = self.parser.feed_data(data)
        assert not messages

    async def received(self, size: int = 65536) -> bytes:
        """Read what the server side has written to the client."""
        async with bounded():
            return await self.loop.sock_recv(self.peer, size)

    async def nothing_received(self) -> bool:
        """Whether nothing at all reached the client so far."""
        await asyncio.sleep(0.05)
        try:
            data = self.peer.recv(65536)
        except BlockingIOError:
            return True
        return data == b""


@asynccontextmanager
async def connection(**parser_options: Any) -> AsyncIterator[Connection]:
    """A fresh TCP connection on 127.0.0.1, closed afterwards."""
    loop = asyncio.get_running_loop()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        peer = socket.create_connection(listener.getsockname())
        ours, _ = listener.accept()
    peer.setblocking(False)
    protocol = BaseProtocol(loop)
    transport, _ = await loop.connect_accepted_socket(lambda: protocol, ours)
    try:
        yield Connection(loop, protocol, transport, peer, **parser_options)
    finally:
        transport.close()
        peer.close()
        # Let the transport's close callbacks run inside the test's loop.
        await asyncio.sleep(0)


# -- a real server and a raw client ---------------------------------------------------


def limited(client_max_size: int) -> Callable[..., BaseRequest]:
    """A ``request_factory`` for a server making requests with this limit."""

    def factory(
        message: Any,
        payload: Any,
        protocol: Any,
        writer: Any,
        task: asyncio.Task[None],
    ) -> BaseRequest:
        loop = asyncio.get_running_loop()
        return BaseRequest(
            message,
            payload,
            protocol,
            writer,
            task,
            loop,
            client_max_size=client_max_size,
        )

    return factory


class Response:
    """One response as read off the wire."""

    def __init__(self, status_line: str, headers: list[tuple[str, str]]) -> None:
        self.status_line = status_line
        self.status = int(status_line.split(" ", 2)[1])
        self.headers = headers
        self.body = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Client:
    """A raw HTTP/1.1 client on one connection."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.reader = reader
        self.writer = writer

    def send(self, data: bytes) -> None:
        """Write ``data`` without waiting (the server may have stopped reading)."""
        self.writer.write(data)

    async def read_head(self) -> Response:
        """Read a status line and the header fields after it."""
        async with bounded():
            head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
        headers = [
            (name, value.strip())
            for name, _, value in (line.partition(":") for line in lines)
        ]
        return Response(status_line, headers)

    async def read_response(self) -> Response:
        """Read one final response, body included (1xx are not skipped)."""
        response = await self.read_head()
        if response.status < 200 or response.status in (204, 304):
            return response
        async with bounded():
            length = response.header("Content-Length")
            if response.header("Transfer-Encoding") == "chunked":
                pieces = []
                while size := int((await self.reader.readuntil(b"\r\n"))[:-2], 16):
                    pieces.append(await self.reader.readexactly(size))
                    await self.reader.readexactly(2)
                await self.reader.readuntil(b"\r\n")
                response.body = b"".join(pieces)
            elif length is not None:
                response.body = await self.reader.readexactly(int(length))
            else:
                response.body = await self.reader.read()
        return response

    async def closed_by_server(self) -> bool:
        """Whether the server closes the connection (soon), sending nothing more."""
        try:
            async with ceil_timeout(2.0):
                rest = await self.reader.read()
        except asyncio.TimeoutError:
            return False
        except ConnectionError:
            return True
        return rest == b""


@asynccontextmanager
async def raw_client(
    port: int | None, *, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[Client]:
    """A raw client connected to 127.0.0.1:``port`` (a test server's)."""
    assert port is not None, "the server is not started"
    async with bounded():
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=ssl_context
        )
    try:
        yield Client(reader, writer)
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()
