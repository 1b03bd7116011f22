"""Media type parsing (RFC 9110 section 8.3.1): ``type/subtype+suffix; params``."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from types import MappingProxyType
from typing import Final

from multidict import MultiDict, MultiDictProxy

from ._http_chars import is_token, split_unquoted

__all__ = ("MimeType", "parse_content_type", "parse_mimetype")

_DEFAULT_CONTENT_TYPE: Final = "application/octet-stream"
_QUOTED_PAIR_RE: Final = re.compile(r"\\(.)", re.DOTALL)
# Both parsers run for every request and response that has a body, on a
# small set of distinct header values: remember the recent ones.
_CACHE_SIZE: Final = 256


@dataclasses.dataclass(frozen=True, slots=True)
class MimeType:
    """A parsed media type: ``type/subtype+suffix`` and its parameters."""

    type: str
    subtype: str
    suffix: str
    parameters: MultiDictProxy[str]


def _unquote(value: str) -> str:
    """Undo quoted-string quoting (RFC 9110 section 5.6.4); leave tokens alone."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _QUOTED_PAIR_RE.sub(r"\1", value[1:-1])
    return value


def _parameters(items: list[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(lower-cased name, unquoted value)`` for each parameter item.

    Lenient, as aiohttp has always been: empty items are skipped and a name
    without ``=`` gets an empty value.
    """
    for item in items:
        name, _, value = item.partition("=")
        name = name.strip().lower()
        if name:
            yield name, _unquote(value.strip())


def parse_mimetype(mimetype: str) -> MimeType:
    """Split a media type into type, subtype, suffix and parameters.

    ``"Application/LD+JSON; Charset=utf-8"`` gives type ``application``,
    subtype ``ld``, suffix ``json`` and parameters ``{"charset": "utf-8"}``:
    type, subtype, suffix and parameter names are lower-cased, quoted
    parameter values are unquoted, a lone ``*`` means ``*/*`` and an empty
    string gives empty fields. Results are cached, and therefore shared:
    their parameters are a read-only proxy.
    """
    return _parse_mimetype(mimetype)


def parse_content_type(raw: str) -> tuple[str, MappingProxyType[str, str]]:
    """Return the lower-cased ``type/subtype`` of a Content-Type and its parameters.

    Like :meth:`email.message.Message.get_content_type`, a value that is not
    ``token/token`` falls back to a default, here RFC 9110's
    ``application/octet-stream`` (section 8.3). When a parameter repeats, the
    first one wins. Results are cached; the parameters are read-only.
    """
    return _parse_content_type(raw)


# lru_cache erases the signature for type checkers: the public functions
# above keep it and call these.
@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse_mimetype(mimetype: str) -> MimeType:
    if not mimetype:
        return MimeType("", "", "", MultiDictProxy(MultiDict()))
    first, *items = split_unquoted(mimetype, ";")
    fulltype = first.strip().lower()
    if fulltype == "*":
        fulltype = "*/*"
    mtype, _, rest = fulltype.partition("/")
    subtype, _, suffix = rest.partition("+")
    parameters: MultiDict[str] = MultiDict(_parameters(items))
    return MimeType(
        mtype.strip(), subtype.strip(), suffix.strip(), MultiDictProxy(parameters)
    )


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse_content_type(raw: str) -> tuple[str, MappingProxyType[str, str]]:
    first, *items = split_unquoted(raw, ";")
    content_type = first.strip().lower()
    mtype, slash, subtype = content_type.partition("/")
    if not (slash and is_token(mtype) and is_token(subtype)):
        content_type = _DEFAULT_CONTENT_TYPE
    parameters: dict[str, str] = {}
    for name, value in _parameters(items):
        parameters.setdefault(name, value)
    return content_type, MappingProxyType(parameters)
