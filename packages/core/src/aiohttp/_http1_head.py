"""Parse the head of an HTTP/1.x message and decide how its body is framed.

Sans-IO: these functions take the bytes of a complete head (start line and
field lines, without the blank line that ends it) and return the message
plus its body framing, or raise an ``http_exceptions`` error carrying the
status to answer with.

Requests are parsed strictly (RFC 9112): a field line is ``token ":" OWS
value OWS`` ending in CRLF and nothing else, so obs-fold, whitespace
before the colon, bare CR or LF and control characters are rejected, as
are the framing ambiguities request smuggling relies on (section 6.3).
Responses are parsed leniently, the way real servers send them (LF-only
lines, obs-fold, a missing reason phrase), but never at the cost of
misframing a body.

Speed: a typical request head is validated and split into fields by one
regular-expression pass over the whole field block, not by a Python loop
over its characters (about 4 microseconds for a browser's dozen fields).
Clients repeat themselves, so recent request lines and field sections are
kept with what parsing them gave, and a repeated one costs a lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final, NamedTuple

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import hdrs
from ._http_chars import TOKEN_PATTERN
from ._http_version import HttpVersion, HttpVersion10, HttpVersion11
from .http_exceptions import (
    BadHttpMessage,
    BadHttpMethod,
    BadStatusLine,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
    TransferEncodingError,
)

RawHeaders = tuple[tuple[bytes, bytes], ...]

#: The largest body length we accept (what a signed 64-bit size can hold).
MAX_BODY_LENGTH: Final = 2**63 - 1

_TOKEN = TOKEN_PATTERN.encode()
# A field value: no leading or trailing whitespace, visible characters,
# obs-text, and spaces or tabs between them (RFC 9110 section 5.5). Written
# as "anything allowed, ending visibly, or nothing": the regex engine
# backtracks one character at most, where a leading visible character
# would cost a branch, and an empty alternative costs less than "?".
_VALUE = rb"(?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff]|)"
# One strict field line, matched from the LF that ends the line before it
# (see _parse_led_fields): each match starts at an LF followed by a token
# and ends at a CR that an LF follows, so "every line matched" is "as many
# matches as lines", and a line starting with whitespace, a bare CR or a
# bare LF cannot match.
_FIELD_LINE = re.compile(
    rb"\n(" + _TOKEN + rb"):[\t ]*(" + _VALUE + rb")[\t ]*\r(?=\n)"
)
_TOKEN_BYTES = re.compile(_TOKEN)
# One ordinary response field line, led by the LF before it (as _FIELD_LINE):
# "name [OWS] : OWS value OWS [CR]" with a value free of CR, LF and NUL.
# What parse_fields_lax accepts without obs-fold; a line it does not match
# goes to the general parser, which accepts or refuses it the same way.
_LAX_FIELD_LINE = re.compile(
    rb"\n("
    + _TOKEN
    + rb")[ \t]*:[ \t]*((?:[^\r\n\x00 \t](?:[^\r\n\x00]*[^\r\n\x00 \t])?)?)"
    + rb"[ \t]*\r?(?=\n|\Z)"
)
# The target admits visible ASCII but "#": a fragment has no business in a
# request. Matched on the line decoded as Latin-1, so the groups are str.
_REQUEST_LINE = re.compile(
    r"(" + _TOKEN.decode() + r") ([\x21\x22\x24-\x7e]+) HTTP/(\d\.\d)"
)
_VERSIONS: Final = {"1.1": HttpVersion11, "1.0": HttpVersion10}
_METHOD_THEN_SPACE = re.compile(_TOKEN + rb" ")
_STATUS_LINE = re.compile(rb"HTTP/(\d)\.(\d) (\d\d\d)(?:[ \t](.*))?")
_DIGITS = re.compile(r"[0-9]+")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_AUTHORITY = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+):[0-9]+")
_HOST = re.compile(
    r"(?:\[[0-9A-Fa-f:.vV]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?"
)

# Recent request lines with origin-form targets, parsed: building the URL
# alone costs more than parsing the rest of a small head, and clients send
# the same lines again and again. What a line gives is immutable (strings,
# a version, a URL), so sharing it is safe; the dict is emptied when full,
# which bounds it whatever the lines.
_RequestLine = tuple[str, str, HttpVersion, URL]
_REQUEST_LINES: Final[dict[bytes, _RequestLine]] = {}
_REQUEST_LINES_MAX: Final = 512
# Host values found valid: a server hears the same few names all day.
_VALID_HOSTS: Final[set[str]] = set()
_VALID_HOSTS_MAX: Final = 256

# Field sections parsed lately, with their line counts: a client sends the
# same fields again and again (its Host, User-Agent, Accept, cookies), and
# parsing them is most of the cost of a small head. The parse depends on the
# bytes alone and gives immutable things (a read-only proxy, a tuple of
# bytes), so requests may share it; the limits, which differ by server, are
# checked on every request. Emptied when full; large sections are not kept.
_ParsedSection = tuple[CIMultiDictProxy[str], RawHeaders, int]
_PARSED_SECTIONS: Final[dict[bytes, _ParsedSection]] = {}
_PARSED_SECTIONS_MAX: Final = 256
_PARSED_SECTION_MAX_SIZE: Final = 2048

# A NamedTuple's own constructor is Python code; tuple.__new__ builds the
# same object in C, three times faster on the path every request takes.
_new_tuple: Final = tuple.__new__

_SUPPORTED_ENCODINGS: Final = frozenset({"gzip", "deflate", "br", "zstd", "x-gzip"})
_UPGRADABLE: Final = frozenset({"websocket", "tcp"})


class RawRequestMessage(NamedTuple):
    """A request head as the parser delivers it (aiohttp's public shape)."""

    method: str
    path: str
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    should_close: bool
    compression: str | None
    upgrade: bool
    chunked: bool
    url: URL


class RawResponseMessage(NamedTuple):
    """A response head as the parser delivers it (aiohttp's public shape)."""

    version: HttpVersion
    code: int
    reason: str
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    should_close: bool
    compression: str | None
    upgrade: bool
    chunked: bool


@dataclass(frozen=True, slots=True)
class Limits:
    """The size limits of one connection's parser (aiohttp's names)."""

    max_line_size: int = 8190
    max_field_size: int = 8190
    max_headers: int = 128


class Framing(NamedTuple):
    """How the body after a head is delimited (RFC 9112 section 6.3).

    ``length`` is the Content-Length (0 for no body); ``chunked`` and
    ``until_close`` are the other two ways; ``switch`` says the connection
    changes protocols after this message, handing the rest of the bytes on.
    (A NamedTuple, not a dataclass: one is made for every message with a
    length, and ``_new_tuple`` builds it in C.)
    """

    length: int = 0
    chunked: bool = False
    until_close: bool = False
    switch: bool = False


NO_BODY: Final = Framing()
SWITCH: Final = Framing(switch=True)
CHUNKED: Final = Framing(chunked=True)
UNTIL_CLOSE: Final = Framing(until_close=True)


# -- field lines --------------------------------------------------------------


def parse_fields_strict(
    block: bytes, limits: Limits
) -> tuple[CIMultiDictProxy[str], RawHeaders]:
    """Parse field lines, each ending in CRLF (the block ends with one too)."""
    if not block:
        return _EMPTY_HEADERS, ()
    return _parse_led_fields(b"\n" + block, limits)


def _parse_led_fields(
    led: bytes, limits: Limits
) -> tuple[CIMultiDictProxy[str], RawHeaders]:
    r"""Parse a field section whose lines each start with an LF.

    That is the section as it sits in a head, taken from the LF ending the
    start line through the CRLF ending the last field:
    ``b"\\nA: 1\\r\\nB: 2\\r\\n"``.
    """
    parsed = _PARSED_SECTIONS.get(led)
    # (The last LF in the section starts no line.)
    count = led.count(b"\n") - 1 if parsed is None else parsed[2]
    if count > limits.max_headers:
        raise BadHttpMessage("Too many header fields received", code=431)
    if len(led) > limits.max_field_size:
        _check_field_lengths(led, limits.max_field_size)
    if parsed is not None:
        return parsed[0], parsed[1]
    # A section not seen lately: every line must match.
    found: list[tuple[bytes, bytes]] = _FIELD_LINE.findall(led)
    if len(found) != count:
        raise InvalidHeader(_first_bad_line(led))
    try:
        # Names are tokens (ASCII), so UTF-8 reads them as Latin-1 would,
        # and a decode() without arguments skips parsing them; values are
        # nearly always valid UTF-8, and a strict decode is much faster than
        # one with an error handler.
        pairs = [(name.decode(), value.decode()) for name, value in found]
    except UnicodeDecodeError:
        pairs = [
            (name.decode("latin-1"), value.decode("utf-8", "surrogateescape"))
            for name, value in found
        ]
    headers, raw = CIMultiDictProxy(CIMultiDict(pairs)), tuple(found)
    if len(led) <= _PARSED_SECTION_MAX_SIZE:
        if len(_PARSED_SECTIONS) >= _PARSED_SECTIONS_MAX:
            _PARSED_SECTIONS.clear()
        _PARSED_SECTIONS[led] = (headers, raw, count)
    return headers, raw


def _check_field_lengths(led: bytes, limit: int) -> None:
    for line in led[1:-2].split(b"\r\n"):
        if len(line) > limit:
            name = line.partition(b":")[0][:100]
            raise LineTooLong(
                f"request header field {name!r}", limit, len(line), code=431
            )


def _first_bad_line(led: bytes) -> bytes:
    # Only on the error path: say which line broke the rules. (A line holds
    # no CRLF, so a match of it must run to its end.)
    for line in led[1:-2].split(b"\r\n"):
        if not _FIELD_LINE.match(b"\n" + line + b"\r\n"):
            return line
    return led[1:-2]  # a bare LF or CR somewhere: name the whole section


def parse_fields_lax(
    lines: list[bytes], limits: Limits
) -> tuple[CIMultiDictProxy[str], RawHeaders]:
    """Parse field lines the way servers really send them (responses)."""
    pairs: list[tuple[bytes, bytes]] = []
    for line in lines:
        if len(line) > limits.max_field_size:
            raise LineTooLong("response header field", limits.max_field_size, len(line))
        if line[:1] in (b" ", b"\t"):
            # obs-fold: a continuation of the previous value (RFC 9112 5.2).
            if not pairs:
                raise InvalidHeader(line)
            name, value = pairs[-1]
            pairs[-1] = (name, value + b" " + line.strip(b" \t"))
            continue
        name, colon, value = line.partition(b":")
        name = name.rstrip(b" \t")
        if not colon or not _TOKEN_BYTES.fullmatch(name):
            raise InvalidHeader(line)
        value = value.strip(b" \t")
        if b"\r" in value or b"\x00" in value:
            raise InvalidHeader(line)
        pairs.append((name, value))
    if len(pairs) > limits.max_headers:
        raise BadHttpMessage("Too many header fields received")
    headers = CIMultiDict(
        (name.decode("ascii"), value.decode("utf-8", "surrogateescape"))
        for name, value in pairs
    )
    return CIMultiDictProxy(headers), tuple(pairs)


_EMPTY_HEADERS: Final[CIMultiDictProxy[str]] = CIMultiDictProxy(CIMultiDict())


# -- connection-level fields --------------------------------------------------


def _tokens(headers: CIMultiDictProxy[str], name: str) -> list[str]:
    """The comma-separated tokens of every ``name`` field, lower-cased."""
    values = headers.getall(name, ())
    if not values:
        return []
    return [token.strip().lower() for value in values for token in value.split(",")]


def _connection(
    headers: CIMultiDictProxy[str], version: HttpVersion
) -> tuple[bool, bool]:
    """``(should_close, upgrade)`` from Connection and the version."""
    values = headers.getall(hdrs.CONNECTION, ())
    if len(values) == 1 and "," not in values[0]:
        tokens: list[str] | tuple[str] = (values[0].strip().lower(),)  # the usual case
    else:
        tokens = _tokens(headers, hdrs.CONNECTION)
    if version == HttpVersion11:
        close = "close" in tokens
    else:
        close = "keep-alive" not in tokens
    upgrade = "upgrade" in tokens and hdrs.UPGRADE in headers
    return close, upgrade


def _compression(headers: CIMultiDictProxy[str]) -> str | None:
    encoding = headers.get(hdrs.CONTENT_ENCODING)
    if encoding is None:
        return None
    encoding = encoding.strip().lower()
    if encoding == "x-gzip":
        return "gzip"  # the same coding (RFC 9110 section 8.4.1.3)
    return encoding if encoding in _SUPPORTED_ENCODINGS else None


def _content_length(values: list[str], *, strict: bool) -> int:
    """The one Content-Length; a request may carry the field only once."""
    if strict and (len(values) > 1 or "," in values[0]):
        raise BadHttpMessage("Content-Length is repeated", code=400)
    # A response may repeat an identical value (RFC 9110 section 8.6).
    distinct = {part.strip() for value in values for part in value.split(",")}
    if len(distinct) != 1:
        raise BadHttpMessage("Conflicting Content-Length values")
    (text,) = distinct
    if not _DIGITS.fullmatch(text):
        raise BadHttpMessage(f"Invalid Content-Length {text!r}")
    length = int(text)
    if length > MAX_BODY_LENGTH:
        raise BadHttpMessage(f"Content-Length {text} is too large", code=413)
    return length


def _request_transfer_coding(tokens: list[str]) -> None:
    """Accept only ``chunked``, once and last (RFC 9112 sections 6.1, 7)."""
    if tokens[-1] != "chunked":
        raise TransferEncodingError(
            "Request Transfer-Encoding must end with chunked", code=400
        )
    if tokens.count("chunked") > 1:
        raise TransferEncodingError("chunked is applied more than once", code=400)
    if len(tokens) > 1:
        # Any coding before chunked: malformed, or one we do not implement.
        first = tokens[0]
        if not _TOKEN_BYTES.fullmatch(first.encode("latin-1", "replace")):
            raise TransferEncodingError(f"Invalid transfer coding {first!r}")
        raise TransferEncodingError(f"Unsupported transfer coding {first!r}", code=501)


# -- requests -----------------------------------------------------------------


def parse_request_head(
    head: bytes, limits: Limits
) -> tuple[RawRequestMessage, Framing]:
    """Parse a request head: the request line, CRLF and the field lines.

    ``head`` runs up to and including the CRLF of the last field line (or
    of the request line when there are no fields).
    """
    line_end = head.find(b"\r\n")
    if line_end > limits.max_line_size:
        raise LineTooLong("request line", limits.max_line_size, line_end, code=414)
    line = head[:line_end]
    known = _REQUEST_LINES.get(line)
    method, target, version, url = _parse_request_line(line) if known is None else known

    # The fields from the LF ending the request line to the last field's
    # CRLF (only that LF when there are none).
    fields = head[line_end + 1 :]
    if len(fields) > 1:
        headers, raw_headers = _parse_led_fields(fields, limits)
    else:
        headers, raw_headers = _EMPTY_HEADERS, ()
    if version is HttpVersion11:
        hosts = headers.getall(hdrs.HOST, ())
        if len(hosts) != 1 or hosts[0] not in _VALID_HOSTS:
            _check_host(hosts)
    # The fields that change how a request is framed or kept: a head without
    # any of them (most GETs) skips the checks each would need. Looking the
    # five up costs less than searching the bytes for them.
    if method != hdrs.METH_CONNECT and not (
        hdrs.CONTENT_LENGTH in headers
        or hdrs.TRANSFER_ENCODING in headers
        or hdrs.CONNECTION in headers
        or hdrs.UPGRADE in headers
        or hdrs.CONTENT_ENCODING in headers
    ):
        # No body, no Connection: the version alone decides keep-alive.
        should_close, compression, upgrade = version is not HttpVersion11, None, False
        framing = NO_BODY
    else:
        should_close, upgrade = _connection(headers, version)
        compression = _compression(headers)
        framing = _request_framing(headers, version, method)
        if upgrade and headers.get(hdrs.UPGRADE, "").lower() in _UPGRADABLE:
            framing = Framing(framing.length, framing.chunked, switch=True)
    message = _new_tuple(
        RawRequestMessage,
        (
            method,
            target,
            version,
            headers,
            raw_headers,
            should_close,
            compression,
            upgrade,
            framing.chunked,
            url,
        ),
    )
    return message, framing


def _bad_request_line(line: bytes) -> BadHttpMessage:
    # Well-formed lines with an unsupported version are _request_version's.
    shown = line.decode("latin-1")
    if not _METHOD_THEN_SPACE.match(line):
        return BadHttpMethod(shown)
    return BadStatusLine(shown)


def _parse_request_line(line: bytes) -> _RequestLine:
    """Method, target, version and URL; kept when the target is origin-form."""
    match = _REQUEST_LINE.fullmatch(line.decode("latin-1"))
    if match is None:
        raise _bad_request_line(line)
    method, target, version_text = match.groups()
    version = _VERSIONS.get(version_text)
    if version is None:
        shown = match.string
        raise BadStatusLine(shown, f"Unsupported HTTP version in {shown!r}", code=505)
    parsed = (method, target, version, _request_url(method, target))
    if target[0] == "/" and method != hdrs.METH_CONNECT:
        if len(_REQUEST_LINES) >= _REQUEST_LINES_MAX:
            _REQUEST_LINES.clear()
        _REQUEST_LINES[line] = parsed
    return parsed


def _request_url(method: str, target: str) -> URL:
    """The URL of a request-target in any of its four forms (RFC 9112 3.2)."""
    if "%" in target and _BAD_PERCENT.search(target):
        raise InvalidURLError(f"Invalid request-target {target!r}")
    if method == hdrs.METH_CONNECT:
        if not _AUTHORITY.fullmatch(target):
            raise InvalidURLError(f"CONNECT needs host:port, not {target!r}")
        return URL.build(authority=target, encoded=True)
    if target[0] == "/":
        path, _, query = target.partition("?")
        try:
            return URL.build(path=path, query_string=query, encoded=True)
        except ValueError as exc:
            raise InvalidURLError(f"Invalid request-target {target!r}") from exc
    if target == "*":
        if method != hdrs.METH_OPTIONS:
            raise InvalidURLError("The asterisk form is for OPTIONS only")
        return URL.build(path="*", encoded=True)
    try:
        url = URL(target, encoded=True)
        url.explicit_port  # noqa: B018 - yarl checks the port only when asked
    except ValueError as exc:
        raise InvalidURLError(f"Invalid request-target {target!r}") from exc
    if not url.absolute or not url.scheme:
        raise InvalidURLError(f"Invalid request-target {target!r}")
    return url


def _check_host(hosts: Sequence[str]) -> None:
    """HTTP/1.1 requests carry exactly one valid Host (RFC 9112 3.2)."""
    if len(hosts) != 1:
        raise BadHttpMessage(
            "Missing Host header" if not hosts else "Host header is repeated"
        )
    (host,) = hosts
    if not _HOST.fullmatch(host):
        raise BadHttpMessage(f"Invalid Host header {host!r}")
    if len(_VALID_HOSTS) >= _VALID_HOSTS_MAX:
        _VALID_HOSTS.clear()
    _VALID_HOSTS.add(host)


def _request_framing(
    headers: CIMultiDictProxy[str], version: HttpVersion, method: str
) -> Framing:
    transfer_values = headers.getall(hdrs.TRANSFER_ENCODING, ())
    lengths = headers.getall(hdrs.CONTENT_LENGTH, ())
    if not transfer_values and not lengths and method != hdrs.METH_CONNECT:
        return NO_BODY  # most requests: no body, nothing more to check
    transfer = _tokens(headers, hdrs.TRANSFER_ENCODING)
    if method == hdrs.METH_CONNECT:
        # The tunnel's bytes follow the head; CONNECT has no content.
        if transfer or lengths:
            raise BadHttpMessage("CONNECT request with a body")
        return SWITCH
    if transfer:
        if version is HttpVersion10:
            raise BadHttpMessage("Transfer-Encoding is not allowed in HTTP/1.0")
        if lengths:
            raise BadHttpMessage("Content-Length with Transfer-Encoding")
        _request_transfer_coding(transfer)
        return CHUNKED
    if lengths:
        length = _content_length(list(lengths), strict=True)
        return Framing(length) if length else NO_BODY
    return NO_BODY


# -- responses ----------------------------------------------------------------


def parse_response_head(
    head: bytes,
    limits: Limits,
    *,
    request_method: str | None = None,
    with_body: bool = True,
    read_until_eof: bool = True,
) -> tuple[RawResponseMessage, Framing]:
    """Parse a response head; lines may end in CRLF or a bare LF.

    ``request_method`` (HEAD, CONNECT) and ``with_body`` change the framing
    as RFC 9112 section 6.3 says; without a length a body runs to the end
    of the connection when ``read_until_eof``, and is empty otherwise.
    """
    return _parse_response_head(request_method, with_body, read_until_eof, head, limits)


def response_head_parser(
    request_method: str | None, with_body: bool, read_until_eof: bool
) -> Callable[[bytes, Limits], tuple[RawResponseMessage, Framing]]:
    """``parse_response_head`` with its options bound, for one connection.

    The options lead the arguments, so the bound function is a plain
    ``partial`` that adds no keyword arguments to each call.
    """
    return partial(_parse_response_head, request_method, with_body, read_until_eof)


def _parse_response_head(
    request_method: str | None,
    with_body: bool,
    read_until_eof: bool,
    head: bytes,
    limits: Limits,
) -> tuple[RawResponseMessage, Framing]:
    # The status line, without its CR; the field lines after it keep the LF
    # that leads each of them and lose the one that ends the head.
    end = head.find(b"\n")
    if end < 0:
        line, fields = head.removesuffix(b"\r"), b""
    else:
        line, fields = head[:end].removesuffix(b"\r"), head[end:]
        if fields.endswith(b"\n"):
            fields = fields[:-1]
        elif fields.endswith(b"\n\r"):
            fields = fields[:-2]
    if len(line) > limits.max_line_size:
        raise LineTooLong("status line", limits.max_line_size, len(line))
    match = _STATUS_LINE.fullmatch(line)
    if match is None:
        raise BadStatusLine(line.decode("latin-1"))
    major, minor, code_bytes, reason_bytes = match.groups()
    if major != b"1":
        shown = line.decode("latin-1")
        raise BadStatusLine(shown, f"Unsupported HTTP version in {shown!r}", code=505)
    version = HttpVersion11 if minor != b"0" else HttpVersion10
    code = int(code_bytes)
    if code < 100:
        raise BadStatusLine(line.decode("latin-1"))
    reason = (
        reason_bytes.strip().decode("utf-8", "surrogateescape") if reason_bytes else ""
    )

    parsed = _parse_usual_fields(fields, limits)
    if parsed is None:
        # Something unusual: the line-by-line parser has the final word.
        lines = [field.removesuffix(b"\r") for field in fields[1:].split(b"\n")]
        parsed = parse_fields_lax(lines if fields else [], limits)
    headers, raw_headers = parsed
    if hdrs.CONNECTION in headers:
        should_close, upgrade = _connection(headers, version)
    else:  # the usual case: the version decides
        should_close, upgrade = version is not HttpVersion11, False
    framing = _response_framing(
        headers, code, request_method, with_body, read_until_eof
    )
    if framing.until_close:
        should_close = True
    message = _new_tuple(
        RawResponseMessage,
        (
            version,
            code,
            reason,
            headers,
            raw_headers,
            should_close,
            _compression(headers) if hdrs.CONTENT_ENCODING in headers else None,
            upgrade,
            framing.chunked,
        ),
    )
    return message, framing


def _parse_usual_fields(
    fields: bytes, limits: Limits
) -> tuple[CIMultiDictProxy[str], RawHeaders] | None:
    """Parse the field lines of a usual response head in one regex pass.

    ``None`` when some line needs parse_fields_lax's line-by-line care
    (obs-fold, a line it refuses) or a limit may be passed: that parser
    then gives the answer, so both paths accept and refuse alike.
    """
    if not fields:
        return _EMPTY_HEADERS, ()
    count = fields.count(b"\n")
    if len(fields) > limits.max_field_size or count > limits.max_headers:
        return None
    raw: list[tuple[bytes, bytes]] = _LAX_FIELD_LINE.findall(fields)
    if len(raw) != count:
        return None
    try:
        pairs = [(name.decode(), value.decode()) for name, value in raw]  # as above
    except UnicodeDecodeError:
        pairs = [
            (name.decode("latin-1"), value.decode("utf-8", "surrogateescape"))
            for name, value in raw
        ]
    return CIMultiDictProxy(CIMultiDict(pairs)), tuple(raw)


def _response_framing(
    headers: CIMultiDictProxy[str],
    code: int,
    request_method: str | None,
    with_body: bool,
    read_until_eof: bool,
) -> Framing:
    if code == 101 or (request_method == hdrs.METH_CONNECT and 200 <= code < 300):
        return SWITCH
    if (
        code < 200
        or code in (204, 304)
        or request_method == hdrs.METH_HEAD
        or not with_body
    ):
        return NO_BODY
    if hdrs.TRANSFER_ENCODING in headers:
        transfer = _tokens(headers, hdrs.TRANSFER_ENCODING)
        if transfer:
            # Transfer-Encoding overrides Content-Length; without chunked
            # last the body runs to the end of the connection (RFC 9112 6.3
            # item 4).
            return CHUNKED if transfer[-1] == "chunked" else UNTIL_CLOSE
    lengths = headers.getall(hdrs.CONTENT_LENGTH, ())
    if lengths:
        text = lengths[0]
        if len(lengths) == 1 and text.isdigit() and text.isascii():
            length = int(text)  # the usual single length: nothing to reconcile
            if length > MAX_BODY_LENGTH:
                length = _content_length(lengths, strict=False)  # refuses it
        else:
            length = _content_length(list(lengths), strict=False)
        return _new_tuple(Framing, (length, False, False, False)) if length else NO_BODY
    return UNTIL_CLOSE if read_until_eof else NO_BODY
