"""Reading WebSocket frames (RFC 6455 section 5, RFC 7692).

Three layers, from the bytes up:

``FrameParser``
    Sans-IO: ``feed(bytes)`` returns the complete messages those bytes
    finish, and no event loop is involved. Every protocol violation ends the
    list with a ``WebSocketError`` carrying the close code to send (1002,
    1007 or 1009); the parser is then dead and answers every later ``feed``
    with that same error.
``WebSocketDataQueue``
    The asyncio queue of messages the application reads, pausing the
    connection's reading while too much message data waits in it.
``WebSocketReader``
    The thin adapter a protocol feeds after the upgrade: parser in, queue out.

Cost: the parser keeps one ``bytearray`` and a read position. Payload bytes
leave the buffer as soon as they arrive, so what is kept between feeds is at
most an unfinished frame header (14 bytes): however the input is split, each
byte is copied a bounded number of times and never rescanned.

Limits are enforced before memory is spent: a frame whose declared length
would take its message past ``max_msg_size`` fails with 1009 as soon as its
header is read, and a compressed message is inflated with a bounded output,
so a compression bomb costs at most ``max_msg_size`` bytes.

Text is checked as UTF-8 incrementally, as the payload arrives (RFC 6455
section 8.1): an invalid byte fails the connection when it is read, not when
the message ends.
"""

from __future__ import annotations

import asyncio
import codecs
from typing import Final, TypeAlias

from aiohttp.base_protocol import BaseProtocol
from aiohttp.compression_utils import (
    ZLibDecompressObjProtocol,
    zlib_backend,
    zlib_backend_error,
)
from aiohttp.streams import FlowControlDataQueue

from .mask import websocket_mask
from .models import (
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMessageTextBytes,
    WSMsgType,
)

__all__ = (
    "FrameParser",
    "Message",
    "ParserEvent",
    "WebSocketDataQueue",
    "WebSocketReader",
)

#: A message the parser produces.
Message: TypeAlias = WSMessage | WSMessageTextBytes

# A NamedTuple's constructor is Python code; tuple.__new__ is C.
_new_tuple: Final = tuple.__new__
#: What ``FrameParser.feed`` returns items of.
ParserEvent: TypeAlias = WSMessage | WSMessageTextBytes | WebSocketError

# RFC 7692 section 7.2.2: the sender strips this empty-block tail from each
# message; the receiver appends it back before inflating.
_DEFLATE_TAIL: Final = b"\x00\x00\xff\xff"

_CONTINUATION: Final = WSMsgType.CONTINUATION.value
_TEXT: Final = WSMsgType.TEXT.value
_BINARY: Final = WSMsgType.BINARY.value
_CLOSE: Final = WSMsgType.CLOSE.value
_PING: Final = WSMsgType.PING.value
_PONG: Final = WSMsgType.PONG.value
_DATA_OPCODES: Final = frozenset({_CONTINUATION, _TEXT, _BINARY})
_CONTROL_OPCODES: Final = frozenset({_CLOSE, _PING, _PONG})

_MAX_CONTROL_PAYLOAD: Final = 125
# RFC 6455 section 5.2: "the most significant bit MUST be 0".
_TOP_BIT_64: Final = 1 << 63

# The parser's states: what it waits for next.
_HEADER: Final = 0  # the two fixed header bytes
_LENGTH: Final = 1  # the 2- or 8-byte extended payload length
_MASK_KEY: Final = 2  # the 4-byte masking key
_PAYLOAD: Final = 3  # payload bytes (possibly none)


def _is_valid_close_code(code: int) -> bool:
    """RFC 6455 section 7.4: the codes a peer may put in a Close frame.

    1004-1006 and 1015 are reserved for local reporting and never sent;
    1016-2999 are unassigned protocol codes; 3000-4999 belong to libraries
    and applications.
    """
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


def _protocol_error(message: str) -> WebSocketError:
    return WebSocketError(WSCloseCode.PROTOCOL_ERROR, message)


