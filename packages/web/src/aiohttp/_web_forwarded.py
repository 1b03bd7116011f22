"""The ``Forwarded`` request header (RFC 7239), read for ``request.forwarded``.

Grammar (section 4)::

    Forwarded         = 1#forwarded-element
    forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
    forwarded-pair    = token "=" value
    value             = token / quoted-string

Each forwarded-element is what one proxy added, so the result keeps one
mapping per element, in order, across every Forwarded header line: the
first is the proxy nearest the client, the last the one nearest us.

The parser is forgiving the way aiohttp's is, and never raises:

* blanks are allowed anywhere between pairs and separators;
* parameter names are lower-cased, quoted values un-escaped;
* an unquoted ``for=192.0.2.1:8080`` (a port after a token, which the
  grammar forbids but proxies send) keeps its port;
* a malformed pair ends its element: what follows it, up to the next comma,
  is skipped. The element keeps the pairs read before the garbage, and the
  next element starts after the comma, so one proxy's bad syntax does not
  shift or swallow what later proxies appended.

The values are not validated any further (section 6's node names, hosts,
URI schemes): they are whatever the proxies wrote, and only the elements
added by proxies you trust mean anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from ._http_chars import TOKEN_PATTERN

__all__ = ("parse_forwarded",)

# quoted-string (RFC 9110 section 5.6.4): qdtext is HTAB, SP, VCHAR but DQUOTE
# and backslash, and obs-text; quoted-pair is a backslash and HTAB, SP, VCHAR
# or obs-text. Header values reach us decoded, so obs-text is any non-ASCII
# character.
_QDTEXT: Final = r"[\t !#-\[\]-~\x80-\U0010ffff]"
_QUOTED_PAIR: Final = r"\\[\t !-~\x80-\U0010ffff]"
_QUOTED_STRING: Final = rf'"(?:{_QDTEXT}|{_QUOTED_PAIR})*"'
_PAIR_RE: Final = re.compile(
    rf"(?P<name>{TOKEN_PATTERN})="
    rf"(?:(?P<token>{TOKEN_PATTERN})|(?P<quoted>{_QUOTED_STRING}))"
    r"(?P<port>:\d{1,5})?"
    # A pair ends at a separator, a blank or the end: "for=a:123456" and
    # "for=a\x00" are garbage, not "for=a:12345" and "for=a".
    r"(?=[ \t;,]|\Z)"
)
_UNESCAPE_RE: Final = re.compile(r"\\(.)", re.DOTALL)
_BLANKS: Final = " \t"


def parse_forwarded(
    field_values: Iterable[str],
) -> tuple[MappingProxyType[str, str], ...]:
    """Parse every Forwarded field value into one read-only mapping per element."""
    elements: list[MappingProxyType[str, str]] = []
    for field_value in field_values:
        _parse_field_value(field_value, elements)
    return tuple(elements)


def _parse_field_value(text: str, elements: list[MappingProxyType[str, str]]) -> None:
    """Append the elements of one field value (at least one, maybe empty)."""
    element: dict[str, str] = {}
    elements.append(MappingProxyType(element))
    length = len(text)
    pos = 0
    # After a pair, only a separator (or blanks) may follow.
    pair_allowed = True
    while pos < length:
        char = text[pos]
        if char in _BLANKS:
            pos += 1
        elif char == ",":
            element = {}
            elements.append(MappingProxyType(element))
            pair_allowed = True
            pos += 1
        elif char == ";":
            pair_allowed = True
            pos += 1
        else:
            match = _PAIR_RE.match(text, pos) if pair_allowed else None
            if match is None:
                # Garbage: give up on this element, resume at the next one.
                pos = text.find(",", pos)
                if pos < 0:
                    return
                continue
            element[match["name"].lower()] = _pair_value(match)
            pair_allowed = False
            pos = match.end()


def _pair_value(match: re.Match[str]) -> str:
    quoted = match["quoted"]
    if quoted is None:
        value: str = match["token"]
    else:
        value = _UNESCAPE_RE.sub(r"\1", quoted[1:-1])
    port = match["port"]
    return value if port is None else value + port
