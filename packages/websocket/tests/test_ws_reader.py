"""The WebSocket frame reader against RFC 6455 section 5 and RFC 7692.

Frames are built here by hand (``frame()``), never by our writer, and every
parser input is fed whole, one byte at a time and followed by the start of
another frame, with one answer expected (``feed_three_ways``).
"""

from __future__ import annotations

import asyncio
import struct
import zlib

import pytest

from aiohttp._websocket.models import (
    WebSocketError,
    WSMessage,
    WSMessageTextBytes,
    WSMsgType,
)
from aiohttp._websocket.reader import (
    FrameParser,
    ParserEvent,
    WebSocketDataQueue,
    WebSocketReader,
)
from aiohttp.base_protocol import BaseProtocol
from aiohttp.streams import EofStream

MASK = b"\x37\xfa\x21\x3d"
# The first bytes of a further frame, as a client (masked) and as a server
# (unmasked) sends it: they complete nothing.
TRAILING = b"\x81\xfe\x01"
TRAILING_FROM_SERVER = b"\x81\x7e\x01"

TEXT = WSMsgType.TEXT
BINARY = WSMsgType.BINARY
CLOSE = WSMsgType.CLOSE
PING = WSMsgType.PING
PONG = WSMsgType.PONG


def xor(data: bytes, mask: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv: int = 0,
    mask: bytes | None = MASK,
    length: int | None = None,
    length_bytes: int | None = None,
) -> bytes:
    """One frame; ``length``/``length_bytes`` force the declared length."""
    declared = len(payload) if length is None else length
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    mask_bit = 0x80 if mask is not None else 0
    width = length_bytes
    if width is None:
        width = 0 if declared < 126 else 2 if declared < 65536 else 8
    if width == 0:
        header = struct.pack("!BB", first, mask_bit | declared)
    elif width == 2:
        header = struct.pack("!BBH", first, mask_bit | 126, declared)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, declared)
    if mask is None:
        return header + payload
    return header + mask + xor(payload, mask)


def close_payload(code: int, reason: bytes = b"") -> bytes:
    return struct.pack("!H", code) + reason


def deflate(message: bytes, compressor: zlib._Compress | None = None) -> bytes:
    """RFC 7692 section 7.2.1: deflate, sync-flush, strip the empty tail."""
    compressor = compressor or zlib.compressobj(wbits=-15)
    data = compressor.compress(message) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert data.endswith(b"\x00\x00\xff\xff")
    return data[:-4]


def normalize(events: list[ParserEvent]) -> list[object]:
    """Describe an error by its type and close code."""
    return [
        (WebSocketError, e.code) if isinstance(e, WebSocketError) else e for e in events
    ]


def feed_three_ways(
    data: bytes,
    *,
    is_server: bool = True,
    max_msg_size: int = 0,
    compress: int = 0,
    notakeover: bool = False,
    decode_text: bool = True,
) -> list[object]:
    """The events of ``data``, the same whichever way it is fed."""

    def run(pieces: list[bytes]) -> list[object]:
        parser = FrameParser(
            is_server=is_server,
            max_msg_size=max_msg_size,
            compress=compress,
            notakeover=notakeover,
            decode_text=decode_text,
        )
        events: list[ParserEvent] = []
        for piece in pieces:
            events += parser.feed(piece)
            if events and isinstance(events[-1], WebSocketError):
                break  # a dead parser: the connection is failed
        return normalize(events)

    whole = run([data])
    bytewise = run([data[i : i + 1] for i in range(len(data))])
    assert bytewise == whole, "fed one byte at a time, the events differ"
    with_tail = run([data + (TRAILING if is_server else TRAILING_FROM_SERVER)])
    assert with_tail == whole, "with trailing bytes, the events differ"
    return whole


def error(code: int) -> tuple[type, int]:
    return (WebSocketError, code)


# --- messages ---------------------------------------------------------------


def test_text_message() -> None:
    assert feed_three_ways(frame(1, "héllo".encode())) == [WSMessage(TEXT, "héllo", "")]


