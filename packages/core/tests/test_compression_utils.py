"""aiohttp.compression_utils: streaming codecs, output limits, executors, errors.

Everything here runs the real codecs on real compressed data. The codecs'
absence is tested for real too: a fresh interpreter (and, for coverage, an
isolated copy of the module) whose ``sys.modules`` blocks their import.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib
import importlib.util
import random
import subprocess
import sys
import textwrap
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from types import ModuleType
from typing import ParamSpec, TypeVar

import pytest

from aiohttp import compression_utils
from aiohttp.compression_utils import (
    HAS_BROTLI,
    HAS_ZSTD,
    MAX_SYNC_CHUNK_SIZE,
    ZLIB_MAX_LENGTH_UNLIMITED,
    BrotliDecompressor,
    DecompressionBaseHandler,
    ZLibCompressObjProtocol,
    ZLibCompressor,
    ZLibDecompressObjProtocol,
    ZLibDecompressor,
    ZSTDDecompressor,
    decompressor_for,
    encoding_to_mode,
    set_zlib_backend,
)
from aiohttp.http_exceptions import ContentEncodingError


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


brotli = _optional_module("brotli")
zstd = _optional_module("backports.zstd")

needs_brotli = pytest.mark.skipif(not HAS_BROTLI, reason="Brotli is not installed")
needs_zstd = pytest.mark.skipif(not HAS_ZSTD, reason="zstd is not installed")

MIB = 1 << 20
RANDOM = random.Random(2024).randbytes(MIB)
REPETITIVE = (b"aiotide compresses this line over and over again. " * 21000)[:MIB]
MIXED = random.Random(7).randbytes(6000) + b"0123456789abcdef" * 1000
PAYLOADS = {
    "empty": b"",
    "small": b"hello, world",
    "random": RANDOM,
    "repetitive": REPETITIVE,
}


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _brotli(data: bytes) -> bytes:
    assert brotli is not None
    # Quality 5 keeps the 1 MiB inputs quick; the format is the same.
    result: bytes = brotli.compress(data, quality=5)
    return result


def _zstd(data: bytes) -> bytes:
    assert zstd is not None
    result: bytes = zstd.compress(data)
    return result


# (Content-Encoding, compress function) for every kind of stream we accept.
CODECS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": ("gzip", gzip.compress),
    "x-gzip": ("x-gzip", gzip.compress),
    "deflate-zlib": ("deflate", zlib.compress),
    "deflate-raw": ("deflate", _raw_deflate),
    "br": ("br", _brotli),
    "zstd": ("zstd", _zstd),
}
CODEC_PARAMS = [
    pytest.param(
        name,
        id=name,
        marks=[needs_brotli]
        if name == "br"
        else [needs_zstd]
        if name == "zstd"
        else [],
    )
    for name in CODECS
]


@cache
def compressed(codec: str, payload: str) -> bytes:
    return CODECS[codec][1](PAYLOADS.get(payload, MIXED))


def decode_all(
    decompressor: DecompressionBaseHandler,
    chunks: list[bytes],
    max_length: int = ZLIB_MAX_LENGTH_UNLIMITED,
) -> bytes:
    """Drive a decompressor as the HTTP parser does, checking each call's bound."""
    out = bytearray()

    def take(piece: bytes) -> None:
        if max_length:
            assert len(piece) <= max_length
        out.extend(piece)

    for chunk in chunks:
        take(decompressor.decompress_sync(chunk, max_length))
        while decompressor.data_available:
            take(decompressor.decompress_sync(b"", max_length))
    out.extend(decompressor.flush())
    assert not decompressor.data_available
    return bytes(out)


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


_P = ParamSpec("_P")
_T = TypeVar("_T")


class CountingExecutor(ThreadPoolExecutor):
    """A real thread pool that counts the jobs it is given."""

    def __init__(self) -> None:
        super().__init__(max_workers=4)
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


# --- round trips ----------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_round_trip_whole(codec: str, payload: str) -> None:
    decompressor = decompressor_for(CODECS[codec][0])
    data = compressed(codec, payload)
    assert decode_all(decompressor, [data]) == PAYLOADS[payload]
    assert decompressor.eof is bool(data)