def _invalid_text() -> WebSocketError:
    return WebSocketError(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in a text message")


class FrameParser:
    """Turn received WebSocket bytes into messages, sans-IO.

    Args:
        is_server: True when we are the server, reading a client's frames
            (which must be masked); False when reading a server's frames
            (which must not be).
        max_msg_size: the largest message accepted, in bytes after any
            decompression; 0 means no limit.
        compress: the permessage-deflate window bits negotiated for the
            peer's messages (8-15), or 0 when the extension is off.
        notakeover: the peer resets its compression context after each
            message, so ours is reset too.
        decode_text: produce TEXT payloads as ``str`` (``WSMessage``) rather
            than validated UTF-8 ``bytes`` (``WSMessageTextBytes``).
    """

    __slots__ = (
        "_buf",
        "_compress",
        "_control",
        "_decode_text",
        "_decoder",
        "_decompressor",
        "_error",
        "_fin",
        "_is_server",
        "_length",
        "_mask",
        "_mask_offset",
        "_masked",
        "_max_msg_size",
        "_msg_compressed",
        "_msg_data",
        "_msg_opcode",
        "_msg_size",
        "_notakeover",
        "_opcode",
        "_pos",
        "_remaining",
        "_state",
        "_text_parts",
    )

    def __init__(
        self,
        *,
        is_server: bool,
        max_msg_size: int,
        compress: int = 0,
        notakeover: bool = False,
        decode_text: bool = True,
    ) -> None:
        self._is_server = is_server
        self._max_msg_size = max_msg_size
        self._compress = compress
        self._notakeover = notakeover
        self._decode_text = decode_text
        self._decompressor: ZLibDecompressObjProtocol | None = None
        self._error: WebSocketError | None = None

        self._buf = bytearray()
        self._pos = 0
        self._state = _HEADER

        # The frame being read.
        self._fin = False
        self._opcode = 0
        self._masked = False
        self._length = 0  # from the header, once known
        self._remaining = 0  # payload bytes still to come
        self._mask = b""
        self._mask_offset = 0  # payload bytes unmasked so far, modulo 4
        self._control = bytearray()  # a control frame's payload

        # The data message being assembled (``_msg_opcode`` 0: none).
        self._msg_opcode = 0
        self._msg_compressed = False
        self._msg_size = 0  # payload bytes received, before inflating
        self._msg_data = bytearray()
        self._text_parts: list[str] = []
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, data: bytes) -> list[ParserEvent]:
        """Parse ``data`` and return the messages it completes.

        A ``WebSocketError``, if any, is the last item; after it the parser
        accepts nothing more and returns the same error again.
        """
        if self._error is not None:
            return [self._error]
        self._buf += data
        events: list[ParserEvent] = []
        try:
            self._parse(events)
        except WebSocketError as exc:
            self._error = exc
            self._buf.clear()
            self._pos = 0
            events.append(exc)
            return events
        # Only an unfinished header can be left: dropping the consumed
        # prefix copies at most 13 bytes.
        del self._buf[: self._pos]
        self._pos = 0
        return events

    def _parse(self, events: list[ParserEvent]) -> None:
        """Advance through the states while the buffer holds enough bytes."""
        while True:
            state = self._state
            if state == _HEADER:
                if not self._msg_opcode:
                    self._parse_small_frames(events)
                progressed = self._parse_header()
            elif state == _LENGTH:
                progressed = self._parse_length()
            elif state == _MASK_KEY:
                progressed = self._parse_mask_key()
            else:
                progressed = self._parse_payload(events)
            if not progressed:
                return

    def _parse_small_frames(self, events: list[ParserEvent]) -> None:
        """Read whole small data frames at once: the common case, made cheap.

        Takes complete, unfragmented, uncompressed TEXT and BINARY frames
        of fewer than 126 bytes, masked as the role requires and within
        ``max_msg_size``, while they follow one another; anything else is
        left to the general states, which also raise every error.
        """
        buf = self._buf
        pos = self._pos
        end = len(buf)
        masked_bit = 0x80 if self._is_server else 0
        header_size = 6 if self._is_server else 2
        limit = self._max_msg_size
        append = events.append
        while end - pos >= 2:
            first = buf[pos]
            second = buf[pos + 1]
            length = second & 0x7F
            if (
                (first != 0x81 and first != 0x82)  # noqa: PLR1714 - two ints, the fastest test
                or second & 0x80 != masked_bit
                or length > 125
                or end - pos < header_size + length
                or (limit and length > limit)
            ):
                break
            start = pos + header_size
            payload = bytes(buf[start : start + length])
            if masked_bit:
                payload = websocket_mask(bytes(buf[pos + 2 : start]), payload)
            pos = start + length
            if first == 0x82:
                append(_new_tuple(WSMessage, (WSMsgType.BINARY, payload, "")))
                continue
            try:
                text = payload.decode("utf-8")
            except UnicodeDecodeError:
                self._pos = pos
                raise _invalid_text() from None
            if self._decode_text:
                append(_new_tuple(WSMessage, (WSMsgType.TEXT, text, "")))
            else:
                append(_new_tuple(WSMessageTextBytes, (WSMsgType.TEXT, payload, "")))
        self._pos = pos

    def _take(self, size: int) -> bytearray | None:
        """The next ``size`` buffered bytes, or None while fewer are there."""
        start = self._pos
        if len(self._buf) - start < size:
            return None
        self._pos = start + size
        return self._buf[start : start + size]

    def _parse_header(self) -> bool:
        header = self._take(2)
        if header is None:
            return False
        self._read_header(header[0], header[1])
        if self._state == _PAYLOAD:
            self._start_payload()
        return True

    def _parse_length(self) -> bool:
        encoded = self._take(2 if self._length == 126 else 8)
        if encoded is None:
            return False
        length = int.from_bytes(encoded, "big")
        if length & _TOP_BIT_64:
            raise _protocol_error("Payload length has its top bit set")
        # A longer encoding than needed is tolerated: section 5.2's "minimal
        # number of bytes" binds the sender only.
        self._length = length
        if self._masked:
            self._state = _MASK_KEY
        else:
            self._state = _PAYLOAD
            self._start_payload()
        return True

    def _parse_mask_key(self) -> bool:
        key = self._take(4)
        if key is None:
            return False
        self._mask = bytes(key)
        self._state = _PAYLOAD
        self._start_payload()
        return True

    def _parse_payload(self, events: list[ParserEvent]) -> bool:
        if self._remaining:
            available = len(self._buf) - self._pos
            if not available:
                return False
            chunk = self._take(min(available, self._remaining))
            assert chunk is not None
            self._remaining -= len(chunk)
            self._take_payload(chunk)
            if self._remaining:
                return False
        self._state = _HEADER
        message = self._end_frame()
        if message is not None:
            events.append(message)
        return True

    def _read_header(self, first: int, second: int) -> None:
        """Check the two fixed header bytes and start reading the frame."""
        fin = bool(first & 0x80)
        rsv1 = bool(first & 0x40)
        opcode = first & 0x0F
        masked = bool(second & 0x80)
        length = second & 0x7F

        if first & 0x30:
            raise _protocol_error("RSV2 and RSV3 must be 0")
        if opcode in _CONTROL_OPCODES:
            self._check_control(fin=fin, rsv1=rsv1, length=length)
        elif opcode in _DATA_OPCODES:
            self._check_data(opcode, rsv1=rsv1)
        else:
            raise _protocol_error(f"Unknown opcode {opcode:#x}")
        if masked != self._is_server:
            if self._is_server:
                raise _protocol_error("Frames from a client must be masked")
            raise _protocol_error("Frames from a server must not be masked")

        if opcode in (_TEXT, _BINARY):
            self._msg_opcode = opcode
            self._msg_compressed = rsv1
        self._fin = fin
        self._opcode = opcode
        self._masked = masked
        self._length = length
        self._mask_offset = 0
        if length >= 126:
            self._state = _LENGTH
        elif masked:
            self._state = _MASK_KEY
        else:
            self._state = _PAYLOAD

    @staticmethod
    def _check_control(*, fin: bool, rsv1: bool, length: int) -> None:
        """RFC 6455 section 5.5, RFC 7692 section 6.1."""
        if not fin:
            raise _protocol_error("Control frames must not be fragmented")
        if length > _MAX_CONTROL_PAYLOAD:
            raise _protocol_error("Control frame payload exceeds 125 bytes")
        if rsv1:
            raise _protocol_error("Control frames must not be compressed")

    def _check_data(self, opcode: int, *, rsv1: bool) -> None:
        """RFC 6455 section 5.4, RFC 7692 section 6.1."""
        if opcode == _CONTINUATION:
            if not self._msg_opcode:
                raise _protocol_error("Continuation frame without a message")
            if rsv1:
                raise _protocol_error("RSV1 set on a continuation frame")
            return
        if self._msg_opcode:
            raise _protocol_error("New data message before the last ended")
        if rsv1 and not self._compress:
            raise _protocol_error("RSV1 set without permessage-deflate")

    def _start_payload(self) -> None:
        """The length is known: refuse an oversized message before reading it."""
        length = self._length
        if (
            self._opcode not in _CONTROL_OPCODES
            and self._max_msg_size
            and self._msg_size + length > self._max_msg_size
        ):
            raise WebSocketError(
                WSCloseCode.MESSAGE_TOO_BIG,
                f"Message size {self._msg_size + length} "
                f"exceeds limit {self._max_msg_size}",
            )
        self._remaining = length

    def _take_payload(self, chunk: bytearray) -> None:
        if self._masked:
            offset = self._mask_offset
            mask = self._mask[offset:] + self._mask[:offset]
            self._mask_offset = (offset + len(chunk)) % 4
            plain: bytes | bytearray = websocket_mask(mask, chunk)
        else:
            plain = chunk
        if self._opcode in _CONTROL_OPCODES:
            self._control += plain
            return
        self._msg_size += len(plain)
        if self._msg_compressed:
            # UTF-8 can only be checked once inflated, at the message's end.
            self._msg_data += plain
        elif self._msg_opcode == _TEXT:
            text = self._check_text(plain)
            if self._decode_text:
                self._text_parts.append(text)
            else:
                self._msg_data += plain
        else:
            self._msg_data += plain

    def _check_text(self, data: bytes | bytearray, final: bool = False) -> str:
        decoder = self._decoder
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError:
            raise _invalid_text() from None
        # CPython's decoder rejects a bad second byte after E0, F0 and F4
        # at once, but holds ED A0-BF (a UTF-16 surrogate, forbidden in
        # UTF-8) until a third byte: catch that prefix as soon as it is here.
        pending = decoder.getstate()[0]
        if len(pending) >= 2 and pending[0] == 0xED and pending[1] >= 0xA0:
            raise _invalid_text()
        return text

    def _end_frame(self) -> Message | None:
        """A frame's payload is complete: return the message it ends, if any."""
        opcode = self._opcode
        if opcode in _CONTROL_OPCODES:
            payload = bytes(self._control)
            self._control.clear()
            if opcode == _CLOSE:
                return self._close_message(payload)
            return WSMessage(WSMsgType(opcode), payload, "")
        if not self._fin:
            return None
        return self._end_message()

    def _close_message(self, payload: bytes) -> WSMessage:
        if not payload:
            return WSMessage(WSMsgType.CLOSE, 0, "")
        if len(payload) == 1:
            raise _protocol_error("Close frame payload of 1 byte")
        code = int.from_bytes(payload[:2], "big")
        if not _is_valid_close_code(code):
            raise _protocol_error(f"Invalid close code {code}")
        try:
            reason = payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            raise WebSocketError(
                WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in the close reason"
            ) from None
        return WSMessage(WSMsgType.CLOSE, code, reason)

    def _end_message(self) -> Message:
        opcode = self._msg_opcode
        data = bytes(self._msg_data)
        self._msg_data.clear()
        self._msg_opcode = 0
        self._msg_size = 0
        if self._msg_compressed:
            data = self._inflate(data)
            if opcode == _TEXT:
                self._text_parts.append(self._check_text(data))
        if opcode == _BINARY:
            return WSMessage(WSMsgType.BINARY, data, "")
        # A message cut inside a UTF-8 sequence is invalid too.
        self._check_text(b"", final=True)
        text = "".join(self._text_parts)
        self._text_parts.clear()
        if not self._decode_text:
            return WSMessageTextBytes(WSMsgType.TEXT, data, "")
        return WSMessage(WSMsgType.TEXT, text, "")

    def _inflate(self, data: bytes) -> bytes:
        """Inflate one message (RFC 7692 section 7.2.2), never past the limit."""
        decompressor = self._decompressor
        backend = zlib_backend()
        if decompressor is None or self._notakeover:
            decompressor = backend.decompressobj(wbits=-self._compress)
            self._decompressor = decompressor
        limit = self._max_msg_size
        # One byte more than allowed is enough to know the limit is passed;
        # 0 asks zlib for everything.
        max_length = limit + 1 if limit else 0
        try:
            out = decompressor.decompress(data + _DEFLATE_TAIL, max_length)
        except zlib_backend_error(backend):
            raise _protocol_error("Invalid permessage-deflate data") from None
        if limit and len(out) > limit:
            raise WebSocketError(
                WSCloseCode.MESSAGE_TOO_BIG,
                f"Decompressed message exceeds limit {limit}",
            )
        return out


