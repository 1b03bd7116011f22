"""Character classes of the HTTP grammar (RFC 2616 section 2.2, RFC 9110 5.6.2).

They are sets of one-character strings so that a value can be checked with
``set(value) <= TOKEN``; aiohttp has always published them this way.
"""

from __future__ import annotations

from typing import Final

__all__ = ("CHAR", "CTL", "SEPARATORS", "TOKEN")

#: Any US-ASCII character.
CHAR: Final[frozenset[str]] = frozenset(chr(i) for i in range(128))
#: The US-ASCII control characters, DEL included.
CTL: Final[frozenset[str]] = frozenset(chr(i) for i in range(32)) | {chr(127)}
#: The delimiters that end a token.
SEPARATORS: Final[frozenset[str]] = frozenset('()<>@,;:\\"/[]?={} \t')
#: RFC 9110's tchar: what remains of CHAR once controls and delimiters go.
TOKEN: Final[frozenset[str]] = CHAR - CTL - SEPARATORS
