"""aiohttp.helpers timers: TimerContext, TimeoutHandle, call_later, ceil_timeout.

Every test runs on a real event loop with short timeouts, and every wait is
bounded so that a bug fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest

from aiohttp import _timers
from aiohttp.helpers import (
    BaseTimerContext,
    TimeoutHandle,
    TimerContext,
    TimerNoop,
    calculate_timeout_when,
    call_later,
    ceil_timeout,
)

T = TypeVar("T")
BOUND = 5.0
SHORT = 0.01
needs_cancel_counting = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="Python 3.10 does not count cancellations"
)


async def within(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, BOUND)


async def hang() -> None:
    """Wait longer than any test may last; only a cancellation ends it."""
    await asyncio.sleep(BOUND * 2)


def cancelling(task: asyncio.Task[Any]) -> int:
    if sys.version_info >= (3, 11):
        return task.cancelling()
    return 0  # pragma: no cover


@pytest.mark.parametrize(
    ("loop_time", "timeout", "threshold", "expected"),
    [
        (10.2, 1.0, 5, 11.2),
        (10.2, 4.9, 5, 15.1),
        (10.2, 5.0, 5, 16.0),
        (10.2, 30.0, 5, 41.0),
        (10.0, 5.0, 5, 15.0),
        (10.2, 0.5, 0.1, 11.0),
    ],
)
def test_calculate_timeout_when(
    loop_time: float, timeout: float, threshold: float, expected: float
) -> None:
    when = calculate_timeout_when(loop_time, timeout, threshold)
    assert when == pytest.approx(expected)
    assert isinstance(when, float)


@pytest.mark.parametrize("timeout", [None, 0, -1])
async def test_call_later_without_timeout(timeout: float | None) -> None:
    assert call_later(lambda: None, timeout, asyncio.get_running_loop()) is None


async def test_call_later_fires() -> None:
    loop = asyncio.get_running_loop()
    fired = loop.create_future()
    handle = call_later(lambda: fired.set_result(loop.time()), SHORT, loop)
    assert handle is not None
    assert await within(fired) >= handle.when()


async def test_call_later_ceils_long_timeouts() -> None:
    loop = asyncio.get_running_loop()
    handle = call_later(lambda: None, 10, loop)
    assert handle is not None
    handle.cancel()
    assert handle.when() == math.ceil(handle.when())
    assert handle.when() >= loop.time() + 10


async def test_call_later_threshold() -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    handle = call_later(lambda: None, 10, loop, timeout_ceil_threshold=20)
    assert handle is not None
    handle.cancel()
    assert handle.when() == pytest.approx(start + 10, abs=0.5)


def test_base_timer_context_is_abstract() -> None:
    with pytest.raises(TypeError):
        BaseTimerContext()  # type: ignore[abstract]


def test_timer_noop() -> None:
    timer = TimerNoop()
    with timer as entered:
        assert entered is timer
        timer.assert_timeout()
    with pytest.raises(ValueError, match="passes through"), timer:
        raise ValueError("passes through")


def test_timer_context_outside_a_task() -> None:
    loop = asyncio.new_event_loop()
    try:
        timer = TimerContext(loop)
        with pytest.raises(RuntimeError, match="inside a task"), timer:
            pass
    finally:
        loop.close()


async def test_timer_context_without_timeout() -> None:
    timer = TimerContext(asyncio.get_running_loop())
    with timer as entered:
        assert entered is timer
        await asyncio.sleep(0)
    timer.assert_timeout()


async def test_timer_context_timeout() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop)
    loop.call_later(SHORT, timer.timeout)

    async def body() -> None:
        with pytest.raises(asyncio.TimeoutError) as info, timer:
            await hang()
        assert isinstance(info.value.__cause__, asyncio.CancelledError)
        # The timeout's cancellation was taken back: the task can go on.
        task = asyncio.current_task()
        assert task is not None
        assert cancelling(task) == 0
        await asyncio.sleep(0)

    await within(body())
    with pytest.raises(asyncio.TimeoutError):
        timer.assert_timeout()


async def test_timer_context_fired_stays_fired() -> None:
    timer = TimerContext(asyncio.get_running_loop())
    timer.timeout()
    with pytest.raises(asyncio.TimeoutError), timer:
        pytest.fail("the block must not run")  # pragma: no cover
    with pytest.raises(asyncio.TimeoutError):
        timer.assert_timeout()


async def test_timer_context_fires_once() -> None:
    timer = TimerContext(asyncio.get_running_loop())

    async def fire_twice() -> None:
        with timer:
            timer.timeout()
            timer.timeout()
            await hang()

    async def body() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await fire_twice()
        await asyncio.sleep(0)

    await within(body())


async def test_timer_context_timeout_after_the_block() -> None:
    timer = TimerContext(asyncio.get_running_loop())
    with timer:
        await asyncio.sleep(0)
    timer.timeout()
    # The task had left the block: nothing is cancelled.
    await asyncio.sleep(0)


async def test_timer_context_block_swallows_the_cancellation() -> None:
    timer = TimerContext(asyncio.get_running_loop())

    async def body() -> str:
        with timer:
            timer.timeout()
            with contextlib.suppress(asyncio.CancelledError):
                await hang()
        # Our cancellation request was withdrawn on exit: awaiting works.
        await asyncio.sleep(0)
        return "done"

    assert await within(body()) == "done"


async def test_timer_context_other_exception_passes() -> None:
    timer = TimerContext(asyncio.get_running_loop())

    async def replace_cancellation() -> None:
        with timer:
            timer.timeout()
            try:
                await hang()
            except asyncio.CancelledError:
                raise ValueError("replaced") from None

    async def body() -> None:
        with pytest.raises(ValueError, match="replaced"):
            await replace_cancellation()

    await within(body())


async def test_timer_context_external_cancellation_propagates() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop)
    entered = asyncio.Event()

    async def body() -> None:
        with timer:
            entered.set()
            await hang()

    task = loop.create_task(body())
    await within(entered.wait())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await within(task)
    timer.assert_timeout()


@needs_cancel_counting
async def test_timer_context_external_and_timeout_cancellation() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop)
    entered = asyncio.Event()

    async def body() -> None:
        with timer:
            entered.set()
            await hang()

    task = loop.create_task(body())
    await within(entered.wait())
    timer.timeout()
    task.cancel()
    # Someone else asked for cancellation too: it must not become a timeout.
    with pytest.raises(asyncio.CancelledError):
        await within(task)


async def test_timer_context_nested_in_one_task() -> None:
    timer = TimerContext(asyncio.get_running_loop())
    outer_error: list[BaseException] = []

    async def body() -> None:
        try:
            with timer, timer:
                timer.timeout()
                await hang()
        except asyncio.TimeoutError as exc:
            outer_error.append(exc)
        task = asyncio.current_task()
        assert task is not None
        assert cancelling(task) == 0

    await within(body())
    assert len(outer_error) == 1


async def test_timer_context_shared_by_tasks() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop)
    inside: list[None] = []
    both_inside = asyncio.Event()

    async def body() -> None:
        with timer:
            inside.append(None)
            if len(inside) == 2:
                both_inside.set()
            await hang()

    tasks = [loop.create_task(body()) for _ in range(2)]
    await within(both_inside.wait())
    timer.timeout()
    results = await within(asyncio.gather(*tasks, return_exceptions=True))
    assert [type(result) for result in results] == [asyncio.TimeoutError] * 2


async def test_timeout_handle_without_timeout() -> None:
    loop = asyncio.get_running_loop()
    for timeout in (None, 0):
        handle = TimeoutHandle(loop, timeout)
        assert handle.start() is None
        assert isinstance(handle.timer(), TimerNoop)


async def test_timeout_handle_runs_callbacks_once() -> None:
    loop = asyncio.get_running_loop()
    calls: list[tuple[Any, ...]] = []
    handle = TimeoutHandle(loop, SHORT)
    handle.register(lambda *args, **kwargs: calls.append((args, kwargs)), 1, key="v")
    handle.register(calls.append, "second")
    handle()
    handle()
    assert calls == [((1,), {"key": "v"}), "second"]


async def test_timeout_handle_close() -> None:
    calls: list[str] = []
    handle = TimeoutHandle(asyncio.get_running_loop(), SHORT)
    handle.register(calls.append, "x")
    handle.close()
    handle()
    assert calls == []


async def test_timeout_handle_start_fires() -> None:
    loop = asyncio.get_running_loop()
    fired = loop.create_future()
    handle = TimeoutHandle(loop, SHORT)
    handle.register(fired.set_result, "fired")
    timer_handle = handle.start()
    assert timer_handle is not None
    assert await within(fired) == "fired"


async def test_timeout_handle_ceil_threshold() -> None:
    loop = asyncio.get_running_loop()
    ceiled = TimeoutHandle(loop, 10).start()
    exact = TimeoutHandle(loop, 10, ceil_threshold=20).start()
    assert ceiled is not None
    assert exact is not None
    ceiled.cancel()
    exact.cancel()
    assert ceiled.when() == math.ceil(ceiled.when())
    assert exact.when() == pytest.approx(loop.time() + 10, abs=0.5)


async def test_timeout_handle_timer() -> None:
    loop = asyncio.get_running_loop()
    handle = TimeoutHandle(loop, SHORT)
    timer = handle.timer()
    assert isinstance(timer, TimerContext)
    handle.start()

    async def body() -> None:
        with pytest.raises(asyncio.TimeoutError), timer:
            await hang()

    await within(body())


async def test_timeout_handle_failing_callback_is_reported() -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    calls: list[str] = []

    def failing() -> None:
        raise RuntimeError("boom")

    handle = TimeoutHandle(loop, SHORT)
    handle.register(failing)
    handle.register(calls.append, "after")
    handle()
    assert calls == ["after"]
    assert len(reported) == 1
    assert isinstance(reported[0]["exception"], RuntimeError)
    assert reported[0]["message"] == "Error in a timeout callback"


@pytest.mark.parametrize("delay", [None, 0, -1])
async def test_ceil_timeout_without_timeout(delay: float | None) -> None:
    async with ceil_timeout(delay):
        await asyncio.sleep(SHORT)


async def test_ceil_timeout_fires() -> None:
    async def body() -> None:
        with pytest.raises(asyncio.TimeoutError):
            async with ceil_timeout(SHORT):
                await hang()

    await within(body())


async def test_ceil_timeout_in_time() -> None:
    async with ceil_timeout(BOUND):
        await asyncio.sleep(0)


async def test_ceil_timeout_deadline() -> None:
    loop = asyncio.get_running_loop()
    before = loop.time()
    async with ceil_timeout(10, ceil_threshold=5) as ceiled:
        pass
    async with ceil_timeout(2, ceil_threshold=5) as exact:
        pass
    if sys.version_info >= (3, 11):
        assert isinstance(ceiled, asyncio.Timeout)
        assert isinstance(exact, asyncio.Timeout)
        ceiled_when = ceiled.when()
        assert ceiled_when is not None
        assert ceiled_when == math.ceil(ceiled_when)
        assert before + 10 <= ceiled_when <= loop.time() + 11
        assert exact.when() == pytest.approx(before + 2, abs=0.5)


async def test_ceil_timeout_external_cancellation() -> None:
    loop = asyncio.get_running_loop()
    entered = asyncio.Event()

    async def body() -> None:
        async with ceil_timeout(BOUND):
            entered.set()
            await hang()

    task = loop.create_task(body())
    await within(entered.wait())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await within(task)


# _TimeoutAt is what ceil_timeout returns on Python 3.10; it is portable, so
# it is tested on every version.


async def test_timeout_at_fires() -> None:
    loop = asyncio.get_running_loop()

    async def wait() -> None:
        async with _timers._TimeoutAt(loop.time() + SHORT) as timeout:
            assert isinstance(timeout, _timers._TimeoutAt)
            await hang()

    async def body() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await wait()
        await asyncio.sleep(0)

    await within(body())


async def test_timeout_at_in_time() -> None:
    loop = asyncio.get_running_loop()
    timeout = _timers._TimeoutAt(loop.time() + SHORT)
    async with timeout:
        await asyncio.sleep(0)
    assert timeout._handle is not None
    assert timeout._handle.cancelled()
    assert timeout._timer is not None
    timeout._timer.assert_timeout()


async def test_timeout_at_without_deadline() -> None:
    async with _timers._TimeoutAt(None) as timeout:
        await asyncio.sleep(SHORT)
    assert timeout._handle is None


async def test_timeout_at_passes_exceptions() -> None:
    with pytest.raises(ValueError, match="inner"):
        async with _timers._TimeoutAt(None):
            raise ValueError("inner")
