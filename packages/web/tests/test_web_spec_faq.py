"""The manual's FAQ (12.4) server examples, over real sockets."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections import defaultdict

from web_raw_client import request
from web_spec_harness import get, raw, served
from web_ws_raw_client import TEXT, connect, handshake, open_raw

from aiohttp import web
from aiohttp.typedefs import Handler


async def test_route_table_def_instead_of_app_route() -> None:
    """FAQ: Are there any plans for @app.route decorator like in Flask?"""
    routes = web.RouteTableDef()

    @routes.get("/get")
    async def handle_get(request: web.Request) -> web.Response:
        return web.Response(text="get")

    @routes.post("/post")
    async def handle_post(request: web.Request) -> web.Response:
        return web.Response(text="post")

    app = web.Application()
    app.router.add_routes(routes)
    async with served(app) as port:
        got, _ = await request(port, get("/get"))
        posted, _ = await request(port, raw("POST", "/post"))
        wrong, _ = await request(port, raw("POST", "/get"))
    assert (got.body, posted.body) == (b"get", b"post")
    assert wrong.status == 405


async def test_sub_application_as_a_blueprint() -> None:
    """FAQ: Has aiohttp the Flask Blueprint or Django App concept?"""

    async def blog_index(request: web.Request) -> web.Response:
        return web.Response(text="blog")

    blog = web.Application()
    blog.router.add_get("/", blog_index)
    app = web.Application()
    app.add_subapp("/blog", blog)
    async with served(app) as port:
        response, _ = await request(port, get("/blog/"))
    assert response.body == b"blog"


async def test_route_catching_urls_with_a_prefix() -> None:
    """FAQ: How to create route that catches urls with given prefix?"""

    async def sink_handler(request: web.Request) -> web.Response:
        return web.Response(text=f"{request.method} {request.match_info['tail']}")

    app = web.Application()
    app.router.add_route("*", "/path/to/{tail:.+}", sink_handler)
    async with served(app) as port:
        deep, _ = await request(port, get("/path/to/a/b/c"))
        options, _ = await request(port, raw("OPTIONS", "/path/to/x"))
        posted, _ = await request(port, raw("POST", "/path/to/y"))
        bare, _ = await request(port, get("/path/to/"))
    assert deep.body == b"GET a/b/c"
    assert options.body == b"OPTIONS x"
    assert posted.body == b"POST y"
    assert bare.status == 404


class FakeCursor:
    def __init__(self) -> None:
        self.executed: list[str] = []

    async def execute(self, query: str) -> None:
        self.executed.append(query)


class FakeConnection:
    """A stand-in for a database connection: the tests have no database."""

    def __init__(self) -> None:
        self.cursors: list[FakeCursor] = []

    async def cursor(self) -> FakeCursor:
        cursor = FakeCursor()
        self.cursors.append(cursor)
        return cursor


DB = web.AppKey("db", FakeConnection)


async def create_connection(user: str, password: str) -> FakeConnection:
    return FakeConnection()


async def test_database_connection_stored_in_the_application() -> None:
    """FAQ: Where to put my database connection so handlers can access it?"""

    async def go(request: web.Request) -> web.Response:
        db = request.app[DB]
        cursor = await db.cursor()
        await cursor.execute("SELECT 42")
        return web.Response(status=200, text="ok")

    async def init_app() -> web.Application:
        app = web.Application()
        db = await create_connection(user="user", password="123")
        app[DB] = db
        app.router.add_get("/", go)
        return app

    app = await init_app()
    async with served(app) as port:
        response, _ = await request(port, get("/"))
    assert (response.status, response.body) == (200, b"ok")
    assert [c.executed for c in app[DB].cursors] == [["SELECT 42"]]


UNIQUE_KEY = web.RequestKey("unique_key", str)


async def test_middleware_stores_data_for_the_handler() -> None:
    """FAQ: How a middleware may store a data for using by web-handler later?"""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[UNIQUE_KEY] = request.headers.get("X-User", "anonymous")
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request[UNIQUE_KEY])

    app = web.Application(middlewares=[middleware])
    app.router.add_get("/", handler)
    async with served(app) as port:
        named, _ = await request(port, get("/", "X-User: alice"))
        anonymous, _ = await request(port, get("/"))
    assert (named.body, anonymous.body) == (b"alice", b"anonymous")


REDIS: web.AppKey[asyncio.Queue[str]] = web.AppKey("redis")


async def test_events_from_different_sources_in_parallel() -> None:
    """FAQ: How to receive an incoming events from different sources in
    parallel? (a second task writes; an asyncio.Queue stands in for Redis)"""
    subscription_done = asyncio.Event()

    async def read_subscription(
        ws: web.WebSocketResponse, redis: asyncio.Queue[str]
    ) -> None:
        try:
            while True:
                msg = await redis.get()
                await ws.send_str("event: " + msg)
        finally:
            subscription_done.set()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        task = asyncio.get_running_loop().create_task(
            read_subscription(ws, request.app[REDIS])
        )
        try:
            async for msg in ws:
                await ws.send_str("echo: " + msg.data)
        finally:
            task.cancel()
        return ws

    app = web.Application()
    app[REDIS] = asyncio.Queue()
    app.router.add_get("/ws", handler)
    async with served(app) as port:
        async with connect(port, "/ws") as ws:
            await ws.send_text("from user")
            echo = await ws.read_message()
            app[REDIS].put_nowait("from redis")
            event = await ws.read_message()
            await ws.send_close(1000)
            await ws.read_close()
        await asyncio.wait_for(subscription_done.wait(), 5)
    assert (echo.opcode, echo.payload) == (TEXT, b"echo: from user")
    assert (event.opcode, event.payload) == (TEXT, b"event: from redis")


WEBSOCKETS: web.AppKey[defaultdict[str, set[web.WebSocketResponse]]] = web.AppKey(
    "websockets"
)


def authenticate_user(request: web.Request) -> str:
    return request.headers["X-User"]


async def test_programmatically_close_websockets_server_side() -> None:
    """FAQ: How to programmatically close websocket server-side?"""
    registered = asyncio.Event()

    async def echo_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        user_id = authenticate_user(request)
        await ws.prepare(request)
        request.app[WEBSOCKETS][user_id].add(ws)
        if len(request.app[WEBSOCKETS]["bob"]) == 2:
            registered.set()
        try:
            async for msg in ws:
                await ws.send_str(msg.data)
        finally:
            request.app[WEBSOCKETS][user_id].remove(ws)
        return ws

    async def logout_handler(request: web.Request) -> web.Response:
        user_id = authenticate_user(request)
        ws_closers = [
            ws.close() for ws in request.app[WEBSOCKETS][user_id] if not ws.closed
        ]
        if ws_closers:
            await asyncio.gather(*ws_closers)
        return web.Response(text="OK")

    app = web.Application()
    app.router.add_route("GET", "/echo", echo_handler)
    app.router.add_route("POST", "/logout", logout_handler)
    registry: defaultdict[str, set[web.WebSocketResponse]] = defaultdict(set)
    app[WEBSOCKETS] = registry

    async with served(app) as port:
        bob = [
            await open_raw(port, handshake("/echo", extra=(("X-User", "bob"),)))
            for _ in range(2)
        ]
        eve = await open_raw(port, handshake("/echo", extra=(("X-User", "eve"),)))
        try:
            assert [ws.response.status for ws in (*bob, eve)] == [101] * 3
            await asyncio.wait_for(registered.wait(), 5)
            logout = asyncio.ensure_future(
                request(port, raw("POST", "/logout", "X-User: bob"))
            )
            closes = [await ws.read_close() for ws in bob]
            for ws in bob:
                await ws.send_close(1000)
            response, _ = await asyncio.wait_for(logout, 10)
            await eve.send_text("still here")
            echoed = await eve.read_message()
            await eve.send_close(1000)
            await eve.read_close()
        finally:
            for ws in (*bob, eve):
                await ws.close()
    assert (response.status, response.body) == (200, b"OK")
    assert [close.close_code for close in closes] == [1000, 1000]
    assert echoed.payload == b"still here"


async def test_compression_with_a_custom_middleware() -> None:
    """FAQ: How to enable gzip compression globally for the whole application?
    (a custom middleware)"""

    @web.middleware
    async def compress(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.enable_compression()
        return response

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="x" * 1000)

    app = web.Application(middlewares=[compress])
    app.router.add_get("/", handler)
    async with served(app) as port:
        compressed, _ = await request(port, get("/", "Accept-Encoding: gzip"))
        identity, _ = await request(port, get("/"))
    assert compressed.header("Content-Encoding") == "gzip"
    assert gzip.decompress(compressed.body) == b"x" * 1000
    assert identity.header("Content-Encoding") is None
    assert identity.body == b"x" * 1000


async def test_sharing_the_db_with_a_sub_application() -> None:
    """FAQ: How to access db connection stored in app from subapplication?"""

    async def handler(request: web.Request) -> web.Response:
        db = request.app[DB]
        cursor = await db.cursor()
        await cursor.execute("SELECT 1")
        return web.json_response([request.app is subapp, len(db.cursors)])

    mainapp = web.Application()
    mainapp[DB] = FakeConnection()
    subapp = web.Application()
    subapp[DB] = mainapp[DB]
    subapp.router.add_get("/", handler)
    mainapp.add_subapp("/prefix", subapp)
    async with served(mainapp) as port:
        response, _ = await request(port, get("/prefix/"))
    assert json.loads(response.body) == [True, 1]
    assert mainapp[DB].cursors[0].executed == ["SELECT 1"]
