"""Helpers for the worker's tests: a real gunicorn, and a worker run in this process.

- ``start_gunicorn``: starts ``python -m gunicorn`` (arbiter and forked
  workers) in its own process group on 127.0.0.1 port 0, reads the port
  from its log, and kills the group on exit.
- ``run_worker``: builds a worker with gunicorn's own ``Config``, logger
  and bound sockets, and runs its whole life (``init_process`` to
  ``sys.exit``) in the test process, while a thread talks HTTP to it and
  sends the signals. That is the worker as the arbiter's child runs it,
  minus the fork, so coverage sees it.
- ``self_signed_certificate``: a certificate for 127.0.0.1 (from
  ``tools/tls_certificate.py``, shared with the client's tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import logging
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.glogging import Logger  # type: ignore[import-untyped]
from gunicorn.sock import create_sockets  # type: ignore[import-untyped]
from tls_certificate import self_signed_certificate as self_signed_certificate

from aiohttp.worker import GunicornWebWorker

TESTS = Path(__file__).resolve().parent
WAIT = 20.0  # seconds any single wait may take before the test fails
_LISTENING = re.compile(r"Listening at: (\S+)")


def http_get(
    host: str,
    port: int,
    path: str = "/",
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = WAIT,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """``GET path`` on a fresh connection: (status, body)."""
    connection: http.client.HTTPConnection
    if context is None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    else:
        connection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=context
        )
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    """Poll ``condition`` until true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


# -- a real gunicorn ---------------------------------------------------------------


@dataclass
class Gunicorn:
    """One ``gunicorn`` arbiter and its workers, in their own process group."""

    process: subprocess.Popen[bytes]
    log: Path
    output: Path

    def log_text(self) -> str:
        """gunicorn's error log: the arbiter's and the workers' messages."""
        return self.log.read_text(errors="replace")

    def output_text(self) -> str:
        """What gunicorn printed (configuration errors go there, not to the log)."""
        return self.output.read_text(errors="replace")

    @property
    def port(self) -> int:
        match = _LISTENING.search(self.log_text())
        assert match is not None, self.log_text()
        return int(match[1].rsplit(":", 1)[1])

    def get(
        self,
        path: str = "/",
        context: ssl.SSLContext | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        return http_get("127.0.0.1", self.port, path, context=context, headers=headers)

    def wait_exit(self, timeout: float = WAIT) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"gunicorn did not exit:\n{self.log_text()}")

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """End the arbiter and every worker: TERM, then KILL what is left."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            continue
        # Workers outlive a dead arbiter only briefly; make sure of it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


@contextlib.contextmanager
def start_gunicorn(
    directory: Path,
    target: str,
    *options: str,
    ready: bool = True,
    env: dict[str, str] | None = None,
    worker_class: str = "aiohttp.GunicornWebWorker",
    bind: str = "127.0.0.1:0",
    context: ssl.SSLContext | None = None,
) -> Iterator[Gunicorn]:
    """A real gunicorn serving ``target`` with our worker class, stopped on exit.

    ``ready`` waits until a request is answered (over TLS with ``context``;
    for a Unix socket, until gunicorn listens); otherwise the caller
    watches the process.
    """
    log = directory / "gunicorn.log"
    log.write_text("")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        target,
        "--pythonpath",
        str(TESTS),
        "--bind",
        bind,
        "--worker-class",
        worker_class,
        # gunicorn 23+ opens a control socket in $HOME unless told not to.
        "--no-control-socket",
        "--error-logfile",
        str(log),
        *options,
    ]
    output = directory / "gunicorn.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=directory,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    try:
        server = Gunicorn(process, log, output)
        if ready:
            wait_for(
                lambda: (
                    process.poll() is not None or _LISTENING.search(server.log_text())
                ),
                "gunicorn to listen",
            )
            assert process.poll() is None, server.log_text()
            if not bind.startswith("unix:"):
                wait_for(lambda: _answers(server, context), "gunicorn to answer")
        yield server
    finally:
        _stop_group(process)


def _answers(server: Gunicorn, context: ssl.SSLContext | None = None) -> bool:
    try:
        return server.get(context=context)[0] == 200
    except OSError:
        return False


# -- a worker run in this process -----------------------------------------------------


class _Loaded(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn's embedding API: an app object whose ``wsgi()`` is ``target``."""

    def __init__(self, target: object, settings: dict[str, Any]) -> None:
        self._target = target
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._settings.items():
            self.cfg.set(name, value)

    def load(self) -> object:
        return self._target


