"""Parsers for request headers a web request exposes as properties.

``Cookie`` (RFC 6265 section 5.4), ``Range`` (RFC 9110 section 14.2, one
byte range) and the entity-tag lists of ``If-Match`` / ``If-None-Match``
(RFC 9110 sections 13.1.1 and 13.1.2). Each one reads a single header
value and keeps nothing between calls.
"""

from __future__ import annotations

import re
from typing import Final

from ._etag import ETAG_ANY, LIST_QUOTED_ETAG_RE, ETag

__all__ = ("parse_cookie_header", "parse_etag_list", "parse_range")

# -- Cookie ----------------------------------------------------------------------

# What a name may not contain: separators of the header itself, quotes and
# controls. Anything else browsers send as a name (brackets, braces, ...)
# is kept, although RFC 6265 asks for a token.
_BAD_NAME_RE: Final = re.compile(r'[\x00-\x20\x7f;,="\\]')
# Python's http.cookies quotes a value with backslash escapes, octal for
# bytes it does not want on the wire: undo both for a round trip.
_COOKIE_ESCAPE_RE: Final = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))", re.DOTALL)


def _unescape(match: re.Match[str]) -> str:
    octal = match[1]
    return chr(int(octal, 8)) if octal is not None else match[2]


def parse_cookie_header(value: str) -> dict[str, str]:
    """Parse a Cookie header into ``{name: value}``.

    Lenient, as user agents are: pairs are split at ``;``, blanks around
    names and values are dropped, a value in double quotes is unquoted
    (with Python's cookie escapes undone), and a pair without ``=`` or with
    an unusable name is skipped rather than failing the whole header. When
    a name repeats, the last value wins.
    """
    cookies: dict[str, str] = {}
    for pair in value.split(";"):
        name, equals, raw = pair.partition("=")
        if not equals:
            continue
        name = name.strip(" \t")
        if not name or _BAD_NAME_RE.search(name):
            continue
        raw = raw.strip(" \t")
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = _COOKIE_ESCAPE_RE.sub(_unescape, raw[1:-1])
        cookies[name] = raw
    return cookies


# -- Range -----------------------------------------------------------------------

_RANGE_RE: Final = re.compile(r"bytes=(\d*)-(\d*)", re.ASCII)
_WHOLE: Final = slice(None, None, 1)


def parse_range(value: str | None) -> slice:
    """Turn a Range header into a slice of the representation's bytes.

    No header gives ``slice(None, None, 1)`` (everything). ``bytes=a-b`` is
    ``slice(a, b + 1, 1)``, ``bytes=a-`` is ``slice(a, None, 1)`` and the
    suffix range ``bytes=-n`` is ``slice(-n, None, 1)``. Anything else (other
    units, several ranges, ``a > b``, a zero-length suffix) raises
    :exc:`ValueError`, which a file response answers with 416.
    """
    if value is None:
        return _WHOLE
    match = _RANGE_RE.fullmatch(value)
    if match is None:
        raise ValueError(f"range not in acceptable format: {value!r}")
    first, last = match.groups()
    if not first:
        if not last:
            raise ValueError("No start or end of range specified")
        suffix = int(last)
        if suffix == 0:
            # RFC 9110 section 14.1.3: a zero suffix selects nothing.
            raise ValueError("A suffix range of zero bytes is unsatisfiable")
        return slice(-suffix, None, 1)
    start = int(first)
    if not last:
        return slice(start, None, 1)
    end = int(last)
    if start > end:
        raise ValueError("start cannot be after end")
    return slice(start, end + 1, 1)


# -- entity-tag lists --------------------------------------------------------------


def parse_etag_list(value: str | None) -> tuple[ETag, ...] | None:
    """Parse an If-Match / If-None-Match value into its entity-tags.

    ``None`` when the header is absent or empty; ``*`` is the one
    ``ETag(value="*")``. Parsing stops at the first thing that is not an
    entity-tag, keeping the tags before it.
    """
    if not value:
        return None
    if value == ETAG_ANY:
        return (ETag(value=ETAG_ANY),)
    tags: list[ETag] = []
    for match in LIST_QUOTED_ETAG_RE.finditer(value):
        if match["garbage"] is not None:
            break
        tags.append(ETag(value=match["value"], is_weak=match["weak"] is not None))
    return tuple(tags)
