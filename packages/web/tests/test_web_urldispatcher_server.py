"""The router behind a real server: responses on the wire, views, static files.

Each test serves an ``Application`` (``app.router``) on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from web_raw_client import read_head, read_response
from web_routing_harness import TIMEOUT, fetch, requests, serve_app

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


async def test_routes_answer() -> None:
    async with serve_app(make_app()) as port:
        response = await fetch(port, get("/"))
        assert response.status == 200
        assert response.body == b"hello"
        response = await fetch(port, get("/users/j%C3%BCrgen"))
        assert response.status == 200
        assert response.body == "user jürgen".encode()


async def test_not_found_on_the_wire() -> None:
    async with serve_app(make_app()) as port:
        response = await fetch(port, get("/nowhere"))
        assert response.status == 404
        assert response.body == b"404: Not Found"


async def test_method_not_allowed_on_the_wire() -> None:
    async with serve_app(make_app()) as port:
        response = await fetch(port, get("/users/1", "DELETE"))
        assert response.status == 405
        assert response.header("Allow") == "GET,HEAD,POST"
        assert response.body == b"405: Method Not Allowed"


async def test_head_of_a_get_route() -> None:
    async with serve_app(make_app()) as port:
        response = await fetch(port, get("/", "HEAD"), head_request=True)
        assert response.status == 200
        assert response.header("Content-Length") == "5"
        assert response.body == b""


async def test_sync_handler_works_with_its_warning() -> None:
    def sync(request: Request) -> StreamResponse:
        return Response(text="sync")

    app = Application()
    with pytest.warns(DeprecationWarning, match="Bare functions"):
        app.router.add_get("/sync", sync)  # type: ignore[arg-type]
    async with serve_app(app) as port:
        response = await fetch(port, get("/sync"))
        assert response.body == b"sync"


async def test_keep_alive_across_routes() -> None:
    async with serve_app(make_app()) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
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


async def test_expect_100_continue() -> None:
    async def upload(request: Request) -> StreamResponse:
        return Response(text=f"got {await request.text()}")

    app = Application()
    app.router.add_post("/upload", upload)
    async with serve_app(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
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


async def test_unknown_expectation_is_417() -> None:
    app = Application()
    app.router.add_post("/upload", hello)
    async with serve_app(app) as port:
        response = await fetch(
            port, get("/upload", "POST", "Content-Length: 0", "Expect: teapot")
        )
        assert response.status == 417
        assert response.body == b"Unknown Expect: teapot"


# -- class-based views ----------------------------------------------------------------------


class ItemView(View):
    async def get(self) -> StreamResponse:
        return Response(text=f"get {self.request.match_info['id']}")

    async def post(self) -> StreamResponse:
        return Response(text=f"post {await self.request.text()}")


async def test_view_dispatches_on_method() -> None:
    app = Application()
    app.router.add_view("/items/{id}", ItemView)
    async with serve_app(app) as port:
        response = await fetch(port, get("/items/3"))
        assert (response.status, response.body) == (200, b"get 3")
        response = await fetch(
            port, get("/items/3", "POST", "Content-Length: 2") + b"hi"
        )
        assert (response.status, response.body) == (200, b"post hi")


@pytest.mark.parametrize("method", ["DELETE", "PUT", "HEAD", "PURGE", "OPTIONS"])
async def test_view_refuses_methods_it_lacks(method: str) -> None:
    app = Application()
    app.router.add_view("/items/{id}", ItemView)
    async with serve_app(app) as port:
        response = await fetch(port, get("/items/3", method), head_request=True)
        assert response.status == 405
        assert response.header("Allow") == "GET,POST"


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


async def test_static_files(tmp_path: Path) -> None:
    (tmp_path / "site.css").write_bytes(b"body{}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a b.txt").write_bytes(b"spaced")
    app = Application()
    static = app.router.add_static("/static", tmp_path)
    async with serve_app(app) as port:
        response = await fetch(port, get("/static/site.css"))
        assert response.status == 200
        assert response.body == b"body{}"
        assert response.header("Content-Type") == "text/css"
        url = static.url_for(filename="sub/a b.txt")
        response = await fetch(port, get(url.raw_path))
        assert (response.status, response.body) == (200, b"spaced")
        response = await fetch(port, get("/static/site.css", "HEAD"), head_request=True)
        assert response.status == 200
        assert response.header("Content-Length") == "6"
        response = await fetch(port, get("/static/missing.css"))
        assert response.status == 404
        response = await fetch(port, get("/static/sub"))
        assert response.status == 403
        response = await fetch(port, get("/static/site.css", "POST"))
        assert response.status == 405
        assert response.header("Allow") == "GET,HEAD"


async def test_static_index(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_bytes(b"x")
    app = Application()
    app.router.add_static("/files", tmp_path, show_index=True)
    async with serve_app(app) as port:
        response = await fetch(port, get("/files/"))
        assert response.status == 200
        assert b'href="/files/file.txt"' in response.body


async def test_static_traversal_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret").write_bytes(b"secret")
    app = Application()
    app.router.add_static("/static", root)
    async with serve_app(app) as port:
        for target in (
            "/static/../secret",
            "/static/%2E%2E/secret",
            "/static/..%2Fsecret",
            "/static/sub/..%2F..%2Fsecret",
        ):
            response = await fetch(port, get(target))
            assert response.status == 404, target
            assert b"secret" not in response.body


# -- sub-applications -------------------------------------------------------------------------


async def test_sub_app_over_the_wire() -> None:
    parent, child = Application(), Application()
    child.router.add_get("/users/{id}", user)
    parent.router.add_get("/", hello)
    parent.add_subapp("/admin", child)
    async with serve_app(parent) as port:
        response = await fetch(port, get("/admin/users/5"))
        assert (response.status, response.body) == (200, b"user 5")
        response = await fetch(port, get("/admin/users/5", "PUT"))
        assert response.status == 405
        assert response.header("Allow") == "GET,HEAD"
        response = await fetch(port, get("/admin/nothing"))
        assert response.status == 404
        response = await fetch(port, get("/"))
        assert response.body == b"hello"