@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_one_byte_at_a_time_matches_whole(codec: str) -> None:
    data = compressed(codec, "mixed")
    whole = decode_all(decompressor_for(CODECS[codec][0]), [data])
    bytewise = decode_all(decompressor_for(CODECS[codec][0]), split(data, 1))
    assert whole == bytewise == MIXED


@pytest.mark.parametrize(
    ("payload", "max_length"),
    [
        ("random", 1000),
        ("random", 65536),
        ("repetitive", 1000),
        ("repetitive", 65536),
        ("mixed", 1),
    ],
)
@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_max_length_with_data_available_loop(
    codec: str, payload: str, max_length: int
) -> None:
    data = compressed(codec, payload)
    decompressor = decompressor_for(CODECS[codec][0])
    expected = PAYLOADS.get(payload, MIXED)
    assert decode_all(decompressor, split(data, 8192), max_length) == expected
    assert decompressor.eof


@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_byte_at_a_time_with_max_length(codec: str) -> None:
    data = compressed(codec, "mixed")
    decompressor = decompressor_for(CODECS[codec][0])
    assert decode_all(decompressor, split(data, 1), 100) == MIXED


@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_feeding_before_draining_keeps_the_input(codec: str) -> None:
    # A caller may ignore data_available and feed more: nothing is lost.
    data = compressed(codec, "random")
    decompressor = decompressor_for(CODECS[codec][0])
    out = bytearray()
    for chunk in split(data, 100_000):
        piece = decompressor.decompress_sync(chunk, 1000)
        assert len(piece) <= 1000
        out += piece
    while decompressor.data_available:
        out += decompressor.decompress_sync(b"", 50_000)
    out += decompressor.flush()
    assert out == RANDOM


