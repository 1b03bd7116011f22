"""The manual's Web Server Quickstart (12.2.2) examples, over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import pathlib
import signal

import pytest
from web_raw_client import RawResponse, read_response, request
from web_run_app_harness import child_env, free_port, spawn
from web_spec_harness import CURL, curl, get, raw, served
from web_ws_raw_client import TEXT, connect

import aiohttp
from aiohttp import web


async def head_request(port: int, path: str) -> RawResponse:
    """Send a HEAD request; read the response as one without a body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw("HEAD", path))
        return await asyncio.wait_for(read_response(reader, head_request=True), 5)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


async def test_run_a_simple_web_server() -> None:
    """Quickstart: Run a Simple Web Server."""
    app = web.Application()
    app.router.add_get("/", hello)
    async with served(app) as port:
        code, out = await curl(f"http://127.0.0.1:{port}/")
    assert (code, out) == (0, "Hello, world")


INIT_FUNC_MODULE = """\
from aiohttp import web


async def index_handler(request):
    return web.Response(text="index")


def init_func(argv):
    app = web.Application()
    app.router.add_get("/", index_handler)
    return app
"""


async def test_command_line_interface(tmp_path: pathlib.Path) -> None:
    """Quickstart: Command Line Interface (python -m aiohttp.web ... init_func)."""
    (tmp_path / "spec_cli_package.py").write_text(INIT_FUNC_MODULE)
    port = free_port()
    args = ["-m", "aiohttp.web", "-H", "127.0.0.1", "-P", str(port)]
    async with spawn(
        [*args, "spec_cli_package:init_func"], env=child_env(tmp_path)
    ) as child:
        await child.wait_started()
        code, out = await curl(f"http://127.0.0.1:{port}/")
        assert await child.stop(signal.SIGTERM) == 0
    assert (code, out) == (0, "index")


async def test_a_plain_function_handler_is_deprecated_but_served() -> None:
    """Quickstart: Handler (a regular function; 3.x deprecates it)."""

    def handler(request: web.Request) -> web.Response:
        return web.Response(text="plain")

    app = web.Application()
    with pytest.warns(DeprecationWarning, match="Bare functions"):
        app.router.add_get("/", handler)  # type: ignore[arg-type]
    async with served(app) as port:
        response, _ = await request(port, get("/"))
    assert (response.status, response.body) == (200, b"plain")


