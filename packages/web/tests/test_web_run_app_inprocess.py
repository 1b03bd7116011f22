"""run_app in this process: its loop, its banner, and how it ends.

These tests are plain functions: run_app runs its own event loop and must
not be called from a running one. A task started by the application's
``on_startup`` drives each test from inside that loop: it talks to the
server, then stops it the way a signal would (``GracefulExit``) or as
CTRL+C does without signal handling (``KeyboardInterrupt``). Signal handling
stays off here: the child-process tests cover real signals.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from web_raw_client import request
from web_run_app_harness import TIMEOUT, connects, free_port

from aiohttp._web_run_app import run_app
from aiohttp.log import access_logger
from aiohttp.web_app import Application
from aiohttp.web_request import Request
from aiohttp.web_response import Response
from aiohttp.web_runner import GracefulExit

GET = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"


async def hello(request: Request) -> Response:
    return Response(text="hello")


async def connectable(port: int) -> None:
    """Wait until the sites listen: they start after on_startup returns."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not await connects("127.0.0.1", port):
        assert loop.time() < deadline, f"nothing listens on port {port}"
        await asyncio.sleep(0.02)


def stop_with(exc: type[BaseException]) -> None:
    """Raise ``exc`` out of the event loop, as a signal handler does."""

    def raise_it() -> None:
        raise exc

    asyncio.get_running_loop().call_soon(raise_it)


def driven_app(
    drive: Callable[[Application], Awaitable[None]],
    stop: type[BaseException] = GracefulExit,
) -> tuple[Application, list[str]]:
    """An app whose startup runs ``drive(app)`` in a task, then stops run_app."""
    events: list[str] = []
    tasks: list[asyncio.Task[None]] = []
    app = Application()
    app.router.add_get("/", hello)

    async def driver() -> None:
        try:
            await drive(app)
        except BaseException as exc:
            events.append(f"driver failed: {exc!r}")
            raise
        finally:
            stop_with(stop)

    async def on_startup(app: Application) -> None:
        # Kept in the list: a task nothing refers to may be collected.
        events.append("startup")
        tasks.append(asyncio.get_running_loop().create_task(driver()))

    async def on_cleanup(app: Application) -> None:
        events.append("cleanup")

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app, events


@pytest.mark.parametrize("stop", [GracefulExit, KeyboardInterrupt])
def test_returns_normally_after_a_graceful_stop(stop: type[BaseException]) -> None:
    port = free_port()
    printed: list[str] = []
    answers: list[bytes] = []

    async def drive(app: Application) -> None:
        await connectable(port)
        response, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
        answers.append(response.body)

    app, events = driven_app(drive, stop)
    run_app(
        app, host="127.0.0.1", port=port, print=printed.append, handle_signals=False
    )
    assert answers == [b"hello"]
    assert events == ["startup", "cleanup"]
    assert printed == [
        f"======== Running on http://127.0.0.1:{port} ========\n(Press CTRL+C to quit)"
    ]


def test_runs_on_the_given_loop_and_closes_it() -> None:
    port = free_port()
    loop = asyncio.new_event_loop()
    seen: list[Any] = []

    async def drive(app: Application) -> None:
        seen.append(asyncio.get_running_loop())

    app, _ = driven_app(drive)
    run_app(
        app, host="127.0.0.1", port=port, print=None, loop=loop, handle_signals=False
    )
    assert seen == [loop]
    assert loop.is_closed()


def test_makes_a_new_loop_and_closes_it() -> None:
    port = free_port()
    seen: list[asyncio.AbstractEventLoop] = []

    async def drive(app: Application) -> None:
        seen.append(asyncio.get_running_loop())

    app, _ = driven_app(drive)
    run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=False)
    assert len(seen) == 1
    assert seen[0].is_closed()


def test_cancels_the_tasks_left_running() -> None:
    port = free_port()
    left: list[asyncio.Task[None]] = []

    async def drive(app: Application) -> None:
        left.append(asyncio.get_running_loop().create_task(asyncio.sleep(3600)))

    app, _ = driven_app(drive)
    run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=False)
    assert left[0].cancelled()


@pytest.mark.parametrize("debug", [True, False])
def test_debug_sets_the_loop_debug_mode(debug: bool) -> None:
    port = free_port()
    seen: list[bool] = []

    async def drive(app: Application) -> None:
        seen.append(asyncio.get_running_loop().get_debug())

    app, _ = driven_app(drive)
    # access_log=None: the debug set-up of aiohttp's access logger is left
    # to the child-process tests, which do not share this process's logging.
    run_app(
        app,
        host="127.0.0.1",
        port=port,
        print=None,
        debug=debug,
        access_log=None,
        handle_signals=False,
    )
    assert seen == [debug]


def test_an_ssl_context_makes_the_banner_https() -> None:
    port = free_port()
    printed: list[str] = []

    async def drive(app: Application) -> None:
        await connectable(port)

    app, _ = driven_app(drive)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    run_app(
        app,
        host="127.0.0.1",
        port=port,
        ssl_context=context,
        print=printed.append,
        handle_signals=False,
    )
    assert printed[0].startswith(f"======== Running on https://127.0.0.1:{port} ====")


