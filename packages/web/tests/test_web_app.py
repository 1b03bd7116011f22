"""web.Application: state, freezing, signals, cleanup contexts, sub-apps,
middlewares, config_dict and on_response_prepare, over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from web_raw_client import read_response, request

from aiohttp import web, web_app, web_exceptions
from aiohttp.abc import AbstractMatchInfo, AbstractRouter, AbstractView
from aiohttp.typedefs import Handler, Middleware

GET = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


def get(path: str, *headers: str) -> bytes:
    lines = "".join(f"{header}\r\n" for header in headers)
    return f"GET {path} HTTP/1.1\r\nHost: test\r\n{lines}\r\n".encode()


@contextlib.asynccontextmanager
async def served(app: web.Application, **kwargs: object) -> AsyncIterator[int]:
    """Start ``app`` (signals included) on a free port; clean up after."""
    app.on_startup.freeze()  # as AppRunner does: startup may add routes
    await app.startup()
    server = app._make_handler(**kwargs)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(server, "127.0.0.1", 0)
    try:
        yield listener.sockets[0].getsockname()[1]
    finally:
        listener.close()
        await app.shutdown()
        await server.shutdown(1.0)
        await listener.wait_closed()
        await app.cleanup()


async def test_hello_world_from_the_quickstart() -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello, world")

    app = web.Application()
    app.add_routes([web.get("/", hello)])
    async with served(app) as port:
        response, _ = await request(port, GET)
    assert (response.status, response.body) == (200, b"Hello, world")


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


async def test_signals_run_in_order_with_the_app() -> None:
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
    async with served(app):
        assert calls == ["ctx-up", "startup"]
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


async def test_middlewares_wrap_the_handler_outermost_first() -> None:
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
    async with served(app) as port:
        await request(port, GET)
    assert order == ["a>", "b>", "handler", "<b", "<a"]


async def test_a_middleware_can_answer_instead_of_the_handler() -> None:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("X-Token") != "yes":
            raise web.HTTPForbidden()
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    app = web.Application(middlewares=[guard])
    app.router.add_get("/", handler)
    async with served(app) as port:
        denied, _ = await request(port, GET)
        allowed, _ = await request(port, get("/", "X-Token: yes"))
    assert (denied.status, allowed.body) == (403, b"secret")


async def test_old_style_middleware_factories_still_work_with_a_warning() -> None:
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
    async with served(app) as port:
        response, _ = await request(port, GET)
    assert response.header("X-Old") == "1"


async def test_sub_apps_have_their_own_routes_middlewares_and_state() -> None:
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
    async with served(root) as port:
        response, _ = await request(port, get("/admin/panel"))
        missing, _ = await request(port, get("/panel"))
    assert response.body == b"sub sub T"
    # The miss runs the root's middlewares too (they may answer 404s).
    assert seen == ["outer:root", "inner:sub", "outer:root"]
    assert missing.status == 404


async def test_sub_app_signals_run_with_the_parent() -> None:
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
    async with served(root):
        assert calls == ["sub-startup"]
    assert calls == ["sub-startup", "sub-cleanup"]


async def test_add_subapp_refuses_an_empty_prefix_and_frozen_apps() -> None:
    root = web.Application()
    with pytest.raises(ValueError, match="empty"):
        root.add_subapp("/", web.Application())
    frozen = web.Application()
    frozen.freeze()
    with pytest.raises(RuntimeError):
        root.add_subapp("/x", frozen)


async def test_add_domain_routes_by_host() -> None:
    async def api(request: web.Request) -> web.Response:
        return web.Response(text="api")

    root = web.Application()
    sub = web.Application()
    sub.router.add_get("/", api)
    root.add_domain("api.example.com", sub)
    masked = web.Application()
    masked.router.add_get("/", api)
    root.add_domain("*.example.org", masked)
    async with served(root) as port:
        hit, _ = await request(port, b"GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
        mask, _ = await request(port, b"GET / HTTP/1.1\r\nHost: a.example.org\r\n\r\n")
        miss, _ = await request(port, b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
    assert (hit.body, mask.body, miss.status) == (b"api", b"api", 404)


async def test_on_response_prepare_can_change_headers() -> None:
    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Stamp"] = request.path

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.on_response_prepare.append(stamp)
    app.router.add_get("/here", handler)
    async with served(app) as port:
        response, _ = await request(port, get("/here"))
        # Error responses are prepared too.
        missing, _ = await request(port, get("/nowhere"))
    assert response.header("X-Stamp") == "/here"
    assert missing.header("X-Stamp") == "/nowhere"


async def test_client_max_size_applies_to_requests() -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app = web.Application(client_max_size=10)
    app.router.add_post("/", echo)
    async with served(app) as port:
        small, _ = await request(
            port, b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
        )
        big, _ = await request(
            port,
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\n" + b"x" * 50,
        )
    assert (small.status, small.body) == (200, b"hello")
    assert big.status == 413


async def test_handler_args_reach_the_connections() -> None:
    app = web.Application(handler_args={"keepalive_timeout": 0.2})

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/", handler)
    async with served(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        await read_response(reader)
        assert await asyncio.wait_for(reader.read(), 3) == b""
        writer.close()


async def test_method_not_allowed_lists_the_allowed_methods() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", handler)
    app.router.add_post("/", handler)
    async with served(app) as port:
        response, _ = await request(port, b"DELETE / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert response.status == 405
    assert response.header("Allow") == "GET,HEAD,POST"


async def test_request_knows_its_route_and_app() -> None:
    async def handler(request: web.Request) -> web.Response:
        assert request.app is app
        assert isinstance(request.match_info, AbstractMatchInfo)
        return web.Response(text=request.match_info["name"])

    app = web.Application()
    app.router.add_get("/hello/{name}", handler)
    async with served(app) as port:
        response, _ = await request(port, get("/hello/ann"))
    assert response.body == b"ann"


def test_abc_and_typedefs_lend_the_web_names() -> None:
    assert issubclass(web.UrlDispatcher, AbstractRouter)
    assert issubclass(web.View, AbstractView)
    assert Handler is web_app.Handler
    assert Middleware is web_app.Middleware


async def test_normalize_path_middleware_redirects_to_the_real_route() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="found")

    app = web.Application(middlewares=[web.normalize_path_middleware()])
    app.router.add_get("/docs/", handler)
    async with served(app) as port:
        slash, _ = await request(port, get("/docs?x=1"))
        merged, _ = await request(port, get("//docs//"))
        # Never a protocol-relative (off-site) target.
        evil, _ = await request(port, get("//evil.example/docs"))
    assert (slash.status, slash.header("Location")) == (308, "/docs/?x=1")
    assert (merged.status, merged.header("Location")) == (308, "/docs/")
    assert evil.status == 404
