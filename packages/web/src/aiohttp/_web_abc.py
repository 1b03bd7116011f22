"""The access-logger seams of the web server.

``RequestHandler`` reports every answered request to one access logger.
Two shapes are accepted:

- ``AbstractAccessLogger``: a plain method, called as
  ``log(request, response, time)`` with the seconds taken to serve the
  request. The server calls it only when ``enabled`` is true, so a logger
  switched off costs nothing.
- ``AbstractAsyncAccessLogger``: a coroutine, for loggers that must await
  something (a queue, a database). The server awaits it after the response
  has been sent.

Both classes live here, next to nothing else, so that ``aiohttp.abc`` can
lend them (``web_log`` re-exports them) without importing the request and
response modules: those are named for the type checker only.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .web_request import BaseRequest
    from .web_response import StreamResponse

__all__ = ("AbstractAccessLogger", "AbstractAsyncAccessLogger")


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