@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_flush_returns_everything_left(codec: str) -> None:
    data = compressed(codec, "random")
    decompressor = decompressor_for(CODECS[codec][0])
    first = decompressor.decompress_sync(data[: len(data) // 2], 1000)
    second = decompressor.decompress_sync(data[len(data) // 2 :], 1000)
    assert len(first) == len(second) == 1000
    assert first + second + decompressor.flush() == RANDOM
    assert decompressor.eof
    assert decompressor.decompress_sync(b"") == b""


@pytest.mark.parametrize("codec", CODEC_PARAMS)
def test_decompression_bomb_is_bounded_per_call(codec: str) -> None:
    bomb = CODECS[codec][1](bytes(10 * MIB))
    assert len(bomb) < 100_000
    decompressor = decompressor_for(CODECS[codec][0])
    total = 0
    calls = 0
    piece = decompressor.decompress_sync(bomb, 65536)
    while True:
        assert len(piece) <= 65536
        assert not piece.strip(b"\x00")
        total += len(piece)
        calls += 1
        if not decompressor.data_available:
            break
        piece = decompressor.decompress_sync(b"", 65536)
    assert decompressor.flush() == b""
    assert total == 10 * MIB
    assert calls >= 160


def test_empty_body_is_empty() -> None:
    for coding in ("gzip", "deflate", "br", "zstd"):
        if (coding == "br" and not HAS_BROTLI) or (coding == "zstd" and not HAS_ZSTD):
            continue
        decompressor = decompressor_for(coding)
        assert not decompressor.data_available
        assert decompressor.flush() == b""
        assert not decompressor.eof


# --- gzip members --------------------------------------------------------------


GZIP_MEMBERS = gzip.compress(b"first ") + gzip.compress(b"") + gzip.compress(b"second")


@pytest.mark.parametrize("max_length", [0, 1, 3, 6])
@pytest.mark.parametrize("chunk_size", [1, 7, len(GZIP_MEMBERS)])
def test_gzip_members(chunk_size: int, max_length: int) -> None:
    decompressor = ZLibDecompressor("gzip")
    assert decode_all(decompressor, split(GZIP_MEMBERS, chunk_size), max_length) == (
        b"first second"
    )
    assert decompressor.eof


def test_gzip_member_starting_in_a_later_chunk() -> None:
    decompressor = ZLibDecompressor("gzip")
    assert decompressor.decompress_sync(gzip.compress(b"one")) == b"one"
    assert decompressor.eof
    assert decompressor.decompress_sync(gzip.compress(b"two")) == b"two"
    assert decompressor.flush() == b""


def test_gzip_member_limit() -> None:
    empty = gzip.compress(b"")
    assert decode_all(ZLibDecompressor("gzip"), [empty * 1024]) == b""
    with pytest.raises(ContentEncodingError, match="gzip") as info:
        ZLibDecompressor("gzip").decompress_sync(empty * 1025)
    assert "1024" in str(info.value.__cause__)


# --- deflate: zlib-wrapped or raw ------------------------------------------------


def _stored_block(first_byte: int, content: bytes) -> bytes:
    # A raw deflate stream of one stored block (RFC 1951 3.2.4) whose header
    # byte carries the given padding bits, then an empty final block.
    size = len(content).to_bytes(2, "little")
    inverse = (0xFFFF ^ len(content)).to_bytes(2, "little")
    return bytes([first_byte]) + size + inverse + content + b"\x01\x00\x00\xff\xff"


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(zlib.compress(b"hello"), id="zlib"),
        pytest.param(zlib.compress(b"hello", 9), id="zlib-level-9"),
        pytest.param(_raw_deflate(b"hello"), id="raw"),
        # Low nibble 8 like a zlib header, but CINFO 8 is no zlib window.
        pytest.param(_stored_block(0x88, b"hello"), id="raw-cinfo-8"),
        # Looks like CMF 0x08, but CMF/FLG fail the mod-31 check.
        pytest.param(_stored_block(0x08, b"hello"), id="raw-bad-fcheck"),
    ],
)
def test_deflate_detects_the_wrapper(stream: bytes) -> None:
    assert decode_all(ZLibDecompressor("deflate"), [stream]) == b"hello"
    assert decode_all(ZLibDecompressor("deflate"), split(stream, 1)) == b"hello"


def test_deflate_empty_raw_stream() -> None:
    assert decode_all(ZLibDecompressor("deflate"), [_raw_deflate(b"")]) == b""


def test_deflate_waits_for_two_bytes_to_decide() -> None:
    stream = zlib.compress(b"hello")
    decompressor = ZLibDecompressor("deflate")
    assert decompressor.decompress_sync(stream[:1]) == b""
    assert not decompressor.data_available
    assert not decompressor.eof
    assert decompressor.decompress_sync(stream[1:]) == b"hello"
    assert decompressor.eof


def test_fixed_modes_do_not_detect() -> None:
    # No encoding: zlib-wrapped; suppress_deflate_header: raw, as for
    # WebSocket's permessage-deflate, whose messages end in a sync flush.
    assert ZLibDecompressor().decompress_sync(zlib.compress(b"abc")) == b"abc"
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    message = compressor.compress(b"message") + compressor.flush(zlib.Z_SYNC_FLUSH)
    decompressor = ZLibDecompressor(suppress_deflate_header=True)
    assert decompressor.decompress_sync(message) == b"message"
    assert not decompressor.eof
    with pytest.raises(ContentEncodingError, match="deflate"):
        ZLibDecompressor().decompress_sync(_raw_deflate(b"abc"))


def test_encoding_to_mode() -> None:
    assert encoding_to_mode("gzip") == 16 + zlib.MAX_WBITS
    assert encoding_to_mode("x-gzip") == 16 + zlib.MAX_WBITS
    assert encoding_to_mode("GZIP") == 16 + zlib.MAX_WBITS
    assert encoding_to_mode("deflate") == zlib.MAX_WBITS
    assert encoding_to_mode("deflate", suppress_deflate_header=True) == -zlib.MAX_WBITS
    assert encoding_to_mode() == zlib.MAX_WBITS
    assert encoding_to_mode(None, True) == -zlib.MAX_WBITS


# --- errors --------------------------------------------------------------------------


def _flip_byte(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0xFF]) + data[index + 1 :]


def _corrupt_cases() -> Iterator[object]:
    gz = gzip.compress(MIXED)
    zl = zlib.compress(MIXED)
    yield pytest.param("gzip", [b"this is not gzip at all"], id="gzip-garbage")
    yield pytest.param("gzip", [gz[:-4]], id="gzip-truncated")
    yield pytest.param("gzip", [gz + b"trailing garbage"], id="gzip-trailing")
    yield pytest.param("gzip", [gz, b"\x00\x00\x00\x00"], id="gzip-trailing-zeros")
    yield pytest.param("gzip", [gz + b"\x1f"], id="gzip-half-a-member")
    yield pytest.param("gzip", [_flip_byte(gz, -6)], id="gzip-bad-crc")
    yield pytest.param("gzip", [_flip_byte(gz, 100)], id="gzip-bad-data")
    yield pytest.param("deflate", [zl + b"x"], id="deflate-trailing")
    yield pytest.param("deflate", [zl, b"x"], id="deflate-trailing-later")
    yield pytest.param("deflate", [zl[:-3]], id="deflate-truncated")
    yield pytest.param("deflate", [zl[:1]], id="deflate-one-byte")
    yield pytest.param("deflate", [_flip_byte(zl, -1)], id="deflate-bad-adler")
    yield pytest.param(
        "deflate", [_raw_deflate(MIXED) + b"x"], id="deflate-raw-trailing"
    )
    if HAS_BROTLI:
        br = _brotli(MIXED)
        yield pytest.param("br", [b"this is not brotli"], id="br-garbage")
        yield pytest.param("br", [br[:-3]], id="br-truncated")
        yield pytest.param("br", [br + b"x"], id="br-trailing")
        yield pytest.param("br", [br, b"x"], id="br-trailing-later")
    if HAS_ZSTD:
        zs = _zstd(MIXED)
        yield pytest.param("zstd", [b"this is not zstd data"], id="zstd-garbage")
        yield pytest.param("zstd", [zs[:-3]], id="zstd-truncated")
        yield pytest.param("zstd", [zs + b"trailing garbage"], id="zstd-trailing")
        yield pytest.param("zstd", [zs, b"xx"], id="zstd-trailing-short")


@pytest.mark.parametrize("max_length", [0, 1000])
@pytest.mark.parametrize(("coding", "chunks"), list(_corrupt_cases()))
def test_bad_streams_raise_content_encoding_error(
    coding: str, chunks: list[bytes], max_length: int
) -> None:
    with pytest.raises(ContentEncodingError) as info:
        decode_all(decompressor_for(coding), chunks, max_length)
    assert info.value.message == f"Can not decode content-encoding: {coding}"
    cause = info.value.__cause__
    assert cause is not None
    assert not isinstance(cause, ContentEncodingError)
    assert info.value.code == 400


def test_truncation_is_reported_at_flush() -> None:
    decompressor = ZLibDecompressor("gzip")
    assert decompressor.decompress_sync(gzip.compress(b"abcdef")[:-8]) == b"abcdef"
    with pytest.raises(ContentEncodingError) as info:
        decompressor.flush()
    assert isinstance(info.value.__cause__, EOFError)


def test_trailing_data_after_deflate_names_the_reason() -> None:
    decompressor = ZLibDecompressor("deflate")
    decompressor.decompress_sync(zlib.compress(b"abc"))
    with pytest.raises(ContentEncodingError) as info:
        decompressor.decompress_sync(b"more")
    assert "after the end" in str(info.value.__cause__)


# --- Brotli ------------------------------------------------------------------------


@needs_brotli
def test_brotli_output_is_cut_exactly_at_max_length() -> None:
    # Random data with a small window: the decoder stops at its (rounded up)
    # output limit with input left over, and must drain before taking more.
    data = random.Random(3).randbytes(300_000)
    assert brotli is not None
    stream = brotli.compress(data, quality=1, lgwin=16)
    decompressor = BrotliDecompressor()
    first = decompressor.decompress_sync(stream[:100_000], 1000)
    assert len(first) == 1000
    assert decompressor.data_available
    # Not drained: this input is held until the decoder can take it.
    second = decompressor.decompress_sync(stream[100_000:], 1000)
    assert len(second) == 1000
    assert decompressor.data_available
    assert first + second + decompressor.flush() == data
    assert decompressor.eof


@needs_brotli
def test_brotli_unlimited_call_drains_before_feeding() -> None:
    data = random.Random(4).randbytes(300_000)
    assert brotli is not None
    stream = brotli.compress(data, quality=1, lgwin=16)
    decompressor = BrotliDecompressor()
    out = decompressor.decompress_sync(stream[:100_000], 40_000)
    out += decompressor.decompress_sync(b"", 40_000)
    assert decompressor.data_available
    out += decompressor.decompress_sync(stream[100_000:])
    assert out + decompressor.flush() == data


class _OldBrotliDecoder:
    """Brotli 1.1's Decompressor API (no output limit), over the real decoder."""

    def __init__(self) -> None:
        assert brotli is not None
        self._decoder = brotli.Decompressor()

    def process(self, data: bytes) -> bytes:
        out: bytes = self._decoder.process(data)
        return out

    def is_finished(self) -> bool:
        finished: bool = self._decoder.is_finished()
        return finished


@pytest.fixture
def old_brotli_api(monkeypatch: pytest.MonkeyPatch) -> None:
    assert brotli is not None
    module = ModuleType("brotli")
    module.Decompressor = _OldBrotliDecoder  # type: ignore[attr-defined]
    module.error = brotli.error  # type: ignore[attr-defined]
    monkeypatch.setattr(compression_utils, "_brotli", module)


@needs_brotli
@pytest.mark.usefixtures("old_brotli_api")
@pytest.mark.parametrize("max_length", [0, 1, 1000, 65536])
def test_brotli_without_output_limit_support_slices(max_length: int) -> None:
    data = compressed("br", "mixed")
    decompressor = BrotliDecompressor()
    assert decode_all(decompressor, split(data, 500), max_length) == MIXED
    with pytest.raises(ContentEncodingError, match="br"):
        decode_all(BrotliDecompressor(), [data[:-2]])


# --- Zstandard -----------------------------------------------------------------------


@needs_zstd
@pytest.mark.parametrize("max_length", [0, 1, 3, 4])
@pytest.mark.parametrize("chunk_size", [1, 5, 1000])
def test_zstd_frames(chunk_size: int, max_length: int) -> None:
    stream = _zstd(b"abc") + _zstd(b"") + _zstd(b"defgh")
    decompressor = ZSTDDecompressor()
    assert decode_all(decompressor, split(stream, chunk_size), max_length) == (
        b"abcdefgh"
    )
    assert decompressor.eof


@needs_zstd
def test_zstd_frame_ending_exactly_at_max_length() -> None:
    decompressor = ZSTDDecompressor()
    assert decompressor.decompress_sync(_zstd(b"abc") + _zstd(b"def"), 3) == b"abc"
    assert decompressor.data_available
    assert not decompressor.eof
    assert decompressor.decompress_sync(b"", 3) == b"def"
    assert decompressor.eof


@needs_zstd
def test_zstd_frame_limit() -> None:
    empty = _zstd(b"")
    assert decode_all(ZSTDDecompressor(), [empty * 1024]) == b""
    with pytest.raises(ContentEncodingError, match="zstd"):
        ZSTDDecompressor().decompress_sync(empty * 1025)


# --- the factory ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coding", "kind"),
    [
        ("gzip", ZLibDecompressor),
        ("x-gzip", ZLibDecompressor),
        ("GZip", ZLibDecompressor),
        ("deflate", ZLibDecompressor),
        ("DEFLATE", ZLibDecompressor),
        pytest.param("br", BrotliDecompressor, marks=needs_brotli),
        pytest.param("BR", BrotliDecompressor, marks=needs_brotli),
        pytest.param("zstd", ZSTDDecompressor, marks=needs_zstd),
        pytest.param("Zstd", ZSTDDecompressor, marks=needs_zstd),
    ],
)
def test_decompressor_for(coding: str, kind: type[DecompressionBaseHandler]) -> None:
    decompressor = decompressor_for(coding)
    assert type(decompressor) is kind
    assert isinstance(decompressor, DecompressionBaseHandler)


