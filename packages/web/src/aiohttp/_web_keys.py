"""Typed keys for the dict-like storage of requests and responses.

``request[KEY]`` with ``KEY = web.RequestKey("user", User)`` lets a type
checker know the value's type; plain ``str`` keys keep working. The
application's ``AppKey`` joins these with the framework.
"""

from __future__ import annotations

from typing import TypeVar

from ._chain_map import BaseKey

__all__ = ("RequestKey", "ResponseKey")

_T = TypeVar("_T")


class RequestKey(BaseKey[_T]):
    """A key for ``request[key]`` storage that carries its value's type."""

    __slots__ = ()


class ResponseKey(BaseKey[_T]):
    """A key for ``response[key]`` storage that carries its value's type."""

    __slots__ = ()
