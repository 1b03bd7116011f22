"""The parts of a request head that are checked or built field by field.

A request's method, target and header fields become the lines of its head;
anything that could end a line early (CR, LF) or that peers refuse (NUL and
the other control characters) is refused here, where the caller gave it,
with the culprit named: ``ValueError`` for the method and header fields,
``InvalidUrlClientError`` for the URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from http.cookies import Morsel, SimpleCookie
from typing import Any, Final

from multidict import istr
from yarl import URL

from ._http_chars import is_token
from .client_exceptions import InvalidUrlClientError, NonHttpUrlClientError
from .compression_utils import HAS_BROTLI, HAS_ZSTD
from .typedefs import LooseCookies, LooseHeaders

__all__ = (
    "ALLOWED_SCHEMES",
    "DEFAULT_ACCEPT_ENCODING",
    "KNOWN_METHODS",
    "check_headers",
    "check_method",
    "check_url",
    "cookie_header",
    "header_items",
    "parse_cookie_header",
)

#: The schemes a request may use (WebSocket URLs start as HTTP requests).
ALLOWED_SCHEMES: Final = frozenset({"http", "https", "ws", "wss"})


def _default_accept_encoding() -> str:
    codings = ["gzip", "deflate"]
    if HAS_BROTLI:
        codings.append("br")
    if HAS_ZSTD:
        codings.append("zstd")
    return ", ".join(codings)


#: The codings the response parser can undo, best-known first.
DEFAULT_ACCEPT_ENCODING: Final = _default_accept_encoding()

# Control characters but HTAB: they end or corrupt a header line
# (RFC 9110 section 5.5).
_FIELD_CONTROL_RE: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
# A request target and a host hold no whitespace or control character at
# all (RFC 9112 section 3.2): a space would split the request line.
_TARGET_FORBIDDEN_RE: Final = re.compile("[\x00-\x20\x7f]")
_COOKIE_CODER: Final = SimpleCookie()


#: The usual methods, already upper-case tokens: no need to look at them.
KNOWN_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)


def check_method(method: str) -> str:
    """Return ``method`` upper-cased; ``ValueError`` unless it is a token."""
    if method in KNOWN_METHODS:
        return method
    if not isinstance(method, str) or not is_token(method):
        raise ValueError(
            f"Method cannot contain non-token characters {method!r}"
            " (RFC 9110 section 9.1)"
        )
    return method.upper()


def check_url(url: URL) -> None:
    """Refuse a URL no request can be sent to.

    ``NonHttpUrlClientError`` for a scheme other than http, https, ws and
    wss (a relative URL has none); ``InvalidUrlClientError`` for a URL
    without a host, or whose host or target holds whitespace or control
    characters (possible with ``encoded=True``).
    """
    if url.scheme not in ALLOWED_SCHEMES:
        raise NonHttpUrlClientError(url)
    host = url.raw_host
    if not host:
        raise InvalidUrlClientError(url, "the URL has no host")
    if _TARGET_FORBIDDEN_RE.search(host) or _TARGET_FORBIDDEN_RE.search(
        url.raw_path_qs
    ):
        raise InvalidUrlClientError(
            url, "whitespace or control character in the host or target"
        )


def check_headers(headers: Iterable[tuple[str, object]]) -> None:
    """``ValueError`` for a field name that is not a token or a value with a control.

    HTAB is allowed in values; CR, LF, NUL and the other controls are not.
    """
    for name, value in headers:
        if not isinstance(name, str) or not is_token(name):
            raise ValueError(
                f"Invalid header name {name!r}: a field name must be a token"
                " (RFC 9110 section 5.1)"
            )
        if isinstance(value, str) and _FIELD_CONTROL_RE.search(value):
            raise ValueError(f"Control character in the value of header {name!r}")


def header_items(headers: LooseHeaders) -> Iterable[tuple[str | istr, str]]:
    """The ``(name, value)`` pairs of any of the header forms a caller may give."""
    if isinstance(headers, Mapping):
        return headers.items()
    return headers


def parse_cookie_header(value: str) -> list[tuple[str, str]]:
    """Split a Cookie header into ``(name, value)`` pairs, values as sent.

    Lenient as RFC 6265 section 5.4 lets a server be: pairs are separated
    by ``;``, surrounding whitespace is dropped, a pair without ``=`` is
    skipped.
    """
    pairs: list[tuple[str, str]] = []
    for item in value.split(";"):
        name, equals, coded = item.partition("=")
        name = name.strip()
        if equals and name:
            pairs.append((name, coded.strip()))
    return pairs


def cookie_header(existing: str | None, cookies: LooseCookies) -> str:
    """Build the one Cookie header: ``existing`` merged with ``cookies``.

    A ``Morsel`` is sent with its coded value (as the server set it); text
    is quoted the way ``SimpleCookie`` quotes it. A later cookie replaces an
    earlier one of the same name. Names ``SimpleCookie`` refuses raise
    ``http.cookies.CookieError``, as in aiohttp; the pairs are sorted by
    name, as aiohttp sends them.
    """
    merged: dict[str, str] = {}
    if existing:
        merged.update(parse_cookie_header(existing))
    items: Iterable[tuple[str, Any]] = _cookie_items(cookies)
    for name, value in items:
        if isinstance(value, Morsel):
            key = value.key or name
            coded = value.coded_value
        else:
            key = name
            coded = _COOKIE_CODER.value_encode(str(value))[1]
        _check_cookie_name(key)
        merged[key] = coded
    header = "; ".join(f"{key}={merged[key]}" for key in sorted(merged))
    if _FIELD_CONTROL_RE.search(header):
        raise ValueError("Control character in a cookie")
    return header


def _cookie_items(cookies: LooseCookies) -> Iterable[tuple[str, Any]]:
    """The ``(name, value)`` pairs of a mapping or iterable of cookies."""
    if isinstance(cookies, Mapping):
        return cookies.items()
    return cookies


def _check_cookie_name(name: str) -> None:
    # Morsel.set refuses what is not a legal cookie name (CookieError).
    probe: Morsel[str] = Morsel()
    probe.set(name, "", "")