def test_decompressor_for_x_gzip_names_it_in_errors() -> None:
    with pytest.raises(ContentEncodingError) as info:
        decompressor_for("x-gzip").decompress_sync(b"not gzip")
    assert info.value.message == "Can not decode content-encoding: x-gzip"


@pytest.mark.parametrize("coding", ["compress", "identity", "", "gzip, br", "lzma"])
def test_decompressor_for_unknown_coding(coding: str) -> None:
    with pytest.raises(ContentEncodingError, match="Can not decode content-encoding"):
        decompressor_for(coding)


# --- async and executors -------------------------------------------------------------


async def test_small_inputs_are_decompressed_inline(executor: CountingExecutor) -> None:
    stream = gzip.compress(b"x" * 100)
    assert len(stream) <= MAX_SYNC_CHUNK_SIZE
    decompressor = decompressor_for("gzip", executor=executor)
    assert await decompressor.decompress(stream) == b"x" * 100
    assert executor.submitted == 0


@pytest.mark.parametrize("codec", CODEC_PARAMS)
async def test_large_inputs_go_to_the_executor(
    codec: str, executor: CountingExecutor
) -> None:
    data = compressed(codec, "random")
    decompressor = decompressor_for(CODECS[codec][0], executor=executor)
    out = await decompressor.decompress(data, 65536)
    assert len(out) == 65536
    assert executor.submitted == 1
    while decompressor.data_available:
        out += await decompressor.decompress(b"", 65536)
    assert out + decompressor.flush() == RANDOM


