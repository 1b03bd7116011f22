"""Timeouts for the client and the server.

A :class:`TimeoutHandle` holds one deadline and the callbacks to run when it
passes; :meth:`TimeoutHandle.timer` gives a :class:`TimerContext` that turns
the deadline into :exc:`asyncio.TimeoutError` inside the task that entered
it. :func:`ceil_timeout` is the ``async with`` form.

Timeouts of ``ceil_threshold`` seconds or more end on a whole second of the
loop clock, so that many connections' timers share the same wake-ups.
"""

from __future__ import annotations

import asyncio
import functools
import math
import operator
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from types import TracebackType
from typing import Any

__all__ = (
    "BaseTimerContext",
    "SharedDeadlines",
    "TimeoutHandle",
    "TimerContext",
    "TimerNoop",
    "calculate_timeout_when",
    "call_later",
    "ceil_timeout",
)

if sys.version_info >= (3, 11):
    # A C-level call: a timer is entered on every client request.
    _cancelling: Callable[[asyncio.Task[Any]], int] = operator.methodcaller(
        "cancelling"
    )

    def _uncancel(task: asyncio.Task[Any]) -> int:
        return task.uncancel()

else:  # pragma: no cover
    # Python 3.10 does not count cancellation requests: a cancellation that
    # coincides with a timeout is reported as the timeout.
    def _cancelling(task: asyncio.Task[Any]) -> int:
        return 0

    def _uncancel(task: asyncio.Task[Any]) -> int:
        return 0


def calculate_timeout_when(
    loop_time: float, timeout: float, timeout_ceiling_threshold: float
) -> float:
    """Return the loop time at which a ``timeout`` started at ``loop_time`` ends.

    From ``timeout_ceiling_threshold`` seconds on, the deadline is rounded up
    to the next whole second: a late wake-up matters little for long
    timeouts, and shared wake-ups save the loop work.
    """
    when = loop_time + timeout
    if timeout >= timeout_ceiling_threshold:
        return float(math.ceil(when))
    return when


def call_later(
    cb: Callable[[], None],
    timeout: float | None,
    loop: asyncio.AbstractEventLoop,
    timeout_ceil_threshold: float = 5,
) -> asyncio.TimerHandle | None:
    """Schedule ``cb`` after ``timeout`` seconds; ``None`` or ``<= 0`` means never."""
    if timeout is None or timeout <= 0:
        return None
    when = calculate_timeout_when(loop.time(), timeout, timeout_ceil_threshold)
    return loop.call_at(when, cb)


class BaseTimerContext(AbstractContextManager["BaseTimerContext"], ABC):
    """A ``with`` block guarded by a timeout."""

    __slots__ = ()

    @abstractmethod
    def assert_timeout(self) -> None:
        """Raise :exc:`asyncio.TimeoutError` if the timeout has already fired."""


