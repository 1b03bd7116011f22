"""A hand-written WebSocket client for the server's tests (RFC 6455).

It writes the opening handshake and every frame byte by byte, so a test can
send exactly what a well-behaved client sends, or exactly the violation it
wants the server to catch, and read back the server's frames as they are on
the wire. Nothing of aiohttp's WebSocket code is used on this side.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from web_raw_client import RawResponse, read_head, serve

from aiohttp.web_request import BaseRequest
from aiohttp.web_server import Server
from aiohttp.web_ws import WebSocketResponse

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# The example of RFC 6455 section 1.3.
SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

CONTINUATION = 0x0
TEXT = 0x1
BINARY = 0x2
CLOSE = 0x8
PING = 0x9
PONG = 0xA

# Every read from the server is bounded: a test fails instead of hanging.
READ_TIMEOUT = 5.0


def expected_accept(key: str) -> str:
    """The Sec-WebSocket-Accept a server must answer ``key`` with."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def handshake(
    path: str = "/",
    *,
    key: str | None = SAMPLE_KEY,
    method: str = "GET",
    version: str | None = "13",
    upgrade: str | None = "websocket",
    connection: str | None = "Upgrade",
    protocols: str | None = None,
    extensions: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """An opening handshake request; ``None`` leaves a header out."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    for name, value in (
        ("Upgrade", upgrade),
        ("Connection", connection),
        ("Sec-WebSocket-Key", key),
        ("Sec-WebSocket-Version", version),
        ("Sec-WebSocket-Protocol", protocols),
        ("Sec-WebSocket-Extensions", extensions),
        *extra,
    ):
        if value is not None:
            lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def frame_header(
    opcode: int,
    length: int,
    *,
    fin: bool = True,
    rsv1: bool = False,
    rsv2: bool = False,
    rsv3: bool = False,
    masked: bool = True,
) -> bytes:
    """A frame's header up to (not including) the masking key."""
    first = opcode
    first |= 0x80 if fin else 0
    first |= 0x40 if rsv1 else 0
    first |= 0x20 if rsv2 else 0
    first |= 0x10 if rsv3 else 0
    mask_bit = 0x80 if masked else 0
    if length < 126:
        return bytes((first, mask_bit | length))
    if length < 1 << 16:
        return struct.pack("!BBH", first, mask_bit | 126, length)
    return struct.pack("!BBQ", first, mask_bit | 127, length)


