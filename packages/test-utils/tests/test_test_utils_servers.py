"""TestServer, RawTestServer and BaseTestServer on real sockets."""

from __future__ import annotations

import asyncio
import socket
import ssl
from pathlib import Path

import pytest
from tls_certificate import self_signed_certificate
from yarl import URL

import aiohttp
from aiohttp import web
from aiohttp.test_utils import (
    BaseTestServer,
    RawTestServer,
    TestClient,
    TestServer,
    get_port_socket,
    unused_port,
)


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


def hello_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def fetch(url: URL | str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


# -- TestServer -------------------------------------------------------------------


async def test_test_server_serves_the_app_on_a_free_port() -> None:
    server = TestServer(hello_app())
    # Compared as tuples: mypy would narrow the properties for good.
    assert (server.started, server.closed, server.port) == (False, False, None)
    await server.start_server()
    try:
        assert server.started
        assert server.scheme == "http"
        assert server.host == "127.0.0.1"
        assert isinstance(server.port, int)
        assert server.port > 0
        assert server.make_url("/") == URL(f"http://127.0.0.1:{server.port}/")
        assert await fetch(server.make_url("/")) == (200, "Hello, world")
    finally:
        await server.close()
    assert server.closed
    assert server.port is None


async def test_test_server_exposes_app_runner_handler_and_server() -> None:
    app = hello_app()
    async with TestServer(app) as server:
        assert server.app is app
        assert isinstance(server.runner, web.AppRunner)
        assert isinstance(server.handler, web.Server)
        assert server.handler is server.runner.server
        listening = server.server
        assert isinstance(listening, asyncio.AbstractServer)
        assert listening.is_serving()
    assert server.server is None
    assert not listening.is_serving()


async def test_test_server_on_a_chosen_port() -> None:
    port = unused_port()
    async with TestServer(hello_app(), port=port) as server:
        assert server.port == port
        assert str(server.make_url("/x")) == f"http://127.0.0.1:{port}/x"
        assert await fetch(server.make_url("/")) == (200, "Hello, world")


async def test_two_test_servers_get_two_ports() -> None:
    async with TestServer(hello_app()) as one, TestServer(hello_app()) as two:
        assert one.port != two.port
        assert await fetch(one.make_url("/")) == (200, "Hello, world")
        assert await fetch(two.make_url("/")) == (200, "Hello, world")


async def test_a_busy_port_fails_to_start_and_leaves_nothing_behind() -> None:
    cleaned_up: list[str] = []

    async def cleanup(app: web.Application) -> None:
        cleaned_up.append("cleanup")

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = hello_app()
        app.on_cleanup.append(cleanup)
        server = TestServer(app, port=port)
        with pytest.raises(OSError):  # noqa: PT011 - the address is in use
            await server.start_server()
        assert not server.started
        assert cleaned_up == []


async def test_start_server_twice_starts_once_and_close_twice_closes_once() -> None:
    events: list[str] = []

    async def startup(app: web.Application) -> None:
        events.append("startup")

    async def cleanup(app: web.Application) -> None:
        events.append("cleanup")

    app = hello_app()
    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    server = TestServer(app)
    await server.start_server()
    port = server.port
    await server.start_server()
    assert server.port == port
    await server.close()
    await server.close()
    assert events == ["startup", "cleanup"]


async def test_close_before_start_does_nothing() -> None:
    server = TestServer(hello_app())
    await server.close()
    assert not server.closed
    assert not server.started


async def test_startup_failure_cleans_up_and_propagates() -> None:
    async def startup(app: web.Application) -> None:
        raise RuntimeError("no database")

    app = hello_app()
    app.on_startup.append(startup)
    server = TestServer(app)
    with pytest.raises(RuntimeError, match="no database"):
        await server.start_server()
    assert not server.started


async def test_server_kwargs_configure_the_handler() -> None:
    # Options given to the constructor or to start_server() reach the
    # per-connection handler: here the client_max_size of the request body.
    seen: list[float] = []

    async def keepalive(request: web.Request) -> web.Response:
        seen.append(request.protocol.keepalive_timeout)
        return web.Response()

    app = web.Application()
    app.router.add_get("/", keepalive)
    async with TestServer(app, keepalive_timeout=3.5) as server:
        assert (await fetch(server.make_url("/")))[0] == 200
    app = web.Application()
    app.router.add_get("/", keepalive)
    server = TestServer(app)
    await server.start_server(keepalive_timeout=7.0)
    try:
        assert (await fetch(server.make_url("/")))[0] == 200
    finally:
        await server.close()
    assert seen == [3.5, 7.0]


async def test_a_server_cannot_be_used_with_a_plain_with() -> None:
    server = TestServer(hello_app())
    with pytest.raises(TypeError, match="Use async with instead"), server:
        pass  # pragma: no cover


async def test_handlers_are_cancelled_when_the_client_goes_away() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return web.Response()  # pragma: no cover

    app = web.Application()
    app.router.add_get("/", slow)
    async with TestServer(app) as server:
        _, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await started.wait()
        writer.close()
        await writer.wait_closed()
        await cancelled.wait()


# -- make_url -----------------------------------------------------------------------


async def test_make_url_joins_paths_and_queries() -> None:
    async with TestServer(hello_app()) as server:
        root = f"http://127.0.0.1:{server.port}"
        assert str(server.make_url("/a/b?x=1")) == f"{root}/a/b?x=1"
        assert str(server.make_url("a")) == f"{root}/a"
        assert str(server.make_url(URL("/p%20q"))) == f"{root}/p%20q"
        assert str(server.make_url("")) == root


async def test_make_url_refuses_absolute_urls() -> None:
    async with TestServer(hello_app()) as server:
        with pytest.raises(AssertionError):
            server.make_url("http://example.com/")


async def test_make_url_with_skip_url_asserts_appends_the_text() -> None:
    async with TestServer(hello_app(), skip_url_asserts=True) as server:
        root = f"http://127.0.0.1:{server.port}"
        assert str(server.make_url("/a")) == f"{root}/a"
        assert str(server.make_url("//x/y")) == f"{root}//x/y"


async def test_make_url_needs_a_started_server() -> None:
    server = TestServer(hello_app())
    with pytest.raises(AssertionError):
        server.make_url("/")


# -- hosts, schemes, sockets --------------------------------------------------------


async def test_a_host_name_is_bound_as_ipv4_and_kept_in_urls() -> None:
    async with TestServer(hello_app(), host="localhost") as server:
        assert server.host == "127.0.0.1"
        assert server.make_url("/").host == "localhost"
        assert await fetch(server.make_url("/")) == (200, "Hello, world")


def _has_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback")
async def test_an_ipv6_host_is_bracketed_in_urls() -> None:
    async with TestServer(hello_app(), host="::1") as server:
        assert str(server.make_url("/")) == f"http://[::1]:{server.port}/"
        assert await fetch(server.make_url("/")) == (200, "Hello, world")


async def test_a_socket_factory_makes_the_socket() -> None:
    calls: list[tuple[str, int, socket.AddressFamily]] = []

    def factory(host: str, port: int, family: socket.AddressFamily) -> socket.socket:
        calls.append((host, port, family))
        return get_port_socket(host, port, family)

    async with TestServer(hello_app(), socket_factory=factory) as server:
        assert await fetch(server.make_url("/")) == (200, "Hello, world")
    assert calls == [("127.0.0.1", 0, socket.AF_INET)]


async def test_an_explicit_scheme_is_kept() -> None:
    async with TestServer(hello_app(), scheme="http") as server:
        assert server.scheme == "http"
        assert server.make_url("/").scheme == "http"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (``tools/tls_certificate.py``)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


async def test_an_ssl_context_serves_https(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))

    async def scheme(request: web.Request) -> web.Response:
        return web.Response(text=f"{request.scheme} {request.secure}")

    app = web.Application()
    app.router.add_get("/", scheme)
    server = TestServer(app)
    await server.start_server(ssl=server_context)
    try:
        assert server.scheme == "https"
        assert server.make_url("/").scheme == "https"
        async with TestClient(
            server, connector=aiohttp.TCPConnector(ssl=client_context)
        ) as client:
            response = await client.get("/")
            assert await response.text() == "https True"
    finally:
        await server.close()


