"""aiohttp.web_routedef: route definitions, tables and decorators."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from web_routing_harness import resolve

from aiohttp import web_routedef
from aiohttp.web_request import Request
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_routedef import (
    AbstractRouteDef,
    RouteDef,
    RouteTableDef,
    StaticDef,
)
from aiohttp.web_urldispatcher import StaticResource, UrlDispatcher, View


async def handler(request: Request) -> StreamResponse:
    return Response(text="ok")


async def expect(request: Request) -> None:
    return None


class MyView(View):
    async def get(self) -> StreamResponse:
        return Response(text="view")


def test_exports() -> None:
    assert set(web_routedef.__all__) == {
        "AbstractRouteDef",
        "RouteDef",
        "StaticDef",
        "RouteTableDef",
        "head",
        "options",
        "get",
        "post",
        "patch",
        "put",
        "delete",
        "route",
        "view",
        "static",
    }
    assert issubclass(RouteDef, AbstractRouteDef)
    assert issubclass(StaticDef, AbstractRouteDef)
    assert issubclass(RouteTableDef, Sequence)


@pytest.mark.parametrize(
    ("function", "method"),
    [
        (web_routedef.head, "HEAD"),
        (web_routedef.options, "OPTIONS"),
        (web_routedef.post, "POST"),
        (web_routedef.put, "PUT"),
        (web_routedef.patch, "PATCH"),
        (web_routedef.delete, "DELETE"),
    ],
)
def test_method_functions(function: object, method: str) -> None:
    definition = function("/path", handler, name="n")  # type: ignore[operator]
    assert definition == RouteDef(method, "/path", handler, {"name": "n"})
    router = UrlDispatcher()
    (route,) = definition.register(router)
    assert route.method == method
    assert route.name == "n"
    assert route.handler is handler


def test_get_defaults_and_head() -> None:
    definition = web_routedef.get("/", handler)
    assert definition.method == "GET"
    assert definition.path == "/"
    assert definition.handler is handler
    assert definition.kwargs == {"name": None, "allow_head": True}
    router = UrlDispatcher()
    (route,) = definition.register(router)
    assert route.method == "GET"
    assert sorted(r.method for r in router.routes()) == ["GET", "HEAD"]


def test_get_without_head() -> None:
    router = UrlDispatcher()
    router.add_routes([web_routedef.get("/", handler, allow_head=False)])
    assert [r.method for r in router.routes()] == ["GET"]


def test_expect_handler_passed_on() -> None:
    router = UrlDispatcher()
    (route,) = web_routedef.post("/", handler, expect_handler=expect).register(router)
    assert route._expect_handler is expect


def test_route_any_method_and_custom_method() -> None:
    router = UrlDispatcher()
    routes = router.add_routes(
        [
            web_routedef.route("*", "/any", handler),
            web_routedef.route("PROPFIND", "/dav", handler),
            web_routedef.route("get", "/lower", handler),
            web_routedef.route("TRACE", "/trace", handler),
        ]
    )
    assert [r.method for r in routes] == ["*", "PROPFIND", "GET", "TRACE"]
    # As aiohttp: only an upper-case "GET" goes through add_get (and adds HEAD).
    assert len(router.routes()) == 4


def test_view_function() -> None:
    definition = web_routedef.view("/v", MyView, name="v")
    assert definition.method == "*"
    router = UrlDispatcher()
    (route,) = definition.register(router)
    assert route.handler is MyView
    assert route.method == "*"


def test_static_function(tmp_path: Path) -> None:
    definition = web_routedef.static("/static", tmp_path, name="s", show_index=True)
    assert definition == StaticDef(
        "/static", tmp_path, {"name": "s", "show_index": True}
    )
    router = UrlDispatcher()
    routes = definition.register(router)
    resource = router["s"]
    assert isinstance(resource, StaticResource)
    assert resource._show_index is True
    assert sorted(r.method for r in routes) == ["GET", "HEAD"]
    assert all(r.resource is resource for r in routes)


def test_definitions_are_frozen() -> None:
    definition = web_routedef.get("/", handler)
    with pytest.raises(AttributeError):
        definition.path = "/other"  # type: ignore[misc]


def test_reprs(tmp_path: Path) -> None:
    assert repr(web_routedef.get("/", handler)) == (
        "<RouteDef GET / -> 'handler', allow_head=True, name=None>"
    )
    assert repr(web_routedef.post("/p", handler, expect_handler=expect)).startswith(
        "<RouteDef POST /p -> 'handler', expect_handler=<function expect"
    )
    assert repr(web_routedef.static("/s", tmp_path, name="s")) == (
        f"<StaticDef /s -> {tmp_path}, name='s'>"
    )
    table = RouteTableDef()
    assert repr(table) == "<RouteTableDef count=0>"
    table.get("/")(handler)
    assert repr(table) == "<RouteTableDef count=1>"


# -- RouteTableDef ------------------------------------------------------------------------


def test_table_decorators() -> None:
    routes = RouteTableDef()

    @routes.get("/get")
    async def get_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.post("/post", name="post")
    async def post_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.put("/put")
    async def put_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.patch("/patch")
    async def patch_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.delete("/delete")
    async def delete_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.head("/head")
    async def head_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.options("/options")
    async def options_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.route("PROPFIND", "/dav")
    async def dav_handler(request: Request) -> StreamResponse:
        return Response()

    @routes.view("/view")
    class DecoratedView(View):
        async def get(self) -> StreamResponse:
            return Response()

    # The decorators give back what they decorate.
    assert isinstance(get_handler, type(handler))
    assert issubclass(DecoratedView, View)
    assert len(routes) == 9
    assert [d.method for d in routes] == [  # type: ignore[attr-defined]
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
        "PROPFIND",
        "*",
    ]
    assert routes[1] == RouteDef("POST", "/post", post_handler, {"name": "post"})
    assert routes[-1].handler is DecoratedView  # type: ignore[attr-defined]
    assert routes[0] in routes
    assert RouteDef("GET", "/x", handler, {}) not in routes
    assert list(routes[1:3]) == [routes[1], routes[2]]

    router = UrlDispatcher()
    registered = router.add_routes(routes)
    assert len(registered) == 9
    assert "post" in router
    assert len(router.routes()) == 10  # the GET route brought HEAD


def test_table_get_options() -> None:
    routes = RouteTableDef()
    routes.get("/", allow_head=False, name="index")(handler)
    router = UrlDispatcher()
    router.add_routes(routes)
    assert [r.method for r in router.routes()] == ["GET"]
    assert router["index"].name == "index"


def test_table_static(tmp_path: Path) -> None:
    routes = RouteTableDef()
    assert routes.static("/static", tmp_path, append_version=True) is None  # type: ignore[func-returns-value]
    assert routes[0] == StaticDef("/static", tmp_path, {"append_version": True})
    router = UrlDispatcher()
    registered = router.add_routes(routes)
    assert sorted(r.method for r in registered) == ["GET", "HEAD"]


async def test_registered_table_resolves() -> None:
    routes = RouteTableDef()

    @routes.get("/users/{id}")
    async def user(request: Request) -> StreamResponse:
        return Response()

    routes.view("/view")(MyView)
    router = UrlDispatcher()
    router.add_routes(routes)
    match_info = await resolve(router, "/users/5")
    assert match_info.handler is user
    assert dict(match_info) == {"id": "5"}
    match_info = await resolve(router, "/view", "DELETE")
    assert match_info.handler is MyView


def test_custom_route_def() -> None:
    class Twice(AbstractRouteDef):
        def register(self, router):  # type: ignore[no-untyped-def]
            return [router.add_post("/a", handler), router.add_put("/a", handler)]

    router = UrlDispatcher()
    routes = router.add_routes([Twice(), web_routedef.delete("/b", handler)])
    assert [r.method for r in routes] == ["POST", "PUT", "DELETE"]


def test_abstract_route_def() -> None:
    with pytest.raises(TypeError):
        AbstractRouteDef()  # type: ignore[abstract]
