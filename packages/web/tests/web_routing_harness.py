"""Real requests and a real server for the routing tests.

``requests()`` opens one TCP connection and makes framework ``Request``
objects from raw heads on it, one after the other, as the server would;
``make("/path", method="POST")`` returns the next one.

``serve_router(aiohttp_raw_server, router)`` serves a bare ``UrlDispatcher``
on a raw test server: each request is resolved by the router and handed to
the matched handler the way the application does it (expect handler first,
then the handler; the 404/405 handlers raise their error). ``fetch(port,
data)`` sends raw bytes to a server and reads one response.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from web_raw_client import RawResponse, read_response
from web_request_harness import Connection, connection

from aiohttp import hdrs
from aiohttp.pytest_plugin import AiohttpRawServer
from aiohttp.test_utils import RawTestServer
from aiohttp.web_request import BaseRequest, Request
from aiohttp.web_response import StreamResponse
from aiohttp.web_urldispatcher import UrlDispatcher, UrlMappingMatchInfo

TIMEOUT = 10.0


def raw_head(target: str, method: str = "GET", *headers: str) -> bytes:
    """A request head for ``target`` (with a Host header unless one is given)."""
    if not any(h.lower().startswith("host:") for h in headers):
        headers = ("Host: example.com", *headers)
    return "\r\n".join([f"{method} {target} HTTP/1.1", *headers, "", ""]).encode()


class Requests:
    """Makes framework requests on one real connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def make(self, target: str, method: str = "GET", *headers: str) -> Request:
        return self.conn.request(raw_head(target, method, *headers), cls=Request)


@contextlib.asynccontextmanager
async def requests() -> AsyncIterator[Requests]:
    async with connection() as conn:
        yield Requests(conn)


async def resolve(
    router: UrlDispatcher, target: str, method: str = "GET", *headers: str
) -> UrlMappingMatchInfo:
    """Resolve one request (on a connection of its own)."""
    async with requests() as reqs:
        return await router.resolve(reqs.make(target, method, *headers))


def request_factory(
    message: Any, payload: Any, protocol: Any, writer: Any, task: asyncio.Task[None]
) -> BaseRequest:
    return Request(message, payload, protocol, writer, task, asyncio.get_running_loop())


def dispatching(
    router: UrlDispatcher,
) -> Callable[[BaseRequest], Awaitable[StreamResponse]]:
    """A low-level handler that routes as the application does."""

    async def handler(request: BaseRequest) -> StreamResponse:
        assert isinstance(request, Request)
        match_info = await router.resolve(request)
        match_info.freeze()
        request._match_info = match_info
        if request.headers.get(hdrs.EXPECT):
            response = await match_info.expect_handler(request)
            if response is not None:
                return response
        return await match_info.handler(request)

    return handler


async def serve_router(
    aiohttp_raw_server: AiohttpRawServer, router: UrlDispatcher
) -> RawTestServer:
    """Serve a bare ``router`` (no application) on a raw test server."""
    router.freeze()
    return await aiohttp_raw_server(
        dispatching(router), request_factory=request_factory
    )


async def fetch(port: int, data: bytes, *, head_request: bool = False) -> RawResponse:
    """Send ``data`` on a new connection and read one response."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), TIMEOUT
    )
    try:
        writer.write(data)
        return await asyncio.wait_for(
            read_response(reader, head_request=head_request), TIMEOUT
        )
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
