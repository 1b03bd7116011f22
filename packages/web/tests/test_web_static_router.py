"""Static files end to end through ``router.add_static()``.

The router (``UrlDispatcher``) resolves each request as the application
does and its ``StaticResource`` calls ``serve_static``: the decoding is the
router's own here, not a stand-in.
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


async def get(
    port: int, target: str, *headers: tuple[str, str], method: str = "GET"
) -> RawResponse:
    data = build_request(target, method=method, headers=headers)
    return await send_raw(port, data, head_request=method == "HEAD")


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
async def test_traversals_through_the_router(root: Path, show_index: bool) -> None:
    router = UrlDispatcher()
    router.add_static("/static", root, show_index=show_index)
    async with serve_router(router) as port:
        for target in TRAVERSALS:
            response = await get(port, target)
            assert SECRET not in response.body, target
            assert b"root:" not in response.body, target
            assert response.status in (400, 404), (target, response.status)


async def test_files_through_the_router(root: Path) -> None:
    router = UrlDispatcher()
    router.add_static("/static/", root)
    async with serve_router(router) as port:
        css = await get(port, "/static/css/site.css")
        head = await get(port, "/static/app.js", method="HEAD")
        gz = await get(port, "/static/app.js", ("Accept-Encoding", "gzip"))
        ranged = await get(port, "/static/app.js", ("Range", "bytes=-3"))
        directory = await get(port, "/static/css")
        post = await get(port, "/static/app.js", method="POST")
    assert (css.status, css.body) == (200, b"body {}")
    assert css.header("Content-Type") == "text/css"
    assert head.status == 200
    assert head.header("Content-Length") == "14"
    # The .gz sibling is a symlink out of the root: never used.
    assert (gz.status, gz.body) == (200, b"console.log(1)")
    assert (ranged.status, ranged.body) == (206, b"(1)")
    assert directory.status == 403
    assert post.status == 405


async def test_index_through_the_router(root: Path) -> None:
    router = UrlDispatcher()
    router.add_static("/files", root, show_index=True)
    async with serve_router(router) as port:
        top = await get(port, "/files/")
        bare = await get(port, "/files")
        css = await get(port, "/files/css/")
    text = top.body.decode()
    assert top.header("Content-Type") == "text/html; charset=utf-8"
    assert '<a href="/files/css">css/</a>' in text
    assert '<a href="/files/app.js">app.js</a>' in text
    assert '<a href="/files/%3Cscript%3Ex">&lt;script&gt;x</a>' in text
    assert "<script>" not in text
    assert bare.body == top.body
    assert '<a href="/files/css/site.css">site.css</a>' in css.body.decode()


async def test_follow_symlinks_through_the_router(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside")
    (root / "link-outside").symlink_to(outside)
    router = UrlDispatcher()
    router.add_static("/strict", root)
    router.add_static("/lax", root, follow_symlinks=True)
    async with serve_router(router) as port:
        strict = await get(port, "/strict/link-outside")
        lax = await get(port, "/lax/link-outside")
        lax_traversal = await get(port, "/lax/..%2fsecret.txt")
    assert strict.status == 404
    assert (lax.status, lax.body) == (200, b"outside")
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
