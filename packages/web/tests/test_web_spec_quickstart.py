"""The manual's Web Server Quickstart (12.2.2) examples, over real sockets."""

from __future__ import annotations

import asyncio
import json
import pathlib
import signal

import pytest
from web_run_app_harness import child_env, free_port, spawn
from web_spec_harness import CURL, curl, served
from web_ws_raw_client import TEXT, connect

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


async def test_run_a_simple_web_server(aiohttp_server: AiohttpServer) -> None:
    """Quickstart: Run a Simple Web Server."""
    app = web.Application()
    app.router.add_get("/", hello)
    server = await aiohttp_server(app)
    code, out = await curl(str(server.make_url("/")))
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


async def test_a_plain_function_handler_is_deprecated_but_served(
    aiohttp_client: AiohttpClient,
) -> None:
    """Quickstart: Handler (a regular function; 3.x deprecates it)."""

    def handler(request: web.Request) -> web.Response:
        return web.Response(text="plain")

    app = web.Application()
    with pytest.warns(DeprecationWarning, match="Bare functions"):
        app.router.add_get("/", handler)  # type: ignore[arg-type]
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.status == 200
        assert await response.read() == b"plain"


async def test_handlers_for_methods_and_the_wildcard(
    aiohttp_client: AiohttpClient,
) -> None:
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
    client = await aiohttp_client(app)
    async with client.get("/") as root:
        assert (root.status, await root.read()) == (200, b"")
    async with client.post("/post") as posted:
        assert (posted.status, await posted.read()) == (200, b"post")
    async with client.put("/put") as put:
        assert (put.status, await put.read()) == (200, b"put")
    async with client.get("/post") as wrong:
        assert wrong.status == 405
    methods = []
    for method in ("GET", "POST", "DELETE", "PATCH", "OPTIONS"):
        async with client.request(method, "/path") as response:
            methods.append((response.status, await response.text()))
    assert methods == [
        (200, "GET"),
        (200, "POST"),
        (200, "DELETE"),
        (200, "PATCH"),
        (200, "OPTIONS"),
    ]


async def test_head_is_allowed_on_get_routes_unless_denied(
    aiohttp_client: AiohttpClient,
) -> None:
    """Quickstart: Handler (HEAD on add_get routes; allow_head=False gives 405)."""
    called = []

    async def handler(request: web.Request) -> web.Response:
        called.append(request.method)
        return web.Response(text="Hello, world")

    app = web.Application()
    app.router.add_get("/", handler)
    app.router.add_get("/nohead", handler, allow_head=False)
    client = await aiohttp_client(app)
    async with client.head("/") as head:
        assert head.status == 200
        assert head.headers["Content-Length"] == "12"
        assert await head.read() == b""
    async with client.head("/nohead") as denied:
        assert denied.status == 405
    async with client.get("/nohead") as got:
        assert got.status == 200
    assert called == ["HEAD", "GET"]


async def test_resources_and_routes(aiohttp_client: AiohttpClient) -> None:
    """Quickstart: Resources and Routes (add_resource plus add_route)."""
    app = web.Application()
    resource = app.router.add_resource("/hello", name="hello")
    route = resource.add_route("GET", hello)
    assert route.resource is resource
    assert route.method == "GET"
    client = await aiohttp_client(app)
    async with client.get("/hello") as response:
        assert response.status == 200
        assert await response.read() == b"Hello, world"


async def test_variable_resources(aiohttp_client: AiohttpClient) -> None:
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
    client = await aiohttp_client(app)
    answers: dict[str, tuple[int, bytes]] = {}
    for url in ("/john", "/num/42", "/num/abc", "/a/b%20x/c", "/a/etc/c"):
        async with client.get(url) as response:
            answers[url] = (response.status, await response.read())
    assert answers["/john"] == (200, b"Hello, john")
    assert answers["/num/42"] == (200, b"Hello, 42")
    assert answers["/num/abc"][0] == 404
    assert answers["/a/b%20x/c"] == (200, b"Hello, b x")
    assert answers["/a/etc/c"] == (200, b"Hello, etc")


async def test_reverse_url_constructing_using_named_resources(
    aiohttp_client: AiohttpClient,
) -> None:
    """Quickstart: Reverse URL Constructing using Named Resources."""

    async def urls(request: web.Request) -> web.Response:
        root = request.app.router["root"].url_for().with_query({"a": "b", "c": "d"})
        info = request.app.router["user-info"].url_for(user="john_doe")
        return web.json_response([str(root), str(info.with_query("a=b"))])

    app = web.Application()
    app.router.add_resource("/root", name="root").add_route("GET", urls)
    app.router.add_resource(r"/{user}/info", name="user-info")
    client = await aiohttp_client(app)
    async with client.get("/root") as response:
        assert response.status == 200
        assert await response.json() == ["/root?a=b&c=d", "/john_doe/info?a=b"]


async def test_organizing_handlers_in_classes(aiohttp_client: AiohttpClient) -> None:
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
    client = await aiohttp_client(app)
    async with client.get("/intro") as intro:
        assert await intro.read() == b"Hello, world"
    async with client.get("/greet/Andrew") as greet:
        assert await greet.read() == b"Hello, Andrew"


class MyView(web.View):
    async def get(self) -> web.Response:
        return web.Response(text="get " + self.request.path)

    async def post(self) -> web.Response:
        data = await self.request.post()
        return web.Response(text="post " + str(data["x"]))


