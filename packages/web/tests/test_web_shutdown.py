"""Graceful shutdown on a signal, in a real server process.

A small script serves a slow handler with ``ServerRunner(...,
handle_signals=True)``; the test sends it SIGTERM (or SIGINT) while a
request is in flight and watches what the client and the process see.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX signals to a child process"
)

TIMEOUT = 20.0
GET = b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"

# argv: handler delay, the runner's shutdown_timeout
SERVER = """
import asyncio
import sys

from aiohttp.web_response import Response
from aiohttp.web_runner import GracefulExit, ServerRunner, TCPSite
from aiohttp.web_server import Server

DELAY, SHUTDOWN_TIMEOUT = float(sys.argv[1]), float(sys.argv[2])


async def slow(request):
    print("handling", flush=True)
    try:
        await asyncio.sleep(DELAY)
    except asyncio.CancelledError:
        print("cancelled", flush=True)
        raise
    return Response(text="finished")


async def start():
    runner = ServerRunner(
        Server(slow), handle_signals=True, shutdown_timeout=SHUTDOWN_TIMEOUT
    )
    await runner.setup()
    await TCPSite(runner, "127.0.0.1", 0).start()
    print(runner.addresses[0][1], flush=True)
    return runner


loop = asyncio.new_event_loop()
runner = loop.run_until_complete(start())
try:
    loop.run_forever()
except GracefulExit:
    print("graceful exit", flush=True)
finally:
    loop.run_until_complete(runner.cleanup())
    loop.close()
print("cleaned up", flush=True)
"""


class ServerProcess:
    """The script above, running; always killed at the end."""

    def __init__(self, script: Path, delay: float, shutdown_timeout: float) -> None:
        self.args = (str(script), str(delay), str(shutdown_timeout))
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> ServerProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.kill()
        await asyncio.wait_for(self.process.communicate(), TIMEOUT)

    async def line(self) -> str:
        """The next line the server printed."""
        assert self.process is not None
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), TIMEOUT)
        if not raw:
            assert self.process.stderr is not None
            error = await asyncio.wait_for(self.process.stderr.read(), TIMEOUT)
            raise AssertionError(f"the server printed nothing more:\n{error.decode()}")
        return raw.decode().strip()

    def send_signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def exit_code(self) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), TIMEOUT)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "server.py"
    path.write_text(SERVER)
    return path


async def start_request(
    port: int,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), TIMEOUT
    )
    writer.write(GET)
    return reader, writer


async def wait_until_refused(port: int) -> None:
    """Connect until the server refuses: it stops listening soon after a signal."""

    async def refused() -> None:
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except ConnectionRefusedError:
                return
            writer.close()
            await asyncio.sleep(0.01)

    await asyncio.wait_for(refused(), TIMEOUT)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_signal_lets_the_in_flight_request_finish(
    script: Path, signum: signal.Signals
) -> None:
    # The handler takes 1 s; the shutdown timeout leaves it ample room.
    async with ServerProcess(script, delay=1.0, shutdown_timeout=15.0) as server:
        port = int(await server.line())
        reader, writer = await start_request(port)
        try:
            assert await server.line() == "handling"
            server.send_signal(signum)
            assert await server.line() == "graceful exit"
            await wait_until_refused(port)
            response = await asyncio.wait_for(reader.read(), TIMEOUT)
        finally:
            writer.close()
        assert response.startswith(b"HTTP/1.1 200 OK\r\n")
        assert response.endswith(b"\r\n\r\nfinished")
        assert await server.line() == "cleaned up"
        assert await server.exit_code() == 0


async def test_signal_cancels_a_request_that_outlasts_shutdown_timeout(
    script: Path,
) -> None:
    # The handler would take an hour; the runner gives it half a second.
    async with ServerProcess(script, delay=3600.0, shutdown_timeout=0.5) as server:
        port = int(await server.line())
        reader, writer = await start_request(port)
        try:
            assert await server.line() == "handling"
            server.send_signal(signal.SIGTERM)
            assert await server.line() == "graceful exit"
            await wait_until_refused(port)
            try:
                response = await asyncio.wait_for(reader.read(), TIMEOUT)
            except ConnectionResetError:  # closing without an answer may reset
                response = b""
        finally:
            writer.close()
        assert not response.startswith(b"HTTP/1.1 200")
        assert await server.line() == "cancelled"
        assert await server.line() == "cleaned up"
        assert await server.exit_code() == 0


async def test_signal_with_no_request_exits_at_once(script: Path) -> None:
    async with ServerProcess(script, delay=1.0, shutdown_timeout=3600.0) as server:
        port = int(await server.line())
        server.send_signal(signal.SIGTERM)
        assert await server.line() == "graceful exit"
        assert await server.line() == "cleaned up"
        assert await server.exit_code() == 0
        await wait_until_refused(port)
