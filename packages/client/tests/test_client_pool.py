"""The connection pool (BaseConnector) over real sockets on 127.0.0.1.

Connections are counted where the server accepts them: a reused
connection is one the server did not have to accept again.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from client_harness import (
    RawServer,
    raw_server,
    read_request,
    recording_traces,
    response,
)
from yarl import URL

from aiohttp.client import ClientTimeout
from aiohttp.client_exceptions import ClientConnectionError, ConnectionTimeoutError
from aiohttp.client_reqrep import ClientRequest
from aiohttp.connector import BaseConnector, Connection, TCPConnector

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def keep_alive(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer every request on the connection with "ok", until EOF."""
    while True:
        await read_request(reader)
        writer.write(response(b"ok"))
        await writer.drain()


def request(url: URL, **kwargs: Any) -> ClientRequest:
    return ClientRequest("GET", url, loop=asyncio.get_running_loop(), **kwargs)


async def roundtrip(conn: Connection) -> bytes:
    """Send a GET over ``conn``; return the whole body of the answer."""
    proto = conn.protocol
    assert proto is not None
    assert conn.transport is not None
    proto.set_response_params()
    conn.transport.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    _, payload = await asyncio.wait_for(proto.read(), 5)
    return await asyncio.wait_for(payload.read(), 5)


