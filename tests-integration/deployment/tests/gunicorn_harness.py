"""A real gunicorn with aiohttp's worker, started for a test and stopped after it.

``gunicorn(directory, target, ...)`` runs the console script gunicorn
installs, exactly as the deployment page shows::

    gunicorn gunicorn_app:app --bind 127.0.0.1:0 --workers 2 \
        --worker-class aiohttp.GunicornWebWorker

(port 0: the system picks a free port, read back from gunicorn's log), in
a session of its own; leaving the context TERMs the arbiter and then
kills the whole process group, whatever the test did. ``curl()`` runs the
curl command line tool. Every wait is bounded by ``TIMEOUT``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT = 20.0
TESTS = Path(__file__).resolve().parent
INSTALL_HINT = ".ci/run installs it (apt-get install curl)"
WORKER_CLASS = "aiohttp.GunicornWebWorker"
_LISTENING = re.compile(r"Listening at: (\S+) \(")


def curl_path() -> str:
    """The curl command line tool; fail (never skip) when it is missing."""
    found = shutil.which("curl")
    if found is None:
        pytest.fail(f"curl is not installed: {INSTALL_HINT}", pytrace=False)
    return found


def curl(*args: str) -> str:
    """Run curl (silent, failing on HTTP errors) and return what it printed."""
    done = subprocess.run(
        [curl_path(), "--silent", "--show-error", "--fail", "--max-time", "10", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"curl {args} exited {done.returncode}: {done.stderr}"
    return done.stdout


def gunicorn_command() -> list[str]:
    """The ``gunicorn`` console script of this environment."""
    script = Path(sys.executable).with_name("gunicorn")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "gunicorn"]  # pragma: no cover (no script)


@contextlib.contextmanager
def short_tmp_dir() -> Iterator[Path]:
    """A fresh directory with a short path: a Unix socket path must fit ~107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="aiotide-gunicorn-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def wait_until(ready: Callable[[], object], what: str) -> None:
    """Poll ``ready`` until it holds; fail after ``TIMEOUT`` seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {TIMEOUT} s")
        time.sleep(0.05)


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie is not serving anything
        return None
    return int(fields[1])


@dataclass
class Gunicorn:
    """A running gunicorn: its arbiter process and where it serves."""

    process: subprocess.Popen[bytes]
    directory: Path
    error_log: Path
    access_log: Path
    output: Path
    bind: str

    @property
    def pid(self) -> int:
        """The arbiter's pid."""
        return self.process.pid

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (TCP binds only)."""
        match = _LISTENING.search(self.log_text())
        assert match is not None, self.log_text()
        return match[1]

    @property
    def socket_path(self) -> str:
        """The Unix socket of a ``unix:PATH`` bind."""
        assert self.bind.startswith("unix:"), self.bind
        return self.bind.removeprefix("unix:")

    def curl_target(self, path: str) -> list[str]:
        """curl's arguments to reach ``path`` whatever the bind."""
        if self.bind.startswith("unix:"):
            return ["--unix-socket", self.socket_path, f"http://localhost{path}"]
        return [f"{self.url}{path}"]

    def log_text(self) -> str:
        return self.error_log.read_text(errors="replace")

    def access_lines(self) -> list[str]:
        return self.access_log.read_text(errors="replace").splitlines()

    def worker_pids(self) -> set[int]:
        """The live processes whose parent is the arbiter: its workers."""
        return {
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _parent(int(entry.name)) == self.pid
        }

    def wait_for_workers(
        self, count: int, excluding: AbstractSet[int] = frozenset()
    ) -> set[int]:
        """Wait until exactly ``count`` workers run, none of them in ``excluding``."""

        def ready() -> bool:
            pids = self.worker_pids()
            return len(pids) == count and not pids & excluding

        wait_until(ready, f"{count} gunicorn workers")
        return self.worker_pids()

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait_exit(self) -> int:
        try:
            return self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"gunicorn did not exit:\n{self.log_text()}") from None

    def stop(self) -> None:
        """TERM the arbiter, then kill the whole group whatever happened."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(TIMEOUT)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(TIMEOUT)


@contextlib.contextmanager
def gunicorn(
    directory: Path,
    target: str = "gunicorn_app:app",
    *options: str,
    bind: str = "127.0.0.1:0",
    workers: int = 2,
) -> Iterator[Gunicorn]:
    """gunicorn serving ``target`` with our worker, ready when entered."""
    marks = directory / "marks"
    marks.mkdir(exist_ok=True)
    error_log = directory / "gunicorn-error.log"
    access_log = directory / "gunicorn-access.log"
    output = directory / "gunicorn-output.log"
    command = [
        *gunicorn_command(),
        target,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        WORKER_CLASS,
        "--chdir",
        str(TESTS),
        "--error-logfile",
        str(error_log),
        "--access-logfile",
        str(access_log),
        # gunicorn 23+ listens on a control socket in $HOME unless told not to.
        "--no-control-socket",
        *options,
    ]
    env = {**os.environ, "GUNICORN_TEST_MARKS": str(marks)}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    server = Gunicorn(process, directory, error_log, access_log, output, bind)
    try:

        def booted() -> bool:
            if process.poll() is not None:
                raise AssertionError(
                    f"gunicorn exited with {process.returncode}:\n"
                    f"{output.read_text(errors='replace')}"
                    f"{error_log.read_text(errors='replace') if error_log.exists() else ''}"
                )
            if not error_log.exists():
                return False
            return server.log_text().count("Booting worker with pid") >= workers

        wait_until(booted, "gunicorn to boot its workers")
        server.wait_for_workers(workers)
        # A request answered: a worker has loaded the application.
        curl(*server.curl_target("/"))
        yield server
    finally:
        server.stop()
