"""Type names shared by the aiohttp API (aiohttp.typedefs).

The web framework's aliases (``Handler``, ``Middleware``) name web types:
aiotide-web defines them (in ``web_app``) and this module lends them
lazily (PEP 562), so core imports nothing of web.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from http.cookies import BaseCookie, Morsel
from typing import TYPE_CHECKING, Any, TypeAlias

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy, istr
from yarl import URL, Query

from ._facade import LazyExports

#: Names this module lends from aiotide-web.
_EXPORTS: dict[str, str] = {"Handler": "web_app", "Middleware": "web_app"}

if TYPE_CHECKING:
    from .web_app import Handler as Handler
    from .web_app import Middleware as Middleware

_DEFINED = (
    "DEFAULT_JSON_DECODER",
    "DEFAULT_JSON_ENCODER",
    "Byteish",
    "JSONBytesEncoder",
    "JSONDecoder",
    "JSONEncoder",
    "LooseCookies",
    "LooseCookiesIterables",
    "LooseCookiesMappings",
    "LooseHeaders",
    "PathLike",
    "Query",
    "RawHeaders",
    "StrOrURL",
)

DEFAULT_JSON_ENCODER = json.dumps
DEFAULT_JSON_DECODER = json.loads

Byteish: TypeAlias = bytes | bytearray | memoryview
JSONEncoder: TypeAlias = Callable[[Any], str]
JSONBytesEncoder: TypeAlias = Callable[[Any], bytes]
JSONDecoder: TypeAlias = Callable[[str], Any]
LooseHeaders: TypeAlias = (
    Mapping[str, str]
    | Mapping[istr, str]
    | CIMultiDict[str]
    | CIMultiDictProxy[str]
    | MultiDict[str]
    | MultiDictProxy[str]
    | Iterable[tuple[str | istr, str]]
)
RawHeaders: TypeAlias = tuple[tuple[bytes, bytes], ...]
StrOrURL: TypeAlias = str | URL
LooseCookiesMappings: TypeAlias = Mapping[str, "str | BaseCookie[str] | Morsel[Any]"]
LooseCookiesIterables: TypeAlias = Iterable[
    tuple[str, "str | BaseCookie[str] | Morsel[Any]"]
]
LooseCookies: TypeAlias = LooseCookiesMappings | LooseCookiesIterables | BaseCookie[str]
PathLike: TypeAlias = str | os.PathLike[str]


if TYPE_CHECKING:
    __all__ = (
        "DEFAULT_JSON_DECODER",
        "DEFAULT_JSON_ENCODER",
        "Byteish",
        "JSONBytesEncoder",
        "JSONDecoder",
        "JSONEncoder",
        "LooseCookies",
        "LooseCookiesIterables",
        "LooseCookiesMappings",
        "LooseHeaders",
        "PathLike",
        "Query",
        "RawHeaders",
        "StrOrURL",
        "Handler",
        "Middleware",
    )
else:
    _lazy = LazyExports(__name__, globals(), _EXPORTS, defined=_DEFINED)
    __getattr__ = _lazy.getattr
    __dir__ = _lazy.dir
