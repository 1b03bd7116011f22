"""FrozenList and Signal: the hook lists shared by the web server and tracing."""

from __future__ import annotations

import pytest

from aiohttp._signals import FrozenList, Signal


def test_frozen_list_is_a_list_until_frozen() -> None:
    items = FrozenList([1, 2])
    items.append(3)
    items.insert(0, 0)
    items[1] = 10
    del items[2]
    assert items == [0, 10, 3]
    assert len(items) == 3
    assert items[1:] == [10, 3]
    assert not items.frozen


@pytest.mark.parametrize(
    "change",
    [
        lambda items: items.append(1),
        lambda items: items.insert(0, 1),
        lambda items: items.__setitem__(0, 1),
        lambda items: items.__delitem__(0),
        lambda items: items.extend([1]),
        lambda items: items.clear(),
    ],
)
def test_frozen_list_refuses_changes(change: object) -> None:
    items = FrozenList([5])
    items.freeze()
    assert items.frozen
    with pytest.raises(RuntimeError):
        change(items)  # type: ignore[operator]
    assert items == [5]


def test_frozen_list_is_unhashable() -> None:
    with pytest.raises(TypeError):
        hash(FrozenList())


async def test_signal_sends_in_order_after_freezing() -> None:
    calls: list[tuple[str, tuple[object, ...], dict[str, object]]] = []

    async def first(*args: object, **kwargs: object) -> None:
        calls.append(("first", args, kwargs))

    async def second(*args: object, **kwargs: object) -> None:
        calls.append(("second", args, kwargs))

    owner = object()
    signal = Signal(owner)
    signal.append(first)
    signal.append(second)
    signal.freeze()
    await signal.send(1, key="value")
    assert calls == [
        ("first", (1,), {"key": "value"}),
        ("second", (1,), {"key": "value"}),
    ]
    assert repr(owner) in repr(signal)


async def test_signal_refuses_sending_before_freezing() -> None:
    signal = Signal(None)
    with pytest.raises(RuntimeError):
        await signal.send()


async def test_signal_stops_at_the_first_failing_handler() -> None:
    calls: list[str] = []

    async def failing() -> None:
        calls.append("failing")
        raise ValueError("boom")

    async def later() -> None:  # pragma: no cover - must not run
        calls.append("later")

    signal = Signal(None)
    signal.extend([failing, later])
    signal.freeze()
    with pytest.raises(ValueError, match="boom"):
        await signal.send()
    assert calls == ["failing"]


def test_signal_refuses_handlers_once_frozen() -> None:
    signal = Signal(None)
    signal.freeze()

    async def handler() -> None:  # pragma: no cover - never called
        return None

    with pytest.raises(RuntimeError):
        signal.append(handler)
