"""The manual's Web Server Advanced (12.2.3) examples, over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pathlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from multidict import CIMultiDict
from web_raw_client import read_head, read_response, request
from web_spec_harness import get, raw, served
from web_ws_raw_client import connect
from yarl import URL

import aiohttp
from aiohttp import WSMsgType, web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer
from aiohttp.typedefs import Handler


async def send_and_drop(port: int, data: bytes, started: asyncio.Event) -> None:
    """Send a request, wait until the handler runs, then drop the connection."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await asyncio.wait_for(started.wait(), 5)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


async def test_shielded_write_survives_handler_cancellation(
    aiohttp_server: AiohttpServer,
) -> None:
    """Advanced: Web Handler Cancellation (asyncio.shield protects the save)."""
    started = asyncio.Event()
    release = asyncio.Event()
    cancelled = asyncio.Event()
    saved = asyncio.Event()

    async def write_to_db(request: web.Request) -> None:
        await release.wait()
        saved.set()

    async def handler(request: web.Request) -> web.Response:
        started.set()
        try:
            await asyncio.shield(write_to_db(request))
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return web.Response(text="OK")

    app = web.Application()
    app.router.add_post("/", handler)
    # Raw socket: the request's connection is dropped while the handler runs.
    server = await aiohttp_server(app, handler_cancellation=True)
    assert server.port is not None
    await send_and_drop(server.port, raw("POST", "/"), started)
    await asyncio.wait_for(cancelled.wait(), 5)
    release.set()
    await asyncio.wait_for(saved.wait(), 5)


async def test_handlers_are_not_cancelled_by_default() -> None:
    """Advanced: Web Handler Cancellation (3.x: off unless handler_cancellation)."""
    started = asyncio.Event()
    release = asyncio.Event()
    finished = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        started.set()
        await release.wait()
        finished.set()
        return web.Response(text="OK")

    app = web.Application()
    app.router.add_post("/", handler)
    # AppRunner's default is the point; the test server turns cancellation on.
    async with served(app) as port:
        await send_and_drop(port, raw("POST", "/"), started)
        await asyncio.sleep(0.1)  # let the server see the peer gone
        release.set()
        await asyncio.wait_for(finished.wait(), 5)


class AcceptChooser:
    def __init__(self) -> None:
        self._accepts: dict[str, Handler] = {}

    async def do_route(self, request: web.Request) -> web.StreamResponse:
        for accept in request.headers.getall("ACCEPT", []):
            acceptor = self._accepts.get(accept)
            if acceptor is not None:
                return await acceptor(request)
        raise web.HTTPNotAcceptable()

    def reg_acceptor(self, accept: str, handler: Handler) -> None:
        self._accepts[accept] = handler


