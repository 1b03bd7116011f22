"""Building URLs from resources: url_for() and its quoting."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from web_routing_harness import resolve
from yarl import URL

from aiohttp.web_request import Request
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_urldispatcher import StaticResource, UrlDispatcher


async def handler(request: Request) -> StreamResponse:
    return Response()


def test_plain_url_for() -> None:
    router = UrlDispatcher()
    router.add_resource("/root", name="root")
    url = router["root"].url_for()
    assert isinstance(url, URL)
    assert url == URL("/root")
    assert str(url.with_query({"a": "b", "c": "d"})) == "/root?a=b&c=d"


def test_plain_url_for_quotes_its_path() -> None:
    router = UrlDispatcher()
    router.add_resource("/hello world/caf\u00e9", name="r")
    assert router["r"].url_for().raw_path == "/hello%20world/caf%C3%A9"
    router.add_resource("/already%20encoded", name="enc")
    assert router["enc"].url_for().raw_path == "/already%20encoded"


def test_dynamic_url_for() -> None:
    router = UrlDispatcher()
    router.add_resource("/{user}/info", name="user-info")
    url = router["user-info"].url_for(user="john_doe")
    assert str(url) == "/john_doe/info"
    assert str(url.with_query("a=b")) == "/john_doe/info?a=b"


def test_dynamic_url_for_quotes_values() -> None:
    router = UrlDispatcher()
    router.add_resource("/u/{name}/x", name="u")
    url = router["u"].url_for(name="J\u00fcrgen M?x#y%")
    assert url.raw_path == "/u/J%C3%BCrgen%20M%3Fx%23y%25/x"
    assert url.path == "/u/J\u00fcrgen M?x#y%/x"
    assert url.query_string == ""


def test_slash_in_a_segment_variable_is_quoted() -> None:
    router = UrlDispatcher()
    router.add_resource("/u/{name}", name="u")
    assert router["u"].url_for(name="a/b").raw_path == "/u/a%2Fb"


def test_slash_in_a_regex_variable_is_kept() -> None:
    router = UrlDispatcher()
    router.add_resource("/files/{path:.+}", name="files")
    assert router["files"].url_for(path="a/b c.txt").raw_path == "/files/a/b%20c.txt"


def test_missing_part_raises_and_extra_parts_are_ignored() -> None:
    router = UrlDispatcher()
    router.add_resource("/{a}/{b}", name="r")
    with pytest.raises(KeyError):
        router["r"].url_for(a="1")
    assert str(router["r"].url_for(a="1", b="2", c="3")) == "/1/2"


def test_regex_does_not_validate_url_for_values() -> None:
    router = UrlDispatcher()
    router.add_resource(r"/n/{num:\d+}", name="n")
    # As in aiohttp: url_for fills in, it does not check against the regex.
    assert str(router["n"].url_for(num="abc")) == "/n/abc"


async def test_url_for_round_trips_through_resolve() -> None:
    router = UrlDispatcher()
    router.add_get("/u/{name}/{rest:.+}", handler, name="u")
    values = {"name": "a/b %?#\u00e9", "rest": "c/d e%25"}
    url = router["u"].url_for(**values)
    match_info = await resolve(router, url.raw_path)
    assert dict(match_info) == values


async def test_plain_url_for_round_trips_through_resolve() -> None:
    router = UrlDispatcher()
    router.add_get("/a b/caf\u00e9", handler, name="p")
    url = router["p"].url_for()
    match_info = await resolve(router, url.raw_path)
    assert match_info.http_exception is None


def test_route_url_for() -> None:
    router = UrlDispatcher()
    route = router.add_get("/x/{y}", handler)
    assert str(route.url_for(y="1")) == "/x/1"


# -- static ---------------------------------------------------------------------------------


def test_static_url_for(tmp_path: Path) -> None:
    router = UrlDispatcher()
    static = router.add_static("/static/", tmp_path, name="static")
    assert static.canonical == "/static"
    assert str(static.url_for(filename="dir/file.txt")) == "/static/dir/file.txt"
    assert str(static.url_for(filename="/file.txt")) == "/static/file.txt"
    assert static.url_for(filename="a b%.txt").raw_path == "/static/a%20b%25.txt"
    assert str(static.url_for(filename=Path("x") / "y.css")) == "/static/x/y.css"
    assert str(router["static"].url_for(filename="a")) == "/static/a"


def test_static_url_for_at_root(tmp_path: Path) -> None:
    router = UrlDispatcher()
    static = router.add_static("/", tmp_path)
    assert str(static.url_for(filename="index.html")) == "/index.html"


def _expected_version(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode()


def test_static_append_version(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_bytes(b"console.log(1)")
    router = UrlDispatcher()
    static = router.add_static("/static", tmp_path)
    url = static.url_for(filename="app.js", append_version=True)
    assert url.path == "/static/app.js"
    assert url.query["v"] == _expected_version(b"console.log(1)")
    assert static.url_for(filename="app.js").query_string == ""


def test_static_append_version_by_default(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_bytes(b"x")
    router = UrlDispatcher()
    static = router.add_static("/static", tmp_path, append_version=True)
    assert static.url_for(filename="app.js").query["v"] == _expected_version(b"x")
    url = static.url_for(filename="app.js", append_version=False)
    assert url.query_string == ""


def test_static_append_version_needs_a_file_inside(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "sub").mkdir()
    (tmp_path / "outside.js").write_bytes(b"secret")
    router = UrlDispatcher()
    static = router.add_static("/static", root, append_version=True)
    for filename in ("missing.js", "sub", "../outside.js"):
        url = static.url_for(filename=filename)
        assert url.query_string == "", filename


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_static_append_version_and_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.js").write_bytes(b"linked")
    (root / "link.js").symlink_to(tmp_path / "outside.js")
    router = UrlDispatcher()
    strict = router.add_static("/a", root, append_version=True)
    assert strict.url_for(filename="link.js").query_string == ""
    following = router.add_static("/b", root, append_version=True, follow_symlinks=True)
    version = following.url_for(filename="link.js").query["v"]
    assert version == _expected_version(b"linked")


def test_static_get_info(tmp_path: Path) -> None:
    router = UrlDispatcher()
    static = router.add_static("/static", tmp_path)
    info = static.get_info()
    assert info["directory"] == tmp_path.resolve()
    assert info["prefix"] == "/static"
    assert sorted(info["routes"]) == ["GET", "HEAD"]
    assert all(route.resource is static for route in info["routes"].values())
    assert len(static) == 2


def test_static_directory_checked(tmp_path: Path) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="does not exist"):
        router.add_static("/s", tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is not a directory"):
        router.add_static("/s", tmp_path / "file")
    with pytest.raises(ValueError, match="must start with '/'"):
        router.add_static("s", tmp_path)
    assert len(router.resources()) == 0


def test_static_directory_from_a_string_and_home(tmp_path: Path) -> None:
    resource = StaticResource("/s", str(tmp_path))
    assert resource.get_info()["directory"] == tmp_path.resolve()
    home = StaticResource("/h", "~")
    assert home.get_info()["directory"] == Path("~").expanduser().resolve()


def test_static_prefix_with_sub_app_prefix(tmp_path: Path) -> None:
    static = StaticResource("/static", tmp_path)
    static.add_prefix("/admin")
    assert static.canonical == "/admin/static"
    assert str(static.url_for(filename="a.css")) == "/admin/static/a.css"