async def test_default_executor_is_used_without_one() -> None:
    decompressor = ZLibDecompressor("gzip")
    assert await decompressor.decompress(compressed("gzip", "random")) == RANDOM


async def test_overlapping_decompress_calls_stay_in_order(
    executor: CountingExecutor,
) -> None:
    stream = compressed("gzip", "random")
    # Mixed sizes: large chunks go to threads, small ones run inline.
    chunks = []
    position = 0
    for size in [50_000, 10, 300_000, 3, 5000, 100, 700_000]:
        chunks.append(stream[position : position + size])
        position += size
    chunks.append(stream[position:])
    decompressor = ZLibDecompressor("gzip", executor=executor)
    results = await asyncio.gather(*(decompressor.decompress(c) for c in chunks))
    reference = ZLibDecompressor("gzip")
    assert results == [reference.decompress_sync(c) for c in chunks]
    assert b"".join(results) + decompressor.flush() == RANDOM
    assert executor.submitted == sum(len(c) > MAX_SYNC_CHUNK_SIZE for c in chunks)


async def test_max_sync_chunk_size_none_never_offloads(
    executor: CountingExecutor,
) -> None:
    decompressor = ZLibDecompressor("gzip", executor=executor, max_sync_chunk_size=None)
    assert await decompressor.decompress(compressed("gzip", "random")) == RANDOM
    compressor = ZLibCompressor(executor=executor, max_sync_chunk_size=None)
    assert await compressor.compress(RANDOM)
    assert executor.submitted == 0


