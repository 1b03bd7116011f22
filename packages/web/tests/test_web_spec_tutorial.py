"""The manual's Server Tutorial (12.2.1) examples, served over real sockets."""

from __future__ import annotations

import json
import pathlib
import signal
from collections.abc import Awaitable, Callable

from web_run_app_harness import child_env, free_port, spawn
from web_spec_harness import curl

from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer
from aiohttp.typedefs import Handler, Middleware


async def test_application_without_routes_answers_404(
    aiohttp_server: AiohttpServer,
) -> None:
    """Tutorial: Application (``curl -X GET`` returns only 404)."""
    app = web.Application()
    server = await aiohttp_server(app)
    code, out = await curl("-X", "GET", "-w", "%{http_code}", str(server.make_url("/")))
    assert code == 0
    assert out.endswith("404")
    assert "Not Found" in out


async def index(request: web.Request) -> web.Response:
    return web.Response(text="Hello Aiohttp!")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", index)


async def test_views_and_setup_routes(aiohttp_server: AiohttpServer) -> None:
    """Tutorial: Views (index view registered by setup_routes)."""
    app = web.Application()
    setup_routes(app)
    server = await aiohttp_server(app)
    code, out = await curl("-X", "GET", str(server.make_url("/")))
    assert (code, out) == (0, "Hello Aiohttp!")


Config = dict[str, dict[str, str]]
CONFIG = web.AppKey("config", Config)


def load_config(path: str) -> Config:
    with open(path, encoding="utf-8") as file:
        conf: Config = json.load(file)
    return conf


async def test_configuration_pushed_into_the_application(
    tmp_path: pathlib.Path, aiohttp_client: AiohttpClient
) -> None:
    """Tutorial: Configuration files (load config and push into application)."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "polls.json").write_text(
        json.dumps({"postgres": {"database": "aiohttpdemo_polls"}})
    )

    async def show_db(request: web.Request) -> web.Response:
        return web.Response(text=request.app[CONFIG]["postgres"]["database"])

    app = web.Application()
    conf = load_config(str(tmp_path / "config" / "polls.json"))
    app[CONFIG] = conf
    app.router.add_get("/", show_db)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.status == 200
        assert await response.read() == b"aiohttpdemo_polls"


class FakeEngine:
    """A stand-in for the aiopg engine: the test has no PostgreSQL."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.closed = False
        self.waited = False

    def close(self) -> None:
        self.closed = True

    async def wait_closed(self) -> None:
        self.waited = True


DB = web.AppKey("db", FakeEngine)


async def test_engine_on_startup_and_closed_on_cleanup(
    aiohttp_client: AiohttpClient,
) -> None:
    """Tutorial: Creating connection engine and Graceful shutdown signals."""

    async def init_pg(app: web.Application) -> None:
        conf = app[CONFIG]["postgres"]
        app[DB] = FakeEngine(conf["database"])

    async def close_pg(app: web.Application) -> None:
        app[DB].close()
        await app[DB].wait_closed()

    async def db_name(request: web.Request) -> web.Response:
        return web.Response(text=request.app[DB].database)

    app = web.Application()
    app[CONFIG] = {"postgres": {"database": "polls"}}
    app.on_startup.append(init_pg)
    app.on_cleanup.append(close_pg)
    app.router.add_get("/", db_name)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.status == 200
        assert await response.read() == b"polls"
    assert not app[DB].closed
    await client.close()  # stops the server: the application cleans up
    assert app[DB].closed
    assert app[DB].waited


async def test_static_routes(
    tmp_path: pathlib.Path, aiohttp_client: AiohttpClient
) -> None:
    """Tutorial: Static files (setup_static_routes)."""
    project_root = tmp_path
    (project_root / "static").mkdir()
    (project_root / "static" / "style.css").write_text("body { color: red; }")

    def setup_static_routes(app: web.Application) -> None:
        app.router.add_static("/static/", path=project_root / "static", name="static")

    app = web.Application()
    setup_static_routes(app)
    assert str(app.router["static"].url_for(filename="style.css")) == (
        "/static/style.css"
    )
    client = await aiohttp_client(app)
    async with client.get("/static/style.css") as response:
        assert response.status == 200
        assert await response.read() == b"body { color: red; }"
        assert response.headers["Content-Type"] == "text/css"
    async with client.get("/static/nope.css") as missing:
        assert missing.status == 404


Override = Callable[[web.Request, web.StreamResponse], Awaitable[web.StreamResponse]]


def error_pages(overrides: dict[int, Override]) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
            override = overrides.get(response.status)
            if override is None:
                return response
            return await override(request, response)
        except web.HTTPException as ex:
            override = overrides.get(ex.status)
            if override is None:
                raise
            return await override(request, ex)

    return middleware


async def handle_404(
    request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    return web.Response(text="<h1>Pretty 404</h1>", content_type="text/html")


async def handle_500(
    request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    return web.Response(
        status=500, text="<h1>Pretty 500</h1>", content_type="text/html"
    )


async def test_error_pages_middleware(aiohttp_client: AiohttpClient) -> None:
    """Tutorial: Middlewares (error_pages for 404 and 500; new-style)."""

    async def broken(request: web.Request) -> web.Response:
        raise web.HTTPInternalServerError()

    async def returns_404(request: web.Request) -> web.Response:
        return web.Response(status=404, text="plain")

    async def forbidden(request: web.Request) -> web.Response:
        raise web.HTTPForbidden()

    app = web.Application()
    app.middlewares.append(error_pages({404: handle_404, 500: handle_500}))
    app.router.add_get("/", index)
    app.router.add_get("/broken", broken)
    app.router.add_get("/gone", returns_404)
    app.router.add_get("/forbidden", forbidden)
    client = await aiohttp_client(app)
    answers: dict[str, tuple[int, bytes]] = {}
    for path in ("/", "/missing", "/gone", "/broken", "/forbidden"):
        async with client.get(path) as resp:
            answers[path] = (resp.status, await resp.read())
    assert answers["/"] == (200, b"Hello Aiohttp!")
    assert answers["/missing"] == (200, b"<h1>Pretty 404</h1>")
    assert answers["/gone"][1] == b"<h1>Pretty 404</h1>"
    assert answers["/broken"] == (500, b"<h1>Pretty 500</h1>")
    assert answers["/forbidden"][0] == 403


VIEWS_PY = """\
from aiohttp import web


async def index(request):
    return web.Response(text='Hello Aiohttp!')
"""

ROUTES_PY = """\
from views import index


def setup_routes(app):
    app.router.add_get('/', index)
"""

MAIN_PY = """\
import sys

from aiohttp import web
from routes import setup_routes

app = web.Application()
setup_routes(app)
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]))
"""


async def test_main_py_project_run_with_run_app(tmp_path: pathlib.Path) -> None:
    """Tutorial: Views (``python3 main.py`` with views.py and routes.py)."""
    package = tmp_path / "aiohttpdemo_polls"
    package.mkdir()
    (package / "views.py").write_text(VIEWS_PY)
    (package / "routes.py").write_text(ROUTES_PY)
    (package / "main.py").write_text(MAIN_PY)
    port = free_port()
    async with spawn(["main.py", str(port)], env=child_env(), cwd=package) as child:
        lines = await child.wait_started()
        code, out = await curl("-X", "GET", f"http://127.0.0.1:{port}")
        assert await child.stop(signal.SIGINT) == 0
    assert lines[-2:] == [
        f"======== Running on http://127.0.0.1:{port} ========",
        "(Press CTRL+C to quit)",
    ]
    assert (code, out) == (0, "Hello Aiohttp!")
