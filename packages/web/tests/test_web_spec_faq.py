"""The manual's FAQ (12.4) server examples, over real sockets."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections import defaultdict

from aiohttp import WSMsgType, web
from aiohttp.pytest_plugin import AiohttpClient
from aiohttp.typedefs import Handler


async def test_route_table_def_instead_of_app_route(
    aiohttp_client: AiohttpClient,
) -> None:
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
    client = await aiohttp_client(app)
    async with client.get("/get") as got:
        assert await got.read() == b"get"
    async with client.post("/post") as posted:
        assert await posted.read() == b"post"
    async with client.post("/get") as wrong:
        assert wrong.status == 405


async def test_sub_application_as_a_blueprint(aiohttp_client: AiohttpClient) -> None:
    """FAQ: Has aiohttp the Flask Blueprint or Django App concept?"""

    async def blog_index(request: web.Request) -> web.Response:
        return web.Response(text="blog")

    blog = web.Application()
    blog.router.add_get("/", blog_index)
    app = web.Application()
    app.add_subapp("/blog", blog)
    client = await aiohttp_client(app)
    async with client.get("/blog/") as response:
        assert await response.read() == b"blog"


async def test_route_catching_urls_with_a_prefix(aiohttp_client: AiohttpClient) -> None:
    """FAQ: How to create route that catches urls with given prefix?"""

    async def sink_handler(request: web.Request) -> web.Response:
        return web.Response(text=f"{request.method} {request.match_info['tail']}")

    app = web.Application()
    app.router.add_route("*", "/path/to/{tail:.+}", sink_handler)
    client = await aiohttp_client(app)
    async with client.get("/path/to/a/b/c") as deep:
        assert await deep.read() == b"GET a/b/c"
    async with client.options("/path/to/x") as options:
        assert await options.read() == b"OPTIONS x"
    async with client.post("/path/to/y") as posted:
        assert await posted.read() == b"POST y"
    async with client.get("/path/to/") as bare:
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


async def test_database_connection_stored_in_the_application(
    aiohttp_client: AiohttpClient,
) -> None:
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
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.status == 200
        assert await response.read() == b"ok"
    assert [c.executed for c in app[DB].cursors] == [["SELECT 42"]]


UNIQUE_KEY = web.RequestKey("unique_key", str)


async def test_middleware_stores_data_for_the_handler(
    aiohttp_client: AiohttpClient,
) -> None:
    """FAQ: How a middleware may store a data for using by web-handler later?"""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[UNIQUE_KEY] = request.headers.get("X-User", "anonymous")
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request[UNIQUE_KEY])

    app = web.Application(middlewares=[middleware])
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/", headers={"X-User": "alice"}) as named:
        assert await named.read() == b"alice"
    async with client.get("/") as anonymous:
        assert await anonymous.read() == b"anonymous"


REDIS: web.AppKey[asyncio.Queue[str]] = web.AppKey("redis")


async def test_events_from_different_sources_in_parallel(
    aiohttp_client: AiohttpClient,
) -> None:
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
    client = await aiohttp_client(app)
    async with client.ws_connect("/ws") as ws:
        await ws.send_str("from user")
        echo = await ws.receive()
        app[REDIS].put_nowait("from redis")
        event = await ws.receive()
        await ws.close()
    assert ws.close_code == 1000
    await asyncio.wait_for(subscription_done.wait(), 5)
    assert (echo.type, echo.data) == (WSMsgType.TEXT, "echo: from user")
    assert (event.type, event.data) == (WSMsgType.TEXT, "event: from redis")


WEBSOCKETS: web.AppKey[defaultdict[str, set[web.WebSocketResponse]]] = web.AppKey(
    "websockets"
)


def authenticate_user(request: web.Request) -> str:
    return request.headers["X-User"]


async def test_programmatically_close_websockets_server_side(
    aiohttp_client: AiohttpClient,
) -> None:
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

    client = await aiohttp_client(app)
    bob = [
        await client.ws_connect("/echo", headers={"X-User": "bob"}) for _ in range(2)
    ]
    eve = await client.ws_connect("/echo", headers={"X-User": "eve"})
    await asyncio.wait_for(registered.wait(), 5)
    logout = asyncio.ensure_future(client.post("/logout", headers={"X-User": "bob"}))
    # The server closes bob's sockets; each answers the close frame.
    closes = [await ws.receive() for ws in bob]
    async with await asyncio.wait_for(logout, 10) as response:
        assert response.status == 200
        assert await response.read() == b"OK"
    assert [close.type for close in closes] == [WSMsgType.CLOSE] * 2
    assert [close.data for close in closes] == [1000, 1000]
    assert [ws.closed for ws in bob] == [True, True]
    await eve.send_str("still here")
    echoed = await eve.receive()
    assert echoed.data == "still here"
    await eve.close()
    assert eve.close_code == 1000


async def test_compression_with_a_custom_middleware(
    aiohttp_client: AiohttpClient,
) -> None:
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
    # The bytes as sent: no decompression on the client's side.
    client = await aiohttp_client(app, auto_decompress=False)
    async with client.get("/", headers={"Accept-Encoding": "gzip"}) as compressed:
        assert compressed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(await compressed.read()) == b"x" * 1000
    # No Accept-Encoding at all (the client sends one by default).
    async with client.get("/", skip_auto_headers={"Accept-Encoding"}) as identity:
        assert "Content-Encoding" not in identity.headers
        assert await identity.read() == b"x" * 1000


async def test_sharing_the_db_with_a_sub_application(
    aiohttp_client: AiohttpClient,
) -> None:
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
    client = await aiohttp_client(mainapp)
    async with client.get("/prefix/") as response:
        assert json.loads(await response.read()) == [True, 1]
    assert mainapp[DB].cursors[0].executed == ["SELECT 1"]
