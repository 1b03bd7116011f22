"""The dict-like storage of responses: ``response["key"]``, ``ResponseKey``.

Middlewares and signal handlers share data through a response as through a
dict; a ``ResponseKey`` lets a type checker know the value's type. Unlike a
dict, a response is always true and compares and hashes by identity: two
responses are never "equal" because they hold the same items.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, TypeVar, overload

from ._web_keys import ResponseKey

__all__ = ("ResponseState",)

_T = TypeVar("_T")
_S = TypeVar("_S")


class ResponseState(MutableMapping[str | ResponseKey[Any], Any]):
    """A mutable mapping over ``self._state``, true and compared by identity."""

    _state: dict[str | ResponseKey[Any], Any]

    @overload
    def __getitem__(self, key: ResponseKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...  # noqa: ANN401

    def __getitem__(self, key: str | ResponseKey[_T]) -> Any:
        return self._state[key]

    @overload
    def __setitem__(self, key: ResponseKey[_T], value: _T) -> None: ...

    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...  # noqa: ANN401

    def __setitem__(self, key: str | ResponseKey[_T], value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str | ResponseKey[Any]) -> None:
        del self._state[key]

    def __len__(self) -> int:
        return len(self._state)

    def __iter__(self) -> Iterator[str | ResponseKey[Any]]:
        return iter(self._state)

    @overload  # type: ignore[override]
    def get(self, key: ResponseKey[_T], default: _S) -> _T | _S: ...

    @overload
    def get(self, key: ResponseKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...  # noqa: ANN401

    def get(self, key: str | ResponseKey[Any], default: Any = None) -> Any:
        """Return the value stored under ``key``, or ``default``."""
        return self._state.get(key, default)

    def __hash__(self) -> int:
        return hash(id(self))

    def __eq__(self, other: object) -> bool:
        return self is other

    def __bool__(self) -> bool:
        return True
