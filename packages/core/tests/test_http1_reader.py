"""The sans-IO HTTP/1 reader, from RFC 9112: heads, framing, pipelining."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from http1_feeding import feed_three_ways, request_reader, response_reader
from multidict import CIMultiDict
from yarl import URL

from aiohttp._http1_head import Limits, RawRequestMessage, RawResponseMessage
from aiohttp._http1_reader import CHUNK_END, END, Head, Switch
from aiohttp._http_version import HttpVersion10, HttpVersion11
from aiohttp.http_exceptions import (
    BadHttpMessage,
    ContentLengthError,
    InvalidHeader,
    LineTooLong,
    TransferEncodingError,
)

BROWSER_GET = (
    b"GET /search?q=aiotide&lang=en HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: session=abc123; theme=dark\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"Sec-Fetch-Dest: document\r\n"
    b"\r\n"
)


def _head(events: Sequence[object], index: int = 0) -> RawRequestMessage:
    event = events[index]
    assert isinstance(event, Head)
    assert isinstance(event.message, RawRequestMessage)
    return event.message


def _has_body(event: object) -> bool:
    assert isinstance(event, Head)
    return event.has_body


def _response(events: Sequence[object], index: int = 0) -> RawResponseMessage:
    event = events[index]
    assert isinstance(event, Head)
    assert isinstance(event.message, RawResponseMessage)
    return event.message


# -- request heads ---------------------------------------------------------------


def test_a_browser_get() -> None:
    events = feed_three_ways(BROWSER_GET)
    assert len(events) == 1
    assert _has_body(events[0]) is False
    message = _head(events)
    assert message.method == "GET"
    assert message.path == "/search?q=aiotide&lang=en"
    assert message.version == HttpVersion11
    assert message.url == URL("/search?q=aiotide&lang=en")
    assert message.url.query["q"] == "aiotide"
    assert message.headers["host"] == "www.example.com"
    assert message.headers["ACCEPT-ENCODING"] == "gzip, deflate, br"
    assert len(message.headers) == 9
    assert message.raw_headers[0] == (b"Host", b"www.example.com")
    assert message.raw_headers[-1] == (b"Sec-Fetch-Dest", b"document")
    assert message.should_close is False
    assert message.compression is None
    assert message.upgrade is False
    assert message.chunked is False


def test_field_values_lose_surrounding_whitespace_only() -> None:
    events = feed_three_ways(
        b"GET / HTTP/1.1\r\nHost: h\r\nX-A: \t a  b \t\r\nX-Empty:\r\nX-B:c\r\n\r\n"
    )
    message = _head(events)
    assert message.headers["X-A"] == "a  b"
    assert message.headers["X-Empty"] == ""
    assert message.headers["X-B"] == "c"
    assert message.raw_headers[1] == (b"X-A", b"a  b")


def test_repeated_fields_keep_their_order() -> None:
    message = _head(
        feed_three_ways(
            b"GET / HTTP/1.1\r\nHost: h\r\nX-Tag: a\r\nx-tag: b\r\nX-TAG: c\r\n\r\n"
        )
    )
    assert message.headers.getall("X-Tag") == ["a", "b", "c"]


def test_non_ascii_values_decode_as_utf8() -> None:
    message = _head(
        feed_three_ways("GET / HTTP/1.1\r\nHost: h\r\nX-Name: Zoë\r\n\r\n".encode())
    )
    assert message.headers["X-Name"] == "Zoë"
    assert message.raw_headers[1] == (b"X-Name", "Zoë".encode())


@pytest.mark.parametrize(
    ("line", "version", "should_close"),
    [
        (b"GET / HTTP/1.1\r\nHost: h\r\n", HttpVersion11, False),
        (b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n", HttpVersion11, True),
        (
            b"GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n",
            HttpVersion11,
            True,
        ),
        (b"GET / HTTP/1.0\r\n", HttpVersion10, True),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n", HttpVersion10, False),
    ],
)
def test_keep_alive_rules(line: bytes, version: object, should_close: bool) -> None:
    message = _head(feed_three_ways(line + b"\r\n"))
    assert message.version == version
    assert message.should_close is should_close


def test_http10_needs_no_host() -> None:
    assert _head(feed_three_ways(b"GET /old HTTP/1.0\r\n\r\n")).path == "/old"


@pytest.mark.parametrize(
    ("target", "method", "url"),
    [
        (
            "/a/b%20c?x=1&y",
            "GET",
            URL.build(path="/a/b%20c", query_string="x=1&y", encoded=True),
        ),
        ("http://example.com:8080/p?q", "GET", URL("http://example.com:8080/p?q")),
        (
            "example.com:443",
            "CONNECT",
            URL.build(authority="example.com:443", encoded=True),
        ),
        ("[::1]:8443", "CONNECT", URL.build(authority="[::1]:8443", encoded=True)),
        ("*", "OPTIONS", URL.build(path="*", encoded=True)),
    ],
)
def test_the_four_request_target_forms(target: str, method: str, url: URL) -> None:
    data = f"{method} {target} HTTP/1.1\r\nHost: example.com\r\n\r\n".encode()
    message = _head(feed_three_ways(data))
    assert message.method == method
    assert message.path == target
    assert message.url == url


def test_extension_methods_are_tokens_too() -> None:
    assert _head(
        feed_three_ways(b"PROPFIND /dav HTTP/1.1\r\nHost: h\r\n\r\n")
    ).method == ("PROPFIND")


def test_empty_lines_before_a_request_are_ignored() -> None:
    message = _head(feed_three_ways(b"\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"))
    assert message.path == "/"


def test_content_encodings_are_named_for_decompression() -> None:
    for value, expected in [
        ("gzip", "gzip"),
        (" GZIP ", "gzip"),
        ("br", "br"),
        ("zstd", "zstd"),
        ("deflate", "deflate"),
        ("compress", None),
    ]:
        data = f"POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: {value}\r\n\r\n"
        assert _head(feed_three_ways(data.encode())).compression == expected


# -- bodies -------------------------------------------------------------------------


def test_content_length_body_then_the_next_request() -> None:
    data = (
        b"POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"
        b"GET /after HTTP/1.1\r\nHost: h\r\n\r\n"
    )
    events = feed_three_ways(data)
    assert events[1:3] == [b"hello world", END]
    assert _head(events, 0).path == "/form"
    assert _head(events, 3).path == "/after"
    assert len(events) == 4


def test_zero_content_length_is_no_body() -> None:
    events = feed_three_ways(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
    assert len(events) == 1
    assert _has_body(events[0]) is False


def test_a_chunked_body_with_extensions_and_trailers() -> None:
    data = (
        b"POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value;flag\r\nhello\r\n"
        b'6 ; quoted="a; b"\r\n world\r\n'
        b"0\r\nExpires: never\r\nX-Check: 1\r\n\r\n"
    )
    events = feed_three_ways(data)
    assert _head(events).chunked is True
    assert events[1:] == [
        b"hello",
        CHUNK_END,
        b" world",
        CHUNK_END,
        END,
    ]


def test_pipelined_chunked_requests() -> None:
    one = b"POST /1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    two = b"POST /2 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
    events = feed_three_ways(one + two)
    heads = [event for event in events if isinstance(event, Head)]
    assert [_head([head]).path for head in heads] == ["/1", "/2"]
    assert [event for event in events if isinstance(event, bytes)] == [b"abc", b"z"]
    assert events.count(END) == 2


def test_chunk_sizes_are_hex_of_any_case_and_length() -> None:
    body = b"x" * 0x1A
    data = (
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"001a\r\n" + body + b"\r\n0000\r\n\r\n"
    )
    assert feed_three_ways(data)[1] == body


def test_websocket_upgrade_hands_over_the_tail() -> None:
    data = (
        b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    reader = request_reader()
    events = reader.feed(data + b"\x81\x05hello")
    assert _head(events).upgrade is True
    assert events[1] == Switch(b"\x81\x05hello")
    assert reader.switched
    assert reader.feed(b"more") == [Switch(b"more")]


def test_an_upgrade_to_an_unknown_protocol_is_an_ordinary_request() -> None:
    data = b"GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n"
    reader = request_reader()
    events = reader.feed(data)
    assert _head(events).upgrade is True
    assert not reader.switched


def test_connect_switches_to_a_tunnel() -> None:
    reader = request_reader()
    events = reader.feed(b"CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n\x16\x03\x01")
    assert events[1:] == [Switch(b"\x16\x03\x01")]


def test_a_body_cut_short_by_eof() -> None:
    reader = request_reader()
    reader.feed(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
    (error,) = reader.feed_eof()
    assert isinstance(error, ContentLengthError)
    assert reader.feed(b"x") == [error]


def test_a_chunked_body_cut_short_by_eof() -> None:
    reader = request_reader()
    reader.feed(
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"
    )
    (error,) = reader.feed_eof()
    assert isinstance(error, TransferEncodingError)


def test_eof_between_messages_is_clean() -> None:
    reader = request_reader()
    reader.feed(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n\r\n")
    assert reader.feed_eof() == []


def test_eof_in_a_head_is_an_error() -> None:
    reader = request_reader()
    assert reader.feed(b"GET / HTTP/1.1\r\nHo") == []
    (error,) = reader.feed_eof()
    assert isinstance(error, BadHttpMessage)


def test_events_before_an_error_are_kept() -> None:
    events = feed_three_ways(
        b"GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\r\nHost : h\r\n\r\n"
    )
    assert _head(events).path == "/ok"
    assert events[1] == (InvalidHeader, 400)


# -- limits -------------------------------------------------------------------------


def test_limits_hold_for_a_complete_head() -> None:
    limits = Limits(max_line_size=20, max_field_size=20, max_headers=2)
    reader = request_reader(limits)
    (error,) = reader.feed(b"GET /" + b"a" * 20 + b" HTTP/1.1\r\n\r\n")
    assert isinstance(error, LineTooLong)
    assert error.code == 414


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GET /" + b"a" * 40, 414),  # the request line alone
        (b"GET / HTTP/1.1\r\nX-Long: " + b"v" * 40, 431),  # one field
        (b"GET / HTTP/1.1\r\n" + b"A: b\r\n" * 5, 431),  # too many fields
    ],
)
def test_limits_hold_before_the_head_is_complete(data: bytes, code: int) -> None:
    limits = Limits(max_line_size=30, max_field_size=30, max_headers=3)
    for pieces in ([data], [data[i : i + 1] for i in range(len(data))]):
        reader = request_reader(limits)
        # The head never ends: only the limit can stop it (and a dead reader
        # repeats its error to every later feed).
        events = [event for piece in pieces for event in reader.feed(piece)]
        assert events, "the limit must stop the head, not wait for its end"
        assert {getattr(event, "code", None) for event in events} == {code}


def test_a_byte_at_a_time_peer_costs_linear_time() -> None:
    # 60 KiB of fields one byte at a time: quadratic rescanning would take
    # minutes; the reader searches each byte a constant number of times.
    head = b"GET / HTTP/1.1\r\nHost: h\r\n" + b"X-Filler: " + b"v" * 60 + b"\r\n"
    data = head + b"X-Filler: v\r\n" * 4000 + b"\r\n"
    reader = request_reader(Limits(max_headers=5000))
    events = [event for i in range(len(data)) for event in reader.feed(data[i : i + 1])]
    assert len(_head(events).headers) == 4002


# -- responses --------------------------------------------------------------------


def test_a_response_with_content_length() -> None:
    events = feed_three_ways(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        response=True,
    )
    message = _response(events)
    assert (message.code, message.reason, message.version) == (200, "OK", HttpVersion11)
    assert message.headers["content-type"] == "text/plain"
    assert events[1:] == [b"hello", END]


def test_sloppy_responses_are_understood() -> None:
    data = (
        b"HTTP/1.1 404\n"  # no reason, bare LF
        b"Content-Length: 3\n"
        b"X-Folded: first\n"
        b"  second\n"
        b"X-Space : tolerated\n"
        b"\n"
        b"abc"
    )
    events = feed_three_ways(data, response=True)
    message = _response(events)
    assert (message.code, message.reason) == (404, "")
    assert message.headers["X-Folded"] == "first second"
    assert message.headers["X-Space"] == "tolerated"
    assert events[1:] == [b"abc", END]


def test_a_response_read_until_close() -> None:
    events = feed_three_ways(
        b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it", response=True, eof=True
    )
    message = _response(events)
    assert message.should_close is True
    assert events[1:] == [b"all of it", END]


@pytest.mark.parametrize(
    ("status", "method"),
    [(b"204 No Content", None), (b"304 Not Modified", None), (b"200 OK", "HEAD")],
)
def test_responses_without_a_body(status: bytes, method: str | None) -> None:
    data = b"HTTP/1.1 " + status + b"\r\nContent-Length: 10\r\n\r\n"
    reader = response_reader(request_method=method)
    events = reader.feed(data + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert [_has_body(event) for event in events] == [False, False]


def test_informational_responses_come_before_the_final_one() -> None:
    events = feed_three_ways(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        response=True,
    )
    assert [_response(events, i).code for i in (0, 1, 2)] == [100, 103, 200]
    assert events[3:] == [b"ok", END]


def test_a_switching_protocols_response_hands_over_the_tail() -> None:
    reader = response_reader()
    events = reader.feed(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x00"
    )
    assert _response(events).upgrade is True
    assert events[1] == Switch(b"\x81\x00")


def test_transfer_encoding_overrides_content_length_in_a_response() -> None:
    events = feed_three_ways(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n",
        response=True,
    )
    assert events[1:] == [b"ok", CHUNK_END, END]


def test_a_response_without_length_and_without_read_until_eof_is_empty() -> None:
    reader = response_reader(read_until_eof=False)
    (head,) = reader.feed(b"HTTP/1.1 200 OK\r\n\r\n")
    assert _has_body(head) is False


def test_lax_chunk_lines_in_a_response() -> None:
    events = feed_three_ways(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
        response=True,
    )
    assert events[1:] == [b"abc", CHUNK_END, END]


def test_identical_content_lengths_in_a_response_are_one() -> None:
    events = feed_three_ways(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
        response=True,
    )
    assert events[1:] == [b"ok", END]


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n",
        b"HTTP/2.0 200 OK\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/1.1 099 Too Low\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n",
    ],
)
def test_responses_that_cannot_be_framed_or_read(data: bytes) -> None:
    events = feed_three_ways(data, response=True)
    assert isinstance(events[-1], tuple)
    assert issubclass(events[-1][0], BadHttpMessage)


def test_headers_are_a_case_insensitive_read_only_multidict() -> None:
    message = _head(feed_three_ways(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
    assert isinstance(message.headers.copy(), CIMultiDict)
    with pytest.raises(TypeError):
        message.headers["Host"] = "other"  # type: ignore[index]


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 200 " + b"O" * 40 + b"\r\n\r\n",  # status line
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"v" * 40 + b"\r\n\r\n",  # one field
        b"HTTP/1.1 200 OK\r\n" + b"A: b\r\n" * 5 + b"\r\n",  # too many fields
    ],
)
def test_limits_hold_for_responses_too(data: bytes) -> None:
    limits = Limits(max_line_size=30, max_field_size=30, max_headers=3)
    events = feed_three_ways(data, response=True, make=lambda: response_reader(limits))
    assert events[-1] in ((LineTooLong, 400), (BadHttpMessage, 400))


def test_a_response_may_not_open_with_a_folded_line() -> None:
    events = feed_three_ways(b"HTTP/1.1 200 OK\r\n  folded\r\n\r\n", response=True)
    assert events == [(InvalidHeader, 400)]


@pytest.mark.parametrize(
    "target", [b"http://example.com:99999/", b"http://[::1/", b"http://exa mple/"]
)
def test_absolute_targets_yarl_refuses_are_bad_requests(target: bytes) -> None:
    events = feed_three_ways(b"GET " + target + b" HTTP/1.1\r\nHost: h\r\n\r\n")
    assert len(events) == 1
    assert events[0][1] == 400  # type: ignore[index]