class WebSocketDataQueue(FlowControlDataQueue[Message]):
    """The messages read from one WebSocket, waiting for the application.

    Reading from the connection pauses while the queued messages' sizes add
    up to more than ``limit`` bytes and resumes when ``read()`` brings them
    below it. ``read()`` raises the error set with ``set_exception()``, or
    ``aiohttp.streams.EofStream`` at the end, once the queue is empty.
    """

    __slots__ = ()

    def __init__(
        self, protocol: BaseProtocol, limit: int, *, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__(protocol, limit, loop=loop)


def _window_bits(compress: bool | int) -> int:
    if compress is True:
        return 15
    return int(compress)


class WebSocketReader:
    """Feed a connection's bytes to a ``FrameParser``, its messages to a queue.

    ``compress`` is the negotiated permessage-deflate window bits (``True``
    means 15, ``False`` or 0 off).
    """

    __slots__ = ("_parser", "_queue")

    def __init__(
        self,
        queue: WebSocketDataQueue,
        max_msg_size: int,
        compress: bool | int = False,
        decode_text: bool = True,
        *,
        is_server: bool = True,
        notakeover: bool = False,
    ) -> None:
        self._queue = queue
        self._parser = FrameParser(
            is_server=is_server,
            max_msg_size=max_msg_size,
            compress=_window_bits(compress),
            notakeover=notakeover,
            decode_text=decode_text,
        )

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        """Parse ``data`` and queue its messages.

        Returns ``(True, b"")`` once the stream has failed (the error is set
        on the queue): the connection must stop reading. Otherwise
        ``(False, b"")``.
        """
        queue = self._queue
        for event in self._parser.feed(data):
            if isinstance(event, WebSocketError):
                if queue.exception() is None:
                    queue.set_exception(event)
                return True, b""
            payload = event.data
            size = len(payload) if isinstance(payload, (bytes, str)) else 0
            queue.feed_data(event, size)
        return False, b""

    def feed_eof(self) -> None:
        """The connection ended: so does the queue."""
        self._queue.feed_eof()
