"""aiohttp.compression_utils compressors: gzip, deflate, Brotli and zstd.

Every compressed stream is checked by decoding it with our own
decompressors (``decompressor_for``), fed whole and piece by piece, and,
where a reference exists, with the standard library or the codec itself.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib
import importlib.util
import random
import sys
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from types import ModuleType
from typing import ParamSpec, TypeVar

import pytest
from multidict import CIMultiDict

from aiohttp import compression_utils
from aiohttp.base_protocol import BaseProtocol
from aiohttp.compression_utils import (
    BROTLI_DEFAULT_QUALITY,
    HAS_BROTLI,
    HAS_ZSTD,
    MAX_SYNC_CHUNK_SIZE,
    BrotliCompressor,
    CompressorProtocol,
    ZLibCompressor,
    ZSTDCompressor,
    compressor_for,
    decompressor_for,
)
from aiohttp.http_writer import StreamWriter

TIMEOUT = 10.0

needs_brotli = pytest.mark.skipif(not HAS_BROTLI, reason="Brotli is not installed")
needs_zstd = pytest.mark.skipif(not HAS_ZSTD, reason="zstd is not installed")

CODINGS = [
    "gzip",
    "deflate",
    pytest.param("br", marks=needs_brotli),
    pytest.param("zstd", marks=needs_zstd),
]

RANDOM = random.Random(11).randbytes(200_000)
TEXT = b"".join(
    b"line %d: aiotide compresses response bodies\n" % i for i in range(20_000)
)
MIXED = RANDOM[:3000] + TEXT[:30_000] + RANDOM[3000:6000]
PAYLOADS = {
    "empty": b"",
    "tiny": b"x",
    "small": b"hello, world",
    "random": RANDOM,
    "text": TEXT,
}


def zstd_module() -> ModuleType:
    """The zstd module compression_utils uses: the stdlib's on 3.14, else the backport."""
    if sys.version_info >= (3, 14):  # pragma: no cover
        return importlib.import_module("compression.zstd")
    return importlib.import_module("backports.zstd")


def brotli_module() -> ModuleType:
    """The Brotli module compression_utils uses (brotlicffi as the fallback)."""
    try:
        return importlib.import_module("brotli")
    except ImportError:  # pragma: no cover
        return importlib.import_module("brotlicffi")


_P = ParamSpec("_P")
_T = TypeVar("_T")


def decode(coding: str, data: bytes, piece: int | None = None) -> bytes:
    """Decode ``data`` with our decompressor, whole or ``piece`` bytes at a time."""
    decompressor = decompressor_for(coding)
    if piece is None:
        return decompressor.decompress_sync(data) + decompressor.flush()
    out = bytearray()
    for start in range(0, len(data), piece):
        out += decompressor.decompress_sync(data[start : start + piece])
    out += decompressor.flush()
    return bytes(out)