async def wait_until(predicate: Callable[[], bool], timeout: float = 5) -> None:
    for _ in range(int(timeout * 100)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition was never met")


# The trace events these tests record.
POOL_EVENTS = (
    "connection_queued_start",
    "connection_queued_end",
    "connection_create_start",
    "connection_create_end",
    "connection_reuseconn",
)


# -- reuse ------------------------------------------------------------------------


async def test_keep_alive_connections_are_reused() -> None:
    async with raw_server(keep_alive) as server, TCPConnector() as connector:
        for i in range(3):
            conn = await connector.connect(request(server.url))
            assert conn.reused is (i > 0)
            assert await roundtrip(conn) == b"ok"
            conn.release()
            assert conn.protocol is None
            assert conn.transport is None
        assert server.accepted == 1


async def test_each_key_has_its_own_connections() -> None:
    async with (
        raw_server(keep_alive) as one,
        raw_server(keep_alive) as two,
        TCPConnector() as connector,
    ):
        for _ in range(2):
            for server in (one, two):
                conn = await connector.connect(request(server.url))
                await roundtrip(conn)
                conn.release()
        # A request's TLS setting is part of its key too.
        conn = await connector.connect(request(one.url, ssl=False))
        assert not conn.reused
        conn.release()
        assert (one.accepted, two.accepted) == (2, 1)


async def test_the_most_recently_released_connection_is_reused_first() -> None:
    async with raw_server(keep_alive) as server, TCPConnector() as connector:
        first = await connector.connect(request(server.url))
        second = await connector.connect(request(server.url))
        first_proto, second_proto = first.protocol, second.protocol
        await roundtrip(first)
        await roundtrip(second)
        first.release()
        second.release()
        again = await connector.connect(request(server.url))
        assert again.protocol is second_proto
        other = await connector.connect(request(server.url))
        assert other.protocol is first_proto
        again.release()
        other.release()


async def test_only_a_clean_connection_goes_back_to_the_pool() -> None:
    async def half_body(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await reader.read()

    async with raw_server(half_body) as server, TCPConnector() as connector:
        conn = await connector.connect(request(server.url))
        proto = conn.protocol
        assert proto is not None
        assert conn.transport is not None
        proto.set_response_params()
        conn.transport.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        await asyncio.wait_for(proto.read(), 5)
        assert proto.should_close  # the body is not complete
        conn.release()
        assert not proto.is_connected()
        assert not connector._conns
        conn = await connector.connect(request(server.url))
        assert not conn.reused
        conn.close()
        assert server.accepted == 2


async def test_close_closes_the_connection_instead_of_pooling_it() -> None:
    async with raw_server(keep_alive) as server, TCPConnector() as connector:
        conn = await connector.connect(request(server.url))
        await roundtrip(conn)
        proto = conn.protocol
        assert proto is not None
        callbacks: list[str] = []
        conn.add_callback(lambda: callbacks.append("released"))
        conn.close()
        assert callbacks == ["released"]
        assert conn.closed
        assert not proto.is_connected()
        assert not connector._conns
        conn.close()  # twice is harmless
        conn.release()


async def test_force_close_never_reuses() -> None:
    async with (
        raw_server(keep_alive) as server,
        TCPConnector(force_close=True) as connector,
    ):
        assert connector.force_close
        for _ in range(3):
            conn = await connector.connect(request(server.url))
            assert await roundtrip(conn) == b"ok"
            conn.release()
        assert not connector._conns
        assert server.accepted == 3
    with pytest.raises(ValueError, match="keepalive_timeout cannot be set"):
        TCPConnector(force_close=True, keepalive_timeout=10)


async def test_a_connection_the_server_closed_is_not_reused() -> None:
    async def one_shot(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(response(b"ok"))  # keep-alive in words, then gone
        await writer.drain()

    async with raw_server(one_shot) as server, TCPConnector() as connector:
        conn = await connector.connect(request(server.url))
        proto = conn.protocol
        assert proto is not None
        await roundtrip(conn)
        conn.release()
        await wait_until(lambda: not proto.is_connected())
        conn = await connector.connect(request(server.url))
        assert not conn.reused
        await roundtrip(conn)
        conn.release()
        assert server.accepted == 2


# -- keep-alive timeout --------------------------------------------------------------


async def test_keepalive_timeout_closes_idle_connections_with_one_timer() -> None:
    async with (
        raw_server(keep_alive) as server,
        TCPConnector(keepalive_timeout=0.2) as connector,
    ):
        assert connector._cleanup_handle is None  # armed only when needed
        conns = [await connector.connect(request(server.url)) for _ in range(3)]
        protos = [conn.protocol for conn in conns]
        for conn in conns:
            await roundtrip(conn)
        conns[0].release()
        handle: object = connector._cleanup_handle
        assert handle is not None
        for conn in conns[1:]:
            conn.release()
            assert connector._cleanup_handle is handle  # one timer for all
        await wait_until(lambda: not connector._conns)
        assert all(proto is not None and not proto.is_connected() for proto in protos)
        assert connector._cleanup_handle is None
        conn = await connector.connect(request(server.url))
        assert not conn.reused
        conn.release()
        assert server.accepted == 4


async def test_an_idle_connection_reused_before_its_timeout() -> None:
    async with (
        raw_server(keep_alive) as server,
        TCPConnector(keepalive_timeout=30) as connector,
    ):
        conn = await connector.connect(request(server.url))
        await roundtrip(conn)
        conn.release()
        conn = await connector.connect(request(server.url))
        assert conn.reused
        conn.release()


# -- limits ------------------------------------------------------------------------


async def test_limit_bounds_connections_and_waiters_are_served_in_order() -> None:
    async with raw_server(keep_alive) as server, TCPConnector(limit=2) as connector:
        assert connector.limit == 2
        held = [await connector.connect(request(server.url)) for _ in range(2)]
        served: list[int] = []
        in_use = 2
        peak = 2

        async def client(i: int) -> None:
            nonlocal in_use, peak
            conn = await connector.connect(request(server.url))
            in_use += 1
            peak = max(peak, in_use)
            served.append(i)
            await roundtrip(conn)
            await asyncio.sleep(0.01)
            in_use -= 1
            conn.release()

        tasks = [asyncio.ensure_future(client(i)) for i in range(6)]
        await wait_until(lambda: connector._slots.waiting() == 6)
        for conn in held:
            in_use -= 1
            conn.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        assert served == list(range(6))
        assert peak <= 2
        assert not connector._acquired


async def test_limit_per_host_bounds_each_host_alone() -> None:
    async with (
        raw_server(keep_alive) as one,
        raw_server(keep_alive) as two,
        TCPConnector(limit_per_host=1) as connector,
    ):
        assert connector.limit_per_host == 1
        held = await connector.connect(request(one.url))
        waiting = asyncio.ensure_future(connector.connect(request(one.url)))
        await wait_until(lambda: connector._slots.waiting() == 1)
        other = await asyncio.wait_for(connector.connect(request(two.url)), 5)
        assert not waiting.done()
        held.release()
        conn = await asyncio.wait_for(waiting, 5)
        conn.release()
        other.release()


async def test_limit_zero_means_no_limit() -> None:
    async with raw_server(keep_alive) as server, TCPConnector(limit=0) as connector:
        conns = [await connector.connect(request(server.url)) for _ in range(150)]
        assert len(connector._acquired) == 150
        for conn in conns:
            conn.release()


async def test_cancelled_waiters_neither_lose_nor_leak_slots() -> None:
    async with raw_server(keep_alive) as server, TCPConnector(limit=1) as connector:
        held = await connector.connect(request(server.url))
        waiters = [
            asyncio.ensure_future(connector.connect(request(server.url)))
            for _ in range(5)
        ]
        await wait_until(lambda: connector._slots.waiting() == 5)
        # Cancelled while queued: they just leave the queue.
        waiters[1].cancel()
        waiters[3].cancel()
        await asyncio.sleep(0)
        # Handed the slot, then cancelled before it could take it: the slot
        # goes on to the next in line.
        held.release()
        waiters[0].cancel()
        conn = await asyncio.wait_for(waiters[2], 5)
        assert waiters[0].cancelled()
        assert waiters[1].cancelled()
        assert waiters[3].cancelled()
        assert not waiters[4].done()
        conn.release()
        last = await asyncio.wait_for(waiters[4], 5)
        last.release()
        assert connector._slots.waiting() == 0
        assert not connector._acquired


async def test_waiters_under_contention_with_timeouts_keep_the_limit_whole() -> None:
    limit = 3
    async with raw_server(keep_alive) as server, TCPConnector(limit=limit) as connector:
        done = 0

        async def client(i: int) -> None:
            nonlocal done
            try:
                conn = await asyncio.wait_for(
                    connector.connect(request(server.url)),
                    None if i % 4 == 0 else 0.01 * (i % 9),
                )
            except asyncio.TimeoutError:
                return
            await asyncio.sleep(0.002 * (i % 3))
            await roundtrip(conn)
            conn.release()
            done += 1

        await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(60))), 30)
        assert done > 0
        assert connector._slots.waiting() == 0
        assert not connector._acquired
        # Every slot is still there: `limit` connections at once, no wait.
        conns = [
            await asyncio.wait_for(connector.connect(request(server.url)), 1)
            for _ in range(limit)
        ]
        for conn in conns:
            conn.release()