class TimerNoop(BaseTimerContext):
    """The timer of an operation without a timeout: it never fires."""

    __slots__ = ()

    def assert_timeout(self) -> None:
        """Do nothing: there is no timeout to have fired."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        return None


class TimerContext(BaseTimerContext):
    """Cancel the tasks inside the ``with`` block when :meth:`timeout` is called.

    The cancellation leaves the block as :exc:`asyncio.TimeoutError`. A
    cancellation from elsewhere still leaves it as
    :exc:`asyncio.CancelledError` (told apart on Python 3.11 and later, which
    count cancellation requests). Once fired, the timer stays fired: entering
    it again raises :exc:`asyncio.TimeoutError` at once.
    """

    __slots__ = ("_cancelled", "_cancelled_tasks", "_entered", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # One (task, its cancellation count at entry) per entry, innermost last.
        self._entered: list[tuple[asyncio.Task[Any], int]] = []
        self._cancelled_tasks: set[asyncio.Task[Any]] = set()
        self._cancelled = False

    def assert_timeout(self) -> None:
        """Raise :exc:`asyncio.TimeoutError` if :meth:`timeout` was called."""
        if self._cancelled:
            raise asyncio.TimeoutError from None

    def __enter__(self) -> TimerContext:
        task = asyncio.current_task(loop=self._loop)
        if task is None:
            raise RuntimeError("Timeout context manager should be used inside a task")
        if self._cancelled:  # assert_timeout(), inline: entered on every request
            raise asyncio.TimeoutError from None
        self._entered.append((task, _cancelling(task)))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        task, cancelling = self._entered.pop()
        if task not in self._cancelled_tasks:
            return
        # Take back our own cancellation request, whatever the block did with
        # it; any request left is someone else's and must go on.
        self._cancelled_tasks.discard(task)
        cancelled_elsewhere = _uncancel(task) > cancelling
        if (
            exc_type is not None
            and issubclass(exc_type, asyncio.CancelledError)
            and not cancelled_elsewhere
        ):
            raise asyncio.TimeoutError from exc_val

    def timeout(self) -> None:
        """Fire: cancel every task currently inside the block."""
        if self._cancelled:
            return
        self._cancelled = True
        for task, _ in self._entered:
            if task not in self._cancelled_tasks:
                self._cancelled_tasks.add(task)
                task.cancel()


class TimeoutHandle:
    """One timeout and the callbacks that run when it passes."""

    __slots__ = ("_callbacks", "_ceil_threshold", "_loop", "_timeout")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        timeout: float | None,
        ceil_threshold: float = 5,
    ) -> None:
        self._loop = loop
        self._timeout = timeout
        self._ceil_threshold = ceil_threshold
        self._callbacks: list[
            tuple[Callable[..., None], tuple[object, ...], dict[str, object]]
        ] = []

    def register(
        self, callback: Callable[..., None], *args: object, **kwargs: object
    ) -> None:
        """Call ``callback(*args, **kwargs)`` when the timeout passes."""
        self._callbacks.append((callback, args, kwargs))

    def close(self) -> None:
        """Forget the callbacks: the guarded operation is over."""
        self._callbacks.clear()

    def start(self) -> asyncio.TimerHandle | None:
        """Start the clock; ``None`` when there is no timeout to wait for."""
        return call_later(self, self._timeout, self._loop, self._ceil_threshold)

    def timer(self) -> BaseTimerContext:
        """Return a timer that this handle fires (a no-op one without a timeout)."""
        if self._timeout is None or self._timeout <= 0:
            return TimerNoop()
        timer = TimerContext(self._loop)
        self.register(timer.timeout)
        return timer

    def __call__(self) -> None:
        """Run the callbacks, each once, then forget them."""
        callbacks, self._callbacks = self._callbacks, []
        for callback, args, kwargs in callbacks:
            self._run(callback, args, kwargs)

    def _run(
        self,
        callback: Callable[..., None],
        args: tuple[object, ...],
        kwargs: dict[str, object],
    ) -> None:
        # One failing callback must not keep the others from running, nor
        # fail silently.
        try:
            callback(*args, **kwargs)
        except Exception as exc:
            self._loop.call_exception_handler(
                {"message": "Error in a timeout callback", "exception": exc}
            )


class SharedDeadlines:
    """Timers that fire at whole seconds, one loop timer per second for all.

    A timeout of ``ceil_threshold`` seconds or more ends on a whole second
    (see :func:`calculate_timeout_when`), so the many timeouts started
    within one second (a client's ``total`` timeouts, say) share their
    deadline: here they share one loop timer too, instead of each arming
    and cancelling its own. Shorter timeouts get a loop timer of their own.
    """

    __slots__ = ("_due", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # The timers due at each deadline; a deadline's loop timer fires them.
        self._due: dict[float, set[TimerContext]] = {}

    def arm(
        self, timer: TimerContext, timeout: float, ceil_threshold: float = 5
    ) -> Callable[[], None]:
        """Fire ``timer`` once ``timeout`` seconds pass; return its disarming."""
        loop = self._loop
        if timeout < ceil_threshold:
            return loop.call_at(loop.time() + timeout, timer.timeout).cancel
        when = float(math.ceil(loop.time() + timeout))  # calculate_timeout_when()
        timers = self._due.get(when)
        if timers is None:
            timers = self._due[when] = set()
            loop.call_at(when, self._fire, when)
        timers.add(timer)
        return functools.partial(timers.discard, timer)

    def _fire(self, when: float) -> None:
        for timer in self._due.pop(when):
            timer.timeout()


class _TimeoutAt:
    """``asyncio.timeout_at`` for Python 3.10, built on :class:`TimerContext`."""

    __slots__ = ("_handle", "_timer", "_when")

    def __init__(self, when: float | None) -> None:
        self._when = when
        self._handle: asyncio.TimerHandle | None = None
        self._timer: TimerContext | None = None

    async def __aenter__(self) -> _TimeoutAt:
        loop = asyncio.get_running_loop()
        self._timer = TimerContext(loop).__enter__()
        if self._when is not None:
            self._handle = loop.call_at(self._when, self._timer.timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.cancel()
        assert self._timer is not None
        self._timer.__exit__(exc_type, exc_val, exc_tb)


def ceil_timeout(
    delay: float | None, ceil_threshold: float = 5
) -> AbstractAsyncContextManager[object]:
    """Return an ``async with`` block that times out after ``delay`` seconds.

    The block raises :exc:`asyncio.TimeoutError` when the delay passes;
    ``None`` (or a delay ``<= 0``, as in aiohttp) means no timeout. Delays
    of ``ceil_threshold`` seconds or more end on a whole second.
    """
    when = None
    if delay is not None and delay > 0:
        loop_time = asyncio.get_running_loop().time()
        when = calculate_timeout_when(loop_time, delay, ceil_threshold)
    if sys.version_info >= (3, 11):
        return asyncio.timeout_at(when)
    return _TimeoutAt(when)  # pragma: no cover
