"""The request parser's shortcuts give the answers of its general rules.

``parse_request_head`` skips the Connection, framing and coding checks for
a head that carries none of the fields they read, reuses what parsing a
recent request line or field section gave (checking each server's limits
again) and remembers the Host values it found valid, and
``MessageReader`` parses a lone whole head without its state machine;
``HttpRequestParser.feed_head`` gives a server the message of such a head
without ``feed_data``'s event loop. Each shortcut must answer as the
general path does: the same message and framing (and body), or the same
error.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp import _http1_head
from aiohttp._http1_head import (
    Framing,
    Limits,
    RawRequestMessage,
    _compression,
    _connection,
    _request_framing,
    parse_request_head,
)
from aiohttp._http1_reader import END, MessageReader, Switch
from aiohttp._http_version import HttpVersion10
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_exceptions import (
    BadHttpMessage,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
)
from aiohttp.http_parser import HttpRequestParser
from aiohttp.streams import EMPTY_PAYLOAD, StreamReader

LIMITS = Limits()

names = st.sampled_from(
    [
        b"Host",
        b"X-Connection",
        b"Connection-Id",
        b"connection",
        b"CONNECTION",
        b"Upgrade",
        b"Content-Length",
        b"content-lengthy",
        b"Transfer-Encoding",
        b"Content-Encoding",
        b"Content-Type",
        b"Accept",
    ]
)
values = st.sampled_from(
    [
        *(b"", b"close", b"keep-alive", b"upgrade", b"websocket", b"5", b"0"),
        *(b"gzip", b"chunked", b"x-gzip", b"Keep-Alive, Upgrade", b"*/*"),
    ]
)
fields = st.lists(
    st.tuples(names, st.sampled_from([b":", b": ", b":\t"]), values), max_size=5
)
starts = st.sampled_from(
    [
        b"GET / HTTP/1.1",
        b"GET /a?b=c HTTP/1.0",
        b"POST /form HTTP/1.1",
        b"HEAD / HTTP/1.1",
        b"CONNECT example.com:443 HTTP/1.1",
        b"OPTIONS * HTTP/1.1",
    ]
)


def general_rules(message: RawRequestMessage) -> tuple[object, ...]:
    """What the checks the shortcut skips say about ``message``'s head."""
    headers = message.headers
    should_close, upgrade = _connection(headers, message.version)
    framing = _request_framing(headers, message.version, message.method)
    return should_close, upgrade, _compression(headers), framing.chunked, framing


def outcome(head: bytes) -> tuple[object, ...] | str:
    try:
        message, framing = parse_request_head(head, LIMITS)
    except HttpProcessingError as exc:
        return f"{type(exc).__name__}: {exc}"
    return message, framing


@settings(max_examples=1500, deadline=None)
@given(starts, fields, st.booleans())
def test_the_shortcut_agrees_with_the_general_rules(
    start: bytes, lines: list[tuple[bytes, bytes, bytes]], with_host: bool
) -> None:
    block = b"".join(name + sep + value + b"\r\n" for name, sep, value in lines)
    head = start + b"\r\n" + (b"Host: h\r\n" if with_host else b"") + block
    result = outcome(head)
    if isinstance(result, str):
        return  # refused: the general path raises the same (no shortcut ran)
    message, framing = result
    assert isinstance(message, RawRequestMessage)
    assert isinstance(framing, Framing)
    should_close, upgrade, compression, chunked, general = general_rules(message)
    assert message.should_close == should_close
    assert message.upgrade == upgrade
    assert message.compression == compression
    assert message.chunked == chunked
    if not framing.switch:
        assert framing == general


def test_a_head_without_framing_fields_keeps_alive_by_version() -> None:
    eleven, _ = parse_request_head(b"GET / HTTP/1.1\r\nHost: h\r\n", LIMITS)
    ten, _ = parse_request_head(b"GET / HTTP/1.0\r\n", LIMITS)
    assert (eleven.should_close, ten.should_close) == (False, True)
    assert eleven.compression is None
    assert not eleven.upgrade
    assert not eleven.chunked


def test_a_cached_target_still_refuses_connect() -> None:
    # GET caches the URL of "/x"; CONNECT needs host:port and must not get it.
    parse_request_head(b"GET /x HTTP/1.1\r\nHost: h\r\n", LIMITS)
    with pytest.raises(InvalidURLError):
        parse_request_head(b"CONNECT /x HTTP/1.1\r\nHost: h\r\n", LIMITS)


