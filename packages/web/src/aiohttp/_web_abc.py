"""The seams of the web server: its access loggers and its router.

``RequestHandler`` reports every answered request to one access logger.
Two shapes are accepted:

- ``AbstractAccessLogger``: a plain method, called as
  ``log(request, response, time)`` with the seconds taken to serve the
  request. The server calls it only when ``enabled`` is true, so a logger
  switched off costs nothing.
- ``AbstractAsyncAccessLogger``: a coroutine, for loggers that must await
  something (a queue, a database). The server awaits it after the response
  has been sent.

The router seams (``AbstractRouter``, ``AbstractMatchInfo``,
``AbstractView``) follow them at the end of the file.

These classes live here, next to nothing else, so that ``aiohttp.abc`` can
lend them (``web_log`` and ``web_urldispatcher`` re-export them) without
importing the request and response modules: those are named for the type
checker only.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .web_app import Application
    from .web_exceptions import HTTPException
    from .web_request import BaseRequest, Request
    from .web_response import StreamResponse

__all__ = (
    "AbstractAccessLogger",
    "AbstractAsyncAccessLogger",
    "AbstractMatchInfo",
    "AbstractRouter",
    "AbstractView",
)


class AbstractAccessLogger(ABC):
    """Base of the access loggers ``RequestHandler`` calls synchronously.

    Subclasses implement :meth:`log`; ``logger`` and ``log_format`` are the
    values the server was configured with (``access_log`` and
    ``access_log_format``).
    """

    __slots__ = ("log_format", "logger")

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        self.logger = logger
        self.log_format = log_format

    @abstractmethod
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Record one served request; ``time`` is the seconds it took."""

    @property
    def enabled(self) -> bool:
        """Whether :meth:`log` would emit anything (the logger takes INFO).

        The server skips the call, and the work of timing it, when false.
        Override it when the logger decides differently.
        """
        return self.logger.isEnabledFor(logging.INFO)


class AbstractAsyncAccessLogger(ABC):
    """Base of the access loggers ``RequestHandler`` awaits.

    There is no constructor contract: the application builds the instance
    itself and hands it to the server.
    """

    __slots__ = ()

    @abstractmethod
    async def log(
        self, request: BaseRequest, response: StreamResponse, request_start: float
    ) -> None:
        """Record one served request.

        ``request_start`` is the event loop's clock (``loop.time()``) when
        the request began, as aiohttp passes it: the time taken is
        ``request.loop.time() - request_start`` at the moment of the call.
        """

    @property
    def enabled(self) -> bool:
        """Whether the server should call :meth:`log` at all (always, here)."""
        return True


# -- routing ---------------------------------------------------------------------------
#
# The framework asks its router one question per request (``resolve``) and
# gets back a match info: the handler to call, the handler for an ``Expect``
# header, the error to raise when nothing matched, and the stack of
# applications the request went through. ``UrlDispatcher`` is the router
# aiohttp ships (``web_urldispatcher``); these are the seams another router
# implements.


class AbstractRouter(ABC):
    """A router: maps a request to an :class:`AbstractMatchInfo`.

    Only :meth:`resolve` is required. ``Application`` freezes its router
    when it starts serving; a router may refuse changes after that.
    """

    def __init__(self) -> None:
        self._frozen = False

    def post_init(self, app: Application) -> None:  # noqa: B027 - optional hook, as in aiohttp
        """Called once the application owning the router is built.

        Not abstract: a router that wants to know its application
        overrides it.
        """

    @property
    def frozen(self) -> bool:
        """Whether :meth:`freeze` was called."""
        return self._frozen

    def freeze(self) -> None:
        """Forbid further changes (the application is about to serve)."""
        self._frozen = True

    @abstractmethod
    async def resolve(self, request: Request) -> AbstractMatchInfo:
        """Return the match info for ``request``; never raise for a miss.

        A request nothing answers gets a match info whose
        ``http_exception`` is set (404, 405) and whose handler raises it.
        """


class AbstractMatchInfo(ABC):
    """What a router found for one request."""

    __slots__ = ()

    @property
    @abstractmethod
    def handler(self) -> Callable[[Request], Awaitable[StreamResponse]]:
        """The web handler to call (it raises ``http_exception`` on a miss)."""

    @property
    @abstractmethod
    def expect_handler(
        self,
    ) -> Callable[[Request], Awaitable[StreamResponse | None]]:
        """The coroutine answering an ``Expect`` header (``100-continue``).

        A response it returns is sent instead of calling the handler.
        """

    @property
    @abstractmethod
    def http_exception(self) -> HTTPException | None:
        """The 404/405 error when no route matched, else ``None``."""

    @abstractmethod
    def get_info(self) -> dict[str, Any]:
        """A dict describing the match, for introspection."""

    @property
    @abstractmethod
    def apps(self) -> tuple[Application, ...]:
        """The applications the request went through, outermost first."""

    @abstractmethod
    def add_app(self, app: Application) -> None:
        """Push ``app`` as the new outermost application of the stack."""

    @abstractmethod
    def freeze(self) -> None:
        """Forbid :meth:`add_app` from now on (resolution is over)."""


class AbstractView(ABC):
    """Base of class-based views: built with the request, then awaited.

    ``await View(request)`` runs the view and gives its response; the
    router calls the class like any handler.
    """

    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def request(self) -> Request:
        """The request the view answers."""
        return self._request

    @abstractmethod
    def __await__(self) -> Generator[Any, None, StreamResponse]:
        """Run the view; the awaited value is its response."""