@dataclass
class WorkerRun:
    """What happened during one in-process worker life."""

    worker: GunicornWebWorker
    exit_code: object
    driver_error: BaseException | None
    error_log: Path
    access_log: Path
    results: dict[str, Any] = field(default_factory=dict)

    def error_text(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else ""

    def access_text(self) -> str:
        return self.access_log.read_text() if self.access_log.exists() else ""


# What drivers send; ignored between the worker's end and the restore.
_DRIVER_SIGNALS = (
    signal.SIGTERM,
    signal.SIGINT,
    signal.SIGQUIT,
    signal.SIGABRT,
    signal.SIGUSR1,
    signal.SIGWINCH,
)

Driver = Callable[[GunicornWebWorker, int, dict[str, Any]], None]


def run_worker(
    directory: Path,
    target: object,
    driver: Driver,
    *,
    worker_class: type[GunicornWebWorker] = GunicornWebWorker,
    ppid: int | None = None,
    **settings: Any,
) -> WorkerRun:
    """Run a worker's whole life in this process; ``driver`` runs in a thread.

    The driver gets the worker, its port (0 for a Unix socket) and a dict
    for results; it must end the worker with a signal (a TERM is sent for
    it if it raises). If the worker outlives its driver by ``WAIT``
    seconds, SIGABRT ends it (the test then fails on the exit code).
    gunicorn ``settings`` are by name (``graceful_timeout=5``).
    """
    error_log = directory / "error.log"
    access_log = directory / "access.log"
    settings = {
        "bind": ["127.0.0.1:0"],
        "errorlog": str(error_log),
        "graceful_timeout": 10,
        **settings,
    }
    saved = {signum: signal.getsignal(signum) for signum in GunicornWebWorker.SIGNALS}
    loaded = _Loaded(target, settings)
    cfg = loaded.cfg
    log = Logger(cfg)
    sockets = create_sockets(cfg, log)
    first = sockets[0]
    port = first.getsockname()[1] if first.family != socket.AF_UNIX else 0
    worker = worker_class(
        1, os.getppid() if ppid is None else ppid, sockets, loaded, 30 / 2, cfg, log
    )
    results: dict[str, Any] = {}
    errors: list[BaseException] = []
    finished = threading.Event()

    def drive() -> None:
        try:
            driver(worker, port, results)
        except BaseException as exc:
            errors.append(exc)
            os.kill(os.getpid(), signal.SIGTERM)
        if not finished.wait(WAIT):
            os.kill(os.getpid(), signal.SIGABRT)

    thread = threading.Thread(target=drive, daemon=True)
    thread.start()
    try:
        with pytest.raises(SystemExit) as exited:
            worker.init_process()
    finally:
        # A signal the driver sends too late must not reach pytest itself.
        for signum in _DRIVER_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        finished.set()
        thread.join(WAIT)
        _release(worker, sockets, saved)
    return WorkerRun(
        worker,
        exited.value.code,
        errors[0] if errors else None,
        error_log,
        access_log,
        results,
    )


def _release(
    worker: GunicornWebWorker, sockets: list[Any], saved: dict[int, Any]
) -> None:
    """Give back what a worker life took from this process."""
    loop = worker.loop
    if loop is not None and not loop.is_closed():
        # The worker left without closing its loop (ABRT): finish what the
        # process exit would have ended.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        runner = worker._runner
        if runner is not None:
            loop.run_until_complete(runner.cleanup())
        loop.close()
    for listener in sockets:
        listener.close()
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    asyncio.set_event_loop(None)
    worker.tmp.close()
    for fd in worker.PIPE:
        os.close(fd)
    for name in ("gunicorn.error", "gunicorn.access"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            handler.close()
            logger.removeHandler(handler)
