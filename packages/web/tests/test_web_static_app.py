"""Static files and FileResponse inside an ``Application``, on a real socket.

The application's own request handling runs (resolve, middlewares, the
``on_response_prepare`` signal), with static routes at the top level and in
a sub-application.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from web_file_harness import build_request, send_raw
from web_raw_client import RawResponse

from aiohttp.typedefs import Handler
from aiohttp.web_app import Application
from aiohttp.web_fileresponse import FileResponse
from aiohttp.web_middlewares import middleware
from aiohttp.web_request import Request
from aiohttp.web_response import StreamResponse

SECRET = b"TOP-SECRET-CONTENT"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")


@contextlib.asynccontextmanager
async def serve_app(app: Application) -> AsyncIterator[int]:
    server = app._make_handler()
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(server, "127.0.0.1", 0)
    try:
        yield listener.sockets[0].getsockname()[1]
    finally:
        listener.close()
        await server.shutdown(1.0)
        await listener.wait_closed()


async def get(
    port: int, target: str, *headers: tuple[str, str], method: str = "GET"
) -> RawResponse:
    data = build_request(target, method=method, headers=headers)
    return await send_raw(port, data, head_request=method == "HEAD")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "root"
    (root / "img").mkdir(parents=True)
    (root / "img" / "logo.svg").write_bytes(b"<svg/>")
    (root / "index.html").write_bytes(b"<h1>hi</h1>")
    (root / "index.html.gz").symlink_to(tmp_path / "secret.txt")
    (root / "out").symlink_to(tmp_path / "secret.txt")
    return root


async def test_static_in_an_application(root: Path) -> None:
    app = Application()
    app.router.add_static("/static", root, show_index=True)
    async with serve_app(app) as port:
        page = await get(port, "/static/index.html", ("Accept-Encoding", "gzip"))
        index = await get(port, "/static/img/")
        out = await get(port, "/static/out")
        traversal = await get(port, "/static/..%2fsecret.txt")
    assert (page.status, page.body) == (200, b"<h1>hi</h1>")
    assert page.header("Content-Type") == "text/html"
    assert '<a href="/static/img/logo.svg">logo.svg</a>' in index.body.decode()
    for refused in (out, traversal):
        assert refused.status == 404
        assert SECRET not in refused.body


async def test_static_in_a_subapplication(root: Path) -> None:
    sub = Application()
    files = sub.router.add_static("/files", root, show_index=True, append_version=True)
    app = Application()
    app.add_subapp("/sub", sub)
    async with serve_app(app) as port:
        logo = await get(port, "/sub/files/img/logo.svg")
        index = await get(port, "/sub/files/")
        traversal = await get(port, "/sub/files/%2e%2e/%2e%2e/secret.txt")
    assert (logo.status, logo.body) == (200, b"<svg/>")
    assert logo.header("Content-Type") == "image/svg+xml"
    # Links carry the sub-application's prefix too.
    assert '<a href="/sub/files/img">img/</a>' in index.body.decode()
    assert traversal.status == 404
    url = files.url_for(filename="img/logo.svg")
    assert url.path == "/sub/files/img/logo.svg"
    assert "v" in url.query


async def test_middlewares_and_signals_see_file_responses(root: Path) -> None:
    seen: list[int] = []

    @middleware
    async def caching(request: Request, handler: Handler) -> StreamResponse:
        response = await handler(request)
        response.headers["Cache-Control"] = "max-age=60"
        return response

    async def on_prepare(request: Request, response: StreamResponse) -> None:
        seen.append(response.status)
        response.headers["X-Prepared"] = "yes"

    async def download(request: Request) -> StreamResponse:
        return FileResponse(root / "img" / "logo.svg")

    app = Application(middlewares=[caching])
    app.on_response_prepare.append(on_prepare)
    app.router.add_static("/static", root)
    app.router.add_get("/download", download)
    async with serve_app(app) as port:
        static = await get(port, "/static/index.html")
        ranged = await get(port, "/download", ("Range", "bytes=1-3"))
        missing = await get(port, "/static/nope")
    assert static.header("Cache-Control") == "max-age=60"
    assert static.header("X-Prepared") == "yes"
    assert (ranged.status, ranged.body) == (206, b"svg")
    assert ranged.header("X-Prepared") == "yes"
    assert missing.status == 404
    assert seen[:2] == [200, 206]
