"""``async def`` tests and fixtures, run by the plugin alone."""

from __future__ import annotations

import asyncio

import pytest

# own_rootdir is an autouse fixture: importing it applies it to this module.
from pytest_plugin_harness import own_rootdir as own_rootdir
from pytest_plugin_harness import run

# Loaded here: each in-process run unloads the modules it imported itself.
import aiohttp.web  # noqa: F401

pytest_plugins = ("pytester",)


# In this workspace the root conftest runs plain async tests itself and
# leaves those using the plugin's loop to the plugin: these run as a user's.


async def test_runs_on_the_loop_fixture(loop: asyncio.AbstractEventLoop) -> None:
    assert asyncio.get_running_loop() is loop


def test_sync_test_with_the_loop(loop: asyncio.AbstractEventLoop) -> None:
    assert loop.run_until_complete(asyncio.sleep(0, "done")) == "done"


def test_async_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        loops = []

        async def test_own_loop():
            loop = asyncio.get_running_loop()
            assert asyncio.get_event_loop_policy().get_event_loop() is loop
            loops.append(loop)

        async def test_another_own_loop():
            assert asyncio.get_running_loop() is not loops[0]
            assert loops[0].is_closed()

        async def test_on_the_loop_fixture(loop):
            assert asyncio.get_running_loop() is loop

        class TestInAClass:
            async def test_method(self, loop):
                assert asyncio.get_running_loop() is loop

        async def test_fails():
            await asyncio.sleep(0)
            assert 1 == 2
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*assert 1 == 2*"])


def test_async_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        events = []

        @pytest.fixture
        async def value(loop):
            assert asyncio.get_running_loop() is loop
            return 42

        @pytest.fixture
        async def resource(loop):
            assert asyncio.get_running_loop() is loop
            events.append("setup")
            yield "resource"
            assert asyncio.get_running_loop() is loop
            events.append("teardown")

        async def test_both(value, resource, loop):
            assert (value, resource) == (42, "resource")
            events.append("test")

        def test_order():
            assert events == ["setup", "test", "teardown"]

        def test_sync_test_with_async_fixture(value):
            assert value == 42

        async def test_fixture_asks_for_the_loop(value):
            # The test does not name the loop: the fixture brought it.
            assert value == 42
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_async_fixture_on_the_loop_that_the_test_runs_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def fixture_loop():
            return asyncio.get_running_loop()

        async def test_same_loop(fixture_loop):
            assert asyncio.get_running_loop() is fixture_loop

        async def test_same_loop_by_name(fixture_loop, loop):
            assert fixture_loop is loop
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=2)
    # Only the test that names the loop (or a fixture that does) gets the id.
    result.stdout.fnmatch_lines(
        ["*::test_same_loop PASSED*", "*::test_same_loop_by_name[[]pyloop[]] PASSED*"]
    )


def test_async_fixtures_in_a_class(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        class TestState:
            @pytest.fixture
            async def prepared(self):
                self.state = "prepared"
                return self

            @pytest.fixture
            async def managed(self):
                self.managed = True
                yield
                assert self.managed

            async def test_bound_to_the_test_instance(self, prepared, managed):
                assert prepared is self
                assert self.state == "prepared" and self.managed
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_async_generator_fixture_misuse(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        async def no_yield():
            if False:
                yield

        @pytest.fixture
        async def two_yields():
            yield 1
            yield 2

        async def test_no_yield(no_yield):
            pass

        async def test_two_yields(two_yields):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ValueError: no_yield did not yield a value*",
            "*fixture function two_yields has more than one 'yield'*",
        ]
    )


def test_tests_another_plugin_runs_are_left_to_it(pytester: pytest.Pytester) -> None:
    # Like pytest-asyncio: the test becomes a plain function before the call.
    pytester.makeconftest(
        """
        import asyncio
        import functools
        import inspect
        import pytest

        ran = []

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_call(item):
            function = item.obj
            if inspect.iscoroutinefunction(function):
                @functools.wraps(function)
                def synchronous(**kwargs):
                    ran.append(item.name)
                    asyncio.run(function(**kwargs))
                item.obj = synchronous
            return (yield)
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        from conftest import ran

        async def test_wrapped(loop):
            assert asyncio.get_running_loop() is not loop

        def test_ran():
            assert ran == ["test_wrapped[pyloop]"]
        """
    )
    run(pytester).assert_outcomes(passed=2)


FAKE_PYTEST_ASYNCIO = """
    import pytest

    class Plugin:
        pass

    def pytest_addoption(parser):
        {addini}

    def pytest_configure(config):
        config.addinivalue_line("markers", "asyncio: run by pytest-asyncio")
        config.pluginmanager.register(Plugin(), "asyncio")
"""


WITH_MODE = 'parser.addini("asyncio_mode", "mode", default="strict")'
STRICT_FIX = "remove its asyncio mark, and aiohttp's plugin runs it"
AUTO_FIX = "use asyncio.get_running_loop() instead of the loop argument"


@pytest.mark.parametrize(
    ("addini", "args", "why", "fix"),
    [
        (WITH_MODE, (), "it is marked asyncio", STRICT_FIX),
        (WITH_MODE, ("-o", "asyncio_mode=auto"), "asyncio_mode = auto", AUTO_FIX),
        # A plugin named asyncio, without the setting.
        ("pass", (), "it is marked asyncio", STRICT_FIX),
    ],
)
def test_a_test_that_pytest_asyncio_runs_must_not_take_the_loop(
    pytester: pytest.Pytester, addini: str, args: tuple[str, ...], why: str, fix: str
) -> None:
    # A stand-in for pytest-asyncio: a plugin named "asyncio" and its marker.
    pytester.makeconftest(FAKE_PYTEST_ASYNCIO.format(addini=addini))
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_takes_the_loop(loop):
            pass

        @pytest.mark.asyncio
        async def test_uses_the_client(aiohttp_client):
            pass

        async def test_unmarked(loop):
            pass

        @pytest.mark.asyncio
        def test_sync(loop):
            pass
        """
    )
    result = run(pytester, *args)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_takes_the_loop[[]pyloop[]]*",
            "aiohttp.pytest_plugin: test_takes_the_loop[[]pyloop[]] takes the loop "
            f"fixture, but pytest-asyncio runs it on a loop of its own ({why}); {fix}:*",
        ]
    )