# --- compression ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "suppress", "wbits"),
    [
        ("gzip", False, 16 + zlib.MAX_WBITS),
        ("deflate", False, zlib.MAX_WBITS),
        ("deflate", True, -zlib.MAX_WBITS),
        (None, False, zlib.MAX_WBITS),
    ],
)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_compressor_round_trip(
    encoding: str | None, suppress: bool, wbits: int, payload: str
) -> None:
    data = PAYLOADS[payload]
    compressor = ZLibCompressor(encoding, suppress)
    stream = b"".join(compressor.compress_sync(c) for c in split(data, 100_000))
    stream += compressor.flush()
    assert zlib.decompress(stream, wbits) == data
    decoder = ZLibDecompressor(encoding, suppress)
    assert decode_all(decoder, [stream]) == data


def test_compressor_options() -> None:
    fast = ZLibCompressor("gzip", level=zlib.Z_BEST_SPEED)
    best = ZLibCompressor("gzip", level=9, strategy=zlib.Z_FILTERED)
    small_window = ZLibCompressor(wbits=-9, strategy=zlib.Z_DEFAULT_STRATEGY)
    fast_stream = fast.compress_sync(REPETITIVE) + fast.flush()
    best_stream = best.compress_sync(REPETITIVE) + best.flush()
    small_stream = small_window.compress_sync(REPETITIVE) + small_window.flush()
    assert len(best_stream) < len(fast_stream)
    assert gzip.decompress(fast_stream) == gzip.decompress(best_stream) == REPETITIVE
    assert zlib.decompress(small_stream, -9) == REPETITIVE


