"""Static directories: ``serve_static`` behind ``aiohttp_raw_server``.

The handler maps ``/static/<rest>`` to ``serve_static`` the way
``StaticResource`` does (``rel_url.path_safe``, then only ``%2F`` and
``%25`` decoded), or, for the second layer of defence, with the path fully
decoded (``request.path``). A secret file sits next to the root: no request
may ever show its content, and every refused path must look exactly like a
missing file. Traversal targets go out as raw bytes (a client would
normalize them); the rest through ``aiohttp_client``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web_file_harness import build_request, send_raw
from web_raw_client import RawResponse

from aiohttp._web_static import serve_static
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_exceptions import HTTPNotFound
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

SECRET = b"TOP-SECRET-CONTENT"
ELSEWHERE = b"content outside the root"

# The client sends what a test gives and no more (no Accept-Encoding of its
# own), and hands bodies over as they came (no decompression).
AS_SENT: dict[str, Any] = {
    "skip_auto_headers": ["Accept-Encoding"],
    "auto_decompress": False,
}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")


@dataclass
class Tree:
    root: Path
    secret: Path
    elsewhere: Path


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """A static root with links in every direction, and a secret beside it."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    root = tmp_path / "root"
    root.mkdir()
    (root / "f.txt").write_bytes(b"public file")
    (root / "sub").mkdir()
    (root / "sub" / "inner.txt").write_bytes(b"inner file")
    (root / "g.txt").write_bytes(b"public g")
    (root / "g.txt.gz").symlink_to(secret)  # a sibling leading out
    (root / "link-out").symlink_to(secret)
    (root / "link-in").symlink_to(root / "f.txt")
    (root / "loop").symlink_to(root / "loop")
    # Shares the root's name as a string prefix: "root" vs "root-evil".
    evil = tmp_path / "root-evil"
    evil.mkdir()
    (evil / "secret.txt").write_bytes(SECRET)
    (root / "evil-link").symlink_to(evil / "secret.txt")
    (root / "dir-out").symlink_to(evil)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(ELSEWHERE)
    (root / "link-elsewhere").symlink_to(elsewhere)
    return Tree(root, secret, elsewhere)


Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]


def static_handler(
    root: Path,
    *,
    show_index: bool = False,
    follow_symlinks: bool = False,
    router_decoding: bool = True,
) -> Handler:
    prefix = "/static"

    async def handler(request: BaseRequest) -> StreamResponse:
        path = request.rel_url.path_safe if router_decoding else request.path
        if not path.startswith(prefix + "/"):
            raise HTTPNotFound()
        rel_path = path[len(prefix) + 1 :]
        if router_decoding:
            rel_path = rel_path.replace("%2F", "/").replace("%25", "%")
        return await serve_static(
            request,
            root,
            rel_path,
            show_index=show_index,
            follow_symlinks=follow_symlinks,
            chunk_size=256 * 1024,
            prefix=prefix,
        )

    return handler


async def get_raw(port: int | None, target: str) -> RawResponse:
    """GET ``target`` exactly as given, on a raw socket."""
    return await send_raw(port, build_request(target))


TRAVERSALS = [
    "/static/../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/secret.txt",
    "/static/.%2e/secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%2Fsecret.txt",
    "/static/sub/..%2f..%2fsecret.txt",
    "/static/sub/../../secret.txt",
    "/static/%252e%252e/secret.txt",
    "/static/%252e%252e%252fsecret.txt",
    "/static/..%252fsecret.txt",
    "/static/..\\secret.txt",
    "/static/%5c..%5csecret.txt",
    "/static/..%5csecret.txt",
    "/static/%2e%2e%5csecret.txt",
    "/static/%00",
    "/static/f.txt%00",
    "/static/f.txt%00.png",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/%2Fetc/passwd",
    "/static/" + "%2e%2e/" * 8 + "etc/passwd",
    "/static/link-out",
    "/static/evil-link",
    "/static/dir-out/secret.txt",
    "/static/loop",
    "/static/loop/x",
]


