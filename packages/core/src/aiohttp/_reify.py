"""``reify``: a read-only cached property that keeps its values in ``_cache``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NoReturn, TypeVar, overload

__all__ = ("reify",)

_T = TypeVar("_T")
_MISSING: Any = object()


class reify(Generic[_T]):  # noqa: N801 -- aiohttp's public name
    """A property computed once per instance, then read from ``instance._cache``.

    The owning class must give its instances a ``_cache`` dict (a ``__slots__``
    entry works too, since nothing else is stored on the instance). Unlike
    :func:`functools.cached_property` this is a data descriptor: assigning
    raises :exc:`AttributeError`, and the cache can be cleared in one go by
    the owner (``self._cache.clear()``).
    """

    def __init__(self, wrapped: Callable[[Any], _T]) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        # The cache key is the function's own name, so an owner can seed or
        # drop a value with self._cache["name"] before first access.
        self.name: str = wrapped.__name__

    @overload
    def __get__(self, inst: None, owner: type[Any] | None = None) -> reify[_T]: ...

    @overload
    def __get__(self, inst: object, owner: type[Any] | None = None) -> _T: ...

    def __get__(self, inst: object, owner: type[Any] | None = None) -> _T | reify[_T]:
        """Return the cached value, computing it on first access."""
        if inst is None:
            return self
        cache: dict[str, Any] = inst._cache  # type: ignore[attr-defined]
        # get() with a marker, not try/except: a first access that raises
        # KeyError costs twice as much, and most values are read once.
        value = cache.get(self.name, _MISSING)
        if value is _MISSING:
            value = cache[self.name] = self.wrapped(inst)
        return value  # type: ignore[no-any-return]

    def __set__(self, inst: object, value: NoReturn) -> None:
        """Refuse assignment: the value is derived, never set."""
        raise AttributeError("reified property is read-only")
