"""The WebSocket frame writer (RFC 6455 section 5, RFC 7692).

A message becomes one frame, or, with ``max_frame_size``, a first frame
followed by CONTINUATION frames. Every frame is::

    byte 0   FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)
    byte 1   MASK | payload length (7 bits: 0-125, 126 or 127)
    then     16-bit length when 126, 64-bit length when 127 (network order)
    then     the 4-byte masking key when MASK is set
    then     the payload, XORed with the key when masked

A client masks every frame with a fresh, unpredictable key (5.3); a server
never masks. With permessage-deflate (RFC 7692) data messages are deflated
as a whole, sync-flushed, and sent without the trailing ``00 00 ff ff``;
RSV1 marks the first frame of such a message. Control frames are never
compressed nor fragmented (5.5), and carry at most 125 bytes.

Writes go straight to the transport. When the transport's buffer passes
``limit`` the writer waits for the peer to read (``_drain_helper``), so a
fast producer cannot fill memory.
"""

from __future__ import annotations

import asyncio
import os
import random as _random_module
from struct import Struct

from aiohttp.base_protocol import BaseProtocol
from aiohttp.compression_utils import ZLibCompressObjProtocol, zlib_backend
from aiohttp.helpers import DEFAULT_CHUNK_SIZE

from .mask import websocket_mask
from .models import WSMsgType

__all__ = ("WebSocketWriter",)

_PACK_LEN16 = Struct("!BBH").pack
_PACK_LEN64 = Struct("!BBQ").pack
_PACK_CLOSE_CODE = Struct("!H").pack

_FIN = 0x80
_RSV1 = 0x40
_MASK_BIT = 0x80

_MAX_CONTROL_PAYLOAD = 125
# The 2-byte status code leaves 123 bytes for the close reason.
_MAX_CLOSE_REASON = _MAX_CONTROL_PAYLOAD - 2
_DEFLATE_TAIL = b"\x00\x00\xff\xff"
# Above this a message is deflated in the executor, keeping the loop free.
_COMPRESS_IN_EXECUTOR = 16 * 1024
# Above this a payload is written apart from its header instead of copied
# into one buffer with it.
_JOIN_LIMIT = 16 * 1024

_CLOSING_MESSAGE = "Cannot write to closing transport"
# Masking keys are cut from one os.urandom() read of this many bytes: as
# unpredictable as a read per frame (5.3), without a system call per frame.
_MASK_POOL_SIZE = 4096


def _deflate(
    compressor: ZLibCompressObjProtocol, data: bytes, sync_flush: int
) -> bytes:
    """One message's deflate output, without the sync-flush tail (7.2.1)."""
    out = compressor.compress(data) + compressor.flush(sync_flush)
    out = out.removesuffix(_DEFLATE_TAIL)
    # An empty stream is sent as one 0x00 byte, an empty stored block (7.2.3.6).
    return out or b"\x00"