async def test_class_based_views(aiohttp_client: AiohttpClient) -> None:
    """Quickstart: Class Based Views (add_view; 405 for other methods)."""
    app = web.Application()
    app.router.add_view("/path/to", MyView)
    client = await aiohttp_client(app)
    async with client.get("/path/to") as got:
        assert (got.status, await got.read()) == (200, b"get /path/to")
    async with client.post("/path/to", data={"x": "1"}) as posted:
        assert (posted.status, await posted.read()) == (200, b"post 1")
    async with client.put("/path/to") as put:
        assert put.status == 405
    allowed = {m.strip() for m in put.headers.get("Allow", "").split(",")}
    assert {"GET", "POST"} <= allowed
    assert "PUT" not in allowed


async def test_resource_views(aiohttp_client: AiohttpClient) -> None:
    """Quickstart: Resource Views (resources() and named_resources())."""
    app = web.Application()
    app.router.add_get("/", hello, name="index")
    app.router.add_get("/anonymous", hello)
    app.router.add_get("/{user}/info", hello, name="user-info")
    client = await aiohttp_client(app)
    async with client.get("/anonymous") as response:
        assert response.status == 200
    resources = list(app.router.resources())
    assert len(resources) == 3
    named = dict(app.router.named_resources().items())
    assert set(named) == {"index", "user-info"}
    assert named["user-info"].canonical == "/{user}/info"


async def test_route_tables(aiohttp_client: AiohttpClient) -> None:
    """Quickstart: Alternative ways for registering routes (route tables)."""

    async def handle_get(request: web.Request) -> web.Response:
        return web.Response(text="got")

    async def handle_post(request: web.Request) -> web.Response:
        return web.Response(text="posted")

    app = web.Application()
    app.router.add_routes([web.get("/get", handle_get), web.post("/post", handle_post)])
    client = await aiohttp_client(app)
    async with client.get("/get") as got:
        assert await got.read() == b"got"
    async with client.post("/post") as posted:
        assert await posted.read() == b"posted"


async def test_route_decorators_with_functions_and_views(
    aiohttp_client: AiohttpClient,
) -> None:
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
    client = await aiohttp_client(app)
    bodies = []
    for method, path in (("GET", "/get"), ("POST", "/post"), ("GET", "/view")):
        async with client.request(method, path) as response:
            bodies.append(await response.read())
    async with client.post("/view") as response:
        bodies.append(await response.read())
    assert bodies == [b"got", b"posted", b"view get", b"view post"]


async def test_json_response(aiohttp_client: AiohttpClient) -> None:
    """Quickstart: JSON Response (json_response; cookies may be set on it)."""

    async def handler(request: web.Request) -> web.Response:
        data = {"some": "data"}
        response = web.json_response(data)
        response.set_cookie("seen", "yes")
        return response

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.status == 200
        content_type = response.headers["Content-Type"]
        assert content_type == "application/json; charset=utf-8"
        assert json.loads(await response.read()) == {"some": "data"}
        assert response.headers.get("Set-Cookie", "").startswith("seen=yes")


async def test_http_forms(aiohttp_server: AiohttpServer) -> None:
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
    server = await aiohttp_server(app)
    url = str(server.make_url(""))
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


async def test_file_uploads_with_post(
    tmp_path: pathlib.Path, aiohttp_server: AiohttpServer
) -> None:
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
    server = await aiohttp_server(app)
    proc = await asyncio.create_subprocess_exec(
        CURL,
        "-s",
        "--max-time",
        "5",
        "-D",
        "-",
        "-F",
        f"mp3=@{song}",
        str(server.make_url("/store/mp3")),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 10)
    head, _, body = out.partition(b"\r\n\r\n")
    assert proc.returncode == 0
    assert head.startswith(b"HTTP/1.1 200")
    assert b'attachment; filename="song.mp3"' in head
    assert body == song.read_bytes()


async def test_file_uploads_with_multipart_reader(
    tmp_path: pathlib.Path, aiohttp_server: AiohttpServer
) -> None:
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
    server = await aiohttp_server(app)
    code, out = await curl(
        "-F", "name=tune", "-F", f"mp3=@{song}", str(server.make_url("/store/mp3"))
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
    # Raw socket: also checks the server drops the TCP connection after the
    # closing handshake, which the client API does not show.
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


async def test_exceptions_raised_redirect(aiohttp_client: AiohttpClient) -> None:
    """Quickstart: Exceptions (raise HTTPFound('/redirect'))."""

    async def handler(request: web.Request) -> web.Response:
        raise web.HTTPFound("/redirect")

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/", allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == "/redirect"


async def test_exceptions_returned_redirect_is_deprecated(
    aiohttp_client: AiohttpClient,
) -> None:
    """Quickstart: Exceptions (return HTTPFound('/redirect'): same effect,
    deprecated)."""

    async def handler(request: web.Request) -> web.Response:
        return web.HTTPFound("/redirect")

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    with pytest.warns(DeprecationWarning, match="returning HTTPException"):
        response = await client.get("/", allow_redirects=False)
    async with response:
        assert response.status == 302
        assert response.headers["Location"] == "/redirect"


async def test_exception_constructors(aiohttp_client: AiohttpClient) -> None:
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
    client = await aiohttp_client(app)
    async with client.get("/nf") as nf:
        assert (nf.status, nf.reason, await nf.read()) == (404, "Nowhere", b"gone")
        assert nf.headers["X-Extra"] == "1"
    async with client.get("/so", allow_redirects=False) as so:
        location = so.headers["Location"]
        assert (so.status, location, await so.read()) == (303, "/other", b"moved")
    async with client.delete("/na") as na:
        assert na.status == 405
    assert {m.strip() for m in na.headers.get("Allow", "").split(",")} == {
        "GET",
        "POST",
    }
