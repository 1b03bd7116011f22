"""UrlDispatcher.resolve() over real requests: which route answers, 404, 405."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_routing_harness import requests, resolve

from aiohttp.web_app import Application
from aiohttp.web_exceptions import (
    HTTPExpectationFailed,
    HTTPMethodNotAllowed,
    HTTPNotFound,
)
from aiohttp.web_request import Request
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_urldispatcher import (
    AbstractResource,
    Domain,
    DynamicResource,
    MaskDomain,
    MatchedSubAppResource,
    MatchInfoError,
    PlainResource,
    PrefixedSubAppResource,
    Resource,
    UrlDispatcher,
    UrlMappingMatchInfo,
)


def named(name: str):  # type: ignore[no-untyped-def]
    """A distinct handler per name, so tests can tell which route matched."""

    async def handler(request: Request) -> StreamResponse:
        return Response(text=name)

    handler.__name__ = name
    return handler


def handler_name(match_info: UrlMappingMatchInfo) -> str:
    return match_info.handler.__name__


# -- plain and dynamic ------------------------------------------------------------------


async def test_plain_match() -> None:
    router = UrlDispatcher()
    route = router.add_get("/a/b", named("ab"))
    match_info = await resolve(router, "/a/b")
    assert type(match_info) is UrlMappingMatchInfo
    assert match_info.route is route
    assert match_info.handler is route.handler
    assert match_info.http_exception is None
    assert dict(match_info) == {}
    assert match_info.get_info() == {"path": "/a/b"}


async def test_query_and_fragment_are_ignored() -> None:
    router = UrlDispatcher()
    router.add_get("/a", named("a"))
    assert handler_name(await resolve(router, "/a?x=1&y=/z")) == "a"


async def test_dynamic_match_gives_variables() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{user}/posts/{post}", named("post"))
    match_info = await resolve(router, "/users/john/posts/42")
    assert handler_name(match_info) == "post"
    assert dict(match_info) == {"user": "john", "post": "42"}
    assert match_info["user"] == "john"


async def test_variable_matches_one_segment_only() -> None:
    router = UrlDispatcher()
    router.add_get("/a/{name}", named("one"))
    assert isinstance(await resolve(router, "/a/b/c"), MatchInfoError)
    assert isinstance(await resolve(router, "/a/"), MatchInfoError)


async def test_regex_variable() -> None:
    router = UrlDispatcher()
    router.add_get(r"/n/{num:\d+}", named("num"))
    router.add_get("/n/{word}", named("word"))
    assert dict(await resolve(router, "/n/123")) == {"num": "123"}
    match_info = await resolve(router, "/n/abc")
    assert handler_name(match_info) == "word"


async def test_tail_variable_catches_a_subtree() -> None:
    router = UrlDispatcher()
    router.add_route("*", "/path/to/{tail:.+}", named("sink"))
    match_info = await resolve(router, "/path/to/a/b/c", "DELETE")
    assert dict(match_info) == {"tail": "a/b/c"}
    assert isinstance(await resolve(router, "/path/to/"), MatchInfoError)


async def test_variable_inside_a_segment() -> None:
    router = UrlDispatcher()
    router.add_get("/files/{name}.{ext}", named("file"))
    router.add_get("/core/locations{tail:.*}", named("locations"))
    assert dict(await resolve(router, "/files/report.pdf")) == {
        "name": "report",
        "ext": "pdf",
    }
    assert dict(await resolve(router, "/core/locations/x/y")) == {"tail": "/x/y"}
    assert dict(await resolve(router, "/core/locations")) == {"tail": ""}


async def test_percent_decoded_values() -> None:
    router = UrlDispatcher()
    router.add_get("/u/{name}", named("u"))
    match_info = await resolve(router, "/u/J%C3%BCrgen%20M")
    assert match_info["name"] == "Jürgen M"
    # An encoded slash is part of the segment, and decoded in the value.
    match_info = await resolve(router, "/u/a%2Fb")
    assert match_info["name"] == "a/b"
    match_info = await resolve(router, "/u/100%25")
    assert match_info["name"] == "100%"


async def test_plain_path_matches_its_decoded_form() -> None:
    router = UrlDispatcher()
    router.add_get("/caf\u00e9", named("cafe"))
    router.add_get("/hello world", named("space"))
    assert handler_name(await resolve(router, "/caf%C3%A9")) == "cafe"
    assert handler_name(await resolve(router, "/hello%20world")) == "space"
    # An encoded slash is not a separator: no match for /a/b's resource.
    router.add_get("/a/b", named("ab"))
    assert isinstance(await resolve(router, "/a%2Fb"), MatchInfoError)


async def test_percent_encoded_registration_matches_the_same_paths() -> None:
    router = UrlDispatcher()
    router.add_get("/caf%C3%A9/{x}", named("cafe"))
    router.add_get("/hello%20world", named("space"))
    assert dict(await resolve(router, "/caf%C3%A9/1")) == {"x": "1"}
    assert handler_name(await resolve(router, "/hello%20world")) == "space"


async def test_trailing_slash_is_significant() -> None:
    router = UrlDispatcher()
    router.add_get("/a", named("no-slash"))
    router.add_get("/b/", named("slash"))
    assert handler_name(await resolve(router, "/a")) == "no-slash"
    assert handler_name(await resolve(router, "/b/")) == "slash"
    # No implicit redirect or fallback: that is normalize_path_middleware's job.
    miss = await resolve(router, "/a/")
    assert isinstance(miss.http_exception, HTTPNotFound)
    miss = await resolve(router, "/b")
    assert isinstance(miss.http_exception, HTTPNotFound)


async def test_root() -> None:
    router = UrlDispatcher()
    router.add_get("/", named("root"))
    assert handler_name(await resolve(router, "/")) == "root"
    assert isinstance(await resolve(router, "/x"), MatchInfoError)


# -- methods, 404 and 405 -------------------------------------------------------------------


async def test_not_found() -> None:
    router = UrlDispatcher()
    router.add_get("/a", named("a"))
    match_info = await resolve(router, "/b")
    assert isinstance(match_info, MatchInfoError)
    assert isinstance(match_info.http_exception, HTTPNotFound)
    assert match_info.route.status == 404  # type: ignore[attr-defined]
    assert dict(match_info) == {}
    assert repr(match_info) == "<MatchInfoError 404: Not Found>"
    with pytest.raises(HTTPNotFound):
        await match_info.handler(object())  # type: ignore[arg-type]


async def test_empty_router_is_404() -> None:
    match_info = await resolve(UrlDispatcher(), "/")
    assert isinstance(match_info.http_exception, HTTPNotFound)


async def test_method_not_allowed_lists_allowed_methods_sorted() -> None:
    router = UrlDispatcher()
    router.add_post("/a", named("post"))
    router.add_put("/a", named("put"))
    router.add_get("/a", named("get"))
    match_info = await resolve(router, "/a", "DELETE")
    exc = match_info.http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.method == "DELETE"
    assert exc.allowed_methods == {"GET", "HEAD", "POST", "PUT"}
    assert exc.headers["Allow"] == "GET,HEAD,POST,PUT"
    with pytest.raises(HTTPMethodNotAllowed):
        await match_info.handler(object())  # type: ignore[arg-type]


async def test_405_collects_methods_of_every_resource_with_the_path() -> None:
    router = UrlDispatcher()
    router.add_get("/a/{x}", named("get"))
    router.add_post("/a/b", named("post"))
    router.add_put("/a/{y:b}", named("put"))
    exc = (await resolve(router, "/a/b", "PATCH")).http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.allowed_methods == {"GET", "HEAD", "POST", "PUT"}


async def test_405_does_not_change_the_resources_allowed_methods() -> None:
    router = UrlDispatcher()
    first = router.add_get("/a/{x}", named("get")).resource
    router.add_post("/a/b", named("post"))
    assert isinstance(first, Resource)
    await resolve(router, "/a/b", "PATCH")
    _, allowed = first._resolve_path("PATCH", "/a/b")
    assert allowed == {"GET", "HEAD"}


async def test_head_served_by_add_get() -> None:
    router = UrlDispatcher()
    router.add_get("/", named("get"))
    router.add_get("/nohead", named("nohead"), allow_head=False)
    match_info = await resolve(router, "/", "HEAD")
    assert handler_name(match_info) == "get"
    assert match_info.route.method == "HEAD"
    exc = (await resolve(router, "/nohead", "HEAD")).http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.headers["Allow"] == "GET"


async def test_any_method_route() -> None:
    router = UrlDispatcher()
    router.add_get("/a", named("get"))
    router.add_route("*", "/a", named("any"))
    assert handler_name(await resolve(router, "/a")) == "get"
    assert handler_name(await resolve(router, "/a", "PURGE")) == "any"
    assert handler_name(await resolve(router, "/a", "HEAD")) == "get"


async def test_custom_method() -> None:
    router = UrlDispatcher()
    router.add_route("PROPFIND", "/dav", named("dav"))
    assert handler_name(await resolve(router, "/dav", "PROPFIND")) == "dav"


async def test_method_is_matched_case_sensitively_as_sent() -> None:
    router = UrlDispatcher()
    router.add_route("get", "/a", named("get"))
    assert handler_name(await resolve(router, "/a", "GET")) == "get"


# -- which resource wins -------------------------------------------------------------------


async def test_first_registered_wins_among_equal_candidates() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}", named("first"))
    router.add_get("/users/{id:\\d+}", named("second"))
    assert handler_name(await resolve(router, "/users/42")) == "first"


async def test_later_resource_used_when_the_first_does_not_match() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{id:\\d+}", named("numeric"))
    router.add_get("/users/{name}", named("name"))
    assert handler_name(await resolve(router, "/users/42")) == "numeric"
    assert handler_name(await resolve(router, "/users/bob")) == "name"


async def test_first_resource_with_the_method_wins() -> None:
    router = UrlDispatcher()
    router.add_post("/a/{x}", named("post"))
    router.add_get("/a/{y}", named("get"))
    assert handler_name(await resolve(router, "/a/1", "GET")) == "get"
    assert handler_name(await resolve(router, "/a/1", "POST")) == "post"


async def test_deeper_literal_path_wins_over_earlier_variables() -> None:
    # aiohttp 3.10+: the most explicit candidate is tried first.
    router = UrlDispatcher()
    router.add_get("/{tail:.*}", named("catch-all"))
    router.add_get("/users/{id}", named("user"))
    router.add_get("/users/me", named("me"))
    assert handler_name(await resolve(router, "/users/me")) == "me"
    assert handler_name(await resolve(router, "/users/7")) == "user"
    assert handler_name(await resolve(router, "/other/x")) == "catch-all"


async def test_dynamic_resource_keyed_at_its_literal_prefix() -> None:
    router = UrlDispatcher()
    router.add_get("/api/v{n:\\d+}/items", named("versioned"))
    router.add_get("/api/{rest:.*}", named("rest"))
    assert handler_name(await resolve(router, "/api/v2/items")) == "versioned"
    assert handler_name(await resolve(router, "/api/v2/other")) == "rest"


async def test_many_routes_resolve_correctly() -> None:
    router = UrlDispatcher()
    for i in range(500):
        router.add_get(f"/plain/p{i}/leaf", named(f"plain{i}"))
        router.add_get(f"/dyn{i}/{{id}}/{{slug:[a-z]+}}", named(f"dyn{i}"))
    router.add_get("/{any}/tail/{x}", named("fallback"))
    router.freeze()
    async with requests() as reqs:
        for i in (0, 1, 249, 498, 499):
            match_info = await router.resolve(reqs.make(f"/plain/p{i}/leaf"))
            assert handler_name(match_info) == f"plain{i}"
            match_info = await router.resolve(reqs.make(f"/dyn{i}/{i * 7}/abc"))
            assert handler_name(match_info) == f"dyn{i}"
            assert dict(match_info) == {"id": str(i * 7), "slug": "abc"}
        for i in range(500):
            match_info = await router.resolve(reqs.make(f"/plain/p{i}/leaf"))
            assert handler_name(match_info) == f"plain{i}"
            match_info = await router.resolve(reqs.make(f"/dyn{i}/x/y"))
            assert handler_name(match_info) == f"dyn{i}"
        match_info = await router.resolve(reqs.make("/dyn7/x/9"))
        assert isinstance(match_info.http_exception, HTTPNotFound)
        match_info = await router.resolve(reqs.make("/plain/p500/leaf"))
        assert isinstance(match_info.http_exception, HTTPNotFound)
        match_info = await router.resolve(reqs.make("/plain/p3/leaf", "POST"))
        assert isinstance(match_info.http_exception, HTTPMethodNotAllowed)
        match_info = await router.resolve(reqs.make("/q/tail/1"))
        assert handler_name(match_info) == "fallback"


async def test_resolution_does_not_try_unrelated_resources() -> None:
    tried: list[str] = []

    class Spy(PlainResource):
        async def resolve(self, request: Request):  # type: ignore[no-untyped-def]
            tried.append(self.canonical)
            return await super().resolve(request)

    router = UrlDispatcher()
    for i in range(50):
        resource = Spy(f"/r{i}")
        resource.add_route("GET", named(f"r{i}"))
        router.register_resource(resource)
    match_info = await resolve(router, "/r42")
    assert handler_name(match_info) == "r42"
    assert tried == ["/r42"]


async def test_custom_resource_with_async_resolve() -> None:
    class Everything(AbstractResource):
        """Matches every path (a user's own resource class)."""

        @property
        def canonical(self) -> str:
            return "/"

        def url_for(self, **kwargs: str):  # type: ignore[no-untyped-def]
            raise NotImplementedError

        async def resolve(self, request: Request):  # type: ignore[no-untyped-def]
            resource = PlainResource(request.path)
            route = resource.add_route("GET", named("everything"))
            return UrlMappingMatchInfo({"path": request.path}, route), {"GET"}

        def add_prefix(self, prefix: str) -> None:
            raise NotImplementedError

        def get_info(self):  # type: ignore[no-untyped-def]
            return {}

        def raw_match(self, path: str) -> bool:
            return False

        def __len__(self) -> int:
            return 1

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter(())

    router = UrlDispatcher()
    router.register_resource(Everything())
    match_info = await resolve(router, "/x/y")
    assert dict(match_info) == {"path": "/x/y"}


async def test_resource_resolve_directly() -> None:
    resource = DynamicResource("/a/{x}")
    resource.add_route("GET", named("a"))
    async with requests() as reqs:
        match_info, allowed = await resource.resolve(reqs.make("/a/1"))
        assert match_info is not None
        assert dict(match_info) == {"x": "1"}
        assert allowed == {"GET"}
        match_info, allowed = await resource.resolve(reqs.make("/a/1", "POST"))
        assert match_info is None
        assert allowed == {"GET"}
        match_info, allowed = await resource.resolve(reqs.make("/b"))
        assert match_info is None
        assert not allowed


# -- static resources ----------------------------------------------------------------------


async def test_static_resource_matches_its_prefix(tmp_path: Path) -> None:
    router = UrlDispatcher()
    static = router.add_static("/static/", tmp_path, name="static")
    router.add_get("/static-info", named("info"))
    match_info = await resolve(router, "/static/css/site.css")
    assert match_info.route.resource is static
    assert dict(match_info) == {"filename": "css/site.css"}
    assert match_info.route.method == "GET"
    assert (await resolve(router, "/static/a", "HEAD")).route.method == "HEAD"
    assert dict(await resolve(router, "/static/")) == {"filename": ""}
    assert dict(await resolve(router, "/static")) == {"filename": ""}
    assert handler_name(await resolve(router, "/static-info")) == "info"
    assert isinstance(await resolve(router, "/staticx/a"), MatchInfoError)


async def test_static_resource_decodes_the_filename(tmp_path: Path) -> None:
    router = UrlDispatcher()
    router.add_static("/s", tmp_path)
    assert dict(await resolve(router, "/s/a%20b/c%2Fd%25")) == {"filename": "a b/c/d%"}


async def test_static_resource_refuses_paths_leaving_the_prefix(
    tmp_path: Path,
) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tmp_path)
    router.add_get("/secret", named("secret"))
    # The request path is not normalised: "/static/.." is not under the
    # prefix once normalised, so the static resource does not match.
    match_info = await resolve(router, "/static/../secret")
    assert isinstance(match_info.http_exception, HTTPNotFound)
    match_info = await resolve(router, "/static/a/../../secret")
    assert isinstance(match_info.http_exception, HTTPNotFound)
    # Inside the prefix after normalisation: the static resource's, as written.
    match_info = await resolve(router, "/static/a/../b")
    assert dict(match_info) == {"filename": "a/../b"}


