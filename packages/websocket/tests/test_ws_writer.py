"""aiohttp._websocket.writer: frames as a real peer receives them."""

from __future__ import annotations

import asyncio
import random
import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from aiohttp._websocket.models import WSMsgType
from aiohttp._websocket.writer import WebSocketWriter
from aiohttp.base_protocol import BaseProtocol

# Every wait in this module is bounded so that a bug fails, never hangs.
TIMEOUT = 10.0
TAIL = b"\x00\x00\xff\xff"


class Peer(asyncio.Protocol):
    """The server end: records every byte it receives."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.transport: asyncio.Transport | None = None
        self._changed = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += data
        self._changed.set()

    async def wait_for(self, size: int) -> bytes:
        async def until() -> None:
            while len(self.received) < size:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), TIMEOUT)
        return bytes(self.received)


@dataclass
class Link:
    protocol: BaseProtocol
    transport: asyncio.Transport
    peer: Peer


@asynccontextmanager
async def connected() -> AsyncIterator[Link]:
    loop = asyncio.get_running_loop()
    peers: list[Peer] = []

    def make_peer() -> Peer:
        peer = Peer()
        peers.append(peer)
        return peer

    server = await loop.create_server(make_peer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: BaseProtocol(loop), "127.0.0.1", port),
        TIMEOUT,
    )

    async def accepted() -> None:
        # The server accepts on its own schedule; nothing to wait on but time.
        while not peers or peers[0].transport is None:  # noqa: ASYNC110
            await asyncio.sleep(0.001)

    await asyncio.wait_for(accepted(), TIMEOUT)
    try:
        yield Link(protocol, transport, peers[0])
    finally:
        transport.close()
        for peer in peers:
            if peer.transport is not None:
                peer.transport.close()
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)
        # Let the transports finish closing before the loop goes away.
        await asyncio.sleep(0.01)


@dataclass
class Frame:
    fin: bool
    rsv1: bool
    opcode: int
    mask: bytes | None
    payload: bytes  # unmasked


def unmask(mask: bytes, data: bytes) -> bytes:
    return bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))


def parse_frames(data: bytes) -> list[Frame]:
    """A small independent decoder of what the peer received."""
    frames = []
    pos = 0
    while pos < len(data):
        first, second = data[pos], data[pos + 1]
        pos += 2
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack_from("!H", data, pos)
            pos += 2
        elif length == 127:
            (length,) = struct.unpack_from("!Q", data, pos)
            pos += 8
        mask = None
        if second & 0x80:
            mask = data[pos : pos + 4]
            pos += 4
        payload = data[pos : pos + length]
        assert len(payload) == length, "truncated frame"
        pos += length
        assert first & 0x30 == 0, "RSV2/RSV3 must be clear"
        frames.append(
            Frame(
                fin=bool(first & 0x80),
                rsv1=bool(first & 0x40),
                opcode=first & 0x0F,
                mask=mask,
                payload=payload if mask is None else unmask(mask, payload),
            )
        )
    return frames


def frame_size(length: int, masked: bool) -> int:
    extra = 0 if length < 126 else 2 if length < 65536 else 8
    return 2 + extra + (4 if masked else 0) + length


def inflate(decompressor: zlib._Decompress, payload: bytes) -> bytes:
    return decompressor.decompress(payload + TAIL)


# --- exact bytes -------------------------------------------------------------


async def test_unmasked_text_frame_bytes() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.send_text("hi")
        assert await link.peer.wait_for(4) == b"\x81\x02hi"


async def test_unmasked_binary_frame_bytes() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.send_binary(bytearray(b"\x00\xff"))
        assert await link.peer.wait_for(4) == b"\x82\x02\x00\xff"


async def test_empty_text_frame() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.send_frame(b"", WSMsgType.TEXT)
        assert await link.peer.wait_for(2) == b"\x81\x00"


@pytest.mark.parametrize(
    ("length", "header"),
    [
        (0, b"\x82\x00"),
        (1, b"\x82\x01"),
        (125, b"\x82\x7d"),
        (126, b"\x82\x7e\x00\x7e"),
        (65535, b"\x82\x7e\xff\xff"),
        (65536, b"\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"),
        (70000, b"\x82\x7f" + (70000).to_bytes(8, "big")),
    ],
)
async def test_unmasked_length_encoding(length: int, header: bytes) -> None:
    payload = bytes(i % 251 for i in range(length))
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.send_frame(payload, WSMsgType.BINARY)
        data = await link.peer.wait_for(len(header) + length)
        assert data == header + payload


@pytest.mark.parametrize(
    ("length", "header"),
    [
        (0, b"\x81\x80"),
        (5, b"\x81\x85"),
        (125, b"\x81\xfd"),
        (126, b"\x81\xfe\x00\x7e"),
        (65535, b"\x81\xfe\xff\xff"),
        (65536, b"\x81\xff\x00\x00\x00\x00\x00\x01\x00\x00"),
    ],
)
async def test_masked_bytes_with_seeded_random(length: int, header: bytes) -> None:
    payload = bytes(ord("a") + i % 26 for i in range(length))
    mask = random.Random(42).getrandbits(32).to_bytes(4, "big")
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol, link.transport, use_mask=True, random=random.Random(42)
        )
        await writer.send_frame(payload, WSMsgType.TEXT)
        data = await link.peer.wait_for(len(header) + 4 + length)
        assert data == header + mask + unmask(mask, payload)


async def test_seeded_masks_follow_the_random_sequence() -> None:
    expected = random.Random(7)
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol, link.transport, use_mask=True, random=random.Random(7)
        )
        for _ in range(3):
            await writer.send_text("abc")
        frames = parse_frames(await link.peer.wait_for(3 * 9))
        assert [f.mask for f in frames] == [
            expected.getrandbits(32).to_bytes(4, "big") for _ in range(3)
        ]
        assert [f.payload for f in frames] == [b"abc"] * 3


async def test_fresh_mask_per_frame_by_default() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, use_mask=True)
        for _ in range(8):
            await writer.send_binary(b"same payload")
        frames = parse_frames(await link.peer.wait_for(8 * frame_size(12, True)))
        assert all(f.payload == b"same payload" for f in frames)
        # 8 independent 32-bit keys collide with probability ~ 2**-27.
        assert len({f.mask for f in frames}) == 8


async def test_default_masks_stay_fresh_past_one_pool() -> None:
    count = 1100  # more keys than one 4 KiB read of os.urandom holds
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, use_mask=True)
        for _ in range(count):
            await writer.send_binary(b"")
        frames = parse_frames(await link.peer.wait_for(count * 6))
    # A repeated pool would give at most 1024 distinct keys; random
    # collisions among 1100 32-bit keys are rare (~1.4e-4 for even one).
    assert len({f.mask for f in frames}) >= count - 5


async def test_server_does_not_mask() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, use_mask=False)
        await writer.ping(b"x")
        (frame,) = parse_frames(await link.peer.wait_for(3))
        assert frame.mask is None


# --- control frames ---------------------------------------------------------


async def test_ping_and_pong_bytes() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.ping()
        await writer.ping(b"hello")
        await writer.pong(b"hello")
        await writer.pong()
        data = await link.peer.wait_for(2 + 7 + 7 + 2)
        assert data == b"\x89\x00\x89\x05hello\x8a\x05hello\x8a\x00"


async def test_control_payload_limit() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.ping(b"p" * 125)
        with pytest.raises(ValueError, match="125"):
            await writer.ping(b"p" * 126)
        with pytest.raises(ValueError, match="125"):
            await writer.pong(b"p" * 126)
        with pytest.raises(ValueError, match="125"):
            await writer.send_frame(b"p" * 126, WSMsgType.CLOSE)
        data = await link.peer.wait_for(127)
        assert data == b"\x89\x7d" + b"p" * 125


async def test_invalid_opcode() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        with pytest.raises(ValueError, match="opcode"):
            await writer.send_frame(b"", 16)


async def test_close_bytes() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.close()
        assert await link.peer.wait_for(4) == b"\x88\x02\x03\xe8"


async def test_close_with_code_and_str_reason() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.close(1001, "bye é")
        reason = "bye é".encode()
        data = await link.peer.wait_for(4 + len(reason))
        assert data == bytes((0x88, 2 + len(reason))) + b"\x03\xe9" + reason


async def test_masked_close_with_bytes_reason() -> None:
    mask = random.Random(1).getrandbits(32).to_bytes(4, "big")
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol, link.transport, use_mask=True, random=random.Random(1)
        )
        await writer.close(4000, b"why")
        data = await link.peer.wait_for(2 + 4 + 5)
        assert data == b"\x88\x85" + mask + unmask(mask, b"\x0f\xa0why")


async def test_close_reason_limit() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        with pytest.raises(ValueError, match="123"):
            await writer.close(1000, b"r" * 124)
        # Counted in UTF-8 bytes, not characters.
        with pytest.raises(ValueError, match="123"):
            await writer.close(1000, "é" * 62)
        await writer.close(1000, b"r" * 123)
        data = await link.peer.wait_for(2 + 125)
        assert data == b"\x88\x7d\x03\xe8" + b"r" * 123


async def test_nothing_after_close() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.close()
        message = "Cannot write to closing transport"
        with pytest.raises(ConnectionResetError, match=message):
            await writer.send_text("late")
        with pytest.raises(ConnectionResetError, match=message):
            await writer.ping()
        with pytest.raises(ConnectionResetError, match=message):
            await writer.close()
        await asyncio.sleep(0.05)
        assert await link.peer.wait_for(4) == b"\x88\x02\x03\xe8"


async def test_close_frame_through_send_frame_ends_writing() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.send_frame(b"\x03\xe8", WSMsgType.CLOSE)
        with pytest.raises(ConnectionResetError):
            await writer.send_binary(b"x")


async def test_closing_transport_refuses_writes() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        link.transport.close()
        with pytest.raises(ConnectionResetError, match="closing transport"):
            await writer.send_text("x")
        with pytest.raises(ConnectionResetError, match="closing transport"):
            await writer.close()


# --- constructor checks -------------------------------------------------------


async def test_constructor_rejects_bad_settings() -> None:
    async with connected() as link:
        with pytest.raises(ValueError, match="window bits"):
            WebSocketWriter(link.protocol, link.transport, compress=8)
        with pytest.raises(ValueError, match="window bits"):
            WebSocketWriter(link.protocol, link.transport, compress=16)
        with pytest.raises(ValueError, match="max_frame_size"):
            WebSocketWriter(link.protocol, link.transport, max_frame_size=0)


# --- permessage-deflate -----------------------------------------------------


async def _received_frames(link: Link, count: int) -> list[Frame]:
    async def until() -> list[Frame]:
        while True:
            try:
                frames = parse_frames(bytes(link.peer.received))
            except (AssertionError, IndexError, struct.error):
                frames = []
            if len(frames) >= count:
                return frames
            await asyncio.sleep(0.005)

    return await asyncio.wait_for(until(), TIMEOUT)


async def test_compression_with_context_takeover() -> None:
    text = b"the same sentence, over and over. " * 20
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, compress=15)
        await writer.send_frame(text, WSMsgType.TEXT)
        await writer.send_frame(text, WSMsgType.TEXT)
        await writer.send_frame(b"", WSMsgType.BINARY)
        first, second, empty = await _received_frames(link, 3)
    assert first.rsv1
    assert second.rsv1
    assert empty.rsv1
    assert first.fin
    assert first.opcode == WSMsgType.TEXT
    assert not first.payload.endswith(TAIL)
    # The second message refers back to the first: much shorter.
    assert len(second.payload) < len(first.payload) // 2
    decompressor = zlib.decompressobj(-15)
    assert inflate(decompressor, first.payload) == text
    assert inflate(decompressor, second.payload) == text
    assert inflate(decompressor, empty.payload) == b""


async def test_compression_without_context_takeover() -> None:
    text = b"the same sentence, over and over. " * 20
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol, link.transport, compress=15, notakeover=True
        )
        for _ in range(3):
            await writer.send_frame(text, WSMsgType.BINARY)
        frames = await _received_frames(link, 3)
    assert all(f.rsv1 for f in frames)
    assert frames[0].payload == frames[1].payload == frames[2].payload
    for frame in frames:
        # Each message inflates on its own, with a fresh decompressor.
        assert inflate(zlib.decompressobj(-15), frame.payload) == text


async def test_compressed_masked_frames() -> None:
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol, link.transport, use_mask=True, compress=9
        )
        await writer.send_text("masked and deflated " * 5)
        (frame,) = await _received_frames(link, 1)
    assert frame.rsv1
    assert frame.mask is not None
    assert inflate(zlib.decompressobj(-9), frame.payload) == b"masked and deflated " * 5


async def test_control_frames_never_compressed() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, compress=15)
        await writer.ping(b"ping data")
        await writer.pong(b"pong data")
        await writer.send_frame(b"\x03\xe8", WSMsgType.CLOSE, compress=15)
        frames = await _received_frames(link, 3)
    assert [(f.opcode, f.rsv1, f.payload) for f in frames] == [
        (WSMsgType.PING, False, b"ping data"),
        (WSMsgType.PONG, False, b"pong data"),
        (WSMsgType.CLOSE, False, b"\x03\xe8"),
    ]


async def test_per_message_compress_override() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, compress=15)
        await writer.send_frame(b"plain", WSMsgType.TEXT, compress=0)
        await writer.send_frame(b"shared " * 10, WSMsgType.TEXT)
        await writer.send_frame(b"one-off " * 10, WSMsgType.TEXT, compress=10)
        await writer.send_frame(b"shared " * 10, WSMsgType.TEXT)
        plain, shared, one_off, again = await _received_frames(link, 4)
    assert (plain.rsv1, plain.payload) == (False, b"plain")
    assert one_off.rsv1
    assert inflate(zlib.decompressobj(-10), one_off.payload) == b"one-off " * 10
    # The one-off compressor did not disturb the shared stream.
    decompressor = zlib.decompressobj(-15)
    assert inflate(decompressor, shared.payload) == b"shared " * 10
    assert inflate(decompressor, again.payload) == b"shared " * 10


async def test_compress_on_demand_without_negotiated_setting() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport)
        await writer.send_frame(b"z" * 100, WSMsgType.BINARY, compress=15)
        await writer.send_frame(b"z" * 100, WSMsgType.BINARY, compress=15)
        first, second = await _received_frames(link, 2)
    # No negotiated stream to share: each message stands alone.
    assert first.payload == second.payload
    assert inflate(zlib.decompressobj(-15), second.payload) == b"z" * 100


async def test_large_messages_compressed_in_order() -> None:
    rng = random.Random(3)
    big = bytes(rng.getrandbits(8) for _ in range(100_000))
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, compress=15)
        await asyncio.wait_for(
            asyncio.gather(
                writer.send_frame(big, WSMsgType.BINARY),
                writer.send_frame(b"small one", WSMsgType.TEXT),
                writer.send_frame(big[:20_000], WSMsgType.BINARY),
                writer.send_frame(b"small two", WSMsgType.TEXT),
            ),
            TIMEOUT,
        )
        frames = await _received_frames(link, 4)
    decompressor = zlib.decompressobj(-15)
    assert [inflate(decompressor, f.payload) for f in frames] == [
        big,
        b"small one",
        big[:20_000],
        b"small two",
    ]


# --- fragmentation ------------------------------------------------------------


async def test_fragmentation_layout() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, max_frame_size=4)
        await writer.send_text("abcdefghij")
        await writer.send_binary(b"12345678")
        await writer.send_binary(b"1234")
        await writer.ping(b"longer than four")
        frames = await _received_frames(link, 3 + 2 + 1 + 1)
    assert [(f.fin, f.rsv1, f.opcode, f.payload) for f in frames] == [
        (False, False, WSMsgType.TEXT, b"abcd"),
        (False, False, WSMsgType.CONTINUATION, b"efgh"),
        (True, False, WSMsgType.CONTINUATION, b"ij"),
        (False, False, WSMsgType.BINARY, b"1234"),
        (True, False, WSMsgType.CONTINUATION, b"5678"),
        (True, False, WSMsgType.BINARY, b"1234"),
        # Control frames are never fragmented.
        (True, False, WSMsgType.PING, b"longer than four"),
    ]


async def test_fragmentation_exact_bytes_masked() -> None:
    rng = random.Random(5)
    masks = [rng.getrandbits(32).to_bytes(4, "big") for _ in range(2)]
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol,
            link.transport,
            use_mask=True,
            random=random.Random(5),
            max_frame_size=3,
        )
        await writer.send_binary(b"abcdef")
        data = await link.peer.wait_for(2 * 9)
    assert data == (
        b"\x02\x83" + masks[0] + unmask(masks[0], b"abc")
        + b"\x80\x83" + masks[1] + unmask(masks[1], b"def")
    )  # fmt: skip


async def test_fragmented_compressed_message() -> None:
    text = random.Random(9).randbytes(3000)
    async with connected() as link:
        writer = WebSocketWriter(
            link.protocol, link.transport, compress=15, max_frame_size=1000
        )
        await writer.send_frame(text, WSMsgType.BINARY)
        await writer.send_frame(b"short", WSMsgType.BINARY)
        frames = await _received_frames(link, 5)
    *fragments, short = frames
    assert len(fragments) >= 3
    assert fragments[0].rsv1
    assert fragments[0].opcode == WSMsgType.BINARY
    assert all(not f.rsv1 for f in fragments[1:])
    assert all(f.opcode == WSMsgType.CONTINUATION for f in fragments[1:])
    assert [f.fin for f in fragments] == [False] * (len(fragments) - 1) + [True]
    assert all(len(f.payload) <= 1000 for f in fragments)
    decompressor = zlib.decompressobj(-15)
    joined = b"".join(f.payload for f in fragments)
    assert inflate(decompressor, joined) == text
    assert short.rsv1
    assert short.fin
    assert inflate(decompressor, short.payload) == b"short"


# --- flow control -------------------------------------------------------------


async def test_drain_waits_for_a_peer_that_stops_reading() -> None:
    chunk = b"\x00" * 256 * 1024
    count = 200  # 50 MiB: far beyond any socket buffer
    async with connected() as link:
        assert link.peer.transport is not None
        link.peer.transport.pause_reading()
        writer = WebSocketWriter(link.protocol, link.transport, limit=2**16)
        sent = 0

        async def produce() -> None:
            nonlocal sent
            for _ in range(count):
                await writer.send_binary(chunk)
                sent += 1

        task = asyncio.create_task(produce())

        async def blocked() -> None:
            # BaseProtocol exposes no event for pause_writing(): poll it.
            while not link.protocol.writing_paused:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

        await asyncio.wait_for(blocked(), TIMEOUT)
        await asyncio.sleep(0.2)
        assert not task.done()
        stalled_at = sent
        await asyncio.sleep(0.1)
        # The producer waits for the peer instead of filling memory.
        assert sent == stalled_at < count
        assert link.transport.get_write_buffer_size() <= 2**16 + len(chunk) + 16
        link.peer.transport.resume_reading()
        await asyncio.wait_for(task, TIMEOUT)
        size = count * frame_size(len(chunk), False)
        data = await link.peer.wait_for(size)
        assert len(data) == size


async def test_no_drain_below_the_limit() -> None:
    async with connected() as link:
        writer = WebSocketWriter(link.protocol, link.transport, limit=2**20)
        # The peer never reads; small writes still complete at once.
        assert link.peer.transport is not None
        link.peer.transport.pause_reading()
        await asyncio.wait_for(writer.send_binary(b"x" * 1000), TIMEOUT)


async def test_connection_lost_while_draining() -> None:
    chunk = b"\x00" * 1024 * 1024
    async with connected() as link:
        assert link.peer.transport is not None
        link.peer.transport.pause_reading()
        writer = WebSocketWriter(link.protocol, link.transport)

        async def produce() -> None:
            for _ in range(200):
                await writer.send_binary(chunk)

        task = asyncio.create_task(produce())

        async def blocked() -> None:
            # BaseProtocol exposes no event for pause_writing(): poll it.
            while not link.protocol.writing_paused:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

        await asyncio.wait_for(blocked(), TIMEOUT)
        link.transport.abort()
        with pytest.raises(ConnectionResetError):
            await asyncio.wait_for(task, TIMEOUT)
