"""Runners and sites: serve a low-level server on sockets and shut it down.

A *runner* owns one :class:`~aiohttp.web_server.Server` (the protocol
factory); *sites* make it listen on a TCP port, a Unix socket or a socket
the caller made. The runner's life is::

    runner = ServerRunner(server)      # or AppRunner(app)
    await runner.setup()               # builds runner.server
    await TCPSite(runner, "127.0.0.1", 8080).start()
    ...
    await runner.cleanup()             # graceful stop, see BaseRunner.cleanup

Subclasses of :class:`BaseRunner` decide where the server comes from
(``_make_server``), what to do before in-flight requests are drained
(``shutdown``) and what to release afterwards (``_cleanup_server``).
"""

from __future__ import annotations

import asyncio
import signal
import socket
import warnings
from abc import ABC, abstractmethod
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from yarl import URL

from ._sentinel import _SENTINEL, sentinel
from ._web_abc import AbstractAccessLogger, AbstractAsyncAccessLogger
from .typedefs import PathLike
from .web_app import Application
from .web_log import AccessLogger

if TYPE_CHECKING:
    from ssl import SSLContext

    from .web_server import Server

__all__ = (
    "BaseSite",
    "TCPSite",
    "UnixSite",
    "SockSite",
    "NamedPipeSite",
    "BaseRunner",
    "ServerRunner",
    "AppRunner",
    "GracefulExit",
)

# What the runner's signal handlers stop the loop for.
_EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class GracefulExit(SystemExit):
    """Raised out of the event loop by SIGINT/SIGTERM when a runner handles them.

    ``run_app`` (or the caller's own loop driver) catches it and then runs
    ``runner.cleanup()`` for a graceful shutdown.
    """

    code = 1


def _raise_graceful_exit() -> None:
    raise GracefulExit()