async def test_static_resource_methods(tmp_path: Path) -> None:
    router = UrlDispatcher()
    static = router.add_static("/static", tmp_path)
    exc = (await resolve(router, "/static/x", "POST")).http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.headers["Allow"] == "GET,HEAD"
    static.set_options_route(named("options"))
    match_info = await resolve(router, "/static/x", "OPTIONS")
    assert handler_name(match_info) == "options"
    with pytest.raises(RuntimeError, match="OPTIONS route was set already"):
        static.set_options_route(named("options"))


async def test_static_at_root_and_more_specific_routes(tmp_path: Path) -> None:
    router = UrlDispatcher()
    router.add_static("/", tmp_path)
    router.add_get("/api/x", named("api"))
    assert handler_name(await resolve(router, "/api/x")) == "api"
    assert dict(await resolve(router, "/index.html")) == {"filename": "index.html"}


# -- sub-applications ----------------------------------------------------------------------


async def test_prefixed_sub_app() -> None:
    parent, child = Application(), Application()
    child.router.add_get("/", named("child-root-slash"))
    child.router.add_get("", named("child-root"))
    child.router.add_get("/users/{id}", named("child-user"), name="user")
    parent.router.add_get("/", named("parent-root"))
    resource = parent.add_subapp("/admin", child)
    assert isinstance(resource, PrefixedSubAppResource)
    # The sub-application's paths now carry the prefix.
    assert child.router["user"].canonical == "/admin/users/{id}"
    assert str(child.router["user"].url_for(id="1")) == "/admin/users/1"
    assert resource.get_info() == {"app": child, "prefix": "/admin"}
    assert len(resource) == 6
    assert {route.method for route in resource} == {"GET", "HEAD"}

    match_info = await resolve(parent.router, "/admin/users/5")
    assert handler_name(match_info) == "child-user"
    assert dict(match_info) == {"id": "5"}
    match_info.add_app(parent)
    assert match_info.apps == (parent, child)
    assert match_info.current_app is child

    assert handler_name(await resolve(parent.router, "/admin")) == "child-root"
    assert handler_name(await resolve(parent.router, "/admin/")) == "child-root-slash"
    assert handler_name(await resolve(parent.router, "/")) == "parent-root"


