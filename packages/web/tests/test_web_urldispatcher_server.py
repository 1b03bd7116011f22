"""The router behind a real server: responses on the wire, views, static files.

Each test serves an ``Application`` (``app.router``) with ``aiohttp_client``;
where the exact bytes are the point (pipelining, ``100 Continue``, targets a
client would normalize) a raw socket talks to an ``aiohttp_server``.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from web_raw_client import read_head, read_response
from web_routing_harness import TIMEOUT, fetch, requests

from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer
from aiohttp.web_app import Application
from aiohttp.web_exceptions import HTTPMethodNotAllowed
from aiohttp.web_request import Request
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_urldispatcher import View


def get(path: str, method: str = "GET", *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test", *headers, "", ""]
    return "\r\n".join(lines).encode()


async def hello(request: Request) -> StreamResponse:
    return Response(text="hello")


async def user(request: Request) -> StreamResponse:
    return Response(text=f"user {request.match_info['id']}")


def make_app() -> Application:
    app = Application()
    app.router.add_get("/", hello)
    app.router.add_get("/users/{id}", user)
    app.router.add_post("/users/{id}", user)
    return app


async def test_routes_answer(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app())
    async with client.get("/") as response:
        assert response.status == 200
        assert await response.read() == b"hello"
    async with client.get("/users/j%C3%BCrgen") as response:
        assert response.status == 200
        assert await response.read() == "user jürgen".encode()


async def test_not_found_on_the_wire(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app())
    async with client.get("/nowhere") as response:
        assert response.status == 404
        assert await response.read() == b"404: Not Found"


async def test_method_not_allowed_on_the_wire(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app())
    async with client.delete("/users/1") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET,HEAD,POST"
        assert await response.read() == b"405: Method Not Allowed"


async def test_head_of_a_get_route(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app())
    async with client.head("/") as response:
        assert response.status == 200
        assert response.headers["Content-Length"] == "5"
        assert await response.read() == b""


async def test_sync_handler_works_with_its_warning(
    aiohttp_client: AiohttpClient,
) -> None:
    def sync(request: Request) -> StreamResponse:
        return Response(text="sync")

    app = Application()
    with pytest.warns(DeprecationWarning, match="Bare functions"):
        app.router.add_get("/sync", sync)  # type: ignore[arg-type]
    client = await aiohttp_client(app)
    async with client.get("/sync") as response:
        assert await response.read() == b"sync"


async def test_keep_alive_across_routes(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(make_app())
    # Raw socket: three pipelined requests on one connection.
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(get("/") + get("/nope") + get("/users/7", "POST"))
        statuses = []
        for _ in range(3):
            response = await asyncio.wait_for(read_response(reader), TIMEOUT)
            statuses.append((response.status, response.body))
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    assert statuses == [
        (200, b"hello"),
        (404, b"404: Not Found"),
        (200, b"user 7"),
    ]


async def test_expect_100_continue(aiohttp_server: AiohttpServer) -> None:
    async def upload(request: Request) -> StreamResponse:
        return Response(text=f"got {await request.text()}")

    app = Application()
    app.router.add_post("/upload", upload)
    server = await aiohttp_server(app)
    # Raw socket: the interim 100 must arrive before the body is sent.
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(
            get("/upload", "POST", "Content-Length: 4", "Expect: 100-continue")
        )
        interim = await asyncio.wait_for(read_head(reader), TIMEOUT)
        assert interim.status == 100
        writer.write(b"data")
        response = await asyncio.wait_for(read_response(reader), TIMEOUT)
        assert response.status == 200
        assert response.body == b"got data"
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def test_unknown_expectation_is_417(aiohttp_client: AiohttpClient) -> None:
    app = Application()
    app.router.add_post("/upload", hello)
    client = await aiohttp_client(app)
    async with client.post(
        "/upload", data=b"", headers={"Expect": "teapot"}
    ) as response:
        assert response.request_info.headers["Content-Length"] == "0"
        assert response.status == 417
        assert await response.read() == b"Unknown Expect: teapot"


# -- class-based views ----------------------------------------------------------------------


class ItemView(View):
    async def get(self) -> StreamResponse:
        return Response(text=f"get {self.request.match_info['id']}")

    async def post(self) -> StreamResponse:
        return Response(text=f"post {await self.request.text()}")


async def test_view_dispatches_on_method(aiohttp_client: AiohttpClient) -> None:
    app = Application()
    app.router.add_view("/items/{id}", ItemView)
    client = await aiohttp_client(app)
    async with client.get("/items/3") as response:
        assert (response.status, await response.read()) == (200, b"get 3")
    async with client.post("/items/3", data=b"hi") as response:
        assert (response.status, await response.read()) == (200, b"post hi")


@pytest.mark.parametrize("method", ["DELETE", "PUT", "HEAD", "PURGE", "OPTIONS"])
async def test_view_refuses_methods_it_lacks(
    aiohttp_client: AiohttpClient, method: str
) -> None:
    app = Application()
    app.router.add_view("/items/{id}", ItemView)
    client = await aiohttp_client(app)
    async with client.request(method, "/items/3") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET,POST"


async def test_view_awaited_directly() -> None:
    async with requests() as reqs:
        request = reqs.make("/", "PATCH")
        view = ItemView(request)
        assert view.request is request
        with pytest.raises(HTTPMethodNotAllowed) as info:
            await view
        assert info.value.allowed_methods == {"GET", "POST"}
        assert info.value.method == "PATCH"
        request = reqs.make("/items/9")
        request._match_info = {"id": "9"}  # type: ignore[assignment]
        response = await ItemView(request)
        assert isinstance(response, Response)
        assert response.text == "get 9"


async def test_view_must_return_a_response() -> None:
    class Broken(View):
        async def get(self) -> StreamResponse:
            return "not a response"  # type: ignore[return-value]

    async with requests() as reqs:
        with pytest.raises(TypeError, match="must return a StreamResponse"):
            await Broken(reqs.make("/"))


# -- static files ------------------------------------------------------------------------------


async def test_static_files(aiohttp_client: AiohttpClient, tmp_path: Path) -> None:
    (tmp_path / "site.css").write_bytes(b"body{}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a b.txt").write_bytes(b"spaced")
    app = Application()
    static = app.router.add_static("/static", tmp_path)
    client = await aiohttp_client(app)
    async with client.get("/static/site.css") as response:
        assert response.status == 200
        assert await response.read() == b"body{}"
        assert response.headers["Content-Type"] == "text/css"
    url = static.url_for(filename="sub/a b.txt")
    async with client.get(url) as response:
        assert (response.status, await response.read()) == (200, b"spaced")
    async with client.head("/static/site.css") as response:
        assert response.status == 200
        assert response.headers["Content-Length"] == "6"
    async with client.get("/static/missing.css") as response:
        assert response.status == 404
    async with client.get("/static/sub") as response:
        assert response.status == 403
    async with client.post("/static/site.css") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET,HEAD"


async def test_static_index(aiohttp_client: AiohttpClient, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_bytes(b"x")
    app = Application()
    app.router.add_static("/files", tmp_path, show_index=True)
    client = await aiohttp_client(app)
    async with client.get("/files/") as response:
        assert response.status == 200
        assert b'href="/files/file.txt"' in await response.read()


async def test_static_traversal_is_refused(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret").write_bytes(b"secret")
    app = Application()
    app.router.add_static("/static", root)
    server = await aiohttp_server(app)
    assert server.port is not None
    # Raw socket: a client would resolve these dot segments before sending.
    for target in (
        "/static/../secret",
        "/static/%2E%2E/secret",
        "/static/..%2Fsecret",
        "/static/sub/..%2F..%2Fsecret",
    ):
        response = await fetch(server.port, get(target))
        assert response.status == 404, target
        assert b"secret" not in response.body


# -- sub-applications -------------------------------------------------------------------------


async def test_sub_app_over_the_wire(aiohttp_client: AiohttpClient) -> None:
    parent, child = Application(), Application()
    child.router.add_get("/users/{id}", user)
    parent.router.add_get("/", hello)
    parent.add_subapp("/admin", child)
    client = await aiohttp_client(parent)
    async with client.get("/admin/users/5") as response:
        assert (response.status, await response.read()) == (200, b"user 5")
    async with client.put("/admin/users/5") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET,HEAD"
    async with client.get("/admin/nothing") as response:
        assert response.status == 404
    async with client.get("/") as response:
        assert await response.read() == b"hello"
