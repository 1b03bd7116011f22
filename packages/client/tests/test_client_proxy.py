"""Requests through an HTTP proxy: a tiny asyncio proxy written here.

Plain HTTP goes to the proxy with the absolute URL as the target; HTTPS
goes through a CONNECT tunnel, then TLS with the origin.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from client_harness import (
    RawServer,
    raw_server,
    read_head,
    read_request,
    response,
    self_signed_certificate,
    server_tls_context,
)
from multidict import CIMultiDict
from yarl import URL

from aiohttp.client import ClientSession
from aiohttp.client_exceptions import (
    ClientConnectionError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientHttpProxyError,
    ClientProxyConnectionError,
    ServerFingerprintMismatch,
)
from aiohttp.client_reqrep import ClientRequest, Fingerprint
from aiohttp.connector import TCPConnector
from aiohttp.helpers import BasicAuth


async def origin(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer each request with its own request line."""
    while True:
        head, _ = await read_request(reader)
        writer.write(response(head.split(b"\r\n")[0]))
        await writer.drain()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


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


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


class Proxy:
    """An HTTP proxy: forwards absolute-form requests, tunnels CONNECT."""

    def __init__(self, answer: bytes | None = None) -> None:
        self.answer = answer
        self.seen: list[tuple[str, CIMultiDict[str]]] = []
        self.active = 0

    async def idle(self) -> None:
        """Wait until every connection through the proxy has ended."""
        for _ in range(500):
            if not self.active:
                return
            await asyncio.sleep(0.01)

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.active += 1
        try:
            await self._serve(reader, writer)
        finally:
            self.active -= 1

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        head = await read_head(reader)
        line, *fields = head.decode().split("\r\n")
        headers: CIMultiDict[str] = CIMultiDict()
        for field in fields:
            if field:
                name, _, value = field.partition(":")
                headers.add(name, value.strip())
        self.seen.append((line, headers))
        if self.answer is not None:
            writer.write(self.answer)
            await writer.drain()
            return
        method, target, _ = line.split(" ")
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            url = URL(target)
            assert url.is_absolute(), target
            up_reader, up_writer = await asyncio.open_connection(url.host, url.port)
            up_writer.write(head)
        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            up_writer.close()


@asynccontextmanager
async def proxy_server(proxy: Proxy) -> AsyncIterator[RawServer]:
    async with raw_server(proxy) as server:
        yield server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@asynccontextmanager
async def tls_origin(certificate: tuple[Path, Path]) -> AsyncIterator[URL]:
    server = await asyncio.start_server(
        closing(origin), "127.0.0.1", 0, ssl=server_tls_context(*certificate)
    )
    port = server.sockets[0].getsockname()[1]
    try:
        yield URL.build(scheme="https", host="127.0.0.1", port=port)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_plain_http_goes_to_the_proxy_with_an_absolute_target() -> None:
    proxy = Proxy()
    async with raw_server(origin) as server, proxy_server(proxy) as proxy_srv:
        async with ClientSession() as session:
            for _ in range(2):
                async with session.get(
                    server.url / "path",
                    proxy=proxy_srv.url,
                    proxy_auth=BasicAuth("user", "pass"),
                ) as resp:
                    assert resp.status == 200
                    line = await resp.text()
        await proxy.idle()
        assert line == f"GET {server.url}/path HTTP/1.1"
        first_line, headers = proxy.seen[0]
        assert first_line == line
        assert headers["Proxy-Authorization"] == BasicAuth("user", "pass").encode()
        assert proxy_srv.accepted == 1  # the second request reused the connection


async def test_the_connector_sends_plain_http_requests_to_the_proxy() -> None:
    proxy = Proxy()
    async with raw_server(origin) as server, proxy_server(proxy) as proxy_srv:
        async with TCPConnector() as connector:
            req = ClientRequest(
                "GET",
                server.url,
                proxy=proxy_srv.url,
                proxy_auth=BasicAuth("u", "p"),
                loop=asyncio.get_running_loop(),
            )
            conn = await connector.connect(req)
            assert conn.transport is not None
            assert conn.transport.get_extra_info("peername")[1] == proxy_srv.url.port
            assert req.headers["Proxy-Authorization"] == BasicAuth("u", "p").encode()
            conn.close()
        await proxy.idle()


async def test_https_goes_through_a_connect_tunnel(
    certificate: tuple[Path, Path],
) -> None:
    proxy = Proxy()
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    async with tls_origin(certificate) as url, proxy_server(proxy) as proxy_srv:
        async with ClientSession() as session:
            for _ in range(2):
                async with session.get(
                    url / "secret",
                    proxy=proxy_srv.url,
                    proxy_auth=BasicAuth("user", "pass"),
                    proxy_headers={"X-Proxy": "yes"},
                    ssl=trusting,
                ) as resp:
                    assert resp.status == 200
                    assert await resp.text() == "GET /secret HTTP/1.1"
                connector = session.connector
                assert connector is not None
                [(tunnel, _)] = next(iter(connector._conns.values()))
                assert tunnel.transport is not None
                assert tunnel.transport.get_extra_info("sslcontext") is trusting
        await proxy.idle()
        line, headers = proxy.seen[0]
        assert line == f"CONNECT 127.0.0.1:{url.port} HTTP/1.1"
        assert headers["Host"] == f"127.0.0.1:{url.port}"
        assert headers["Proxy-Authorization"] == BasicAuth("user", "pass").encode()
        assert headers["X-Proxy"] == "yes"
        assert len(proxy.seen) == 1
        assert proxy_srv.accepted == 1


