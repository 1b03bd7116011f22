"""TCPConnector, UnixConnector and NamedPipeConnector over real sockets.

DNS answers come from a resolver written here (names of our choosing
pointing at 127.0.0.1); TLS peers use a self-signed certificate made by the
openssl CLI.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from client_harness import (
    raw_server,
    read_request,
    recording_traces,
    response,
    self_signed_certificate,
    server_tls_context,
)
from yarl import URL

from aiohttp._connector_ssl import unverified_context, verified_context
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.client import ClientTimeout
from aiohttp.client_exceptions import (
    ClientConnectionError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientSSLError,
    ConnectionTimeoutError,
    ServerFingerprintMismatch,
    UnixClientConnectorError,
)
from aiohttp.client_reqrep import ClientRequest, Fingerprint
from aiohttp.connector import (
    Connection,
    NamedPipeConnector,
    TCPConnector,
    UnixConnector,
)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def keep_alive(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    while True:
        await read_request(reader)
        writer.write(response(b"ok"))
        await writer.drain()


def closing(handler: Handler) -> Handler:
    """Close the connection when ``handler`` ends, however it ends.

    ``asyncio.start_server`` leaves that to the handler before Python 3.11.
    """

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return serve


def request(url: URL | str, **kwargs: Any) -> ClientRequest:
    return ClientRequest("GET", URL(url), loop=asyncio.get_running_loop(), **kwargs)


async def roundtrip(conn: Connection) -> bytes:
    proto = conn.protocol
    assert proto is not None
    assert conn.transport is not None
    proto.set_response_params()
    conn.transport.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    _, payload = await asyncio.wait_for(proto.read(), 5)
    return await asyncio.wait_for(payload.read(), 5)


async def wait_until(predicate: Callable[[], bool]) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition was never met")


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Resolver(AbstractResolver):
    """Names of our choosing; counts lookups; may hold them until ``gate`` opens."""

    def __init__(self, names: dict[str, list[tuple[str, int]]]) -> None:
        self.names = names
        self.lookups: list[tuple[str, int, int]] = []
        self.gate: asyncio.Event | None = None
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append((host, port, family))
        if self.gate is not None:
            await self.gate.wait()
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            {
                "hostname": host,
                "host": address,
                "port": real_port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for address, real_port in self.names[host]
        ]

    async def close(self) -> None:
        self.closed = True


# The trace events these tests record.
CONNECT_EVENTS = (
    "dns_cache_hit",
    "dns_cache_miss",
    "dns_resolvehost_start",
    "dns_resolvehost_end",
    "connection_create_start",
    "connection_create_end",
)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@asynccontextmanager
async def tls_server(
    certificate: tuple[Path, Path], handler: Handler = keep_alive
) -> AsyncIterator[URL]:
    context = server_tls_context(*certificate)
    server = await asyncio.start_server(closing(handler), "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield URL.build(scheme="https", host="127.0.0.1", port=port)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 5)


@pytest.fixture
def blackhole() -> Iterator[tuple[str, int]]:
    """An address whose connects hang: its listen queue is full and never read."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname(), timeout=5)
    try:
        yield listener.getsockname()
    finally:
        filler.close()
        listener.close()


# -- DNS -----------------------------------------------------------------------------


async def test_names_go_through_the_resolver_and_its_cache() -> None:
    async with raw_server(keep_alive) as server:
        port = server.url.port
        assert port is not None
        resolver = Resolver({"example.test": [("127.0.0.1", port)]})
        async with TCPConnector(resolver=resolver) as connector:
            assert connector.use_dns_cache
            assert connector.dns_cache
            for _ in range(2):
                conn = await connector.connect(request(f"http://example.test:{port}/"))
                assert await roundtrip(conn) == b"ok"
                conn.close()
            assert resolver.lookups == [("example.test", port, 0)]
            assert list(connector.cached_hosts) == [("example.test", port)]
            assert (
                connector.cached_hosts[("example.test", port)][0]["host"] == "127.0.0.1"
            )
            connector.clear_dns_cache("example.test", port)
            assert not connector.cached_hosts
            conn = await connector.connect(request(f"http://example.test:{port}/"))
            conn.close()
            assert len(resolver.lookups) == 2
            connector.clear_dns_cache()
            assert not connector.cached_hosts
            with pytest.raises(ValueError, match="either both host and port"):
                connector.clear_dns_cache("example.test")
        assert not resolver.closed  # not ours to close


