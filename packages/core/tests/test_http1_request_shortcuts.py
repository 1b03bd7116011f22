"""The request parser's shortcuts give the answers of its general rules.

``parse_request_head`` skips the Connection, framing and coding checks for
a head that carries none of the fields they read, reuses the URL of a
target it has seen, and ``MessageReader`` parses a lone whole head without
its state machine. Each shortcut must answer as the general path does:
the same message and framing, or the same error.
"""

from __future__ import annotations

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
from aiohttp._http1_reader import MessageReader
from aiohttp.http_exceptions import HttpProcessingError, InvalidURLError

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
    limit = _http1_head._ORIGIN_URLS_MAX
    for i in range(limit * 2 + 3):
        target = f"/item/{i}?q={i}"
        message, _ = parse_request_head(
            f"GET {target} HTTP/1.1\r\nHost: h\r\n".encode(), LIMITS
        )
        assert message.url.path == f"/item/{i}"
        assert message.url.query_string == f"q={i}"
        assert len(_http1_head._ORIGIN_URLS) <= limit
    again, _ = parse_request_head(b"GET /item/7?q=7 HTTP/1.1\r\nHost: h\r\n", LIMITS)
    assert str(again.url) == "/item/7?q=7"


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
