"""aiohttp.web_urldispatcher: registering resources and routes.

Resolution is in test_web_urldispatcher_resolve.py, URL building in
test_web_urldispatcher_url.py, a real server in
test_web_urldispatcher_server.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

import pytest

from aiohttp import hdrs, web_routedef, web_urldispatcher
from aiohttp._web_abc import AbstractMatchInfo, AbstractRouter, AbstractView
from aiohttp.web_app import Application
from aiohttp.web_exceptions import HTTPNotFound
from aiohttp.web_request import Request
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_urldispatcher import (
    AbstractResource,
    AbstractRoute,
    DynamicResource,
    MatchInfoError,
    PlainResource,
    PrefixResource,
    Resource,
    ResourceRoute,
    ResourcesView,
    RoutesView,
    StaticResource,
    SystemRoute,
    UrlDispatcher,
    UrlMappingMatchInfo,
    View,
)


async def handler(request: Request) -> StreamResponse:
    return Response(text="ok")


async def other(request: Request) -> StreamResponse:
    return Response(text="other")


def test_exports() -> None:
    names = set(web_urldispatcher.__all__)
    for name in (
        "UrlDispatcher",
        "UrlMappingMatchInfo",
        "AbstractResource",
        "Resource",
        "PlainResource",
        "DynamicResource",
        "AbstractRoute",
        "ResourceRoute",
        "StaticResource",
        "View",
        "PrefixedSubAppResource",
        "MatchedSubAppResource",
    ):
        assert name in names
        assert hasattr(web_urldispatcher, name)
    # The ABCs aiohttp.abc lends come from here too.
    assert web_urldispatcher.AbstractRouter is AbstractRouter
    assert web_urldispatcher.AbstractMatchInfo is AbstractMatchInfo
    assert web_urldispatcher.AbstractView is AbstractView
    assert issubclass(UrlDispatcher, AbstractRouter)
    assert issubclass(UrlMappingMatchInfo, AbstractMatchInfo)
    assert issubclass(UrlMappingMatchInfo, dict)
    assert issubclass(View, AbstractView)
    assert issubclass(PlainResource, Resource)
    assert issubclass(DynamicResource, Resource)
    assert issubclass(Resource, AbstractResource)
    assert issubclass(StaticResource, PrefixResource)
    assert issubclass(ResourceRoute, AbstractRoute)
    assert issubclass(SystemRoute, AbstractRoute)
    assert issubclass(MatchInfoError, UrlMappingMatchInfo)


# -- add_resource / add_route ---------------------------------------------------------


def test_add_resource_plain_and_dynamic() -> None:
    router = UrlDispatcher()
    plain = router.add_resource("/a/b")
    dynamic = router.add_resource("/a/{name}")
    regex = router.add_resource(r"/n/{num:\d+}")
    assert type(plain) is PlainResource
    assert type(dynamic) is DynamicResource
    assert type(regex) is DynamicResource
    assert plain.canonical == "/a/b"
    assert dynamic.canonical == "/a/{name}"
    assert regex.canonical == "/n/{num}"
    assert plain.get_info() == {"path": "/a/b"}
    info = regex.get_info()
    assert info["formatter"] == "/n/{num}"
    assert isinstance(info["pattern"], re.Pattern)
    assert info["pattern"].fullmatch("/n/42")
    assert not info["pattern"].fullmatch("/n/x")
    assert len(plain) == 0
    assert list(router.resources()) == [plain, dynamic, regex]


def test_add_route_is_add_resource_then_resource_add_route() -> None:
    router = UrlDispatcher()
    route = router.add_route("GET", "/path", handler, name="n")
    assert isinstance(route, ResourceRoute)
    assert route.method == "GET"
    assert route.handler is handler
    assert route.name == "n"
    assert route.resource is router["n"]
    assert list(route.resource) == [route]
    assert route.get_info() == {"path": "/path"}


def test_method_is_case_insensitive() -> None:
    router = UrlDispatcher()
    route = router.add_route("get", "/", handler)
    assert route.method == "GET"
    route = router.add_route("pAtCh", "/p", handler)
    assert route.method == "PATCH"


@pytest.mark.parametrize("method", ["GE T", "GET\r\n", "", "G(ET", "ÄGET"])
def test_invalid_method_refused(method: str) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="is not allowed HTTP method"):
        router.add_route(method, "/", handler)


def test_custom_token_methods_allowed() -> None:
    router = UrlDispatcher()
    assert router.add_route("PROPFIND", "/", handler).method == "PROPFIND"
    assert router.add_route("M-SEARCH", "/x", handler).method == "M-SEARCH"


def test_path_must_start_with_slash() -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="path should be started with /"):
        router.add_resource("a/b")
    with pytest.raises(ValueError, match="path should be started with /"):
        router.add_route("GET", "{x}", handler)


def test_empty_path_allowed_becomes_slash_when_frozen() -> None:
    router = UrlDispatcher()
    resource = router.add_resource("")
    assert isinstance(resource, PlainResource)
    assert resource.canonical == ""
    router.freeze()
    assert resource.canonical == "/"
    assert resource.get_info() == {"path": "/"}


def test_shortcuts_add_their_methods() -> None:
    router = UrlDispatcher()
    assert router.add_post("/post", handler).method == "POST"
    assert router.add_put("/put", handler).method == "PUT"
    assert router.add_patch("/patch", handler).method == "PATCH"
    assert router.add_delete("/delete", handler).method == "DELETE"
    assert router.add_head("/head", handler).method == "HEAD"
    assert router.add_options("/options", handler).method == "OPTIONS"
    assert router.add_route("*", "/any", handler).method == "*"
    methods = [route.method for route in router.routes()]
    assert methods == ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"]


def test_add_get_adds_head_on_the_same_resource() -> None:
    router = UrlDispatcher()
    route = router.add_get("/", handler, name="index")
    assert route.method == "GET"
    resource = router["index"]
    assert sorted(r.method for r in resource) == ["GET", "HEAD"]
    # Both routes carry the resource's name (aiohttp 3.x: no "-head" suffix).
    assert {r.name for r in resource} == {"index"}
    assert len(router.resources()) == 1


def test_add_get_without_head() -> None:
    router = UrlDispatcher()
    router.add_get("/", handler, allow_head=False)
    assert [r.method for r in router.routes()] == ["GET"]


def test_add_get_passes_expect_handler_to_both_routes() -> None:
    async def expect(request: Request) -> None:
        return None

    router = UrlDispatcher()
    router.add_get("/", handler, expect_handler=expect)
    for route in router.routes():
        assert route._expect_handler is expect


def test_consecutive_same_path_shares_a_resource() -> None:
    router = UrlDispatcher()
    router.add_get("/a", handler)
    router.add_post("/a", other)
    router.add_put("/a/{x}", handler)
    router.add_delete("/a/{x}", other)
    assert len(router.resources()) == 2
    first, second = router.resources()
    assert sorted(r.method for r in first) == ["GET", "HEAD", "POST"]
    assert sorted(r.method for r in second) == ["DELETE", "PUT"]


def test_same_path_not_consecutive_or_other_name_is_a_new_resource() -> None:
    router = UrlDispatcher()
    router.add_get("/a", handler)
    router.add_get("/b", handler)
    router.add_post("/a", handler)
    router.add_put("/b", handler, name="b")
    assert [r.canonical for r in router.resources()] == ["/a", "/b", "/a", "/b"]


def test_same_method_twice_refused() -> None:
    router = UrlDispatcher()
    router.add_post("/a", handler)
    with pytest.raises(RuntimeError, match="method POST is already registered"):
        router.add_post("/a", other)
    with pytest.raises(RuntimeError, match="method POST is already registered"):
        router.add_route("post", "/a", other)


def test_any_method_then_a_method_refused() -> None:
    router = UrlDispatcher()
    router.add_route("*", "/a", handler)
    with pytest.raises(RuntimeError, match=r"method \* is already registered"):
        router.add_get("/a", other)


def test_a_method_then_any_method_allowed() -> None:
    router = UrlDispatcher()
    router.add_post("/a", handler)
    router.add_route("*", "/a", other)
    assert sorted(r.method for r in router.resources().__iter__().__next__()) == [
        "*",
        "POST",
    ]


def test_add_routes_returns_the_routes() -> None:
    router = UrlDispatcher()
    routes = router.add_routes(
        [web_routedef.get("/", handler), web_routedef.post("/p", other)]
    )
    assert [r.method for r in routes] == ["GET", "POST"]
    assert [r.method for r in router.routes()] == ["HEAD", "GET", "POST"]


# -- handlers ---------------------------------------------------------------------------


def test_sync_handler_is_wrapped_with_deprecation_warning() -> None:
    def sync_handler(request: Request) -> StreamResponse:
        return Response(text="sync")

    router = UrlDispatcher()
    with pytest.warns(DeprecationWarning, match="Bare functions are deprecated"):
        route = router.add_post("/", sync_handler)  # type: ignore[arg-type]
    assert route.handler is not sync_handler  # type: ignore[comparison-overlap]
    assert route.handler.__name__ == "sync_handler"
    assert route.handler.__wrapped__ is sync_handler  # type: ignore[attr-defined]


async def test_wrapped_sync_handler_is_awaitable() -> None:
    calls: list[object] = []

    def sync_handler(request: Request) -> StreamResponse:
        calls.append(request)
        return Response(text="sync")

    router = UrlDispatcher()
    with pytest.warns(DeprecationWarning, match="Bare functions"):
        route = router.add_post("/", sync_handler)  # type: ignore[arg-type]
    sentinel = object()
    response = await route.handler(sentinel)  # type: ignore[arg-type]
    assert isinstance(response, Response)
    assert response.text == "sync"
    assert calls == [sentinel]


async def test_wrapped_handler_returning_a_coroutine_is_awaited() -> None:
    class Handler:
        async def __call__(self, request: Request) -> StreamResponse:
            return Response(text="callable object")

    router = UrlDispatcher()
    with pytest.warns(DeprecationWarning, match="Bare functions"):
        route = router.add_get("/", Handler(), allow_head=False)
    response = await route.handler(object())  # type: ignore[arg-type]
    assert isinstance(response, Response)
    assert response.text == "callable object"


def test_view_class_is_not_wrapped() -> None:
    class MyView(View):
        async def get(self) -> StreamResponse:
            return Response()

    router = UrlDispatcher()
    route = router.add_view("/view", MyView)
    assert route.method == "*"
    assert route.handler is MyView


def test_bound_coroutine_method_handler() -> None:
    class Handlers:
        async def hello(self, request: Request) -> StreamResponse:
            return Response()

    router = UrlDispatcher()
    handlers = Handlers()
    route = router.add_get("/", handlers.hello)
    assert route.handler == handlers.hello


def test_non_callable_handler_refused() -> None:
    router = UrlDispatcher()
    with pytest.raises(TypeError):
        router.add_get("/", "not a handler")  # type: ignore[arg-type]


def test_expect_handler_must_be_a_coroutine_function() -> None:
    def expect(request: Request) -> None:
        return None

    router = UrlDispatcher()
    with pytest.raises(TypeError, match="Coroutine is expected"):
        router.add_post("/", handler, expect_handler=expect)


# -- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["index", "user_info", "user-info", "api.v1.users", "ns:view", "_x", "é"]
)
def test_valid_names(name: str) -> None:
    router = UrlDispatcher()
    router.add_get("/", handler, name=name)
    assert name in router
    assert router[name].name == name


@pytest.mark.parametrize(
    "name", ["", "1abc", "with space", "a/b", "a..b", "user-", "a.-b", "x!"]
)
def test_invalid_names_refused(name: str) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="Incorrect route name"):
        router.add_get("/", handler, name=name)
    assert len(router.resources()) == 0


@pytest.mark.parametrize("name", ["class", "api.def", "a-import-b", "None"])
def test_keyword_names_refused(name: str) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="python keywords cannot be used"):
        router.add_get("/", handler, name=name)


def test_duplicate_name_refused() -> None:
    router = UrlDispatcher()
    router.add_get("/a", handler, name="same")
    with pytest.raises(ValueError, match="Duplicate 'same', already handled by"):
        router.add_get("/b", handler, name="same")
    assert [r.canonical for r in router.resources()] == ["/a"]
    with pytest.raises(ValueError, match="Duplicate"):
        router.add_static("/static", Path(__file__).parent, name="same")


def test_router_is_a_mapping_of_named_resources() -> None:
    router = UrlDispatcher()
    assert len(router) == 0
    router.add_get("/a", handler, name="a")
    router.add_get("/b", handler)
    router.add_get("/c/{x}", handler, name="c")
    assert len(router) == 2
    assert list(router) == ["a", "c"]
    assert "a" in router
    assert "b" not in router
    assert router["c"].canonical == "/c/{x}"
    with pytest.raises(KeyError):
        router["b"]
    assert dict(router.items()) == {"a": router["a"], "c": router["c"]}


def test_named_resources_is_read_only() -> None:
    router = UrlDispatcher()
    router.add_get("/a", handler, name="a")
    named = router.named_resources()
    assert isinstance(named, MappingProxyType)
    assert dict(named) == {"a": router["a"]}
    with pytest.raises(TypeError):
        named["b"] = router["a"]  # type: ignore[index]


# -- views ------------------------------------------------------------------------------


def test_resources_view() -> None:
    router = UrlDispatcher()
    a = router.add_resource("/a")
    view = router.resources()
    assert isinstance(view, ResourcesView)
    b = router.add_resource("/b/{x}")
    assert len(view) == 2
    assert list(view) == [a, b]
    assert a in view
    assert object() not in view


def test_routes_view() -> None:
    router = UrlDispatcher()
    get = router.add_get("/a", handler)
    post = router.add_post("/b/{x}", handler)
    static = router.add_static("/static", Path(__file__).parent)
    view = router.routes()
    assert isinstance(view, RoutesView)
    routes = list(view)
    assert len(view) == 5  # HEAD and GET, POST, the static resource's GET and HEAD
    assert get in view
    assert post in view
    assert all(route in view for route in static)
    assert routes[1] is get


# -- freezing -----------------------------------------------------------------------------


def test_frozen_router_refuses_registrations() -> None:
    router = UrlDispatcher()
    resource = router.add_get("/a", handler).resource
    before = router.frozen
    router.freeze()
    assert (before, router.frozen) == (False, True)
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_get("/b", handler)
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_post("/a", handler)  # would reuse the last resource
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_resource("/c")
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_static("/static", Path(__file__).parent)
    with pytest.raises(RuntimeError, match="frozen router"):
        router.register_resource(PlainResource("/d"))
    assert isinstance(resource, Resource)
    with pytest.raises(RuntimeError, match="frozen"):
        resource.add_route("PUT", handler)


def test_register_resource_needs_a_resource() -> None:
    router = UrlDispatcher()
    with pytest.raises(TypeError, match="AbstractResource"):
        router.register_resource("/a")  # type: ignore[arg-type]


def test_register_route_needs_a_resource_route() -> None:
    resource = PlainResource("/a")
    with pytest.raises(TypeError, match="Route class is required"):
        resource.register_route(SystemRoute(HTTPNotFound()))  # type: ignore[arg-type]


# -- dynamic paths ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/{x",
        "/x}",
        "/a/{x}}",
        "/a/{{x}",
        "/{1x}",
        "/{x-y}",
        "/{x:}",
        "/{}",
        "/a{",
    ],
)
def test_bad_braces_refused(path: str) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="Invalid path"):
        router.add_get(path, handler)
    assert len(router.resources()) == 0


@pytest.mark.parametrize(
    "path", [r"/{x:[}", r"/{x:(}", r"/{x:a**}", "/{x}/{x}", r"/{x:(?P<x>a)}"]
)
def test_bad_regex_refused_at_registration(path: str) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="Bad pattern"):
        router.add_get(path, handler)
    assert len(router.resources()) == 0


def test_regex_with_nested_braces() -> None:
    router = UrlDispatcher()
    resource = router.add_resource(r"/{year:\d{4}}/{slug}")
    assert resource.canonical == "/{year}/{slug}"
    pattern = resource.get_info()["pattern"]
    assert pattern.fullmatch("/2024/hello")
    assert not pattern.fullmatch("/24/hello")


def test_variable_after_fixed_text_in_a_segment() -> None:
    router = UrlDispatcher()
    resource = router.add_resource("/files/{name}.{ext}")
    assert resource.canonical == "/files/{name}.{ext}"
    resource = router.add_resource("/v{version:\\d+}/items")
    assert resource.canonical == "/v{version}/items"


# -- routes and resources themselves ------------------------------------------------------


def test_route_url_for_is_the_resource_url_for() -> None:
    router = UrlDispatcher()
    route = router.add_get("/users/{id}", handler)
    assert str(route.url_for(id="7")) == "/users/7"


def test_system_route() -> None:
    route = SystemRoute(HTTPNotFound())
    assert route.method == "*"
    assert route.name is None
    assert route.resource is None
    assert route.status == 404
    assert route.reason == "Not Found"
    assert isinstance(route.get_info()["http_exception"], HTTPNotFound)
    assert repr(route) == "<SystemRoute 404: Not Found>"
    with pytest.raises(RuntimeError, match="not allowed for SystemRoute"):
        route.url_for()


async def test_system_route_handler_raises() -> None:
    exc = HTTPNotFound()
    route = SystemRoute(exc)
    with pytest.raises(HTTPNotFound) as info:
        await route.handler(object())  # type: ignore[arg-type]
    assert info.value is exc


def test_reprs() -> None:
    router = UrlDispatcher()
    plain = router.add_get("/a", handler, name="a").resource
    dynamic = router.add_get("/b/{x}", handler).resource
    assert repr(plain) == "<PlainResource 'a' /a>"
    assert repr(dynamic) == "<DynamicResource /b/{x}>"
    route = next(iter(dynamic))  # type: ignore[arg-type]
    assert repr(route).startswith("<ResourceRoute [HEAD] <DynamicResource /b/{x}> -> ")
    static = router.add_static("/s/", Path(__file__).parent, name="s")
    assert repr(static) == f"<StaticResource 's' /s -> {Path(__file__).parent!r}>"


def test_resource_len_and_iter() -> None:
    router = UrlDispatcher()
    router.add_get("/a", handler)
    router.add_post("/a", handler)
    (resource,) = router.resources()
    assert len(resource) == 3
    assert {route.method for route in resource} == {"GET", "HEAD", "POST"}


def test_raw_match() -> None:
    plain = PlainResource("/a")
    assert plain.raw_match("/a")
    assert not plain.raw_match("/b")
    dynamic = DynamicResource("/a/{x:\\d+}")
    assert dynamic.raw_match("/a/{x:\\d+}")
    assert not dynamic.raw_match("/a/{x}")


def test_add_prefix() -> None:
    plain = PlainResource("/a")
    plain.add_prefix("/pre")
    assert plain.canonical == "/pre/a"
    dynamic = DynamicResource("/b/{x}")
    dynamic.add_prefix("/pre")
    assert dynamic.canonical == "/pre/b/{x}"
    assert dynamic.get_info()["pattern"].fullmatch("/pre/b/1")
    assert str(dynamic.url_for(x="1")) == "/pre/b/1"
    root = PlainResource("")
    root.add_prefix("/pre")
    assert root.canonical == "/pre"
    for bad in ("pre", "/pre/", "/"):
        with pytest.raises(ValueError, match="prefix"):
            plain.add_prefix(bad)


def test_view_abstract_methods() -> None:
    with pytest.raises(TypeError):
        AbstractView(object())  # type: ignore[abstract, arg-type]
    assert hdrs.METH_ANY == "*"


# -- the router ABCs --------------------------------------------------------------------------


async def test_a_router_of_ones_own() -> None:
    class OneHandler(AbstractRouter):
        async def resolve(self, request: Request) -> AbstractMatchInfo:
            route = PlainResource("/").add_route("GET", handler)
            return UrlMappingMatchInfo({}, route)

    router = OneHandler()
    before = router.frozen
    router.post_init(Application())
    router.freeze()
    assert (before, router.frozen) == (False, True)
    match_info = await router.resolve(object())  # type: ignore[arg-type]
    assert match_info.handler is handler
    assert match_info.http_exception is None


def test_router_abcs_are_abstract() -> None:
    with pytest.raises(TypeError):
        AbstractRouter()  # type: ignore[abstract]
    with pytest.raises(TypeError):
        AbstractMatchInfo()  # type: ignore[abstract]
    abstract = AbstractMatchInfo.__abstractmethods__
    assert abstract == {
        "handler",
        "expect_handler",
        "http_exception",
        "get_info",
        "apps",
        "add_app",
        "freeze",
    }
