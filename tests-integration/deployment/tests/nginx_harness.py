"""nginx in front of aiotide backends, started for the tests and stopped.

``deployment(directory)`` starts, under ``directory``: one aiotide process
(``nginx_app.py``: the deployment page's ``myapp.py`` with test routes,
``web.run_app(app, path=...)``) per unix socket the page's site file
names, then a real nginx in the foreground
(master and one worker) with that site file on a free 127.0.0.1 port.
Each process runs in a session of its own with its output in a log file;
leaving the context kills every process group, even after a failure.
``curl()`` drives the deployment with the curl command line tool.
Every wait is bounded by ``TIMEOUT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from nginx_config import app_from_docs, render_main, render_site, site_from_docs

TIMEOUT = 20.0
APP = Path(__file__).with_name("nginx_app.py")
INSTALL_HINT = ".ci/run installs it (apt-get install nginx-light curl)"

#: The static file nginx serves by itself, at ``/static/hello.txt``.
STATIC_NAME = "hello.txt"
STATIC_TEXT = "served by nginx from the static root\n"


def tool(name: str, *, sbin: bool = False) -> str:
    """The path of a command line tool; fail (never skip) when missing."""
    # Debian puts nginx in /usr/sbin, which an ordinary PATH may lack.
    found = shutil.which(name) or (
        shutil.which(name, path="/usr/sbin") if sbin else None
    )
    if found is None:
        pytest.fail(f"{name} is not installed: {INSTALL_HINT}", pytrace=False)
    return found


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def connects(address: str | tuple[str, int]) -> bool:
    """Whether a connection to a unix socket path or a TCP address succeeds."""
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT)
        try:
            sock.connect(address)
        except OSError:
            return False
        return True


class Service:
    """A process in a session of its own, its output in ``log``."""

    def __init__(
        self,
        name: str,
        args: Sequence[str],
        log: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )

    @property
    def pid(self) -> int:
        """The pid of the process started (the nginx master, the app)."""
        return self.process.pid

    def check_running(self) -> None:
        """Fail, with the output so far, if the process has ended."""
        status = self.process.poll()
        if status is not None:
            output = self.log.read_text(errors="replace")
            raise AssertionError(f"{self.name} exited with {status}:\n{output}")

    def stop(self) -> None:
        """TERM the process, then kill its whole group whatever happened."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(TIMEOUT)
        # nginx's workers, or anything the process forked, go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(TIMEOUT)


def wait_until(
    ready: Callable[[], bool], what: str, services: Sequence[Service]
) -> None:
    """Poll ``ready`` until it holds; fail early when a service died."""
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        for service in services:
            service.check_running()
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {TIMEOUT} s")
        time.sleep(0.05)


@dataclass(frozen=True)
class Deployment:
    """A running nginx and its backends."""

    url: str
    #: pid -> unix socket of each aiotide backend.
    backends: dict[int, Path]
    #: The directory of nginx's logs (``error.log``, ``access.log``).
    logs: Path


def python_path_env(directory: Path) -> dict[str, str]:
    """Our environment, with ``directory`` first on the Python path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, (str(directory), env.get("PYTHONPATH")))
    )
    return env


def upstream_sockets(site: str) -> list[Path]:
    """The unix sockets the site file's upstream servers name."""
    return [Path(path) for path in re.findall(r"server unix:(\S+?)[\s;]", site)]


