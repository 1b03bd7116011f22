"""Client middlewares: code that wraps each request a session sends.

A middleware is an async callable ``mw(request, handler) -> response``. It
may change the request before calling ``handler(request)``, look at or
replace the response, or call ``handler`` more than once (to retry). The
session builds one chain per request from its ``middlewares`` (or from the
request's own ``middlewares=``, which replace the session's) and runs it for
every hop of a redirect chain; the innermost handler connects and sends.

For ``middlewares=(first, second)`` the order is: ``first`` before the
handler call, ``second`` before, the request, ``second`` after, ``first``
after.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from .client_reqrep import ClientRequest, ClientResponse

__all__ = ("ClientHandlerType", "ClientMiddlewareType", "build_client_middlewares")

#: What a middleware calls to go on: the next middleware, or the request itself.
ClientHandlerType: TypeAlias = Callable[["ClientRequest"], Awaitable["ClientResponse"]]

#: A client middleware: ``async def mw(request, handler) -> ClientResponse``.
ClientMiddlewareType: TypeAlias = Callable[
    ["ClientRequest", ClientHandlerType], Awaitable["ClientResponse"]
]


def build_client_middlewares(
    handler: ClientHandlerType, middlewares: Sequence[ClientMiddlewareType]
) -> ClientHandlerType:
    """Return ``handler`` wrapped by ``middlewares``, the first one outermost."""
    for middleware in reversed(middlewares):
        handler = _wrap(middleware, handler)
    return handler


def _wrap(
    middleware: ClientMiddlewareType, handler: ClientHandlerType
) -> ClientHandlerType:
    def wrapped(request: ClientRequest) -> Awaitable[ClientResponse]:
        return middleware(request, handler)

    return wrapped
