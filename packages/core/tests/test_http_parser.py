"""aiohttp.http_parser: heads with their body streams, as aiohttp delivers them."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import brotli  # type: ignore[import-untyped]
import pytest
from backports import zstd
from multidict import CIMultiDict

from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_exceptions import (
    BadHttpMessage,
    ContentEncodingError,
    DecompressSizeError,
    InvalidHeader,
    TransferEncodingError,
)
from aiohttp.http_parser import (
    HeadersParser,
    HttpRequestParser,
    HttpResponseParser,
    RawRequestMessage,
    RawResponseMessage,
)
from aiohttp.streams import EMPTY_PAYLOAD, StreamReader


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


class PayloadFailed(Exception):
    """Stands for the client's ClientPayloadError."""


def _request_parser(**kwargs: object) -> HttpRequestParser:
    loop = asyncio.get_running_loop()
    return HttpRequestParser(BaseProtocol(loop), loop, 2**16, **kwargs)  # type: ignore[arg-type]


def _response_parser(**kwargs: object) -> HttpResponseParser:
    loop = asyncio.get_running_loop()
    return HttpResponseParser(BaseProtocol(loop), loop, 2**16, **kwargs)  # type: ignore[arg-type]


async def test_a_request_without_body_gets_the_empty_payload() -> None:
    parser = _request_parser()
    messages, upgraded, tail = parser.feed_data(b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
    ((message, payload),) = messages
    assert isinstance(message, RawRequestMessage)
    assert message.path == "/x"
    assert payload is EMPTY_PAYLOAD
    assert (upgraded, tail) == (False, b"")


async def test_a_body_arrives_in_its_stream_then_eof() -> None:
    parser = _request_parser()
    messages, _, _ = parser.feed_data(
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello"
    )
    ((_, payload),) = messages
    assert isinstance(payload, StreamReader)
    assert not payload.is_eof()
    assert parser.feed_data(b"world") == ([], False, b"")
    assert payload.is_eof()
    assert await payload.read() == b"helloworld"


async def test_chunk_boundaries_reach_readchunk() -> None:
    parser = _request_parser()
    messages, _, _ = parser.feed_data(
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    ((message, payload),) = messages
    assert message.chunked
    assert await payload.readchunk() == (b"hello", True)
    assert await payload.readchunk() == (b" world", True)
    assert await payload.readchunk() == (b"", False)


async def test_pipelined_requests_each_get_their_stream() -> None:
    parser = _request_parser()
    messages, _, _ = parser.feed_data(
        b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nA"
        b"POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nB"
    )
    assert [message.path for message, _ in messages] == ["/a", "/b"]
    assert [await payload.read() for _, payload in messages] == [b"A", b"B"]


async def test_an_upgrade_returns_the_tail_and_stops_parsing() -> None:
    parser = _request_parser()
    messages, upgraded, tail = parser.feed_data(
        b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        b"\x81\x00"
    )
    assert messages[0][0].upgrade
    assert (upgraded, tail) == (True, b"\x81\x00")
    assert parser.feed_data(b"next") == ([], True, b"next")


async def test_set_upgraded_hands_everything_over() -> None:
    parser = _request_parser()
    parser.set_upgraded(True)
    assert parser.feed_data(b"GET / HTTP/1.1\r\n\r\n") == (
        [],
        True,
        b"GET / HTTP/1.1\r\n\r\n",
    )


async def test_a_bad_head_raises_with_its_status() -> None:
    parser = _request_parser()
    with pytest.raises(InvalidHeader) as info:
        parser.feed_data(b"GET / HTTP/1.1\r\nHost : h\r\n\r\n")
    assert info.value.code == 400
    with pytest.raises(BadHttpMessage):
        parser.feed_data(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")  # the parser is dead


async def test_a_bad_body_fails_its_stream_not_the_feed() -> None:
    parser = _request_parser()
    messages, _, _ = parser.feed_data(
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"
    )
    ((_, payload),) = messages
    assert isinstance(payload.exception(), TransferEncodingError)
    with pytest.raises(TransferEncodingError):
        await payload.read()


async def test_body_errors_are_wrapped_in_the_payload_exception() -> None:
    parser = _response_parser(payload_exception=PayloadFailed)
    messages, _, _ = parser.feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
    )
    ((_, payload),) = messages
    parser.feed_eof()
    error = payload.exception()
    assert isinstance(error, PayloadFailed)
    assert "content length" in str(error)
    assert isinstance(error.__cause__, BadHttpMessage)


async def test_a_response_read_until_the_connection_closes() -> None:
    parser = _response_parser(read_until_eof=True)
    messages, _, _ = parser.feed_data(b"HTTP/1.1 200 OK\r\n\r\nfirst ")
    ((message, payload),) = messages
    assert isinstance(message, RawResponseMessage)
    assert message.should_close
    parser.feed_data(b"second")
    assert parser.feed_eof() is None
    assert await payload.read() == b"first second"


async def test_a_head_response_has_no_body() -> None:
    parser = _response_parser(method="HEAD")
    messages, _, _ = parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n")
    assert messages[0][1] is EMPTY_PAYLOAD


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),  # raw deflate, as some servers send it
        ("br", brotli.compress),
        ("zstd", zstd.compress),
    ],
)
async def test_bodies_are_decompressed(encoding: str, compress: object) -> None:
    original = b"The quick brown fox jumps over the lazy dog. " * 500
    body = compress(original)  # type: ignore[operator]
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n"
    for pieces in ([body], [body[i : i + 7] for i in range(0, len(body), 7)]):
        parser = _response_parser()
        messages, _, _ = parser.feed_data(head.encode())
        ((message, payload),) = messages
        assert message.compression == ("gzip" if encoding == "x-gzip" else encoding)
        for piece in pieces:
            parser.feed_data(piece)
        assert await payload.read() == original


