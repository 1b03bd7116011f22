"""A worker's whole life, run in this process: serving, heartbeat, signals, restarts.

Each test builds the worker from gunicorn's own Config, logger and bound
sockets (see ``gunicorn_worker_harness.run_worker``); a driver thread makes
real HTTP requests and sends real signals to this process.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from gunicorn_worker_harness import WAIT, http_get, run_worker, wait_for

from aiohttp import web
from aiohttp.worker import GunicornWebWorker


class Probe:
    """An application that reports what happened to it."""

    def __init__(self) -> None:
        self.in_handler = threading.Event()
        self.events: list[str] = []
        self.app = web.Application()
        self.app.router.add_get("/", self.index)
        self.app.router.add_get("/slow", self.slow)
        self.app.router.add_get("/keepalive", self.keepalive)
        self.app.on_startup.append(self._record("startup"))
        self.app.on_shutdown.append(self._record("shutdown"))
        self.app.on_cleanup.append(self._record("cleanup"))

    def _record(self, event: str) -> Any:
        async def record(app: web.Application) -> None:
            self.events.append(event)

        return record

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(text=f"pid {os.getpid()}")

    async def slow(self, request: web.Request) -> web.Response:
        self.in_handler.set()
        try:
            await asyncio.sleep(float(request.query["s"]))
        except asyncio.CancelledError:
            self.events.append("slow cancelled")
            raise
        self.events.append("slow done")
        return web.Response(text="slow done")

    async def keepalive(self, request: web.Request) -> web.Response:
        return web.Response(text=str(request.protocol.keepalive_timeout))


def _kill(signum: int) -> None:
    os.kill(os.getpid(), signum)


def _slow_request(
    pool: ThreadPoolExecutor, port: int, seconds: float
) -> Future[tuple[int, str]]:
    return pool.submit(http_get, "127.0.0.1", port, f"/slow?s={seconds}")


def test_term_lets_the_in_flight_request_finish(tmp_path: Path) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        first_beat = worker.tmp.last_update()
        results["plain"] = http_get("127.0.0.1", port, "/")
        with ThreadPoolExecutor(1) as pool:
            slow = _slow_request(pool, port, 1.5)
            assert probe.in_handler.wait(WAIT)
            _kill(signal.SIGTERM)
            results["slow"] = slow.result(WAIT)
        # gunicorn stamps the file with time.monotonic(): compare, do not order.
        results["beat"] = worker.tmp.last_update() != first_beat

    run = run_worker(
        tmp_path, probe.app, drive, accesslog=str(tmp_path / "access.log"), keepalive=5
    )
    assert run.driver_error is None
    assert run.exit_code == 0
    assert run.results["plain"] == (200, f"pid {os.getpid()}")
    assert run.results["slow"] == (200, "slow done")
    assert run.results["beat"], "the worker never notified the arbiter"
    # The drain (up to keepalive seconds) saw the slow request through.
    assert probe.events == ["startup", "slow done", "shutdown", "cleanup"]
    assert run.worker.alive is False
    log = run.access_text()
    assert '"GET / HTTP/1.1" 200 ' in log
    assert '"GET /slow?s=1.5 HTTP/1.1" 200 ' in log


def test_term_answers_kept_alive_connections_with_connection_close(
    tmp_path: Path,
) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        try:
            kept.request("GET", "/")
            first = kept.getresponse()
            first.read()
            results["first"] = first.getheader("Connection")
            _kill(signal.SIGTERM)
            # Once the worker stops listening, the kept-alive connection is
            # still served, and told to close: a reload loses no request.
            wait_for(lambda: not _accepts(port), "the worker to stop listening")
            kept.request("GET", "/")
            second = kept.getresponse()
            results["second"] = (second.status, second.getheader("Connection"))
            second.read()
            results["closed"] = second.will_close
        finally:
            kept.close()

    run = run_worker(tmp_path, probe.app, drive, keepalive=5)
    assert run.driver_error is None
    assert run.exit_code == 0
    assert run.results["first"] is None  # HTTP/1.1 keeps alive by default
    assert run.results["second"] == (200, "close")
    assert run.results["closed"] is True
    assert probe.events == ["startup", "shutdown", "cleanup"]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT):
            return True
    except OSError:
        return False


def test_quit_runs_worker_int_and_does_not_wait(tmp_path: Path) -> None:
    probe = Probe()
    interrupted: list[GunicornWebWorker] = []

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        with ThreadPoolExecutor(1) as pool:
            slow = _slow_request(pool, port, 4 * WAIT)
            assert probe.in_handler.wait(WAIT)
            _kill(signal.SIGQUIT)
            with pytest.raises((http.client.HTTPException, OSError)):
                slow.result(WAIT)

    run = run_worker(tmp_path, probe.app, drive, worker_int=interrupted.append)
    assert run.driver_error is None
    assert run.exit_code == 0
    assert interrupted == [run.worker]
    assert probe.events == ["startup", "shutdown", "slow cancelled", "cleanup"]


def test_int_during_a_graceful_stop_cuts_it_short(tmp_path: Path) -> None:
    probe = Probe()
    interrupted: list[GunicornWebWorker] = []

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        with ThreadPoolExecutor(1) as pool:
            slow = _slow_request(pool, port, 4 * WAIT)
            assert probe.in_handler.wait(WAIT)
            _kill(signal.SIGTERM)
            wait_for(lambda: "shutdown" in probe.events, "the graceful stop")
            _kill(signal.SIGINT)
            with pytest.raises((http.client.HTTPException, OSError)):
                slow.result(WAIT)

    run = run_worker(
        tmp_path, probe.app, drive, worker_int=interrupted.append, graceful_timeout=60
    )
    assert run.driver_error is None
    assert run.exit_code == 0
    assert interrupted == [run.worker]
    assert probe.events == ["startup", "shutdown", "slow cancelled", "cleanup"]


def test_graceful_timeout_bounds_the_in_flight_request(tmp_path: Path) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        with ThreadPoolExecutor(1) as pool:
            slow = _slow_request(pool, port, 4 * WAIT)
            assert probe.in_handler.wait(WAIT)
            _kill(signal.SIGTERM)
            with pytest.raises((http.client.HTTPException, OSError)):
                slow.result(WAIT)

    run = run_worker(tmp_path, probe.app, drive, graceful_timeout=1)
    assert run.driver_error is None
    assert run.exit_code == 0
    assert probe.events == ["startup", "shutdown", "slow cancelled", "cleanup"]


def test_abort_runs_worker_abort_and_exits_with_1(tmp_path: Path) -> None:
    probe = Probe()
    aborted: list[GunicornWebWorker] = []

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        assert http_get("127.0.0.1", port)[0] == 200
        _kill(signal.SIGABRT)

    run = run_worker(tmp_path, probe.app, drive, worker_abort=aborted.append)
    assert run.driver_error is None
    assert run.exit_code == 1
    assert aborted == [run.worker]


def test_max_requests_restarts_the_worker(tmp_path: Path) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        results["max"] = worker.max_requests
        for _ in range(worker.max_requests):
            assert http_get("127.0.0.1", port)[0] == 200
        # No signal: the worker leaves by itself at its next heartbeat.

    run = run_worker(tmp_path, probe.app, drive, max_requests=3, max_requests_jitter=2)
    assert run.driver_error is None
    assert run.exit_code == 0
    assert 3 <= run.results["max"] <= 5  # gunicorn's randint(0, jitter) on top
    assert run.worker.nr == run.results["max"]
    assert "Max requests, shutting down" in run.error_text()
    assert probe.events == ["startup", "shutdown", "cleanup"]


def test_a_changed_parent_stops_the_worker(tmp_path: Path) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        pass  # the worker notices on its own that its arbiter is not its parent

    run = run_worker(tmp_path, probe.app, drive, ppid=os.getppid() + 1)
    assert run.exit_code == 0
    assert "Parent changed, shutting down" in run.error_text()
    assert probe.events == ["startup", "shutdown", "cleanup"]


def test_usr1_reopens_the_access_log(tmp_path: Path) -> None:
    probe = Probe()
    access = tmp_path / "access.log"
    rotated = tmp_path / "access.log.1"

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        assert http_get("127.0.0.1", port, "/before")[0] == 404
        wait_for(lambda: "/before" in access.read_text(), "the first line")
        access.rename(rotated)
        _kill(signal.SIGUSR1)
        wait_for(access.exists, "the reopened log")
        assert http_get("127.0.0.1", port, "/after")[0] == 404
        wait_for(lambda: "/after" in access.read_text(), "the line after rotation")
        _kill(signal.SIGTERM)

    run = run_worker(tmp_path, probe.app, drive, accesslog=str(access))
    assert run.driver_error is None
    assert run.exit_code == 0
    assert "/after" not in rotated.read_text()
    assert "/before" not in access.read_text()


def test_keepalive_is_the_keep_alive_timeout(tmp_path: Path) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        results["timeout"] = http_get("127.0.0.1", port, "/keepalive")
        _kill(signal.SIGTERM)

    run = run_worker(tmp_path, probe.app, drive, keepalive=7)
    assert run.driver_error is None
    assert run.results["timeout"] == (200, "7")


def test_winch_is_ignored(tmp_path: Path) -> None:
    probe = Probe()

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        _kill(signal.SIGWINCH)
        time.sleep(0.2)
        results["after"] = http_get("127.0.0.1", port)
        _kill(signal.SIGTERM)

    run = run_worker(tmp_path, probe.app, drive)
    assert run.driver_error is None
    assert run.exit_code == 0
    assert run.results["after"][0] == 200


def test_an_async_factory_is_awaited_on_the_worker_loop(tmp_path: Path) -> None:
    probe = Probe()
    loops: list[asyncio.AbstractEventLoop] = []

    async def make_app() -> web.Application:
        loops.append(asyncio.get_running_loop())
        return probe.app

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        results["get"] = http_get("127.0.0.1", port)
        _kill(signal.SIGTERM)

    run = run_worker(tmp_path, make_app, drive)
    assert run.driver_error is None
    assert run.results["get"][0] == 200
    assert loops == [run.worker.loop]


def test_a_unix_socket_is_served(short_tmp_path: Path) -> None:
    probe = Probe()
    path = short_tmp_path / "gunicorn.sock"

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        results["reply"] = _unix_get(path)
        _kill(signal.SIGTERM)

    run = run_worker(short_tmp_path, probe.app, drive, bind=[f"unix:{path}"])
    assert run.driver_error is None
    assert run.results["reply"].startswith(b"HTTP/1.1 200 OK\r\n")
    assert run.results["reply"].endswith(f"pid {os.getpid()}".encode())


def _unix_get(path: Path) -> bytes:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(WAIT)
        sock.connect(str(path))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: gunicorn\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