def compress_all(compressor: CompressorProtocol, pieces: list[bytes]) -> bytes:
    return b"".join(compressor.compress_sync(p) for p in pieces) + compressor.flush()


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that counts the calls submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submitted = 0

    def submit(
        self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> Future[_T]:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def executor() -> Iterator[CountingExecutor]:
    with CountingExecutor() as pool:
        yield pool


# --- round trips ---------------------------------------------------------------


@pytest.mark.parametrize("coding", CODINGS)
@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_round_trip_whole(coding: str, payload: str) -> None:
    data = PAYLOADS[payload]
    compressed = compress_all(compressor_for(coding), [data])
    assert decode(coding, compressed) == data


@pytest.mark.parametrize("coding", CODINGS)
def test_round_trip_fed_in_pieces(coding: str) -> None:
    # Input fed in odd-sized pieces, output decoded in other odd pieces.
    data = TEXT[:50_000] + RANDOM[:30_000]
    compressed = compress_all(compressor_for(coding), split(data, 997))
    assert decode(coding, compressed, piece=331) == data
    short = TEXT[:3000]
    assert decode(coding, compress_all(compressor_for(coding), split(short, 7)), 1) == (
        short
    )


@pytest.mark.parametrize("coding", CODINGS)
def test_compression_shrinks_text(coding: str) -> None:
    compressed = compress_all(compressor_for(coding), [TEXT])
    assert len(compressed) < len(TEXT) // 5


def test_gzip_and_deflate_match_the_standard_library() -> None:
    gz = compress_all(compressor_for("gzip"), split(TEXT, 4000))
    assert gzip.decompress(gz) == TEXT
    deflated = compress_all(compressor_for("deflate"), split(TEXT, 4000))
    assert zlib.decompress(deflated) == TEXT
    # x-gzip is gzip's old name.
    assert gzip.decompress(compress_all(compressor_for("X-GZIP"), [b"ab"])) == b"ab"


@needs_brotli
def test_brotli_output_decodes_with_the_codec_itself() -> None:
    brotli = brotli_module()
    compressed = compress_all(BrotliCompressor(), split(TEXT, 5000))
    assert brotli.decompress(compressed) == TEXT


@needs_zstd
def test_zstd_output_decodes_with_the_codec_itself() -> None:
    zstd = zstd_module()
    compressed = compress_all(ZSTDCompressor(), split(TEXT, 5000))
    assert zstd.decompress(compressed) == TEXT


@needs_brotli
@pytest.mark.parametrize("level", [None, 0, 9])
def test_brotli_level_is_the_quality(level: int | None) -> None:
    assert BROTLI_DEFAULT_QUALITY == 4
    brotli = brotli_module()
    quality = BROTLI_DEFAULT_QUALITY if level is None else level
    reference = brotli.Compressor(quality=quality)
    expected = reference.process(MIXED) + reference.finish()
    assert compress_all(BrotliCompressor(level=level), [MIXED]) == expected


@needs_zstd
@pytest.mark.parametrize("level", [None, 1, 15])
def test_zstd_level(level: int | None) -> None:
    zstd = zstd_module()
    reference = zstd.ZstdCompressor(level=level)
    expected = reference.compress(MIXED) + reference.flush()
    assert compress_all(ZSTDCompressor(level=level), [MIXED]) == expected


def test_zlib_level_and_strategy_pass_through() -> None:
    stored = compress_all(compressor_for("deflate", level=0), [TEXT[:10_000]])
    assert len(stored) > 10_000  # level 0 stores
    huffman = compressor_for("gzip", strategy=zlib.Z_HUFFMAN_ONLY)
    assert gzip.decompress(compress_all(huffman, [TEXT[:10_000]])) == TEXT[:10_000]


# --- flushing ------------------------------------------------------------------


@pytest.mark.parametrize("coding", CODINGS)
def test_sync_flush_makes_everything_so_far_decodable(coding: str) -> None:
    compressor = compressor_for(coding)
    decompressor = decompressor_for(coding)
    received = bytearray()
    for part in (b"first part, ", b"second part, ", b"third part"):
        out = compressor.compress_sync(part)
        out += compressor.flush(zlib.Z_SYNC_FLUSH)
        assert out, "a sync flush always pushes something out"
        received += decompressor.decompress_sync(out)
        # Everything sent so far is readable before the stream ends.
        while decompressor.data_available:
            received += decompressor.decompress_sync(b"")
        assert received.endswith(part)
    received += decompressor.decompress_sync(compressor.flush())
    received += decompressor.flush()
    assert received == b"first part, second part, third part"
    assert decompressor.eof


@pytest.mark.parametrize("coding", CODINGS)
def test_full_flush_then_finish(coding: str) -> None:
    compressor = compressor_for(coding)
    out = compressor.compress_sync(b"a" * 1000) + compressor.flush(zlib.Z_FULL_FLUSH)
    out += compressor.compress_sync(b"b" * 1000) + compressor.flush()
    assert decode(coding, out) == b"a" * 1000 + b"b" * 1000


@pytest.mark.parametrize("coding", CODINGS)
def test_flush_without_input_ends_an_empty_stream(coding: str) -> None:
    compressed = compressor_for(coding).flush()
    assert compressed  # even an empty stream has a header or a last block
    assert decode(coding, compressed) == b""


@needs_brotli
def test_brotli_flush_after_the_end_returns_nothing() -> None:
    compressor = BrotliCompressor()
    compressor.compress_sync(b"data")
    assert compressor.flush()
    assert compressor.flush() == b""
    assert compressor.flush(zlib.Z_SYNC_FLUSH) == b""


@needs_zstd
def test_zstd_data_after_the_end_starts_a_new_frame() -> None:
    compressor = ZSTDCompressor()
    first = compressor.compress_sync(b"one ") + compressor.flush()
    second = compressor.compress_sync(b"two") + compressor.flush()
    assert decode("zstd", first + second) == b"one two"


@needs_brotli
def test_brotli_holds_small_input_back_until_flushed() -> None:
    compressor = BrotliCompressor()
    assert compressor.compress_sync(b"small") == b""
    assert decode("br", compressor.flush()) == b"small"


# --- async and executors ---------------------------------------------------------


@pytest.mark.parametrize("coding", CODINGS)
async def test_small_inputs_are_compressed_inline(
    coding: str, executor: CountingExecutor
) -> None:
    compressor = compressor_for(coding, executor=executor)
    out = await compressor.compress(b"a" * MAX_SYNC_CHUNK_SIZE)
    out += compressor.flush()
    assert executor.submitted == 0
    assert decode(coding, out) == b"a" * MAX_SYNC_CHUNK_SIZE


@pytest.mark.parametrize("coding", CODINGS)
async def test_large_inputs_go_to_the_executor(
    coding: str, executor: CountingExecutor
) -> None:
    compressor = compressor_for(coding, executor=executor)
    out = await compressor.compress(TEXT) + compressor.flush()
    assert executor.submitted == 1
    assert decode(coding, out) == TEXT


@pytest.mark.parametrize("coding", CODINGS)
async def test_threshold_is_configurable(
    coding: str, executor: CountingExecutor
) -> None:
    never = compressor_for(coding, executor=executor, max_sync_chunk_size=None)
    await never.compress(TEXT)
    assert executor.submitted == 0
    always = compressor_for(coding, executor=executor, max_sync_chunk_size=0)
    await always.compress(b"x")
    assert executor.submitted == 1


@pytest.mark.parametrize("coding", CODINGS)
async def test_overlapping_compress_calls_keep_their_order(coding: str) -> None:
    # Large and small pieces mixed: the large ones go to a thread, yet the
    # output must follow the order of the calls.
    compressor = compressor_for(coding)
    pieces = [
        RANDOM[:100_000],
        b"small one",
        TEXT[:80_000],
        b"small two",
        RANDOM[100_000:],
    ]
    outputs = await asyncio.wait_for(
        asyncio.gather(*(compressor.compress(p) for p in pieces)), TIMEOUT
    )
    compressed = b"".join(outputs) + compressor.flush()
    assert decode(coding, compressed) == b"".join(pieces)


async def test_default_executor_is_used_without_one() -> None:
    for compressor in (ZLibCompressor("gzip"), compressor_for("gzip")):
        out = await asyncio.wait_for(compressor.compress(TEXT), TIMEOUT)
        assert gzip.decompress(out + compressor.flush()) == TEXT


# --- picking a compressor --------------------------------------------------------


def test_compressor_for_picks_the_class() -> None:
    assert isinstance(compressor_for("gzip"), ZLibCompressor)
    assert isinstance(compressor_for("Deflate"), ZLibCompressor)
    if HAS_BROTLI:
        assert isinstance(compressor_for("BR"), BrotliCompressor)
    if HAS_ZSTD:
        assert isinstance(compressor_for("zstd"), ZSTDCompressor)


@pytest.mark.parametrize("coding", ["identity", "compress", "", "gzip2", "*"])
def test_compressor_for_refuses_unknown_codings(coding: str) -> None:
    with pytest.raises(ValueError, match="Unknown content coding"):
        compressor_for(coding)


def test_new_names_are_exported() -> None:
    for name in (
        "CompressorProtocol",
        "BrotliCompressor",
        "ZSTDCompressor",
        "BROTLI_DEFAULT_QUALITY",
        "compressor_for",
    ):
        assert name in compression_utils.__all__


def _isolated_copy(
    monkeypatch: pytest.MonkeyPatch, modules: dict[str, ModuleType | None]
) -> ModuleType:
    """Execute a private copy of the module with ``modules`` in sys.modules."""
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location(
        "aiohttp._compression_compressors_isolated", compression_utils.__file__
    )
    assert spec is not None
    assert spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def test_missing_codecs_name_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _isolated_copy(
        monkeypatch,
        {
            "brotli": None,
            "brotlicffi": None,
            "backports.zstd": None,
            "compression.zstd": None,
        },
    )
    with pytest.raises(RuntimeError, match="Brotli compression needs"):
        copy.BrotliCompressor()
    with pytest.raises(RuntimeError, match=r"pip install brotlicffi"):
        copy.compressor_for("br")
    with pytest.raises(RuntimeError, match=r"Zstandard compression needs"):
        copy.ZSTDCompressor()
    with pytest.raises(RuntimeError, match=r"pip install backports\.zstd"):
        copy.compressor_for("ZSTD")
    # gzip needs nothing beyond the standard library.
    compressor = copy.compressor_for("gzip")
    assert gzip.decompress(compressor.compress_sync(b"ok") + compressor.flush()) == (
        b"ok"
    )


# --- StreamWriter picks the compressor -------------------------------------------


class _Recorder(asyncio.Protocol):
    """The receiving end: keeps every byte until the connection closes."""

    def __init__(self, peers: asyncio.Queue[_Recorder]) -> None:
        self.data = bytearray()
        self.closed = asyncio.get_running_loop().create_future()
        self.transport: asyncio.BaseTransport | None = None
        peers.put_nowait(self)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.data += data

    def connection_lost(self, exc: BaseException | None) -> None:
        self.closed.set_result(None)


@asynccontextmanager
async def writer_to_peer() -> AsyncIterator[tuple[StreamWriter, _Recorder]]:
    """A StreamWriter on a real TCP connection to a recording peer."""
    loop = asyncio.get_running_loop()
    peers: asyncio.Queue[_Recorder] = asyncio.Queue()
    server = await loop.create_server(lambda: _Recorder(peers), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: BaseProtocol(loop), "127.0.0.1", port),
        TIMEOUT,
    )
    peer = await asyncio.wait_for(peers.get(), TIMEOUT)
    try:
        yield StreamWriter(protocol, loop), peer
    finally:
        transport.close()
        await asyncio.wait_for(asyncio.shield(peer.closed), TIMEOUT)
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)


@pytest.mark.parametrize("coding", CODINGS)
async def test_stream_writer_compresses_with_each_coding(coding: str) -> None:
    async with writer_to_peer() as (writer, peer):
        writer.enable_compression(coding)
        await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
        parts = [b"hello " * 100, RANDOM[:20_000], b"", b"end"]
        for part in parts:
            await writer.write(part)
        await writer.write_eof(b"!")
        assert writer.transport is not None
        writer.transport.close()
        await asyncio.wait_for(asyncio.shield(peer.closed), TIMEOUT)
    head, _, body = bytes(peer.data).partition(b"\r\n\r\n")
    assert head == b"HTTP/1.1 200 OK"
    assert decode(coding, body) == b"".join(parts) + b"!"


async def test_stream_writer_refuses_unknown_codings() -> None:
    async with writer_to_peer() as (writer, _):
        with pytest.raises(ValueError, match="Unknown content coding 'compress'"):
            writer.enable_compression("compress")
