"""aiohttp's pytest plugin: event loops, test servers and clients, async tests.

Loaded by the ``pytest11`` entry point of aiotide-test-utils (or, as in
aiohttp, by ``pytest_plugins = "aiohttp.pytest_plugin"`` in a conftest).

- ``async def`` tests run on the ``loop`` fixture's loop when they use it
  (directly or through ``aiohttp_client`` and friends), else on a fresh
  loop of their own; ``async def`` fixtures (coroutines and async
  generators) run on the ``loop`` fixture's loop. No other plugin needed.
- A test that uses ``loop`` runs once per loop that ``--aiohttp-loop``
  chooses, with the loop's name in its id: ``test_x[pyloop]``.
- A test fails when it leaves a client session, connector, response,
  transport or task behind, or raises a ``RuntimeWarning`` (such as
  "coroutine ... was never awaited"): see ``docs/testing.md``.

Tests that another plugin already turned into plain functions (pytest-asyncio
does so in its auto mode) are left to that plugin.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Protocol, TypeVar, overload

import pytest

from ._pytest_plugin_leaks import (
    LeakWatch,
    collect_garbage,
    failure_message,
    record_warnings,
)
from ._pytest_plugin_loops import LoopFactory, select_loops
from .test_utils import (
    BaseTestServer,
    RawTestServer,
    TestClient,
    TestServer,
    setup_test_loop,
    teardown_test_loop,
)
from .test_utils import unused_port as _unused_port
from .web_app import Application
from .web_request import BaseRequest, Request
from .web_response import StreamResponse

_Request = TypeVar("_Request", bound=BaseRequest)
_RawHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]


class AiohttpClient(Protocol):
    """The type of the ``aiohttp_client`` fixture's factory."""

    @overload
    async def __call__(
        self,
        app: Application,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,  # noqa: ANN401 - TestClient's arguments
    ) -> TestClient[Request, Application]: ...

    @overload
    async def __call__(
        self,
        server: BaseTestServer[_Request],
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> TestClient[_Request, None]: ...


class AiohttpServer(Protocol):
    """The type of the ``aiohttp_server`` fixture's factory."""

    def __call__(
        self,
        app: Application,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,  # noqa: ANN401 - start_server()'s arguments
    ) -> Awaitable[TestServer]: ...


class AiohttpRawServer(Protocol):
    """The type of the ``aiohttp_raw_server`` fixture's factory."""

    def __call__(
        self,
        handler: _RawHandler,
        *,
        port: int | None = None,
        **kwargs: Any,  # noqa: ANN401 - start_server()'s arguments
    ) -> Awaitable[RawTestServer]: ...


# -- options and loop selection ---------------------------------------------

_LOOPS = pytest.StashKey[dict[str, LoopFactory]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--aiohttp-fast``, ``--aiohttp-loop``, ``--aiohttp-enable-loop-debug``."""
    group = parser.getgroup("aiohttp", "aiohttp test loops, servers and clients")
    group.addoption(
        "--aiohttp-fast",
        action="store_true",
        default=False,
        help="run tests faster: no garbage collection after each test "
        "(leaks are then found only when nothing else holds them)",
    )
    group.addoption(
        "--aiohttp-loop",
        action="store",
        default="pyloop",
        help="run tests that use the loop fixture on these event loops: a comma "
        "separated list of pyloop, uvloop, tokio (a name ending in ? only where "
        "installed) or all; default: pyloop",
    )
    group.addoption(
        "--aiohttp-enable-loop-debug",
        action="store_true",
        default=False,
        help="run the test loops in asyncio debug mode",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Check ``--aiohttp-loop`` once, before any test is collected."""
    config.stash[_LOOPS] = select_loops(config.getoption("--aiohttp-loop"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test that uses the loop once per chosen loop: ``test_x[pyloop]``."""
    if "loop_factory" not in metafunc.fixturenames:
        return
    loops = metafunc.config.stash[_LOOPS]
    metafunc.parametrize("loop_factory", list(loops.values()), ids=list(loops))


# -- the test loop ------------------------------------------------------------

# The loop the running test's ``loop`` (or ``proactor_loop``) fixture made.
_TEST_LOOP = pytest.StashKey["_TestLoop"]()
# Set when a test's setup or call failed: its leaks are not news then.
_FAILED = pytest.StashKey[bool]()


class _TestLoop:
    """A test's event loop and the watch for what its test leaks."""

    def __init__(self, factory: LoopFactory, debug: bool) -> None:
        self.loop = setup_test_loop(factory)
        if debug:
            self.loop.set_debug(True)
        self.watch = LeakWatch(self.loop)

    def run(
        self, function: Callable[..., Any], arguments: dict[str, Any], fast: bool
    ) -> None:
        """Run an ``async def`` test; fail it when it leaked or warned."""
        with record_warnings(self.watch) as recorder:
            self.loop.run_until_complete(function(**arguments))
            if not fast:
                collect_garbage()
        leaks = self.watch.take_report()
        if leaks or recorder.runtime:
            pytest.fail(failure_message(leaks, recorder.runtime), pytrace=False)

    def finish(self, fast: bool) -> str | None:
        """Close the loop; return what the test left behind, if anything."""
        loop = self.loop
        pending = [] if loop.is_closed() else asyncio.all_tasks(loop)
        leaks = [
            f"Task still pending when the test ended: {task!r}" for task in pending
        ]
        with record_warnings(self.watch) as recorder:
            teardown_test_loop(loop, fast=fast)
        leaks += self.watch.take_report()
        if leaks or recorder.runtime:
            return failure_message(leaks, recorder.runtime)
        return None


_ANOTHER_RUNNER = (
    "aiohttp.pytest_plugin: {name} takes the {fixture} fixture, but "
    "pytest-asyncio runs it on a loop of its own ({why}); {fix}: see "
    "docs/testing.md."
)
_FIX_AUTO = "use asyncio.get_running_loop() instead of the {fixture} argument"
_FIX_STRICT = "remove its asyncio mark, and aiohttp's plugin runs it"


def _check_not_claimed(item: pytest.Item, fixture: str) -> None:
    """Fail a test that takes our loop when pytest-asyncio runs it.

    Its code would use one loop while it runs on another.
    """
    if not item.config.pluginmanager.has_plugin("asyncio"):
        return
    if item.get_closest_marker("asyncio") is None:
        return
    function = getattr(item, "function", None)
    fixture_info = getattr(item, "_fixtureinfo", None)
    if not inspect.iscoroutinefunction(function) or fixture_info is None:
        return
    if fixture not in fixture_info.argnames:
        return
    if _asyncio_mode(item.config) == "auto":
        why, fix = "asyncio_mode = auto", _FIX_AUTO.format(fixture=fixture)
    else:
        why, fix = "it is marked asyncio", _FIX_STRICT
    message = _ANOTHER_RUNNER.format(name=item.name, fixture=fixture, why=why, fix=fix)
    pytest.fail(message, pytrace=False)


def _asyncio_mode(config: pytest.Config) -> str:
    """pytest-asyncio's mode: its option, else its ini setting."""
    mode = config.getoption("asyncio_mode", None)
    if not mode:
        try:
            mode = config.getini("asyncio_mode")
        except ValueError:  # not pytest-asyncio's: no such setting
            mode = None
    return str(mode or "strict")


def _loop_fixture(
    request: pytest.FixtureRequest, factory: LoopFactory, fast: bool, debug: bool
) -> Iterator[asyncio.AbstractEventLoop]:
    item = request.node
    _check_not_claimed(item, request.fixturename or "loop")
    test_loop = _TestLoop(factory, debug)
    item.stash[_TEST_LOOP] = test_loop
    try:
        yield test_loop.loop
    finally:
        del item.stash[_TEST_LOOP]
        # The fixtures built on the loop are torn down; values pytest still
        # holds for the test would hide what they leaked from the collector.
        getattr(item, "funcargs", {}).clear()
        problem = test_loop.finish(fast)
    if problem is not None and not item.stash.get(_FAILED, False):
        pytest.fail(problem, pytrace=False)


@pytest.fixture
def fast(request: pytest.FixtureRequest) -> bool:
    """``--aiohttp-fast``: skip the garbage collection after each test."""
    return bool(request.config.getoption("--aiohttp-fast"))


@pytest.fixture
def loop_debug(request: pytest.FixtureRequest) -> bool:
    """``--aiohttp-enable-loop-debug``: run the test loops in debug mode."""
    return bool(request.config.getoption("--aiohttp-enable-loop-debug"))


@pytest.fixture
def loop_factory(request: pytest.FixtureRequest) -> LoopFactory:
    """The factory of the ``loop`` fixture's loop (parametrized per loop).

    This default serves a ``loop`` requested on the fly, by an async
    fixture of a test that does not name it: the first chosen loop.
    """
    return next(iter(request.config.stash[_LOOPS].values()))


@pytest.fixture
def loop(
    request: pytest.FixtureRequest,
    loop_factory: LoopFactory,
    fast: bool,
    loop_debug: bool,
) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop for the test, current while it runs, closed after.

    ``async def`` tests and fixtures run on it. At the end the tasks still
    pending are cancelled and the loop is closed; a test that leaked a
    resource or a task fails.
    """
    yield from _loop_fixture(request, loop_factory, fast, loop_debug)


@pytest.fixture
def proactor_loop(
    request: pytest.FixtureRequest, fast: bool, loop_debug: bool
) -> Iterator[asyncio.AbstractEventLoop]:
    """Like ``loop``, with Windows' proactor event loop (skipped elsewhere)."""
    if sys.platform != "win32":
        pytest.skip("the proactor event loop exists on Windows only")
    else:  # pragma: no cover - Windows only
        yield from _loop_fixture(request, asyncio.ProactorEventLoop, fast, loop_debug)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember a failed setup or call, so teardown does not pile leaks on it."""
    report = yield
    if report.failed and call.when in ("setup", "call"):
        item.stash[_FAILED] = True
    return report


# -- async tests and fixtures -------------------------------------------------


def _current_test_loop(item: pytest.Item) -> _TestLoop | None:
    return item.stash.get(_TEST_LOOP, None)


def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run an ``async def`` test on its test loop (a fresh one if it has none)."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None  # a plain test, or one another plugin wrapped already
    arguments = {
        name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames
    }
    config = pyfuncitem.config
    fast = bool(config.getoption("--aiohttp-fast"))
    test_loop = _current_test_loop(pyfuncitem)
    if test_loop is not None:
        test_loop.run(function, arguments, fast)
        return True
    # No loop fixture of ours: a loop for this test alone.
    factory = next(iter(config.stash[_LOOPS].values()))
    test_loop = _TestLoop(
        factory, bool(config.getoption("--aiohttp-enable-loop-debug"))
    )
    try:
        test_loop.run(function, arguments, fast)
    finally:
        problem = test_loop.finish(fast)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    return True


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    """Set up an ``async def`` fixture on the test loop.

    For the time of the setup pytest sees a plain function (a generator for
    an async generator fixture, so pytest drives its teardown).
    """
    func = fixturedef.func
    if not (inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)):
        return (yield)
    # pytest types ``func`` as Final; swapping it for the setup is how
    # plugins hand pytest a synchronous fixture.
    setattr(fixturedef, "func", _synchronous(func, request))  # noqa: B010
    try:
        return (yield)
    finally:
        setattr(fixturedef, "func", func)  # noqa: B010


def _bound(
    func: Callable[..., Any], request: pytest.FixtureRequest
) -> Callable[..., Any]:
    """``func`` bound to the test's class instance, as pytest binds fixtures."""
    instance = request.instance
    owner = getattr(func, "__self__", None)
    if instance is None or owner is None or not isinstance(instance, type(owner)):
        return func
    function: Any = getattr(func, "__func__", func)
    return function.__get__(instance)  # type: ignore[no-any-return]


def _fixture_loop(request: pytest.FixtureRequest) -> asyncio.AbstractEventLoop:
    name = "proactor_loop" if "proactor_loop" in request.fixturenames else "loop"
    loop: asyncio.AbstractEventLoop = request.getfixturevalue(name)
    return loop


def _synchronous(
    func: Callable[..., Any], request: pytest.FixtureRequest
) -> Callable[..., Any]:
    target = _bound(func, request)
    name = request.fixturename

    if inspect.isasyncgenfunction(func):

        def run_generator(**kwargs: Any) -> Iterator[Any]:  # noqa: ANN401
            loop = _fixture_loop(request)
            generator = target(**kwargs)
            try:
                value = loop.run_until_complete(generator.__anext__())
            except StopAsyncIteration:
                raise ValueError(f"{name} did not yield a value") from None
            yield value
            try:
                loop.run_until_complete(generator.__anext__())
            except StopAsyncIteration:
                return
            loop.run_until_complete(generator.aclose())
            pytest.fail(f"fixture function {name} has more than one 'yield'")

        return run_generator

    def run_coroutine(**kwargs: Any) -> Any:  # noqa: ANN401
        return _fixture_loop(request).run_until_complete(target(**kwargs))

    return run_coroutine


# -- servers and clients --------------------------------------------------------


@pytest.fixture
def aiohttp_unused_port() -> Callable[[], int]:
    """Return a function that returns a free TCP port on 127.0.0.1."""
    return _unused_port


@pytest.fixture
async def aiohttp_server(
    loop: asyncio.AbstractEventLoop,
) -> AsyncIterator[AiohttpServer]:
    """Factory of started test servers, closed after the test.

    ``await aiohttp_server(app, *, host="127.0.0.1", port=None, **kwargs)``;
    ``kwargs`` go to ``start_server()`` (``ssl``, ``access_log``, ...).
    """
    servers: list[_Closable] = []

    async def make(
        app: Application,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> TestServer:
        server = TestServer(app, host=host, port=port)
        await server.start_server(**kwargs)
        servers.append(server)
        return server

    yield make
    await _close_all(servers)


@pytest.fixture
async def aiohttp_raw_server(
    loop: asyncio.AbstractEventLoop,
) -> AsyncIterator[AiohttpRawServer]:
    """Factory of started raw test servers, closed after the test.

    ``await aiohttp_raw_server(handler, *, port=None, **kwargs)``: the
    handler takes a :class:`aiohttp.web.BaseRequest` and returns a response.
    """
    servers: list[_Closable] = []

    async def make(
        handler: _RawHandler,
        *,
        port: int | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> RawTestServer:
        server = RawTestServer(handler, port=port)
        await server.start_server(**kwargs)
        servers.append(server)
        return server

    yield make
    await _close_all(servers)


@pytest.fixture
def aiohttp_client_cls() -> type[TestClient[Any, Any]]:
    """The client class ``aiohttp_client`` makes; override to use a subclass."""
    return TestClient


@pytest.fixture
async def aiohttp_client(
    loop: asyncio.AbstractEventLoop,
    aiohttp_client_cls: type[TestClient[Any, Any]],
) -> AsyncIterator[AiohttpClient]:
    """Factory of started test clients, closed after the test.

    ``await aiohttp_client(app, server_kwargs=None, **kwargs)`` serves the
    application on a :class:`TestServer` made with ``server_kwargs``;
    ``await aiohttp_client(server, **kwargs)`` uses a test server (from
    ``aiohttp_server`` or ``aiohttp_raw_server``). ``kwargs`` go to the
    client (``cookie_jar``, ``headers``, ...). The clients, their responses
    and WebSockets, and their servers are closed after the test.
    """
    clients: list[_Closable] = []

    async def make(
        param: Any,  # noqa: ANN401 - an application, a server or an app factory
        /,
        *args: Any,  # noqa: ANN401
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> TestClient[Any, Any]:
        if callable(param) and not isinstance(param, (Application, BaseTestServer)):
            # aiohttp 2's form, kept by aiohttp 3: a factory called with the loop.
            param = param(asyncio.get_running_loop(), *args, **kwargs)
            kwargs = {}
        else:
            assert not args, "args should be empty"
        if isinstance(param, Application):
            server: BaseTestServer[Any] = TestServer(param, **(server_kwargs or {}))
        elif isinstance(param, BaseTestServer):
            server = param
        else:
            raise ValueError(f"Unknown argument type: {type(param)!r}")
        client = aiohttp_client_cls(server, **kwargs)
        await client.start_server()
        clients.append(client)
        return client

    yield make  # type: ignore[misc]
    await _close_all(clients)


class _Closable(Protocol):
    async def close(self) -> None: ...


async def _close_all(things: list[_Closable]) -> None:
    # Last made, first closed: a client before the server it talks to.
    while things:
        await things.pop().close()


# -- aiohttp's deprecated fixture names ---------------------------------------


def _renamed(new: str, value: object) -> object:
    warnings.warn(
        f"Deprecated, use {new} fixture instead", DeprecationWarning, stacklevel=3
    )
    return value


@pytest.fixture
def test_server(aiohttp_server: AiohttpServer) -> AiohttpServer:
    """Deprecated name of ``aiohttp_server``."""
    _renamed("aiohttp_server", aiohttp_server)
    return aiohttp_server


@pytest.fixture
def test_client(aiohttp_client: AiohttpClient) -> AiohttpClient:
    """Deprecated name of ``aiohttp_client``."""
    _renamed("aiohttp_client", aiohttp_client)
    return aiohttp_client


@pytest.fixture
def raw_test_server(aiohttp_raw_server: AiohttpRawServer) -> AiohttpRawServer:
    """Deprecated name of ``aiohttp_raw_server``."""
    _renamed("aiohttp_raw_server", aiohttp_raw_server)
    return aiohttp_raw_server


@pytest.fixture
def unused_port(aiohttp_unused_port: Callable[[], int]) -> Callable[[], int]:
    """Deprecated name of ``aiohttp_unused_port``."""
    _renamed("aiohttp_unused_port", aiohttp_unused_port)
    return aiohttp_unused_port
