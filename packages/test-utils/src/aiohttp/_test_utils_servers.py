"""Test servers on real sockets (part of aiohttp.test_utils).

A test server binds a TCP socket (127.0.0.1 and a free port unless told
otherwise), serves an application (:class:`TestServer`) or a bare request
handler (:class:`RawTestServer`) on it with the web runner, and turns paths
into absolute URLs for the client. Handlers are cancelled when their client
disconnects (``handler_cancellation=True``), as aiohttp's test servers do.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from yarl import URL

from ._test_utils_loop import get_port_socket
from .typedefs import StrOrURL
from .web_app import Application
from .web_request import BaseRequest, Request
from .web_response import StreamResponse
from .web_runner import AppRunner, BaseRunner, ServerRunner, SockSite
from .web_server import Server

if TYPE_CHECKING:
    from ssl import SSLContext

    from typing_extensions import Self

__all__ = ("BaseTestServer", "RawTestServer", "TestServer")

_Request = TypeVar("_Request", bound=BaseRequest)
_SocketFactory = Callable[[str, int, socket.AddressFamily], socket.socket]
_RawHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]


class BaseTestServer(ABC, Generic[_Request]):
    """A server for tests: started with :meth:`start_server` (or ``async with``).

    ``port=None`` (or 0) binds a free port; ``scheme`` defaults to
    ``"https"`` when ``start_server()`` gets an ``ssl`` context, else
    ``"http"``. ``socket_factory(host, port, family)`` makes the bound
    socket. ``skip_url_asserts=True`` lets :meth:`make_url` append anything
    (absolute URLs included) to the root URL. Other keyword arguments
    configure the server like those of :meth:`start_server`.
    """

    __test__ = False  # a library class, not a pytest test class

    def __init__(
        self,
        *,
        scheme: str = "",
        loop: asyncio.AbstractEventLoop | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        skip_url_asserts: bool = False,
        socket_factory: _SocketFactory = get_port_socket,
        **kwargs: Any,  # noqa: ANN401 - the server's options
    ) -> None:
        self._loop = loop
        self.runner: BaseRunner | None = None
        self._root: URL | None = None
        self.host = host
        self.port = port
        self.scheme = scheme
        self.skip_url_asserts = skip_url_asserts
        self.socket_factory = socket_factory
        self._kwargs = kwargs
        self._site: SockSite | None = None
        self._closed = False

    async def start_server(
        self,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,  # noqa: ANN401 - the server's options
    ) -> None:
        """Bind the socket and start serving; a started server is left alone.

        ``ssl`` (an ``ssl.SSLContext``) serves HTTPS; other keyword
        arguments configure the runner and each connection's handler
        (``shutdown_timeout``, ``keepalive_timeout``, ``access_log``, ...).
        """
        if self.runner is not None:
            return
        if loop is not None:
            self._loop = loop
        options = {**self._kwargs, **kwargs}
        ssl_context: SSLContext | None = options.pop("ssl", None)
        options.setdefault("handler_cancellation", True)
        family = _address_family(self.host)
        sock = self.socket_factory(self.host, self.port or 0, family)
        runner: BaseRunner | None = None
        try:
            host, port = sock.getsockname()[:2]
            runner = self.runner = await self._make_runner(**options)
            await runner.setup()
            site = SockSite(runner, sock, ssl_context=ssl_context)
            await site.start()
        except BaseException:
            self.runner = None
            sock.close()
            if runner is not None:
                await runner.cleanup()
            raise
        self._site = site
        if not self.scheme:
            self.scheme = "https" if ssl_context is not None else "http"
        # The URL keeps the host as given (a name stays a name).
        self._root = URL.build(scheme=self.scheme, host=self.host, port=port)
        self.host, self.port = host, port

    @abstractmethod
    async def _make_runner(self, **kwargs: Any) -> BaseRunner:  # noqa: ANN401
        """Return the (not yet set up) runner that serves this test server."""

    def make_url(self, path: StrOrURL) -> URL:
        """Return the absolute URL of ``path`` on this server.

        ``path`` must be relative (an assertion says so) unless the server
        was made with ``skip_url_asserts=True``, which appends it as text.
        """
        assert self._root is not None, "the test server is not started"
        url = URL(path)
        if not self.skip_url_asserts:
            assert not url.absolute, f"expected a relative URL, got {url}"
            return self._root.join(url)
        return URL(str(self._root) + str(path))

    @property
    def started(self) -> bool:
        """Whether :meth:`start_server` has run."""
        return self.runner is not None

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    @property
    def handler(self) -> Server:
        """The low-level :class:`aiohttp.web.Server` serving the requests."""
        runner = self.runner
        assert runner is not None, "the test server is not started"
        assert runner.server is not None, "the test server is closed"
        return runner.server

    @property
    def server(self) -> asyncio.AbstractServer | None:
        """The listening :class:`asyncio.Server`, or ``None`` when not serving."""
        site = self._site
        return None if site is None else site._server

    async def close(self) -> None:
        """Stop serving and clean up (the application's shutdown and cleanup).

        Only the first call after :meth:`start_server` does anything.
        """
        if self.runner is None or self._closed:
            return
        self._closed = True
        self._site = None
        self._root = None
        self.port = None
        await self.runner.cleanup()

    def __enter__(self) -> None:
        """Refuse: a test server needs ``async with``."""
        raise TypeError("Use async with instead")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Never reached: ``__enter__`` refuses (it pairs with ``__enter__``)."""

    async def __aenter__(self) -> Self:
        """Start the server."""
        await self.start_server(loop=self._loop)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the server."""
        await self.close()


def _address_family(host: str) -> socket.AddressFamily:
    """The socket family for ``host``.

    Anything that is not an IPv6 literal (a name such as ``localhost``
    included) is bound as IPv4, as aiohttp does.
    """
    try:
        version = ipaddress.ip_address(host).version
    except ValueError:
        version = 4
    return socket.AF_INET6 if version == 6 else socket.AF_INET


class TestServer(BaseTestServer[Request]):
    """A test server for an :class:`aiohttp.web.Application`.

    Starting it starts the application (``on_startup``, cleanup contexts);
    closing it shuts the application down and cleans it up.
    """

    def __init__(
        self,
        app: Application,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,  # noqa: ANN401 - BaseTestServer's arguments
    ) -> None:
        self.app = app
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(self, **kwargs: Any) -> AppRunner:  # noqa: ANN401
        return AppRunner(self.app, **kwargs)


class RawTestServer(BaseTestServer[BaseRequest]):
    """A test server for a low-level handler (``aiohttp.web.Server``).

    ``handler`` takes a :class:`aiohttp.web.BaseRequest` and returns a
    response; there is no application, router or middleware. Errors show
    their traceback in the 500 response (``debug=True``), as in aiohttp.
    """

    def __init__(
        self,
        handler: _RawHandler,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,  # noqa: ANN401 - BaseTestServer's arguments
    ) -> None:
        self._handler = handler
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(
        self,
        debug: bool = True,
        **kwargs: Any,  # noqa: ANN401
    ) -> ServerRunner:
        # The runner's own options; the rest configure the server.
        runner_options = {
            name: kwargs.pop(name)
            for name in ("shutdown_timeout", "handle_signals")
            if name in kwargs
        }
        server = Server(
            self._handler,
            loop=self._loop or asyncio.get_running_loop(),
            debug=debug,
            **kwargs,
        )
        return ServerRunner(server, **runner_options)