async def test_dns_cache_entries_expire_after_their_ttl() -> None:
    async with raw_server(keep_alive) as server:
        port = server.url.port
        resolver = Resolver({"example.test": [("127.0.0.1", port or 0)]})
        async with TCPConnector(
            resolver=resolver, ttl_dns_cache=0.05, force_close=True
        ) as connector:
            for _ in range(2):
                conn = await connector.connect(request(f"http://example.test:{port}/"))
                conn.close()
                await asyncio.sleep(0.1)
            assert len(resolver.lookups) == 2


async def test_without_the_dns_cache_every_connection_looks_up() -> None:
    async with raw_server(keep_alive) as server:
        port = server.url.port
        resolver = Resolver({"example.test": [("127.0.0.1", port or 0)]})
        async with TCPConnector(
            resolver=resolver, use_dns_cache=False, force_close=True
        ) as connector:
            assert not connector.use_dns_cache
            traces, events = recording_traces(*CONNECT_EVENTS)
            for _ in range(2):
                conn = await connector.connect(
                    request(f"http://example.test:{port}/"), traces
                )
                conn.close()
            assert len(resolver.lookups) == 2
            assert not connector.cached_hosts
            assert events.count("dns_resolvehost_start") == 2
            assert "dns_cache_miss" not in events


async def test_an_ip_address_needs_no_lookup() -> None:
    async with raw_server(keep_alive) as server:
        resolver = Resolver({})
        async with TCPConnector(resolver=resolver) as connector:
            conn = await connector.connect(request(server.url))
            conn.close()
            assert resolver.lookups == []


async def test_concurrent_lookups_of_a_host_are_one_and_survive_a_cancelled_waiter() -> (
    None
):
    async with raw_server(keep_alive) as server:
        port = server.url.port
        resolver = Resolver({"example.test": [("127.0.0.1", port or 0)]})
        resolver.gate = asyncio.Event()
        async with TCPConnector(resolver=resolver) as connector:
            url = f"http://example.test:{port}/"
            traces = [recording_traces(*CONNECT_EVENTS) for _ in range(3)]
            tasks = [
                asyncio.ensure_future(connector.connect(request(url), trace))
                for trace, _ in traces
            ]
            await wait_until(
                lambda: bool(resolver.lookups) and all(events for _, events in traces)
            )
            tasks[0].cancel()  # the one that started the lookup
            await asyncio.sleep(0.01)
            resolver.gate.set()
            conns = await asyncio.wait_for(asyncio.gather(*tasks[1:]), 5)
            assert tasks[0].cancelled()
            assert resolver.lookups == [("example.test", port, 0)]
            assert traces[0][1][:2] == ["connection_create_start", "dns_cache_miss"]
            assert traces[1][1][:2] == ["connection_create_start", "dns_cache_hit"]
            for conn in conns:
                conn.close()


async def test_a_lookup_all_waiters_left_still_fills_the_cache() -> None:
    async with raw_server(keep_alive) as server:
        port = server.url.port
        resolver = Resolver({"example.test": [("127.0.0.1", port or 0)]})
        resolver.gate = asyncio.Event()
        async with TCPConnector(resolver=resolver) as connector:
            task = asyncio.ensure_future(
                connector.connect(request(f"http://example.test:{port}/"))
            )
            await wait_until(lambda: bool(resolver.lookups))
            task.cancel()
            await asyncio.sleep(0)
            resolver.gate.set()
            await wait_until(lambda: bool(connector.cached_hosts))
            assert ("example.test", port) in connector.cached_hosts


async def test_dns_traces_miss_then_hit() -> None:
    async with raw_server(keep_alive) as server:
        port = server.url.port
        resolver = Resolver({"example.test": [("127.0.0.1", port or 0)]})
        async with TCPConnector(resolver=resolver, force_close=True) as connector:
            traces, events = recording_traces(*CONNECT_EVENTS)
            url = f"http://example.test:{port}/"
            conn = await connector.connect(request(url), traces)
            conn.close()
            assert events == [
                "connection_create_start",
                "dns_cache_miss",
                "dns_resolvehost_start",
                "dns_resolvehost_end",
                "connection_create_end",
            ]
            events.clear()
            conn = await connector.connect(request(url), traces)
            conn.close()
            assert events == [
                "connection_create_start",
                "dns_cache_hit",
                "connection_create_end",
            ]


async def test_a_name_that_does_not_resolve_is_a_dns_error() -> None:
    resolver = Resolver({})
    async with TCPConnector(resolver=resolver) as connector:
        req = request("http://nowhere.test:8080/")
        with pytest.raises(ClientConnectorDNSError) as info:
            await connector.connect(req)
        assert info.value.host == "nowhere.test"
        assert info.value.port == 8080
        assert isinstance(info.value.os_error, socket.gaierror)
        assert "Cannot connect to host nowhere.test:8080" in str(info.value)
        assert not connector._acquired


