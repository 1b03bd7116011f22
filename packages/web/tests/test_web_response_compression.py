"""Response compression: Accept-Encoding negotiation (RFC 9110 12.5.3), codings.

Bodies are decoded with the standard library where it can (gzip, deflate)
and with our decompressors for br and zstd.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

import pytest
from web_response_harness import RawResponse, bounded, response_wire

from aiohttp import web_response
from aiohttp._web_accept_encoding import choose_coding
from aiohttp.compression_utils import HAS_BROTLI, HAS_ZSTD, decompressor_for
from aiohttp.http_writer import HttpVersion10
from aiohttp.payload import StringPayload
from aiohttp.web_response import ContentCoding, Response, StreamResponse

needs_brotli = pytest.mark.skipif(not HAS_BROTLI, reason="Brotli is not installed")
needs_zstd = pytest.mark.skipif(not HAS_ZSTD, reason="zstd is not installed")
needs_both = pytest.mark.skipif(
    not (HAS_BROTLI and HAS_ZSTD), reason="Brotli or zstd is not installed"
)

BODY = b"".join(b"row %05d: some compressible response text\n" % i for i in range(400))

_P = ParamSpec("_P")
_T = TypeVar("_T")


def decode(coding: str | None, data: bytes) -> bytes:
    if coding is None:
        return data
    if coding == "gzip":
        return gzip.decompress(data)
    if coding == "deflate":
        return zlib.decompress(data)
    decompressor = decompressor_for(coding)
    return decompressor.decompress_sync(data) + decompressor.flush()


async def send(
    resp: StreamResponse,
    accept: list[str] | None = None,
    *,
    method: str = "GET",
    body_parts: list[bytes] | None = None,
) -> RawResponse:
    headers = [("Accept-Encoding", value) for value in accept or []]
    async with bounded(), response_wire(method=method, headers=headers) as wire:
        await resp.prepare(wire.request)
        for part in body_parts or []:
            await resp.write(part)
        await resp.write_eof()
        return await wire.response(head_request=method == "HEAD")


# --- negotiation -------------------------------------------------------------------


NEGOTIATION = [
    # (Accept-Encoding, coding expected with every codec installed)
    ("gzip", "gzip"),
    ("deflate", "deflate"),
    ("GZIP", "gzip"),
    ("x-gzip", "gzip"),
    ("gzip, deflate", "gzip"),
    ("deflate, gzip", "gzip"),
    ("gzip, deflate, br", "br"),
    ("gzip, deflate, br, zstd", "zstd"),
    ("zstd;q=0.9, br", "br"),
    ("br;q=0, gzip", "gzip"),
    ("br;q=0.5, gzip;q=0.8", "gzip"),
    ("gzip;q=0.5", "gzip"),
    ("gzip;q=0.001", "gzip"),
    ("gzip;q=0", None),
    ("gzip;q=0.000", None),
    ("gzip; q=0 , deflate ;Q=1", "deflate"),
    ("*", "zstd"),
    ("*;q=0.5, gzip", "gzip"),
    ("*;q=0", None),
    ("*;q=0, gzip;q=0.1", "gzip"),
    ("identity", None),
    ("identity, gzip", "gzip"),
    ("identity;q=1, gzip;q=0.5", None),
    ("identity;q=0, gzip", "gzip"),
    ("compress, unknown", None),
    ("", None),
    (" , ,", None),
    ("gzip;q=1.5", None),
    ("gzip;q=abc, deflate", "deflate"),
    ("gzip;level=9", "gzip"),
    ("gzip;q=0, gzip", None),  # the first listing counts
]


@needs_both
@pytest.mark.parametrize(("accept", "expected"), NEGOTIATION)
async def test_negotiation_on_the_wire(accept: str, expected: str | None) -> None:
    resp = Response(body=BODY)
    resp.enable_compression()
    raw = await send(resp, [accept])
    assert raw.header("Content-Encoding") == expected
    assert decode(expected, raw.body) == BODY
    assert raw.header("Content-Length") == str(len(raw.body))


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATION)
def test_choose_coding(accept: str, expected: str | None) -> None:
    assert choose_coding(accept, ("zstd", "br", "gzip", "deflate")) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("zstd, br, gzip", "gzip"),
        ("zstd, br", None),
        ("*", "gzip"),
        ("zstd, deflate;q=0.5", "deflate"),
    ],
)
async def test_only_installed_codecs_are_negotiated(
    monkeypatch: pytest.MonkeyPatch, accept: str, expected: str | None
) -> None:
    monkeypatch.setattr(web_response, "_NEGOTIABLE", ("gzip", "deflate"))
    resp = Response(body=BODY)
    resp.enable_compression()
    raw = await send(resp, [accept])
    assert raw.header("Content-Encoding") == expected
    assert decode(expected, raw.body) == BODY


async def test_without_accept_encoding_nothing_is_compressed() -> None:
    resp = Response(body=BODY)
    resp.enable_compression()
    raw = await send(resp)
    assert raw.header("Content-Encoding") is None
    assert raw.body == BODY


async def test_several_accept_encoding_fields_are_one_list() -> None:
    resp = Response(body=BODY)
    resp.enable_compression()
    raw = await send(resp, ["br;q=0, zstd;q=0", "deflate"])
    assert raw.header("Content-Encoding") == "deflate"
    assert decode("deflate", raw.body) == BODY


async def test_compression_is_off_by_default() -> None:
    raw = await send(Response(body=BODY), ["gzip"])
    assert raw.header("Content-Encoding") is None
    assert raw.body == BODY


# --- forcing a coding ------------------------------------------------------------------


@pytest.mark.parametrize(
    "coding",
    [
        ContentCoding.gzip,
        ContentCoding.deflate,
        pytest.param(ContentCoding.br, marks=needs_brotli),
        pytest.param(ContentCoding.zstd, marks=needs_zstd),
    ],
)
async def test_forced_coding_ignores_the_request(coding: ContentCoding) -> None:
    resp = Response(body=BODY)
    resp.enable_compression(coding)
    raw = await send(resp, ["identity"])
    assert raw.header("Content-Encoding") == coding.value
    assert decode(coding.value, raw.body) == BODY


async def test_forced_identity_compresses_nothing() -> None:
    resp = Response(body=BODY)
    resp.enable_compression(ContentCoding.identity)
    raw = await send(resp, ["gzip"])
    assert raw.header("Content-Encoding") is None
    assert raw.body == BODY


async def test_deprecated_boolean_force() -> None:
    resp = Response(body=BODY)
    with pytest.warns(DeprecationWarning, match="boolean for force"):
        resp.enable_compression(True)
    raw = await send(resp)
    assert raw.header("Content-Encoding") == "deflate"
    assert zlib.decompress(raw.body) == BODY


async def test_strategy_is_used() -> None:
    resp = Response(body=BODY)
    resp.enable_compression(ContentCoding.deflate, strategy=zlib.Z_HUFFMAN_ONLY)
    raw = await send(resp)
    reference = zlib.compressobj(strategy=zlib.Z_HUFFMAN_ONLY)
    assert raw.body == reference.compress(BODY) + reference.flush()


# --- Response: the whole body at once ---------------------------------------------------------


@pytest.mark.parametrize(
    "coding",
    [
        "gzip",
        "deflate",
        pytest.param("br", marks=needs_brotli),
        pytest.param("zstd", marks=needs_zstd),
    ],
)
async def test_response_body_is_compressed_with_its_length(coding: str) -> None:
    resp = Response(text=BODY.decode())
    resp.enable_compression()
    raw = await send(resp, [coding])
    assert raw.framing == "length"
    assert raw.header("Content-Encoding") == coding
    assert int(raw.header("Content-Length") or 0) == len(raw.body) < len(BODY)
    assert decode(coding, raw.body) == BODY
    assert raw.header("Content-Type") == "text/plain; charset=utf-8"


async def test_compressed_response_leaves_in_one_write() -> None:
    async with bounded(), response_wire(headers=[("Accept-Encoding", "gzip")]) as wire:
        resp = Response(body=BODY)
        resp.enable_compression()
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert len(wire.writes) == 1
        raw = await wire.response()
    assert resp.content_length == len(raw.body)
    assert gzip.decompress(raw.body) == BODY


async def test_empty_body_is_not_compressed() -> None:
    resp = Response()
    resp.enable_compression()
    raw = await send(resp, ["gzip"])
    assert raw.header("Content-Encoding") is None
    assert raw.header("Content-Length") == "0"


async def test_already_encoded_body_is_not_compressed_again() -> None:
    encoded = gzip.compress(BODY)
    resp = Response(body=encoded, headers={"Content-Encoding": "gzip"})
    resp.enable_compression()
    raw = await send(resp, ["gzip, br, zstd"])
    assert raw.header_values("Content-Encoding") == ["gzip"]
    assert raw.body == encoded


async def test_head_tells_the_compressed_length() -> None:
    get = Response(body=BODY)
    get.enable_compression(ContentCoding.gzip)
    get_raw = await send(get)
    head = Response(body=BODY)
    head.enable_compression(ContentCoding.gzip)
    head_raw = await send(head, method="HEAD")
    assert head_raw.header("Content-Encoding") == "gzip"
    assert head_raw.header("Content-Length") == get_raw.header("Content-Length")
    assert head_raw.body == b""


async def test_payload_body_is_compressed_as_a_stream() -> None:
    resp = Response(body=StringPayload(BODY.decode()))
    resp.enable_compression()
    raw = await send(resp, ["gzip"])
    assert raw.framing == "chunked"
    assert raw.header("Content-Length") is None
    assert raw.header("Content-Encoding") == "gzip"
    assert gzip.decompress(raw.body) == BODY


# --- executor offloading -----------------------------------------------------------------------


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that counts the calls submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
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


@pytest.mark.parametrize(
    ("size", "threshold", "offloaded"),
    [
        (1000, None, 0),
        (web_response.ZLIB_EXECUTOR_SIZE_DEFAULT, None, 0),
        (web_response.ZLIB_EXECUTOR_SIZE_DEFAULT + 1, None, 1),
        (1000, 999, 1),
        (1000, 1000, 0),
    ],
)
async def test_large_bodies_are_compressed_in_the_executor(
    executor: CountingExecutor, size: int, threshold: int | None, offloaded: int
) -> None:
    body = (BODY * (size // len(BODY) + 1))[:size]
    resp = Response(body=body, zlib_executor=executor, zlib_executor_size=threshold)
    resp.enable_compression()
    raw = await send(resp, ["gzip"])
    assert executor.submitted == offloaded
    assert gzip.decompress(raw.body) == body


# --- StreamResponse: compressed as it goes --------------------------------------------------


@pytest.mark.parametrize(
    "coding",
    [
        "gzip",
        "deflate",
        pytest.param("br", marks=needs_brotli),
        pytest.param("zstd", marks=needs_zstd),
    ],
)
async def test_stream_is_compressed_and_chunked(coding: str) -> None:
    resp = StreamResponse()
    resp.enable_compression()
    parts = [BODY[:1000], BODY[1000:5000], BODY[5000:]]
    raw = await send(resp, [coding], body_parts=parts)
    assert raw.framing == "chunked"
    assert raw.header("Content-Encoding") == coding
    assert decode(coding, raw.body) == BODY


async def test_stream_compression_drops_the_content_length() -> None:
    resp = StreamResponse()
    resp.content_length = len(BODY)
    resp.enable_compression(ContentCoding.gzip)
    raw = await send(resp, body_parts=[BODY])
    assert raw.header("Content-Length") is None
    assert raw.framing == "chunked"
    assert gzip.decompress(raw.body) == BODY


async def test_stream_compression_on_http10_ends_with_the_connection() -> None:
    async with bounded(), response_wire(version=HttpVersion10) as wire:
        resp = StreamResponse()
        resp.enable_compression(ContentCoding.gzip)
        await resp.prepare(wire.request)
        await resp.write(BODY)
        await resp.write_eof()
        assert resp.keep_alive is False
        raw = await wire.response()
    assert raw.framing == "close"
    assert gzip.decompress(raw.body) == BODY


async def test_head_stream_with_compression_sends_no_body() -> None:
    resp = StreamResponse()
    resp.enable_compression(ContentCoding.gzip)
    raw = await send(resp, method="HEAD", body_parts=[BODY])
    assert raw.header("Content-Encoding") == "gzip"
    assert raw.body == b""


async def test_stream_with_forced_identity_is_not_compressed() -> None:
    resp = StreamResponse()
    resp.enable_compression(ContentCoding.identity)
    raw = await send(resp, ["gzip"], body_parts=[BODY])
    assert raw.header("Content-Encoding") is None
    assert raw.body == BODY
