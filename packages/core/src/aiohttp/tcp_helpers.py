"""Socket options for the TCP connections under the server and the client."""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

__all__ = ("tcp_keepalive", "tcp_nodelay")


def tcp_keepalive(transport: asyncio.BaseTransport) -> None:
    """Turn on TCP keep-alive probes, so that dead peers are noticed."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        # Some platforms refuse the option on some sockets; it is advice only.
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


def tcp_nodelay(transport: asyncio.BaseTransport, value: bool) -> None:
    """Turn Nagle's algorithm off (``value``) or back on for the connection."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    # The socket may already be closed by the peer.
    with suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, value)
