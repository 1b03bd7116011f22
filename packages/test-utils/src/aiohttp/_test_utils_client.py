"""The test client (part of aiohttp.test_utils).

:class:`TestClient` wraps a :class:`aiohttp.ClientSession` whose requests
go to one test server: paths are made absolute with the server's
``make_url``. It remembers every response and WebSocket it hands out and
closes them, then the session, then the server, in :meth:`TestClient.close`,
so a test that forgets to release something still leaves nothing open.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

from yarl import URL

from . import hdrs
from ._client_session_cm import _RequestContextManager, _WSRequestContextManager
from ._test_utils_servers import BaseTestServer, TestServer
from .abc import AbstractCookieJar
from .client import ClientSession
from .client_reqrep import ClientResponse
from .client_ws import ClientWebSocketResponse
from .cookiejar import CookieJar
from .typedefs import StrOrURL
from .web_app import Application
from .web_request import BaseRequest, Request

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ("TestClient",)

_Request = TypeVar("_Request", bound=BaseRequest)
_ApplicationNone = TypeVar("_ApplicationNone", Application, None)


class TestClient(Generic[_Request, _ApplicationNone]):
    """A client for one test server: ``await client.get("/path")``.

    ``server`` is a started or not yet started :class:`BaseTestServer`
    (:meth:`start_server`, or ``async with``, starts it). An
    :class:`aiohttp.web.Application` is accepted too, as the manual
    describes: the client then makes a :class:`TestServer` for it with
    ``scheme`` and ``host``. ``cookie_jar`` defaults to
    ``CookieJar(unsafe=True)``, which keeps cookies set by an IP address
    such as 127.0.0.1; other keyword arguments go to the
    :class:`~aiohttp.ClientSession`. Without ``loop`` the client must be
    made inside a coroutine.
    """

    __test__ = False  # a library class, not a pytest test class

    @overload
    def __init__(
        self: TestClient[Request, Application],
        server: TestServer | Application,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        scheme: str | None = None,
        host: str | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> None: ...

    @overload
    def __init__(
        self: TestClient[_Request, None],
        server: BaseTestServer[_Request],
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        scheme: str | None = None,
        host: str | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> None: ...

    def __init__(
        self,
        server: BaseTestServer[Any] | Application,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        scheme: str | None = None,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Wrap ``server``; see the class documentation for the arguments."""
        if isinstance(server, Application):
            server = TestServer(
                server, scheme=scheme or "", host=host or "127.0.0.1", loop=loop
            )
        elif not isinstance(server, BaseTestServer):
            raise TypeError(
                f"server must be TestServer instance, found type: {type(server)!r}"
            )
        elif scheme is not None or host is not None:
            raise ValueError(
                "scheme and host are mutable exclusive with TestServer parameter"
            )
        self._server: BaseTestServer[Any] = server
        self._loop = loop
        if cookie_jar is None:
            cookie_jar = CookieJar(unsafe=True, loop=loop)
        self._session = ClientSession(loop=loop, cookie_jar=cookie_jar, **kwargs)
        # A test must see a dropped connection, not a silent retry.
        self._session._retry_connection = False
        self._closed = False
        self._responses: list[ClientResponse] = []
        self._websockets: list[ClientWebSocketResponse] = []

    async def start_server(self) -> None:
        """Start the server (nothing happens if it is started already)."""
        await self._server.start_server(loop=self._loop)

    @property
    def scheme(self) -> str:
        """The server's scheme: ``"http"`` or ``"https"``."""
        return self._server.scheme

    @property
    def host(self) -> str:
        """The host the server listens on."""
        return self._server.host

    @property
    def port(self) -> int | None:
        """The port the server listens on (``None`` before it starts)."""
        return self._server.port

    @property
    def server(self) -> BaseTestServer[_Request]:
        """The test server this client talks to."""
        return self._server

    @property
    def app(self) -> _ApplicationNone:
        """The server's application (``None`` for a :class:`RawTestServer`)."""
        return cast("_ApplicationNone", getattr(self._server, "app", None))

    @property
    def session(self) -> ClientSession:
        """The underlying :class:`aiohttp.ClientSession`.

        Unlike the client's own methods, its requests need absolute URLs
        (see :meth:`make_url`), and what it returns is not closed for you.
        """
        return self._session

    def make_url(self, path: StrOrURL) -> URL:
        """Return the absolute URL of ``path`` on the server."""
        return self._server.make_url(path)

    async def _request(
        self,
        method: str,
        path: StrOrURL,
        **kwargs: Any,  # noqa: ANN401
    ) -> ClientResponse:
        response = await self._session.request(method, self.make_url(path), **kwargs)
        self._responses.append(response)
        return response

    def request(
        self,
        method: str,
        path: StrOrURL,
        **kwargs: Any,  # noqa: ANN401 - ClientSession.request()'s arguments
    ) -> _RequestContextManager:
        """Send a request for ``path`` to the server; await it or ``async with`` it.

        The keyword arguments are those of
        :meth:`aiohttp.ClientSession.request`.
        """
        return _RequestContextManager(self._request(method, path, **kwargs))

    def get(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send a GET request for ``path``."""
        return self.request(hdrs.METH_GET, path, **kwargs)

    def post(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send a POST request for ``path``."""
        return self.request(hdrs.METH_POST, path, **kwargs)

    def options(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send an OPTIONS request for ``path``."""
        return self.request(hdrs.METH_OPTIONS, path, **kwargs)

    def head(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send a HEAD request for ``path``."""
        return self.request(hdrs.METH_HEAD, path, **kwargs)

    def put(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send a PUT request for ``path``."""
        return self.request(hdrs.METH_PUT, path, **kwargs)

    def patch(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send a PATCH request for ``path``."""
        return self.request(hdrs.METH_PATCH, path, **kwargs)

    def delete(self, path: StrOrURL, **kwargs: Any) -> _RequestContextManager:  # noqa: ANN401
        """Send a DELETE request for ``path``."""
        return self.request(hdrs.METH_DELETE, path, **kwargs)

    def ws_connect(self, path: StrOrURL, **kwargs: Any) -> _WSRequestContextManager:  # noqa: ANN401
        """Open a WebSocket to ``path``; await it or ``async with`` it.

        The keyword arguments are those of
        :meth:`aiohttp.ClientSession.ws_connect`.
        """
        return _WSRequestContextManager(self._ws_connect(path, **kwargs))

    async def _ws_connect(
        self,
        path: StrOrURL,
        **kwargs: Any,  # noqa: ANN401
    ) -> ClientWebSocketResponse:
        websocket = await self._session.ws_connect(self.make_url(path), **kwargs)
        self._websockets.append(websocket)
        return websocket

    async def close(self) -> None:
        """Close what the client opened, its session, and the server.

        Responses are closed (their connections too), WebSockets closed
        with the closing handshake. Only the first call does anything;
        after it the client cannot be used any more.
        """
        if self._closed:
            return
        self._closed = True
        try:
            for response in self._responses:
                response.close()
            for websocket in self._websockets:
                await websocket.close()
        finally:
            try:
                await self._session.close()
            finally:
                await self._server.close()

    def __enter__(self) -> Self:
        """Start the server on the client's loop (the manual's synchronous form).

        Only for a client made with ``loop=`` while that loop is not
        running; otherwise ``TypeError``: use ``async with``.
        """
        loop = self._loop
        if loop is None or loop.is_running():
            raise TypeError("Use async with instead")
        loop.run_until_complete(self.start_server())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the client on its loop."""
        assert self._loop is not None
        self._loop.run_until_complete(self.close())

    async def __aenter__(self) -> Self:
        """Start the server."""
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the client (and the server)."""
        await self.close()