@pytest.mark.parametrize("router_decoding", [True, False])
@pytest.mark.parametrize("show_index", [False, True])
async def test_nothing_outside_the_root_is_served(
    aiohttp_raw_server: AiohttpRawServer,
    tree: Tree,
    router_decoding: bool,
    show_index: bool,
) -> None:
    handler = static_handler(
        tree.root, show_index=show_index, router_decoding=router_decoding
    )
    server = await aiohttp_raw_server(handler)
    missing = await get_raw(server.port, "/static/no-such-file")
    for target in TRAVERSALS:
        response = await get_raw(server.port, target)
        assert SECRET not in response.body, target
        assert b"root:" not in response.body, target
        assert response.status in (400, 404), (target, response.status)
        if response.status == 404:
            # A refusal looks exactly like a missing file.
            assert response.body == missing.body, target
    assert missing.status == 404


@pytest.mark.parametrize("router_decoding", [True, False])
async def test_follow_symlinks_still_keeps_paths_inside(
    aiohttp_raw_server: AiohttpRawServer, tree: Tree, router_decoding: bool
) -> None:
    handler = static_handler(
        tree.root, follow_symlinks=True, router_decoding=router_decoding
    )
    lexical = [t for t in TRAVERSALS if "link" not in t and "dir-out" not in t]
    server = await aiohttp_raw_server(handler)
    for target in lexical:
        response = await get_raw(server.port, target)
        assert SECRET not in response.body, target
        assert response.status in (400, 404), (target, response.status)


async def test_follow_symlinks_follows_links_out_of_the_root(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    # The option's documented meaning (aiohttp): links may point anywhere.
    handler = static_handler(tree.root, follow_symlinks=True)
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/static/link-elsewhere")
    assert (response.status, await response.read()) == (200, ELSEWHERE)


async def test_a_link_out_of_the_root_is_404_by_default(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
    )
    response = await client.get("/static/link-elsewhere")
    assert response.status == 404


@pytest.mark.parametrize("follow_symlinks", [False, True])
async def test_a_link_inside_the_root_is_served(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tree: Tree,
    follow_symlinks: bool,
) -> None:
    handler = static_handler(tree.root, follow_symlinks=follow_symlinks)
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/static/link-in")
    assert (response.status, await response.read()) == (200, b"public file")


@pytest.mark.parametrize("follow_symlinks", [False, True])
async def test_a_symlinked_precompressed_sibling_is_not_served(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tree: Tree,
    follow_symlinks: bool,
) -> None:
    handler = static_handler(tree.root, follow_symlinks=follow_symlinks)
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get(
        "/static/g.txt", headers=[("Accept-Encoding", "gzip, br")]
    )
    assert SECRET not in await response.read()
    assert (response.status, await response.read()) == (200, b"public g")
    assert response.headers.get("Content-Encoding") is None


async def test_files_are_served(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
    )
    top = await client.get("/static/f.txt")
    inner = await client.get("/static/sub/inner.txt")
    encoded = await client.get("/static/sub%2Finner.txt")
    # Raw socket: a client would drop the dot segments before sending.
    dotted = await get_raw(client.port, "/static/./sub/./inner.txt")
    doubled = await client.get("/static/sub//inner.txt")
    head = await client.head("/static/f.txt")
    ranged = await client.get("/static/f.txt", headers=[("Range", "bytes=0-5")])
    assert (top.status, await top.read()) == (200, b"public file")
    assert top.headers.get("Content-Type") == "text/plain"
    assert top.headers.get("ETag") is not None
    for response in (inner, encoded, doubled):
        assert (response.status, await response.read()) == (200, b"inner file")
    assert (dotted.status, dotted.body) == (200, b"inner file")
    assert head.status == 200
    assert head.headers.get("Content-Length") == str(len(b"public file"))
    assert (ranged.status, await ranged.read()) == (206, b"public")


async def test_names_with_special_characters(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    (tree.root / "a b%20c.txt").write_bytes(b"spaces and percent")
    (tree.root / "ünï.txt").write_bytes(b"unicode")
    (tree.root / "q?#.txt").write_bytes(b"query and fragment")
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
    )
    spaces = await client.get("/static/a%20b%2520c.txt")
    unicode = await client.get("/static/%C3%BCn%C3%AF.txt")
    marks = await client.get("/static/q%3F%23.txt")
    assert await spaces.read() == b"spaces and percent"
    assert await unicode.read() == b"unicode"
    assert await marks.read() == b"query and fragment"


async def test_missing_and_through_a_file_are_404(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
    )
    missing = await client.get("/static/nope.txt")
    below_file = await client.get("/static/f.txt/x")
    missing_dir = await client.get("/static/nodir/x.txt")
    for response in (missing, below_file, missing_dir):
        assert response.status == 404
        assert await response.read() == await missing.read()


@pytest.mark.parametrize("target", ["/static/", "/static/sub", "/static/sub/"])
async def test_a_directory_without_index_is_403(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tree: Tree,
    target: str,
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
    )
    response = await client.get(target)
    assert response.status == 403


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_a_fifo_is_403(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    os.mkfifo(tree.root / "pipe")
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
    )
    response = await client.get("/static/pipe")
    assert response.status == 403


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads anything")
async def test_an_unreadable_file_is_403(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    path = tree.root / "f.txt"
    path.chmod(0)
    try:
        client = await aiohttp_client(
            await aiohttp_raw_server(static_handler(tree.root)), **AS_SENT
        )
        response = await client.get("/static/f.txt")
    finally:
        path.chmod(0o644)
    assert response.status == 403


# --- show_index ------------------------------------------------------------------------


async def test_index_lists_the_directory(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root, show_index=True)), **AS_SENT
    )
    root = await client.get("/static/")
    sub = await client.get("/static/sub")
    head = await client.head("/static/sub/")
    assert root.status == 200
    assert root.headers.get("Content-Type") == "text/html; charset=utf-8"
    text = await root.text()
    assert "<title>Index of /</title>" in text
    assert "<h1>Index of /</h1>" in text
    assert '<li><a href="/static/sub">sub/</a></li>' in text
    assert '<li><a href="/static/f.txt">f.txt</a></li>' in text
    # Sorted by name; directories marked with a trailing slash.
    names = [
        line.split(">")[2].split("<")[0] for line in text.splitlines() if "<li>" in line
    ]
    assert names == sorted(names, key=lambda name: name.rstrip("/"))
    sub_text = await sub.text()
    assert "<title>Index of /sub</title>" in sub_text
    assert '<li><a href="/static/sub/inner.txt">inner.txt</a></li>' in sub_text
    assert head.status == 200
    assert head.headers.get("Content-Type") == "text/html; charset=utf-8"


