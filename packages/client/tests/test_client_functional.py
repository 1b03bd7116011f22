"""The session and its pool together, over real sockets.

Connections are counted on the server side: reuse, the connection limit
under load, what happens to a response that is not read to the end, and a
server that closes idle keep-alive connections. A well-behaved server is
aiotide-web's (the ``aiohttp_raw_server`` fixture, counting with
:class:`Counting`); the peers that drop a connection at the worst moment
are raw ones.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from client_harness import raw_server, read_request, response
from client_session_helpers import TIMEOUT

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer


class Counting:
    """A low-level handler answering ``ok``; counts connections and requests.

    ``connections`` is how many connections brought a request; ``peak`` the
    most requests in progress at once, each on a connection of its own.
    """

    def __init__(self, *, delay: float = 0, close: bool = False) -> None:
        self.delay = delay
        self.close = close
        self.requests = 0
        self.in_progress = 0
        self.peak = 0
        # The transports themselves, held: no two can share an identity.
        self._transports: set[asyncio.BaseTransport] = set()

    @property
    def connections(self) -> int:
        return len(self._transports)

    async def __call__(self, request: web.BaseRequest) -> web.Response:
        assert request.transport is not None
        self._transports.add(request.transport)
        self.requests += 1
        self.in_progress += 1
        self.peak = max(self.peak, self.in_progress)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            await request.read()
            answer = web.Response(body=b"ok")
            if self.close:
                answer.force_close()  # Connection: close
            return answer
        finally:
            self.in_progress -= 1


class ServeOnce:
    """A raw server's handler: one ``b"ok"`` per connection, kept alive.

    A second request on a connection finds it closed without an answer: the
    race of a server closing an idle connection just as the client reuses
    it. Counts the requests served.
    """

    def __init__(self) -> None:
        self.requests = 0

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        head, _ = await read_request(reader)
        self.requests += 1
        answer = response(b"ok")
        if head.startswith(b"HEAD "):  # the length, not the body
            answer = answer.removesuffix(b"ok")
        writer.write(answer)
        await writer.drain()
        # Read the next request (or see the client close), and drop it.
        with contextlib.suppress(asyncio.IncompleteReadError):
            await read_request(reader)


async def test_sequential_requests_reuse_one_connection(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    handler = Counting()
    client = await aiohttp_client(await aiohttp_raw_server(handler), timeout=TIMEOUT)
    for _ in range(5):
        async with client.get("/") as resp:
            assert await resp.read() == b"ok"
    assert handler.connections == 1
    assert handler.requests == 5


async def test_200_concurrent_requests_respect_the_limit(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    handler = Counting(delay=0.001)
    connector = aiohttp.TCPConnector(limit=10)
    client = await aiohttp_client(
        await aiohttp_raw_server(handler), timeout=TIMEOUT, connector=connector
    )

    async def fetch() -> bytes:
        async with client.get("/") as resp:
            return await resp.read()

    bodies = await asyncio.gather(*(fetch() for _ in range(200)))
    assert bodies == [b"ok"] * 200
    assert handler.peak <= 10
    assert handler.connections <= 10
    assert handler.requests == 200


async def test_limit_per_host_under_load(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    handler = Counting(delay=0.001)
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=3)
    client = await aiohttp_client(
        await aiohttp_raw_server(handler), timeout=TIMEOUT, connector=connector
    )

    async def fetch() -> bytes:
        async with client.get("/") as resp:
            return await resp.read()

    assert await asyncio.gather(*(fetch() for _ in range(50))) == [b"ok"] * 50
    assert handler.peak <= 3
    assert handler.connections <= 3


async def test_a_response_not_read_to_the_end_is_not_reused() -> None:
    closed = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        # Half a body, then wait for the client to give up the connection.
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello")
        await writer.drain()
        if await reader.read() == b"":
            closed.set()

    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.get(server.url) as resp:
            assert await resp.content.readexactly(5) == b"hello"
        await asyncio.wait_for(closed.wait(), 5)  # the client closed it
        async with session.get(server.url) as resp:
            assert resp.status == 200
        assert server.accepted == 2


async def test_an_unread_complete_response_does_not_block_the_pool(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    handler = Counting()
    client = await aiohttp_client(await aiohttp_raw_server(handler), timeout=TIMEOUT)
    for _ in range(3):
        resp = await client.get("/")
        resp.release()
    async with client.get("/") as resp:
        assert await resp.read() == b"ok"
    assert handler.requests == 4


async def test_a_dead_pooled_connection_is_replaced_for_idempotent_requests() -> None:
    # Each connection serves one request; the next request on it finds the
    # connection closed under it, as when an idle keep-alive times out.
    handler = ServeOnce()
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        for method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "GET"):
            async with session.request(method, server.url, data=None) as resp:
                assert resp.status == 200
                await resp.read()
    assert handler.requests == 6
    assert server.accepted == 6


async def test_a_dead_pooled_connection_fails_a_post() -> None:
    handler = ServeOnce()
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.post(server.url, data=b"1") as resp:
            await resp.read()
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.post(server.url, data=b"2")
    assert handler.requests == 1


async def test_a_server_closing_idle_connections(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    handler = Counting()
    # The server closes a connection idle for 0.05 s; the test client does
    # not resend, so a closed connection taken from the pool would fail.
    server = await aiohttp_raw_server(handler, keepalive_timeout=0.05)
    client = await aiohttp_client(server, timeout=TIMEOUT)
    for _ in range(4):
        async with client.get("/") as resp:
            assert await resp.read() == b"ok"
        await asyncio.sleep(0.1)
    assert handler.connections == 4


async def test_connection_close_from_the_server_is_honoured(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    handler = Counting(close=True)
    client = await aiohttp_client(await aiohttp_raw_server(handler), timeout=TIMEOUT)
    for _ in range(3):
        async with client.post("/", data=b"x") as resp:
            assert resp.headers["Connection"] == "close"
            assert await resp.read() == b"ok"
    assert handler.connections == 3


async def test_resending_can_be_switched_off() -> None:
    handler = ServeOnce()
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        session._retry_connection = False  # what aiohttp's test client does
        async with session.get(server.url) as resp:
            await resp.read()
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.get(server.url)


async def test_a_resend_keeps_credentials_and_body() -> None:
    bodies: list[bytes] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        served = 0
        while True:
            head, body = await read_request(reader)
            if served:  # a second request on this connection: drop it
                return
            served += 1
            assert b"Authorization: Basic " in head
            bodies.append(body)
            writer.write(response(b"ok"))
            await writer.drain()

    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        url = server.url.with_user("user").with_password("pass")
        for body in (b"first", b"second"):
            async with session.put(url, data=body) as resp:
                assert await resp.read() == b"ok"
    assert bodies == [b"first", b"second"]
    assert server.accepted == 2