def test_compressor_flush_modes() -> None:
    compressor = ZLibCompressor("deflate")
    decompressor = ZLibDecompressor("deflate")
    first = compressor.compress_sync(b"first part ")
    first += compressor.flush(zlib.Z_SYNC_FLUSH)
    # A sync flush makes everything so far decodable.
    assert decompressor.decompress_sync(first) == b"first part "
    assert not decompressor.eof
    rest = compressor.compress_sync(b"second") + compressor.flush()
    assert decompressor.decompress_sync(rest) == b"second"
    assert decompressor.eof


async def test_compress_small_inline_large_in_executor(
    executor: CountingExecutor,
) -> None:
    compressor = ZLibCompressor("gzip", executor=executor)
    stream = await compressor.compress(b"small")
    assert executor.submitted == 0
    stream += await compressor.compress(RANDOM)
    assert executor.submitted == 1
    assert gzip.decompress(stream + compressor.flush()) == b"small" + RANDOM


async def test_overlapping_compress_calls_stay_in_order(
    executor: CountingExecutor,
) -> None:
    chunks = [RANDOM[:200_000], b"tiny", REPETITIVE, b"x" * 10, RANDOM[200_000:]]
    compressor = ZLibCompressor("gzip", executor=executor)
    results = await asyncio.gather(*(compressor.compress(c) for c in chunks))
    tail = compressor.flush()
    assert executor.submitted == 3
    reference = ZLibCompressor("gzip")
    assert results == [reference.compress_sync(c) for c in chunks]
    assert tail == reference.flush()
    assert gzip.decompress(b"".join(results) + tail) == b"".join(chunks)


# --- zlib backends ---------------------------------------------------------------------


class CountingZlib:
    """A zlib backend: the standard library's zlib, counting each call."""

    MAX_WBITS = zlib.MAX_WBITS
    Z_FULL_FLUSH = zlib.Z_FULL_FLUSH
    Z_SYNC_FLUSH = zlib.Z_SYNC_FLUSH
    Z_BEST_SPEED = zlib.Z_BEST_SPEED
    Z_FINISH = zlib.Z_FINISH
    error = zlib.error

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def compressobj(
        self,
        level: int = -1,
        method: int = zlib.DEFLATED,
        wbits: int = zlib.MAX_WBITS,
        memLevel: int = zlib.DEF_MEM_LEVEL,  # noqa: N803
        strategy: int = zlib.Z_DEFAULT_STRATEGY,
    ) -> ZLibCompressObjProtocol:
        self.calls["compressobj"] += 1
        return zlib.compressobj(level, method, wbits, memLevel, strategy)

    def decompressobj(self, wbits: int = zlib.MAX_WBITS) -> ZLibDecompressObjProtocol:
        self.calls["decompressobj"] += 1
        return zlib.decompressobj(wbits)

    def compress(self, data: bytes, /, level: int = -1) -> bytes:
        self.calls["compress"] += 1
        return zlib.compress(data, level)

    def decompress(
        self, data: bytes, /, wbits: int = zlib.MAX_WBITS, bufsize: int = 16384
    ) -> bytes:
        self.calls["decompress"] += 1
        return zlib.decompress(data, wbits, bufsize)


@pytest.fixture
def counting_zlib() -> Iterator[CountingZlib]:
    backend = CountingZlib()
    set_zlib_backend(backend)
    try:
        yield backend
    finally:
        set_zlib_backend(zlib)