async def test_closing_the_connector_stops_a_lookup_under_way() -> None:
    resolver = Resolver({"example.test": [("127.0.0.1", 1)]})
    resolver.gate = asyncio.Event()
    connector = TCPConnector(resolver=resolver)
    task = asyncio.ensure_future(connector.connect(request("http://example.test/")))
    await wait_until(lambda: bool(resolver.lookups))
    await connector.close()
    with pytest.raises(ClientConnectionError, match="Connector is closed"):
        await asyncio.wait_for(task, 5)


async def test_the_default_resolver_is_closed_with_the_connector() -> None:
    connector = TCPConnector()
    resolver = connector._resolver
    assert connector._resolver_owner
    await connector.close()
    assert resolver is not None


# -- connecting ------------------------------------------------------------------------


async def test_a_refused_connection_is_a_connector_error_with_the_key() -> None:
    port = free_port()
    async with TCPConnector() as connector:
        req = request(f"http://127.0.0.1:{port}/")
        with pytest.raises(ClientConnectorError) as info:
            await connector.connect(req)
        error = info.value
        assert type(error) is ClientConnectorError
        assert (error.host, error.port, error.ssl) == ("127.0.0.1", port, True)
        assert error.os_error.errno == errno.ECONNREFUSED
        assert error.errno == errno.ECONNREFUSED
        assert str(error).startswith(
            f"Cannot connect to host 127.0.0.1:{port} ssl:default ["
        )
        assert not connector._acquired


async def test_the_first_address_that_answers_wins() -> None:
    async with raw_server(keep_alive) as server:
        port = server.url.port or 0
        dead = free_port()
        resolver = Resolver(
            {"example.test": [("127.0.0.1", dead), ("127.0.0.1", port)]}
        )
        for delay in (0.25, None):
            async with TCPConnector(
                resolver=resolver, happy_eyeballs_delay=delay
            ) as connector:
                conn = await connector.connect(request(f"http://example.test:{port}/"))
                assert await roundtrip(conn) == b"ok"
                conn.close()
        assert server.accepted == 2


async def test_when_every_address_fails_the_error_names_them_all() -> None:
    ports = [free_port(), free_port()]
    resolver = Resolver({"example.test": [("127.0.0.1", p) for p in ports]})
    async with TCPConnector(resolver=resolver) as connector:
        with pytest.raises(ClientConnectorError) as info:
            await connector.connect(request("http://example.test/"))
        message = str(info.value)
        assert "Multiple exceptions" in message
        assert all(str(p) in message for p in ports)
        assert info.value.errno == errno.ECONNREFUSED


async def test_family_restricts_the_addresses() -> None:
    async with TCPConnector(family=socket.AF_INET6) as connector:
        assert connector.family == socket.AF_INET6
        with pytest.raises(ClientConnectorDNSError, match="family"):
            await connector.connect(request("http://127.0.0.1:1/"))
    resolver = Resolver({"example.test": [("127.0.0.1", 1)]})
    async with TCPConnector(resolver=resolver, family=socket.AF_INET) as connector:
        with pytest.raises(ClientConnectorError):
            await connector.connect(request("http://example.test/"))
        assert resolver.lookups == [("example.test", 80, socket.AF_INET)]


async def test_local_addr_binds_the_socket() -> None:
    seen: list[tuple[str, int]] = []

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(writer.get_extra_info("peername")[:2])
        await keep_alive(reader, writer)

    local_port = free_port()
    async with (
        raw_server(peer) as server,
        TCPConnector(local_addr=("127.0.0.1", local_port)) as connector,
    ):
        conn = await connector.connect(request(server.url))
        await roundtrip(conn)
        conn.close()
    assert seen == [("127.0.0.1", local_port)]


async def test_socket_factory_makes_the_sockets() -> None:
    made: list[tuple[Any, ...]] = []

    def factory(addr_info: tuple[Any, ...]) -> socket.socket:
        made.append(addr_info)
        sock = socket.socket(addr_info[0], addr_info[1], addr_info[2])
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        return sock

    async with (
        raw_server(keep_alive) as server,
        TCPConnector(socket_factory=factory) as connector,
    ):
        conn = await connector.connect(request(server.url))
        sock = conn.transport.get_extra_info("socket") if conn.transport else None
        assert sock is not None
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
        conn.close()
    assert made
    assert made[0][4] == ("127.0.0.1", server.url.port)