async def test_index_escapes_names_and_quotes_links(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    for name in ("<script>alert(1)<", 'q"uote', "a&b", "sp ace", "per%cent", "ü"):
        (root / name).write_bytes(b"x")
    (root / "<b>dir").mkdir()
    (root / "<b>dir" / "<i>.txt").write_bytes(b"x")
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(root, show_index=True)), **AS_SENT
    )
    top = await client.get("/static/")
    inner = await client.get("/static/%3Cb%3Edir/")
    linked = await client.get("/static/sp%20ace")
    text = await top.text()
    assert "<script>" not in text
    assert "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;" in text
    assert 'href="/static/%3Cscript%3Ealert%281%29%3C"' in text
    assert "q&quot;uote" in text
    assert 'href="/static/q%22uote"' in text
    assert ">a&amp;b<" in text
    assert 'href="/static/a%26b"' in text
    assert 'href="/static/sp%20ace"' in text
    assert 'href="/static/per%25cent"' in text
    assert 'href="/static/%C3%BC"' in text
    assert '<a href="/static/%3Cb%3Edir">&lt;b&gt;dir/</a>' in text
    inner_text = await inner.text()
    assert "<title>Index of /&lt;b&gt;dir</title>" in inner_text
    assert 'href="/static/%3Cb%3Edir/%3Ci%3E.txt"' in inner_text
    assert "<i>" not in inner_text
    assert linked.status == 200


async def test_index_links_lead_to_the_files(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root, show_index=True)), **AS_SENT
    )
    index = await client.get("/static/sub/")
    text = await index.text()
    href = text.split('href="')[1].split('"')[0]
    response = await client.get(href)
    assert (response.status, await response.read()) == (200, b"inner file")


async def test_index_of_a_directory_link_out_of_the_root_is_404(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tree: Tree
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(static_handler(tree.root, show_index=True)), **AS_SENT
    )
    response = await client.get("/static/dir-out/")
    assert response.status == 404
    assert SECRET not in await response.read()
