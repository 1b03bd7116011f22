"""web_exceptions over a real socket: a raised exception is the response."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import pytest
from web_raw_client import RawResponse, read_response, request, serve

from aiohttp import web_exceptions
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


async def fetch(make: Factory) -> RawResponse:
    async with serve(raising(make)) as (_, port):
        response, _ = await asyncio.wait_for(request(port, GET), TIMEOUT)
    return response


async def fetch_twice(make: Factory, raw: bytes) -> tuple[RawResponse, RawResponse]:
    """Send ``raw`` twice on one connection and read both answers.

    Body bytes the first answer should not have carried would break the
    second one's status line.
    """
    head = raw.startswith(b"HEAD ")
    async with serve(raising(make)) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
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


async def test_raised_not_found_is_sent() -> None:
    response = await fetch(web_exceptions.HTTPNotFound)
    assert (response.status, response.reason) == (404, "Not Found")
    assert response.body == b"404: Not Found"
    assert response.header("Content-Type") == "text/plain; charset=utf-8"
    assert response.header("Content-Length") == "14"


async def test_raised_exception_keeps_custom_text_reason_and_headers() -> None:
    exc = web_exceptions.HTTPForbidden(
        reason="Keep Out", text="private", headers={"X-Why": "policy"}
    )
    response = await fetch(lambda: exc)
    assert (response.status, response.reason) == (403, "Keep Out")
    assert response.body == b"private"
    assert response.header("X-Why") == "policy"


async def test_raised_redirect_sends_location() -> None:
    response = await fetch(lambda: web_exceptions.HTTPFound("/elsewhere?a=1"))
    assert response.status == 302
    assert response.header("Location") == "/elsewhere?a=1"
    assert response.body == b"302: Found"


async def test_raised_method_not_allowed_sends_allow() -> None:
    response = await fetch(
        lambda: web_exceptions.HTTPMethodNotAllowed("PUT", ["GET", "HEAD"])
    )
    assert response.status == 405
    assert response.header("Allow") == "GET,HEAD"


async def test_raised_request_entity_too_large() -> None:
    response = await fetch(lambda: web_exceptions.HTTPRequestEntityTooLarge(100, 200))
    assert response.status == 413
    assert (
        response.body == b"Maximum request body size 100 exceeded, actual body size 200"
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
    cls: type[web_exceptions.HTTPException],
) -> None:
    first, second = await fetch_twice(cls, GET)
    assert first.status == second.status == cls.status_code
    assert first.header("Content-Type") is None


async def test_raised_server_error() -> None:
    response = await fetch(web_exceptions.HTTPServiceUnavailable)
    assert response.status == 503
    assert response.body == b"503: Service Unavailable"


async def test_head_request_gets_no_body() -> None:
    raw = b"HEAD /x HTTP/1.1\r\nHost: test\r\n\r\n"
    first, second = await fetch_twice(web_exceptions.HTTPNotFound, raw)
    assert first.status == second.status == 404
    assert first.header("Content-Length") == "14"


async def test_returning_an_exception_warns_and_still_answers() -> None:
    async def returning(request: BaseRequest) -> StreamResponse:
        return web_exceptions.HTTPNotFound()

    with pytest.warns(
        DeprecationWarning,
        match=r"^returning HTTPException object is deprecated \(#2415\) and will be "
        r"removed, please raise the exception instead$",
    ):
        async with serve(returning) as (_, port):
            response, _ = await asyncio.wait_for(
                request(port, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"), TIMEOUT
            )
    assert response.status == 404
