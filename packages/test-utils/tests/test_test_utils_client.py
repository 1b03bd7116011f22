"""TestClient against real test servers."""

from __future__ import annotations

import asyncio

import pytest
from yarl import URL

import aiohttp
from aiohttp import web
from aiohttp.test_utils import (
    RawTestServer,
    TestClient,
    TestServer,
    loop_context,
)


async def echo(request: web.Request) -> web.Response:
    body = await request.text()
    return web.Response(text=f"{request.method} {request.path_qs} {body}")


def echo_app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


async def test_requests_go_to_the_server_by_path() -> None:
    async with TestClient(TestServer(echo_app())) as client:
        response = await client.request("GET", "/a?b=1")
        assert response.status == 200
        assert await response.text() == "GET /a?b=1 "
        response = await client.request("POST", URL("/form"), data=b"x=1")
        assert await response.text() == "POST /form x=1"


async def test_every_verb() -> None:
    async with TestClient(TestServer(echo_app())) as client:
        assert await (await client.get("/g")).text() == "GET /g "
        assert await (await client.post("/p", data="d")).text() == "POST /p d"
        assert await (await client.put("/u", data="d")).text() == "PUT /u d"
        assert await (await client.patch("/a", data="d")).text() == "PATCH /a d"
        assert await (await client.delete("/d")).text() == "DELETE /d "
        assert await (await client.options("/o")).text() == "OPTIONS /o "
        response = await client.head("/h")
        assert response.status == 200
        assert await response.read() == b""


async def test_requests_work_as_async_context_managers() -> None:
    async with TestClient(TestServer(echo_app())) as client:
        async with client.get("/cm") as response:
            assert await response.text() == "GET /cm "
        assert response.closed


async def test_client_properties() -> None:
    app = echo_app()
    server = TestServer(app)
    client = TestClient(server)
    assert client.server is server
    assert client.app is app
    assert client.port is None
    assert isinstance(client.session, aiohttp.ClientSession)
    await client.start_server()
    try:
        assert server.started
        assert client.host == "127.0.0.1"
        assert client.port == server.port
        assert client.scheme == "http"
        assert client.make_url("/x") == server.make_url("/x")
        # The session itself needs absolute URLs.
        async with client.session.get(client.make_url("/s")) as response:
            assert await response.text() == "GET /s "
    finally:
        await client.close()
    assert server.closed
    assert client.session.closed


async def test_a_raw_server_client_has_no_app() -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="raw")

    async with TestClient(RawTestServer(handler)) as client:
        assert client.app is None
        assert await (await client.get("/")).text() == "raw"


async def test_start_server_on_a_started_server_does_nothing() -> None:
    server = TestServer(echo_app())
    await server.start_server()
    port = server.port
    async with TestClient(server) as client:
        assert client.port == port
        assert await (await client.get("/")).text() == "GET / "
    assert server.closed


async def test_close_closes_unreleased_responses_and_is_idempotent() -> None:
    async def streaming(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"part")
        await asyncio.sleep(3600)  # the client closes first
        return response  # pragma: no cover

    app = web.Application()
    app.router.add_get("/", streaming)
    client = TestClient(TestServer(app))
    await client.start_server()
    one = await client.get("/")
    two = await client.get("/")
    assert await one.content.readexactly(4) == b"part"
    assert (one.closed, two.closed) == (False, False)
    await client.close()
    assert one.closed
    assert two.closed
    assert one.connection is None
    await client.close()
    assert client.server.closed


async def test_close_closes_websockets() -> None:
    server_saw: list[aiohttp.WSMsgType] = []

    async def websocket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            await ws.send_str(f"echo {message.data}")
        server_saw.append(aiohttp.WSMsgType.CLOSE)
        return ws

    app = web.Application()
    app.router.add_get("/ws", websocket)
    client = TestClient(TestServer(app))
    await client.start_server()
    ws = await client.ws_connect("/ws")
    await ws.send_str("hi")
    assert await ws.receive_str() == "echo hi"
    await client.close()
    assert ws.closed
    assert server_saw == [aiohttp.WSMsgType.CLOSE]


