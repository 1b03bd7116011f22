"""Test helpers shared by every member's tests.

pytest loads this file for all tests below the workspace root, also when a
nox session runs one member's tests in that member's own venv.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import importlib.util
import inspect
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement

DistributionContract = Callable[[str, set[str], set[str]], None]


def _check_distribution(
    distribution: str, siblings: set[str], third_party: set[str]
) -> None:
    """Check ``distribution`` as installed against DESIGN.md's table.

    It pins exactly ``siblings`` at its own version, requires nothing but
    those and ``third_party``, and each aiohttp module the facade assigns to
    it either imports or is reported missing *from it*.
    """
    import aiohttp
    from aiohttp import _facade

    requirements = [
        Requirement(line)
        for line in importlib.metadata.distribution(distribution).requires or []
    ]
    version = importlib.metadata.version(distribution)
    pins = {
        req.name: str(req.specifier) for req in requirements if req.name in siblings
    }
    assert pins == dict.fromkeys(siblings, f"=={version}")
    assert {req.name for req in requirements} == siblings | third_party

    modules = [
        m for m, owner in _facade.MODULE_DISTRIBUTIONS.items() if owner == distribution
    ]
    assert modules, f"the facade assigns no module to {distribution}"
    for module in modules:
        if importlib.util.find_spec(f"aiohttp.{module}") is not None:
            assert getattr(aiohttp, module) is importlib.import_module(
                f"aiohttp.{module}"
            )
        else:
            with pytest.raises(
                ImportError, match=f"installed {distribution} {version}"
            ):
                getattr(aiohttp, module)


@pytest.fixture
def distribution_contract() -> DistributionContract:
    """Check an installed aiotide distribution against DESIGN.md's table."""
    return _check_distribution


@pytest.fixture
def short_tmp_path() -> Iterator[Path]:
    """A fresh directory with a short path, for Unix sockets.

    A socket's path must fit in about 107 bytes; pytest's ``tmp_path``
    (with its numbered base and the test's name) can be longer.
    """
    path = Path(tempfile.mkdtemp(prefix="aiotide-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


_PLUGIN_LOOPS = frozenset({"loop", "proactor_loop"})


def _has_async_fixture(item: pytest.Function) -> bool:
    definitions = item._fixtureinfo.name2fixturedefs.values()
    return any(
        inspect.iscoroutinefunction(fixture.func)
        or inspect.isasyncgenfunction(fixture.func)
        for fixtures in definitions
        for fixture in fixtures
    )


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests, each in a fresh event loop in debug mode.

    The core distributions cannot use aiotide's own pytest plugin (it ships in
    aiotide-test-utils, which depends on them), so this is their runner.
    Fixtures stay synchronous; a test creates what it needs on its loop.
    A test that uses the plugin's loop (``loop``, ``proactor_loop``, or a
    fixture built on them such as ``aiohttp_client``), or an ``async def``
    fixture, is the plugin's to run: on that loop, not on a new one.
    """
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    if _PLUGIN_LOOPS.intersection(pyfuncitem.fixturenames) or _has_async_fixture(
        pyfuncitem
    ):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    arguments = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(function(**arguments), debug=True)
    return True
