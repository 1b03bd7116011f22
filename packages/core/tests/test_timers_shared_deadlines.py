"""SharedDeadlines: timeouts of whole seconds that share one loop timer.

A timeout of ``ceil_threshold`` seconds or more ends on a whole second of the
loop clock, so timeouts started within the same second end together: they
fire from one loop timer. Each wait is bounded, so a bug fails the test
instead of hanging it.
"""

from __future__ import annotations

import asyncio
import math
from unittest import mock

from aiohttp._timers import SharedDeadlines, TimerContext

BOUND = 5.0


async def sleep_inside(timer: TimerContext) -> None:
    with timer:
        await asyncio.sleep(BOUND)


async def test_timers_due_in_the_same_second_share_one_loop_timer() -> None:
    loop = asyncio.get_running_loop()
    deadlines = SharedDeadlines(loop)
    # Far enough from the end of a second that all land on the same one.
    if math.ceil(loop.time()) - loop.time() < 0.1:
        await asyncio.sleep(0.15)
    with mock.patch.object(loop, "call_at", wraps=loop.call_at) as call_at:
        disarms = [deadlines.arm(TimerContext(loop), 300) for _ in range(3)]
    assert call_at.call_count == 1
    for disarm in disarms:
        disarm()


async def test_a_shared_deadline_fires_every_timer_still_armed() -> None:
    loop = asyncio.get_running_loop()
    deadlines = SharedDeadlines(loop)
    first, second, disarmed = TimerContext(loop), TimerContext(loop), TimerContext(loop)
    # A threshold below the timeout rounds it up to the next whole second.
    for timer in (first, second, disarmed):
        disarm = deadlines.arm(timer, 0.01, ceil_threshold=0.001)
    disarm()  # the last one's
    tasks = [asyncio.ensure_future(sleep_inside(t)) for t in (first, second)]
    results = await asyncio.wait_for(
        asyncio.gather(*tasks, return_exceptions=True), BOUND
    )
    assert all(isinstance(result, asyncio.TimeoutError) for result in results)
    disarmed.assert_timeout()  # not fired: no error


async def test_a_short_timeout_gets_a_loop_timer_of_its_own() -> None:
    loop = asyncio.get_running_loop()
    deadlines = SharedDeadlines(loop)
    timer = TimerContext(loop)
    started = loop.time()
    deadlines.arm(timer, 0.05)  # under the default threshold of 5 s: exact
    task = asyncio.ensure_future(sleep_inside(timer))
    done, _ = await asyncio.wait((task,), timeout=BOUND)
    assert task in done
    assert isinstance(task.exception(), asyncio.TimeoutError)
    assert loop.time() - started < 1  # not rounded up to a whole second


async def test_a_disarmed_short_timeout_never_fires() -> None:
    loop = asyncio.get_running_loop()
    deadlines = SharedDeadlines(loop)
    timer = TimerContext(loop)
    deadlines.arm(timer, 0.01)()
    await asyncio.sleep(0.05)
    timer.assert_timeout()  # not fired: no error