async def test_connect_timeout_covers_the_wait_for_a_slot() -> None:
    async with raw_server(keep_alive) as server, TCPConnector(limit=1) as connector:
        held = await connector.connect(request(server.url))
        with pytest.raises(ConnectionTimeoutError, match="Connection timeout"):
            await connector.connect(
                request(server.url), [], ClientTimeout(connect=0.05)
            )
        assert connector._slots.waiting() == 0
        held.release()
        conn = await asyncio.wait_for(connector.connect(request(server.url)), 5)
        conn.release()


async def test_traces_of_queueing_creating_and_reusing() -> None:
    async with raw_server(keep_alive) as server, TCPConnector(limit=1) as connector:
        traces, events = recording_traces(*POOL_EVENTS)
        conn = await connector.connect(request(server.url), traces)
        assert events == ["connection_create_start", "connection_create_end"]
        await roundtrip(conn)
        waiting = asyncio.ensure_future(connector.connect(request(server.url), traces))
        await wait_until(lambda: connector._slots.waiting() == 1)
        conn.release()
        conn = await asyncio.wait_for(waiting, 5)
        assert events[2:] == [
            "connection_queued_start",
            "connection_queued_end",
            "connection_reuseconn",
        ]
        conn.release()
        events.clear()
        conn = await connector.connect(request(server.url), [])
        conn.release()
        assert events == []  # no traces given, none sent


# -- closing --------------------------------------------------------------------------


async def test_close_closes_everything_and_fails_the_waiters() -> None:
    async with raw_server(keep_alive) as server:
        connector = TCPConnector(limit=2)
        idle = await connector.connect(request(server.url))
        await roundtrip(idle)
        idle_proto = idle.protocol
        idle.release()
        busy = await connector.connect(request(server.url))
        busy2 = await connector.connect(request(server.url))
        waiter = asyncio.ensure_future(connector.connect(request(server.url)))
        await wait_until(lambda: connector._slots.waiting() == 1)

        await asyncio.wait_for(connector.close(), 5)
        assert connector.closed
        with pytest.raises(ClientConnectionError, match="Connector is closed"):
            await waiter
        assert idle_proto is not None
        assert not idle_proto.is_connected()
        assert busy.closed
        assert busy2.closed
        busy.release()  # after close: nothing to do, no error
        busy2.close()
        with pytest.raises(ClientConnectionError, match="Connector is closed"):
            await connector.connect(request(server.url))
        await connector.close()  # twice is fine


