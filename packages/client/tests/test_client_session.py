"""ClientSession: construction, attributes, life cycle, and what a request sends."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import ssl
from pathlib import Path
from typing import Any

import pytest
from client_harness import (
    raw_server,
    read_request,
    response,
    self_signed_certificate,
    server_tls_context,
)
from client_session_helpers import TIMEOUT, echo, echo_app, header_values
from multidict import CIMultiDict
from yarl import URL

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer, AiohttpServer

# -- ClientTimeout --------------------------------------------------------------


def test_client_timeout_defaults_and_fields() -> None:
    timeout = aiohttp.ClientTimeout()
    assert (timeout.total, timeout.connect, timeout.sock_read) == (None, None, None)
    assert timeout.sock_connect is None
    assert timeout.ceil_threshold == 5
    assert aiohttp.ClientTimeout(1.5).total == 1.5


def test_client_timeout_is_immutable_and_comparable() -> None:
    timeout = aiohttp.ClientTimeout(total=10, sock_read=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        timeout.total = 3  # type: ignore[misc]
    assert dataclasses.replace(timeout, total=3) == aiohttp.ClientTimeout(
        total=3, sock_read=2
    )
    assert hash(timeout) == hash(aiohttp.ClientTimeout(total=10, sock_read=2))


# -- construction -------------------------------------------------------------------


def test_session_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        aiohttp.ClientSession()


async def test_default_timeout_and_attributes() -> None:
    async with aiohttp.ClientSession() as session:
        assert session.timeout == aiohttp.ClientTimeout(total=300, sock_connect=30)
        assert isinstance(session.connector, aiohttp.TCPConnector)
        assert isinstance(session.cookie_jar, aiohttp.CookieJar)
        assert session.version == aiohttp.HttpVersion11
        assert session.headers == CIMultiDict()
        assert session.skip_auto_headers == frozenset()
        assert session.auth is None
        assert session.json_serialize is json.dumps
        assert session.connector_owner is True
        assert session.raise_for_status is False
        assert session.auto_decompress is True
        assert session.trust_env is False
        assert session.trace_configs == []
        assert session.requote_redirect_url is True
        assert not session.closed


async def test_constructor_arguments_become_attributes() -> None:
    auth = aiohttp.BasicAuth("user", "pass")
    timeout = aiohttp.ClientTimeout(total=7)
    jar = aiohttp.DummyCookieJar()
    trace_config = aiohttp.TraceConfig()

    async def check(resp: aiohttp.ClientResponse) -> None:
        pass

    def dumps(value: Any) -> str:
        return json.dumps(value)

    async with aiohttp.ClientSession(
        headers={"X-Token": "t"},
        skip_auto_headers=["User-Agent"],
        auth=auth,
        json_serialize=dumps,
        version=aiohttp.HttpVersion10,
        cookie_jar=jar,
        timeout=timeout,
        raise_for_status=check,
        auto_decompress=False,
        trust_env=True,
        requote_redirect_url=False,
        trace_configs=[trace_config],
    ) as session:
        assert session.headers == CIMultiDict({"X-Token": "t"})
        assert session.skip_auto_headers == frozenset({"User-Agent"})
        assert session.auth is auth
        assert session.json_serialize is dumps
        assert session.version == aiohttp.HttpVersion10
        assert session.cookie_jar is jar
        assert session.timeout is timeout
        assert session.raise_for_status is check
        assert session.auto_decompress is False
        assert session.trust_env is True
        assert session.requote_redirect_url is False
        assert session.trace_configs == [trace_config]
        with pytest.raises(RuntimeError):
            trace_config.on_request_start.append(check)  # frozen by the session


async def test_a_number_is_not_a_session_timeout() -> None:
    with pytest.raises(ValueError, match="ClientTimeout"):
        aiohttp.ClientSession(timeout=5)  # type: ignore[arg-type]


async def test_deprecated_timeout_arguments() -> None:
    with pytest.warns(DeprecationWarning, match="read_timeout is deprecated"):
        session = aiohttp.ClientSession(read_timeout=7)
    assert session.timeout.total == 7
    await session.close()
    with pytest.warns(DeprecationWarning, match="conn_timeout is deprecated"):
        session = aiohttp.ClientSession(conn_timeout=3)
    assert session.timeout.connect == 3
    assert session.timeout.total == 300
    await session.close()
    timeout = aiohttp.ClientTimeout(total=1)
    with pytest.raises(ValueError, match="conflict"):
        aiohttp.ClientSession(timeout=timeout, read_timeout=2)
    with pytest.raises(ValueError, match="conflict"):
        aiohttp.ClientSession(timeout=timeout, conn_timeout=2)


async def test_ssl_shutdown_timeout_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        session = aiohttp.ClientSession(ssl_shutdown_timeout=0)
    await session.close()
    connector = aiohttp.TCPConnector()
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        session = aiohttp.ClientSession(connector=connector, ssl_shutdown_timeout=0)
    await session.close()


async def test_base_url_must_end_with_a_slash() -> None:
    with pytest.raises(ValueError, match="trailing '/'"):
        aiohttp.ClientSession("http://example.com/api")


async def test_deprecated_attribute_access_warns() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.warns(DeprecationWarning, match="loop property is deprecated"):
            assert session.loop is asyncio.get_running_loop()
        with pytest.warns(DeprecationWarning, match="requote_redirect_url"):
            session.requote_redirect_url = False
        assert session.requote_redirect_url is False
        with pytest.warns(DeprecationWarning, match="custom ClientSession.extra"):
            session.extra = 1  # type: ignore[attr-defined]


def test_subclassing_the_session_warns() -> None:
    with pytest.warns(DeprecationWarning, match="Inheritance class Mine"):

        class Mine(aiohttp.ClientSession):
            pass


# -- life cycle -------------------------------------------------------------------


async def test_close_closes_the_owned_connector() -> None:
    session = aiohttp.ClientSession()
    connector = session.connector
    assert connector is not None
    await session.close()
    assert session.closed
    assert session.connector is None
    assert connector.closed
    await session.close()  # twice is fine


async def test_a_shared_connector_stays_open() -> None:
    connector = aiohttp.TCPConnector()
    try:
        async with aiohttp.ClientSession(
            connector=connector, connector_owner=False
        ) as session:
            assert session.connector is connector
            assert session.connector_owner is False
        assert session.closed
        assert not connector.closed
    finally:
        await connector.close()
    assert session.closed


async def test_detach_leaves_the_connector_open() -> None:
    session = aiohttp.ClientSession()
    connector = session.connector
    assert connector is not None
    session.detach()
    assert session.closed
    assert not connector.closed
    await connector.close()


async def test_a_session_closes_when_its_connector_does() -> None:
    session = aiohttp.ClientSession()
    assert session.connector is not None
    await session.connector.close()
    assert session.closed


async def test_plain_with_is_refused() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(TypeError, match="async with"), session:
            pass


async def test_requests_on_a_closed_session_fail() -> None:
    session = aiohttp.ClientSession()
    await session.close()
    with pytest.raises(RuntimeError, match="Session is closed"):
        await session.get("http://127.0.0.1:1/")


async def test_an_unclosed_session_warns_and_tells_the_loop() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda loop, context: contexts.append(context))
    sessions = [aiohttp.ClientSession()]
    connector = sessions[0].connector
    assert connector is not None
    with pytest.warns(ResourceWarning, match="Unclosed client session"):
        sessions.clear()  # the last reference: no cycle keeps a session alive
    assert [c["message"] for c in contexts] == ["Unclosed client session"]
    assert "source_traceback" in contexts[0]  # the loop runs in debug mode
    await connector.close()


# -- requests -------------------------------------------------------------------------


async def test_each_verb_sends_its_method(aiohttp_server: AiohttpServer) -> None:
    base = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        verbs = {
            "GET": session.get,
            "OPTIONS": session.options,
            "POST": session.post,
            "PUT": session.put,
            "PATCH": session.patch,
            "DELETE": session.delete,
        }
        for method, verb in verbs.items():
            async with verb(base / "x") as resp:
                assert resp.status == 200
                assert (await resp.json())["method"] == method
        async with session.request("TRACE", base / "x") as resp:
            assert (await resp.json())["method"] == "TRACE"
        async with session.head(base / "x") as resp:
            assert resp.status == 200
            assert resp.method == "HEAD"
            assert await resp.read() == b""


async def test_a_request_is_awaitable_a_task_and_a_context_manager(
    aiohttp_server: AiohttpServer,
) -> None:
    base = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        resp = await session.get(base / "a")
        assert (await resp.json())["path"] == "/a"
        task = asyncio.create_task(session.get(base / "b"))
        resp = await task
        assert (await resp.json())["path"] == "/b"
        answers = await asyncio.gather(session.get(base / "c"), session.get(base / "d"))
        for resp in answers:
            resp.release()
        async with session.get(base / "e") as resp:
            assert resp.status == 200
        assert resp.connection is None  # released on the way out


async def test_post_data_and_json(aiohttp_client: AiohttpClient) -> None:
    def dumps(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"))

    client = await aiohttp_client(echo_app(), timeout=TIMEOUT, json_serialize=dumps)
    async with client.post("/p", data=b"raw") as resp:
        assert (await resp.json())["body"] == "raw"
    async with client.post("/p", json={"a": [1, 2]}) as resp:
        answer = await resp.json()
        assert answer["body"] == '{"a":[1,2]}'
        assert header_values(answer, "Content-Type") == ["application/json"]
    with pytest.raises(ValueError, match="data and json"):
        await client.post("/p", data=b"x", json={})


async def test_base_url_joins_relative_urls(aiohttp_server: AiohttpServer) -> None:
    base = (await aiohttp_server(echo_app())).make_url("/")
    other = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(base / "api/", timeout=TIMEOUT) as session:
        async with session.get("items?x=1") as resp:
            assert (await resp.json())["path"] == "/api/items?x=1"
        async with session.get("/top") as resp:
            assert (await resp.json())["path"] == "/top"
        async with session.get(URL("deep/er")) as resp:
            assert (await resp.json())["path"] == "/api/deep/er"
        async with session.get(other / "elsewhere") as resp:
            assert resp.url == other / "elsewhere"


async def test_session_and_request_headers_merge(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(
        echo_app(), timeout=TIMEOUT, headers={"X-A": "session", "X-B": "session"}
    )
    async with client.get(
        "/", headers=[("x-b", "one"), ("X-B", "two"), ("X-C", "c")]
    ) as resp:
        answer = await resp.json()
    assert header_values(answer, "X-A") == ["session"]
    assert header_values(answer, "X-B") == ["one", "two"]
    assert header_values(answer, "X-C") == ["c"]
    async with client.get("/") as resp:  # the session's are untouched
        assert header_values(await resp.json(), "X-B") == ["session"]


async def test_skip_auto_headers_of_session_and_request(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(
        echo_app(), timeout=TIMEOUT, skip_auto_headers=["User-Agent"]
    )
    async with client.get("/") as resp:
        answer = await resp.json()
    assert header_values(answer, "User-Agent") == []
    assert header_values(answer, "Accept-Encoding") != []
    async with client.get("/", skip_auto_headers=["accept-encoding"]) as resp:
        answer = await resp.json()
    assert header_values(answer, "User-Agent") == []
    assert header_values(answer, "Accept-Encoding") == []


async def test_version_of_the_request_line(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(
        echo_app(), timeout=TIMEOUT, version=aiohttp.HttpVersion10
    )
    async with client.get("/") as resp:
        assert (await resp.json())["version"] == "1.0"


async def test_invalid_urls_are_refused() -> None:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        with pytest.raises(aiohttp.InvalidUrlClientError):
            await session.get("http://[::1")
        with pytest.raises(aiohttp.InvalidUrlClientError):
            await session.get("http:///no-host")
        with pytest.raises(aiohttp.NonHttpUrlClientError):
            await session.get("ftp://example.com/file")
        with pytest.raises(aiohttp.InvalidURL):
            await session.get("http://127.0.0.1:1/", proxy="http://[::1")


# -- credentials -------------------------------------------------------------------


def _basic(login: str, password: str) -> str:
    return aiohttp.BasicAuth(login, password).encode()


async def test_auth_from_request_session_and_url(aiohttp_server: AiohttpServer) -> None:
    base = (await aiohttp_server(echo_app())).make_url("/")
    session_auth = aiohttp.BasicAuth("session", "s")
    async with aiohttp.ClientSession(timeout=TIMEOUT, auth=session_auth) as s:
        async with s.get(base) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [_basic("session", "s")]
        request_auth = aiohttp.BasicAuth("request", "r")
        async with s.get(base, auth=request_auth) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [_basic("request", "r")]
        async with s.get(base.with_user("url").with_password("u")) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [_basic("url", "u")]
        assert resp.url == base  # the credentials are not part of the URL


async def test_auth_conflicts(aiohttp_server: AiohttpServer) -> None:
    base = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        with pytest.raises(ValueError, match="AUTH argument"):
            await s.get(
                base.with_user("a").with_password("b"),
                auth=aiohttp.BasicAuth("c", "d"),
            )
        with pytest.raises(ValueError, match="AUTHORIZATION header"):
            await s.get(
                base,
                auth=aiohttp.BasicAuth("c", "d"),
                headers={"Authorization": "Bearer x"},
            )


async def test_session_auth_goes_only_to_the_base_url_origin(
    aiohttp_server: AiohttpServer,
) -> None:
    base = (await aiohttp_server(echo_app())).make_url("/")
    other = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(
        base, auth=aiohttp.BasicAuth("u", "p"), timeout=TIMEOUT
    ) as s:
        async with s.get("in") as resp:
            assert header_values(await resp.json(), "Authorization") != []
        async with s.get(other / "out") as resp:
            assert header_values(await resp.json(), "Authorization") == []


async def test_netrc_credentials_with_trust_env(
    aiohttp_server: AiohttpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login netuser password netpass\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    base = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT, trust_env=True) as s:
        async with s.get(base) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [_basic("netuser", "netpass")]
        auth = aiohttp.BasicAuth("explicit", "e")
        async with s.get(base, auth=auth) as resp:  # explicit wins
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [_basic("explicit", "e")]
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as s,
        s.get(base) as resp,
    ):
        assert header_values(await resp.json(), "Authorization") == []


async def test_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head, _ = await read_request(reader)
        seen.append(head.split(b"\r\n", 1)[0])
        writer.write(response(b"proxied", close=True))
        await writer.drain()

    for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    async with raw_server(proxy) as server:
        monkeypatch.setenv("http_proxy", str(server.url))
        monkeypatch.setenv("HTTP_PROXY", str(server.url))
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT, trust_env=True) as s,
            s.get("http://example.invalid/path?q=1") as resp,
        ):
            assert await resp.read() == b"proxied"
        assert seen == [b"GET http://example.invalid/path?q=1 HTTP/1.1"]


async def test_session_proxy_default() -> None:
    seen: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head, _ = await read_request(reader)
        seen.append(head.split(b"\r\n", 1)[0])
        writer.write(response(b"proxied", close=True))
        await writer.drain()

    async with (
        raw_server(proxy) as server,
        aiohttp.ClientSession(timeout=TIMEOUT, proxy=server.url) as s,
        s.get("http://example.invalid/") as resp,
    ):
        assert await resp.read() == b"proxied"
    assert seen == [b"GET http://example.invalid/ HTTP/1.1"]


# -- cookies ---------------------------------------------------------------------------


async def test_session_and_request_cookies_are_sent(
    aiohttp_server: AiohttpServer,
) -> None:
    # A session of its own: its default cookie jar, not the test client's.
    base = (await aiohttp_server(echo_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT, cookies={"s": "1"}) as session:
        async with session.get(base, cookies={"r": "2"}) as resp:
            assert (await resp.json())["cookies"] == {"s": "1", "r": "2"}
        async with session.get(base) as resp:  # request cookies are not kept
            assert (await resp.json())["cookies"] == {"s": "1"}


async def test_response_cookies_fill_the_jar(
    aiohttp_server: AiohttpServer, aiohttp_client: AiohttpClient
) -> None:
    async def set_cookie(request: web.Request) -> web.Response:
        resp = web.Response(text="set")
        resp.set_cookie("a", "1")
        resp.set_cookie("b", "2", path="/other")
        return resp

    app = web.Application()
    app.router.add_get("/set", set_cookie)
    app.router.add_route("*", "/{tail:.*}", echo)
    server = await aiohttp_server(app)
    jar = aiohttp.CookieJar(unsafe=True)  # 127.0.0.1 is an IP address
    client = await aiohttp_client(server, timeout=TIMEOUT, cookie_jar=jar)
    async with client.get("/set") as resp:
        assert resp.cookies["a"].value == "1"
    async with client.get("/x") as resp:
        assert (await resp.json())["cookies"] == {"a": "1"}
    async with client.get("/other/x") as resp:
        assert (await resp.json())["cookies"] == {"a": "1", "b": "2"}
    dummy = await aiohttp_client(
        server, timeout=TIMEOUT, cookie_jar=aiohttp.DummyCookieJar()
    )
    await (await dummy.get("/set")).read()
    assert len(dummy.session.cookie_jar) == 0


# -- raise_for_status ------------------------------------------------------------------


def _status_app() -> web.Application:
    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="body")

    app = web.Application()
    app.router.add_get("/{code}", status)
    return app


async def test_raise_for_status_of_session_and_request(
    aiohttp_server: AiohttpServer, aiohttp_client: AiohttpClient
) -> None:
    server = await aiohttp_server(_status_app())
    raising = await aiohttp_client(server, timeout=TIMEOUT, raise_for_status=True)
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await raising.get("/404")
    assert info.value.status == 404
    async with raising.get("/404", raise_for_status=False) as resp:
        assert resp.status == 404
    async with raising.get("/200") as resp:
        assert resp.status == 200
    plain = await aiohttp_client(server, timeout=TIMEOUT)
    async with plain.get("/500") as resp:
        assert resp.status == 500
    with pytest.raises(aiohttp.ClientResponseError):
        await plain.get("/500", raise_for_status=True)


async def test_raise_for_status_callable(aiohttp_client: AiohttpClient) -> None:
    checked: list[int] = []

    class Refused(Exception):
        pass

    async def check(resp: aiohttp.ClientResponse) -> None:
        checked.append(resp.status)
        if resp.status == 418:
            raise Refused(await resp.text())

    async def other_check(resp: aiohttp.ClientResponse) -> None:
        checked.append(-resp.status)

    client = await aiohttp_client(
        _status_app(), timeout=TIMEOUT, raise_for_status=check
    )
    async with client.get("/200") as resp:
        assert resp.status == 200
    with pytest.raises(Refused, match="body"):
        await client.get("/418")
    async with client.get("/418", raise_for_status=other_check) as resp:
        assert resp.status == 418
    assert checked == [200, 418, -418]


# -- tracing -------------------------------------------------------------------------


async def test_request_traces_start_end_and_exception(
    aiohttp_server: AiohttpServer,
) -> None:
    events: list[tuple[str, Any]] = []

    async def on_start(session: Any, ctx: Any, params: Any) -> None:
        events.append(("start", (params.method, params.url, ctx.trace_request_ctx)))

    async def on_end(session: Any, ctx: Any, params: Any) -> None:
        events.append(("end", (params.method, params.url, params.response.status)))

    async def on_exception(session: Any, ctx: Any, params: Any) -> None:
        events.append(("exception", type(params.exception)))

    config = aiohttp.TraceConfig()
    config.on_request_start.append(on_start)
    config.on_request_end.append(on_end)
    config.on_request_exception.append(on_exception)
    server = await aiohttp_server(echo_app())
    async with aiohttp.ClientSession(timeout=TIMEOUT, trace_configs=[config]) as s:
        async with s.get(
            server.make_url("/t"), params={"a": "1"}, trace_request_ctx="mine"
        ):
            pass
        with pytest.raises(aiohttp.ClientConnectorError):
            await s.get("http://127.0.0.1:1/")
    url = server.make_url("/t").with_query(a="1")
    assert events == [
        ("start", ("GET", url, "mine")),
        ("end", ("GET", url, 200)),
        ("start", ("GET", URL("http://127.0.0.1:1/"), None)),
        ("exception", aiohttp.ClientConnectorError),
    ]


# -- per-request parsing options ------------------------------------------------------


async def test_header_size_limits_of_session_and_request(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="ok", headers={"X-Long": "v" * 200})

    server = await aiohttp_raw_server(handler)
    limited = await aiohttp_client(server, timeout=TIMEOUT, max_field_size=100)
    with pytest.raises(aiohttp.ClientResponseError):
        await limited.get("/")
    async with limited.get("/", max_field_size=1000) as resp:
        assert len(resp.headers["X-Long"]) == 200
    default = await aiohttp_client(server, timeout=TIMEOUT)
    with pytest.raises(aiohttp.ClientResponseError):
        await default.get("/", max_line_size=50, max_field_size=50)


async def test_auto_decompress_of_session_and_request(
    aiohttp_server: AiohttpServer, aiohttp_client: AiohttpClient
) -> None:
    packed = gzip.compress(b"plain text")

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=packed, headers={"Content-Encoding": "gzip"})

    app = web.Application()
    app.router.add_get("/", handler)
    server = await aiohttp_server(app)
    decompressing = await aiohttp_client(server, timeout=TIMEOUT)
    async with decompressing.get("/") as resp:
        assert await resp.read() == b"plain text"
    async with decompressing.get("/", auto_decompress=False) as resp:
        assert await resp.read() == packed
    as_sent = await aiohttp_client(server, timeout=TIMEOUT, auto_decompress=False)
    async with as_sent.get("/") as resp:
        assert await resp.read() == packed


async def test_fallback_charset_resolver(aiohttp_client: AiohttpClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body="café".encode("latin-1"), headers={"Content-Type": "text/plain"}
        )

    app = web.Application()
    app.router.add_get("/", handler)
    seen: list[bytes] = []

    def resolver(resp: aiohttp.ClientResponse, body: bytes) -> str:
        seen.append(body)
        return "latin-1"

    client = await aiohttp_client(
        app, timeout=TIMEOUT, fallback_charset_resolver=resolver
    )
    async with client.get("/") as resp:
        assert await resp.text() == "café"
    assert seen == ["café".encode("latin-1")]


# -- deprecated and checked arguments ---------------------------------------------------


async def test_deprecated_ssl_arguments(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(echo_app(), timeout=TIMEOUT)
    with pytest.warns(DeprecationWarning, match="verify_ssl is deprecated"):
        async with client.get("/", verify_ssl=False) as resp:
            assert resp.status == 200
    with pytest.warns(DeprecationWarning, match="fingerprint is deprecated"):
        async with client.get("/", fingerprint=b"\x00" * 32) as resp:
            assert resp.status == 200
    with (
        pytest.warns(DeprecationWarning, match="verify_ssl"),
        pytest.raises(ValueError, match="mutually exclusive"),
    ):
        await client.get("/", verify_ssl=False, ssl=False)
    with pytest.raises(TypeError, match="ssl should be"):
        await client.get("/", ssl="yes")


async def test_a_chunk_size_is_deprecated(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(echo_app(), timeout=TIMEOUT)
    with pytest.warns(DeprecationWarning, match="Chunk size is deprecated"):
        async with client.post("/", data=b"abc", chunked=1024) as resp:
            assert (await resp.json())["body"] == "abc"


# -- the one-shot request() ------------------------------------------------------------


async def test_one_shot_request_owns_its_session(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(echo_app())
    async with aiohttp.request("POST", server.make_url("/one"), data=b"shot") as resp:
        answer = await resp.json()
    assert (answer["method"], answer["path"], answer["body"]) == (
        "POST",
        "/one",
        "shot",
    )
    assert resp.closed


async def test_one_shot_request_with_a_shared_connector(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(echo_app())
    connector = aiohttp.TCPConnector()
    try:
        async with aiohttp.request(
            "GET", server.make_url("/"), connector=connector, cookies={"c": "1"}
        ) as resp:
            assert (await resp.json())["cookies"] == {"c": "1"}
        assert not connector.closed
    finally:
        await connector.close()


async def test_one_shot_request_failure_closes_its_session() -> None:
    with pytest.raises(aiohttp.ClientConnectorError):
        async with aiohttp.request("GET", "http://127.0.0.1:1/"):
            pass


# -- WebSocket --------------------------------------------------------------------------


async def test_ws_connect_uses_the_session(aiohttp_client: AiohttpClient) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            await ws.send_str(msg.data + "/" + request.headers.get("X-S", ""))
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    client = await aiohttp_client(app, timeout=TIMEOUT, headers={"X-S": "s"})
    async with client.ws_connect("/ws") as ws:
        await ws.send_str("hi")
        assert await ws.receive_str() == "hi/s"
    assert ws.closed


# -- TLS and body framing per request -------------------------------------------------


async def test_server_hostname_and_the_deprecated_ssl_context(
    aiohttp_server: AiohttpServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    cert, key = self_signed_certificate(tmp_path)  # for localhost and 127.0.0.1
    context = ssl.create_default_context(cafile=str(cert))
    server = await aiohttp_server(echo_app(), ssl=server_tls_context(cert, key))
    assert server.scheme == "https"
    # A new connection for each request: the name is checked while connecting.
    connector = aiohttp.TCPConnector(force_close=True)
    client = await aiohttp_client(server, timeout=TIMEOUT, connector=connector)
    async with client.get("/", ssl=context, server_hostname="localhost") as r:
        assert r.status == 200
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        await client.get("/", ssl=context, server_hostname="elsewhere.example")
    with pytest.warns(DeprecationWarning, match="ssl_context is deprecated"):
        async with client.get("/", ssl_context=context) as r:
            assert r.status == 200


async def test_read_until_eof() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        # No Content-Length: the body runs to the close.
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end")
        await writer.drain()

    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.get(server.url) as resp:
            assert await resp.read() == b"to the end"
        async with session.get(server.url, read_until_eof=False) as resp:
            assert await resp.read() == b""