async def test_the_tunnel_verifies_the_origin(certificate: tuple[Path, Path]) -> None:
    der = ssl.PEM_cert_to_DER_cert(certificate[0].read_text())
    good = Fingerprint(hashlib.sha256(der).digest())
    async with (
        tls_origin(certificate) as url,
        proxy_server(Proxy()) as proxy_srv,
        TCPConnector() as connector,
    ):
        loop = asyncio.get_running_loop()
        with pytest.raises(ClientConnectorCertificateError):
            await connector.connect(
                ClientRequest("GET", url, proxy=proxy_srv.url, loop=loop)
            )
        with pytest.raises(ServerFingerprintMismatch):
            await connector.connect(
                ClientRequest(
                    "GET",
                    url,
                    proxy=proxy_srv.url,
                    ssl=Fingerprint(b"\x00" * 32),
                    loop=loop,
                )
            )
        conn = await connector.connect(
            ClientRequest("GET", url, proxy=proxy_srv.url, ssl=good, loop=loop)
        )
        conn.close()
        assert not connector._acquired


async def test_a_refused_tunnel_is_a_proxy_error() -> None:
    answer = (
        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b"Proxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n"
    )
    async with proxy_server(Proxy(answer)) as proxy_srv, TCPConnector() as connector:
        req = ClientRequest(
            "GET",
            "https://origin.test/",
            proxy=proxy_srv.url,
            loop=asyncio.get_running_loop(),
        )
        with pytest.raises(ClientHttpProxyError) as info:
            await connector.connect(req)
        error = info.value
        assert (error.status, error.message) == (
            407,
            "Proxy Authentication Required",
        )
        assert error.headers is not None
        assert error.headers["Proxy-Authenticate"] == "Basic"
        assert error.request_info.method == "CONNECT"
        assert not connector._acquired


async def test_a_proxy_that_cannot_be_reached() -> None:
    port = free_port()
    async with TCPConnector() as connector:
        req = ClientRequest(
            "GET",
            "http://origin.test/",
            proxy=URL(f"http://127.0.0.1:{port}"),
            loop=asyncio.get_running_loop(),
        )
        with pytest.raises(ClientProxyConnectionError) as info:
            await connector.connect(req)
        assert (info.value.host, info.value.port) == ("127.0.0.1", port)


async def test_a_proxy_name_that_does_not_resolve_is_a_dns_error() -> None:
    class NoNames:
        async def resolve(self, host: str, port: int = 0, family: Any = 0) -> Any:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        async def close(self) -> None:
            pass

    async with TCPConnector(resolver=NoNames()) as connector:  # type: ignore[arg-type, unused-ignore]
        req = ClientRequest(
            "GET",
            "http://origin.test/",
            proxy=URL("http://proxy.test:3128"),
            loop=asyncio.get_running_loop(),
        )
        with pytest.raises(ClientConnectorDNSError) as info:
            await connector.connect(req)
        assert info.value.host == "proxy.test"


async def test_a_proxy_that_hangs_up_on_connect() -> None:
    async with proxy_server(Proxy(b"")) as proxy_srv, TCPConnector() as connector:
        req = ClientRequest(
            "GET",
            "https://origin.test/",
            proxy=proxy_srv.url,
            loop=asyncio.get_running_loop(),
        )
        with pytest.raises(Exception) as info:  # noqa: PT011 - the class is what we check
            await connector.connect(req)
        assert type(info.value).__name__ == "ServerDisconnectedError"


@asynccontextmanager
async def tls_proxy(proxy: Proxy, certificate: tuple[Path, Path]) -> AsyncIterator[URL]:
    server = await asyncio.start_server(
        closing(proxy), "127.0.0.1", 0, ssl=server_tls_context(*certificate)
    )
    port = server.sockets[0].getsockname()[1]
    try:
        yield URL.build(scheme="https", host="127.0.0.1", port=port)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 5)


async def test_a_proxy_spoken_to_over_tls(certificate: tuple[Path, Path]) -> None:
    proxy = Proxy()
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    async with (
        raw_server(origin) as server,
        tls_proxy(proxy, certificate) as proxy_url,
        ClientSession(connector=TCPConnector(ssl=trusting)) as session,
        session.get(server.url / "x", proxy=proxy_url) as resp,
    ):
        assert await resp.text() == f"GET {server.url}/x HTTP/1.1"
    await proxy.idle()


async def test_tls_to_the_origin_inside_tls_to_the_proxy(
    certificate: tuple[Path, Path],
) -> None:
    proxy = Proxy()
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    async with (
        tls_origin(certificate) as url,
        tls_proxy(proxy, certificate) as proxy_url,
        ClientSession(connector=TCPConnector(ssl=trusting)) as session,
    ):
        if sys.version_info < (3, 11):
            # asyncio cannot start TLS over a TLS transport before 3.11.
            with pytest.raises(ClientConnectionError, match="TLS-in-TLS"):
                await session.get(url / "x", proxy=proxy_url)
        else:
            async with session.get(url / "x", proxy=proxy_url) as resp:
                assert await resp.text() == "GET /x HTTP/1.1"
    await proxy.idle()
    assert proxy.seen[0][0] == f"CONNECT 127.0.0.1:{url.port} HTTP/1.1"
