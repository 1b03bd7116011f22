"""WebSocketWriter -> socket -> FrameParser: what one side writes, the other reads.

Both roles: a client writer (masking) read by a server parser, and a server
writer (not masking) read by a client parser; with and without
permessage-deflate and context takeover, whole or fragmented messages, and
the received bytes fed to the parser whole or cut at arbitrary points.
"""

from __future__ import annotations

import asyncio
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiohttp._websocket.models import WebSocketError, WSMessage, WSMsgType
from aiohttp._websocket.reader import FrameParser
from aiohttp._websocket.writer import WebSocketWriter
from aiohttp.base_protocol import BaseProtocol
from aiohttp.compression_utils import set_zlib_backend

TIMEOUT = 10.0


@dataclass(frozen=True)
class Setup:
    use_mask: bool  # the writer is a client
    compress: int = 0
    notakeover: bool = False
    max_frame_size: int | None = None


Outgoing = tuple[WSMsgType, "bytes | str"]


class _Sink(asyncio.Protocol):
    def __init__(self) -> None:
        self.received = bytearray()
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += data

    def eof_received(self) -> bool:
        self.done.set_result(None)
        return False


async def _write(setup: Setup, messages: Sequence[Outgoing]) -> bytes:
    """Send ``messages`` through a real socket; the bytes the peer got."""
    loop = asyncio.get_running_loop()
    sinks: list[_Sink] = []
    accepted: asyncio.Future[_Sink] = loop.create_future()

    def make_sink() -> _Sink:
        sinks.append(_Sink())
        if not accepted.done():
            accepted.set_result(sinks[-1])
        return sinks[-1]

    server = await loop.create_server(make_sink, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: BaseProtocol(loop), "127.0.0.1", port),
        TIMEOUT,
    )
    try:
        writer = WebSocketWriter(
            protocol,
            transport,
            use_mask=setup.use_mask,
            random=random.Random(0),
            compress=setup.compress,
            notakeover=setup.notakeover,
            max_frame_size=setup.max_frame_size,
        )
        for opcode, payload in messages:
            if opcode == WSMsgType.TEXT:
                assert isinstance(payload, str)
                await writer.send_text(payload)
            elif opcode == WSMsgType.PING:
                assert isinstance(payload, bytes)
                await writer.ping(payload)
            elif opcode == WSMsgType.PONG:
                assert isinstance(payload, bytes)
                await writer.pong(payload)
            else:
                assert isinstance(payload, bytes)
                await writer.send_frame(payload, opcode)
        transport.write_eof()
        sink = await asyncio.wait_for(accepted, TIMEOUT)
        await asyncio.wait_for(sink.done, TIMEOUT)
        return bytes(sink.received)
    finally:
        transport.close()
        for sink in sinks:
            if sink.transport is not None:
                sink.transport.close()
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)
        await asyncio.sleep(0.001)


def _parser(setup: Setup) -> FrameParser:
    return FrameParser(
        is_server=setup.use_mask,
        max_msg_size=0,
        compress=setup.compress,
        notakeover=setup.notakeover,
    )


def _expected(messages: Sequence[Outgoing]) -> list[WSMessage]:
    return [WSMessage(opcode, payload, "") for opcode, payload in messages]


def _read(setup: Setup, data: bytes, cuts: Sequence[int] = ()) -> list[object]:
    parser = _parser(setup)
    events: list[object] = []
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        events += parser.feed(data[start:cut])
        start = cut
    return events


def round_trip(
    setup: Setup, messages: Sequence[Outgoing], cuts: Sequence[int] = ()
) -> None:
    data = asyncio.run(_write(setup, messages))
    events = _read(setup, data, [min(c, len(data)) for c in cuts])
    assert not any(isinstance(e, WebSocketError) for e in events), events
    assert events == _expected(messages)


# --- strategies -------------------------------------------------------------

setups = st.builds(
    Setup,
    use_mask=st.booleans(),
    compress=st.sampled_from([0, 9, 12, 15]),
    notakeover=st.booleans(),
    max_frame_size=st.sampled_from([None, 1, 5, 64, 1000]),
)
data_messages = st.one_of(
    st.tuples(st.just(WSMsgType.TEXT), st.text(max_size=300)),
    st.tuples(st.just(WSMsgType.BINARY), st.binary(max_size=2000)),
    # Compressible text, so that context takeover matters.
    st.tuples(
        st.just(WSMsgType.TEXT),
        st.integers(0, 50).map(lambda n: "repeat me, " * n),
    ),
)
control_messages = st.tuples(
    st.sampled_from([WSMsgType.PING, WSMsgType.PONG]), st.binary(max_size=125)
)
message_lists = st.lists(st.one_of(data_messages, control_messages), max_size=8)

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@HYPOTHESIS
@given(
    setup=setups,
    messages=message_lists,
    cuts=st.lists(st.integers(0, 5000), max_size=6),
)
def test_round_trip(setup: Setup, messages: list[Outgoing], cuts: list[int]) -> None:
    round_trip(setup, messages, cuts)


