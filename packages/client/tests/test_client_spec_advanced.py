"""The manual's Advanced Client Usage (§12.1.2), example by example.

URLs of httpbin.org, example.com and badssl.com become the same paths on
local servers: the httpbin look-alike in ``client_httpbin``, a TLS site
with a self-signed certificate, a Unix socket. Examples that need the
outside world (custom nameservers through aiodns) check the part that can
be checked here.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from client_harness import (
    self_signed_certificate,
    server_tls_context,
)
from client_httpbin import make_app

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpServer
from aiohttp.resolver import AsyncResolver


async def test_custom_request_headers(aiohttp_server: AiohttpServer) -> None:
    payload = (
        b"GIF89a\x01\x00\x01\x00\x00\xff\x00,\x00\x00"
        b"\x00\x00\x01\x00\x01\x00\x00\x02\x00;"
    )
    headers = {"content-type": "image/gif"}
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.post(
            server.make_url("/post"), data=payload, headers=headers
        ) as resp:
            body = await resp.json()
            # Sent with the case it was given, as aiohttp sends it.
            assert body["headers"]["content-type"] == "image/gif"
            assert body["data"] == payload.decode("latin-1")


async def test_default_headers_for_all_session_requests(
    aiohttp_server: AiohttpServer,
) -> None:
    headers = {"Authorization": "Basic bG9naW46cGFzcw=="}
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(server.make_url("/headers")) as r:
            json_body = await r.json()
            assert json_body["headers"]["Authorization"] == "Basic bG9naW46cGFzcw=="


async def test_custom_cookies(aiohttp_server: AiohttpServer) -> None:
    cookies = {"cookies_are": "working"}
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession(cookies=cookies) as session:
        async with session.get(server.make_url("/cookies")) as resp:
            assert await resp.json() == {"cookies": {"cookies_are": "working"}}


async def test_session_shares_cookies_between_requests(
    aiohttp_server: AiohttpServer,
) -> None:
    # A host name, not 127.0.0.1: the default jar refuses cookies from IPs.
    server = await aiohttp_server(make_app(), host="localhost")
    async with aiohttp.ClientSession() as session:
        await session.get(
            server.make_url("/cookies/set").with_query(my_cookie="my_value")
        )
        filtered = session.cookie_jar.filter_cookies(server.make_url("/"))
        assert filtered["my_cookie"].value == "my_value"
        async with session.get(server.make_url("/cookies")) as r:
            json_body = await r.json()
            assert json_body["cookies"]["my_cookie"] == "my_value"


async def test_response_headers_raw_headers_and_cookies(
    aiohttp_server: AiohttpServer,
) -> None:
    async def setting(request: web.Request) -> web.Response:
        response = web.Response(text="ok", content_type="application/json")
        response.set_cookie("example_cookie_name", "value")
        return response

    app = web.Application()
    app.router.add_get("/some/cookie/setting/url", setting)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        async with session.get(server.make_url("/some/cookie/setting/url")) as resp:
            assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
            assert resp.headers.get("content-type") == resp.headers["CONTENT-TYPE"]
            raw = dict(resp.raw_headers)
            assert raw[b"Content-Type"] == b"application/json; charset=utf-8"
            assert resp.cookies["example_cookie_name"].value == "value"


async def test_redirection_history(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        resp = await session.get(server.make_url("/redirect/2"))
        try:
            assert resp.url == server.make_url("/get")
            assert [r.status for r in resp.history] == [302, 302]
            assert resp.history[0].url == server.make_url("/redirect/2")
            assert repr(resp).startswith(
                f"<ClientResponse({server.make_url('/get')}) [200"
            )
        finally:
            resp.release()
        resp = await session.get(server.make_url("/redirect/1"), allow_redirects=False)
        resp.release()
        assert (resp.status, resp.history) == (302, ())


async def test_cookie_safety_unsafe_jar_and_dummy_jar(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(make_app())  # an IP address: 127.0.0.1
    url = server.make_url("/cookies/set").with_query(c="1")
    async with aiohttp.ClientSession() as session:
        await session.get(url)
        assert len(session.cookie_jar) == 0
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await session.get(url)
        assert [cookie.key for cookie in jar] == ["c"]
    dummy = aiohttp.DummyCookieJar()
    async with aiohttp.ClientSession(cookie_jar=dummy) as session:
        async with session.get(url) as resp:
            assert await resp.json() == {"cookies": {}}
        assert len(dummy) == 0


async def test_uploading_pre_compressed_data(aiohttp_server: AiohttpServer) -> None:
    my_data = b"compress me " * 100
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        data = zlib.compress(my_data)
        headers = {"Content-Encoding": "deflate"}
        async with session.post(
            server.make_url("/post"), data=data, headers=headers
        ) as r:
            # The server decodes the body it was sent, as aiohttp's does.
            assert (await r.json())["data"] == my_data.decode()


async def test_client_tracing_signals_context_and_request_ctx(
    aiohttp_server: AiohttpServer,
) -> None:
    events: list[tuple[str, Any]] = []

    async def on_request_start(
        session: aiohttp.ClientSession, trace_config_ctx: SimpleNamespace, params: Any
    ) -> None:
        # session.loop is deprecated in 3.x; the running loop is the same one.
        trace_config_ctx.start = asyncio.get_running_loop().time()
        events.append(("start", trace_config_ctx.trace_request_ctx))

    async def on_request_end(
        session: aiohttp.ClientSession, trace_config_ctx: SimpleNamespace, params: Any
    ) -> None:
        elapsed = asyncio.get_running_loop().time() - trace_config_ctx.start
        events.append(("end", elapsed >= 0))

    trace_config = aiohttp.TraceConfig()
    trace_config.on_request_start.append(on_request_start)
    trace_config.on_request_end.append(on_request_end)
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession(trace_configs=[trace_config]) as client:
        async with client.get(
            server.make_url("/get"), trace_request_ctx={"foo": "bar"}
        ) as resp:
            assert resp.status == 200
    assert events == [("start", {"foo": "bar"}), ("end", True)]


async def test_connectors_limits_and_dns_cache_settings(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(make_app())
    for connector in (
        aiohttp.TCPConnector(),
        aiohttp.TCPConnector(limit=30),
        aiohttp.TCPConnector(limit=0),
        aiohttp.TCPConnector(limit_per_host=30),
        aiohttp.TCPConnector(ttl_dns_cache=300),
        aiohttp.TCPConnector(use_dns_cache=False),
    ):
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(server.make_url("/get")) as resp:
                assert resp.status == 200
        assert connector.closed  # the session owned it
    assert (
        aiohttp.TCPConnector(limit=30).limit,
        aiohttp.TCPConnector(limit=0).limit,
    ) == (30, 0)


async def test_connector_shared_between_sessions(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(make_app())
    conn = aiohttp.TCPConnector()
    for _ in range(2):
        async with aiohttp.ClientSession(connector=conn, connector_owner=False) as s:
            async with s.get(server.make_url("/get")) as resp:
                assert resp.status == 200
        assert not conn.closed
    await conn.close()


def test_custom_nameservers_need_aiodns() -> None:
    with pytest.raises(RuntimeError, match="aiodns"):
        AsyncResolver(nameservers=["8.8.8.8", "8.8.4.4"])


async def test_unix_domain_sockets(short_tmp_path: Path) -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="over a unix socket")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    path = str(short_tmp_path / "app.sock")
    try:
        await web.UnixSite(runner, path).start()
        conn = aiohttp.UnixConnector(path=path)
        async with aiohttp.ClientSession(connector=conn) as session:
            async with session.get("http://localhost/") as resp:
                assert await resp.text() == "over a unix socket"
    finally:
        await runner.cleanup()


async def test_ssl_control(tmp_path: Path, aiohttp_server: AiohttpServer) -> None:
    cert, key = self_signed_certificate(tmp_path)
    server = await aiohttp_server(make_app(), ssl=server_tls_context(cert, key))
    async with aiohttp.ClientSession() as session:
        # Strict by default: a self-signed certificate does not verify.
        with pytest.raises(aiohttp.ClientConnectorCertificateError) as info:
            await session.get(server.make_url("/get"))
        assert isinstance(info.value, ssl.CertificateError)
        assert isinstance(info.value, aiohttp.ClientSSLError)
        r = await session.get(server.make_url("/get"), ssl=False)
        r.release()
        sslcontext = ssl.create_default_context(cafile=str(cert))
        async with session.get(server.make_url("/get"), ssl=sslcontext) as r:
            assert r.status == 200
    # The connector's ssl is the default the requests' ssl overrides.
    conn = aiohttp.TCPConnector(ssl=sslcontext)
    async with aiohttp.ClientSession(connector=conn) as session:
        async with session.get(server.make_url("/get")) as r:
            assert r.status == 200


async def test_ssl_error_when_the_peer_does_not_speak_tls(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorSSLError) as info:
            await session.get(server.make_url("/get").with_scheme("https"))
        assert isinstance(info.value, ssl.SSLError)
        assert isinstance(info.value, aiohttp.ClientSSLError)


async def test_certificate_fingerprint(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    good = hashlib.sha256(der).digest()
    bad_fingerprint = b"0" * 32
    server = await aiohttp_server(make_app(), ssl=server_tls_context(cert, key))
    async with aiohttp.ClientSession() as session:
        exc = None
        try:
            await session.get(
                server.make_url("/get"), ssl=aiohttp.Fingerprint(bad_fingerprint)
            )
        except aiohttp.ServerFingerprintMismatch as e:
            exc = e
        assert exc is not None
        assert exc.expected == bad_fingerprint
        assert exc.got == good
        async with session.get(
            server.make_url("/get"), ssl=aiohttp.Fingerprint(good)
        ) as r:
            assert r.status == 200
    with pytest.raises(ValueError, match="fingerprint"):
        aiohttp.Fingerprint(b"0" * 64)  # not a SHA-256 digest