def test_set_zlib_backend(counting_zlib: CountingZlib) -> None:
    compressor = ZLibCompressor("gzip", level=6)
    stream = compressor.compress_sync(MIXED) + compressor.flush()
    assert decode_all(ZLibDecompressor("gzip"), [GZIP_MEMBERS]) == b"first second"
    assert decode_all(ZLibDecompressor("deflate"), [zlib.compress(MIXED)]) == MIXED
    assert gzip.decompress(stream) == MIXED
    # One compressor; three gzip members and one deflate stream.
    assert counting_zlib.calls == {"compressobj": 1, "decompressobj": 4}
    with pytest.raises(ContentEncodingError):
        decode_all(ZLibDecompressor("gzip"), [b"not gzip"])


def test_set_zlib_backend_back_to_the_default() -> None:
    backend = CountingZlib()
    set_zlib_backend(backend)
    created_with_counting = ZLibDecompressor("gzip")
    set_zlib_backend(zlib)
    created_with_zlib = ZLibDecompressor("gzip")
    assert decode_all(created_with_zlib, [gzip.compress(b"a")]) == b"a"
    assert backend.calls["decompressobj"] == 0
    # An object keeps the backend it was created with.
    assert decode_all(created_with_counting, [gzip.compress(b"b")]) == b"b"
    assert backend.calls["decompressobj"] == 1


# --- the codecs absent -----------------------------------------------------------------


ABSENT_SCRIPT = textwrap.dedent(
    """
    import gzip, sys
    for name in ("brotli", "brotlicffi", "backports.zstd", "compression.zstd"):
        sys.modules[name] = None
    from aiohttp import compression_utils as cu
    from aiohttp.http_exceptions import ContentEncodingError
    assert not cu.HAS_BROTLI and not cu.HAS_ZSTD
    for cls, hint in ((cu.BrotliDecompressor, "pip install Brotli"),
                      (cu.ZSTDDecompressor, "pip install backports.zstd")):
        try:
            cls()
        except RuntimeError as exc:
            assert hint in str(exc), exc
        else:
            raise AssertionError(cls)
    for coding in ("br", "zstd"):
        try:
            cu.decompressor_for(coding)
        except ContentEncodingError as exc:
            assert "install" in str(exc), exc
        else:
            raise AssertionError(coding)
    d = cu.decompressor_for("gzip")
    assert d.decompress_sync(gzip.compress(b"still works")) == b"still works"
    c = cu.ZLibCompressor("deflate")
    assert cu.decompressor_for("deflate").decompress_sync(
        c.compress_sync(b"both ways") + c.flush()) == b"both ways"
    print("ok")
    """
)


def test_codecs_absent_in_a_fresh_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", ABSENT_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def _isolated_copy(
    monkeypatch: pytest.MonkeyPatch, modules: dict[str, ModuleType | None]
) -> ModuleType:
    """Execute a private copy of the module with ``modules`` in sys.modules."""
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location(
        "aiohttp._compression_utils_isolated", compression_utils.__file__
    )
    assert spec is not None
    assert spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def test_codecs_absent_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _isolated_copy(
        monkeypatch,
        {
            "brotli": None,
            "brotlicffi": None,
            "backports.zstd": None,
            "compression.zstd": None,
        },
    )
    assert not copy.HAS_BROTLI
    assert not copy.HAS_ZSTD
    with pytest.raises(RuntimeError, match="pip install Brotli"):
        copy.BrotliDecompressor()
    with pytest.raises(RuntimeError, match="pip install brotlicffi"):
        copy.BrotliDecompressor()
    with pytest.raises(RuntimeError, match=r"pip install backports\.zstd"):
        copy.ZSTDDecompressor()
    with pytest.raises(ContentEncodingError, match=r"br; .*pip install Brotli"):
        copy.decompressor_for("br")
    with pytest.raises(ContentEncodingError, match=r"zstd; .*pip install"):
        copy.decompressor_for("ZSTD")
    assert copy.decompressor_for("gzip").decompress_sync(GZIP_MEMBERS) == (
        b"first second"
    )


@needs_brotli
def test_brotlicffi_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    # brotlicffi has Brotli's API: the real Brotli module stands in for it.
    copy = _isolated_copy(monkeypatch, {"brotli": None, "brotlicffi": brotli})
    assert copy.HAS_BROTLI
    decompressor = copy.decompressor_for("br")
    assert decode_all(decompressor, [compressed("br", "mixed")], 1000) == MIXED