async def test_auto_decompress_off_leaves_the_body_as_sent() -> None:
    body = gzip.compress(b"data")
    parser = _response_parser(auto_decompress=False)
    messages, _, _ = parser.feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
        % len(body)
        + body
    )
    assert await messages[0][1].read() == body


async def test_a_corrupt_compressed_body_is_a_content_encoding_error() -> None:
    parser = _request_parser()
    messages, _, _ = parser.feed_data(
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\n"
        b"notgzip!"
    )
    error = messages[0][1].exception()
    assert isinstance(error, ContentEncodingError)
    assert error.code == 400


async def test_the_decompressed_size_is_limited() -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    parser = _request_parser(max_decompress_size=1_000_000)
    messages, _, _ = parser.feed_data(
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
        % len(bomb)
        + bomb
    )
    error = messages[0][1].exception()
    assert isinstance(error, DecompressSizeError)
    assert error.code == 413


async def test_a_body_needs_a_protocol_for_flow_control() -> None:
    parser = HttpRequestParser(None, asyncio.get_running_loop())
    with pytest.raises(TypeError, match="protocol"):
        parser.feed_data(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx")


async def test_parse_message_and_parse_headers() -> None:
    parser = _request_parser()
    message = parser.parse_message([b"PUT /p HTTP/1.1", b"Host: h", b"X-A: 1"])
    assert (message.method, message.path, message.headers["X-A"]) == ("PUT", "/p", "1")
    headers, raw = parser.parse_headers([b"Content-Type: text/plain", b"", b"ignored"])
    assert headers == CIMultiDict({"Content-Type": "text/plain"})
    assert raw == ((b"Content-Type", b"text/plain"),)
    response = _response_parser().parse_message(
        [b"HTTP/1.0 302 Found", b"Location: /x"]
    )
    assert (response.code, response.headers["Location"]) == (302, "/x")


def test_headers_parser_strict_and_lax() -> None:
    strict = HeadersParser()
    with pytest.raises(InvalidHeader):
        strict.parse_headers([b"X-A: 1", b" folded"])
    headers, _ = HeadersParser(lax=True).parse_headers([b"X-A: 1", b" folded"])
    assert headers["X-A"] == "1 folded"


async def test_complete_requests_before_a_broken_head_are_returned_first() -> None:
    parser = _request_parser()
    good = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
    messages, _, _ = parser.feed_data(good + good + b"BROKEN\r\n\r\n")
    assert [message.path for message, _ in messages] == ["/a", "/a"]
    assert isinstance(parser.pending_error, BadHttpMessage)
    assert parser.pending_error.code == 400
    # The parser is dead: the next call raises the same error.
    with pytest.raises(BadHttpMessage):
        parser.feed_data(good)


async def test_a_broken_head_first_in_the_data_raises_at_once() -> None:
    parser = _request_parser()
    with pytest.raises(BadHttpMessage):
        parser.feed_data(b"BROKEN\r\n\r\n")
    assert parser.pending_error is None


async def test_head_pending_tracks_a_partial_head() -> None:
    parser = _request_parser()
    states = [parser.head_pending]
    parser.feed_data(b"GET / HT")
    states.append(parser.head_pending)
    messages, _, _ = parser.feed_data(b"TP/1.1\r\nHost: x\r\n\r\n")
    assert len(messages) == 1
    states.append(parser.head_pending)
    # A partial body is not a partial head.
    parser.feed_data(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
    states.append(parser.head_pending)
    assert states == [False, True, False, False]


@pytest.mark.parametrize(
    "head",
    [
        b"GET / HTTP/1.1\nHost: x\n\n",
        b"GET / HTTP/1.1\r\nHost: x\n",
        b"GET / HTTP/1.1\n",
    ],
)
async def test_a_bare_lf_in_a_request_head_is_refused_at_once(head: bytes) -> None:
    # Without the CRLF CRLF terminator the head would otherwise wait forever.
    parser = _request_parser()
    with pytest.raises(BadHttpMessage) as info:
        parser.feed_data(head)
    assert info.value.code == 400


async def test_a_crlf_split_across_feeds_is_not_a_bare_lf() -> None:
    parser = _request_parser()
    head = b"GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n\r\n"
    messages = []
    for n in range(len(head)):
        got, _, _ = parser.feed_data(head[n : n + 1])
        messages += got
    assert len(messages) == 1