def mask(key: bytes, payload: bytes) -> bytes:
    """XOR ``payload`` with the 4-byte ``key`` repeated (RFC 6455 5.3)."""
    size = len(payload)
    repeated = (key * (size // 4 + 1))[:size]
    xored = int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")
    return xored.to_bytes(size, "big")


def frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv1: bool = False,
    rsv2: bool = False,
    rsv3: bool = False,
    masked: bool = True,
    mask_key: bytes | None = None,
) -> bytes:
    """One frame, masked by default as a client must send it."""
    header = frame_header(
        opcode,
        len(payload),
        fin=fin,
        rsv1=rsv1,
        rsv2=rsv2,
        rsv3=rsv3,
        masked=masked,
    )
    if not masked:
        return header + payload
    key = mask_key if mask_key is not None else os.urandom(4)
    return header + key + mask(key, payload)


def close_payload(code: int, reason: bytes = b"") -> bytes:
    """A Close frame's payload: the 2-byte code, then the reason."""
    return struct.pack("!H", code) + reason


def deflate(data: bytes) -> bytes:
    """A permessage-deflate payload: raw deflate, sync-flushed, tail cut."""
    compressor = zlib.compressobj(wbits=-15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def inflate(data: bytes) -> bytes:
    """Undo ``deflate`` (RFC 7692 section 7.2.2)."""
    return zlib.decompressobj(wbits=-15).decompress(data + b"\x00\x00\xff\xff")


@dataclass
class Frame:
    """One frame as the server sent it."""

    fin: bool
    rsv1: bool
    opcode: int
    payload: bytes

    @property
    def close_code(self) -> int:
        """The status code of a Close frame."""
        assert self.opcode == CLOSE
        return int(struct.unpack("!H", self.payload[:2])[0])

    @property
    def close_reason(self) -> str:
        """The reason of a Close frame."""
        assert self.opcode == CLOSE
        return self.payload[2:].decode("utf-8")


class RawWebSocket:
    """The client's end of an upgraded connection."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        response: RawResponse,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.response = response

    async def send_raw(self, data: bytes) -> None:
        """Write bytes as they are."""
        self.writer.write(data)
        await self.writer.drain()

    async def send(
        self,
        opcode: int,
        payload: bytes = b"",
        *,
        fin: bool = True,
        rsv1: bool = False,
        rsv2: bool = False,
        rsv3: bool = False,
        masked: bool = True,
    ) -> None:
        """Send one frame (masked unless told otherwise)."""
        data = frame(
            opcode, payload, fin=fin, rsv1=rsv1, rsv2=rsv2, rsv3=rsv3, masked=masked
        )
        await self.send_raw(data)

    async def send_text(self, text: str) -> None:
        """Send a TEXT message in one frame."""
        await self.send(TEXT, text.encode("utf-8"))

    async def send_binary(self, data: bytes) -> None:
        """Send a BINARY message in one frame."""
        await self.send(BINARY, data)

    async def send_close(self, code: int | None = 1000, reason: bytes = b"") -> None:
        """Send a Close frame (no payload at all when ``code`` is None)."""
        await self.send(CLOSE, b"" if code is None else close_payload(code, reason))

    async def read_frame(self, timeout: float = READ_TIMEOUT) -> Frame:
        """Read one frame; a server's frames are never masked."""
        return await asyncio.wait_for(self._read_frame(), timeout)

    async def _read_frame(self) -> Frame:
        first, second = await self.reader.readexactly(2)
        assert not second & 0x80, "a server must not mask its frames"
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        payload = await self.reader.readexactly(length)
        return Frame(bool(first & 0x80), bool(first & 0x40), first & 0x0F, payload)

    async def read_message(self, timeout: float = READ_TIMEOUT) -> Frame:
        """Read the next frame that is not a PING or PONG."""
        while True:
            got = await self.read_frame(timeout)
            if got.opcode not in (PING, PONG):
                return got

    async def read_close(self) -> Frame:
        """Read frames until the server's Close frame; return it."""
        while True:
            got = await self.read_frame()
            if got.opcode == CLOSE:
                return got

    async def closed_by_server(self, timeout: float = READ_TIMEOUT) -> bool:
        """Whether the server closes the TCP connection (after any last bytes)."""
        try:
            rest = await asyncio.wait_for(self.reader.read(), timeout)
        except ConnectionError:
            return True
        except asyncio.TimeoutError:
            return False
        assert rest == b"", f"unexpected bytes before the end: {rest!r}"
        return True

    async def close(self) -> None:
        """Drop this side of the TCP connection."""
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


async def open_raw(port: int, request: bytes) -> RawWebSocket:
    """Connect, send ``request`` and read the response's head."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    response = await asyncio.wait_for(read_head(reader), READ_TIMEOUT)
    return RawWebSocket(reader, writer, response)


@contextlib.asynccontextmanager
async def connect(
    port: int,
    path: str = "/",
    *,
    protocols: str | None = None,
    extensions: str | None = None,
) -> AsyncIterator[RawWebSocket]:
    """A WebSocket whose handshake succeeded; its socket closes at the end."""
    request = handshake(path, protocols=protocols, extensions=extensions)
    ws = await open_raw(port, request)
    try:
        assert ws.response.status == 101, ws.response
        yield ws
    finally:
        await ws.close()


WsBody = Callable[[WebSocketResponse], Awaitable[None]]


@contextlib.asynccontextmanager
async def serve_ws(body: WsBody, **options: Any) -> AsyncIterator[tuple[Server, int]]:
    """Serve a handler that runs ``body`` on a prepared ``WebSocketResponse``.

    ``options`` go to the response. On the way out the connections' tasks
    are awaited (a handler may outlive its connection), so what the handler
    recorded is complete when the block ends.
    """
    tasks: list[asyncio.Task[Any]] = []

    async def handler(request: BaseRequest) -> WebSocketResponse:
        task = asyncio.current_task()
        assert task is not None
        tasks.append(task)
        ws = WebSocketResponse(**options)
        await ws.prepare(request)
        await body(ws)
        return ws

    async with serve(handler) as (server, port):
        try:
            yield server, port
        finally:
            if tasks:
                await asyncio.wait(tasks, timeout=READ_TIMEOUT)
            assert all(task.done() for task in tasks), "a handler did not finish"
