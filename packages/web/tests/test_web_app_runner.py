"""AppRunner (aiohttp.web_runner.AppRunner): an Application on runners and sites.

In-process, over real sockets on 127.0.0.1: the runner starts the
application (on_startup, cleanup_ctx), freezes it, serves it through sites
and stops it gracefully (on_shutdown while requests are in flight, then
on_cleanup).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
from web_raw_client import read_response, request

from aiohttp.abc import AbstractAccessLogger, AbstractAsyncAccessLogger
from aiohttp.web_app import Application
from aiohttp.web_request import BaseRequest, Request
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_runner import AppRunner, BaseRunner, TCPSite

TIMEOUT = 10.0
GET = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"


async def hello(request: Request) -> Response:
    return Response(text="hello")


def hello_app(**kwargs: Any) -> Application:
    app = Application(**kwargs)
    app.router.add_get("/", hello)
    return app


async def serve(runner: AppRunner) -> int:
    """Set the runner up and start a TCP site on a free port; the port."""
    await runner.setup()
    await TCPSite(runner, "127.0.0.1", 0).start()
    port: int = runner.addresses[0][1]
    return port


def served(runner: BaseRunner) -> object:
    # A call, so mypy keeps no narrowing of runner.server across awaits.
    return runner.server


# -- construction ----------------------------------------------------------------------


def test_only_an_application_can_be_run() -> None:
    with pytest.raises(TypeError, match=r"should be web\.Application instance"):
        AppRunner(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("log_class", [int, "AccessLogger", None])
def test_access_log_class_must_be_an_access_logger(log_class: Any) -> None:
    with pytest.raises(TypeError, match="access_log_class must be subclass"):
        AppRunner(Application(), access_log_class=log_class)


def test_app_property_and_no_server_before_setup() -> None:
    app = Application()
    runner = AppRunner(app)
    assert runner.app is app
    assert served(runner) is None
    assert runner.sites == set()


# -- start-up --------------------------------------------------------------------------


async def test_setup_starts_and_freezes_the_application() -> None:
    events: list[str] = []

    async def on_startup(app: Application) -> None:
        events.append(f"startup frozen={app.frozen}")

    app = hello_app()
    app.on_startup.append(on_startup)
    runner = AppRunner(app)
    await runner.setup()
    try:
        assert events == ["startup frozen=False"]
        assert app.frozen
        assert served(runner) is not None
    finally:
        await runner.cleanup()


async def test_startup_handlers_cannot_add_startup_handlers() -> None:
    async def another(app: Application) -> None:
        pass

    async def on_startup(app: Application) -> None:
        app.on_startup.append(another)

    app = Application()
    app.on_startup.append(on_startup)
    runner = AppRunner(app)
    with pytest.raises(RuntimeError):
        await runner.setup()
    assert served(runner) is None


async def test_a_failing_startup_fails_setup() -> None:
    async def broken(app: Application) -> None:
        raise ValueError("no database")

    app = Application()
    app.on_startup.append(broken)
    runner = AppRunner(app, handle_signals=True)
    with pytest.raises(ValueError, match="no database"):
        await runner.setup()
    assert served(runner) is None
    # The signal handlers it installed are gone again.
    assert not asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)


async def test_handle_signals_installs_handlers_until_cleanup() -> None:
    loop = asyncio.get_running_loop()
    runner = AppRunner(Application(), handle_signals=True)
    await runner.setup()
    try:
        assert loop.remove_signal_handler(signal.SIGINT)
        assert loop.remove_signal_handler(signal.SIGTERM)
    finally:
        await runner.cleanup()
    runner = AppRunner(Application(), handle_signals=True)
    await runner.setup()
    await runner.cleanup()
    assert not loop.remove_signal_handler(signal.SIGTERM)


# -- serving ---------------------------------------------------------------------------


async def test_serves_the_application_with_request_app() -> None:
    seen: list[Application] = []

    async def handler(request: Request) -> Response:
        seen.append(request.app)
        return Response(text="routed")

    app = Application()
    app.router.add_get("/", handler)
    runner = AppRunner(app)
    port = await serve(runner)
    try:
        response, closed = await asyncio.wait_for(request(port, GET), TIMEOUT)
        assert (response.status, response.body, closed) == (200, b"routed", True)
        missing, _ = await asyncio.wait_for(
            request(port, GET.replace(b"GET /", b"GET /nowhere")), TIMEOUT
        )
        assert missing.status == 404
    finally:
        await runner.cleanup()
    assert seen == [app]


async def test_handler_args_override_the_runner_options() -> None:
    # The application's handler_args win over the runner's keyword arguments.
    app = Application(handler_args={"max_line_size": 40})
    app.router.add_get("/{tail:.*}", hello)
    runner = AppRunner(app, max_line_size=8190)
    port = await serve(runner)
    try:
        ok, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
        assert ok.status == 200
        long_line = GET.replace(b"GET /", b"GET /" + b"x" * 100)
        refused, _ = await asyncio.wait_for(request(port, long_line), TIMEOUT)
        assert refused.status in (400, 414)
    finally:
        await runner.cleanup()


async def test_keyword_arguments_configure_the_server() -> None:
    runner = AppRunner(hello_app(), max_line_size=40)
    port = await serve(runner)
    try:
        long_line = GET.replace(b"GET /", b"GET /" + b"x" * 100)
        refused, _ = await asyncio.wait_for(request(port, long_line), TIMEOUT)
        assert refused.status in (400, 414)
    finally:
        await runner.cleanup()


async def test_access_log_class_and_format_are_used() -> None:
    lines: list[str] = []

    class Recorder(AbstractAccessLogger):
        def log(
            self, request: BaseRequest, response: StreamResponse, time: float
        ) -> None:
            lines.append(f"{self.log_format} {request.path} {response.status}")

        @property
        def enabled(self) -> bool:
            return True

    logger = logging.getLogger("test.app_runner.access")
    runner = AppRunner(
        hello_app(), access_log_class=Recorder, access_log=logger, access_log_format="F"
    )
    port = await serve(runner)
    try:
        await asyncio.wait_for(request(port, GET), TIMEOUT)
    finally:
        await runner.cleanup()
    assert lines == ["F / 200"]


async def test_an_async_access_logger_is_accepted_and_awaited() -> None:
    lines: list[str] = []

    class Recorder(AbstractAsyncAccessLogger):
        async def log(
            self, request: BaseRequest, response: StreamResponse, request_start: float
        ) -> None:
            lines.append(f"{request.path} {response.status}")

    runner = AppRunner(hello_app(), access_log_class=Recorder)
    port = await serve(runner)
    try:
        await asyncio.wait_for(request(port, GET), TIMEOUT)
    finally:
        await runner.cleanup()
    assert lines == ["/ 200"]


# -- graceful shutdown -----------------------------------------------------------------


async def test_cleanup_order_with_a_request_in_flight() -> None:
    events: list[str] = []
    started = asyncio.Event()
    shutting_down = asyncio.Event()

    async def slow(request: Request) -> Response:
        events.append("handler started")
        started.set()
        await shutting_down.wait()
        events.append("handler done")
        return Response(text="late")

    async def on_shutdown(app: Application) -> None:
        events.append("on_shutdown")
        shutting_down.set()

    async def on_cleanup(app: Application) -> None:
        events.append("on_cleanup")

    app = Application()
    app.router.add_get("/", slow)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    runner = AppRunner(app)
    port = await serve(runner)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        await asyncio.wait_for(started.wait(), TIMEOUT)
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)
        response = await asyncio.wait_for(read_response(reader), TIMEOUT)
    finally:
        writer.close()
    assert (response.status, response.body) == (200, b"late")
    assert events == ["handler started", "on_shutdown", "handler done", "on_cleanup"]
    assert served(runner) is None


async def test_cleanup_ctx_wraps_the_served_life() -> None:
    events: list[str] = []

    async def context(app: Application) -> AsyncIterator[None]:
        events.append("enter")
        yield
        events.append("exit")

    app = hello_app()
    app.cleanup_ctx.append(context)
    runner = AppRunner(app)
    port = await serve(runner)
    assert events == ["enter"]
    response, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
    assert response.status == 200
    await runner.cleanup()
    assert events == ["enter", "exit"]


async def test_shutdown_timeout_bounds_the_wait_for_handlers() -> None:
    events: list[str] = []
    started = asyncio.Event()

    async def stuck(request: Request) -> Response:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            events.append("cancelled")
            raise
        raise AssertionError("not reached")

    async def on_cleanup(app: Application) -> None:
        events.append("on_cleanup")

    app = Application()
    app.router.add_get("/", stuck)
    app.on_cleanup.append(on_cleanup)
    runner = AppRunner(app, shutdown_timeout=0.05)
    port = await serve(runner)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        await asyncio.wait_for(started.wait(), TIMEOUT)
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)
        assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""
    finally:
        writer.close()
    assert events == ["cancelled", "on_cleanup"]


async def test_shutdown_is_the_on_shutdown_signal() -> None:
    events: list[str] = []

    async def on_shutdown(app: Application) -> None:
        events.append("on_shutdown")

    app = Application()
    app.on_shutdown.append(on_shutdown)
    runner = AppRunner(app)
    await runner.setup()
    await runner.shutdown()
    assert events == ["on_shutdown"]
    await runner.cleanup()
    assert events == ["on_shutdown", "on_shutdown"]
