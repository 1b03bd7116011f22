"""Routes and match infos: what the URL dispatcher resolves a request to.

A *route* is one HTTP method of a resource together with its handler
(``ResourceRoute``); ``SystemRoute`` is the pseudo-route of a failed
resolution, whose handler raises the 404 or 405. A *match info*
(``UrlMappingMatchInfo``) is the result of resolving one request: the
values of the path's variables (it is a dict of them), the route, and the
stack of applications the request went through. ``MatchInfoError`` is the
match info of a miss.

``web_urldispatcher`` re-exports everything public here; the resources
live in ``_web_routes_resources`` (and the static and sub-application ones
in their own modules).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import sys
import warnings
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from re import Pattern
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypedDict

from . import hdrs
from ._web_abc import AbstractMatchInfo, AbstractView
from .http_writer import HttpVersion11
from .web_exceptions import HTTPException, HTTPExpectationFailed

if TYPE_CHECKING:
    from yarl import URL

    from ._web_routes_resources import AbstractResource
    from ._web_routes_subapp import AbstractRuleMatching
    from .web_app import Application
    from .web_request import Request
    from .web_response import StreamResponse

__all__ = (
    "AbstractRoute",
    "Handler",
    "MatchInfoError",
    "ResourceRoute",
    "SystemRoute",
    "UrlMappingMatchInfo",
)

#: A web handler: a coroutine function taking the request.
Handler: TypeAlias = "Callable[[Request], Awaitable[StreamResponse]]"
#: What a route accepts as its handler: a coroutine function or a view class.
HandlerOrView: TypeAlias = "Handler | type[AbstractView]"
#: The coroutine that answers a request's ``Expect`` header.
ExpectHandler: TypeAlias = "Callable[[Request], Awaitable[StreamResponse | None]]"

# RFC 9110 5.6.2 token: what a method may be spelled with ("*" is any method).
_METHOD_RE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

_DEBUG: Final = sys.flags.dev_mode or (
    not sys.flags.ignore_environment and bool(os.environ.get("PYTHONASYNCIODEBUG"))
)


class InfoDict(TypedDict, total=False):
    """What ``get_info()`` of resources, routes and match infos may hold."""

    path: str
    formatter: str
    pattern: Pattern[str]
    directory: Path
    prefix: str
    routes: dict[str, AbstractRoute]
    app: Application
    domain: str
    rule: AbstractRuleMatching
    http_exception: HTTPException


def is_coroutine_function(func: object) -> bool:
    """Whether ``func`` is an ``async def`` function (or marked as one)."""
    if inspect.iscoroutinefunction(func):
        return True
    # asyncio's check also knows its own markers (AsyncMock); it is
    # deprecated, and warns, from Python 3.14 on.
    return sys.version_info < (3, 14) and asyncio.iscoroutinefunction(func)


def _checked_handler(handler: HandlerOrView) -> Handler:
    """Return the handler a route calls for ``handler``.

    Coroutine functions and view classes are used as they are. Any other
    callable is wrapped, with aiohttp's ``DeprecationWarning``: its result
    is awaited when it is awaitable.
    """
    if is_coroutine_function(handler):
        return handler
    if isinstance(handler, type) and issubclass(handler, AbstractView):
        return handler
    if not callable(handler):
        raise TypeError(f"A web handler must be callable, got {handler!r}")
    # No stacklevel: the registration call sits at varying depths (as in aiohttp).
    warnings.warn(  # noqa: B028
        "Bare functions are deprecated, use async ones", DeprecationWarning
    )
    function: Callable[[Request], Any] = handler

    @wraps(function)
    async def call(request: Request) -> StreamResponse:
        result = function(request)
        if inspect.isawaitable(result):
            result = await result
        return result  # type: ignore[no-any-return]

    return call


async def _default_expect_handler(request: Request) -> None:
    """Answer ``Expect: 100-continue``; refuse (417) any other expectation.

    The interim response goes out at once, unless the declared body is over
    the request's limit (the handler then gets its 413 without inviting the
    body). HTTP/1.0 clients' expectations are ignored (RFC 9110 10.1.1).
    """
    expect = request.headers.get(hdrs.EXPECT, "")
    if request.version == HttpVersion11:
        if expect.lower() != "100-continue":
            raise HTTPExpectationFailed(text=f"Unknown Expect: {expect}")
        request._body_requested()


class AbstractRoute(ABC):
    """One HTTP method of a resource and the handler serving it.

    ``method`` is upper-cased (``"*"`` means every method). A handler that
    is not a coroutine function or a view class is wrapped, with a
    ``DeprecationWarning`` (aiohttp's). ``expect_handler`` answers an
    ``Expect`` header before the handler runs; the default sends
    ``100 Continue``.
    """

    def __init__(
        self,
        method: str,
        handler: HandlerOrView,
        *,
        expect_handler: ExpectHandler | None = None,
        resource: AbstractResource | None = None,
    ) -> None:
        if expect_handler is None:
            expect_handler = _default_expect_handler
        elif not is_coroutine_function(expect_handler):
            raise TypeError(f"Coroutine is expected, got {expect_handler!r}")
        method = method.upper()
        if not _METHOD_RE.fullmatch(method):
            raise ValueError(f"{method} is not allowed HTTP method")
        self._method = method
        self._handler = _checked_handler(handler)
        self._expect_handler = expect_handler
        self._resource = resource

    @property
    def method(self) -> str:
        """The HTTP method served, upper-case, or ``"*"`` for any."""
        return self._method

    @property
    def handler(self) -> Handler:
        """The handler (a coroutine function, or a view class)."""
        return self._handler

    @property
    @abstractmethod
    def name(self) -> str | None:
        """The route's name: its resource's name."""

    @property
    def resource(self) -> AbstractResource | None:
        """The resource the route belongs to (``None`` for system routes)."""
        return self._resource

    @abstractmethod
    def get_info(self) -> InfoDict:
        """A dict describing the route, for introspection."""

    @abstractmethod
    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Build a URL for the route (its resource's ``url_for``)."""

    async def handle_expect_header(self, request: Request) -> StreamResponse | None:
        """Run the route's expect handler; a response it returns is the answer."""
        return await self._expect_handler(request)


class ResourceRoute(AbstractRoute):
    """A route of a resource (what ``Resource.add_route`` makes)."""

    def __init__(
        self,
        method: str,
        handler: HandlerOrView,
        resource: AbstractResource,
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> None:
        super().__init__(
            method, handler, expect_handler=expect_handler, resource=resource
        )

    @property
    def name(self) -> str | None:
        """The name of the route's resource."""
        resource = self._resource
        return None if resource is None else resource.name

    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Build a URL with the resource's ``url_for``."""
        assert self._resource is not None
        return self._resource.url_for(*args, **kwargs)

    def get_info(self) -> InfoDict:
        """The resource's ``get_info()``."""
        assert self._resource is not None
        return self._resource.get_info()

    def __repr__(self) -> str:
        return f"<ResourceRoute [{self._method}] {self._resource} -> {self._handler!r}>"


class SystemRoute(AbstractRoute):
    """The route of a failed resolution: its handler raises the error."""

    def __init__(self, http_exception: HTTPException) -> None:
        super().__init__(hdrs.METH_ANY, self._handle)
        self._http_exception = http_exception

    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Refused: a system route has no URL."""
        raise RuntimeError(".url_for() is not allowed for SystemRoute")

    @property
    def name(self) -> str | None:
        """Always ``None``."""
        return None

    def get_info(self) -> InfoDict:
        """``{"http_exception": <the error>}``."""
        return {"http_exception": self._http_exception}

    async def _handle(self, request: Request) -> StreamResponse:
        raise self._http_exception

    @property
    def status(self) -> int:
        """The error's status code (404, 405)."""
        return self._http_exception.status

    @property
    def reason(self) -> str:
        """The error's reason phrase."""
        return self._http_exception.reason

    def __repr__(self) -> str:
        return f"<SystemRoute {self.status}: {self.reason}>"


class UrlMappingMatchInfo(dict[str, str], AbstractMatchInfo):
    """The result of resolving a request: a dict of the path's variables.

    It also carries the matched ``route`` (so ``handler`` and
    ``expect_handler``) and the stack of applications the request went
    through, outermost first, which the application fills in
    (``add_app``) before ``freeze()``.
    """

    __slots__ = ("_apps", "_current_app", "_frozen", "_route")

    def __init__(self, match_dict: dict[str, str], route: AbstractRoute) -> None:
        super().__init__(match_dict)
        self._route = route
        self._apps: list[Application] = []
        self._current_app: Application | None = None
        self._frozen = False

    @property
    def handler(self) -> Handler:
        """The matched route's handler."""
        return self._route.handler

    @property
    def route(self) -> AbstractRoute:
        """The matched route."""
        return self._route

    @property
    def expect_handler(self) -> ExpectHandler:
        """The coroutine answering an ``Expect`` header for this route."""
        return self._route.handle_expect_header

    @property
    def http_exception(self) -> HTTPException | None:
        """``None``: the request matched."""
        return None

    def get_info(self) -> InfoDict:  # type: ignore[override]
        """The matched route's ``get_info()``."""
        return self._route.get_info()

    @property
    def apps(self) -> tuple[Application, ...]:
        """The applications the request went through, outermost first."""
        return tuple(self._apps)

    def add_app(self, app: Application) -> None:
        """Push ``app`` as the outermost application (the first is current)."""
        if self._frozen:
            raise RuntimeError("Cannot change apps stack after .freeze() call")
        if self._current_app is None:
            self._current_app = app
        self._apps.insert(0, app)

    @property
    def current_app(self) -> Application:
        """The application whose handler or middleware is running now."""
        app = self._current_app
        assert app is not None
        return app

    @current_app.setter
    def current_app(self, app: Application) -> None:
        if _DEBUG and app not in self._apps:
            raise RuntimeError(
                f"Expected one of the following apps {self._apps!r}, got {app!r}"
            )
        self._current_app = app

    @contextmanager
    def set_current_app(self, app: Application) -> Iterator[None]:
        """Make ``app`` the current application inside the ``with`` block."""
        previous = self._current_app
        self.current_app = app
        try:
            yield
        finally:
            self._current_app = previous

    def freeze(self) -> None:
        """Forbid ``add_app`` from now on."""
        self._frozen = True

    def __repr__(self) -> str:
        return f"<MatchInfo {super().__repr__()}: {self._route}>"


class MatchInfoError(UrlMappingMatchInfo):
    """The match info of a miss: 404, or 405 when only the method is wrong.

    Its handler raises ``http_exception``.
    """

    __slots__ = ("_exception",)

    def __init__(self, http_exception: HTTPException) -> None:
        self._exception = http_exception
        super().__init__({}, SystemRoute(http_exception))

    @property
    def http_exception(self) -> HTTPException:
        """The error the handler raises."""
        return self._exception

    def __repr__(self) -> str:
        exc = self._exception
        return f"<MatchInfoError {exc.status}: {exc.reason}>"