def test_text_message_as_bytes() -> None:
    events = feed_three_ways(frame(1, "héllo".encode()), decode_text=False)
    assert events == [WSMessageTextBytes(TEXT, "héllo".encode(), "")]
    assert isinstance(events[0], WSMessageTextBytes)


def test_binary_message() -> None:
    assert feed_three_ways(frame(2, b"\x00\xff\x10")) == [
        WSMessage(BINARY, b"\x00\xff\x10", "")
    ]


def test_empty_messages() -> None:
    data = frame(1) + frame(2) + frame(9) + frame(10) + frame(8)
    assert feed_three_ways(data) == [
        WSMessage(TEXT, "", ""),
        WSMessage(BINARY, b"", ""),
        WSMessage(PING, b"", ""),
        WSMessage(PONG, b"", ""),
        WSMessage(CLOSE, 0, ""),
    ]


def test_ping_pong_payloads() -> None:
    data = frame(9, b"are you there") + frame(10, b"x" * 125)
    assert feed_three_ways(data) == [
        WSMessage(PING, b"are you there", ""),
        WSMessage(PONG, b"x" * 125, ""),
    ]


def test_close_with_code_and_reason() -> None:
    data = frame(8, close_payload(1000, "bye ü".encode()))
    assert feed_three_ways(data) == [WSMessage(CLOSE, 1000, "bye ü")]


def test_close_with_code_only() -> None:
    assert feed_three_ways(frame(8, close_payload(4999))) == [
        WSMessage(CLOSE, 4999, "")
    ]


@pytest.mark.parametrize("code", [1000, 1001, 1002, 1003, 1007, 1014, 3000, 4999])
def test_close_valid_codes(code: int) -> None:
    assert feed_three_ways(frame(8, close_payload(code))) == [
        WSMessage(CLOSE, code, "")
    ]


def test_fragmented_text_with_ping_between() -> None:
    data = (
        frame(1, b"Hel", fin=False)
        + frame(9, b"p1")
        + frame(0, b"lo, ", fin=False)
        + frame(10, b"p2")
        + frame(0, b"world")
    )
    assert feed_three_ways(data) == [
        WSMessage(PING, b"p1", ""),
        WSMessage(PONG, b"p2", ""),
        WSMessage(TEXT, "Hello, world", ""),
    ]


def test_fragmented_binary_with_close_between() -> None:
    data = frame(2, b"ab", fin=False) + frame(8, close_payload(1001)) + frame(0, b"c")
    assert feed_three_ways(data) == [
        WSMessage(CLOSE, 1001, ""),
        WSMessage(BINARY, b"abc", ""),
    ]


def test_empty_fragments() -> None:
    data = frame(1, fin=False) + frame(0, b"x", fin=False) + frame(0)
    assert feed_three_ways(data) == [WSMessage(TEXT, "x", "")]


def test_utf8_split_across_fragments() -> None:
    encoded = "€𝄞".encode()  # 3 + 4 bytes
    data = (
        frame(1, encoded[:2], fin=False)
        + frame(0, encoded[2:5], fin=False)
        + frame(0, encoded[5:])
    )
    assert feed_three_ways(data) == [WSMessage(TEXT, "€𝄞", "")]
    assert feed_three_ways(data, decode_text=False) == [
        WSMessageTextBytes(TEXT, encoded, "")
    ]


def test_several_messages_in_one_feed() -> None:
    data = frame(1, b"a") + frame(2, b"b") + frame(1, b"c")
    assert feed_three_ways(data) == [
        WSMessage(TEXT, "a", ""),
        WSMessage(BINARY, b"b", ""),
        WSMessage(TEXT, "c", ""),
    ]


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_payload_lengths(size: int) -> None:
    payload = bytes(i % 251 for i in range(size))
    data = frame(2, payload)
    parser = FrameParser(is_server=True, max_msg_size=0)
    assert parser.feed(data) == [WSMessage(BINARY, payload, "")]
    if size <= 126:  # byte-at-a-time is quadratic in pytest's asserts only
        assert feed_three_ways(data) == [WSMessage(BINARY, payload, "")]


