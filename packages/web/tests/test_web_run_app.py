"""run_app (aiohttp.web.run_app) serving an Application in a child process.

Each test writes a script that builds an application and calls
``run_app``, runs it with this interpreter, speaks raw HTTP to it and stops
it with a signal, as a person at a terminal would with CTRL+C or ``kill``.
The script prints markers (``say(...)``) from its handlers and signal
handlers, so the order of events is read from its output, never timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import textwrap
from pathlib import Path

import pytest
from web_raw_client import read_response
from web_run_app_harness import (
    TIMEOUT,
    free_port,
    get,
    spawn,
    wait_listening,
    write_script,
)

HEADER = """\
from aiohttp._web_run_app import run_app
from aiohttp.web_app import Application
from aiohttp.web_response import Response


async def hello(request):
    return Response(text="hello")

"""

needs_unix = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX")


def banner(*names: str) -> str:
    return f"======== Running on {', '.join(names)} ========"


def script(tmp_path: Path, body: str) -> str:
    return str(write_script(tmp_path, HEADER + textwrap.dedent(body)))


@pytest.fixture
def short_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # AF_UNIX paths are short (108 bytes on Linux): keep them well below.
    path = Path(tmp_path_factory.mktemp("ra"))
    if len(bytes(path)) > 80:
        pytest.skip("temporary directory path too long for a Unix socket")
    return path


# -- serving and stopping -----------------------------------------------------------


async def test_serves_prints_the_banner_and_returns_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application()
        app.router.add_get("/", hello)
        run_app(app, host="127.0.0.1", port={port})
        say("returned")
        """,
    )
    async with spawn([path]) as child:
        lines = await child.wait_started()
        assert lines == [banner(f"http://127.0.0.1:{port}"), "(Press CTRL+C to quit)"]
        response = await get(port)
        assert (response.status, response.body) == (200, b"hello")
        assert await child.stop(signal.SIGTERM) == 0
    assert child.lines[-1] == "returned"
    assert "Traceback" not in child.stderr


async def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        shutting_down = asyncio.Event()

        async def slow(request):
            say("handler-started")
            # Finishes only once the shutdown has begun: it is in flight then.
            await shutting_down.wait()
            say("handler-done")
            return Response(text="finished late")

        async def on_shutdown(app):
            say("on_shutdown")
            shutting_down.set()

        async def on_cleanup(app):
            say("on_cleanup")

        app = Application()
        app.router.add_get("/slow", slow)
        app.on_shutdown.append(on_shutdown)
        app.on_cleanup.append(on_cleanup)
        run_app(app, host="127.0.0.1", port={port}, print=None)
        say("returned")
        """,
    )
    async with spawn([path]) as child:
        await wait_listening(port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            assert await child.line() == "handler-started"
            child.send(signal.SIGTERM)
            assert await child.line() == "on_shutdown"
            # The sites stopped listening before on_shutdown ran.
            with pytest.raises(ConnectionRefusedError):
                await asyncio.open_connection("127.0.0.1", port)
            response = await asyncio.wait_for(read_response(reader), TIMEOUT)
        finally:
            writer.close()
        assert (response.status, response.body) == (200, b"finished late")
        # The server is closing: the answer says so.
        assert response.header("Connection") == "close"
        assert await child.finish() == 0
    assert child.lines == [
        "handler-started",
        "on_shutdown",
        "handler-done",
        "on_cleanup",
        "returned",
    ]


@pytest.mark.parametrize("handle_signals", [True, False])
async def test_sigint_stops_gracefully(tmp_path: Path, handle_signals: bool) -> None:
    # With handle_signals the loop turns SIGINT into GracefulExit; without,
    # Python raises KeyboardInterrupt. Both end in the same graceful stop.
    port = free_port()
    path = script(
        tmp_path,
        f"""
        async def on_shutdown(app):
            say("on_shutdown")

        async def on_cleanup(app):
            say("on_cleanup")

        app = Application()
        app.router.add_get("/", hello)
        app.on_shutdown.append(on_shutdown)
        app.on_cleanup.append(on_cleanup)
        run_app(app, host="127.0.0.1", port={port}, handle_signals={handle_signals})
        say("returned")
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        assert (await get(port)).status == 200
        assert await child.stop(signal.SIGINT) == 0
    assert child.lines[-3:] == ["on_shutdown", "on_cleanup", "returned"]
    assert "Traceback" not in child.stderr


