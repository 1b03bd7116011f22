"""web_exceptions over a real socket: a raised exception is the response."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import pytest
from web_raw_client import RawResponse, read_response

from aiohttp import web_exceptions
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

TIMEOUT = 10.0


GET = b"GET /x HTTP/1.1\r\nHost: test\r\n\r\n"


Factory = Callable[[], web_exceptions.HTTPException]


def raising(make: Factory) -> Callable[[BaseRequest], Awaitable[StreamResponse]]:
    """A handler raising a fresh exception per request (a response is sent once)."""

    async def handler(request: BaseRequest) -> StreamResponse:
        raise make()

    return handler


async def fetch_twice(
    aiohttp_raw_server: AiohttpRawServer, make: Factory, raw: bytes
) -> tuple[RawResponse, RawResponse]:
    """Send ``raw`` twice on one connection and read both answers.

    Raw socket: body bytes the first answer should not have carried would
    break the second one's status line, which a client might forgive.
    """
    head = raw.startswith(b"HEAD ")
    server = await aiohttp_raw_server(raising(make))
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(raw + raw)
        first = await asyncio.wait_for(
            read_response(reader, head_request=head), TIMEOUT
        )
        second = await asyncio.wait_for(
            read_response(reader, head_request=head), TIMEOUT
        )
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return first, second


async def test_raised_not_found_is_sent(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(raising(web_exceptions.HTTPNotFound))
    )
    async with client.get("/x") as response:
        assert (response.status, response.reason) == (404, "Not Found")
        assert await response.read() == b"404: Not Found"
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.headers["Content-Length"] == "14"


async def test_raised_exception_keeps_custom_text_reason_and_headers(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    exc = web_exceptions.HTTPForbidden(
        reason="Keep Out", text="private", headers={"X-Why": "policy"}
    )
    client = await aiohttp_client(await aiohttp_raw_server(raising(lambda: exc)))
    async with client.get("/x") as response:
        assert (response.status, response.reason) == (403, "Keep Out")
        assert await response.read() == b"private"
        assert response.headers["X-Why"] == "policy"


async def test_raised_redirect_sends_location(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(
            raising(lambda: web_exceptions.HTTPFound("/elsewhere?a=1"))
        )
    )
    async with client.get("/x", allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == "/elsewhere?a=1"
        assert await response.read() == b"302: Found"


async def test_raised_method_not_allowed_sends_allow(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(
            raising(lambda: web_exceptions.HTTPMethodNotAllowed("PUT", ["GET", "HEAD"]))
        )
    )
    async with client.get("/x") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET,HEAD"


async def test_raised_request_entity_too_large(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(
            raising(lambda: web_exceptions.HTTPRequestEntityTooLarge(100, 200))
        )
    )
    async with client.get("/x") as response:
        assert response.status == 413
        assert (
            await response.read()
            == b"Maximum request body size 100 exceeded, actual body size 200"
        )


@pytest.mark.parametrize(
    "cls",
    [
        web_exceptions.HTTPNoContent,
        web_exceptions.HTTPResetContent,
        web_exceptions.HTTPNotModified,
    ],
)
async def test_raised_empty_body_statuses_send_no_body(
    aiohttp_raw_server: AiohttpRawServer, cls: type[web_exceptions.HTTPException]
) -> None:
    first, second = await fetch_twice(aiohttp_raw_server, cls, GET)
    assert first.status == second.status == cls.status_code
    assert first.header("Content-Type") is None


async def test_raised_server_error(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(raising(web_exceptions.HTTPServiceUnavailable))
    )
    async with client.get("/x") as response:
        assert response.status == 503
        assert await response.read() == b"503: Service Unavailable"


async def test_head_request_gets_no_body(aiohttp_raw_server: AiohttpRawServer) -> None:
    raw = b"HEAD /x HTTP/1.1\r\nHost: test\r\n\r\n"
    first, second = await fetch_twice(
        aiohttp_raw_server, web_exceptions.HTTPNotFound, raw
    )
    assert first.status == second.status == 404
    assert first.header("Content-Length") == "14"


async def test_returning_an_exception_warns_and_still_answers(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def returning(request: BaseRequest) -> StreamResponse:
        return web_exceptions.HTTPNotFound()

    client = await aiohttp_client(await aiohttp_raw_server(returning))
    with pytest.warns(
        DeprecationWarning,
        match=r"^returning HTTPException object is deprecated \(#2415\) and will be "
        r"removed, please raise the exception instead$",
    ):
        async with client.get("/") as response:
            assert response.status == 404