def test_payload_lengths_bytewise_large() -> None:
    payload = bytes(i % 251 for i in range(65536))
    parser = FrameParser(is_server=True, max_msg_size=0)
    data = frame(2, payload) + TRAILING
    events: list[ParserEvent] = []
    for i in range(len(data)):
        events += parser.feed(data[i : i + 1])
    assert events == [WSMessage(BINARY, payload, "")]


@pytest.mark.parametrize(("size", "width"), [(0, 2), (125, 2), (5, 8), (300, 8)])
def test_non_minimal_length_accepted(size: int, width: int) -> None:
    data = frame(2, b"z" * size, length_bytes=width)
    assert feed_three_ways(data) == [WSMessage(BINARY, b"z" * size, "")]


# --- roles: masking (RFC 6455 section 5.1, 5.3) ----------------------------


def test_server_reads_masked_frames() -> None:
    assert feed_three_ways(frame(1, b"hi", mask=b"\x01\x02\x03\x04")) == [
        WSMessage(TEXT, "hi", "")
    ]


def test_client_reads_unmasked_frames() -> None:
    assert feed_three_ways(frame(1, b"hi", mask=None), is_server=False) == [
        WSMessage(TEXT, "hi", "")
    ]


def test_server_rejects_unmasked_frame() -> None:
    assert feed_three_ways(frame(1, b"hi", mask=None)) == [error(1002)]


def test_client_rejects_masked_frame() -> None:
    assert feed_three_ways(frame(1, b"hi"), is_server=False) == [error(1002)]


# --- protocol errors: 1002 ----------------------------------------------------


@pytest.mark.parametrize("rsv", [0b010, 0b001, 0b011])
def test_rsv2_rsv3_rejected(rsv: int) -> None:
    assert feed_three_ways(frame(2, b"x", rsv=rsv)) == [error(1002)]
    assert feed_three_ways(frame(2, b"x", rsv=rsv), compress=15) == [error(1002)]


def test_rsv1_without_compression_rejected() -> None:
    assert feed_three_ways(frame(1, b"x", rsv=0b100)) == [error(1002)]


def test_rsv1_on_continuation_rejected() -> None:
    data = frame(1, deflate(b"ab"), fin=False, rsv=0b100) + frame(0, b"", rsv=0b100)
    assert feed_three_ways(data, compress=15) == [error(1002)]


@pytest.mark.parametrize("opcode", [8, 9, 10])
def test_compressed_control_frame_rejected(opcode: int) -> None:
    assert feed_three_ways(frame(opcode, b"", rsv=0b100), compress=15) == [error(1002)]


@pytest.mark.parametrize("opcode", [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF])
def test_unknown_opcode_rejected(opcode: int) -> None:
    assert feed_three_ways(frame(opcode, b"x")) == [error(1002)]


@pytest.mark.parametrize("opcode", [8, 9, 10])
def test_fragmented_control_frame_rejected(opcode: int) -> None:
    assert feed_three_ways(frame(opcode, b"", fin=False)) == [error(1002)]


@pytest.mark.parametrize("opcode", [8, 9, 10])
def test_control_frame_over_125_rejected(opcode: int) -> None:
    assert feed_three_ways(frame(opcode, b"x" * 126)) == [error(1002)]


def test_control_frame_over_125_rejected_from_header() -> None:
    parser = FrameParser(is_server=True, max_msg_size=0)
    # Only the header: the payload is not waited for.
    assert normalize(parser.feed(b"\x89\xfe")) == [error(1002)]


def test_continuation_without_message_rejected() -> None:
    assert feed_three_ways(frame(0, b"x")) == [error(1002)]


def test_continuation_after_finished_message_rejected() -> None:
    data = frame(1, b"a") + frame(0, b"b")
    assert feed_three_ways(data) == [WSMessage(TEXT, "a", ""), error(1002)]


