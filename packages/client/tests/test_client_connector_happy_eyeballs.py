"""Happy Eyeballs (RFC 8305) over real sockets on 127.0.0.1.

A "blackhole" is a listening socket whose queue is full and never read:
connecting to it hangs, as to a host that drops packets.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import socket
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import pytest
from client_harness import raw_server

from aiohttp._connector_happy_eyeballs import (
    AddrInfoType,
    addr_to_addr_infos,
    interleave_addr_infos,
    remove_addr_info,
    start_connection,
)
from aiohttp.connector import AddrInfoType as PublicAddrInfoType
from aiohttp.connector import SocketFactoryType


def v4(port: int, host: str = "127.0.0.1") -> AddrInfoType:
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port))


def v6(port: int, host: str = "::1") -> AddrInfoType:
    return (
        socket.AF_INET6,
        socket.SOCK_STREAM,
        socket.IPPROTO_TCP,
        "",
        (host, port, 0, 0),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def blackhole() -> Iterator[int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname(), timeout=5)
    try:
        yield int(listener.getsockname()[1])
    finally:
        filler.close()
        listener.close()


def drain(listener: socket.socket) -> list[socket.socket]:
    """Accept every connection waiting on a non-blocking listener."""
    accepted = []
    with suppress(BlockingIOError):
        while True:
            accepted.append(listener.accept()[0])
    return accepted


async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()


def test_public_names() -> None:
    assert PublicAddrInfoType is AddrInfoType
    factory: SocketFactoryType = lambda info: socket.socket(info[0])  # noqa: E731
    assert callable(factory)


def test_interleaving_alternates_families_after_the_first_count() -> None:
    a6, b6, c6 = v6(1), v6(2), v6(3)
    a4, b4 = v4(1), v4(2)
    infos = [a6, b6, c6, a4, b4]
    assert interleave_addr_infos(infos, 1) == [a6, a4, b6, b4, c6]
    assert interleave_addr_infos(infos, 2) == [a6, b6, a4, c6, b4]
    assert interleave_addr_infos([a4, a6, b4], 1) == [a4, a6, b4]
    assert interleave_addr_infos([], 1) == []


def test_local_addr_and_removal_helpers() -> None:
    assert addr_to_addr_infos(None) is None
    assert addr_to_addr_infos(("127.0.0.1", 5)) == [v4(5)]
    assert addr_to_addr_infos(("::1", 5)) == [v6(5)]
    infos = [v4(1), v6(2, "0:0::1"), v4(2)]
    remove_addr_info(infos, ("::1", 2, 0, 0))
    assert infos == [v4(1), v4(2)]
    remove_addr_info(infos, ("127.0.0.1", 1))
    assert infos == [v4(2)]


async def test_one_address() -> None:
    async with raw_server(hold) as server:
        port = server.url.port or 0
        sock = await start_connection([v4(port)], happy_eyeballs_delay=0.25)
        with sock:
            assert sock.getpeername() == ("127.0.0.1", port)
            assert not sock.getblocking()


async def test_a_hanging_address_delays_the_next_attempt_only_by_the_delay(
    blackhole: int,
) -> None:
    async with raw_server(hold) as server:
        infos = [v4(blackhole), v4(server.url.port or 0)]
        # One after the other, the hanging attempt holds everything up ...
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(start_connection(infos), 0.3)
        # ... staggered, the second starts once the delay has passed.
        sock = await asyncio.wait_for(
            start_connection(infos, happy_eyeballs_delay=0.05), 5
        )
        with sock:
            assert sock.getpeername()[1] == server.url.port
        gc.collect()  # the losing socket was closed: no ResourceWarning


async def test_a_failure_starts_the_next_attempt_at_once() -> None:
    async with raw_server(hold) as server:
        infos = [v4(free_port()), v4(server.url.port or 0)]
        # A delay far longer than the test may take: the refusal cuts it short.
        sock = await asyncio.wait_for(
            start_connection(infos, happy_eyeballs_delay=60), 5
        )
        with sock:
            assert sock.getpeername()[1] == server.url.port


async def test_the_first_to_connect_wins_and_the_others_are_closed() -> None:
    listeners = []
    for _ in range(3):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        listeners.append(listener)
    try:
        infos = [v4(listener.getsockname()[1]) for listener in listeners]
        sock = await start_connection(infos, happy_eyeballs_delay=0)
        with sock:
            await asyncio.sleep(0.1)  # the losers are closed as they finish
            accepted = [conn for listener in listeners for conn in drain(listener)]
            winners = [c for c in accepted if c.getpeername() == sock.getsockname()]
            assert len(winners) == 1
            for conn in accepted:
                with conn:
                    if conn is not winners[0]:
                        conn.settimeout(5)
                        assert conn.recv(1) == b""  # closed by the client
    finally:
        for listener in listeners:
            listener.close()


async def test_when_all_fail_every_error_is_reported() -> None:
    ports = [free_port(), free_port()]
    for delay in (None, 0.01):
        with pytest.raises(OSError, match="Multiple exceptions") as info:
            await start_connection([v4(p) for p in ports], happy_eyeballs_delay=delay)
        assert info.value.errno == errno.ECONNREFUSED
        assert all(str(p) in str(info.value) for p in ports)
    # The same failure twice is reported once, as itself.
    with pytest.raises(ConnectionRefusedError):
        await start_connection([v4(ports[0]), v4(ports[0])])
    with pytest.raises(OSError, match="no address"):
        await start_connection([])


async def test_attempts_follow_the_interleaved_order() -> None:
    made: list[AddrInfoType] = []

    def factory(info: AddrInfoType) -> socket.socket:
        made.append(info)
        return socket.socket(info[0], info[1], info[2])

    infos = [v4(free_port()), v4(free_port()), v6(free_port())]
    with pytest.raises(OSError, match="Multiple exceptions"):
        await start_connection(infos, interleave=1, socket_factory=factory)
    assert made == [infos[0], infos[2], infos[1]]
    made.clear()
    with pytest.raises(OSError, match="Multiple exceptions"):
        await start_connection(infos, socket_factory=factory)
    assert made == infos  # no delay, no interleave: the resolver's order


async def test_local_addresses() -> None:
    async with raw_server(hold) as server:
        port = server.url.port or 0
        local = free_port()
        sock = await start_connection(
            [v4(port)], local_addr_infos=addr_to_addr_infos(("127.0.0.1", local))
        )
        with sock:
            assert sock.getsockname() == ("127.0.0.1", local)
        with pytest.raises(OSError, match="no matching local address with family"):
            await start_connection(
                [v4(port)], local_addr_infos=addr_to_addr_infos(("::1", 0))
            )


async def test_a_socket_factory_failure_that_is_not_an_os_error_propagates() -> None:
    def factory(info: AddrInfoType) -> socket.socket:
        raise ValueError("no sockets today")

    with pytest.raises(ValueError, match="no sockets today"):
        await start_connection(
            [v4(1), v4(2)], happy_eyeballs_delay=0.01, socket_factory=factory
        )


async def test_cancelling_closes_every_attempt(blackhole: int) -> None:
    task = asyncio.ensure_future(
        start_connection([v4(blackhole), v4(blackhole)], happy_eyeballs_delay=0.01)
    )
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.01)
    gc.collect()  # a socket left open would warn here


async def test_staggered_attempts_are_tasks_of_their_own(blackhole: int) -> None:
    before = len(asyncio.all_tasks())
    task = asyncio.ensure_future(
        start_connection([v4(blackhole)] * 3, happy_eyeballs_delay=0.01)
    )
    await asyncio.sleep(0.1)
    running: Any = len(asyncio.all_tasks()) - before - 1
    assert running == 3
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.01)
    assert len(asyncio.all_tasks()) == before