@HYPOTHESIS
@given(setup=setups, messages=message_lists)
def test_round_trip_byte_by_byte(setup: Setup, messages: list[Outgoing]) -> None:
    data = asyncio.run(_write(setup, messages))
    parser = _parser(setup)
    events: list[object] = []
    for i in range(len(data)):
        events += parser.feed(data[i : i + 1])
    assert events == _expected(messages)


# --- fixed cases -------------------------------------------------------------

ROLES = [
    pytest.param(True, id="client-writer"),
    pytest.param(False, id="server-writer"),
]
COMPRESSION = [
    pytest.param(0, False, id="plain"),
    pytest.param(15, False, id="deflate-takeover"),
    pytest.param(15, True, id="deflate-notakeover"),
    pytest.param(9, False, id="deflate-9-bits"),
]


@pytest.mark.parametrize("use_mask", ROLES)
@pytest.mark.parametrize(("compress", "notakeover"), COMPRESSION)
@pytest.mark.parametrize("max_frame_size", [None, 1000, 65535])
def test_length_boundaries(
    use_mask: bool, compress: int, notakeover: bool, max_frame_size: int | None
) -> None:
    rng = random.Random(11)
    messages: list[Outgoing] = [(WSMsgType.BINARY, b"")]
    messages += [(WSMsgType.TEXT, "")]
    for length in (1, 125, 126, 127, 65535, 65536, 70000):
        messages.append((WSMsgType.BINARY, rng.randbytes(length)))
        messages.append((WSMsgType.TEXT, "x" * length))
    messages.append((WSMsgType.PING, b"p" * 125))
    setup = Setup(use_mask, compress, notakeover, max_frame_size)
    round_trip(setup, messages)


@pytest.mark.parametrize("use_mask", ROLES)
@pytest.mark.parametrize(("compress", "notakeover"), COMPRESSION)
def test_multi_fragment_messages_with_interleaved_nothing(
    use_mask: bool, compress: int, notakeover: bool
) -> None:
    text = "fragmented ünïcode text, " * 40
    setup = Setup(use_mask, compress, notakeover, max_frame_size=7)
    round_trip(
        setup,
        [
            (WSMsgType.TEXT, text),
            (WSMsgType.BINARY, text.encode()),
            (WSMsgType.TEXT, text),
        ],
    )


@pytest.mark.parametrize("use_mask", ROLES)
def test_close_round_trip(use_mask: bool) -> None:
    reason = "going ✓".encode()
    close: Outgoing = (WSMsgType.CLOSE, (1001).to_bytes(2, "big") + reason)
    data = asyncio.run(_write(Setup(use_mask), [close]))
    events = _read(Setup(use_mask), data)
    assert events == [WSMessage(WSMsgType.CLOSE, 1001, "going ✓")]


def test_masked_frames_rejected_by_a_client_parser() -> None:
    # The roles matter: a client never accepts masked frames (5.1).
    data = asyncio.run(_write(Setup(use_mask=True), [(WSMsgType.TEXT, "x")]))
    (event,) = _read(Setup(use_mask=False), data)
    assert isinstance(event, WebSocketError)


class _CountingZlib:
    """The stdlib zlib behind a counter: a backend set with set_zlib_backend."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self.error = zlib.error
        self.MAX_WBITS = zlib.MAX_WBITS
        self.Z_FULL_FLUSH = zlib.Z_FULL_FLUSH
        self.Z_SYNC_FLUSH = zlib.Z_SYNC_FLUSH
        self.Z_BEST_SPEED = zlib.Z_BEST_SPEED
        self.Z_FINISH = zlib.Z_FINISH

    def compressobj(self, *args: Any, **kwargs: Any) -> Any:
        self.made.append("compressobj")
        return zlib.compressobj(*args, **kwargs)

    def decompressobj(self, *args: Any, **kwargs: Any) -> Any:
        self.made.append("decompressobj")
        return zlib.decompressobj(*args, **kwargs)

    def compress(self, data: bytes, /, level: int = -1) -> bytes:
        return zlib.compress(data, level)

    def decompress(
        self, data: bytes, /, wbits: int = 15, bufsize: int = 16384
    ) -> bytes:
        return zlib.decompress(data, wbits, bufsize)


def test_set_zlib_backend_reaches_permessage_deflate() -> None:
    backend = _CountingZlib()
    set_zlib_backend(backend)
    try:
        round_trip(Setup(use_mask=True, compress=15), [(WSMsgType.TEXT, "hello " * 50)])
    finally:
        set_zlib_backend(zlib)
    assert backend.made == ["compressobj", "decompressobj"]