@contextlib.contextmanager
def deployment(directory: Path) -> Iterator[Deployment]:
    """nginx on a free port in front of one aiotide process per socket."""
    nginx = tool("nginx", sbin=True)
    port = free_port()
    prefix, site = _lay_out(directory, port)
    # No "-e": older nginx lacks it. Until the configuration's error_log
    # takes over, nginx writes to its built-in log (stderr on Debian).
    nginx_args = [nginx, "-p", f"{prefix}/", "-c", f"{prefix}/nginx.conf"]
    check_config(nginx_args)
    sockets = upstream_sockets(site)
    assert sockets, "the site file names no unix socket upstream"

    services: list[Service] = []
    try:
        app_env = python_path_env(directory / "app")
        for number, path in enumerate(sockets, 1):
            app = [sys.executable, str(APP), "--path", str(path)]
            log = directory / f"app_{number}.log"
            services.append(Service(f"backend {number}", app, log, app_env))
        backends = {
            service.pid: path for service, path in zip(services, sockets, strict=True)
        }
        for service in services:
            ready = functools.partial(connects, str(backends[service.pid]))
            wait_until(ready, f"{service.name} on {backends[service.pid]}", services)

        nginx_service = Service("nginx", nginx_args, prefix / "logs" / "stderr.log")
        services.append(nginx_service)
        # The pid file appears once nginx has bound its port: a connection
        # alone could reach whoever took the port first.
        ready = functools.partial(
            _nginx_ready, prefix / "nginx.pid", nginx_service.pid, port
        )
        wait_until(ready, f"nginx on port {port}", services)
        yield Deployment(f"http://127.0.0.1:{port}", backends, prefix / "logs")
    finally:
        # nginx first: it would otherwise log the backends' going as errors.
        for service in reversed(services):
            service.stop()


def _lay_out(directory: Path, port: int) -> tuple[Path, str]:
    """Write the page's files and nginx's; nginx's prefix and the site."""
    prefix = directory / "nginx"
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True)
    static_root = directory / "srv"
    (static_root / "static").mkdir(parents=True)
    (static_root / "static" / STATIC_NAME).write_text(STATIC_TEXT)
    (directory / "run").mkdir()
    # The page's myapp.py, which the backends (nginx_app.py) import.
    (directory / "app").mkdir()
    (directory / "app" / "myapp.py").write_text(app_from_docs())
    site = render_site(
        site_from_docs(),
        port=port,
        socket_dir=directory / "run",
        static_root=static_root,
    )
    (prefix / "site.conf").write_text(site)
    (prefix / "nginx.conf").write_text(render_main(prefix))
    return prefix, site


def _nginx_ready(pid_file: Path, pid: int, port: int) -> bool:
    try:
        written = pid_file.read_text().strip()
    except FileNotFoundError:
        return False
    return written == str(pid) and connects(("127.0.0.1", port))


def upstream_errors(error_log: Path) -> list[str]:
    """nginx's complaints about the backends (resets, bad responses)."""
    severe = ("[error]", "[crit]", "[alert]", "[emerg]")
    lines = error_log.read_text(errors="replace").splitlines()
    return [
        line for line in lines if "upstream" in line and any(s in line for s in severe)
    ]


def check_config(nginx_args: Sequence[str]) -> None:
    """``nginx -t``: a bad configuration fails with nginx's own words."""
    checked = subprocess.run(
        [*nginx_args, "-t"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if checked.returncode != 0:
        raise AssertionError(f"nginx -t rejects the configuration:\n{checked.stderr}")


@dataclass(frozen=True)
class CurlResult:
    """What ``curl`` received: status, headers (lower-cased names), body."""

    status: int
    headers: dict[str, str]
    body: bytes


async def curl(url: str, *options: str) -> CurlResult:
    """Run ``curl --include [options] url`` (bounded); what it received."""
    process = await asyncio.create_subprocess_exec(
        tool("curl"),
        "--silent",
        "--show-error",
        "--include",
        "--max-time",
        str(TIMEOUT),
        *options,
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), TIMEOUT + 5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, f"curl failed: {err.decode(errors='replace')}"
    return _parse_included(out)


def _parse_included(output: bytes) -> CurlResult:
    """Split ``--include`` output; skip interim responses (``100 Continue``)."""
    while True:
        head, _, output = output.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        if not 100 <= status < 200:
            break
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return CurlResult(status, headers, output)
