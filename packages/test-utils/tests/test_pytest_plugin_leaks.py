"""A test that leaks a resource or raises a RuntimeWarning fails, precisely."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

# own_rootdir is an autouse fixture: importing it applies it to this module.
from pytest_plugin_harness import own_rootdir as own_rootdir
from pytest_plugin_harness import run

# Loaded here: each in-process run unloads the modules it imported itself.
import aiohttp.web  # noqa: F401
from aiohttp._pytest_plugin_leaks import LeakWatch, failure_message, record_warnings

pytest_plugins = ("pytester",)


def test_leaked_session_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import aiohttp

        async def test_with_loop(loop):
            session = aiohttp.ClientSession()

        async def test_without_loop():
            session = aiohttp.ClientSession()

        async def test_closed(loop):
            async with aiohttp.ClientSession():
                pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_with_loop[[]pyloop[]] _*",
            "aiohttp.pytest_plugin: the test left 1 resource behind; close each one "
            "(`async with`, or cancel and await a task) before it ends:",
            "  - Unclosed client session: <aiohttp.client.ClientSession object at 0x*>",
            "*_ test_without_loop _*",
            "aiohttp.pytest_plugin: the test left 1 resource behind;*",
            "  - Unclosed client session: <aiohttp.client.ClientSession object at 0x*>",
        ]
    )


def test_leak_shows_where_it_was_made_in_debug_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import aiohttp

        async def test_leak(loop):
            session = aiohttp.ClientSession()
        """
    )
    result = run(pytester, "--aiohttp-enable-loop-debug")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  - Unclosed client session: <*",
            "    created at (innermost last):",
            "*test_leak_shows_where_it_was_made_in_debug_mode.py*, line 4, in test_leak",
            "*session = aiohttp.ClientSession()",
        ]
    )


def test_leaked_connector_with_connections(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import aiohttp
        from aiohttp import web

        async def ok(request):
            return web.Response(text="x")

        async def test_leak(aiohttp_server):
            app = web.Application()
            app.router.add_get("/", ok)
            server = await aiohttp_server(app)
            connector = aiohttp.TCPConnector()
            async with aiohttp.ClientSession(
                connector=connector, connector_owner=False
            ) as session:
                async with session.get(server.make_url("/")) as resp:
                    await resp.read()  # the connection goes back to the pool
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "aiohttp.pytest_plugin: the test left 1 resource behind;*",
            "  - Unclosed connector: <aiohttp.*TCPConnector object at 0x*>",
        ]
    )


def test_leaked_transport(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        async def test_leak(aiohttp_raw_server):
            server = await aiohttp_raw_server(None)
            reader, writer = await asyncio.open_connection(server.host, server.port)
        """
    )
    result = run(pytester)
    # Python 3.11+ finds the stream writer right after the test; 3.10 has
    # no such warning, and the transport shows up when the loop closes.
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) == 1
    result.stdout.fnmatch_lines(["  - unclosed *transport*"])


def test_leaked_task(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        tasks = []

        async def forever():
            await asyncio.Event().wait()

        async def test_kept_with_loop(loop):
            tasks.append(asyncio.create_task(forever()))

        async def test_kept_without_loop():
            tasks.append(asyncio.create_task(forever()))

        async def test_dropped(loop):
            asyncio.create_task(forever())
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines_random(
        [
            # Still referenced: the loop's teardown cancels it, and tells.
            "*ERROR at teardown of test_kept_with_loop[[]pyloop[]]*",
            "*_ test_kept_without_loop _*",
            "  - Task still pending when the test ended: <Task pending name=* coro=<forever()*",
            # Referenced by nothing: the collector destroys it while pending.
            "*_ test_dropped[[]pyloop[]] _*",
            "  - Task was destroyed but it is pending!: <Task pending name=* coro=<forever()*",
        ]
    )


def test_leak_in_a_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import aiohttp
        import pytest

        @pytest.fixture
        async def session():
            return aiohttp.ClientSession()

        @pytest.fixture
        def sync_session(loop):
            async def make():
                return aiohttp.ClientSession()
            return loop.run_until_complete(make())

        async def test_async(session):
            pass

        def test_sync(sync_session):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines_random(
        [
            "*ERROR at teardown of test_async*",
            "*ERROR at teardown of test_sync[[]pyloop[]]*",
        ]
    )


def test_failed_test_is_not_blamed_twice(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import aiohttp
        import pytest

        async def test_fails(loop):
            session = aiohttp.ClientSession()
            assert False, "the real failure"

        @pytest.fixture
        def broken(loop):
            loop.run_until_complete(make())
            raise RuntimeError("setup broke")

        async def make():
            return aiohttp.ClientSession()

        def test_setup_fails(broken):
            pass
        """
    )
    # ResourceWarnings ignored, as by default: the leaks that pytest's
    # traceback keeps alive warn whenever they are collected.
    result = run(pytester, "-W", "ignore::ResourceWarning")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.no_fnmatch_line("*resource behind*")
    result.stdout.fnmatch_lines_random(["*the real failure*", "*setup broke*"])


