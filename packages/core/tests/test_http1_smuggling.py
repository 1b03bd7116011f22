"""Request-smuggling and malformed-framing vectors, from RFC 9112 sections 2-7.

Each request is rejected with the status the RFCs call for, fed whole, one
byte at a time and with trailing bytes; and none of them yields a second
request, since the framing of a rejected message cannot be trusted.
"""

from __future__ import annotations

import pytest
from http1_feeding import feed_three_ways

from aiohttp._http1_reader import Head
from aiohttp.http_exceptions import HttpProcessingError

H = b"Host: example.com\r\n"
SMUGGLED = b"GET /admin HTTP/1.1\r\n" + H + b"\r\n"


def _req(head: bytes, body: bytes = b"") -> bytes:
    return head + b"\r\n" + body


VECTORS: list[tuple[str, bytes, int]] = [
    # -- the request line (RFC 9112 section 3) ------------------------------------------
    ("lowercase protocol name", _req(b"GET / http/1.1\r\n" + H), 400),
    ("HTTP/2.0 in HTTP/1 syntax", _req(b"GET / HTTP/2.0\r\n" + H), 505),
    ("HTTP/1.2", _req(b"GET / HTTP/1.2\r\n" + H), 505),
    ("HTTP/0.9 request line", b"GET /\r\n\r\n", 400),
    ("two-digit minor version", _req(b"GET / HTTP/1.10\r\n" + H), 400),
    ("double space after method", _req(b"GET  / HTTP/1.1\r\n" + H), 400),
    ("space after version", _req(b"GET / HTTP/1.1 \r\n" + H), 400),
    ("tab as separator", _req(b"GET\t/ HTTP/1.1\r\n" + H), 400),
    ("method with a non-token char", _req(b"G@T / HTTP/1.1\r\n" + H), 400),
    ("empty method", _req(b" / HTTP/1.1\r\n" + H), 400),
    ("space inside the target", _req(b"GET /a b HTTP/1.1\r\n" + H), 400),
    ("fragment in the target", _req(b"GET /a#frag HTTP/1.1\r\n" + H), 400),
    ("control character in the target", _req(b"GET /a\x01 HTTP/1.1\r\n" + H), 400),
    ("raw UTF-8 in the target", _req("GET /é HTTP/1.1\r\n".encode() + H), 400),
    ("bad percent-encoding", _req(b"GET /%zz HTTP/1.1\r\n" + H), 400),
    ("truncated percent-encoding", _req(b"GET /a%2 HTTP/1.1\r\n" + H), 400),
    ("CONNECT with an origin-form target", _req(b"CONNECT / HTTP/1.1\r\n" + H), 400),
    ("CONNECT without a port", _req(b"CONNECT example.com HTTP/1.1\r\n" + H), 400),
    ("asterisk form outside OPTIONS", _req(b"GET * HTTP/1.1\r\n" + H), 400),
    ("relative target", _req(b"GET index.html HTTP/1.1\r\n" + H), 400),
    ("request line ending in bare LF", b"GET / HTTP/1.1\n" + H + b"\r\n", 400),
    ("request line ending in bare CR", b"GET / HTTP/1.1\r" + H + b"\r\n", 400),
    ("request line too long", _req(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H), 414),
    # -- field lines (RFC 9112 section 5, RFC 9110 section 5) ----------------------------
    ("space before the colon", _req(b"GET / HTTP/1.1\r\nHost : example.com\r\n"), 400),
    ("tab before the colon", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A\t: b\r\n"), 400),
    ("obs-fold", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: b\r\n c\r\n"), 400),
    ("field line starting with whitespace", _req(b"GET / HTTP/1.1\r\n " + H), 400),
    ("non-token field name", _req(b"GET / HTTP/1.1\r\n" + H + b"X(A): b\r\n"), 400),
    ("empty field name", _req(b"GET / HTTP/1.1\r\n" + H + b": b\r\n"), 400),
    ("field line without a colon", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A b\r\n"), 400),
    ("NUL in a value", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n"), 400),
    (
        "control character in a value",
        _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: a\x01b\r\n"),
        400,
    ),
    ("DEL in a value", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: a\x7fb\r\n"), 400),
    ("bare CR in a value", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: a\rb\r\n"), 400),
    (
        "bare LF between fields",
        _req(b"GET / HTTP/1.1\r\n" + b"Host: example.com\nX-A: b\r\n"),
        400,
    ),
    ("non-ASCII field name", _req("GET / HTTP/1.1\r\nX-Ä: b\r\n".encode() + H), 400),
    (
        "field line too long",
        _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: " + b"v" * 9000 + b"\r\n"),
        431,
    ),
    ("too many fields", _req(b"GET / HTTP/1.1\r\n" + H + b"X-A: b\r\n" * 200), 431),
    # -- Host (RFC 9112 section 3.2) -----------------------------------------------------
    ("HTTP/1.1 without Host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("two Host fields", _req(b"GET / HTTP/1.1\r\n" + H + H), 400),
    ("Host with a space", _req(b"GET / HTTP/1.1\r\nHost: exa mple.com\r\n"), 400),
    ("Host with userinfo", _req(b"GET / HTTP/1.1\r\nHost: user@example.com\r\n"), 400),
    ("Host with a bad port", _req(b"GET / HTTP/1.1\r\nHost: example.com:80x\r\n"), 400),
    ("Host with a path", _req(b"GET / HTTP/1.1\r\nHost: example.com/evil\r\n"), 400),
    # -- Content-Length (RFC 9112 section 6.3, RFC 9110 section 8.6) --------------------
    (
        "Content-Length with a plus sign",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length: +5\r\n", b"hello"),
        400,
    ),
    (
        "negative Content-Length",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n"),
        400,
    ),
    (
        "Content-Length with inner space",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 1 0\r\n"),
        400,
    ),
    (
        "hexadecimal Content-Length",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 0x5\r\n"),
        400,
    ),
    (
        "empty Content-Length",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length:\r\n"),
        400,
    ),
    (
        "non-ASCII digits in Content-Length",
        _req(b"POST / HTTP/1.1\r\n" + H + "Content-Length: ٣\r\n".encode()),
        400,
    ),
    (
        "Content-Length repeated with one value",
        _req(
            b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 5\r\n",
            b"hello",
        ),
        400,
    ),
    (
        "Content-Length as a list",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5, 5\r\n", b"hello"),
        400,
    ),
    (
        "conflicting Content-Lengths",
        _req(
            b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 39\r\n",
            b"hello" + SMUGGLED,
        ),
        400,
    ),
    (
        "Content-Length overflow",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 99999999999999999999\r\n"),
        413,
    ),
    (
        "Content-Length and Transfer-Encoding",
        _req(
            b"POST / HTTP/1.1\r\n"
            + H
            + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            b"0\r\n\r\n" + SMUGGLED,
        ),
        400,
    ),
    (
        "Transfer-Encoding and Content-Length",
        _req(
            b"POST / HTTP/1.1\r\n"
            + H
            + b"Transfer-Encoding: chunked\r\nContent-Length: 30\r\n",
            b"0\r\n\r\n" + SMUGGLED,
        ),
        400,
    ),
    # -- Transfer-Encoding (RFC 9112 sections 6.1, 7) ------------------------------------
    (
        "chunked not last",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked, gzip\r\n"),
        400,
    ),
    (
        "unsupported coding before chunked",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip, chunked\r\n"),
        501,
    ),
    (
        "chunked twice",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked, chunked\r\n"),
        400,
    ),
    (
        "chunked in two fields",
        _req(
            b"POST / HTTP/1.1\r\n"
            + H
            + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"
        ),
        400,
    ),
    (
        "a look-alike of chunked",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: xchunked\r\n"),
        400,
    ),
    (
        "chunked with a parameter",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked;q=1\r\n"),
        400,
    ),
    (
        "identity transfer coding",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: identity\r\n"),
        400,
    ),
    (
        "empty Transfer-Encoding",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding:\r\n"),
        400,
    ),
    (
        "empty coding before chunked",
        _req(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: , chunked\r\n"),
        400,
    ),
    (
        "Transfer-Encoding in HTTP/1.0",
        _req(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"),
        400,
    ),
    (
        "CONNECT with a body",
        _req(
            b"CONNECT example.com:443 HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n",
            b"hello",
        ),
        400,
    ),
]

CHUNKED = b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n"

BODY_VECTORS: list[tuple[str, bytes, int]] = [
    # -- the chunked coding (RFC 9112 section 7.1) ---------------------------------------
    ("chunk size with a plus sign", CHUNKED + b"+5\r\nhello\r\n0\r\n\r\n", 400),
    ("chunk size with 0x", CHUNKED + b"0x5\r\nhello\r\n0\r\n\r\n", 400),
    ("empty chunk size", CHUNKED + b"\r\nhello\r\n0\r\n\r\n", 400),
    ("chunk size with leading space", CHUNKED + b" 5\r\nhello\r\n0\r\n\r\n", 400),
    (
        "chunk size with trailing space and no extension",
        CHUNKED + b"5 \r\nhello\r\n0\r\n\r\n",
        400,
    ),
    ("non-hex chunk size", CHUNKED + b"g\r\nhello\r\n0\r\n\r\n", 400),
    ("chunk size overflow", CHUNKED + b"fffffffffffffffff\r\nhello\r\n0\r\n\r\n", 413),
    (
        "chunk data longer than its size",
        CHUNKED + b"3\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
        400,
    ),
    ("chunk size line ending in bare LF", CHUNKED + b"5\nhello\r\n0\r\n\r\n", 400),
    ("chunk data ending in bare LF", CHUNKED + b"5\r\nhello\n0\r\n\r\n", 400),
    ("last chunk ending in bare LF", CHUNKED + b"5\r\nhello\r\n0\n\r\n", 400),
    ("malformed chunk extension", CHUNKED + b"5;=x\r\nhello\r\n0\r\n\r\n", 400),
    (
        "chunk extension with a bare CR",
        CHUNKED + b"5;a=b\rc\r\nhello\r\n0\r\n\r\n",
        400,
    ),
    (
        "chunk extensions too long in total",
        CHUNKED + (b"1;" + b"e" * 4000 + b"\r\nx\r\n") * 5,
        400,
    ),
    (
        "chunk size line too long",
        CHUNKED + b"1;a=" + b"b" * 9000 + b"\r\nx\r\n0\r\n\r\n",
        400,
    ),
    ("obs-fold in a trailer", CHUNKED + b"0\r\nX-T: a\r\n b\r\n\r\n", 400),
    ("space before a trailer's colon", CHUNKED + b"0\r\nX-T : a\r\n\r\n", 400),
    ("bare LF in the trailers", CHUNKED + b"0\r\nX-T: a\nX-U: b\r\n\r\n", 400),
]


def _rejection(event: object) -> int:
    """The status of a normalized error event (``(type, code)``)."""
    assert isinstance(event, tuple)
    error_type, status = event
    assert issubclass(error_type, HttpProcessingError)
    assert isinstance(status, int)
    return status


@pytest.mark.parametrize(("name", "data", "code"), VECTORS, ids=[v[0] for v in VECTORS])
def test_a_malformed_head_is_rejected(name: str, data: bytes, code: int) -> None:
    events = feed_three_ways(data)
    assert events, f"{name}: not rejected"
    assert _rejection(events[-1]) == code
    assert not any(isinstance(event, Head) for event in events), "a request got through"


@pytest.mark.parametrize(
    ("name", "data", "code"), BODY_VECTORS, ids=[v[0] for v in BODY_VECTORS]
)
def test_a_malformed_chunked_body_is_rejected(
    name: str, data: bytes, code: int
) -> None:
    events = feed_three_ways(data)
    heads = [event for event in events if isinstance(event, Head)]
    assert len(heads) == 1, "the framing says one message; nothing may follow it"
    assert _rejection(events[-1]) == code, name


def test_the_corpus_is_large_enough() -> None:
    assert len(VECTORS) + len(BODY_VECTORS) >= 60
