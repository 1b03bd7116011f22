"""The web application (aiohttp.web_app): state, router, middlewares, signals.

An ``Application`` is what ``run_app`` and ``AppRunner`` serve. It holds
the router, the middlewares, the lifecycle signals (``on_startup``,
``on_shutdown``, ``on_cleanup``, ``cleanup_ctx``, ``on_response_prepare``)
and the shared state (``app[key]``). It is frozen when it starts: routes,
middlewares and signals cannot change any more.

Serving a request (``_handle``): the router resolves it to a match info
that carries the applications it went through (outermost first, sub-apps
inside); the middlewares of those applications wrap the matched handler,
outermost application's first; the result is the response.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
)
from functools import partial
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast, overload

from . import hdrs
from ._signals import FrozenList, Signal
from ._web_keys import AppKey
from ._web_routes import Handler
from .http_parser import RawRequestMessage
from .log import web_logger
from .streams import StreamReader
from .web_exceptions import NotAppKeyWarning
from .web_log import AccessLogger
from .web_request import Request
from .web_response import StreamResponse
from .web_routedef import AbstractRouteDef
from .web_server import Server
from .web_urldispatcher import (
    AbstractResource,
    AbstractRoute,
    Domain,
    MaskDomain,
    MatchedSubAppResource,
    PrefixedSubAppResource,
    UrlDispatcher,
    UrlMappingMatchInfo,
)

if TYPE_CHECKING:
    from .abc import AbstractStreamWriter
    from .web_protocol import RequestHandler

__all__ = ("AppKey", "Application", "CleanupError", "Handler", "Middleware")

_T = TypeVar("_T")
_U = TypeVar("_U")

Middleware = Callable[[Request, Handler], Awaitable[StreamResponse]]
_CleanupContextItem = Callable[["Application"], AsyncIterator[None]]

_NOT_APP_KEY: Final = (
    "It is recommended to use web.AppKey instances for keys.\n"
    "https://docs.aiohttp.org/en/stable/web_advanced.html"
    "#application-s-config"
)


class CleanupError(RuntimeError):
    """Some ``cleanup_ctx`` generators failed; ``exceptions`` lists why."""

    @property
    def exceptions(self) -> list[BaseException]:
        """The errors, in the order the cleanups ran."""
        errors: list[BaseException] = self.args[1]
        return errors


class CleanupContext(FrozenList[_CleanupContextItem]):
    """Async generators run up to their ``yield`` at startup, resumed at cleanup."""

    def __init__(self) -> None:
        super().__init__()
        self._running: list[AsyncIterator[None]] = []

    async def _on_startup(self, app: Application) -> None:
        for context in self:
            iterator = context(app)
            await iterator.__anext__()
            self._running.append(iterator)

    async def _on_cleanup(self, app: Application) -> None:
        errors: list[BaseException] = []
        # Reverse order, like nested ``async with`` blocks.
        for iterator in reversed(self._running):
            error = await _finish(iterator)
            if error is not None:
                errors.append(error)
        self._running.clear()
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise CleanupError("Multiple errors on cleanup stage", errors)


async def _finish(iterator: AsyncIterator[None]) -> BaseException | None:
    """Run a cleanup context past its ``yield``; return what went wrong."""
    try:
        await iterator.__anext__()
    except StopAsyncIteration:
        return None
    except (Exception, asyncio.CancelledError) as exc:
        return exc
    return RuntimeError(f"{iterator!r} has more than one 'yield'")


def _is_new_style(middleware: object) -> bool:
    return getattr(middleware, "__middleware_version__", None) == 1


class Application(MutableMapping["str | AppKey[Any]", Any]):
    """A web application: ``app.router`` plus state, middlewares and signals."""

    __slots__ = (
        "__weakref__",
        "_cleanup_ctx",
        "_client_max_size",
        "_frozen",
        "_handler_args",
        "_logger",
        "_middlewares",
        "_middlewares_handlers",
        "_on_cleanup",
        "_on_response_prepare",
        "_on_shutdown",
        "_on_startup",
        "_plain_middlewares",
        "_pre_frozen",
        "_router",
        "_run_middlewares",
        "_state",
        "_subapps",
    )

    def __init__(
        self,
        *,
        logger: logging.Logger = web_logger,
        middlewares: Iterable[Middleware] = (),
        handler_args: Mapping[str, Any] | None = None,
        client_max_size: int = 1024**2,
        debug: Any = ...,  # noqa: ANN401 - aiohttp's deprecated argument
    ) -> None:
        if debug is not ...:
            warnings.warn(
                "debug argument is no-op since 4.0 and scheduled for removal in 5.0",
                DeprecationWarning,
                stacklevel=2,
            )
        self._router = UrlDispatcher()
        self._handler_args = handler_args
        self._logger = logger
        self._middlewares: FrozenList[Middleware] = FrozenList(middlewares)
        self._middlewares_handlers: tuple[tuple[Middleware, bool], ...] = ()
        self._plain_middlewares: tuple[Middleware, ...] | None = None
        self._run_middlewares: bool | None = None
        self._state: dict[str | AppKey[Any], Any] = {}
        self._frozen = False
        self._pre_frozen = False
        self._subapps: list[Application] = []
        self._on_response_prepare: Signal = Signal(self)
        self._on_startup: Signal = Signal(self)
        self._on_shutdown: Signal = Signal(self)
        self._on_cleanup: Signal = Signal(self)
        self._cleanup_ctx = CleanupContext()
        self._on_startup.append(self._cleanup_ctx._on_startup)
        self._on_cleanup.append(self._cleanup_ctx._on_cleanup)
        self._client_max_size = client_max_size

    def __init_subclass__(cls) -> None:
        raise TypeError(
            f"Inheritance class {cls.__name__} from web.Application is forbidden"
        )

    # -- state --------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__

    @overload
    def __getitem__(self, key: AppKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...  # noqa: ANN401

    def __getitem__(self, key: str | AppKey[_T]) -> Any:
        return self._state[key]

    def _check_frozen(self) -> None:
        if self._frozen:
            warnings.warn(
                "Changing state of started or joined application is deprecated",
                DeprecationWarning,
                stacklevel=3,
            )

    @overload
    def __setitem__(self, key: AppKey[_T], value: _T) -> None: ...

    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...  # noqa: ANN401

    def __setitem__(self, key: str | AppKey[_T], value: Any) -> None:
        self._check_frozen()
        if not isinstance(key, AppKey):
            warnings.warn(_NOT_APP_KEY, category=NotAppKeyWarning, stacklevel=2)
        self._state[key] = value

    def __delitem__(self, key: str | AppKey[_T]) -> None:
        self._check_frozen()
        del self._state[key]

    def __len__(self) -> int:
        return len(self._state)

    def __iter__(self) -> Iterator[str | AppKey[Any]]:
        return iter(self._state)

    def __bool__(self) -> bool:
        return True

    @overload  # type: ignore[override]
    def get(self, key: AppKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: AppKey[_T], default: _U) -> _T | _U: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...  # noqa: ANN401

    def get(self, key: str | AppKey[_T], default: Any = None) -> Any:
        return self._state.get(key, default)

    # -- freezing -----------------------------------------------------------------

    @property
    def frozen(self) -> bool:
        """Whether the application has started (or joined a started one)."""
        return self._frozen

    @property
    def pre_frozen(self) -> bool:
        """Whether routes, middlewares and signals are fixed."""
        return self._pre_frozen

    def pre_freeze(self) -> None:
        """Fix the router, middlewares and signals (the state stays open)."""
        if self._pre_frozen:
            return
        self._pre_frozen = True
        self._middlewares.freeze()
        self._router.freeze()
        self._on_response_prepare.freeze()
        self._cleanup_ctx.freeze()
        self._on_startup.freeze()
        self._on_shutdown.freeze()
        self._on_cleanup.freeze()
        handlers = []
        for middleware in reversed(self._middlewares):
            new_style = _is_new_style(middleware)
            if not new_style:
                warnings.warn(
                    f'old-style middleware "{middleware!r}" deprecated, see #2252',
                    DeprecationWarning,
                    stacklevel=2,
                )
            handlers.append((middleware, new_style))
        self._middlewares_handlers = tuple(handlers)
        # What a request to one of this application's own routes needs:
        # its new-style middlewares, innermost first, bound with a partial.
        self._plain_middlewares = (
            tuple(middleware for middleware, _ in handlers)
            if all(new_style for _, new_style in handlers)
            else None
        )
        for subapp in self._subapps:
            subapp.pre_freeze()
        # Nothing to wrap anywhere: skip the middleware step for every request.
        self._run_middlewares = bool(handlers) or any(
            subapp._run_middlewares for subapp in self._subapps
        )

    def freeze(self) -> None:
        """Fix everything: done when the application starts."""
        if self._frozen:
            return
        self.pre_freeze()
        self._frozen = True
        for subapp in self._subapps:
            subapp.freeze()

    # -- configuration ------------------------------------------------------------

    @property
    def debug(self) -> bool:
        """The event loop's debug mode (aiohttp's deprecated attribute)."""
        warnings.warn(
            "debug property is deprecated since 3.5 and scheduled for removal in 4.0",
            DeprecationWarning,
            stacklevel=2,
        )
        return asyncio.get_event_loop().get_debug()

    @property
    def logger(self) -> logging.Logger:
        """The logger for the application's own messages."""
        return self._logger

    @property
    def router(self) -> UrlDispatcher:
        """The URL dispatcher."""
        return self._router

    @property
    def middlewares(self) -> FrozenList[Middleware]:
        """The middlewares, outermost first."""
        return self._middlewares

    @property
    def on_response_prepare(self) -> Signal:
        """``handler(request, response)`` before each response's head goes out."""
        return self._on_response_prepare

    @property
    def on_startup(self) -> Signal:
        """``handler(app)`` when the application starts."""
        return self._on_startup

    @property
    def on_shutdown(self) -> Signal:
        """``handler(app)`` when the server starts shutting down."""
        return self._on_shutdown

    @property
    def on_cleanup(self) -> Signal:
        """``handler(app)`` after the server has shut down."""
        return self._on_cleanup

    @property
    def cleanup_ctx(self) -> CleanupContext:
        """Async generators: set up until their ``yield``, cleaned up after."""
        return self._cleanup_ctx

    def add_subapp(self, prefix: str, subapp: Application) -> PrefixedSubAppResource:
        """Serve ``subapp`` under the path ``prefix``."""
        if not isinstance(prefix, str):
            raise TypeError("Prefix must be str")
        prefix = prefix.rstrip("/")
        if not prefix:
            raise ValueError("Prefix cannot be empty")
        # Before the resource exists: making it prefixes the sub-app's routes.
        self._check_can_add(subapp)
        resource = PrefixedSubAppResource(prefix, subapp)
        return cast(PrefixedSubAppResource, self._add_subapp(resource, subapp))

    def add_domain(self, domain: str, subapp: Application) -> MatchedSubAppResource:
        """Serve ``subapp`` for requests whose Host matches ``domain``.

        ``domain`` may start with ``*.`` (or hold ``*``) for a mask.
        """
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        rule = MaskDomain(domain) if "*" in domain else Domain(domain)
        self._check_can_add(subapp)
        resource = MatchedSubAppResource(rule, subapp)
        return cast(MatchedSubAppResource, self._add_subapp(resource, subapp))

    def _check_can_add(self, subapp: Application) -> None:
        if self._frozen:
            raise RuntimeError("Cannot add sub application to frozen application")
        if subapp._frozen:
            raise RuntimeError("Cannot add frozen application")

    def _add_subapp(
        self, resource: AbstractResource, subapp: Application
    ) -> AbstractResource:
        self._router.register_resource(resource)
        self._chain_signals(subapp)
        self._subapps.append(subapp)
        subapp.pre_freeze()
        return resource

    def _chain_signals(self, subapp: Application) -> None:
        async def startup(app: Application) -> None:
            await subapp.on_startup.send(subapp)

        async def shutdown(app: Application) -> None:
            await subapp.on_shutdown.send(subapp)

        async def cleanup(app: Application) -> None:
            await subapp.on_cleanup.send(subapp)

        self._on_startup.append(startup)
        self._on_shutdown.append(shutdown)
        self._on_cleanup.append(cleanup)

    def add_routes(self, routes: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Register route definitions (``web.get(...)``, a ``RouteTableDef``)."""
        return self._router.add_routes(routes)

    # -- lifecycle ----------------------------------------------------------------

    async def startup(self) -> None:
        """Run the ``on_startup`` handlers (the runner calls this)."""
        await self.on_startup.send(self)

    async def shutdown(self) -> None:
        """Run the ``on_shutdown`` handlers (the runner calls this)."""
        await self.on_shutdown.send(self)

    async def cleanup(self) -> None:
        """Run the ``on_cleanup`` handlers (the runner calls this)."""
        if self.on_cleanup.frozen:
            await self.on_cleanup.send(self)
        else:
            # The application never started: only the cleanup contexts ran.
            await self._cleanup_ctx._on_cleanup(self)

    # -- serving ------------------------------------------------------------------

    def _make_handler(
        self,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        access_log_class: type[Any] = AccessLogger,
        **kwargs: Any,  # noqa: ANN401 - Server and RequestHandler options
    ) -> Server:
        self.freeze()
        kwargs["access_log_class"] = access_log_class
        if self._handler_args:
            for name, value in self._handler_args.items():
                kwargs.setdefault(name, value)
        return Server(
            self._handle,  # type: ignore[arg-type]
            request_factory=self._make_request,
            loop=loop,
            **kwargs,
        )

    def _make_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
        _cls: type[Request] = Request,
    ) -> Request:
        return _cls(
            message,
            payload,
            protocol,
            writer,
            task,
            protocol._loop,
            client_max_size=self._client_max_size,
        )

    async def _handle(self, request: Request) -> StreamResponse:
        match_info = await self._router.resolve(request)
        match_info.add_app(self)
        match_info.freeze()
        request._match_info = match_info
        if request.headers.get(hdrs.EXPECT):
            response = await match_info.expect_handler(request)
            if response is not None:
                return response
            request._expectation_answered()
        handler: Handler = match_info.handler
        if self._run_middlewares:
            plain = self._plain_middlewares
            if plain is not None and len(match_info._apps) == 1:
                # One application, only new-style middlewares: it is always
                # the current one, and aiohttp calls each middleware as
                # ``middleware(request, handler=...)``.
                for middleware in plain:
                    handler = partial(middleware, handler=handler)  # type: ignore[call-arg]
            else:
                handler = await self._wrap_middlewares(match_info, handler)
        return await handler(request)

    async def _wrap_middlewares(
        self, match_info: UrlMappingMatchInfo, handler: Handler
    ) -> Handler:
        # Innermost first: the current (deepest) app's middlewares wrap the
        # handler, then each enclosing app's around those.
        for app in reversed(match_info.apps):
            for middleware, new_style in app._middlewares_handlers:
                if new_style:
                    handler = _bind_middleware(middleware, handler, app, match_info)
                else:
                    # aiohttp's deprecated factories: (app, handler) -> handler.
                    factory = cast(
                        Callable[[Application, Handler], Awaitable[Handler]],
                        middleware,
                    )
                    handler = await factory(app, handler)
        return handler

    def __call__(self) -> Application:
        """Return the application itself (gunicorn's app-factory protocol)."""
        return self

    def __repr__(self) -> str:
        return f"<Application 0x{id(self):x}>"


def _bind_middleware(
    middleware: Middleware,
    handler: Handler,
    app: Application,
    match_info: UrlMappingMatchInfo,
) -> Handler:
    async def run(request: Request) -> StreamResponse:
        with match_info.set_current_app(app):
            return await middleware(request, handler)

    return run