async def test_sock_connect_times_out_each_connection_attempt(
    blackhole: tuple[str, int],
) -> None:
    async with TCPConnector() as connector:
        req = request(f"http://{blackhole[0]}:{blackhole[1]}/")
        with pytest.raises(ConnectionTimeoutError, match="Connection timeout to host"):
            await connector.connect(req, [], ClientTimeout(sock_connect=0.1))
        assert isinstance(ConnectionTimeoutError(), asyncio.TimeoutError)
        assert not connector._acquired


async def test_sock_connect_covers_the_tls_handshake() -> None:
    async def silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.read()

    async with raw_server(silent) as server, TCPConnector() as connector:
        url = server.url.with_scheme("https")
        with pytest.raises(ConnectionTimeoutError):
            await connector.connect(request(url), [], ClientTimeout(sock_connect=0.1))


async def test_connect_timeout_covers_opening_too(blackhole: tuple[str, int]) -> None:
    async with TCPConnector() as connector:
        req = request(f"http://{blackhole[0]}:{blackhole[1]}/")
        with pytest.raises(ConnectionTimeoutError):
            await connector.connect(req, [], ClientTimeout(connect=0.1))
        assert not connector._acquired


async def test_tcp_connector_settings() -> None:
    connector = TCPConnector()
    assert "tcp" in connector.allowed_protocol_schema_set
    assert connector.family == 0
    await connector.close()
    with pytest.warns(
        DeprecationWarning, match="ssl_shutdown_timeout parameter is deprecated"
    ):
        connector = TCPConnector(ssl_shutdown_timeout=0)
    await connector.close()


# -- TLS ---------------------------------------------------------------------------------


async def test_tls_is_verified_by_default(certificate: tuple[Path, Path]) -> None:
    async with tls_server(certificate) as url, TCPConnector() as connector:
        req = request(url)
        with pytest.raises(ClientConnectorCertificateError) as info:
            await connector.connect(req)
        assert isinstance(info.value, ssl.CertificateError)
        assert isinstance(info.value, ClientSSLError)
        assert info.value.host == "127.0.0.1"
        assert isinstance(info.value.certificate_error, ssl.SSLCertVerificationError)
        assert not connector._acquired


async def test_tls_without_verification_and_with_a_context(
    certificate: tuple[Path, Path],
) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    async with tls_server(certificate) as url:
        for connector_ssl, request_ssl in (
            (True, False),
            (True, trusting),
            (trusting, True),
            (False, True),
        ):
            async with TCPConnector(ssl=connector_ssl) as connector:
                conn = await connector.connect(request(url, ssl=request_ssl))
                assert conn.transport is not None
                assert conn.transport.get_extra_info("sslcontext") is not None
                assert await roundtrip(conn) == b"ok"
                conn.release()
                again = await connector.connect(request(url, ssl=request_ssl))
                assert again.reused
                again.release()


async def test_a_certificate_pin(certificate: tuple[Path, Path]) -> None:
    der = ssl.PEM_cert_to_DER_cert(certificate[0].read_text())
    good = Fingerprint(hashlib.sha256(der).digest())
    bad = Fingerprint(b"\x00" * 32)
    async with tls_server(certificate) as url:
        async with TCPConnector() as connector:
            conn = await connector.connect(request(url, ssl=good))
            assert await roundtrip(conn) == b"ok"
            conn.close()
            with pytest.raises(ServerFingerprintMismatch) as info:
                await connector.connect(request(url, ssl=bad))
            assert info.value.expected == bad.fingerprint
            assert info.value.got == good.fingerprint
            assert not connector._acquired
        async with TCPConnector(ssl=bad) as connector:
            with pytest.raises(ServerFingerprintMismatch):
                await connector.connect(request(url))


async def test_a_peer_that_does_not_speak_tls_is_an_ssl_error() -> None:
    async def plain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)  # a TLS ClientHello: answer it in plain HTTP
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    async with raw_server(plain) as server, TCPConnector() as connector:
        with pytest.raises(ClientConnectorSSLError) as info:
            await connector.connect(request(server.url.with_scheme("https")))
        assert isinstance(info.value, ssl.SSLError)
        assert isinstance(info.value, ClientSSLError)


async def test_the_default_contexts_are_made_once() -> None:
    assert verified_context() is verified_context()
    assert verified_context().verify_mode == ssl.CERT_REQUIRED
    assert verified_context().check_hostname
    assert unverified_context() is unverified_context()
    assert unverified_context().verify_mode == ssl.CERT_NONE


