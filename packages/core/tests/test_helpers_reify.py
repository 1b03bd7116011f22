"""aiohttp.helpers.reify: a read-only property cached in ``instance._cache``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import pytest

from aiohttp.helpers import reify

if TYPE_CHECKING:
    from typing_extensions import assert_type
elif sys.version_info >= (3, 11):
    from typing import assert_type


class Plain:
    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}
        self.calls = 0

    @reify
    def value(self) -> int:
        """The documented value."""
        self.calls += 1
        return 42


class Slotted:
    __slots__ = ("_cache", "calls")

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}
        self.calls = 0

    @reify
    def value(self) -> str:
        self.calls += 1
        return f"call {self.calls}"


def test_computed_once() -> None:
    obj = Plain()
    assert obj.value == 42
    assert obj.value == 42
    assert obj.calls == 1
    assert obj._cache == {"value": 42}


def test_per_instance() -> None:
    first, second = Plain(), Plain()
    assert first.value == second.value == 42
    assert first.calls == second.calls == 1


def test_cache_can_be_seeded_and_cleared() -> None:
    obj = Plain()
    obj._cache["value"] = 7
    assert obj.value == 7
    assert obj.calls == 0
    obj._cache.clear()
    assert obj.value == 42
    assert obj.calls == 1


def test_works_with_slots() -> None:
    obj = Slotted()
    assert obj.value == "call 1"
    assert obj.value == "call 1"
    assert obj._cache == {"value": "call 1"}


def test_none_is_cached() -> None:
    class Holder:
        def __init__(self) -> None:
            self._cache: dict[str, Any] = {}
            self.calls = 0

        @reify
        def nothing(self) -> None:
            self.calls += 1

    holder = Holder()
    assert holder.nothing is None
    assert holder.nothing is None
    assert holder.calls == 1


def test_read_only() -> None:
    obj = Plain()
    with pytest.raises(AttributeError, match="reified property is read-only"):
        obj.value = 1  # type: ignore[assignment]
    slotted = Slotted()
    with pytest.raises(AttributeError, match="reified property is read-only"):
        slotted.value = "x"  # type: ignore[assignment]


def test_class_access_returns_the_descriptor() -> None:
    descriptor = Plain.value
    assert isinstance(descriptor, reify)
    assert descriptor.name == "value"
    assert descriptor.__doc__ == "The documented value."


def test_exception_is_not_cached() -> None:
    class Failing:
        def __init__(self) -> None:
            self._cache: dict[str, Any] = {}
            self.calls = 0

        @reify
        def broken(self) -> int:
            self.calls += 1
            raise RuntimeError("boom")

    obj = Failing()
    for _ in range(2):
        with pytest.raises(RuntimeError, match="boom"):
            _ = obj.broken
    assert obj.calls == 2
    assert obj._cache == {}


def test_without_cache_attribute() -> None:
    class NoCache:
        @reify
        def value(self) -> int:
            return 1

    with pytest.raises(AttributeError, match="_cache"):
        _ = NoCache().value


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.assert_type is 3.11+")
def test_types() -> None:
    assert_type(Plain().value, int)
    assert_type(Plain.value, reify[int])