def test_the_url_cache_stays_bounded_and_right() -> None:
    limit = _http1_head._REQUEST_LINES_MAX
    for i in range(limit * 2 + 3):
        target = f"/item/{i}?q={i}"
        message, _ = parse_request_head(
            f"GET {target} HTTP/1.1\r\nHost: h\r\n".encode(), LIMITS
        )
        assert message.url.path == f"/item/{i}"
        assert message.url.query_string == f"q={i}"
        assert len(_http1_head._REQUEST_LINES) <= limit
    again, _ = parse_request_head(b"GET /item/7?q=7 HTTP/1.1\r\nHost: h\r\n", LIMITS)
    assert str(again.url) == "/item/7?q=7"


def test_a_remembered_request_line_still_answers_to_each_servers_limit() -> None:
    head = b"GET /" + b"p" * 40 + b" HTTP/1.1\r\nHost: h\r\n"
    assert parse_request_head(head, LIMITS)[0].path == "/" + "p" * 40
    with pytest.raises(LineTooLong) as long_line:
        parse_request_head(head, Limits(max_line_size=20))
    assert long_line.value.code == 414
    # The same target in another method or version is another line.
    ten, _ = parse_request_head(head.replace(b"1.1", b"1.0"), LIMITS)
    post, _ = parse_request_head(head.replace(b"GET", b"POST"), LIMITS)
    assert (ten.version, ten.method, post.method) == (HttpVersion10, "GET", "POST")


def test_a_remembered_field_section_still_answers_to_each_servers_limits() -> None:
    head = b"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Long: " + b"v" * 60 + b"\r\n"
    first, _ = parse_request_head(head, LIMITS)
    again, _ = parse_request_head(head, LIMITS)
    assert again.headers == first.headers
    assert again.raw_headers == first.raw_headers
    # The same bytes under a stricter server: its limits hold.
    with pytest.raises(BadHttpMessage, match="Too many header fields") as many:
        parse_request_head(head, Limits(max_headers=2))
    assert many.value.code == 431
    with pytest.raises(LineTooLong) as long_line:
        parse_request_head(head, Limits(max_field_size=40))
    assert long_line.value.code == 431
    assert parse_request_head(head, LIMITS)[0].headers["X-Long"] == "v" * 60


def test_a_remembered_field_section_is_read_only() -> None:
    head = b"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
    first, _ = parse_request_head(head, LIMITS)
    again, _ = parse_request_head(head, LIMITS)
    with pytest.raises(TypeError):
        again.headers["Accept"] = "text/html"  # type: ignore[index]
    assert first.headers["Accept"] == "*/*"
    assert isinstance(again.raw_headers, tuple)


def test_remembered_field_sections_stay_bounded() -> None:
    limit = _http1_head._PARSED_SECTIONS_MAX
    for i in range(limit * 2 + 3):
        head = f"GET / HTTP/1.1\r\nHost: h\r\nX-Id: {i}\r\n".encode()
        message, _ = parse_request_head(head, LIMITS)
        assert message.headers["X-Id"] == str(i)
        assert len(_http1_head._PARSED_SECTIONS) <= limit
    big = b"X-Big: " + b"b" * _http1_head._PARSED_SECTION_MAX_SIZE + b"\r\n"
    parse_request_head(b"GET / HTTP/1.1\r\nHost: h\r\n" + big, LIMITS)
    assert all(
        len(section) <= _http1_head._PARSED_SECTION_MAX_SIZE
        for section in _http1_head._PARSED_SECTIONS
    )


heads = st.sampled_from(
    [
        b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\nBad Field\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        b"\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",
        b"GET",
    ]
)


def events_of(feeds: list[bytes]) -> list[str]:
    reader = MessageReader(parse_request_head, LIMITS, lax=False)
    seen = [repr(event) for data in feeds for event in reader.feed(data)]
    return [*seen, f"state={reader.head_pending},{reader.switched}"]