async def test_close_waits_until_the_connections_are_closed() -> None:
    async with raw_server(keep_alive) as server:
        connector = TCPConnector()
        conn = await connector.connect(request(server.url))
        await roundtrip(conn)
        proto = conn.protocol
        conn.release()
        assert proto is not None
        lost = proto.closed
        assert lost is not None
        await connector.close()
        assert lost.done()


async def test_close_not_awaited_warns() -> None:
    connector = TCPConnector()
    with pytest.warns(DeprecationWarning, match="please use await connector.close"):  # noqa: PT031
        connector.close()
        gc.collect()
    await asyncio.sleep(0)


async def test_deprecated_plain_with() -> None:
    with (
        pytest.warns(DeprecationWarning, match='"with Connector\\(\\):" is deprecated'),
        TCPConnector() as connector,
    ):
        pass
    assert connector.closed


async def test_an_unreleased_connection_collected_warns_and_closes() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: contexts.append(context))
    async with raw_server(keep_alive) as server, TCPConnector() as connector:
        conn = await connector.connect(request(server.url))
        proto = conn.protocol
        assert proto is not None
        with pytest.warns(ResourceWarning, match="Unclosed connection"):  # noqa: PT031
            del conn
            gc.collect()
        assert not proto.is_connected()
        assert not connector._acquired
        assert not connector._conns
        assert contexts
        assert contexts[0]["message"] == "Unclosed connection"


async def test_an_unclosed_connector_with_idle_connections_warns() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: contexts.append(context))
    async with raw_server(keep_alive) as server:
        connector = TCPConnector()
        conn = await connector.connect(request(server.url))
        await roundtrip(conn)
        proto = conn.protocol
        conn.release()
        assert proto is not None
        with pytest.warns(ResourceWarning, match="Unclosed connector"):  # noqa: PT031
            del connector, conn
            gc.collect()
        assert not proto.is_connected()
        assert contexts[0]["message"] == "Unclosed connector"


# -- the Connection ----------------------------------------------------------------------


async def test_connection_attributes() -> None:
    async with raw_server(keep_alive) as server, TCPConnector() as connector:
        req = request(server.url)
        conn = await connector.connect(req)
        assert repr(conn) == f"Connection<{req.connection_key}>"
        assert bool(conn)
        assert not conn.closed
        assert conn.transport is not None
        assert conn.protocol is not None
        with pytest.warns(DeprecationWarning, match="loop property is deprecated"):
            assert conn.loop is asyncio.get_running_loop()
        calls: list[int] = []

        def failing() -> None:
            calls.append(1)
            raise RuntimeError("ignored")

        conn.add_callback(failing)
        conn.add_callback(lambda: calls.append(2))
        conn.release()
        assert calls == [1, 2]
        assert conn.closed


async def test_base_connector_is_abstract_and_keeps_its_settings() -> None:
    async with raw_server(keep_alive) as server:
        connector = BaseConnector(limit=5, limit_per_host=2, keepalive_timeout=3)
        assert (connector.limit, connector.limit_per_host) == (5, 2)
        assert not connector.force_close
        assert not connector.closed
        assert connector.allowed_protocol_schema_set == {"http", "https", "ws", "wss"}
        with pytest.raises(NotImplementedError):
            await connector.connect(request(server.url))
        assert not connector._acquired  # the failed attempt gave its slot back
        await connector.close()


@pytest.mark.skipif(
    not (sys.version_info < (3, 12, 7) or (3, 13, 0) <= sys.version_info < (3, 13, 1)),
    reason="asyncio closes TLS transports itself on this Python",
)
async def test_enable_cleanup_closed_is_honoured_where_needed() -> None:
    connector = TCPConnector(enable_cleanup_closed=True)
    assert not connector._cleanup_closed_disabled
    await connector.close()


@pytest.mark.skipif(
    sys.version_info < (3, 12, 7) or (3, 13, 0) <= sys.version_info < (3, 13, 1),
    reason="asyncio needs the cleanup on this Python",
)
async def test_enable_cleanup_closed_is_ignored_where_not_needed() -> None:
    with pytest.warns(DeprecationWarning, match="enable_cleanup_closed ignored"):
        connector = TCPConnector(enable_cleanup_closed=True)
    assert connector._cleanup_closed_disabled
    await connector.close()


def test_server_harness_counts() -> None:
    assert RawServer(keep_alive).accepted == 0