async def test_sub_app_answers_its_own_404_and_405() -> None:
    parent, child = Application(), Application()
    child.router.add_post("/form", named("form"))
    parent.add_subapp("/sub", child)
    parent.router.add_get("/sub/elsewhere", named("parent"))
    match_info = await resolve(parent.router, "/sub/nothing")
    assert isinstance(match_info.http_exception, HTTPNotFound)
    assert match_info.apps == (child,)
    match_info = await resolve(parent.router, "/sub/form")
    exc = match_info.http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.allowed_methods == {"POST"}
    # A parent's route under the prefix is more explicit: it wins.
    assert handler_name(await resolve(parent.router, "/sub/elsewhere")) == "parent"


async def test_sub_app_prefix_is_segment_aligned() -> None:
    parent, child = Application(), Application()
    child.router.add_get("/x", named("child"))
    parent.add_subapp("/sub/", child)
    parent.router.add_get("/subway/x", named("parent"))
    assert handler_name(await resolve(parent.router, "/subway/x")) == "parent"


async def test_nested_sub_apps() -> None:
    root, middle, leaf = Application(), Application(), Application()
    leaf.router.add_get("/page/{n}", named("leaf"), name="page")
    middle.add_subapp("/b", leaf)
    root.add_subapp("/a", middle)
    assert leaf.router["page"].canonical == "/a/b/page/{n}"
    match_info = await resolve(root.router, "/a/b/page/3")
    assert handler_name(match_info) == "leaf"
    assert match_info.apps == (middle, leaf)
    assert match_info.current_app is leaf