async def test_ws_connect_as_async_context_manager() -> None:
    async def websocket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"path": request.path})
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/ws", websocket)
    async with TestClient(TestServer(app)) as client:
        async with client.ws_connect("/ws") as ws:
            assert await ws.receive_json() == {"path": "/ws"}
            message = await ws.receive()
            assert message.type is aiohttp.WSMsgType.CLOSE
        assert ws.closed


async def test_cookies_set_by_127_0_0_1_are_kept() -> None:
    async def login(request: web.Request) -> web.Response:
        response = web.Response(text="in")
        response.set_cookie("session", "abc")
        return response

    async def whoami(request: web.Request) -> web.Response:
        return web.Response(text=request.cookies.get("session", "nobody"))

    app = web.Application()
    app.router.add_get("/login", login)
    app.router.add_get("/whoami", whoami)
    async with TestClient(TestServer(app)) as client:
        assert await (await client.get("/whoami")).text() == "nobody"
        await (await client.get("/login")).release()
        assert await (await client.get("/whoami")).text() == "abc"
        assert isinstance(client.session.cookie_jar, aiohttp.CookieJar)
        assert len(client.session.cookie_jar) == 1


async def test_a_cookie_jar_of_ones_own() -> None:
    jar = aiohttp.DummyCookieJar()

    async def login(request: web.Request) -> web.Response:
        response = web.Response()
        response.set_cookie("session", "abc")
        return response

    app = web.Application()
    app.router.add_get("/", login)
    async with TestClient(TestServer(app), cookie_jar=jar) as client:
        assert client.session.cookie_jar is jar
        await (await client.get("/")).release()
        assert len(jar) == 0


async def test_session_arguments_pass_through() -> None:
    async def headers(request: web.Request) -> web.Response:
        return web.Response(text=request.headers.get("X-Token", ""))

    app = web.Application()
    app.router.add_get("/", headers)
    async with TestClient(TestServer(app), headers={"X-Token": "t"}) as client:
        assert await (await client.get("/")).text() == "t"


async def test_a_dropped_connection_is_an_error_not_a_retry() -> None:
    # The test client's session does not resend a request when its pooled
    # connection turns out to be dead: a test must see what happened.
    count = 0

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal count
        count += 1
        if count == 1:
            return web.Response(text="first")
        assert request.transport is not None
        request.transport.close()  # no answer: the connection just ends
        return web.Response()

    async with TestClient(RawTestServer(handler)) as client:
        assert await (await client.get("/")).text() == "first"
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await client.get("/")
    assert count == 2


async def test_a_request_failure_propagates() -> None:
    async with TestClient(TestServer(echo_app())) as client:
        with pytest.raises(AssertionError):
            await client.get("http://example.com/")


async def test_the_server_must_be_a_test_server() -> None:
    with pytest.raises(TypeError, match="server must be TestServer instance"):
        TestClient(object())  # type: ignore[call-overload]


async def test_an_application_gets_a_test_server_made_for_it() -> None:
    # The manual's form: TestClient(app, scheme=..., host=...).
    app = echo_app()
    async with TestClient(app, host="localhost") as client:
        assert isinstance(client.server, TestServer)
        assert client.app is app
        assert client.make_url("/").host == "localhost"
        assert await (await client.get("/x")).text() == "GET /x "


async def test_scheme_and_host_do_not_go_with_a_server() -> None:
    with pytest.raises(ValueError, match="mutable exclusive"):
        TestClient(TestServer(echo_app()), host="localhost")


async def test_a_client_cannot_be_used_with_a_plain_with_in_a_coroutine() -> None:
    client = TestClient(TestServer(echo_app()))
    try:
        with pytest.raises(TypeError, match="Use async with instead"), client:
            pass  # pragma: no cover
    finally:
        await client.close()


def test_a_client_with_a_loop_can_be_used_with_a_plain_with() -> None:
    with loop_context() as loop:
        app = echo_app()
        with TestClient(TestServer(app), loop=loop) as client:

            async def get() -> str:
                response = await client.get("/sync")
                return await response.text()

            assert loop.run_until_complete(get()) == "GET /sync "
        assert client.server.closed
        assert client.session.closed


def test_a_client_without_a_loop_outside_a_coroutine_fails() -> None:
    with pytest.raises(RuntimeError):
        TestClient(TestServer(echo_app()))