async def test_custom_routing_criteria(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Custom Routing Criteria (AcceptChooser on the Accept header)."""

    async def handle_json(request: web.Request) -> web.StreamResponse:
        return web.json_response({"format": "json"})

    async def handle_xml(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<format>xml</format>", content_type="application/xml")

    app = web.Application()
    chooser = AcceptChooser()
    app.router.add_get("/", chooser.do_route)
    chooser.reg_acceptor("application/json", handle_json)
    chooser.reg_acceptor("application/xml", handle_xml)
    client = await aiohttp_client(app)
    async with client.get("/", headers={"Accept": "application/json"}) as as_json:
        assert json.loads(await as_json.read()) == {"format": "json"}
    async with client.get("/", headers={"Accept": "application/xml"}) as as_xml:
        assert await as_xml.read() == b"<format>xml</format>"
    two = CIMultiDict([("Accept", "text/html"), ("Accept", "application/xml")])
    async with client.get("/", headers=two) as second:
        assert await second.read() == b"<format>xml</format>"
    async with client.get("/", headers={"Accept": "text/html"}) as neither:
        assert neither.status == 406
    async with client.get("/", skip_auto_headers={"Accept"}) as none:
        assert none.status == 406


@pytest.fixture
def static_folder(tmp_path: pathlib.Path) -> pathlib.Path:
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "app.js").write_text("console.log(1);")
    (folder / "sub").mkdir()
    (folder / "sub" / "a.txt").write_text("a")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside")
    os.symlink(outside, folder / "link.txt")
    return folder


async def test_static_file_handling(
    static_folder: pathlib.Path, aiohttp_client: AiohttpClient
) -> None:
    """Advanced: Static file handling (a file; a directory is 403 Forbidden)."""
    app = web.Application()
    app.router.add_static("/prefix", static_folder)
    client = await aiohttp_client(app)
    async with client.get("/prefix/app.js") as file:
        assert (file.status, await file.read()) == (200, b"console.log(1);")
    async with client.get("/prefix/sub") as folder:
        assert folder.status == 403


async def test_static_show_index(
    static_folder: pathlib.Path, aiohttp_client: AiohttpClient
) -> None:
    """Advanced: Static file handling (show_index=True lists the folder)."""
    app = web.Application()
    app.router.add_static("/prefix", static_folder, show_index=True)
    client = await aiohttp_client(app)
    async with client.get("/prefix/sub") as folder:
        assert folder.status == 200
        assert "text/html" in folder.headers.get("Content-Type", "")
        assert b"a.txt" in await folder.read()


async def test_static_symlinks(
    static_folder: pathlib.Path, aiohttp_client: AiohttpClient
) -> None:
    """Advanced: Static file handling (symlinks 404 unless follow_symlinks)."""
    strict = web.Application()
    strict.router.add_static("/prefix", static_folder)
    following = web.Application()
    following.router.add_static("/prefix", static_folder, follow_symlinks=True)
    strict_client = await aiohttp_client(strict)
    async with strict_client.get("/prefix/link.txt") as refused:
        assert refused.status == 404
    following_client = await aiohttp_client(following)
    async with following_client.get("/prefix/link.txt") as followed:
        assert (followed.status, await followed.read()) == (200, b"outside")


async def test_static_append_version(
    static_folder: pathlib.Path, aiohttp_client: AiohttpClient
) -> None:
    """Advanced: Static file handling (append_version=True for cache busting)."""
    app = web.Application()
    app.router.add_static("/prefix", static_folder, append_version=True, name="st")
    url = app.router["st"].url_for(filename="app.js")
    assert url.path == "/prefix/app.js"
    assert re.fullmatch(r"[A-Za-z0-9_-]+=*", url.query["v"])
    client = await aiohttp_client(app)
    async with client.get(url) as response:
        assert (response.status, await response.read()) == (200, b"console.log(1);")


async def test_parallel_reads_from_a_websocket_are_forbidden(
    aiohttp_client: AiohttpClient,
) -> None:
    """Advanced: Reading from the same task in WebSockets (writes may be
    delegated; a second concurrent receive() raises RuntimeError)."""
    errors: list[BaseException] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        reader = asyncio.ensure_future(ws.receive())
        await asyncio.sleep(0)
        try:
            await ws.receive()
        except RuntimeError as exc:
            errors.append(exc)

        async def writer() -> None:
            await ws.send_str("from another task")

        await asyncio.ensure_future(writer())
        msg = await reader
        await ws.send_str("got " + msg.data)
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    client = await aiohttp_client(app)
    async with client.ws_connect("/ws") as ws:
        first = await ws.receive()
        await ws.send_str("hi")
        second = await ws.receive()
        close = await ws.receive()
    assert (first.type, first.data) == (WSMsgType.TEXT, "from another task")
    assert (second.type, second.data) == (WSMsgType.TEXT, "got hi")
    assert (close.type, ws.close_code) == (WSMsgType.CLOSE, 1000)
    assert len(errors) == 1


MY_PRIVATE_KEY = web.AppKey("my_private_key", str)
REQUEST_KEY = web.RequestKey("my_private_key", str)
METRIC = web.ResponseKey("my_metric", int)


async def test_data_sharing(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Data Sharing aka No Singletons Please (app, request and
    response as mappings)."""
    metrics: list[int] = []

    @web.middleware
    async def mw(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers["X-Seen"] = request[REQUEST_KEY]
        return response

    async def handler(request: web.Request) -> web.Response:
        data = request.app[MY_PRIVATE_KEY]
        request[REQUEST_KEY] = "data"
        response = web.Response(text=data)
        response[METRIC] = 123
        return response

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        metrics.append(response[METRIC])

    app = web.Application(middlewares=[mw])
    app[MY_PRIVATE_KEY] = "secret"
    app.on_response_prepare.append(on_prepare)
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert await response.read() == b"secret"
        assert response.headers["X-Seen"] == "data"
    assert metrics == [123]


async def test_wink_middleware(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Middlewares (the ' wink' middleware)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        resp = await handler(request)
        assert isinstance(resp, web.Response)
        assert resp.text is not None
        resp.text = resp.text + " wink"
        return resp

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello")

    app = web.Application(middlewares=[middleware])
    app.router.add_get("/", hello)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert await response.read() == b"Hello wink"
        assert response.headers["Content-Length"] == "10"


async def test_middlewares_execution_order(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Middlewares (execution order of middleware1, middleware2)."""
    printed: list[str] = []

    async def test(request: web.Request) -> web.Response:
        printed.append("Handler function called")
        return web.Response(text="Hello")

    @web.middleware
    async def middleware1(request: web.Request, handler: Handler) -> web.StreamResponse:
        printed.append("Middleware 1 called")
        response = await handler(request)
        printed.append("Middleware 1 finished")
        return response

    @web.middleware
    async def middleware2(request: web.Request, handler: Handler) -> web.StreamResponse:
        printed.append("Middleware 2 called")
        response = await handler(request)
        printed.append("Middleware 2 finished")
        return response

    app = web.Application(middlewares=[middleware1, middleware2])
    app.router.add_get("/", test)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert await response.read() == b"Hello"
    assert printed == [
        "Middleware 1 called",
        "Middleware 2 called",
        "Handler function called",
        "Middleware 2 finished",
        "Middleware 1 finished",
    ]


async def test_json_error_middleware(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Middlewares, Example (404 errors rendered as JSON)."""

    @web.middleware
    async def error_middleware(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        try:
            response = await handler(request)
            if response.status != 404:
                return response
            message = response.reason
        except web.HTTPException as ex:
            if ex.status != 404:
                raise
            message = ex.reason
        return web.json_response({"error": message})

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="fine")

    async def returned(request: web.Request) -> web.Response:
        return web.Response(status=404, reason="No such thing")

    async def forbidden(request: web.Request) -> web.Response:
        raise web.HTTPForbidden()

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/", ok)
    app.router.add_get("/returned", returned)
    app.router.add_get("/forbidden", forbidden)
    client = await aiohttp_client(app)
    async with client.get("/") as fine:
        assert await fine.read() == b"fine"
    async with client.get("/missing") as missing:
        assert missing.status == 200
        assert json.loads(await missing.read()) == {"error": "Not Found"}
    async with client.get("/returned") as ret:
        assert json.loads(await ret.read()) == {"error": "No such thing"}
    async with client.get("/forbidden") as denied:
        assert denied.status == 403


async def test_old_style_middleware_factory(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Old Style Middleware (a factory; deprecated but supported)."""
    calls: list[str] = []

    async def middleware_factory(app: web.Application, handler: Handler) -> Handler:
        calls.append("factory")

        async def middleware_handler(request: web.Request) -> web.StreamResponse:
            resp = await handler(request)
            assert isinstance(resp, web.Response)
            assert resp.text is not None
            resp.text = resp.text + " wink"
            return resp

        return middleware_handler

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello")

    app = web.Application(middlewares=[middleware_factory])  # type: ignore[list-item]
    app.router.add_get("/", hello)
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        client = await aiohttp_client(app)
    bodies = []
    for _ in range(2):
        async with client.get("/") as response:
            bodies.append(await response.read())
    assert bodies == [b"Hello wink", b"Hello wink"]
    assert calls == ["factory", "factory"]


async def test_on_response_prepare_for_streamed_responses(
    aiohttp_client: AiohttpClient,
) -> None:
    """Advanced: Signals (on_response_prepare adds a header, even streamed)."""

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["My-Header"] = "value"

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"streamed")
        await response.write_eof()
        return response

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.close()
        return ws

    app = web.Application()
    app.on_response_prepare.append(on_prepare)
    app.router.add_get("/", streamed)
    app.router.add_get("/ws", ws_handler)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert await response.read() == b"streamed"
        assert response.headers["My-Header"] == "value"
    # Raw socket: the client API does not show the handshake response's headers.
    assert client.port is not None
    async with connect(client.port, "/ws") as ws:
        upgraded = ws.response
        await ws.read_close()
    assert upgraded.header("My-Header") == "value"


class FakeEngine:
    """A stand-in for the aiopg engine: the test has no PostgreSQL."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True

    async def wait_closed(self) -> None:
        assert self.closed


PG_ENGINE = web.AppKey("pg_engine", FakeEngine)


async def test_startup_and_cleanup_signals(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Signals (on_startup creates, on_cleanup disposes an engine)."""
    order: list[str] = []

    async def create_aiopg(app: web.Application) -> None:
        order.append("create")
        app[PG_ENGINE] = FakeEngine()

    async def dispose_aiopg(app: web.Application) -> None:
        order.append("dispose")
        app[PG_ENGINE].close()
        await app[PG_ENGINE].wait_closed()

    async def second(app: web.Application) -> None:
        order.append("second")

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=str(request.app[PG_ENGINE].closed))

    app = web.Application()
    app.on_startup.append(create_aiopg)
    app.on_startup.append(second)
    app.on_cleanup.append(dispose_aiopg)
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert await response.read() == b"False"
    await client.close()  # stops the server: the application cleans up
    assert order == ["create", "second", "dispose"]
    assert app[PG_ENGINE].closed


async def test_nested_applications(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Nested applications (prefix, chained middlewares and signals,
    url reversing, common signals get the sub-application)."""
    trail: list[str] = []
    started: list[web.Application] = []

    def tracer(label: str) -> Any:
        @web.middleware
        async def mw(request: web.Request, handler: Handler) -> web.StreamResponse:
            trail.append(label)
            return await handler(request)

        return mw

    def prepare_signal(label: str) -> Any:
        async def on_prepare(
            request: web.Request, response: web.StreamResponse
        ) -> None:
            response.headers.add("X-Prepared", label)

        return on_prepare

    async def on_startup(app: web.Application) -> None:
        started.append(app)

    async def resource(request: web.Request) -> web.Response:
        return web.Response(text="admin resource")

    admin_key = web.AppKey("admin", web.Application)

    async def handler(request: web.Request) -> web.Response:
        admin = request.app[admin_key]
        url = admin.router["name"].url_for()
        return web.Response(text=str(url))

    app = web.Application(middlewares=[tracer("app")])
    admin = web.Application(middlewares=[tracer("admin")])
    admin.router.add_get("/resource", resource, name="name")
    admin.on_response_prepare.append(prepare_signal("admin"))
    admin.on_startup.append(on_startup)
    app.on_response_prepare.append(prepare_signal("app"))
    app.on_startup.append(on_startup)
    app.router.add_get("/", handler)
    app.add_subapp("/admin/", admin)
    app[admin_key] = admin
    assert str(admin.router["name"].url_for()) == "/admin/resource"
    client = await aiohttp_client(app)
    async with client.get("/admin/resource") as sub:
        assert await sub.read() == b"admin resource"
        assert sub.headers.getall("X-Prepared") == ["app", "admin"]
    async with client.get("/") as main:
        assert await main.read() == b"/admin/resource"
        assert main.headers.getall("X-Prepared") == ["app"]
    assert trail == ["app", "admin", "app"]
    assert started == [app, admin]


async def check_auth(request: web.Request) -> None:
    if request.version != aiohttp.HttpVersion11:
        return
    expect = request.headers.get("EXPECT")
    if expect != "100-continue":
        raise web.HTTPExpectationFailed(text=f"Unknown Expect: {expect}")
    if request.headers.get("AUTHORIZATION") is None:
        raise web.HTTPForbidden()
    assert request.transport is not None
    request.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")


async def hello_reading(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=b"Hello, world")


async def test_custom_expect_handler_refusals(aiohttp_server: AiohttpServer) -> None:
    """Advanced: Expect Header (custom expect_handler: 417 for an unknown
    expectation, 403 without Authorization, no expectation passes)."""
    app = web.Application()
    app.router.add_post("/", hello_reading, expect_handler=check_auth)
    # Raw socket: the client would answer Expect: 100-continue by itself.
    port = (await aiohttp_server(app)).port
    assert port is not None
    unknown, _ = await request(
        port, raw("POST", "/", "Expect: something-else", "Authorization: x")
    )
    forbidden, _ = await request(port, raw("POST", "/", "Expect: 100-continue"))
    plain, _ = await request(port, raw("POST", "/", body=b"no expect"))
    assert unknown.status == 417
    assert unknown.body == b"Unknown Expect: something-else"
    assert forbidden.status == 403
    assert (plain.status, plain.body) == (200, b"Hello, world")


async def test_custom_expect_handler_continues_once(
    aiohttp_server: AiohttpServer,
) -> None:
    """Advanced: Expect Header (the custom handler writes 100 Continue)."""
    app = web.Application()
    app.router.add_post("/", hello_reading, expect_handler=check_auth)
    # Raw socket: the interim 100 Continue on the wire is the point.
    server = await aiohttp_server(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(
            b"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n"
            b"Expect: 100-continue\r\nAuthorization: yes\r\n\r\n"
        )
        interim = await asyncio.wait_for(read_head(reader), 5)
        writer.write(b"body")
        final = await asyncio.wait_for(read_response(reader), 5)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    assert interim.status == 100
    assert (final.status, final.body) == (200, b"Hello, world")


class SubtreeResource(web.AbstractResource):
    """A custom resource: one handler for a path and everything below it."""

    def __init__(self, prefix: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._prefix = prefix
        self._routes: list[web.ResourceRoute] = []

    def add_route(self, method: str, handler: Handler) -> None:
        self._routes.append(web.ResourceRoute(method, handler, self))

    @property
    def canonical(self) -> str:
        return self._prefix

    def url_for(self, **kwargs: str) -> URL:
        return URL.build(path=self._prefix + kwargs.get("rest", ""))

    async def resolve(self, request: web.Request) -> Any:
        path = request.rel_url.path
        if path != self._prefix and not path.startswith(self._prefix + "/"):
            return None, set()
        allowed = {route.method for route in self._routes}
        for route in self._routes:
            if route.method == request.method:
                rest = path[len(self._prefix) :]
                return web.UrlMappingMatchInfo({"rest": rest}, route), allowed
        return None, allowed

    def add_prefix(self, prefix: str) -> None:
        self._prefix = prefix + self._prefix

    def get_info(self) -> Any:
        return {"prefix": self._prefix}

    def raw_match(self, path: str) -> bool:
        return path == self._prefix

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._routes)


async def test_custom_resource_implementation(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Custom resource implementation (register_resource)."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="rest=" + request.match_info["rest"])

    app = web.Application()
    resource = SubtreeResource("/tree", name="tree")
    resource.add_route("GET", handler)
    app.router.register_resource(resource)
    client = await aiohttp_client(app)
    async with client.get("/tree") as top:
        assert await top.read() == b"rest="
    async with client.get("/tree/a/b") as deep:
        assert await deep.read() == b"rest=/a/b"
    async with client.post("/tree/a") as post:
        assert post.status == 405
    async with client.get("/treetop") as other:
        assert other.status == 404
    assert app.router["tree"] is resource


async def test_application_runners() -> None:
    """Advanced: Application runners (AppRunner, TCPSite, cleanup)."""

    async def hello(request: web.Request) -> web.Response:
        return web.Response(body=b"Hello, world")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    response, _ = await request(port, get("/"))
    await runner.cleanup()
    assert response.body == b"Hello, world"
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)


WEBSOCKETS = web.AppKey("websockets", list[web.WebSocketResponse])


async def test_graceful_shutdown_closes_websockets() -> None:
    """Advanced: Graceful shutdown (on_shutdown closes open WebSockets)."""
    connected = asyncio.Event()

    async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        request.app[WEBSOCKETS].append(ws)
        connected.set()
        try:
            async for msg in ws:
                await ws.send_str(msg.data)
        finally:
            request.app[WEBSOCKETS].remove(ws)
        return ws

    async def on_shutdown(app: web.Application) -> None:
        websockets = app[WEBSOCKETS]
        for ws in websockets[:]:
            await ws.close(
                code=aiohttp.WSCloseCode.GOING_AWAY, message=b"Server shutdown"
            )

    app = web.Application()
    app[WEBSOCKETS] = []
    app.on_shutdown.append(on_shutdown)
    app.router.add_get("/ws", websocket_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        async with connect(port, "/ws") as ws:
            await asyncio.wait_for(connected.wait(), 5)
            cleanup = asyncio.ensure_future(runner.cleanup())
            close = await ws.read_close()
            await ws.send_close(1001)
            await asyncio.wait_for(cleanup, 10)
    finally:
        await asyncio.wait_for(runner.cleanup(), 10)
    assert close.close_code == 1001
    assert close.close_reason == "Server shutdown"
    assert app[WEBSOCKETS] == []


QUEUE: web.AppKey[asyncio.Queue[str]] = web.AppKey("queue")
LISTENER: web.AppKey[asyncio.Task[None]] = web.AppKey("listener")


async def test_background_tasks(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Background tasks (started on_startup, cancelled on_cleanup;
    an asyncio.Queue stands in for Redis pub/sub)."""
    forwarded = asyncio.Event()
    cancelled = asyncio.Event()
    connected = asyncio.Event()

    async def listen_to_redis(app: web.Application) -> None:
        try:
            while True:
                msg = await app[QUEUE].get()
                for ws in app[WEBSOCKETS]:
                    await ws.send_str("{}: {}".format("news", msg))
                forwarded.set()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def start_background_tasks(app: web.Application) -> None:
        app[QUEUE] = asyncio.Queue()
        app[LISTENER] = asyncio.get_running_loop().create_task(listen_to_redis(app))

    async def cleanup_background_tasks(app: web.Application) -> None:
        app[LISTENER].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app[LISTENER]

    async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        request.app[WEBSOCKETS].append(ws)
        connected.set()
        try:
            async for _ in ws:
                pass
        finally:
            request.app[WEBSOCKETS].remove(ws)
        return ws

    app = web.Application()
    app[WEBSOCKETS] = []
    app.on_startup.append(start_background_tasks)
    app.on_cleanup.append(cleanup_background_tasks)
    app.router.add_get("/ws", websocket_handler)
    client = await aiohttp_client(app)
    async with client.ws_connect("/ws") as ws:
        await asyncio.wait_for(connected.wait(), 5)
        app[QUEUE].put_nowait("hello")
        message = await ws.receive()
        await asyncio.wait_for(forwarded.wait(), 5)
        await ws.close()
    assert ws.close_code == 1000
    assert not app[LISTENER].done()
    await client.close()  # stops the server: on_cleanup cancels the listener
    assert (message.type, message.data) == (WSMsgType.TEXT, "news: hello")
    assert cancelled.is_set()


async def test_deploying_behind_a_proxy(aiohttp_client: AiohttpClient) -> None:
    """Advanced: Deploying behind a Proxy (middleware applying clone())."""

    @web.middleware
    async def forwarded(request: web.Request, handler: Handler) -> web.StreamResponse:
        changes: dict[str, str] = {}
        if proto := request.headers.get("X-Forwarded-Proto"):
            changes["scheme"] = proto
        if host := request.headers.get("X-Forwarded-Host"):
            changes["host"] = host
        if remote := request.headers.get("X-Forwarded-For"):
            changes["remote"] = remote.split(",")[0].strip()
        return await handler(request.clone(**changes))  # type: ignore[arg-type]

    async def whoami(request: web.Request) -> web.Response:
        return web.json_response([request.scheme, request.host, request.remote])

    app = web.Application(middlewares=[forwarded])
    app.router.add_get("/", whoami)
    client = await aiohttp_client(app)
    async with client.get("/") as direct:
        host = f"127.0.0.1:{client.port}"  # the client's Host header
        assert await direct.json() == ["http", host, "127.0.0.1"]
    proxy_headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "example.com",
        "X-Forwarded-For": "203.0.113.7, 10.0.0.1",
    }
    async with client.get("/", headers=proxy_headers) as proxied:
        assert await proxied.json() == ["https", "example.com", "203.0.113.7"]
