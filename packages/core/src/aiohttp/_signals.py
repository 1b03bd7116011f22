"""Lists that can be frozen, and signals: hook lists of coroutine functions.

The web application's hooks (``app.on_startup.append(handler)`` until the
application starts) and the client's tracing hooks (``TraceConfig``) are
signals. Once frozen, changing the list raises ``RuntimeError`` and
``send()`` awaits every handler in order with the same arguments. They live
in core because both the client and the web server use them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableSequence
from typing import Any, TypeVar, overload

__all__ = ("FrozenList", "Signal")

_T = TypeVar("_T")


class FrozenList(MutableSequence[_T]):
    """A list that refuses changes once ``freeze()`` has been called."""

    __slots__ = ("_frozen", "_items")

    def __init__(self, items: Iterable[_T] = ()) -> None:
        self._frozen = False
        self._items = list(items)

    @property
    def frozen(self) -> bool:
        """Whether the list is frozen."""
        return self._frozen

    def freeze(self) -> None:
        """Refuse changes from now on."""
        self._frozen = True

    def _check(self) -> None:
        if self._frozen:
            raise RuntimeError("Cannot modify frozen list.")

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...

    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        return self._items[index]

    @overload
    def __setitem__(self, index: int, value: _T) -> None: ...

    @overload
    def __setitem__(self, index: slice, value: Iterable[_T]) -> None: ...

    def __setitem__(self, index: int | slice, value: Any) -> None:
        self._check()
        self._items[index] = value

    def __delitem__(self, index: int | slice) -> None:
        self._check()
        del self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def insert(self, index: int, value: _T) -> None:
        """Insert ``value`` before ``index``."""
        self._check()
        self._items.insert(index, value)

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]  # mutable: unhashable like list

    def __repr__(self) -> str:
        return f"<{type(self).__name__}(frozen={self._frozen}, {self._items!r})>"


class Signal(FrozenList[Callable[..., Awaitable[object]]]):
    """Coroutine functions called, in order, with what ``send()`` gets.

    ``owner`` is what the signal belongs to (an application, a trace
    config), for reprs.
    """

    __slots__ = ("_owner",)

    def __init__(self, owner: object) -> None:
        super().__init__()
        self._owner = owner

    async def send(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        """Await every handler with ``args`` and ``kwargs`` (after freezing)."""
        if not self._frozen:
            raise RuntimeError(f"Cannot send non-frozen signal {self!r}")
        for receiver in self._items:
            await receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Signal owner={self._owner!r}, frozen={self._frozen}, {self._items!r}>"
