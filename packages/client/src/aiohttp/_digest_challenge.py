"""Reading ``WWW-Authenticate`` challenges (RFC 9110 section 11.6.1).

A header value may hold several challenges, each a scheme followed by a
token68 or by comma-separated ``name=value`` parameters::

    WWW-Authenticate: Basic realm="x", Digest realm="y", nonce="n", qop="auth"

:func:`parse_challenges` splits such values into (scheme, parameters)
pairs; scheme and parameter names are folded to lower case, quoted values
unquoted. Parsing is a single pass of anchored regular expressions: linear
in the header's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = ("parse_challenges", "quote")

_TCHARS: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED: Final = r'"(?:[^"\\]|\\.)*"'
_SEPARATORS: Final = re.compile(r"[ \t,]*")
_SCHEME: Final = re.compile(_TCHARS)
# One auth-param and what ends it: a comma or the end of the value.
_PARAM: Final = re.compile(
    rf"[ \t,]*({_TCHARS})[ \t]*=[ \t]*({_TCHARS}|{_QUOTED})[ \t]*(?:,|$)"
)
_TOKEN68: Final = re.compile(r"[ \t]+[A-Za-z0-9\-._~+/]+=*[ \t]*(?:,|$)")
_ESCAPE: Final = re.compile(r"\\(.)")
_NEEDS_ESCAPE: Final = re.compile(r'(["\\])')


def parse_challenges(values: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """Split ``WWW-Authenticate`` values into (scheme, parameters) challenges.

    A token68 challenge (``Negotiate abc==``) comes back with no
    parameters; text that does not parse ends the value's challenges.
    """
    challenges: list[tuple[str, dict[str, str]]] = []
    for value in values:
        _parse_value(value, challenges)
    return challenges


def _parse_value(value: str, challenges: list[tuple[str, dict[str, str]]]) -> None:
    pos = 0
    end = len(value)
    while True:
        separators = _SEPARATORS.match(value, pos)
        assert separators is not None  # the pattern matches the empty string
        pos = separators.end()
        if pos >= end:
            return
        scheme = _SCHEME.match(value, pos)
        if scheme is None:
            return
        pos = scheme.end()
        params: dict[str, str] = {}
        challenges.append((scheme.group().lower(), params))
        token68 = _TOKEN68.match(value, pos)
        if token68 is not None and _PARAM.match(value, pos) is None:
            pos = token68.end()
            continue
        while (param := _PARAM.match(value, pos)) is not None:
            name, raw = param.groups()
            if raw.startswith('"'):
                raw = _ESCAPE.sub(r"\1", raw[1:-1])
            params[name.lower()] = raw
            pos = param.end()


def quote(value: str) -> str:
    """Return ``value`` as a quoted-string, its quotes and backslashes escaped."""
    return '"' + _NEEDS_ESCAPE.sub(r"\\\1", value) + '"'