@pytest.mark.parametrize("opcode", [1, 2])
def test_new_message_while_unfinished_rejected(opcode: int) -> None:
    data = frame(2, b"a", fin=False) + frame(opcode, b"b")
    assert feed_three_ways(data) == [error(1002)]


def test_64bit_length_top_bit_rejected() -> None:
    data = frame(2, length=1 << 63, length_bytes=8)
    assert feed_three_ways(data) == [error(1002)]


def test_close_one_byte_payload_rejected() -> None:
    assert feed_three_ways(frame(8, b"\x03")) == [error(1002)]


@pytest.mark.parametrize(
    "code", [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]
)
def test_close_invalid_code_rejected(code: int) -> None:
    assert feed_three_ways(frame(8, close_payload(code))) == [error(1002)]


def test_messages_before_error_are_kept() -> None:
    data = frame(1, b"ok") + frame(9, b"p") + frame(3)
    assert feed_three_ways(data) == [
        WSMessage(TEXT, "ok", ""),
        WSMessage(PING, b"p", ""),
        error(1002),
    ]


def test_dead_parser_repeats_its_error() -> None:
    parser = FrameParser(is_server=True, max_msg_size=0)
    first = parser.feed(frame(3))
    assert normalize(first) == [error(1002)]
    assert parser.feed(frame(1, b"fine")) == [first[0]]
    assert parser.feed(b"") == [first[0]]


# --- UTF-8: 1007 (RFC 6455 section 8.1) --------------------------------------


def test_invalid_utf8_text_rejected() -> None:
    assert feed_three_ways(frame(1, b"ab\xffcd")) == [error(1007)]


def test_invalid_utf8_text_as_bytes_rejected() -> None:
    assert feed_three_ways(frame(1, b"ab\xffcd"), decode_text=False) == [error(1007)]


def test_invalid_utf8_fails_before_message_ends() -> None:
    # The first fragment holds the bad byte; the message never finishes.
    data = frame(1, b"ok\xc0\xafmore", fin=False)
    assert feed_three_ways(data) == [error(1007)]


@pytest.mark.parametrize(
    "bad",
    [
        b"\xff",  # never in UTF-8
        b"\xc0",  # an overlong lead byte
        b"\xe2A",  # a lead byte without its continuation
        b"\xe0\x80",  # overlong three-byte form
        b"\xf4\x90",  # past U+10FFFF
        b"\xed\xa0",  # a UTF-16 surrogate
    ],
)
def test_invalid_utf8_fails_at_the_bad_byte(bad: bytes) -> None:
    prefix = frame(1, b"valid " + bad + b"\x80\x80 never read", mask=None)
    data = prefix[: 2 + 6 + len(bad)]
    parser = FrameParser(is_server=False, max_msg_size=0)
    # The header and the valid prefix: nothing yet.
    assert parser.feed(data[:-1]) == []
    # The byte that makes the sequence invalid fails the connection.
    assert normalize(parser.feed(data[-1:])) == [error(1007)]


def test_utf8_truncated_at_message_end_rejected() -> None:
    data = frame(1, "€".encode()[:2], fin=False) + frame(0, b"")
    assert feed_three_ways(data) == [error(1007)]


def test_utf8_truncated_in_single_frame_rejected() -> None:
    assert feed_three_ways(frame(1, "€".encode()[:2])) == [error(1007)]


def test_invalid_utf8_in_second_fragment_rejected() -> None:
    data = frame(1, "é".encode()[:1], fin=False) + frame(0, b"A")
    assert feed_three_ways(data) == [error(1007)]


def test_close_reason_invalid_utf8_rejected() -> None:
    assert feed_three_ways(frame(8, close_payload(1000, b"\xff"))) == [error(1007)]


def test_binary_is_not_checked_as_utf8() -> None:
    assert feed_three_ways(frame(2, b"\xff\xfe")) == [
        WSMessage(BINARY, b"\xff\xfe", "")
    ]


