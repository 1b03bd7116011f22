"""Reading ``Set-Cookie`` header values as RFC 6265 section 5.2 says.

:class:`http.cookies.SimpleCookie` parses a ``Cookie`` header's syntax: it
reads every ``name=value`` pair of a ``Set-Cookie`` value as a cookie of its
own, and one bad pair spoils the whole value. A user agent parses
differently: the first pair is the cookie, what follows the first ``;`` are
attributes (unknown ones ignored), and a bad value drops only that cookie.
Keeping each header apart also keeps cookies that share a name but not a
path or domain, which a ``SimpleCookie`` would fold into one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from http.cookies import CookieError, Morsel
from typing import Final

__all__ = ("parse_set_cookie", "parse_set_cookie_headers")

#: RFC 6265bis: a cookie whose name and value together are longer is ignored.
MAX_NAME_VALUE_SIZE: Final = 4096
#: RFC 6265bis: a longer attribute value is ignored (the attribute, not the cookie).
MAX_ATTRIBUTE_SIZE: Final = 1024

# Control characters other than HTAB make a cookie unusable (RFC 6265bis).
_CONTROL: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_WSP: Final = " \t"

_VALUED: Final = frozenset(
    ("expires", "max-age", "domain", "path", "samesite", "comment", "version")
)
_FLAGS: Final = frozenset(("secure", "httponly"))


def parse_set_cookie(header: str) -> Morsel[str] | None:
    """Return the cookie one ``Set-Cookie`` value sets, or ``None`` if it sets none."""
    pair, _, attributes = header.partition(";")
    name, equals, coded = pair.partition("=")
    if not equals:
        return None
    name = name.strip(_WSP)
    coded = coded.strip(_WSP)
    if (
        not name
        or len(name) + len(coded) > MAX_NAME_VALUE_SIZE
        or _CONTROL.search(name)
        or _CONTROL.search(coded)
    ):
        return None
    value = coded
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    morsel: Morsel[str] = Morsel()
    try:
        morsel.set(name, value, coded)
    except CookieError:  # a name Python's cookies cannot hold (not a token)
        return None
    if attributes:
        _read_attributes(morsel, attributes)
    return morsel


def _read_attributes(morsel: Morsel[str], attributes: str) -> None:
    # Processed in order, so the last of a repeated attribute wins.
    for item in attributes.split(";"):
        key, _, value = item.partition("=")
        key = key.strip(_WSP).lower()
        if key in _FLAGS:
            morsel[key] = True
        elif key in _VALUED:
            value = value.strip(_WSP)
            if len(value) > MAX_ATTRIBUTE_SIZE or (key == "domain" and not value):
                continue
            morsel[key] = value


def parse_set_cookie_headers(headers: Iterable[str]) -> list[tuple[str, Morsel[str]]]:
    """The cookies of several ``Set-Cookie`` values, in order, bad ones left out."""
    cookies: list[tuple[str, Morsel[str]]] = []
    for header in headers:
        morsel = parse_set_cookie(header)
        if morsel is not None:
            cookies.append((morsel.key, morsel))
    return cookies