async def test_sub_app_root_has_no_url() -> None:
    resource = PrefixedSubAppResource("/admin", Application())
    with pytest.raises(RuntimeError, match="not supported by sub-application root"):
        resource.url_for()


async def test_domain_sub_app() -> None:
    parent, child = Application(), Application()
    child.router.add_get("/", named("child"))
    parent.router.add_get("/", named("parent"))
    resource = parent.add_domain("example.org", child)
    assert isinstance(resource, MatchedSubAppResource)
    assert resource.canonical == "example.org"
    match_info = await resolve(parent.router, "/", "GET", "Host: example.org")
    assert handler_name(match_info) == "child"
    assert match_info.apps == (child,)
    match_info = await resolve(parent.router, "/", "GET", "Host: EXAMPLE.ORG")
    assert handler_name(match_info) == "child"
    match_info = await resolve(parent.router, "/", "GET", "Host: example.com")
    assert handler_name(match_info) == "parent"
    # For its domain the sub-application answers everything, 404s included.
    match_info = await resolve(parent.router, "/x", "GET", "Host: example.org")
    assert isinstance(match_info.http_exception, HTTPNotFound)
    assert match_info.apps == (child,)


async def test_domain_rule_is_tried_before_paths() -> None:
    parent, child = Application(), Application()
    child.router.add_get("/api/x", named("child"))
    parent.router.add_get("/api/x", named("parent"))
    parent.add_domain("a.test", child)
    assert handler_name(await resolve(parent.router, "/api/x")) == "parent"
    match_info = await resolve(parent.router, "/api/x", "GET", "Host: a.test")
    assert handler_name(match_info) == "child"


