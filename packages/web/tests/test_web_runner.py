"""Runners and sites (aiohttp.web_runner) serving a low-level web.Server.

Everything goes over real sockets on 127.0.0.1 (or a Unix socket in a
temporary directory), spoken to by a raw asyncio client.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import ssl
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tls_certificate import self_signed_certificate

from aiohttp.web_request import BaseRequest
from aiohttp.web_response import Response
from aiohttp.web_runner import (
    BaseRunner,
    BaseSite,
    GracefulExit,
    NamedPipeSite,
    ServerRunner,
    SockSite,
    TCPSite,
    UnixSite,
)
from aiohttp.web_server import Server

TIMEOUT = 10.0
GET = b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"

Handler = Callable[[BaseRequest], Awaitable[Response]]


async def hello(request: BaseRequest) -> Response:
    return Response(text="hello")


async def exchange(
    connect: Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]],
    request: bytes = GET,
) -> bytes:
    """Send ``request`` on a new connection; everything until the server closes."""

    async def go() -> bytes:
        reader, writer = await connect
        try:
            writer.write(request)
            return await reader.read()
        finally:
            writer.close()

    return await asyncio.wait_for(go(), TIMEOUT)


async def get(port: int, host: str = "127.0.0.1") -> bytes:
    return await exchange(asyncio.open_connection(host, port))


def assert_hello(response: bytes) -> None:
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\nhello")


async def started_runner(handler: Handler = hello, **kwargs: Any) -> ServerRunner:
    runner = ServerRunner(Server(handler), **kwargs)
    await runner.setup()
    return runner


def served_by(runner: BaseRunner) -> Server | None:
    # A function call: mypy keeps no narrowing of runner.server across awaits.
    return runner.server


def tcp_port(runner: BaseRunner, index: int = 0) -> int:
    port: int = runner.addresses[index][1]
    return port


async def assert_refused(port: int) -> None:
    # A reset is a refusal too: the listener closed with us in its backlog.
    with pytest.raises((ConnectionRefusedError, ConnectionResetError)):
        await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)


# -- runner basics ---------------------------------------------------------------


def test_graceful_exit_is_a_system_exit_with_code_1() -> None:
    assert issubclass(GracefulExit, SystemExit)
    assert GracefulExit().code == 1


async def test_runner_server_exists_between_setup_and_cleanup() -> None:
    server = Server(hello)
    runner = ServerRunner(server)
    assert served_by(runner) is None
    assert runner.sites == set()
    assert runner.addresses == []
    await runner.setup()
    assert served_by(runner) is server
    await runner.cleanup()
    assert served_by(runner) is None


async def test_setup_twice_is_refused() -> None:
    runner = await started_runner()
    try:
        with pytest.raises(RuntimeError):
            await runner.setup()
    finally:
        await runner.cleanup()


async def test_cleanup_without_sites_or_setup_is_fine() -> None:
    runner = ServerRunner(Server(hello))
    await runner.cleanup()
    await runner.setup()
    await runner.cleanup()
    await runner.cleanup()
    assert served_by(runner) is None


async def test_a_site_needs_a_set_up_runner() -> None:
    runner = ServerRunner(Server(hello))
    with pytest.raises(RuntimeError):
        TCPSite(runner, "127.0.0.1", 0)
    with pytest.raises(RuntimeError):
        UnixSite(runner, "/nonexistent/x.sock")
    with socket.socket() as sock, pytest.raises(RuntimeError):
        SockSite(runner, sock)


async def test_a_site_cannot_start_after_cleanup() -> None:
    runner = await started_runner()
    site = TCPSite(runner, "127.0.0.1", 0)
    await runner.cleanup()
    with pytest.raises(RuntimeError):
        await site.start()
    assert runner.sites == set()


async def test_base_classes_are_abstract() -> None:
    with pytest.raises(TypeError):
        BaseRunner()  # type: ignore[abstract]
    runner = await started_runner()
    try:
        with pytest.raises(TypeError):
            BaseSite(runner)  # type: ignore[abstract]
    finally:
        await runner.cleanup()


# -- TCP sites ---------------------------------------------------------------------


async def test_tcp_site_on_port_zero_serves_and_reports_its_address() -> None:
    runner = await started_runner()
    try:
        site = TCPSite(runner, "127.0.0.1", 0)
        assert site.name == "http://127.0.0.1:0"
        assert runner.sites == set()
        await site.start()
        assert runner.sites == {site}
        [(host, port)] = runner.addresses
        assert host == "127.0.0.1"
        assert port != 0
        assert_hello(await get(port))
    finally:
        await runner.cleanup()
    assert runner.sites == set()
    assert runner.addresses == []


async def test_two_sites_on_one_runner_share_the_server() -> None:
    seen: list[int] = []

    async def handler(request: BaseRequest) -> Response:
        assert request.transport is not None
        seen.append(request.transport.get_extra_info("sockname")[1])
        return Response(text="hello")

    runner = await started_runner(handler)
    try:
        first = TCPSite(runner, "127.0.0.1", 0)
        second = TCPSite(runner, "127.0.0.1", 0)
        await first.start()
        await second.start()
        assert runner.sites == {first, second}
        ports = [tcp_port(runner, 0), tcp_port(runner, 1)]
        assert len(set(ports)) == 2
        for port in ports:
            assert_hello(await get(port))
        assert seen == ports
    finally:
        await runner.cleanup()


async def test_stopping_one_site_leaves_the_other_serving() -> None:
    runner = await started_runner()
    try:
        first = TCPSite(runner, "127.0.0.1", 0)
        second = TCPSite(runner, "127.0.0.1", 0)
        await first.start()
        await second.start()
        first_port, second_port = tcp_port(runner, 0), tcp_port(runner, 1)
        await first.stop()
        assert runner.sites == {second}
        await assert_refused(first_port)
        assert_hello(await get(second_port))
    finally:
        await runner.cleanup()


async def test_starting_a_site_twice_is_refused() -> None:
    runner = await started_runner()
    try:
        site = TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        with pytest.raises(RuntimeError):
            await site.start()
        assert runner.sites == {site}
        assert len(runner.addresses) == 1
    finally:
        await runner.cleanup()


async def test_stopping_a_site_that_is_not_started_is_refused() -> None:
    runner = await started_runner()
    try:
        site = TCPSite(runner, "127.0.0.1", 0)
        with pytest.raises(RuntimeError):
            await site.stop()
        await site.start()
        await site.stop()
        with pytest.raises(RuntimeError):
            await site.stop()
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("host", "port", "name"),
    [
        (None, None, "http://0.0.0.0:8080"),
        ("127.0.0.1", 0, "http://127.0.0.1:0"),
        ("localhost", 8081, "http://localhost:8081"),
        ("::1", 8080, "http://[::1]:8080"),
    ],
)
async def test_tcp_site_names(host: str | None, port: int | None, name: str) -> None:
    runner = await started_runner()
    try:
        assert TCPSite(runner, host, port).name == name
    finally:
        await runner.cleanup()


async def test_tcp_site_repr_shows_the_name() -> None:
    runner = await started_runner()
    try:
        assert "http://127.0.0.1:0" in repr(TCPSite(runner, "127.0.0.1", 0))
    finally:
        await runner.cleanup()


async def test_a_site_that_fails_to_listen_is_not_registered() -> None:
    runner = await started_runner()
    other = await started_runner()
    try:
        await TCPSite(runner, "127.0.0.1", 0).start()
        port = tcp_port(runner)
        clash = TCPSite(other, "127.0.0.1", port)
        # The port is taken and SO_REUSEPORT is not set.
        with pytest.raises(OSError, match=r"(?i)address already in use"):
            await clash.start()
        assert other.sites == set()
        assert other.addresses == []
    finally:
        await other.cleanup()
        await runner.cleanup()


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT")
async def test_reuse_port_lets_two_sites_share_a_port() -> None:
    runner = await started_runner()
    other = await started_runner()
    try:
        await TCPSite(runner, "127.0.0.1", 0, reuse_port=True).start()
        port = tcp_port(runner)
        await TCPSite(other, "127.0.0.1", port, reuse_port=True).start()
        assert tcp_port(other) == port
        assert_hello(await get(port))
    finally:
        await other.cleanup()
        await runner.cleanup()


async def test_reuse_address_is_passed_on() -> None:
    runner = await started_runner()
    try:
        await TCPSite(runner, "127.0.0.1", 0, reuse_address=True).start()
        [sock] = next(iter(runner.sites))._server.sockets  # type: ignore[union-attr]
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
    finally:
        await runner.cleanup()


async def test_backlog_is_accepted() -> None:
    runner = await started_runner()
    try:
        await TCPSite(runner, "127.0.0.1", 0, backlog=5).start()
        assert_hello(await get(tcp_port(runner)))
    finally:
        await runner.cleanup()


async def test_shutdown_timeout_on_a_site_is_deprecated_and_moves_to_the_runner() -> (
    None
):
    cancelled = asyncio.Event()
    entered = asyncio.Event()

    async def stuck(request: BaseRequest) -> Response:
        entered.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("not reached")

    runner = await started_runner(stuck)  # the runner's default: 60 s
    with pytest.warns(DeprecationWarning, match="shutdown_timeout"):
        site = TCPSite(runner, "127.0.0.1", 0, shutdown_timeout=0.05)
    await site.start()
    _, writer = await asyncio.open_connection("127.0.0.1", tcp_port(runner))
    try:
        writer.write(GET)
        await asyncio.wait_for(entered.wait(), TIMEOUT)
        # Far below the runner's own 60 s: only the site's 0.05 s can end it.
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)
        assert cancelled.is_set()
    finally:
        writer.close()


# -- cleanup -------------------------------------------------------------------------


async def test_cleanup_refuses_new_connections() -> None:
    runner = await started_runner()
    await TCPSite(runner, "127.0.0.1", 0).start()
    port = tcp_port(runner)
    assert_hello(await get(port))
    await runner.cleanup()
    await assert_refused(port)


async def test_cleanup_lets_an_in_flight_request_finish() -> None:
    entered = asyncio.Event()
    release = asyncio.Event()

    async def slow(request: BaseRequest) -> Response:
        entered.set()
        await release.wait()
        return Response(text="hello")

    runner = await started_runner(slow)
    await TCPSite(runner, "127.0.0.1", 0).start()
    port = tcp_port(runner)
    response = asyncio.ensure_future(get(port))
    await asyncio.wait_for(entered.wait(), TIMEOUT)
    cleanup = asyncio.ensure_future(runner.cleanup())
    try:
        # Listening stops first: the in-flight request is still waiting.
        await assert_refused(port)
        assert not response.done()
        assert not cleanup.done()
        release.set()
        assert_hello(await response)
        await asyncio.wait_for(cleanup, TIMEOUT)
    finally:
        release.set()
        cleanup.cancel()
        response.cancel()


async def test_cleanup_cancels_a_handler_that_outlasts_shutdown_timeout() -> None:
    entered = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck(request: BaseRequest) -> Response:
        entered.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("not reached")

    runner = await started_runner(stuck, shutdown_timeout=0.05)
    await TCPSite(runner, "127.0.0.1", 0).start()
    response = asyncio.ensure_future(get(tcp_port(runner)))
    try:
        await asyncio.wait_for(entered.wait(), TIMEOUT)
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)
        assert cancelled.is_set()
        # The connection closes without a successful response (a reset counts).
        try:
            received = await response
        except ConnectionResetError:
            received = b""
        assert not received.startswith(b"HTTP/1.1 200")
    finally:
        response.cancel()


async def test_cleanup_closes_idle_keep_alive_connections() -> None:
    runner = await started_runner()
    await TCPSite(runner, "127.0.0.1", 0).start()
    reader, writer = await asyncio.open_connection("127.0.0.1", tcp_port(runner))
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"Connection: close" not in head
        assert await asyncio.wait_for(reader.readexactly(5), TIMEOUT) == b"hello"
        # Idle between requests: cleanup closes it without waiting 60 s.
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)
        assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""
    finally:
        writer.close()


async def test_cleanup_calls_the_shutdown_hook_between_pre_shutdown_and_drain() -> None:
    events: list[str] = []

    class RecordingServer(Server):
        def pre_shutdown(self) -> None:
            events.append("pre_shutdown")
            super().pre_shutdown()

        async def shutdown(self, timeout: float | None = None) -> None:
            events.append(f"shutdown({timeout})")
            await super().shutdown(timeout)

    class RecordingRunner(ServerRunner):
        async def shutdown(self) -> None:
            events.append(f"hook, sites={len(self.sites)}")

        async def _cleanup_server(self) -> None:
            events.append("cleanup_server")

    runner = RecordingRunner(RecordingServer(hello), shutdown_timeout=7.0)
    await runner.setup()
    await TCPSite(runner, "127.0.0.1", 0).start()
    await runner.cleanup()
    assert events == [
        "pre_shutdown",
        "hook, sites=0",
        "shutdown(7.0)",
        "cleanup_server",
    ]


# -- signal handlers -----------------------------------------------------------------


async def test_handle_signals_installs_and_removes_handlers() -> None:
    loop = asyncio.get_running_loop()
    runner = await started_runner(handle_signals=True)
    try:
        # remove_signal_handler() says whether a handler was installed.
        assert loop.remove_signal_handler(signal.SIGTERM)
        assert loop.remove_signal_handler(signal.SIGINT)
    finally:
        await runner.cleanup()
    runner = await started_runner(handle_signals=True)
    await runner.cleanup()
    assert not loop.remove_signal_handler(signal.SIGTERM)
    assert not loop.remove_signal_handler(signal.SIGINT)


async def test_without_handle_signals_no_handlers_are_installed() -> None:
    loop = asyncio.get_running_loop()
    runner = await started_runner()
    try:
        assert not loop.remove_signal_handler(signal.SIGTERM)
        assert not loop.remove_signal_handler(signal.SIGINT)
    finally:
        await runner.cleanup()


# -- Unix sockets and pre-made sockets -------------------------------------------


@pytest.fixture
def socket_path(short_tmp_path: Path) -> Path:
    # AF_UNIX paths are short (108 bytes on Linux): tmp_path may be too long.
    return short_tmp_path / "s.sock"


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
async def test_unix_site(socket_path: Path) -> None:
    runner = await started_runner()
    try:
        site = UnixSite(runner, socket_path)
        assert site.name == f"http://unix:{socket_path}:"
        await site.start()
        assert runner.addresses == [str(socket_path)]
        assert_hello(await exchange(asyncio.open_unix_connection(socket_path)))
    finally:
        await runner.cleanup()
    # Python 3.13 also removes the socket file on close.
    with pytest.raises((ConnectionRefusedError, FileNotFoundError)):
        await asyncio.wait_for(asyncio.open_unix_connection(socket_path), TIMEOUT)


async def test_sock_site_serves_a_pre_bound_tcp_socket() -> None:
    runner = await started_runner()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        site = SockSite(runner, sock)
        assert site.name == f"http://127.0.0.1:{port}"
        await site.start()
        assert runner.addresses == [("127.0.0.1", port)]
        assert_hello(await get(port))
    finally:
        await runner.cleanup()
        sock.close()


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
async def test_sock_site_serves_a_pre_bound_unix_socket(socket_path: Path) -> None:
    runner = await started_runner()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(socket_path))
        site = SockSite(runner, sock)
        assert site.name == f"http://unix:{socket_path}:"
        await site.start()
        assert_hello(await exchange(asyncio.open_unix_connection(socket_path)))
    finally:
        await runner.cleanup()
        sock.close()


# -- TLS ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (``tools/tls_certificate.py``)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


async def test_tcp_site_with_ssl_context(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    runner = await started_runner()
    try:
        assert TCPSite(runner, ssl_context=server_context).name == (
            "https://0.0.0.0:8443"
        )
        site = TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
        assert site.name == "https://127.0.0.1:0"
        await site.start()
        port = tcp_port(runner)
        response = await exchange(
            asyncio.open_connection("127.0.0.1", port, ssl=client_context)
        )
        assert_hello(response)
    finally:
        await runner.cleanup()


async def test_unix_and_sock_site_names_with_ssl(
    certificate: tuple[Path, Path], socket_path: Path
) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    runner = await started_runner()
    try:
        assert UnixSite(runner, socket_path, ssl_context=context).name == (
            f"https://unix:{socket_path}:"
        )
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            assert SockSite(runner, sock, ssl_context=context).name == (
                f"https://127.0.0.1:{port}"
            )
    finally:
        await runner.cleanup()


@pytest.mark.skipif(sys.platform == "win32", reason="proactor loops have pipes")
async def test_named_pipe_site_needs_a_proactor_loop() -> None:
    runner = await started_runner()
    try:
        with pytest.raises(RuntimeError, match="proactor"):
            NamedPipeSite(runner, r"\\.\pipe\aiotide-test")
    finally:
        await runner.cleanup()


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
async def test_a_unix_site_that_fails_to_listen_is_not_registered(
    short_tmp_path: Path,
) -> None:
    runner = await started_runner()
    try:
        site = UnixSite(runner, short_tmp_path / "missing-directory" / "s.sock")
        with pytest.raises(FileNotFoundError):
            await site.start()
        assert runner.sites == set()
    finally:
        await runner.cleanup()


async def test_a_sock_site_that_fails_to_listen_is_not_registered() -> None:
    runner = await started_runner()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        site = SockSite(runner, sock)
        try:
            with pytest.raises(ValueError, match=r"(?i)stream"):
                await site.start()
            assert runner.sites == set()
        finally:
            await runner.cleanup()


async def test_a_failed_setup_removes_the_signal_handlers() -> None:
    class BrokenRunner(ServerRunner):
        async def _make_server(self) -> Server:
            raise OSError("cannot make a server")

    loop = asyncio.get_running_loop()
    runner = BrokenRunner(Server(hello), handle_signals=True)
    with pytest.raises(OSError, match="cannot make a server"):
        await runner.setup()
    assert served_by(runner) is None
    assert not loop.remove_signal_handler(signal.SIGTERM)
    assert not loop.remove_signal_handler(signal.SIGINT)
