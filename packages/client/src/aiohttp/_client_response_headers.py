"""Reading a response's headers into objects: disposition, links, cookies.

Each parser here is lenient the way user agents are: what cannot be read is
left out (a Link without ``<...>``; a Set-Cookie the cookie jar's parser
refuses, with a warning on the ``aiohttp.client`` logger), never raised, so one bad
header does not make a whole response unreadable.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from types import MappingProxyType
from typing import Final

from multidict import MultiDict, MultiDictProxy
from yarl import URL

from ._cookie_parse import parse_set_cookie
from ._http_chars import split_unquoted
from .log import client_logger
from .multipart import content_disposition_filename, parse_content_disposition

__all__ = (
    "ContentDisposition",
    "is_expected_content_type",
    "parse_content_disposition_header",
    "parse_links",
    "parse_set_cookies",
    "resolve_charset",
)

# application/json and every application/<something>+json (RFC 6839).
_JSON_RE: Final = re.compile(r"application/(?:[\w.+-]+\+)?json")
_QUOTED_PAIR_RE: Final = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ContentDisposition:
    """A parsed Content-Disposition header (RFC 6266).

    ``type`` is the lower-cased disposition type (``attachment``,
    ``inline``), or ``None`` when the header could not be parsed;
    ``parameters`` maps lower-cased parameter names to their values;
    ``filename`` is the file name (``filename*`` preferred), if any.
    """

    type: str | None
    parameters: MappingProxyType[str, str]
    filename: str | None

    @property
    def value(self) -> str | None:
        """The disposition type: the name aiohttp's 3.4 manual gives ``type``."""
        return self.type


def parse_content_disposition_header(raw: str) -> ContentDisposition:
    """Parse a Content-Disposition value; a malformed one warns, as in multipart."""
    disposition_type, params = parse_content_disposition(raw)
    parameters = MappingProxyType(params)
    return ContentDisposition(
        disposition_type, parameters, content_disposition_filename(parameters)
    )


def is_expected_content_type(actual: str, expected: str) -> bool:
    """Whether a response's content type is the one ``json()`` was told to expect.

    ``application/json`` also accepts the structured-syntax ``+json`` types;
    any other expectation only has to appear in the actual type.
    """
    if expected == "application/json":
        return _JSON_RE.match(actual) is not None
    return expected in actual


def resolve_charset(content_type: str, params: Mapping[str, str]) -> str | None:
    """The encoding the Content-Type names, if Python knows it.

    JSON (``application/json``, ``application/*+json``) is UTF-8 whatever it
    says (RFC 8259 section 8.1), and so is RDAP; ``None`` means the
    header does not settle it.
    """
    charset = params.get("charset")
    if charset:
        try:
            return codecs.lookup(charset).name
        except (LookupError, ValueError):  # unknown, or not a codec name at all
            pass
    if content_type == "application/rdap" or _JSON_RE.fullmatch(content_type):
        return "utf-8"
    return None


def parse_set_cookies(values: Iterable[str]) -> SimpleCookie:
    """Collect the cookies of Set-Cookie values as the cookie jar reads them.

    A value that sets no usable cookie is skipped with a warning on the
    ``aiohttp.client`` logger; of cookies that share a name, the last wins.
    """
    cookies = SimpleCookie()
    for value in values:
        morsel = parse_set_cookie(value)
        if morsel is None:
            client_logger.warning("Can not load response cookies: %r", value)
        else:
            cookies[morsel.key] = morsel
    return cookies


def parse_links(
    values: Iterable[str], base: URL
) -> MultiDictProxy[MultiDictProxy[str | URL]]:
    """Parse Link header values (RFC 8288) as aiohttp exposes them.

    Each link is filed under its ``rel`` (the first one), or its target as
    text when it has none. Its value maps the parameters (lower-cased
    names, unquoted values; a parameter without a value maps to ``""``)
    and ``url``: the target resolved against ``base``.
    """
    links: MultiDict[MultiDictProxy[str | URL]] = MultiDict()
    for value in values:
        for item in _split_links(value):
            parsed = _parse_link(item, base)
            if parsed is not None:
                key, link = parsed
                links.add(key, link)
    return MultiDictProxy(links)


def _split_links(value: str) -> list[str]:
    """Split a Link value at the commas between links.

    A comma inside ``<...>`` (a URI may hold one) or inside a quoted
    parameter value does not split.
    """
    items: list[str] = []
    start = 0
    in_uri = quoted = escaped = False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif quoted:
            if char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif in_uri:
            in_uri = char != ">"
        elif char == "<":
            in_uri = True
        elif char == '"':
            quoted = True
        elif char == ",":
            items.append(value[start:index])
            start = index + 1
    items.append(value[start:])
    return items


def _parse_link(item: str, base: URL) -> tuple[str, MultiDictProxy[str | URL]] | None:
    item = item.strip()
    end = item.find(">")
    if not item.startswith("<") or end < 0:
        return None
    target = item[1:end].strip()
    try:
        url = base.join(URL(target))
    except (ValueError, TypeError):
        return None
    link: MultiDict[str | URL] = MultiDict()
    first, *params = split_unquoted(item[end + 1 :], ";")
    if first.strip():
        return None  # text between the target and the first ";"
    for param in params:
        name, _, raw_value = param.partition("=")
        name = name.strip().lower()
        if name:
            link.add(name, _unquote(raw_value.strip()))
    rel = link.get("rel")
    key = rel if isinstance(rel, str) else target
    link.add("url", url)
    return key, MultiDictProxy(link)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _QUOTED_PAIR_RE.sub(r"\1", value[1:-1])
    # aiohttp also reads single-quoted values, which some servers send.
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value