async def test_deprecated_tls_arguments() -> None:
    with pytest.warns(DeprecationWarning, match="verify_ssl is deprecated"):
        connector = TCPConnector(verify_ssl=False)
    assert connector._ssl is False
    await connector.close()
    with pytest.warns(DeprecationWarning, match="fingerprint is deprecated"):
        connector = TCPConnector(fingerprint=b"\x01" * 32)
    assert isinstance(connector._ssl, Fingerprint)
    await connector.close()
    context = ssl.create_default_context()
    with pytest.warns(DeprecationWarning, match="ssl_context is deprecated"):
        connector = TCPConnector(ssl_context=context)
    assert connector._ssl is context
    await connector.close()
    with (
        pytest.raises(ValueError, match="mutually exclusive"),
        pytest.warns(DeprecationWarning, match="ssl_context is deprecated"),
    ):
        TCPConnector(ssl=False, ssl_context=context)
    with pytest.raises(TypeError, match="ssl should be SSLContext"):
        TCPConnector(ssl="yes")  # type: ignore[arg-type, unused-ignore]


# -- TLS peers that do not close ----------------------------------------------------------


def silent_after_handshake(context: ssl.SSLContext) -> Handler:
    """A TLS peer that answers nothing after the handshake, close_notify neither."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_side=True)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                writer.write(outgoing.read())
                data = await reader.read(65536)
                if not data:
                    return
                incoming.write(data)
        writer.write(outgoing.read())
        while await reader.read(65536):
            pass

    return handler


@pytest.mark.skipif(
    not (sys.version_info < (3, 12, 7) or (3, 13, 0) <= sys.version_info < (3, 13, 1)),
    reason="enable_cleanup_closed is ignored on this Python",
)
async def test_enable_cleanup_closed_aborts_tls_transports_that_do_not_close(
    certificate: tuple[Path, Path],
) -> None:
    handler = silent_after_handshake(server_tls_context(*certificate))
    async with raw_server(handler) as server:
        url = server.url.with_scheme("https")
        for cleanup in (False, True):
            connector = TCPConnector(ssl=False, enable_cleanup_closed=cleanup)
            connector._cleanup_closed_period = 0.05
            conn = await connector.connect(request(url))
            proto, transport = conn.protocol, conn.transport
            assert proto is not None
            assert transport is not None
            lost = proto.closed
            assert lost is not None
            conn.close()  # starts the TLS shutdown, which the peer never finishes
            if cleanup:
                await asyncio.wait_for(lost, 5)
            else:
                await asyncio.sleep(0.3)
                assert not lost.done()
                transport.abort()
                await asyncio.wait_for(lost, 5)
            await connector.close()


async def test_close_aborts_tls_connections_by_default(
    certificate: tuple[Path, Path],
) -> None:
    handler = silent_after_handshake(server_tls_context(*certificate))
    async with raw_server(handler) as server:
        connector = TCPConnector(ssl=False)
        conn = await connector.connect(request(server.url.with_scheme("https")))
        proto = conn.protocol
        assert proto is not None
        await asyncio.wait_for(connector.close(), 5)
        assert not proto.is_connected()
        assert conn.closed


# -- Unix sockets and named pipes -----------------------------------------------------------


async def test_unix_connector(short_tmp_path: Path) -> None:
    path = str(short_tmp_path / "s.sock")
    accepted = 0

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        nonlocal accepted
        accepted += 1
        try:
            await keep_alive(reader, writer)
        except asyncio.IncompleteReadError:
            writer.close()

    server = await asyncio.start_unix_server(handler, path)
    try:
        async with UnixConnector(path) as connector:
            assert connector.path == path
            assert "unix" in connector.allowed_protocol_schema_set
            for _ in range(2):
                conn = await connector.connect(request("http://localhost/"))
                assert await roundtrip(conn) == b"ok"
                conn.release()
        assert accepted == 1
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 5)


async def test_unix_connector_errors(short_tmp_path: Path) -> None:
    path = str(short_tmp_path / "missing.sock")
    async with UnixConnector(path) as connector:
        with pytest.raises(UnixClientConnectorError) as info:
            await connector.connect(request("http://localhost/"))
        assert info.value.path == path
        assert str(info.value).startswith(f"Cannot connect to unix socket {path}")
        assert not connector._acquired


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes work there")
async def test_named_pipes_need_windows() -> None:
    with pytest.raises(
        RuntimeError, match="Named Pipes only available in proactor loop"
    ):
        NamedPipeConnector(r"\\.\pipe\test")
