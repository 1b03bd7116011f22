"""Requests and responses over a real socket, without the pool.

``open_connection(url)`` connects a real ``ResponseHandler`` to a test server
and wraps it in ``WireConnection``: the part of ``connector.Connection``
that ``ClientRequest.send()`` and ``ClientResponse`` use, recording whether
the connection was released clean or closed. ``exchange()`` sends one
request and starts its response.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from client_harness import RawServer
from yarl import URL

from aiohttp.client_proto import ResponseHandler
from aiohttp.client_reqrep import ClientRequest, ClientResponse

if TYPE_CHECKING:
    from aiohttp.connector import Connection


class WireConnection:
    """Just enough of ``connector.Connection`` for one request."""

    def __init__(self, protocol: ResponseHandler, *, force_close: bool = False) -> None:
        self._protocol: ResponseHandler | None = protocol
        self._connector = SimpleNamespace(force_close=force_close)
        self.handler = protocol
        self.released_clean: bool | None = None  # None: neither released nor closed
        self.released = asyncio.get_running_loop().create_future()

    @property
    def protocol(self) -> ResponseHandler | None:
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        protocol = self._protocol
        return None if protocol is None else protocol.transport

    def release(self) -> None:
        protocol = self._protocol
        if protocol is None:
            return
        self._protocol = None
        clean = not protocol.should_close
        if not clean:
            protocol.close()
        self._done(clean)

    def close(self) -> None:
        protocol = self._protocol
        if protocol is None:
            return
        self._protocol = None
        protocol.close()
        self._done(False)

    def _done(self, clean: bool) -> None:
        self.released_clean = clean
        if not self.released.done():
            self.released.set_result(clean)


@contextlib.asynccontextmanager
async def open_connection(
    url: URL, *, force_close: bool = False, **params: Any
) -> AsyncIterator[WireConnection]:
    """Connect to ``url``'s host and port; the response parameters are ``params``."""
    loop = asyncio.get_running_loop()
    assert url.host is not None
    assert url.port is not None
    _, protocol = await loop.create_connection(
        lambda: ResponseHandler(loop), url.host, url.port
    )
    protocol.set_response_params(**params)
    conn = WireConnection(protocol, force_close=force_close)
    try:
        yield conn
    finally:
        protocol.close()
        await asyncio.sleep(0)


def as_connection(conn: WireConnection) -> Connection:
    """``conn`` typed as what it stands in for."""
    return cast("Connection", conn)


async def wait_idle(server: RawServer) -> None:
    """Wait (bounded) until the server's connection handlers have all returned.

    Closing the server cancels handlers still running; waiting first lets
    them see the client's close and end on their own.
    """
    for _ in range(500):
        if not server._tasks:
            return
        await asyncio.sleep(0.01)


async def exchange(req: ClientRequest, conn: WireConnection) -> ClientResponse:
    """Send ``req`` over ``conn`` and read the response head (bounded in time)."""
    resp = await req.send(as_connection(conn))
    try:
        await asyncio.wait_for(resp.start(as_connection(conn)), 10)
    except BaseException:
        resp.close()
        raise
    return resp
