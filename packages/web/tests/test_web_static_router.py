"""Static files end to end through ``router.add_static()``.

The router (``UrlDispatcher``) resolves each request as the application
does and its ``StaticResource`` calls ``serve_static``: the decoding is the
router's own here, not a stand-in. The router is served on
``aiohttp_raw_server`` and asked through ``aiohttp_client``; traversal
targets go out as raw bytes, as a client would normalize them first.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

import pytest
from web_file_harness import build_request, send_raw
from web_raw_client import RawResponse
from web_routing_harness import serve_router

from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_urldispatcher import UrlDispatcher

SECRET = b"TOP-SECRET-CONTENT"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "root"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_bytes(b"body {}")
    (root / "app.js").write_bytes(b"console.log(1)")
    (root / "app.js.gz").symlink_to(tmp_path / "secret.txt")
    (root / "link-out").symlink_to(tmp_path / "secret.txt")
    (root / "<script>x").write_bytes(b"x")
    return root


async def get_raw(port: int | None, target: str) -> RawResponse:
    """GET ``target`` exactly as given, on a raw socket."""
    assert port is not None
    return await send_raw(port, build_request(target))


TRAVERSALS = [
    "/static/../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/..%2fsecret.txt",
    "/static/css/..%2f..%2fsecret.txt",
    "/static/%252e%252e/secret.txt",
    "/static/%252e%252e%252fsecret.txt",
    "/static/..\\secret.txt",
    "/static/%5c..%5csecret.txt",
    "/static/%00",
    "/static/app.js%00",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/link-out",
]


@pytest.mark.parametrize("show_index", [False, True])
async def test_traversals_through_the_router(
    aiohttp_raw_server: AiohttpRawServer, root: Path, show_index: bool
) -> None:
    router = UrlDispatcher()
    router.add_static("/static", root, show_index=show_index)
    server = await serve_router(aiohttp_raw_server, router)
    for target in TRAVERSALS:
        response = await get_raw(server.port, target)
        assert SECRET not in response.body, target
        assert b"root:" not in response.body, target
        assert response.status in (400, 404), (target, response.status)


async def test_files_through_the_router(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, root: Path
) -> None:
    router = UrlDispatcher()
    router.add_static("/static/", root)
    server = await serve_router(aiohttp_raw_server, router)
    # No decompression: a body served from the .gz sibling would show as is.
    client = await aiohttp_client(server, auto_decompress=False)
    async with client.get("/static/css/site.css") as css:
        assert (css.status, await css.read()) == (200, b"body {}")
        assert css.headers["Content-Type"] == "text/css"
    async with client.head("/static/app.js") as head:
        assert head.status == 200
        assert head.headers["Content-Length"] == "14"
    # The .gz sibling is a symlink out of the root: never used.
    async with client.get("/static/app.js", headers={"Accept-Encoding": "gzip"}) as gz:
        assert (gz.status, await gz.read()) == (200, b"console.log(1)")
    async with client.get("/static/app.js", headers={"Range": "bytes=-3"}) as ranged:
        assert (ranged.status, await ranged.read()) == (206, b"(1)")
    async with client.get("/static/css") as directory:
        assert directory.status == 403
    async with client.post("/static/app.js") as post:
        assert post.status == 405


async def test_index_through_the_router(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, root: Path
) -> None:
    router = UrlDispatcher()
    router.add_static("/files", root, show_index=True)
    client = await aiohttp_client(await serve_router(aiohttp_raw_server, router))
    async with client.get("/files/") as top:
        assert top.headers["Content-Type"] == "text/html; charset=utf-8"
        text = await top.text()
    async with client.get("/files") as bare:
        assert await bare.text() == text
    async with client.get("/files/css/") as css:
        assert '<a href="/files/css/site.css">site.css</a>' in await css.text()
    assert '<a href="/files/css">css/</a>' in text
    assert '<a href="/files/app.js">app.js</a>' in text
    assert '<a href="/files/%3Cscript%3Ex">&lt;script&gt;x</a>' in text
    assert "<script>" not in text


async def test_follow_symlinks_through_the_router(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    root: Path,
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside")
    (root / "link-outside").symlink_to(outside)
    router = UrlDispatcher()
    router.add_static("/strict", root)
    router.add_static("/lax", root, follow_symlinks=True)
    client = await aiohttp_client(await serve_router(aiohttp_raw_server, router))
    async with client.get("/strict/link-outside") as strict:
        assert strict.status == 404
    async with client.get("/lax/link-outside") as lax:
        assert (lax.status, await lax.read()) == (200, b"outside")
    lax_traversal = await get_raw(client.port, "/lax/..%2fsecret.txt")
    assert lax_traversal.status == 404
    assert SECRET not in lax_traversal.body


def test_url_for_append_version(root: Path) -> None:
    router = UrlDispatcher()
    static = router.add_static("/static", root, append_version=True)
    digest = hashlib.sha256(b"body {}").digest()
    version = base64.urlsafe_b64encode(digest).decode()
    assert static.url_for(filename="css/site.css").query == {"v": version}
    assert str(static.url_for(filename="css/site.css", append_version=False)) == (
        "/static/css/site.css"
    )
    # Nothing is hashed outside the root, nor for what is not a file.
    assert "v" not in static.url_for(filename="../secret.txt").query
    assert "v" not in static.url_for(filename="link-out").query
    assert "v" not in static.url_for(filename="css").query
    assert "v" not in static.url_for(filename="missing.js").query
