"""The session and its pool together, over real sockets.

Connections are counted on the server side: reuse, the connection limit
under load, what happens to a response that is not read to the end, and a
server that closes idle keep-alive connections.
"""

from __future__ import annotations

import asyncio

import pytest
from client_harness import raw_server, read_request, response
from client_session_helpers import TIMEOUT, KeepAlive

import aiohttp


async def test_sequential_requests_reuse_one_connection() -> None:
    handler = KeepAlive()
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        for _ in range(5):
            async with session.get(server.url) as resp:
                assert await resp.read() == b"ok"
        assert server.accepted == 1
    assert handler.requests == 5


async def test_200_concurrent_requests_respect_the_limit() -> None:
    handler = KeepAlive(delay=0.001)
    connector = aiohttp.TCPConnector(limit=10)
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session,
    ):

        async def fetch() -> bytes:
            async with session.get(server.url) as resp:
                return await resp.read()

        bodies = await asyncio.gather(*(fetch() for _ in range(200)))
        assert bodies == [b"ok"] * 200
        assert handler.peak <= 10
        assert server.accepted <= 10
    assert handler.requests == 200


async def test_limit_per_host_under_load() -> None:
    handler = KeepAlive(delay=0.001)
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=3)
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session,
    ):

        async def fetch() -> bytes:
            async with session.get(server.url) as resp:
                return await resp.read()

        assert await asyncio.gather(*(fetch() for _ in range(50))) == [b"ok"] * 50
        assert handler.peak <= 3
        assert server.accepted <= 3


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


async def test_an_unread_complete_response_does_not_block_the_pool() -> None:
    handler = KeepAlive()
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        for _ in range(3):
            resp = await session.get(server.url)
            resp.release()
        async with session.get(server.url) as resp:
            assert await resp.read() == b"ok"
    assert handler.requests == 4


async def test_a_dead_pooled_connection_is_replaced_for_idempotent_requests() -> None:
    # Each connection serves one request; the next request on it finds the
    # connection closed under it, as when an idle keep-alive times out.
    handler = KeepAlive(serve_once=True)
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
    handler = KeepAlive(serve_once=True)
    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.post(server.url, data=b"1") as resp:
            await resp.read()
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.post(server.url, data=b"2")
    assert handler.requests == 1


async def test_a_server_closing_idle_connections() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                await asyncio.wait_for(read_request(reader), 0.05)
            except asyncio.TimeoutError:
                return  # idle too long: close
            writer.write(response(b"ok"))
            await writer.drain()

    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        for _ in range(4):
            async with session.get(server.url) as resp:
                assert await resp.read() == b"ok"
            await asyncio.sleep(0.1)
        assert server.accepted == 4


async def test_connection_close_from_the_server_is_honoured() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(response(b"bye", close=True))
        await writer.drain()

    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        for _ in range(3):
            async with session.post(server.url, data=b"x") as resp:
                assert await resp.read() == b"bye"
        assert server.accepted == 3


async def test_resending_can_be_switched_off() -> None:
    handler = KeepAlive(serve_once=True)
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