# --- max_msg_size: 1009 -------------------------------------------------------


def test_message_at_the_limit_accepted() -> None:
    assert feed_three_ways(frame(2, b"x" * 100), max_msg_size=100) == [
        WSMessage(BINARY, b"x" * 100, "")
    ]


def test_message_over_the_limit_rejected() -> None:
    assert feed_three_ways(frame(2, b"x" * 101), max_msg_size=100) == [error(1009)]


def test_limit_enforced_from_the_declared_length() -> None:
    parser = FrameParser(is_server=True, max_msg_size=1024)
    # A header declaring 2**40 bytes: rejected before any payload arrives.
    header = frame(2, length=1 << 40, length_bytes=8)
    assert normalize(parser.feed(header)) == [error(1009)]


def test_limit_counts_the_whole_fragmented_message() -> None:
    data = frame(1, b"a" * 60, fin=False) + frame(9, b"ping") + frame(0, b"b" * 41)
    assert feed_three_ways(data, max_msg_size=100) == [
        WSMessage(PING, b"ping", ""),
        error(1009),
    ]


def test_limit_applies_per_message() -> None:
    data = frame(2, b"a" * 80) + frame(2, b"b" * 80)
    assert feed_three_ways(data, max_msg_size=100) == [
        WSMessage(BINARY, b"a" * 80, ""),
        WSMessage(BINARY, b"b" * 80, ""),
    ]


def test_control_frames_ignore_the_limit() -> None:
    assert feed_three_ways(frame(9, b"p" * 100), max_msg_size=10) == [
        WSMessage(PING, b"p" * 100, "")
    ]


# --- permessage-deflate (RFC 7692) --------------------------------------------


def test_compressed_text() -> None:
    data = frame(1, deflate("héllo héllo héllo".encode()), rsv=0b100)
    assert feed_three_ways(data, compress=15) == [
        WSMessage(TEXT, "héllo héllo héllo", "")
    ]


def test_compressed_text_as_bytes() -> None:
    data = frame(1, deflate(b"hello"), rsv=0b100)
    assert feed_three_ways(data, compress=15, decode_text=False) == [
        WSMessageTextBytes(TEXT, b"hello", "")
    ]


def test_compressed_binary_fragmented() -> None:
    body = deflate(bytes(range(256)) * 4)
    data = (
        frame(2, body[:5], fin=False, rsv=0b100)
        + frame(9, b"between")
        + frame(0, body[5:])
    )
    assert feed_three_ways(data, compress=15) == [
        WSMessage(PING, b"between", ""),
        WSMessage(BINARY, bytes(range(256)) * 4, ""),
    ]


def test_uncompressed_message_with_compression_negotiated() -> None:
    data = frame(2, b"plain") + frame(1, deflate(b"squeezed"), rsv=0b100)
    assert feed_three_ways(data, compress=15) == [
        WSMessage(BINARY, b"plain", ""),
        WSMessage(TEXT, "squeezed", ""),
    ]


def test_empty_compressed_message() -> None:
    # RFC 7692 section 7.2.3.6: an empty message deflates to a lone 0x00.
    data = frame(2, b"\x00", rsv=0b100) + frame(2, deflate(b""), rsv=0b100)
    assert feed_three_ways(data, compress=15) == [
        WSMessage(BINARY, b"", ""),
        WSMessage(BINARY, b"", ""),
    ]


def test_compressed_with_context_takeover() -> None:
    compressor = zlib.compressobj(wbits=-15)
    message = b"the same words again and again " * 4
    first = deflate(message, compressor)
    second = deflate(message, compressor)  # refers back into the first
    assert len(second) < len(first)
    data = frame(2, first, rsv=0b100) + frame(2, second, rsv=0b100)
    assert feed_three_ways(data, compress=15) == [
        WSMessage(BINARY, message, ""),
        WSMessage(BINARY, message, ""),
    ]
    # Without the shared context the second message cannot be inflated.
    assert feed_three_ways(data, compress=15, notakeover=True) == [
        WSMessage(BINARY, message, ""),
        error(1002),
    ]


