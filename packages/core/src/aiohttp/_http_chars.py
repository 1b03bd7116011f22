"""Character classes of the HTTP grammar (RFC 2616 section 2.2, RFC 9110 5.6.2).

Also the two lexing steps built on them: tokens, and lists that split
around quoted-strings. The classes are sets of one-character strings, so a
value can be checked with ``set(value) <= TOKEN``; aiohttp has always
published them this way.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = (
    "CHAR",
    "CTL",
    "SEPARATORS",
    "TOKEN",
    "TOKEN_PATTERN",
    "is_token",
    "split_unquoted",
)

#: Any US-ASCII character.
CHAR: Final[frozenset[str]] = frozenset(chr(i) for i in range(128))
#: The US-ASCII control characters, DEL included.
CTL: Final[frozenset[str]] = frozenset(chr(i) for i in range(32)) | {chr(127)}
#: The delimiters that end a token.
SEPARATORS: Final[frozenset[str]] = frozenset('()<>@,;:\\"/[]?={} \t')
#: RFC 9110's tchar: what remains of CHAR once controls and delimiters go.
TOKEN: Final[frozenset[str]] = CHAR - CTL - SEPARATORS

#: A token (one or more tchar) as a regular expression, for patterns that
#: embed it; encode it for bytes patterns.
TOKEN_PATTERN: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"  # noqa: S105 - a grammar, not a secret
_TOKEN_RE: Final = re.compile(TOKEN_PATTERN)


def is_token(value: str) -> bool:
    """Whether ``value`` is an RFC 9110 token (non-empty, tchar only)."""
    return _TOKEN_RE.fullmatch(value) is not None


def split_unquoted(text: str, separator: str) -> list[str]:
    r"""Split ``text`` at each ``separator`` outside a quoted-string.

    RFC 9110 section 5.6.4: inside double quotes a backslash escapes the next
    character, so ``a="x;\"y";b`` splits at ``;`` into two items, not three.
    """
    items: list[str] = []
    start = 0
    quoted = escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            items.append(text[start:index])
            start = index + 1
    items.append(text[start:])
    return items