class BaseSite(ABC):
    """One listening endpoint of a runner.

    Subclasses provide :attr:`name` and a :meth:`start` that first awaits
    ``super().start()`` (which registers the site with its runner) and then
    listens, storing the :class:`asyncio.Server` in ``self._server``.
    """

    __slots__ = ("_backlog", "_runner", "_server", "_ssl_context")

    def __init__(
        self,
        runner: BaseRunner,
        *,
        shutdown_timeout: float | _SENTINEL = sentinel,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        if runner.server is None:
            raise RuntimeError("Call runner.setup() before making a site")
        if shutdown_timeout is not sentinel:
            # aiohttp 3.x moved the timeout to the runner: one server, one drain.
            warnings.warn(
                "shutdown_timeout should be set on BaseRunner",
                DeprecationWarning,
                stacklevel=3,
            )
            runner._shutdown_timeout = shutdown_timeout
        self._runner = runner
        self._ssl_context = ssl_context
        self._backlog = backlog
        self._server: asyncio.Server | None = None

    @property
    @abstractmethod
    def name(self) -> str:
        """What the site serves: a URL, or ``http://unix:PATH:`` for Unix sockets."""

    @property
    def _scheme(self) -> str:
        return "https" if self._ssl_context is not None else "http"

    @abstractmethod
    async def start(self) -> None:
        """Start listening. The base registers the site with its runner."""
        if self._runner.server is None:
            raise RuntimeError("The runner is not set up (or already cleaned up)")
        self._runner._reg_site(self)

    def _protocol_factory(self) -> Server:
        server = self._runner.server
        assert server is not None  # start() checked it just before
        return server

    async def _listen(self, listener: Awaitable[asyncio.Server]) -> None:
        """Await the listening server; a site that cannot listen leaves its runner."""
        try:
            self._server = await listener
        except BaseException:
            self._runner._unreg_site(self)
            raise

    async def stop(self) -> None:
        """Stop listening: new connections are refused at once.

        Connections already accepted are left to the runner's cleanup, which
        drains them gracefully.
        """
        self._runner._check_site(self)
        if self._server is not None:
            # Only close: since Python 3.12 wait_closed() also waits for every
            # accepted connection, which is the runner's job to drain.
            self._server.close()
            self._server = None
        self._runner._unreg_site(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class TCPSite(BaseSite):
    """Serve the runner on a TCP host and port.

    ``host=None`` listens on every interface (named ``0.0.0.0``); ``port=None``
    means 8080, or 8443 with an ``ssl_context``; port 0 lets the system pick
    (see :attr:`BaseRunner.addresses`).
    """

    __slots__ = ("_host", "_port", "_reuse_address", "_reuse_port")

    def __init__(
        self,
        runner: BaseRunner,
        host: str | None = None,
        port: int | None = None,
        *,
        shutdown_timeout: float | _SENTINEL = sentinel,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
    ) -> None:
        super().__init__(
            runner,
            shutdown_timeout=shutdown_timeout,
            ssl_context=ssl_context,
            backlog=backlog,
        )
        self._host = host
        if port is None:
            port = 8443 if ssl_context is not None else 8080
        self._port = port
        self._reuse_address = reuse_address
        self._reuse_port = reuse_port

    @property
    def name(self) -> str:
        """``scheme://host:port`` as given (IPv6 hosts in brackets)."""
        host = self._host or "0.0.0.0"  # noqa: S104 (a name, not a bind)
        return str(URL.build(scheme=self._scheme, host=host, port=self._port))

    async def start(self) -> None:
        """Listen on the host and port."""
        await super().start()
        await self._listen(
            asyncio.get_running_loop().create_server(
                self._protocol_factory(),
                self._host,
                self._port,
                ssl=self._ssl_context,
                backlog=self._backlog,
                reuse_address=self._reuse_address,
                reuse_port=self._reuse_port,
            )
        )


class UnixSite(BaseSite):
    """Serve the runner on a Unix domain socket at ``path``."""

    __slots__ = ("_path",)

    def __init__(
        self,
        runner: BaseRunner,
        path: PathLike,
        *,
        shutdown_timeout: float | _SENTINEL = sentinel,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner,
            shutdown_timeout=shutdown_timeout,
            ssl_context=ssl_context,
            backlog=backlog,
        )
        self._path = path

    @property
    def name(self) -> str:
        """``http://unix:PATH:`` (``https`` with an ``ssl_context``)."""
        return f"{self._scheme}://unix:{self._path}:"

    async def start(self) -> None:
        """Listen on the socket path."""
        await super().start()
        await self._listen(
            asyncio.get_running_loop().create_unix_server(
                self._protocol_factory(),
                self._path,
                ssl=self._ssl_context,
                backlog=self._backlog,
            )
        )


class SockSite(BaseSite):
    """Serve the runner on a socket the caller created and bound."""

    __slots__ = ("_name", "_sock")

    def __init__(
        self,
        runner: BaseRunner,
        sock: socket.socket,
        *,
        shutdown_timeout: float | _SENTINEL = sentinel,
        ssl_context: SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner,
            shutdown_timeout=shutdown_timeout,
            ssl_context=ssl_context,
            backlog=backlog,
        )
        self._sock = sock
        # The name is fixed now: a closed socket has no address to report.
        address = sock.getsockname()
        if hasattr(socket, "AF_UNIX") and sock.family == socket.AF_UNIX:
            self._name = f"{self._scheme}://unix:{address}:"
        else:
            host, port = address[:2]
            self._name = str(URL.build(scheme=self._scheme, host=host, port=port))

    @property
    def name(self) -> str:
        """The socket's address as a URL (``http://unix:PATH:`` for Unix sockets)."""
        return self._name

    async def start(self) -> None:
        """Listen on the socket (asyncio calls ``listen(backlog)`` on it)."""
        await super().start()
        await self._listen(
            asyncio.get_running_loop().create_server(
                self._protocol_factory(),
                sock=self._sock,
                ssl=self._ssl_context,
                backlog=self._backlog,
            )
        )


class NamedPipeSite(BaseSite):
    """Serve the runner on a Windows named pipe (proactor event loops only)."""

    __slots__ = ("_path", "_pipe")

    def __init__(
        self,
        runner: BaseRunner,
        path: str,
        *,
        shutdown_timeout: float | _SENTINEL = sentinel,
    ) -> None:
        proactor = getattr(asyncio, "ProactorEventLoop", None)
        if proactor is None or not isinstance(asyncio.get_running_loop(), proactor):
            raise RuntimeError(
                "Named Pipes only available in proactor loop under windows"
            )
        super().__init__(runner, shutdown_timeout=shutdown_timeout)
        self._path = path
        self._pipe: Any = None

    @property
    def name(self) -> str:  # pragma: no cover (Windows only)
        """The pipe's path."""
        return self._path

    async def start(self) -> None:  # pragma: no cover (Windows only)
        """Serve on the pipe."""
        await super().start()
        loop: Any = asyncio.get_running_loop()
        try:
            pipes = await loop.start_serving_pipe(self._protocol_factory(), self._path)
        except BaseException:
            self._runner._unreg_site(self)
            raise
        self._pipe = pipes[0]

    async def stop(self) -> None:  # pragma: no cover (Windows only)
        """Stop serving on the pipe."""
        self._runner._check_site(self)
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None
        await super().stop()


class BaseRunner(ABC):
    """Own a low-level server and the sites that serve it.

    ``handle_signals=True`` makes SIGINT and SIGTERM raise
    :class:`GracefulExit` out of the event loop between :meth:`setup` and
    :meth:`cleanup`. ``shutdown_timeout`` bounds how long :meth:`cleanup`
    lets in-flight requests run before cancelling them. Other keyword
    arguments are kept for subclasses (``AppRunner`` passes them to the
    server it makes).
    """

    __slots__ = ("_handle_signals", "_kwargs", "_server", "_shutdown_timeout", "_sites")

    def __init__(
        self,
        *,
        handle_signals: bool = False,
        shutdown_timeout: float = 60.0,
        **kwargs: Any,  # noqa: ANN401 (passed on to the server subclasses make)
    ) -> None:
        self._handle_signals = handle_signals
        self._shutdown_timeout = shutdown_timeout
        self._kwargs: dict[str, Any] = kwargs
        self._server: Server | None = None
        # A list keeps start order, which makes cleanup's order predictable.
        self._sites: list[BaseSite] = []

    @property
    def server(self) -> Server | None:
        """The low-level server; ``None`` before :meth:`setup` and after cleanup."""
        return self._server

    @property
    def addresses(self) -> list[Any]:
        """The ``getsockname()`` of every socket the started sites listen on."""
        return [
            sock.getsockname()
            for site in self._sites
            if site._server is not None
            for sock in site._server.sockets
        ]

    @property
    def sites(self) -> set[BaseSite]:
        """The registered (started) sites, as a new set."""
        return set(self._sites)

    async def setup(self) -> None:
        """Make the server; install the signal handlers if asked to."""
        if self._server is not None:
            raise RuntimeError("The runner is already set up")
        if self._handle_signals:
            self._add_signal_handlers()
        try:
            self._server = await self._make_server()
        except BaseException:
            if self._handle_signals:
                self._remove_signal_handlers()
            raise

    @abstractmethod
    async def shutdown(self) -> None:
        """Hook run during cleanup, after idle connections are closed.

        In-flight requests are still running; ``AppRunner`` fires the
        application's ``on_shutdown`` signal here.
        """

    async def cleanup(self) -> None:
        """Stop every site and shut the server down gracefully.

        In order: every site stops listening (new connections are refused),
        the server closes idle keep-alive connections (``pre_shutdown``), the
        :meth:`shutdown` hook runs, in-flight requests get up to
        ``shutdown_timeout`` seconds to finish before they are cancelled
        (``server.shutdown``), and ``_cleanup_server`` releases the rest.
        """
        try:
            # One site at a time: a failure leaves exactly the sites not yet
            # stopped registered, so a second cleanup() can finish the job.
            for site in list(self._sites):
                await site.stop()
            if self._server is not None:
                # Let connections accepted just before the sites closed reach
                # their first request, so they count as in flight, not idle.
                await asyncio.sleep(0)
                self._server.pre_shutdown()
                await self.shutdown()
                await self._server.shutdown(self._shutdown_timeout)
            await self._cleanup_server()
        finally:
            self._server = None
            if self._handle_signals:
                self._remove_signal_handlers()

    @abstractmethod
    async def _make_server(self) -> Server:
        """Create (or return) the low-level server :meth:`setup` stores."""

    @abstractmethod
    async def _cleanup_server(self) -> None:
        """Release what :meth:`_make_server` set up; the last step of cleanup."""

    def _add_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for signum in _EXIT_SIGNALS:
                loop.add_signal_handler(signum, _raise_graceful_exit)
        except NotImplementedError:  # pragma: no cover (Windows loops)
            pass

    def _remove_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for signum in _EXIT_SIGNALS:
                loop.remove_signal_handler(signum)
        except NotImplementedError:  # pragma: no cover (Windows loops)
            pass

    def _reg_site(self, site: BaseSite) -> None:
        if site in self._sites:
            raise RuntimeError(f"Site {site!r} is already registered in runner {self}")
        self._sites.append(site)

    def _check_site(self, site: BaseSite) -> None:
        if site not in self._sites:
            raise RuntimeError(f"Site {site!r} is not registered in runner {self}")

    def _unreg_site(self, site: BaseSite) -> None:
        self._check_site(site)
        self._sites.remove(site)


class ServerRunner(BaseRunner):
    """A runner for a low-level :class:`~aiohttp.web_server.Server`."""

    __slots__ = ("_web_server",)

    def __init__(
        self,
        web_server: Server,
        *,
        handle_signals: bool = False,
        **kwargs: Any,  # noqa: ANN401 (BaseRunner's options)
    ) -> None:
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._web_server = web_server

    async def shutdown(self) -> None:
        """Nothing to notify: a bare server has no shutdown signal."""

    async def _make_server(self) -> Server:
        return self._web_server

    async def _cleanup_server(self) -> None:
        pass


class AppRunner(BaseRunner):
    """A runner for an :class:`~aiohttp.web_app.Application`.

    :meth:`setup` starts the application (``on_startup``, ``cleanup_ctx``)
    and freezes it; :meth:`cleanup` fires ``on_shutdown`` while in-flight
    requests still run, then ``on_cleanup`` once they are done. Other keyword
    arguments configure the server (``keepalive_timeout``, ``access_log``,
    ``access_log_format``, ``handler_cancellation``, ...); the application's
    ``handler_args`` override them, as in aiohttp.
    """

    __slots__ = ("_app",)

    def __init__(
        self,
        app: Application,
        *,
        handle_signals: bool = False,
        access_log_class: type[
            AbstractAccessLogger | AbstractAsyncAccessLogger
        ] = AccessLogger,
        **kwargs: Any,  # noqa: ANN401 (the server's options)
    ) -> None:
        if not isinstance(app, Application):
            raise TypeError(
                f"The first argument should be web.Application instance, got {app!r}"
            )
        kwargs["access_log_class"] = access_log_class
        if app._handler_args:
            kwargs.update(app._handler_args)
        log_class = kwargs["access_log_class"]
        if not (
            isinstance(log_class, type)
            and issubclass(log_class, (AbstractAccessLogger, AbstractAsyncAccessLogger))
        ):
            raise TypeError(
                "access_log_class must be subclass of "
                "aiohttp.abc.AbstractAccessLogger or "
                f"aiohttp.abc.AbstractAsyncAccessLogger, got {log_class}"
            )
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._app = app

    @property
    def app(self) -> Application:
        """The application served."""
        return self._app

    async def shutdown(self) -> None:
        """Fire the application's ``on_shutdown`` signal."""
        await self._app.shutdown()

    async def _make_server(self) -> Server:
        # on_startup is frozen first: a startup handler cannot add another.
        self._app.on_startup.freeze()
        await self._app.startup()
        self._app.freeze()
        return self._app._make_handler(loop=asyncio.get_running_loop(), **self._kwargs)

    async def _cleanup_server(self) -> None:
        await self._app.cleanup()