def test_compressed_no_context_takeover() -> None:
    message = b"the same words again and again " * 4
    data = frame(2, deflate(message), rsv=0b100) + frame(2, deflate(message), rsv=0b100)
    assert feed_three_ways(data, compress=15, notakeover=True) == [
        WSMessage(BINARY, message, ""),
        WSMessage(BINARY, message, ""),
    ]


def test_compressed_small_window() -> None:
    compressor = zlib.compressobj(wbits=-9)
    message = bytes(range(256)) * 8
    data = frame(2, deflate(message, compressor), rsv=0b100)
    assert feed_three_ways(data, compress=9) == [WSMessage(BINARY, message, "")]


def test_compressed_invalid_utf8_rejected() -> None:
    data = frame(1, deflate(b"ok \xff"), rsv=0b100)
    assert feed_three_ways(data, compress=15) == [error(1007)]


def test_compressed_truncated_utf8_rejected() -> None:
    data = frame(1, deflate("€".encode()[:2]), rsv=0b100)
    assert feed_three_ways(data, compress=15) == [error(1007)]


def test_corrupt_deflate_data_rejected() -> None:
    data = frame(2, b"\xff\xff\xff\xff", rsv=0b100)
    assert feed_three_ways(data, compress=15) == [error(1002)]


def test_compressed_message_at_the_limit_accepted() -> None:
    data = frame(2, deflate(b"\0" * 1000), rsv=0b100)
    assert feed_three_ways(data, compress=15, max_msg_size=1000) == [
        WSMessage(BINARY, b"\0" * 1000, "")
    ]


def test_small_compression_bomb_rejected() -> None:
    # A few hundred bytes that inflate to 1 MiB.
    body = deflate(b"\0" * 2**20)
    assert len(body) < 2000
    data = frame(2, body, rsv=0b100)
    assert feed_three_ways(data, compress=15, max_msg_size=10_000) == [error(1009)]


def test_compressed_payload_itself_over_the_limit() -> None:
    body = deflate(bytes(range(256)) * 64)
    data = frame(2, body, rsv=0b100)
    assert feed_three_ways(data, compress=15, max_msg_size=len(body) - 1) == [
        error(1009)
    ]


# --- WebSocketDataQueue and WebSocketReader -----------------------------------


def make_queue(limit: int = 2**16) -> tuple[WebSocketDataQueue, BaseProtocol]:
    loop = asyncio.get_running_loop()
    protocol = BaseProtocol(loop)
    return WebSocketDataQueue(protocol, limit, loop=loop), protocol


async def test_queue_read_and_eof() -> None:
    queue, _ = make_queue()
    message = WSMessage(TEXT, "hi", "")
    queue.feed_data(message, 2)
    assert not queue.is_eof()
    queue.feed_eof()
    assert queue.is_eof()
    assert await queue.read() == message
    with pytest.raises(EofStream):
        await queue.read()


async def test_queue_read_waits() -> None:
    queue, _ = make_queue()
    reader = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    assert not reader.done()
    queue.feed_data(WSMessage(BINARY, b"x", ""), 1)
    assert await reader == WSMessage(BINARY, b"x", "")


async def test_queue_exception() -> None:
    queue, _ = make_queue()
    cause = ValueError("cause")
    exc = WebSocketError(1002, "bad")
    queue.feed_data(WSMessage(TEXT, "first", ""), 5)
    queue.set_exception(exc, cause)
    assert queue.exception() is exc
    assert exc.__cause__ is cause
    assert queue.is_eof()
    assert await queue.read() == WSMessage(TEXT, "first", "")
    with pytest.raises(WebSocketError):
        await queue.read()


async def test_reader_queues_messages() -> None:
    queue, _ = make_queue()
    reader = WebSocketReader(queue, 0)
    data = frame(1, b"hi") + frame(8, close_payload(1000, b"done"))
    assert reader.feed_data(data) == (False, b"")
    reader.feed_eof()
    assert await queue.read() == WSMessage(TEXT, "hi", "")
    assert await queue.read() == WSMessage(CLOSE, 1000, "done")
    with pytest.raises(EofStream):
        await queue.read()