@settings(max_examples=300, deadline=None)
@given(heads, st.integers(0, 80))
def test_a_lone_head_reads_as_the_same_head_in_pieces(data: bytes, cut: int) -> None:
    # Fed whole, a lone head takes the shortcut; in two pieces, it cannot.
    cut = min(cut, len(data))
    pieces = [data[:cut], data[cut:]] if 0 < cut < len(data) else [data]
    assert events_of([data]) == events_of(pieces)


# -- the parser's lane for a lone head ----------------------------------------

pieces = st.sampled_from(
    [
        b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET /a HTTP/1.0\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST /z HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
        b"Content-Encoding: gzip\r\n\r\n",
        b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        b"GET /u HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: tcp\r\n"
        b"Content-Length: 2\r\n\r\n",
        b"CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\nBad Field\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
        b"\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: h\r\n\r\nab",
        b"GET / HTTP/1.1\r\n",
        b"Host: h\r\n\r\n",
        b"abc",
        b"3\r\nabc\r\n0\r\n\r\n",
    ]
)


def parsed(feeds: list[bytes], *, lane: bool) -> tuple[list[str], int]:
    """What a request parser makes of ``feeds``; and how often the lane took one.

    With ``lane``, each piece is offered to ``feed_head`` first, as the
    server does, and goes to ``feed_data`` only when the lane declines.
    """
    loop = asyncio.new_event_loop()
    try:
        parser = HttpRequestParser(BaseProtocol(loop), loop, 2**16)
        seen: list[str] = []
        payloads: list[StreamReader] = []
        taken = 0
        for data in feeds:
            try:
                item = parser.feed_head(data) if lane else None
                if item is None:
                    messages, upgraded, tail = parser.feed_data(data)
                else:
                    taken += 1
                    messages, upgraded, tail = [item], False, b""
            except HttpProcessingError as exc:
                seen.append(f"{type(exc).__name__}: {exc}")
                continue
            seen.append(f"upgraded={upgraded} tail={tail!r}")
            for message, payload in messages:
                seen.append(repr(message))
                if payload is not EMPTY_PAYLOAD:
                    payloads.append(payload)
        for payload in payloads:
            error = payload.exception()
            body = payload.read_nowait(-1) if error is None else repr(error)
            seen.append(f"body={body!r} eof={payload.is_eof()}")
        return seen, taken
    finally:
        loop.close()


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=4))
def test_the_lane_reads_as_feed_data_does(feeds: list[bytes]) -> None:
    through_lane, _ = parsed(feeds, lane=True)
    general, _ = parsed(feeds, lane=False)
    assert through_lane == general


