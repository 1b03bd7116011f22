"""web.Application: state, freezing, signals, cleanup contexts, sub-apps,
middlewares, config_dict and on_response_prepare, over real sockets.

Applications are served with ``aiohttp_client``; closing the client runs the
application's shutdown and cleanup. Raw sockets only where the bytes are the
point: an idle connection's close, targets a client would not send as is.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from web_raw_client import read_response, request

from aiohttp import web, web_app, web_exceptions
from aiohttp.abc import AbstractMatchInfo, AbstractRouter, AbstractView
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer
from aiohttp.typedefs import Handler, Middleware

GET = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode()


async def test_hello_world_from_the_quickstart(aiohttp_client: AiohttpClient) -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello, world")

    app = web.Application()
    app.add_routes([web.get("/", hello)])
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert (response.status, await response.read()) == (200, b"Hello, world")


async def test_app_keys_are_typed_and_str_keys_warn() -> None:
    app = web.Application()
    counter = web.AppKey("counter", int)
    app[counter] = 1
    assert app[counter] == 1
    assert app.get(counter) == 1
    with pytest.warns(web_exceptions.NotAppKeyWarning, match="AppKey"):
        app["plain"] = 2
    assert app["plain"] == 2
    assert set(app) == {counter, "plain"}
    assert len(app) == 2
    del app["plain"]
    assert "plain" not in app
    assert bool(web.Application())  # empty but true


async def test_changing_a_started_app_is_deprecated() -> None:
    app = web.Application()
    key = web.AppKey("k", str)
    app.freeze()
    with pytest.warns(DeprecationWarning, match="Changing state"):
        app[key] = "late"
    with pytest.raises(RuntimeError):
        app.router.add_get("/", lambda r: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(RuntimeError):
        app.on_startup.append(lambda a: None)  # type: ignore[arg-type,return-value]


def test_application_cannot_be_subclassed() -> None:
    with pytest.raises(TypeError, match="forbidden"):

        class Mine(web.Application):
            pass


async def test_signals_run_in_order_with_the_app(
    aiohttp_client: AiohttpClient,
) -> None:
    calls: list[str] = []
    app = web.Application()

    async def on_startup(a: web.Application) -> None:
        assert a is app
        calls.append("startup")

    async def on_shutdown(a: web.Application) -> None:
        calls.append("shutdown")

    async def on_cleanup(a: web.Application) -> None:
        calls.append("cleanup")

    async def context(a: web.Application) -> AsyncIterator[None]:
        calls.append("ctx-up")
        yield
        calls.append("ctx-down")

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    app.cleanup_ctx.append(context)
    client = await aiohttp_client(app)
    assert calls == ["ctx-up", "startup"]
    await client.close()
    assert calls == ["ctx-up", "startup", "shutdown", "ctx-down", "cleanup"]


async def test_cleanup_errors_are_collected() -> None:
    app = web.Application()

    def failing(n: int):  # type: ignore[no-untyped-def]
        async def context(a: web.Application) -> AsyncIterator[None]:
            yield
            raise ValueError(n)

        return context

    app.cleanup_ctx.append(failing(1))
    app.cleanup_ctx.append(failing(2))
    app.freeze()
    await app.startup()
    with pytest.raises(web.CleanupError) as info:
        await app.cleanup()
    assert [exc.args for exc in info.value.exceptions] == [(2,), (1,)]


async def test_middlewares_wrap_the_handler_outermost_first(
    aiohttp_client: AiohttpClient,
) -> None:
    order: list[str] = []

    def tagging(tag: str) -> Middleware:
        @web.middleware
        async def middleware(
            request: web.Request, handler: Handler
        ) -> web.StreamResponse:
            order.append(f"{tag}>")
            response = await handler(request)
            order.append(f"<{tag}")
            return response

        return middleware

    async def handler(request: web.Request) -> web.Response:
        order.append("handler")
        return web.Response(text="ok")

    app = web.Application(middlewares=[tagging("a"), tagging("b")])
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.status == 200
    assert order == ["a>", "b>", "handler", "<b", "<a"]


async def test_a_middleware_can_answer_instead_of_the_handler(
    aiohttp_client: AiohttpClient,
) -> None:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("X-Token") != "yes":
            raise web.HTTPForbidden()
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    app = web.Application(middlewares=[guard])
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    async with client.get("/") as denied:
        assert denied.status == 403
    async with client.get("/", headers={"X-Token": "yes"}) as allowed:
        assert await allowed.read() == b"secret"


async def test_old_style_middleware_factories_still_work_with_a_warning(
    aiohttp_client: AiohttpClient,
) -> None:
    async def factory(app: web.Application, handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            response = await handler(request)
            response.headers["X-Old"] = "1"
            return response

        return wrapped

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(middlewares=[factory])  # type: ignore[list-item]
    app.router.add_get("/", handler)
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        app.freeze()
    client = await aiohttp_client(app)
    async with client.get("/") as response:
        assert response.headers["X-Old"] == "1"


async def test_sub_apps_have_their_own_routes_middlewares_and_state(
    aiohttp_client: AiohttpClient,
) -> None:
    seen: list[str] = []
    name = web.AppKey("name", str)

    @web.middleware
    async def outer(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(f"outer:{request.app[name]}")
        return await handler(request)

    @web.middleware
    async def inner(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(f"inner:{request.app[name]}")
        return await handler(request)

    async def admin(request: web.Request) -> web.Response:
        # config_dict looks in the sub-app, then in its parent.
        return web.Response(
            text=f"{request.app[name]} {request.config_dict[name]} "
            f"{request.config_dict['top']}"
        )

    root = web.Application(middlewares=[outer])
    root[name] = "root"
    with pytest.warns(web_exceptions.NotAppKeyWarning):
        root["top"] = "T"
    sub = web.Application(middlewares=[inner])
    sub[name] = "sub"
    sub.router.add_get("/panel", admin)
    resource = root.add_subapp("/admin/", sub)
    assert resource.get_info()["prefix"] == "/admin"
    client = await aiohttp_client(root)
    async with client.get("/admin/panel") as response:
        assert await response.read() == b"sub sub T"
    async with client.get("/panel") as missing:
        assert missing.status == 404
    # The miss runs the root's middlewares too (they may answer 404s).
    assert seen == ["outer:root", "inner:sub", "outer:root"]


async def test_sub_app_signals_run_with_the_parent(
    aiohttp_client: AiohttpClient,
) -> None:
    calls: list[str] = []
    root = web.Application()
    sub = web.Application()

    async def sub_startup(app: web.Application) -> None:
        assert app is sub
        calls.append("sub-startup")

    async def sub_cleanup(app: web.Application) -> None:
        calls.append("sub-cleanup")

    sub.on_startup.append(sub_startup)
    sub.on_cleanup.append(sub_cleanup)
    root.add_subapp("/sub", sub)
    client = await aiohttp_client(root)
    assert calls == ["sub-startup"]
    await client.close()
    assert calls == ["sub-startup", "sub-cleanup"]


async def test_add_subapp_refuses_an_empty_prefix_and_frozen_apps() -> None:
    root = web.Application()
    with pytest.raises(ValueError, match="empty"):
        root.add_subapp("/", web.Application())
    frozen = web.Application()
    frozen.freeze()
    with pytest.raises(RuntimeError):
        root.add_subapp("/x", frozen)


async def test_add_domain_routes_by_host(aiohttp_client: AiohttpClient) -> None:
    async def api(request: web.Request) -> web.Response:
        return web.Response(text="api")

    root = web.Application()
    sub = web.Application()
    sub.router.add_get("/", api)
    root.add_domain("api.example.com", sub)
    masked = web.Application()
    masked.router.add_get("/", api)
    root.add_domain("*.example.org", masked)
    client = await aiohttp_client(root)
    async with client.get("/", headers={"Host": "api.example.com"}) as hit:
        assert await hit.read() == b"api"
    async with client.get("/", headers={"Host": "a.example.org"}) as mask:
        assert await mask.read() == b"api"
    async with client.get("/", headers={"Host": "example.com"}) as miss:
        assert miss.status == 404


async def test_on_response_prepare_can_change_headers(
    aiohttp_client: AiohttpClient,
) -> None:
    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Stamp"] = request.path

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.on_response_prepare.append(stamp)
    app.router.add_get("/here", handler)
    client = await aiohttp_client(app)
    async with client.get("/here") as response:
        assert response.headers["X-Stamp"] == "/here"
    # Error responses are prepared too.
    async with client.get("/nowhere") as missing:
        assert missing.headers["X-Stamp"] == "/nowhere"


async def test_client_max_size_applies_to_requests(
    aiohttp_client: AiohttpClient,
) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app = web.Application(client_max_size=10)
    app.router.add_post("/", echo)
    client = await aiohttp_client(app)
    async with client.post("/", data=b"hello") as small:
        assert (small.status, await small.read()) == (200, b"hello")
    async with client.post("/", data=b"x" * 50) as big:
        assert big.status == 413


async def test_handler_args_reach_the_connections(
    aiohttp_server: AiohttpServer,
) -> None:
    app = web.Application(handler_args={"keepalive_timeout": 0.2})

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/", handler)
    server = await aiohttp_server(app)
    # Raw socket: the server closes the idle connection; nothing else is sent.
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(GET)
        await read_response(reader)
        assert await asyncio.wait_for(reader.read(), 3) == b""
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def test_method_not_allowed_lists_the_allowed_methods(
    aiohttp_client: AiohttpClient,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", handler)
    app.router.add_post("/", handler)
    client = await aiohttp_client(app)
    async with client.delete("/") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET,HEAD,POST"


async def test_request_knows_its_route_and_app(aiohttp_client: AiohttpClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        assert request.app is app
        assert isinstance(request.match_info, AbstractMatchInfo)
        return web.Response(text=request.match_info["name"])

    app = web.Application()
    app.router.add_get("/hello/{name}", handler)
    client = await aiohttp_client(app)
    async with client.get("/hello/ann") as response:
        assert await response.read() == b"ann"


def test_abc_and_typedefs_lend_the_web_names() -> None:
    assert issubclass(web.UrlDispatcher, AbstractRouter)
    assert issubclass(web.View, AbstractView)
    assert Handler is web_app.Handler
    assert Middleware is web_app.Middleware


async def test_normalize_path_middleware_redirects_to_the_real_route(
    aiohttp_client: AiohttpClient,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="found")

    app = web.Application(middlewares=[web.normalize_path_middleware()])
    app.router.add_get("/docs/", handler)
    client = await aiohttp_client(app)
    async with client.get("/docs?x=1", allow_redirects=False) as slash:
        assert (slash.status, slash.headers["Location"]) == (308, "/docs/?x=1")
    # Raw socket: a client reads "//docs//" as a host, not a path.
    assert client.port is not None
    merged, _ = await request(client.port, get("//docs//"))
    # Never a protocol-relative (off-site) target.
    evil, _ = await request(client.port, get("//evil.example/docs"))
    assert (merged.status, merged.header("Location")) == (308, "/docs/")
    assert evil.status == 404