async def test_reader_client_side_compressed() -> None:
    queue, _ = make_queue()
    reader = WebSocketReader(queue, 100, True, False, is_server=False)
    data = frame(1, deflate(b"hello"), rsv=0b100, mask=None)
    assert reader.feed_data(data) == (False, b"")
    assert await queue.read() == WSMessageTextBytes(TEXT, b"hello", "")


async def test_reader_window_bits_and_notakeover() -> None:
    queue, _ = make_queue()
    reader = WebSocketReader(queue, 0, 9, notakeover=True)
    message = b"abcabcabc" * 10
    data = frame(2, deflate(message, zlib.compressobj(wbits=-9)), rsv=0b100)
    assert reader.feed_data(data + data) == (False, b"")
    assert await queue.read() == WSMessage(BINARY, message, "")
    assert await queue.read() == WSMessage(BINARY, message, "")


async def test_reader_error_ends_the_queue() -> None:
    queue, _ = make_queue()
    reader = WebSocketReader(queue, 10)
    assert reader.feed_data(frame(2, b"ok") + frame(2, b"x" * 11)) == (True, b"")
    exc = queue.exception()
    assert isinstance(exc, WebSocketError)
    assert exc.code == 1009
    # Fed again, it stays failed and does not replace the error.
    assert reader.feed_data(frame(2, b"ok")) == (True, b"")
    assert queue.exception() is exc
    assert await queue.read() == WSMessage(BINARY, b"ok", "")
    with pytest.raises(WebSocketError) as info:
        await queue.read()
    assert info.value is exc


async def test_reader_compression_off_rejects_rsv1() -> None:
    queue, _ = make_queue()
    reader = WebSocketReader(queue, 0, False)
    assert reader.feed_data(frame(2, deflate(b"x"), rsv=0b100)) == (True, b"")
    exc = queue.exception()
    assert isinstance(exc, WebSocketError)
    assert exc.code == 1002


# --- flow control over a real loopback connection -----------------------------


class WSClientProtocol(BaseProtocol):
    """A client connection whose received bytes go to a WebSocketReader."""

    def __init__(self, loop: asyncio.AbstractEventLoop, limit: int) -> None:
        super().__init__(loop)
        self.queue = WebSocketDataQueue(self, limit, loop=loop)
        self.reader = WebSocketReader(self.queue, 0, is_server=False)

    def data_received(self, data: bytes) -> None:
        stop, _ = self.reader.feed_data(data)
        assert not stop

    def eof_received(self) -> None:
        self.reader.feed_eof()


async def test_flow_control_over_loopback() -> None:
    loop = asyncio.get_running_loop()
    message_size = 4096
    count = 8
    limit = 3 * message_size
    payload = frame(2, b"m" * message_size, mask=None)
    server_done = loop.create_future()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(payload * count)
        await writer.drain()
        writer.write_eof()
        await reader.read()  # until the client closes
        writer.close()
        server_done.set_result(None)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await loop.create_connection(
        lambda: WSClientProtocol(loop, limit), "127.0.0.1", port
    )
    try:
        # Wait until the queue has passed its limit and reading is paused.
        for _ in range(200):
            if not transport.is_reading():
                break
            await asyncio.sleep(0.01)
        assert not transport.is_reading()
        assert protocol._reading_paused
        received = 0
        while True:
            try:
                message = await protocol.queue.read()
            except EofStream:
                break
            assert message == WSMessage(BINARY, b"m" * message_size, "")
            received += 1
            if len(protocol.queue) * message_size < limit:
                # Reads brought the queue below its limit: reading resumed.
                assert transport.is_reading()
        assert received == count
        assert not protocol._reading_paused
    finally:
        transport.close()
        await server_done
        server.close()
        await server.wait_closed()
