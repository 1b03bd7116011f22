"""Each ClientTimeout field fires where it should, with the right exception.

The peers misbehave for real: a server that never answers, one that stops
in the middle of a body, and a blackhole (a listening socket whose accept
queue is full, so that a new connection attempt is never answered).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from client_harness import raw_server, read_request
from yarl import URL

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient

TimeoutClasses = (aiohttp.ServerTimeoutError, asyncio.TimeoutError)


@pytest.fixture(scope="module")
def blackhole() -> Iterator[URL]:
    """A loopback address where connecting hangs: the backlog is full."""
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        # Connect until an attempt is no longer answered: then the accept
        # queue is full and every later SYN is dropped.
        while True:
            filler = socket.socket()
            fillers.append(filler)
            filler.settimeout(0.5)
            try:
                filler.connect(address)
            except TimeoutError:
                break
            assert len(fillers) < 64, "the kernel answers every connection"
        yield URL.build(scheme="http", host=address[0], port=address[1])
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@contextlib.asynccontextmanager
async def silent_server(head: bytes = b"") -> AsyncIterator[URL]:
    """A server that reads the request, sends ``head`` (maybe), then stalls."""
    forever = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        if head:
            writer.write(head)
            await writer.drain()
        await forever.wait()

    async with raw_server(handler) as server:
        yield server.url


def test_timeout_errors_are_asyncio_timeouts() -> None:
    for cls in (
        aiohttp.ServerTimeoutError,
        aiohttp.ConnectionTimeoutError,
        aiohttp.SocketTimeoutError,
    ):
        assert issubclass(cls, asyncio.TimeoutError)
        assert issubclass(cls, aiohttp.ClientError)


# -- waiting for the response head ------------------------------------------------------------


async def test_sock_read_fires_while_the_server_stalls_before_headers() -> None:
    async with silent_server() as url, aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.SocketTimeoutError):
            await session.get(url, timeout=aiohttp.ClientTimeout(sock_read=0.2))


async def test_total_fires_while_the_server_stalls_before_headers() -> None:
    async with (
        silent_server() as url,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.2)) as session,
    ):
        with pytest.raises(asyncio.TimeoutError):
            await session.get(url)


# -- waiting for the body -------------------------------------------------------------------


_HALF_BODY = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"


async def test_sock_read_fires_between_body_chunks() -> None:
    async with silent_server(_HALF_BODY) as url, aiohttp.ClientSession() as session:
        timeout = aiohttp.ClientTimeout(total=10, sock_read=0.2)
        async with session.get(url, timeout=timeout) as resp:
            assert resp.status == 200
            assert await resp.content.readexactly(5) == b"hello"
            with pytest.raises(aiohttp.SocketTimeoutError):
                await resp.read()


async def test_total_covers_reading_the_body() -> None:
    async with (
        silent_server(_HALF_BODY) as url,
        aiohttp.ClientSession() as session,
        session.get(url, timeout=aiohttp.ClientTimeout(total=0.3)) as resp,
    ):
        assert resp.status == 200
        with pytest.raises(asyncio.TimeoutError):
            await resp.read()


async def test_sock_read_is_rearmed_by_each_chunk() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(8):
            writer.write(b"2\r\nab\r\n")
            await writer.drain()
            await asyncio.sleep(0.05)
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async with raw_server(handler) as server, aiohttp.ClientSession() as session:
        timeout = aiohttp.ClientTimeout(total=10, sock_read=0.3)
        async with session.get(server.url, timeout=timeout) as resp:
            assert await resp.read() == b"ab" * 8


async def test_total_covers_every_redirect(aiohttp_client: AiohttpClient) -> None:
    async def slow_redirect(request: web.Request) -> web.Response:
        await asyncio.sleep(0.15)
        hops = int(request.match_info["n"])
        return web.Response(status=302, headers={"Location": f"/{hops + 1}"})

    app = web.Application()
    app.router.add_get("/{n}", slow_redirect)
    timeout = aiohttp.ClientTimeout(total=0.5, sock_read=0.4)
    client = await aiohttp_client(app)
    with pytest.raises(asyncio.TimeoutError):
        await client.get("/0", timeout=timeout, max_redirects=100)


# -- connecting ------------------------------------------------------------------------------


async def test_sock_connect_fires_on_a_blackhole(blackhole: URL) -> None:
    async with aiohttp.ClientSession() as session:
        timeout = aiohttp.ClientTimeout(total=10, sock_connect=0.2)
        with pytest.raises(aiohttp.ConnectionTimeoutError):
            await session.get(blackhole, timeout=timeout)


async def test_connect_fires_on_a_blackhole(blackhole: URL) -> None:
    timeout = aiohttp.ClientTimeout(total=10, connect=0.2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(aiohttp.ConnectionTimeoutError):
            await session.get(blackhole)


async def test_total_fires_on_a_blackhole(blackhole: URL) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(blackhole, timeout=aiohttp.ClientTimeout(total=0.2))


async def test_connect_covers_waiting_for_a_free_connection() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        # Half the body: the connection stays with its response.
        writer.write(_HALF_BODY)
        await writer.drain()
        await reader.read()

    connector = aiohttp.TCPConnector(limit=1)
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(connector=connector) as session,
    ):
        held = await session.get(server.url)
        try:
            with pytest.raises(aiohttp.ConnectionTimeoutError):
                await session.get(
                    server.url, timeout=aiohttp.ClientTimeout(total=10, connect=0.2)
                )
        finally:
            held.close()
        async with session.get(server.url) as resp:  # the slot is free again
            assert resp.status == 200
        assert server.accepted == 2


# -- which timeout applies ----------------------------------------------------------------------


async def test_a_request_timeout_replaces_the_sessions(
    aiohttp_client: AiohttpClient,
) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/", slow)
    session_timeout = aiohttp.ClientTimeout(total=10, sock_read=0.1)
    client = await aiohttp_client(app, timeout=session_timeout)
    with pytest.raises(aiohttp.SocketTimeoutError):
        await client.get("/")
    async with client.get("/", timeout=aiohttp.ClientTimeout(total=5)) as resp:
        assert await resp.text() == "late"
    async with client.get("/", timeout=5) as resp:  # a number is a total
        assert await resp.text() == "late"
    async with client.get("/", timeout=None) as resp:  # no timeout at all
        assert await resp.text() == "late"


async def test_a_finished_request_leaves_no_timer_behind(
    aiohttp_client: AiohttpClient,
) -> None:
    async def quick(request: web.Request) -> web.Response:
        return web.Response(text="quick")

    app = web.Application()
    app.router.add_get("/", quick)
    timeout = aiohttp.ClientTimeout(total=0.2)
    client = await aiohttp_client(app)
    async with client.get("/", timeout=timeout) as resp:
        assert await resp.text() == "quick"
    # Long after the total would have passed, the session works on.
    await asyncio.sleep(0.3)
    async with client.get("/", timeout=timeout) as resp:
        assert await resp.text() == "quick"
