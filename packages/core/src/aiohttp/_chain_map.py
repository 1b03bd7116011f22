"""Typed keys and a read-only view over a chain of mappings."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from types import FrameType, GenericAlias
from typing import Any, Generic, TypeVar, final, get_args, overload

from ._sentinel import sentinel

__all__ = ("BaseKey", "ChainMapProxy")

_T = TypeVar("_T")
_S = TypeVar("_S")


def _defining_module() -> str | None:
    """Return the name of the module whose top-level code is running, if any."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            module: str | None = frame.f_globals.get("__name__")
            return module
        frame = frame.f_back
    return None


class BaseKey(Generic[_T]):
    """A key for heterogeneous mappings that carries the type of its value.

    ``key = BaseKey("db", Database)`` (or ``BaseKey[Database]("db")``) lets a
    type checker know that ``mapping[key]`` is a ``Database``. Keys compare
    by identity; they sort by name, before keys of any other type. The name
    is prefixed with the module that creates the key, to tell apart keys of
    different libraries in reprs. The web framework's ``AppKey`` is one.
    """

    __slots__ = ("__orig_class__", "_name", "_t")

    # Set by typing when the key is built as BaseKey[X](...).
    __orig_class__: type[object]

    def __init__(self, name: str, t: type[_T] | None = None) -> None:
        module = _defining_module()
        self._name = name if module is None else f"{module}.{name}"
        self._t = t

    def __lt__(self, other: object) -> bool:
        if isinstance(other, BaseKey):
            return self._name < other._name
        return True

    def __gt__(self, other: object) -> bool:
        if isinstance(other, BaseKey):
            return self._name > other._name
        return False

    def __repr__(self) -> str:
        t: object = self._t
        if t is None:
            orig_class = getattr(self, "__orig_class__", None)
            t = get_args(orig_class)[0] if orig_class is not None else None
        if t is None:
            t_repr = "<<Unknown>>"
        elif isinstance(t, GenericAlias):
            # Before the type check: on Python 3.10 list[int] is a "type" too.
            t_repr = repr(t)
        elif isinstance(t, type):
            t_repr = (
                t.__qualname__
                if t.__module__ == "builtins"
                else f"{t.__module__}.{t.__qualname__}"
            )
        else:
            t_repr = repr(t)
        return f"<{type(self).__name__}({self._name}, type={t_repr})>"


@final
class ChainMapProxy(Mapping["str | BaseKey[Any]", Any]):
    """A read-only view of several mappings; the first one holding a key wins.

    It is how a web application sees its own config and then its parents'
    (``request.config_dict``). Subclassing is not allowed.
    """

    __slots__ = ("_maps",)

    def __init__(self, maps: Iterable[Mapping[Any, Any]]) -> None:
        self._maps = tuple(maps)

    def __init_subclass__(cls) -> None:
        raise TypeError(
            f"Inheritance class {cls.__name__} from ChainMapProxy is forbidden"
        )

    @overload
    def __getitem__(self, key: BaseKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...  # noqa: ANN401

    def __getitem__(self, key: str | BaseKey[_T]) -> Any:
        for mapping in self._maps:
            value = mapping.get(key, sentinel)
            if value is not sentinel:
                return value
        raise KeyError(key)

    @overload  # type: ignore[override]
    def get(self, key: BaseKey[_T], default: _S) -> _T | _S: ...

    @overload
    def get(self, key: BaseKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...  # noqa: ANN401

    def get(self, key: str | BaseKey[Any], default: Any = None) -> Any:
        """Return the value of ``key`` from the first map holding it, or ``default``."""
        try:
            return self[key]
        except KeyError:
            return default

    def __len__(self) -> int:
        return len(set().union(*self._maps))

    def __iter__(self) -> Iterator[str | BaseKey[Any]]:
        # Each key once, in the order the maps are searched.
        seen: dict[str | BaseKey[Any], None] = {}
        for mapping in self._maps:
            seen.update(dict.fromkeys(mapping))
        return iter(seen)

    def __contains__(self, key: object) -> bool:
        return any(key in mapping for mapping in self._maps)

    def __bool__(self) -> bool:
        return any(self._maps)

    def __repr__(self) -> str:
        maps = ", ".join(map(repr, self._maps))
        return f"ChainMapProxy({maps})"