# -- RawTestServer ---------------------------------------------------------------------


async def test_raw_test_server_serves_a_low_level_handler() -> None:
    seen: list[type[web.BaseRequest]] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        seen.append(type(request))
        return web.Response(text=f"{request.method} {request.path_qs}")

    async with RawTestServer(handler) as server:
        assert isinstance(server.runner, web.ServerRunner)
        assert isinstance(server.handler, web.Server)
        assert server.scheme == "http"
        assert await fetch(server.make_url("/any/path?q=1")) == (
            200,
            "GET /any/path?q=1",
        )
    assert seen == [web.BaseRequest]


async def test_raw_test_server_shows_tracebacks_in_debug() -> None:
    async def broken(request: web.BaseRequest) -> web.Response:
        raise ValueError("handler bug")

    async with RawTestServer(broken) as server:
        status, text = await fetch(server.make_url("/"))
    assert status == 500
    assert "ValueError: handler bug" in text


async def test_raw_test_server_handler_may_raise_http_exceptions() -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        raise web.HTTPForbidden(text="no")

    async with RawTestServer(handler) as server:
        assert await fetch(server.make_url("/")) == (403, "no")


async def test_raw_test_server_passes_runner_and_server_options() -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text=str(request.protocol.keepalive_timeout))

    server = RawTestServer(handler, shutdown_timeout=1.0)
    await server.start_server(keepalive_timeout=2.5)
    try:
        assert await fetch(server.make_url("/")) == (200, "2.5")
    finally:
        await server.close()


# -- BaseTestServer ----------------------------------------------------------------------


async def test_base_test_server_is_abstract() -> None:
    with pytest.raises(TypeError):
        BaseTestServer()  # type: ignore[abstract]


async def test_a_subclass_supplies_its_runner() -> None:
    class MyServer(BaseTestServer[web.BaseRequest]):
        async def _make_runner(self, **kwargs: object) -> web.BaseRunner:
            kwargs.pop("handler_cancellation")
            return web.AppRunner(hello_app(), **kwargs)  # type: ignore[arg-type]

    async with MyServer() as server:
        assert await fetch(server.make_url("/")) == (200, "Hello, world")


def test_the_test_classes_are_not_collected_by_pytest() -> None:
    assert BaseTestServer.__test__ is False
    assert TestServer.__test__ is False
    assert TestClient.__test__ is False
