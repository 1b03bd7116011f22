"""What the client WebSocket tests share: servers to connect to.

``ws_app`` is an aiotide-web application whose ``/ws`` route runs a test's
coroutine on a prepared ``web.WebSocketResponse``. For servers that
misbehave, ``answer_handshake`` reads a raw connection's upgrade request and
writes the 101 (or whatever the test wants), and ``read_frame`` /
``server_frame`` speak frames by hand (RFC 6455 section 5.2), computed here
from the RFC rather than with the code under test.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

import aiohttp
from aiohttp import web

#: Every test bounds its requests: a hang fails the test, it does not stall it.
TIMEOUT = aiohttp.ClientTimeout(total=15)
#: A bound for waiting on anything else.
WAIT = 10.0

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

WsBody = Callable[[web.WebSocketResponse], Awaitable[None]]


def ws_app(body: WsBody, **options: Any) -> web.Application:
    """An app whose ``/ws`` prepares ``WebSocketResponse(**options)`` and runs ``body``."""

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(**options)
        await ws.prepare(request)
        await body(ws)
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    return app


def accept_for(key: str) -> str:
    """``Sec-WebSocket-Accept`` for ``key`` (RFC 6455 section 4.2.2 item 5.4)."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


class Request(NamedTuple):
    method: str
    target: str
    headers: dict[str, str]  # lowercased names; repeated ones joined by ", "


async def read_upgrade_request(reader: asyncio.StreamReader) -> Request:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        key = name.strip().lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return Request(method, target, headers)


async def answer_handshake(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    *headers: str,
    status: str = "101 Switching Protocols",
    accept: str | None = None,
    upgrade: str | None = "websocket",
    connection: str | None = "Upgrade",
    extra: bytes = b"",
) -> Request:
    """Read the upgrade request; answer it (a valid 101 unless told otherwise).

    ``accept`` replaces the right ``Sec-WebSocket-Accept`` ("" leaves it
    out), ``upgrade`` and ``connection`` the headers of those names (None
    leaves them out); ``extra`` bytes follow the head at once.
    """
    request = await read_upgrade_request(reader)
    lines = [f"HTTP/1.1 {status}"]
    if upgrade is not None:
        lines.append(f"Upgrade: {upgrade}")
    if connection is not None:
        lines.append(f"Connection: {connection}")
    if accept is None:
        accept = accept_for(request.headers["sec-websocket-key"])
    if accept:
        lines.append(f"Sec-WebSocket-Accept: {accept}")
    lines.extend(headers)
    if not status.startswith("101"):
        lines.append("Content-Length: 0")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + extra)
    await writer.drain()
    return request


class Frame(NamedTuple):
    fin: bool
    opcode: int
    masked: bool
    payload: bytes

    @property
    def close_code(self) -> int:
        return int.from_bytes(self.payload[:2], "big")


async def read_frame(reader: asyncio.StreamReader) -> Frame:
    """One frame from the client, unmasked."""
    first, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    masked = bool(second & 0x80)
    key = await reader.readexactly(4) if masked else b"\0\0\0\0"
    data = await reader.readexactly(length)
    payload = bytes(byte ^ key[i % 4] for i, byte in enumerate(data))
    return Frame(bool(first & 0x80), first & 0x0F, masked, payload)


def server_frame(opcode: int, payload: bytes = b"", *, fin: bool = True) -> bytes:
    """An unmasked frame, as a server sends it."""
    first = (0x80 if fin else 0) | opcode
    if len(payload) < 126:
        return bytes((first, len(payload))) + payload
    if len(payload) < 65536:
        return struct.pack("!BBH", first, 126, len(payload)) + payload
    return struct.pack("!BBQ", first, 127, len(payload)) + payload
