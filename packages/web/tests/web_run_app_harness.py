"""Run a server script in a child process and talk to it over real sockets.

``run_app`` owns its process: it makes its own event loop, installs signal
handlers and returns when a signal stops it. So the tests write a small
script to a temporary directory, start it with this interpreter, read what
it prints (markers, the banner) line by line, speak raw HTTP to it and
signal it. Every wait is bounded; a child still running when a test ends is
killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import textwrap
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from web_raw_client import RawResponse, read_response

#: Bound on every wait for the child (start-up, a line, its exit).
TIMEOUT = 20.0
BANNER_END = "(Press CTRL+C to quit)"

#: Prepended to every script: ``say()`` prints a marker line at once.
PRELUDE = """\
import asyncio
import sys


def say(*parts):
    print(*parts, flush=True)

"""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def write_script(directory: Path, body: str, name: str = "server_app.py") -> Path:
    """Write ``PRELUDE`` + ``body`` (dedented) to ``directory/name``."""
    path = directory / name
    path.write_text(PRELUDE + textwrap.dedent(body))
    return path


def child_env(extra_path: Path | None = None) -> dict[str, str]:
    """The environment for a child: ours, with ``extra_path`` importable."""
    env = dict(os.environ)
    env.pop("PYTHONASYNCIODEBUG", None)
    # Output to a pipe is buffered, as under a supervisor: what must arrive
    # at once (the banner, the markers) has to be flushed by its writer.
    env.pop("PYTHONUNBUFFERED", None)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(extra_path), env.get("PYTHONPATH")) if p
        )
    return env


class Child:
    """A child process whose output is read line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self.stderr = ""

    async def line(self, timeout: float = TIMEOUT) -> str:
        """The next stdout line, without its newline; ``""`` at EOF."""
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        text = raw.decode().rstrip("\n")
        if raw:
            self.lines.append(text)
        return text

    async def until(self, marker: str, timeout: float = TIMEOUT) -> list[str]:
        """Read lines up to and including ``marker``; all the lines so far."""
        while True:
            text = await self.line(timeout)
            if text == marker:
                return self.lines
            stdout = self.process.stdout
            if not text and stdout is not None and stdout.at_eof():
                stderr = await self._stderr()
                raise AssertionError(
                    f"the child ended before printing {marker!r}; "
                    f"stdout: {self.lines!r}; stderr:\n{stderr}"
                )

    async def wait_started(self) -> list[str]:
        """Read up to the end of run_app's banner."""
        return await self.until(BANNER_END)

    def send(self, signum: int = signal.SIGTERM) -> None:
        """Send ``signum`` to the child."""
        self.process.send_signal(signum)

    async def _stderr(self) -> str:
        assert self.process.stderr is not None
        data = await asyncio.wait_for(self.process.stderr.read(), TIMEOUT)
        self.stderr += data.decode()
        return self.stderr

    async def finish(self, timeout: float = TIMEOUT) -> int:
        """Read the rest of the output and wait for the exit status."""
        assert self.process.stdout is not None
        rest = await asyncio.wait_for(self.process.stdout.read(), timeout)
        self.lines.extend(rest.decode().splitlines())
        await self._stderr()
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self, signum: int = signal.SIGTERM) -> int:
        """Signal the child and wait for it to end; its exit status."""
        self.send(signum)
        return await self.finish()


@contextlib.asynccontextmanager
async def spawn(
    args: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> AsyncIterator[Child]:
    """Run ``python ARGS``; kill the child if the test leaves it running."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env if env is not None else child_env(),
        cwd=cwd,
    )
    child = Child(process)
    try:
        yield child
    finally:
        if process.returncode is None:
            process.kill()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.communicate(), TIMEOUT)


async def get(
    port: int,
    path: str = "/",
    *,
    host: str = "127.0.0.1",
    unix: str | None = None,
    headers: str = "",
) -> RawResponse:
    """One ``GET path`` on a new connection (``Connection: close``)."""
    if unix is not None:
        connect = asyncio.open_unix_connection(unix)
    else:
        connect = asyncio.open_connection(host, port)
    reader, writer = await asyncio.wait_for(connect, TIMEOUT)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
            f"{headers}\r\n".encode("latin-1")
        )
        return await asyncio.wait_for(read_response(reader), TIMEOUT)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def connects(host: str, port: int) -> bool:
    """Whether a TCP connection to ``host:port`` succeeds now."""
    try:
        _, writer = await asyncio.open_connection(host, port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def wait_listening(port: int, host: str = "127.0.0.1") -> None:
    """Poll until something accepts connections on ``host:port``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not await connects(host, port):
        if loop.time() > deadline:
            raise AssertionError(f"nothing listens on {host}:{port}")
        await asyncio.sleep(0.05)