async def test_mask_domain_sub_app() -> None:
    parent, child = Application(), Application()
    child.router.add_get("/", named("child"))
    parent.router.add_get("/", named("parent"))
    parent.add_domain("*.example.com", child)
    for host, expected in [
        ("api.example.com", "child"),
        ("a.b.example.com", "child"),
        ("example.com", "parent"),
        ("api.example.com.evil", "parent"),
        ("apiXexample.com", "parent"),
    ]:
        match_info = await resolve(parent.router, "/", "GET", f"Host: {host}")
        assert handler_name(match_info) == expected, host


def test_domain_validation() -> None:
    assert Domain("Example.COM.").canonical == "example.com"
    assert Domain("example.com:80").canonical == "example.com"
    assert Domain("example.com:8080").canonical == "example.com:8080"
    assert Domain("xn--80ak6aa92e.com").canonical == "xn--80ak6aa92e.com"
    assert Domain("example.com").get_info() == {"domain": "example.com"}
    assert Domain("example.com").match_domain("EXAMPLE.com")
    assert not Domain("example.com:8080").match_domain("example.com")
    for bad in ("", ".", "http://example.com", "-a.com", "a-.com", "a_b.com", "*.a"):
        with pytest.raises(ValueError, match=r"Domain|Scheme"):
            Domain(bad)
    with pytest.raises(TypeError, match="Domain must be str"):
        Domain(1)  # type: ignore[arg-type]
    mask = MaskDomain("*.example.com")
    assert mask.canonical == r".*\.example\.com"
    assert mask.match_domain("x.example.com")
    assert not mask.match_domain("example.com")