class WebSocketWriter:
    """Write WebSocket frames to ``transport``.

    ``use_mask`` is set on the client side. ``random`` makes the masking keys
    reproducible (tests); by default they come from ``os.urandom``.
    ``compress`` is the negotiated ``max_window_bits`` of permessage-deflate
    (0: off) and ``notakeover`` our side's ``no_context_takeover``.
    ``max_frame_size``, when set, splits longer data messages into fragments.
    """

    __slots__ = (
        "_closing",
        "_compress",
        "_compress_lock",
        "_compressor",
        "_limit",
        "_mask_pool",
        "_mask_pos",
        "_max_frame_size",
        "_notakeover",
        "_random",
        "_use_mask",
        "protocol",
        "transport",
    )

    def __init__(
        self,
        protocol: BaseProtocol,
        transport: asyncio.Transport,
        *,
        use_mask: bool = False,
        limit: int = DEFAULT_CHUNK_SIZE,
        random: _random_module.Random | None = None,
        compress: int = 0,
        notakeover: bool = False,
        max_frame_size: int | None = None,
    ) -> None:
        if compress and not 9 <= compress <= 15:
            # zlib cannot make raw deflate with an 8-bit window.
            raise ValueError(f"compress must be 0 or window bits 9-15, not {compress}")
        if max_frame_size is not None and max_frame_size < 1:
            raise ValueError("max_frame_size must be positive")
        self.protocol = protocol
        self.transport = transport
        self._use_mask = use_mask
        self._limit = limit
        self._random = random
        self._compress = compress
        self._notakeover = notakeover
        self._max_frame_size = max_frame_size
        self._compressor: ZLibCompressObjProtocol | None = None
        self._compress_lock: asyncio.Lock | None = None
        self._closing = False
        self._mask_pool = b""
        self._mask_pos = 0

    # --- public API --------------------------------------------------------

    async def send_frame(
        self, message: bytes, opcode: int, compress: int | None = None
    ) -> None:
        """Send ``message`` as one message of type ``opcode``.

        ``compress`` overrides the writer's setting for this message: 0 sends
        it uncompressed, other window bits use a one-off compressor.
        """
        self._check_writable()
        if not 0 <= opcode <= 0xF:
            raise ValueError(f"invalid opcode {opcode}")
        if opcode >= WSMsgType.CLOSE:
            if len(message) > _MAX_CONTROL_PAYLOAD:
                raise ValueError(
                    f"control frame payload is {len(message)} bytes, at most "
                    f"{_MAX_CONTROL_PAYLOAD} allowed"
                )
            self._write_frame(message, opcode, fin=True, rsv1=False)
            if opcode == WSMsgType.CLOSE:
                # A close frame is the last thing this endpoint sends (5.5.1).
                self._closing = True
            await self._maybe_drain()
            return

        wbits = self._compress if compress is None else compress
        if not wbits:
            self._write_message(message, opcode, compressed=False)
        else:
            if self._compress_lock is None:
                self._compress_lock = asyncio.Lock()
            # The lock keeps messages in order while one is deflated in the
            # executor, and the shared compressor out of two threads.
            async with self._compress_lock:
                payload = await self._deflate_message(message, wbits)
                self._check_writable()
                self._write_message(payload, opcode, compressed=True)
        await self._maybe_drain()

    async def send_text(self, text: str) -> None:
        """Send a TEXT message."""
        await self.send_frame(text.encode("utf-8"), WSMsgType.TEXT)

    async def send_binary(self, data: bytes | bytearray | memoryview) -> None:
        """Send a BINARY message."""
        await self.send_frame(bytes(data), WSMsgType.BINARY)

    async def ping(self, message: bytes = b"") -> None:
        """Send a PING with at most 125 bytes of application data."""
        await self.send_frame(message, WSMsgType.PING)

    async def pong(self, message: bytes = b"") -> None:
        """Send a PONG with at most 125 bytes of application data."""
        await self.send_frame(message, WSMsgType.PONG)

    async def close(self, code: int = 1000, message: bytes | str = b"") -> None:
        """Send a CLOSE frame: ``code`` and a UTF-8 reason of <= 123 bytes.

        Nothing can be sent after it.
        """
        reason = message.encode("utf-8") if isinstance(message, str) else message
        if len(reason) > _MAX_CLOSE_REASON:
            raise ValueError(
                f"close reason is {len(reason)} bytes, at most "
                f"{_MAX_CLOSE_REASON} allowed"
            )
        await self.send_frame(_PACK_CLOSE_CODE(code) + reason, WSMsgType.CLOSE)

    # --- internals -----------------------------------------------------------

    def _check_writable(self) -> None:
        if self._closing or self.transport.is_closing():
            raise ConnectionResetError(_CLOSING_MESSAGE)

    async def _deflate_message(self, message: bytes, wbits: int) -> bytes:
        backend = zlib_backend()
        if wbits == self._compress and not self._notakeover:
            if self._compressor is None:
                self._compressor = backend.compressobj(wbits=-wbits)
            compressor = self._compressor
        else:
            # Without context takeover every message starts a fresh stream.
            compressor = backend.compressobj(wbits=-wbits)
        sync_flush = backend.Z_SYNC_FLUSH
        if len(message) > _COMPRESS_IN_EXECUTOR:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                None, _deflate, compressor, message, sync_flush
            )
        return _deflate(compressor, message, sync_flush)

    def _write_message(self, payload: bytes, opcode: int, *, compressed: bool) -> None:
        size = self._max_frame_size
        if size is None or len(payload) <= size:
            self._write_frame(payload, opcode, fin=True, rsv1=compressed)
            return
        view = memoryview(payload)
        last = len(payload) - size
        self._write_frame(view[:size], opcode, fin=False, rsv1=compressed)
        for start in range(size, len(payload), size):
            self._write_frame(
                view[start : start + size],
                WSMsgType.CONTINUATION,
                fin=start >= last,
                rsv1=False,
            )

    def _write_frame(
        self, payload: bytes | memoryview, opcode: int, *, fin: bool, rsv1: bool
    ) -> None:
        first = opcode | (_FIN if fin else 0) | (_RSV1 if rsv1 else 0)
        length = len(payload)
        mask_bit = _MASK_BIT if self._use_mask else 0
        if length < 126:
            header = bytes((first, mask_bit | length))
        elif length < 65536:
            header = _PACK_LEN16(first, mask_bit | 126, length)
        else:
            header = _PACK_LEN64(first, mask_bit | 127, length)
        data: bytes | memoryview = payload
        if self._use_mask:
            key = self._new_mask()
            header += key
            data = websocket_mask(key, payload)
        if length <= _JOIN_LIMIT:
            self.transport.write(header + data)
        else:
            self.transport.write(header)
            self.transport.write(data)

    def _new_mask(self) -> bytes:
        if self._random is not None:
            return self._random.getrandbits(32).to_bytes(4, "big")
        pos = self._mask_pos
        if pos >= len(self._mask_pool):
            self._mask_pool = os.urandom(_MASK_POOL_SIZE)
            pos = 0
        self._mask_pos = pos + 4
        return self._mask_pool[pos : pos + 4]

    async def _maybe_drain(self) -> None:
        if self.transport.get_write_buffer_size() > self._limit:
            await self.protocol._drain_helper()
