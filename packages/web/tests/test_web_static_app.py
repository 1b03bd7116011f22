"""Static files and FileResponse inside an ``Application``, on a real socket.

The application's own request handling runs (resolve, middlewares, the
``on_response_prepare`` signal), with static routes at the top level and in
a sub-application.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from web_file_harness import build_request, send_raw

from aiohttp.pytest_plugin import AiohttpClient
from aiohttp.typedefs import Handler
from aiohttp.web_app import Application
from aiohttp.web_fileresponse import FileResponse
from aiohttp.web_middlewares import middleware
from aiohttp.web_request import Request
from aiohttp.web_response import StreamResponse

SECRET = b"TOP-SECRET-CONTENT"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")


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


async def test_static_in_an_application(
    aiohttp_client: AiohttpClient, root: Path
) -> None:
    app = Application()
    app.router.add_static("/static", root, show_index=True)
    # No decompression: the body must be index.html itself, not a .gz sibling.
    client = await aiohttp_client(app, auto_decompress=False)
    async with client.get(
        "/static/index.html", headers={"Accept-Encoding": "gzip"}
    ) as page:
        assert (page.status, await page.read()) == (200, b"<h1>hi</h1>")
        assert page.headers["Content-Type"] == "text/html"
        assert "Content-Encoding" not in page.headers
    async with client.get("/static/img/") as index:
        assert '<a href="/static/img/logo.svg">logo.svg</a>' in await index.text()
    async with client.get("/static/out") as out:
        assert out.status == 404
        assert SECRET not in await out.read()
    # Raw socket: the client would send ``..%2F`` as it is, but the point is
    # the exact target, so it goes out byte for byte.
    assert client.port is not None
    traversal = await send_raw(client.port, build_request("/static/..%2fsecret.txt"))
    assert traversal.status == 404
    assert SECRET not in traversal.body


async def test_static_in_a_subapplication(
    aiohttp_client: AiohttpClient, root: Path
) -> None:
    sub = Application()
    files = sub.router.add_static("/files", root, show_index=True, append_version=True)
    app = Application()
    app.add_subapp("/sub", sub)
    client = await aiohttp_client(app)
    async with client.get("/sub/files/img/logo.svg") as logo:
        assert (logo.status, await logo.read()) == (200, b"<svg/>")
        assert logo.headers["Content-Type"] == "image/svg+xml"
    async with client.get("/sub/files/") as index:
        # Links carry the sub-application's prefix too.
        assert '<a href="/sub/files/img">img/</a>' in await index.text()
    # Raw socket: a client would fold ``%2e%2e`` segments away before sending.
    assert client.port is not None
    traversal = await send_raw(
        client.port, build_request("/sub/files/%2e%2e/%2e%2e/secret.txt")
    )
    assert traversal.status == 404
    url = files.url_for(filename="img/logo.svg")
    assert url.path == "/sub/files/img/logo.svg"
    assert "v" in url.query


async def test_middlewares_and_signals_see_file_responses(
    aiohttp_client: AiohttpClient, root: Path
) -> None:
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
    client = await aiohttp_client(app)
    async with client.get("/static/index.html") as static:
        assert static.headers["Cache-Control"] == "max-age=60"
        assert static.headers["X-Prepared"] == "yes"
    async with client.get("/download", headers={"Range": "bytes=1-3"}) as ranged:
        assert (ranged.status, await ranged.read()) == (206, b"svg")
        assert ranged.headers["X-Prepared"] == "yes"
    async with client.get("/static/nope") as missing:
        assert missing.status == 404
    assert seen[:2] == [200, 206]