def test_a_coroutine_app_is_awaited() -> None:
    port = free_port()
    answers: list[bytes] = []

    async def drive(app: Application) -> None:
        await connectable(port)
        response, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
        answers.append(response.body)

    async def make_app() -> Application:
        return driven_app(drive)[0]

    run_app(make_app(), host="127.0.0.1", port=port, print=None, handle_signals=False)
    assert answers == [b"hello"]


def test_an_error_in_startup_propagates_after_closing_the_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def broken(app: Application) -> None:
        loops.append(asyncio.get_running_loop())
        raise LookupError("missing configuration")

    app = Application()
    app.on_startup.append(broken)
    with pytest.raises(LookupError, match="missing configuration"):
        run_app(app, host="127.0.0.1", port=free_port(), handle_signals=False)
    assert loops[0].is_closed()


def test_not_an_application_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"web\.Application"):
        run_app(object(), print=None, handle_signals=False)  # type: ignore[arg-type]


def test_a_site_that_cannot_listen_cleans_up_and_raises() -> None:
    events: list[str] = []

    async def on_cleanup(app: Application) -> None:
        events.append("cleanup")

    app = Application()
    app.on_cleanup.append(on_cleanup)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="address already in use"):
            run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=False)
    assert events == ["cleanup"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX")
def test_a_unix_path_alone(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = tmp_path_factory.mktemp("ip")
    if len(bytes(directory)) > 80:
        pytest.skip("temporary directory path too long for a Unix socket")
    sock_path = directory / "s.sock"
    printed: list[str] = []
    answers: list[bytes] = []

    async def drive(app: Application) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not sock_path.exists():
            assert loop.time() < deadline
            await asyncio.sleep(0.02)
        reader, writer = await asyncio.open_unix_connection(sock_path)
        writer.write(GET)
        answers.append(await asyncio.wait_for(reader.read(), TIMEOUT))
        writer.close()

    app, _ = driven_app(drive)
    run_app(app, path=sock_path, print=printed.append, handle_signals=False)
    assert printed[0].startswith(f"======== Running on http://unix:{sock_path}: ====")
    assert answers[0].endswith(b"\r\n\r\nhello")


def test_a_socket_of_the_caller() -> None:
    printed: list[str] = []
    answers: list[bytes] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]

    async def drive(app: Application) -> None:
        await connectable(port)
        response, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
        answers.append(response.body)

    app, _ = driven_app(drive)
    try:
        run_app(app, sock=sock, print=printed.append, handle_signals=False)
    finally:
        sock.close()
    assert answers == [b"hello"]
    assert printed[0].startswith(f"======== Running on http://127.0.0.1:{port} ====")


def test_the_default_print_writes_the_banner_to_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()
    app, _ = driven_app(lambda app: connectable(port))
    run_app(app, host="127.0.0.1", port=port, handle_signals=False)
    assert capsys.readouterr().out == (
        f"======== Running on http://127.0.0.1:{port} ========\n"
        "(Press CTRL+C to quit)\n"
    )


def test_a_task_failing_as_it_is_cancelled_is_reported() -> None:
    port = free_port()
    loop = asyncio.new_event_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda loop, context: reported.append(context))

    async def refuses_to_die() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ValueError("cleanup failed") from None

    async def drive(app: Application) -> None:
        asyncio.get_running_loop().create_task(refuses_to_die())
        await asyncio.sleep(0)

    app, _ = driven_app(drive)
    run_app(
        app, host="127.0.0.1", port=port, print=None, loop=loop, handle_signals=False
    )
    errors = [c["exception"] for c in reported if "exception" in c]
    assert [str(e) for e in errors] == ["cleanup failed"]
    assert reported[0]["message"] == "unhandled exception during run_app() shutdown"


def test_debug_gives_the_default_access_logger_a_level_and_a_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if nothing configured logging: no level, no handler up the chain.
    monkeypatch.setattr(access_logger, "propagate", False)
    monkeypatch.setattr(access_logger, "handlers", [])
    monkeypatch.setattr(access_logger, "level", logging.NOTSET)
    port = free_port()
    app, _ = driven_app(lambda app: connectable(port))
    run_app(
        app,
        host="127.0.0.1",
        port=port,
        print=None,
        debug=True,
        handle_signals=False,
    )
    assert access_logger.level == logging.DEBUG
    assert [type(h) for h in access_logger.handlers] == [logging.StreamHandler]


def test_a_configured_access_logger_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler = logging.NullHandler()
    monkeypatch.setattr(access_logger, "handlers", [handler])
    monkeypatch.setattr(access_logger, "level", logging.WARNING)
    port = free_port()
    app, _ = driven_app(lambda app: connectable(port))
    run_app(
        app,
        host="127.0.0.1",
        port=port,
        print=None,
        debug=True,
        handle_signals=False,
    )
    assert access_logger.level == logging.WARNING
    assert access_logger.handlers == [handler]


def test_a_port_alone_listens_on_every_interface() -> None:
    port = free_port()
    printed: list[str] = []
    answers: list[bytes] = []

    async def drive(app: Application) -> None:
        await connectable(port)
        response, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
        answers.append(response.body)

    app, _ = driven_app(drive)
    run_app(app, port=port, print=printed.append, handle_signals=False)
    assert printed[0].startswith(f"======== Running on http://0.0.0.0:{port} ====")
    assert answers == [b"hello"]
