"""The low-level web server (aiohttp.web_server): a handler on a socket.

``Server(handler)`` is an asyncio protocol factory: pass it to
``loop.create_server()`` and every connection gets a ``RequestHandler``
that calls ``handler(request)`` for each request and sends the response it
returns. No application, router, middlewares or signals: those are the
framework's, built on top of this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from .abc import AbstractStreamWriter
from .http_parser import RawRequestMessage
from .streams import StreamReader
from .web_protocol import RequestHandler
from .web_request import BaseRequest
from .web_response import StreamResponse

__all__ = ("Server",)

_Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]
_RequestFactory = Callable[
    [
        RawRequestMessage,
        StreamReader,
        RequestHandler,
        AbstractStreamWriter,
        "asyncio.Task[None]",
    ],
    BaseRequest,
]


class Server:
    """Serve ``handler`` on the connections of an asyncio server.

    ``kwargs`` configure each connection's ``RequestHandler`` (timeouts,
    limits, access log, ...). ``request_factory`` builds the request object
    a handler receives; ``handler_cancellation`` cancels a handler whose
    client disconnected (off by default: the handler runs to its end).
    """

    def __init__(
        self,
        handler: _Handler,
        *,
        request_factory: _RequestFactory | None = None,
        handler_cancellation: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,  # noqa: ANN401 - RequestHandler's keyword arguments
    ) -> None:
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._connections: dict[RequestHandler, None] = {}
        self._kwargs = kwargs
        self._requests_seen = 0
        self.request_handler = handler
        self.request_factory: _RequestFactory = request_factory or self._make_request
        self.handler_cancellation = handler_cancellation

    @property
    def connections(self) -> list[RequestHandler]:
        """The open connections, oldest first."""
        return list(self._connections)

    @property
    def requests_count(self) -> int:
        """How many requests the closed and open connections have received."""
        return self._requests_seen + sum(
            connection.request_count for connection in self._connections
        )

    def connection_made(
        self, handler: RequestHandler, transport: asyncio.BaseTransport
    ) -> None:
        """Track a new connection (its protocol calls this)."""
        self._connections[handler] = None

    def connection_lost(
        self, handler: RequestHandler, exc: BaseException | None = None
    ) -> None:
        """Forget a closed connection (its protocol calls this)."""
        if self._connections.pop(handler, False) is None:
            self._requests_seen += handler.request_count

    def _make_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> BaseRequest:
        return BaseRequest(message, payload, protocol, writer, task, self._loop)

    def pre_shutdown(self) -> None:
        """Stop keeping connections alive: idle ones close now."""
        for connection in list(self._connections):
            connection.close()

    async def shutdown(self, timeout: float | None = None) -> None:
        """Let in-flight requests finish within ``timeout``, then close all."""
        connections = list(self._connections)
        if connections:
            await asyncio.gather(
                *(connection.shutdown(timeout) for connection in connections)
            )

    def __call__(self) -> RequestHandler:
        """Make the protocol of a new connection (asyncio's factory call)."""
        return RequestHandler(self, loop=self._loop, **self._kwargs)
