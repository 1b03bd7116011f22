"""``--aiohttp-loop``: which event loops the tests that use ``loop`` run on."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest

# own_rootdir is an autouse fixture: importing it applies it to this module.
from pytest_plugin_harness import own_rootdir as own_rootdir
from pytest_plugin_harness import run

# Loaded here: each in-process run unloads the modules it imported itself.
import aiohttp.web  # noqa: F401
from aiohttp._pytest_plugin_loops import available_loops, select_loops

pytest_plugins = ("pytester",)


class OtherLoop(asyncio.SelectorEventLoop):
    pass


def fake_module(name: str, **attributes: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def test_pyloop_alone_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("uvloop", "tokio"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    assert available_loops() == {"pyloop": asyncio.new_event_loop}
    assert select_loops("pyloop") == {"pyloop": asyncio.new_event_loop}
    assert select_loops("all") == {"pyloop": asyncio.new_event_loop}
    assert select_loops(" pyloop , uvloop? ,tokio?") == {
        "pyloop": asyncio.new_event_loop
    }


def test_third_party_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    class Policy:
        def new_event_loop(self) -> asyncio.AbstractEventLoop:
            return OtherLoop()

    monkeypatch.setitem(
        sys.modules, "uvloop", fake_module("uvloop", new_event_loop=OtherLoop)
    )
    # A module with only a policy class (the older tokio's API).
    monkeypatch.setitem(
        sys.modules, "tokio", fake_module("tokio", EventLoopPolicy=Policy)
    )
    loops = select_loops("all")
    assert list(loops) == ["pyloop", "uvloop", "tokio"]
    assert list(select_loops("tokio,uvloop")) == ["tokio", "uvloop"]
    loop = loops["tokio"]()
    try:
        assert isinstance(loop, OtherLoop)
    finally:
        loop.close()


def test_a_module_without_a_loop_is_not_a_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", fake_module("uvloop"))
    monkeypatch.setitem(sys.modules, "tokio", None)
    assert list(available_loops()) == ["pyloop"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "uvloop",
            "--aiohttp-loop: the uvloop loop is not installed (installed: pyloop); write uvloop? to use it only where it is installed",
        ),
        ("pyloop,tokio", "--aiohttp-loop: the tokio loop is not installed*"),
        (
            "asyncio",
            "--aiohttp-loop: unknown loop 'asyncio'; known loops: pyloop, uvloop, tokio (or all)",
        ),
        ("uvloop?", "--aiohttp-loop='uvloop?' names no installed loop"),
        (",", "--aiohttp-loop=',' names no installed loop"),
    ],
)
def test_bad_choice_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, spec: str, message: str
) -> None:
    for name in ("uvloop", "tokio"):
        monkeypatch.setitem(sys.modules, name, None)
    pytester.makepyfile("def test_x(loop): pass")
    result = run(pytester, f"--aiohttp-loop={spec}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_each_chosen_loop_runs_the_test(pytester: pytest.Pytester) -> None:
    # Fake third-party loops, importable by the pytest subprocess only.
    pytester.makepyfile(
        uvloop="""
        import asyncio

        class Loop(asyncio.SelectorEventLoop):
            pass

        new_event_loop = Loop
        """,
        tokio="""
        import asyncio

        class Loop(asyncio.SelectorEventLoop):
            pass

        class EventLoopPolicy:
            def new_event_loop(self):
                return Loop()
        """,
    )
    pytester.makepyfile(
        test_loops="""
        import asyncio

        def test_sync(loop, request):
            name = request.node.callspec.id
            assert type(loop).__module__ == ("asyncio.unix_events" if name == "pyloop" else name)

        async def test_async(loop):
            assert asyncio.get_running_loop() is loop

        async def test_without_loop():
            pass
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-v", "--aiohttp-loop=all"
    )
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines_random(
        [
            "*::test_sync[[]pyloop[]] PASSED*",
            "*::test_sync[[]uvloop[]] PASSED*",
            "*::test_sync[[]tokio[]] PASSED*",
            "*::test_async[[]pyloop[]] PASSED*",
            "*::test_async[[]uvloop[]] PASSED*",
            "*::test_async[[]tokio[]] PASSED*",
            "*::test_without_loop PASSED*",
        ]
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-v", "--aiohttp-loop=uvloop"
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines_random(["*::test_sync[[]uvloop[]] PASSED*"])
