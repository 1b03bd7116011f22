"""Typed keys for the dict-like storage of applications, requests, responses.

``app[KEY]`` with ``KEY = web.AppKey("db", Database)`` lets a type checker
know the value's type; plain ``str`` keys keep working (the application
warns about them with ``NotAppKeyWarning``, as aiohttp does).
"""

from __future__ import annotations

from typing import TypeVar

from ._chain_map import BaseKey

__all__ = ("AppKey", "RequestKey", "ResponseKey")

_T = TypeVar("_T")


class RequestKey(BaseKey[_T]):
    """A key for ``request[key]`` storage that carries its value's type."""

    __slots__ = ()


class ResponseKey(BaseKey[_T]):
    """A key for ``response[key]`` storage that carries its value's type."""

    __slots__ = ()


class AppKey(BaseKey[_T]):
    """A key for ``app[key]`` storage that carries its value's type."""

    __slots__ = ()