async def test_handlers_for_methods_and_the_wildcard() -> None:
    """Quickstart: Handler (add_get, add_post, add_put and the '*' method)."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response()

    async def post_handler(request: web.Request) -> web.Response:
        return web.Response(text="post")

    async def put_handler(request: web.Request) -> web.Response:
        return web.Response(text="put")

    async def all_handler(request: web.Request) -> web.Response:
        return web.Response(text=request.method)

    app = web.Application()
    app.router.add_get("/", handler)
    app.router.add_post("/post", post_handler)
    app.router.add_put("/put", put_handler)
    app.router.add_route("*", "/path", all_handler)
    async with served(app) as port:
        root, _ = await request(port, get("/"))
        posted, _ = await request(port, raw("POST", "/post"))
        put, _ = await request(port, raw("PUT", "/put"))
        wrong, _ = await request(port, get("/post"))
        methods = []
        for method in ("GET", "POST", "DELETE", "PATCH", "OPTIONS"):
            response, _ = await request(port, raw(method, "/path"))
            methods.append((response.status, response.body.decode()))
    assert (root.status, root.body) == (200, b"")
    assert (posted.status, posted.body) == (200, b"post")
    assert (put.status, put.body) == (200, b"put")
    assert wrong.status == 405
    assert methods == [
        (200, "GET"),
        (200, "POST"),
        (200, "DELETE"),
        (200, "PATCH"),
        (200, "OPTIONS"),
    ]


async def test_head_is_allowed_on_get_routes_unless_denied() -> None:
    """Quickstart: Handler (HEAD on add_get routes; allow_head=False gives 405)."""
    called = []

    async def handler(request: web.Request) -> web.Response:
        called.append(request.method)
        return web.Response(text="Hello, world")

    app = web.Application()
    app.router.add_get("/", handler)
    app.router.add_get("/nohead", handler, allow_head=False)
    async with served(app) as port:
        head = await head_request(port, "/")
        denied = await head_request(port, "/nohead")
        got, _ = await request(port, get("/nohead"))
    assert head.status == 200
    assert head.header("Content-Length") == "12"
    assert denied.status == 405
    assert got.status == 200
    assert called == ["HEAD", "GET"]


async def test_resources_and_routes() -> None:
    """Quickstart: Resources and Routes (add_resource plus add_route)."""
    app = web.Application()
    resource = app.router.add_resource("/hello", name="hello")
    route = resource.add_route("GET", hello)
    assert route.resource is resource
    assert route.method == "GET"
    async with served(app) as port:
        response, _ = await request(port, get("/hello"))
    assert (response.status, response.body) == (200, b"Hello, world")


async def test_variable_resources() -> None:
    """Quickstart: Variable Resources ('/{name}' and '{name:\\d+}')."""

    async def variable_handler(request: web.Request) -> web.Response:
        return web.Response(text="Hello, {}".format(request.match_info["name"]))

    app = web.Application()
    resource = app.router.add_resource("/{name}")
    resource.add_route("GET", variable_handler)
    digits = app.router.add_resource(r"/num/{name:\d+}")
    digits.add_route("GET", variable_handler)
    path = app.router.add_resource("/a/{name}/c")
    path.add_route("GET", variable_handler)
    async with served(app) as port:
        name, _ = await request(port, get("/john"))
        number, _ = await request(port, get("/num/42"))
        not_number, _ = await request(port, get("/num/abc"))
        encoded, _ = await request(port, get("/a/b%20x/c"))
        etc, _ = await request(port, get("/a/etc/c"))
    assert (name.status, name.body) == (200, b"Hello, john")
    assert (number.status, number.body) == (200, b"Hello, 42")
    assert not_number.status == 404
    assert (encoded.status, encoded.body) == (200, b"Hello, b x")
    assert (etc.status, etc.body) == (200, b"Hello, etc")


async def test_reverse_url_constructing_using_named_resources() -> None:
    """Quickstart: Reverse URL Constructing using Named Resources."""

    async def urls(request: web.Request) -> web.Response:
        root = request.app.router["root"].url_for().with_query({"a": "b", "c": "d"})
        info = request.app.router["user-info"].url_for(user="john_doe")
        return web.json_response([str(root), str(info.with_query("a=b"))])

    app = web.Application()
    app.router.add_resource("/root", name="root").add_route("GET", urls)
    app.router.add_resource(r"/{user}/info", name="user-info")
    async with served(app) as port:
        response, _ = await request(port, get("/root"))
    assert response.status == 200
    assert json.loads(response.body) == ["/root?a=b&c=d", "/john_doe/info?a=b"]


async def test_organizing_handlers_in_classes() -> None:
    """Quickstart: Organizing Handlers in Classes (methods as coroutines)."""

    class Handler:
        def __init__(self) -> None:
            pass

        async def handle_intro(self, request: web.Request) -> web.Response:
            return web.Response(text="Hello, world")

        async def handle_greeting(self, request: web.Request) -> web.Response:
            name = request.match_info.get("name", "Anonymous")
            txt = f"Hello, {name}"
            return web.Response(text=txt)

    handler = Handler()
    app = web.Application()
    app.router.add_get("/intro", handler.handle_intro)
    app.router.add_get("/greet/{name}", handler.handle_greeting)
    async with served(app) as port:
        intro, _ = await request(port, get("/intro"))
        greet, _ = await request(port, get("/greet/Andrew"))
    assert intro.body == b"Hello, world"
    assert greet.body == b"Hello, Andrew"


class MyView(web.View):
    async def get(self) -> web.Response:
        return web.Response(text="get " + self.request.path)

    async def post(self) -> web.Response:
        data = await self.request.post()
        return web.Response(text="post " + str(data["x"]))


async def test_class_based_views() -> None:
    """Quickstart: Class Based Views (add_view; 405 for other methods)."""
    app = web.Application()
    app.router.add_view("/path/to", MyView)
    form = ("Content-Type: application/x-www-form-urlencoded",)
    async with served(app) as port:
        got, _ = await request(port, get("/path/to"))
        posted, _ = await request(port, raw("POST", "/path/to", *form, body=b"x=1"))
        put, _ = await request(port, raw("PUT", "/path/to"))
    assert (got.status, got.body) == (200, b"get /path/to")
    assert (posted.status, posted.body) == (200, b"post 1")
    assert put.status == 405
    allowed = {m.strip() for m in (put.header("Allow") or "").split(",")}
    assert {"GET", "POST"} <= allowed
    assert "PUT" not in allowed


async def test_resource_views() -> None:
    """Quickstart: Resource Views (resources() and named_resources())."""
    app = web.Application()
    app.router.add_get("/", hello, name="index")
    app.router.add_get("/anonymous", hello)
    app.router.add_get("/{user}/info", hello, name="user-info")
    async with served(app) as port:
        response, _ = await request(port, get("/anonymous"))
    assert response.status == 200
    resources = list(app.router.resources())
    assert len(resources) == 3
    named = dict(app.router.named_resources().items())
    assert set(named) == {"index", "user-info"}
    assert named["user-info"].canonical == "/{user}/info"


async def test_route_tables() -> None:
    """Quickstart: Alternative ways for registering routes (route tables)."""

    async def handle_get(request: web.Request) -> web.Response:
        return web.Response(text="got")

    async def handle_post(request: web.Request) -> web.Response:
        return web.Response(text="posted")

    app = web.Application()
    app.router.add_routes([web.get("/get", handle_get), web.post("/post", handle_post)])
    async with served(app) as port:
        got, _ = await request(port, get("/get"))
        posted, _ = await request(port, raw("POST", "/post"))
    assert (got.body, posted.body) == (b"got", b"posted")


async def test_route_decorators_with_functions_and_views() -> None:
    """Quickstart: Alternative ways for registering routes (route decorators)."""
    routes = web.RouteTableDef()

    @routes.get("/get")
    async def handle_get(request: web.Request) -> web.Response:
        return web.Response(text="got")

    @routes.post("/post")
    async def handle_post(request: web.Request) -> web.Response:
        return web.Response(text="posted")

    @routes.view("/view")
    class View(web.View):
        async def get(self) -> web.Response:
            return web.Response(text="view get")

        async def post(self) -> web.Response:
            return web.Response(text="view post")

    app = web.Application()
    app.router.add_routes(routes)
    async with served(app) as port:
        got, _ = await request(port, get("/get"))
        posted, _ = await request(port, raw("POST", "/post"))
        view_get, _ = await request(port, get("/view"))
        view_post, _ = await request(port, raw("POST", "/view"))
    assert (got.body, posted.body) == (b"got", b"posted")
    assert (view_get.body, view_post.body) == (b"view get", b"view post")


async def test_json_response() -> None:
    """Quickstart: JSON Response (json_response; cookies may be set on it)."""

    async def handler(request: web.Request) -> web.Response:
        data = {"some": "data"}
        response = web.json_response(data)
        response.set_cookie("seen", "yes")
        return response

    app = web.Application()
    app.router.add_get("/", handler)
    async with served(app) as port:
        response, _ = await request(port, get("/"))
    assert response.status == 200
    assert response.header("Content-Type") == "application/json; charset=utf-8"
    assert json.loads(response.body) == {"some": "data"}
    assert (response.header("Set-Cookie") or "").startswith("seen=yes")


async def test_http_forms() -> None:
    """Quickstart: HTTP Forms (query for GET forms, post() for POST forms)."""

    async def do_login(request: web.Request) -> web.Response:
        data = await request.post()
        login = data["login"]
        password = data["password"]
        assert isinstance(login, str)
        assert isinstance(password, str)
        return web.Response(text=f"{login}:{password}")

    async def search(request: web.Request) -> web.Response:
        return web.Response(text=request.query["q"])

    app = web.Application()
    app.router.add_post("/login", do_login)
    app.router.add_get("/search", search)
    async with served(app) as port:
        url = f"http://127.0.0.1:{port}"
        code, out = await curl(
            "--data-urlencode",
            "login=bob",
            "--data-urlencode",
            "password=s e",
            url + "/login",
        )
        code2, out2 = await curl(url + "/search?q=a+b")
        code3, out3 = await curl("-F", "login=amy", "-F", "password=pw", url + "/login")
    assert (code, out) == (0, "bob:s e")
    assert (code2, out2) == (0, "a b")
    assert (code3, out3) == (0, "amy:pw")


async def test_file_uploads_with_post(tmp_path: pathlib.Path) -> None:
    """Quickstart: File Uploads (request.post() gives a FileField)."""

    async def store_mp3_handler(request: web.Request) -> web.Response:
        data = await request.post()
        mp3 = data["mp3"]
        assert isinstance(mp3, web.FileField)
        filename = mp3.filename
        mp3_file = mp3.file
        content = mp3_file.read()
        return web.Response(
            body=content,
            headers={"CONTENT-DISPOSITION": f'attachment; filename="{filename}"'},
        )

    song = tmp_path / "song.mp3"
    song.write_bytes(b"ID3" + bytes(range(256)) * 4)
    app = web.Application()
    app.router.add_post("/store/mp3", store_mp3_handler)
    async with served(app) as port:
        proc = await asyncio.create_subprocess_exec(
            CURL,
            "-s",
            "--max-time",
            "5",
            "-D",
            "-",
            "-F",
            f"mp3=@{song}",
            f"http://127.0.0.1:{port}/store/mp3",
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 10)
    head, _, body = out.partition(b"\r\n\r\n")
    assert proc.returncode == 0
    assert head.startswith(b"HTTP/1.1 200")
    assert b'attachment; filename="song.mp3"' in head
    assert body == song.read_bytes()


async def test_file_uploads_with_multipart_reader(tmp_path: pathlib.Path) -> None:
    """Quickstart: File Uploads (streaming with request.multipart())."""
    spool = tmp_path / "spool"
    spool.mkdir()

    async def store_mp3_handler(request: web.Request) -> web.Response:
        reader = await request.multipart()
        field = await reader.next()
        assert isinstance(field, aiohttp.BodyPartReader)
        assert field.name == "name"
        name = await field.read(decode=True)
        field = await reader.next()
        assert isinstance(field, aiohttp.BodyPartReader)
        assert field.name == "mp3"
        filename = field.filename
        assert filename is not None
        size = 0
        # The manual writes with a blocking open(); so does the example here.
        with open(spool / filename, "wb") as f:  # noqa: ASYNC230
            while True:
                chunk = await field.read_chunk()
                if not chunk:
                    break
                size += len(chunk)
                f.write(chunk)
        return web.Response(
            text=f"{filename} sized of {size} successfully stored ({name.decode()})"
        )

    song = tmp_path / "song.mp3"
    payload = bytes(range(256)) * 100
    song.write_bytes(payload)
    app = web.Application()
    app.router.add_post("/store/mp3", store_mp3_handler)
    async with served(app) as port:
        code, out = await curl(
            "-F",
            "name=tune",
            "-F",
            f"mp3=@{song}",
            f"http://127.0.0.1:{port}/store/mp3",
        )
    assert (code, out) == (
        0,
        f"song.mp3 sized of {len(payload)} successfully stored (tune)",
    )
    assert (spool / "song.mp3").read_bytes() == payload


async def test_websockets_echo() -> None:
    """Quickstart: WebSockets (echo with '/answer'; 'close' closes)."""
    closed = asyncio.Event()

    async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                if msg.data == "close":
                    await ws.close()
                else:
                    await ws.send_str(msg.data + "/answer")
        closed.set()
        return ws

    app = web.Application()
    app.router.add_get("/ws", websocket_handler)
    async with served(app) as port:
        async with connect(port, "/ws") as ws:
            await ws.send_text("hello")
            answer = await ws.read_message()
            await ws.send_text("close")
            close = await ws.read_close()
            await ws.send_close(1000)
            assert await ws.closed_by_server()
        await asyncio.wait_for(closed.wait(), 5)
    assert (answer.opcode, answer.payload) == (TEXT, b"hello/answer")
    assert close.close_code == 1000


async def test_exceptions_raised_redirect() -> None:
    """Quickstart: Exceptions (raise HTTPFound('/redirect'))."""

    async def handler(request: web.Request) -> web.Response:
        raise web.HTTPFound("/redirect")

    app = web.Application()
    app.router.add_get("/", handler)
    async with served(app) as port:
        response, _ = await request(port, get("/"))
    assert response.status == 302
    assert response.header("Location") == "/redirect"


async def test_exceptions_returned_redirect_is_deprecated() -> None:
    """Quickstart: Exceptions (return HTTPFound('/redirect'): same effect,
    deprecated)."""

    async def handler(request: web.Request) -> web.Response:
        return web.HTTPFound("/redirect")

    app = web.Application()
    app.router.add_get("/", handler)
    async with served(app) as port:
        with pytest.warns(DeprecationWarning, match="returning HTTPException"):
            response, _ = await request(port, get("/"))
    assert response.status == 302
    assert response.header("Location") == "/redirect"


async def test_exception_constructors() -> None:
    """Quickstart: Exceptions (HTTPNotFound, HTTPFound, HTTPMethodNotAllowed)."""

    async def not_found(request: web.Request) -> web.Response:
        raise web.HTTPNotFound(headers={"X-Extra": "1"}, reason="Nowhere", text="gone")

    async def see_other(request: web.Request) -> web.Response:
        raise web.HTTPSeeOther("/other", text="moved")

    async def not_allowed(request: web.Request) -> web.Response:
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "POST"])

    app = web.Application()
    app.router.add_get("/nf", not_found)
    app.router.add_get("/so", see_other)
    app.router.add_route("*", "/na", not_allowed)
    async with served(app) as port:
        nf, _ = await request(port, get("/nf"))
        so, _ = await request(port, get("/so"))
        na, _ = await request(port, raw("DELETE", "/na"))
    assert (nf.status, nf.reason, nf.body) == (404, "Nowhere", b"gone")
    assert nf.header("X-Extra") == "1"
    assert (so.status, so.header("Location"), so.body) == (303, "/other", b"moved")
    assert na.status == 405
    assert {m.strip() for m in (na.header("Allow") or "").split(",")} == {
        "GET",
        "POST",
    }