def test_never_awaited_coroutine(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        async def test_forgot_await(loop):
            asyncio.sleep(0)
        """
    )
    # The default warning filters: "error" would raise where it is emitted.
    result = run(pytester, "-W", "default")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "aiohttp.pytest_plugin: 1 RuntimeWarning during the test:",
            "  - *test_never_awaited_coroutine.py:4: coroutine 'sleep' was never awaited",
        ]
    )


def test_other_warnings_still_reach_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import warnings

        async def test_warns(loop):
            warnings.warn("look here", UserWarning)
        """
    )
    result = run(pytester, "-W", "default")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*UserWarning: look here*"])


def test_other_loop_errors_are_logged_not_failed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        async def test_error_reported(loop):
            loop.call_exception_handler({"message": "something odd"})
        """
    )
    result = run(pytester, "-rP", "--log-level=ERROR")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*something odd*"])


def test_fast_mode_still_passes_clean_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import aiohttp

        async def test_clean(aiohttp_client, loop):
            async with aiohttp.ClientSession():
                pass
        """
    )
    run(pytester, "--aiohttp-fast").assert_outcomes(passed=1)


# -- the leak watch itself ------------------------------------------------------


@pytest.fixture
def new_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_watch_passes_other_contexts_to_the_previous_handler(
    new_loop: asyncio.AbstractEventLoop,
) -> None:
    seen: list[dict[str, Any]] = []
    new_loop.set_exception_handler(lambda loop, context: seen.append(context))
    watch = LeakWatch(new_loop)
    new_loop.call_exception_handler({"message": "not a leak"})
    new_loop.call_exception_handler({"message": "Unclosed thing"})
    assert seen == [{"message": "not a leak"}]
    assert watch.take_report() == ["Unclosed thing"]
    assert watch.take_report() == []


def test_watch_keeps_the_longest_report_of_an_object(
    new_loop: asyncio.AbstractEventLoop,
) -> None:
    watch = LeakWatch(new_loop)

    class Thing:
        _loop = new_loop

        def __repr__(self) -> str:
            return "<Thing>"

    thing = Thing()
    with record_warnings(watch):
        warnings.warn("Unclosed thing <Thing>", ResourceWarning, 2, source=thing)
    new_loop.call_exception_handler({"message": "Unclosed thing", "connector": thing})
    assert watch.take_report() == ["Unclosed thing: <Thing>"]


def warn(message: str, source: object = None) -> None:
    warnings.warn(message, ResourceWarning, 2, source=source)


def test_watch_ignores_another_loops_resources(
    new_loop: asyncio.AbstractEventLoop,
) -> None:
    watch = LeakWatch(new_loop)
    other = asyncio.new_event_loop()
    try:

        class Thing:
            loop = other

        with (  # noqa: PT031 - the recorder shows one of the three again
            pytest.warns(ResourceWarning, match="unclosed elsewhere"),
            record_warnings(watch),
        ):
            warn("unclosed elsewhere", source=Thing())
            warn("unclosed here")
            warn("unclosed socket", source=object())
        # Under "error", another loop's leak does not fail this test.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with record_warnings(watch):
                warn("unclosed elsewhere", source=Thing())
    finally:
        other.close()
    assert watch.take_report() == ["unclosed here", "unclosed socket"]


def test_failure_message_counts() -> None:
    message = failure_message(["a", "b"], ["x.py:1: c", "x.py:2: d"])
    assert message == (
        "aiohttp.pytest_plugin: the test left 2 resources behind; close each one "
        "(`async with`, or cancel and await a task) before it ends:\n"
        "  - a\n  - b\n"
        "2 RuntimeWarnings during the test:\n"
        "  - x.py:1: c\n  - x.py:2: d"
    )
