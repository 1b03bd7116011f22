"""Client middlewares: order, scope, redirects, retries."""

from __future__ import annotations

from typing import cast

import pytest
from client_session_helpers import TIMEOUT, echo, echo_app, header_values

import aiohttp
from aiohttp import web
from aiohttp.client_middlewares import build_client_middlewares
from aiohttp.pytest_plugin import AiohttpClient


def _recorder(name: str, log: list[str]) -> aiohttp.ClientMiddlewareType:
    async def middleware(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        log.append(f"{name} before {request.url.path}")
        resp = await handler(request)
        log.append(f"{name} after {resp.status}")
        return resp

    return middleware


async def test_middlewares_run_first_outermost(aiohttp_client: AiohttpClient) -> None:
    log: list[str] = []
    middlewares = (_recorder("one", log), _recorder("two", log))
    client = await aiohttp_client(echo_app(), timeout=TIMEOUT, middlewares=middlewares)
    async with client.get("/x") as resp:
        assert resp.status == 200
    assert log == ["one before /x", "two before /x", "two after 200", "one after 200"]


async def test_request_middlewares_replace_the_sessions(
    aiohttp_client: AiohttpClient,
) -> None:
    log: list[str] = []
    client = await aiohttp_client(
        echo_app(), timeout=TIMEOUT, middlewares=(_recorder("session", log),)
    )
    async with client.get("/a", middlewares=(_recorder("request", log),)):
        pass
    async with client.get("/b", middlewares=()):
        pass
    async with client.get("/c"):
        pass
    assert log == [
        "request before /a",
        "request after 200",
        "session before /c",
        "session after 200",
    ]


async def test_a_middleware_may_change_the_request_and_the_response(
    aiohttp_client: AiohttpClient,
) -> None:
    async def add_header(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        request.headers["X-Added"] = "yes"
        return await handler(request)

    client = await aiohttp_client(
        echo_app(), timeout=TIMEOUT, middlewares=(add_header,)
    )
    async with client.get("/") as resp:
        assert header_values(await resp.json(), "X-Added") == ["yes"]


async def test_middlewares_run_for_each_redirect_hop(
    aiohttp_client: AiohttpClient,
) -> None:
    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/target"})

    app = web.Application()
    app.router.add_get("/start", redirect)
    app.router.add_route("*", "/{tail:.*}", echo)
    log: list[str] = []
    client = await aiohttp_client(
        app, timeout=TIMEOUT, middlewares=(_recorder("mw", log),)
    )
    async with client.get("/start") as resp:
        assert resp.url.path == "/target"
    assert log == [
        "mw before /start",
        "mw after 302",
        "mw before /target",
        "mw after 200",
    ]


async def test_a_middleware_may_retry(aiohttp_client: AiohttpClient) -> None:
    calls = 0

    async def flaky(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        body = await request.read()
        if calls < 3:
            return web.Response(status=503, text="busy")
        return web.Response(text=f"served {body.decode()}")

    async def retry(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        for _ in range(5):
            resp = await handler(request)
            if resp.status != 503:
                return resp
            resp.release()
        return resp

    app = web.Application()
    app.router.add_post("/", flaky)
    client = await aiohttp_client(app, timeout=TIMEOUT, middlewares=(retry,))
    async with client.post("/", data=b"body") as resp:
        assert await resp.text() == "served body"
    assert calls == 3


async def test_a_middleware_may_use_the_session_without_middlewares(
    aiohttp_client: AiohttpClient,
) -> None:
    async def audit(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        session = request.session
        assert session is not None
        async with session.post(
            request.url.with_path("/audit"),
            data=request.url.path,
            middlewares=(),
        ) as resp:
            assert resp.status == 200
        return await handler(request)

    paths: list[str] = []

    async def record(request: web.Request) -> web.Response:
        paths.append(f"{request.method} {request.path} {await request.text()}")
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    client = await aiohttp_client(app, timeout=TIMEOUT, middlewares=(audit,))
    async with client.get("/page") as resp:
        assert resp.status == 200
    assert paths == ["POST /audit /page", "GET /page "]


async def test_a_middlewares_exception_reaches_the_caller(
    aiohttp_client: AiohttpClient,
) -> None:
    class Stop(Exception):
        pass

    async def refuse(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        raise Stop(str(request.url))

    client = await aiohttp_client(echo_app(), timeout=TIMEOUT, middlewares=(refuse,))
    with pytest.raises(Stop):
        await client.get("/")


async def test_build_client_middlewares_without_a_session() -> None:
    order: list[str] = []
    answer = cast(aiohttp.ClientResponse, object())

    async def inner(request: aiohttp.ClientRequest) -> aiohttp.ClientResponse:
        order.append("handler")
        return answer

    def wrap(name: str) -> aiohttp.ClientMiddlewareType:
        async def middleware(
            request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
        ) -> aiohttp.ClientResponse:
            order.append(name)
            return await handler(request)

        return middleware

    handler = build_client_middlewares(inner, [wrap("a"), wrap("b")])
    assert await handler(cast(aiohttp.ClientRequest, None)) is answer
    assert order == ["a", "b", "handler"]
    assert build_client_middlewares(inner, ()) is inner