@pytest.mark.parametrize(
    ("data", "expected_path"),
    [
        (b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n", "/x"),
        (b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n", "/p"),
        (b"POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", "/c"),
    ],
)
def test_the_lane_takes_a_lone_head(data: bytes, expected_path: str) -> None:
    seen, taken = parsed([data], lane=True)
    assert taken == 1
    assert f"path='{expected_path}'" in seen[1]


@pytest.mark.parametrize(
    "feeds",
    [
        # A head that switches protocols: feed_data reads it (and its tail).
        [
            b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        ],
        [b"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"],
        [b"GET / HTTP/1.1\r\n", b"Host: h\r\n\r\n"],
        # While a body is read, the next piece is body, not a head.
        [
            b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 30\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        ],
    ],
)
def test_the_lane_declines_anything_else(feeds: list[bytes]) -> None:
    seen, taken = parsed(feeds, lane=True)
    assert taken == (1 if b"Content-Length: 30" in feeds[0] else 0)
    assert seen == parsed(feeds, lane=False)[0]


_UPGRADE = (
    b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
)


def counting_reader() -> tuple[MessageReader, list[bytes]]:
    """A request reader that records every head it parses."""
    parsed_heads: list[bytes] = []

    def parse(head: bytes, limits: Limits) -> tuple[RawRequestMessage, Framing]:
        parsed_heads.append(head)
        return parse_request_head(head, limits)

    return MessageReader(parse, LIMITS, lax=False), parsed_heads


@pytest.mark.parametrize("lane", [True, False])
def test_a_switching_head_is_parsed_once(lane: bool) -> None:
    # The server offers a head to feed_head() and, declined, to feed().
    reader, parsed_heads = counting_reader()
    if lane:
        assert reader.feed_head(_UPGRADE) is None
    events = reader.feed(_UPGRADE)
    assert [type(event).__name__ for event in events] == ["Head"]
    assert events[0].message.path == "/ws"  # type: ignore[union-attr]
    assert reader.switched
    assert parsed_heads == [_UPGRADE[:-2]]
    assert reader.feed(b"frame") == [Switch(b"frame")]


def test_a_declined_head_is_not_taken_for_other_bytes() -> None:
    reader, parsed_heads = counting_reader()
    assert reader.feed_head(_UPGRADE) is None
    # Different bytes next: they are read for themselves.
    events = reader.feed(b"GET /other HTTP/1.1\r\nHost: h\r\n\r\n")
    assert events[0].message.path == "/other"  # type: ignore[union-attr]
    assert not reader.switched
    assert len(parsed_heads) == 2


def test_a_declined_head_is_not_reused_once_the_stream_moved_on() -> None:
    reader, _ = counting_reader()
    assert reader.feed_head(_UPGRADE) is None
    post = reader.feed_head(b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n")
    assert post is not None
    # Now the same bytes come where the body is: they are body, not a head
    # (and what follows the body is no request line).
    body, end, error = reader.feed(_UPGRADE)
    assert (body, end) == (b"GET", END)
    assert isinstance(error, HttpProcessingError)
    assert not reader.switched


def test_a_broken_lone_head_fails_the_parser_for_good() -> None:
    loop = asyncio.new_event_loop()
    try:
        parser = HttpRequestParser(BaseProtocol(loop), loop, 2**16)
        with pytest.raises(InvalidHeader):
            parser.feed_head(b"GET / HTTP/1.1\r\nHost: h\r\nBad Field\r\n\r\n")
        # Nothing after a broken head is read as a request.
        assert parser.feed_head(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n") is None
        with pytest.raises(InvalidHeader):
            parser.feed_data(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    finally:
        loop.close()


# -- the field-line pattern ----------------------------------------------------

_TCHAR = frozenset(
    b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_FIELD_VCHAR = frozenset(range(0x21, 0x7F)) | frozenset(range(0x80, 0x100))


def field_line_by_the_grammar(line: bytes) -> tuple[bytes, bytes] | None:
    """RFC 9110 5.5 / RFC 9112 5: ``token ":" OWS field-value OWS``, or None."""
    name, colon, rest = line.partition(b":")
    if not colon or not name or not set(name) <= _TCHAR:
        return None
    value = rest.strip(b" \t")
    if not set(value) <= _FIELD_VCHAR | {0x20, 0x09}:
        return None
    return name, value


# One line: an LF would start the next one (the parser counts lines apart).
line_bytes = st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")) | st.lists(
    st.sampled_from(
        [
            b"a",
            b"Z",
            b"-",
            b":",
            b" ",
            b"\t",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xff",
            b"\r",
            b'"',
            b"(",
        ]
    ),
    max_size=14,
).map(b"".join)


@settings(max_examples=3000, deadline=None)
@given(line_bytes)
def test_the_field_line_pattern_is_the_grammar(line: bytes) -> None:
    found = _http1_head._FIELD_LINE.findall(b"\n" + line + b"\r\n")
    expected = field_line_by_the_grammar(line)
    assert found == ([] if expected is None else [expected])


def test_a_remembered_host_still_needs_to_be_the_only_one() -> None:
    good = b"GET / HTTP/1.1\r\nHost: example.com\r\n"
    parse_request_head(good, LIMITS)
    assert "example.com" in _http1_head._VALID_HOSTS
    with pytest.raises(HttpProcessingError, match="repeated"):
        parse_request_head(good + b"Host: example.com\r\n", LIMITS)
    with pytest.raises(HttpProcessingError, match="Missing Host"):
        parse_request_head(b"GET / HTTP/1.1\r\nX: example.com\r\n", LIMITS)
    with pytest.raises(HttpProcessingError, match="Invalid Host"):
        parse_request_head(b"GET / HTTP/1.1\r\nHost: exa mple.com\r\n", LIMITS)


def test_the_host_memory_stays_bounded() -> None:
    limit = _http1_head._VALID_HOSTS_MAX
    for i in range(limit * 2 + 3):
        parse_request_head(f"GET / HTTP/1.1\r\nHost: h{i}\r\n".encode(), LIMITS)
        assert len(_http1_head._VALID_HOSTS) <= limit