async def test_sigterm_without_signal_handling_is_not_caught(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        async def on_cleanup(app):
            say("on_cleanup")

        app = Application()
        app.on_cleanup.append(on_cleanup)
        run_app(app, host="127.0.0.1", port={port}, handle_signals=False)
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        assert await child.stop(signal.SIGTERM) == -signal.SIGTERM
    assert "on_cleanup" not in child.lines


async def test_shutdown_timeout_cancels_what_is_still_running(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        async def stuck(request):
            say("handler-started")
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                say("handler-cancelled")
                raise

        async def on_cleanup(app):
            say("on_cleanup")

        app = Application()
        app.router.add_get("/stuck", stuck)
        app.on_cleanup.append(on_cleanup)
        run_app(app, host="127.0.0.1", port={port}, print=None, shutdown_timeout=0.2)
        say("returned")
        """,
    )
    async with spawn([path]) as child:
        await wait_listening(port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
            assert await child.line() == "handler-started"
            child.send(signal.SIGTERM)
            # No answer: the connection is closed under the cancelled handler.
            assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""
        finally:
            writer.close()
        assert await child.finish() == 0
    assert child.lines == [
        "handler-started",
        "handler-cancelled",
        "on_cleanup",
        "returned",
    ]


async def test_tasks_left_running_are_cancelled(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        async def background():
            try:
                await asyncio.Event().wait()
            finally:
                say("background-cancelled")

        async def start_background(app):
            asyncio.get_running_loop().create_task(background())

        app = Application()
        app.on_startup.append(start_background)
        run_app(app, host="127.0.0.1", port={port})
        say("returned")
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        assert await child.stop() == 0
    assert child.lines[-2:] == ["background-cancelled", "returned"]


async def test_a_failing_startup_ends_the_process_with_the_error(
    tmp_path: Path,
) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        async def broken(app):
            raise RuntimeError("startup went wrong")

        app = Application()
        app.on_startup.append(broken)
        run_app(app, host="127.0.0.1", port={port})
        say("returned")
        """,
    )
    async with spawn([path]) as child:
        assert await child.finish() == 1
    assert child.lines == []
    assert "RuntimeError: startup went wrong" in child.stderr


# -- what to serve ---------------------------------------------------------------------


async def test_an_awaitable_app_is_awaited_on_the_served_loop(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        from aiohttp._web_keys import AppKey

        LOOP = AppKey("loop", asyncio.AbstractEventLoop)

        async def make_app():
            # Built on run_app's own loop, which is running now.
            app = Application()
            app[LOOP] = asyncio.get_running_loop()
            app.router.add_get("/", same_loop)
            return app

        async def same_loop(request):
            same = request.app[LOOP] is asyncio.get_running_loop()
            return Response(text=f"same loop: {{same}}")

        run_app(make_app(), host="127.0.0.1", port={port})
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        response = await get(port)
        assert (response.status, response.body) == (200, b"same loop: True")
        assert await child.stop() == 0


async def test_a_list_of_hosts_gets_one_site_each(tmp_path: Path) -> None:
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.2", 0))
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    finally:
        probe.close()
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application()
        app.router.add_get("/", hello)
        run_app(app, host=["127.0.0.2", "127.0.0.1"], port={port})
        """,
    )
    async with spawn([path]) as child:
        lines = await child.wait_started()
        # The banner sorts the sites' names.
        assert lines[0] == banner(
            f"http://127.0.0.1:{port}", f"http://127.0.0.2:{port}"
        )
        for host in ("127.0.0.1", "127.0.0.2"):
            assert (await get(port, host=host)).body == b"hello"
        assert await child.stop() == 0


@needs_unix
async def test_unix_paths_and_no_tcp_site(short_tmp: Path) -> None:
    first, second = short_tmp / "a.sock", short_tmp / "b.sock"
    path = script(
        short_tmp,
        f"""
        app = Application()
        app.router.add_get("/", hello)
        run_app(app, path=[{str(first)!r}, {str(second)!r}])
        """,
    )
    async with spawn([path]) as child:
        lines = await child.wait_started()
        # Only the Unix sockets: a path alone starts no TCP site.
        assert lines[0] == banner(f"http://unix:{first}:", f"http://unix:{second}:")
        for sock_path in (first, second):
            response = await get(0, unix=str(sock_path))
            assert (response.status, response.body) == (200, b"hello")
        assert await child.stop() == 0


@needs_unix
async def test_a_unix_path_with_a_port_serves_tcp_too(short_tmp: Path) -> None:
    sock_path = short_tmp / "s.sock"
    port = free_port()
    path = script(
        short_tmp,
        f"""
        app = Application()
        app.router.add_get("/", hello)
        run_app(app, path={str(sock_path)!r}, port={port})
        """,
    )
    async with spawn([path]) as child:
        lines = await child.wait_started()
        assert lines[0] == banner(f"http://0.0.0.0:{port}", f"http://unix:{sock_path}:")
        assert (await get(port)).body == b"hello"
        assert (await get(0, unix=str(sock_path))).body == b"hello"
        assert await child.stop() == 0


async def test_sockets_made_by_the_caller(tmp_path: Path) -> None:
    path = script(
        tmp_path,
        """
        import socket

        socks = []
        for _ in range(2):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
            say(sock.getsockname()[1])

        app = Application()
        app.router.add_get("/", hello)
        run_app(app, sock=socks if sys.argv[1] == "list" else socks[0])
        """,
    )
    for form in ("list", "one"):
        async with spawn([path, form]) as child:
            ports = [int(await child.line()), int(await child.line())]
            lines = await child.wait_started()
            served = ports if form == "list" else ports[:1]
            names = sorted(f"http://127.0.0.1:{p}" for p in served)
            # Only the sockets: no default TCP site on 0.0.0.0:8080.
            assert lines[2] == banner(*names)
            for port in served:
                assert (await get(port)).body == b"hello"
            assert await child.stop() == 0


# -- options ---------------------------------------------------------------------------


async def test_print_none_prints_nothing(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application()
        app.router.add_get("/", hello)
        say("before")
        run_app(app, host="127.0.0.1", port={port}, print=None)
        say("after")
        """,
    )
    async with spawn([path]) as child:
        assert await child.line() == "before"
        await wait_listening(port)
        assert (await get(port)).body == b"hello"
        assert await child.stop() == 0
    assert child.lines == ["before", "after"]


async def test_print_takes_any_callable(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application()
        run_app(app, host="127.0.0.1", port={port}, print=lambda text: say(repr(text)))
        """,
    )
    async with spawn([path]) as child:
        text = repr(f"{banner(f'http://127.0.0.1:{port}')}\n(Press CTRL+C to quit)")
        assert await child.line() == text
        assert await child.stop() == 0


@pytest.mark.parametrize(
    ("options", "logged"),
    [
        ("debug=True", True),
        ("debug=False", False),
        ("debug=True, access_log=None", False),
    ],
)
async def test_debug_mode_logs_access_to_stderr(
    tmp_path: Path, options: str, logged: bool
) -> None:
    # aiohttp's access logger has no handler and no level by default: in
    # debug mode run_app gives it both, so requests show on stderr.
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application()
        app.router.add_get("/logged", hello)
        run_app(app, host="127.0.0.1", port={port}, {options})
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        assert (await get(port, "/logged")).status == 200
        assert await child.stop() == 0
    assert ('"GET /logged HTTP/1.1" 200' in child.stderr) is logged


async def test_access_log_format_and_class(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        import logging
        from aiohttp.abc import AbstractAccessLogger

        class Lines(AbstractAccessLogger):
            def log(self, request, response, time):
                say(f"{{self.log_format}} {{request.path}} {{response.status}}")

        logger = logging.getLogger("test.access")
        logger.setLevel(logging.INFO)
        app = Application()
        app.router.add_get("/", hello)
        run_app(
            app,
            host="127.0.0.1",
            port={port},
            print=None,
            access_log=logger,
            access_log_class=Lines,
            access_log_format="fmt",
        )
        """,
    )
    async with spawn([path]) as child:
        await wait_listening(port)
        assert (await get(port, "/")).status == 200
        assert await child.line() == "fmt / 200"
        assert await child.stop() == 0


async def test_keepalive_timeout_closes_idle_connections(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application()
        app.router.add_get("/", hello)
        run_app(app, host="127.0.0.1", port={port}, keepalive_timeout=0.1)
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            response = await asyncio.wait_for(read_response(reader), TIMEOUT)
            assert response.header("Connection") is None  # kept alive...
            # ...until it has been idle for keepalive_timeout.
            assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""
        finally:
            writer.close()
        assert await child.stop() == 0


async def test_handler_cancellation_cancels_on_disconnect(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        async def waits(request):
            say("handler-started")
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                say("handler-cancelled")
                raise

        app = Application()
        app.router.add_get("/", waits)
        run_app(app, host="127.0.0.1", port={port}, handler_cancellation=True)
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert await child.line() == "handler-started"
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        assert await child.line() == "handler-cancelled"
        assert await child.stop() == 0


async def test_application_handler_args_reach_the_server(tmp_path: Path) -> None:
    port = free_port()
    path = script(
        tmp_path,
        f"""
        app = Application(handler_args={{"max_line_size": 40}})
        app.router.add_get("/{{tail:.*}}", hello)
        run_app(app, host="127.0.0.1", port={port})
        """,
    )
    async with spawn([path]) as child:
        await child.wait_started()
        assert (await get(port, "/short")).status == 200
        assert (await get(port, "/" + "x" * 100)).status in (400, 414)
        assert await child.stop() == 0
