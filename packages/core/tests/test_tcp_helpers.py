"""Socket options set on real loopback connections."""

from __future__ import annotations

import asyncio
import socket

from aiohttp.tcp_helpers import tcp_keepalive, tcp_nodelay


async def _pair() -> tuple[asyncio.AbstractServer, asyncio.StreamWriter]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    return server, writer


async def test_keepalive_is_turned_on() -> None:
    server, writer = await _pair()
    try:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 0)
        tcp_keepalive(writer.transport)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
    finally:
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()


async def test_nodelay_turns_on_and_off() -> None:
    server, writer = await _pair()
    try:
        sock = writer.get_extra_info("socket")
        tcp_nodelay(writer.transport, True)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        tcp_nodelay(writer.transport, False)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    finally:
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()


async def test_unix_sockets_are_left_alone(short_tmp_path: object) -> None:
    path = f"{short_tmp_path}/s.sock"
    loop = asyncio.get_running_loop()
    server = await loop.create_unix_server(asyncio.Protocol, path)
    _, writer = await asyncio.open_unix_connection(path)
    try:
        tcp_keepalive(writer.transport)  # no TCP options on AF_UNIX: no error
        tcp_nodelay(writer.transport, True)
        assert writer.get_extra_info("socket").family == socket.AF_UNIX
    finally:
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