# -- the match info --------------------------------------------------------------------------


async def test_match_info_apps_stack() -> None:
    router = UrlDispatcher()
    router.add_get("/", named("root"))
    match_info = await resolve(router, "/")
    first, second = Application(), Application()
    before = match_info.apps
    match_info.add_app(first)
    match_info.add_app(second)
    assert (before, match_info.apps) == ((), (second, first))
    assert match_info.current_app is first
    match_info.current_app = second
    assert match_info.current_app is second
    with match_info.set_current_app(first):
        assert match_info.current_app is first
    assert match_info.current_app is second
    match_info.freeze()
    with pytest.raises(RuntimeError, match=r"after \.freeze\(\)"):
        match_info.add_app(Application())


async def test_match_info_repr() -> None:
    router = UrlDispatcher()
    router.add_get("/u/{x}", named("u"))
    match_info = await resolve(router, "/u/1")
    assert repr(match_info).startswith(
        "<MatchInfo {'x': '1'}: <ResourceRoute [GET] <DynamicResource /u/{x}>"
    )


async def test_default_expect_handler_sends_100_continue() -> None:
    router = UrlDispatcher()
    router.add_post("/upload", named("upload"))
    async with requests() as reqs:
        request = reqs.conn.request(
            b"POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
            b"Expect: 100-continue\r\n\r\n",
            cls=Request,
        )
        match_info = await router.resolve(request)
        assert await match_info.expect_handler(request) is None
        assert await reqs.conn.received() == b"HTTP/1.1 100 Continue\r\n\r\n"


async def test_default_expect_handler_refuses_other_expectations() -> None:
    router = UrlDispatcher()
    router.add_post("/upload", named("upload"))
    async with requests() as reqs:
        request = reqs.make("/upload", "POST", "Expect: something-else")
        match_info = await router.resolve(request)
        with pytest.raises(HTTPExpectationFailed) as info:
            await match_info.expect_handler(request)
        assert info.value.text == "Unknown Expect: something-else"
        assert await reqs.conn.nothing_received()


async def test_default_expect_handler_ignores_http10() -> None:
    router = UrlDispatcher()
    router.add_post("/upload", named("upload"))
    async with requests() as reqs:
        request = reqs.conn.request(
            b"POST /upload HTTP/1.0\r\nExpect: 100-continue\r\n"
            b"Content-Length: 3\r\n\r\n",
            cls=Request,
        )
        match_info = await router.resolve(request)
        assert await match_info.expect_handler(request) is None
        assert await reqs.conn.nothing_received()


async def test_custom_expect_handler_response() -> None:
    refusal = Response(status=417, text="no")

    async def expect(request: Request) -> StreamResponse:
        return refusal

    router = UrlDispatcher()
    router.add_post("/upload", named("upload"), expect_handler=expect)
    async with requests() as reqs:
        request = reqs.make("/upload", "POST", "Expect: 100-continue")
        match_info = await router.resolve(request)
        assert await match_info.expect_handler(request) is refusal
