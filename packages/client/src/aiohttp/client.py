"""The HTTP client: ``ClientSession``, ``ClientTimeout`` and ``aiohttp.request()``.

A session holds what its requests share: a connection pool (the
connector), a cookie jar, default headers, credentials and timeouts. Each
request is one :class:`._client_session_request.RequestFlow`; the
``async with`` wrappers around it live in ``_client_session_cm``, the
redirect rules in ``_client_redirects``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import traceback
import warnings
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict, istr
from yarl import URL

from . import hdrs, http
from ._client_session_args import (
    RequestOptions,
)
from ._client_session_cm import (
    _BaseRequestContextManager as _BaseRequestContextManager,
)
from ._client_session_cm import (
    _RequestContextManager,
    _SessionRequestContextManager,
    _WSRequestContextManager,
)
from ._client_session_request import RaiseForStatus, RequestFlow
from ._client_timeout import DEFAULT_TIMEOUT, ClientTimeout
from ._timers import SharedDeadlines
from .abc import AbstractCookieJar
from .client_exceptions import (
    ClientConnectionError,
    ClientConnectionResetError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientError,
    ClientHttpProxyError,
    ClientOSError,
    ClientPayloadError,
    ClientProxyConnectionError,
    ClientResponseError,
    ClientSSLError,
    ConnectionTimeoutError,
    ContentTypeError,
    InvalidURL,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    NonHttpUrlRedirectClientError,
    RedirectClientError,
    ServerConnectionError,
    ServerDisconnectedError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
    SocketTimeoutError,
    TooManyRedirects,
    WSServerHandshakeError,
)
from .client_middlewares import ClientMiddlewareType
from .client_reqrep import (
    ClientRequest,
    ClientResponse,
    Fingerprint,
    RequestInfo,
)
from .connector import (
    BaseConnector,
    NamedPipeConnector,
    TCPConnector,
    UnixConnector,
)
from .cookiejar import CookieJar
from .helpers import BasicAuth, sentinel
from .tracing import TraceConfig

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .client_ws import ClientWebSocketResponse, ClientWSTimeout
    from .helpers import _SENTINEL
    from .typedefs import JSONEncoder, LooseCookies, LooseHeaders, StrOrURL

__all__ = (
    # client_exceptions
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientHttpProxyError",
    "ClientOSError",
    "ClientPayloadError",
    "ClientProxyConnectionError",
    "ClientResponseError",
    "ClientSSLError",
    "ConnectionTimeoutError",
    "ContentTypeError",
    "InvalidURL",
    "InvalidUrlClientError",
    "InvalidUrlRedirectClientError",
    "NonHttpUrlClientError",
    "NonHttpUrlRedirectClientError",
    "RedirectClientError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketTimeoutError",
    "TooManyRedirects",
    "WSServerHandshakeError",
    # client_reqrep
    "ClientRequest",
    "ClientResponse",
    "Fingerprint",
    "RequestInfo",
    # connector
    "BaseConnector",
    "TCPConnector",
    "UnixConnector",
    "NamedPipeConnector",
    # client_ws
    "ClientWebSocketResponse",
    "ClientWSTimeout",
    # client
    "ClientSession",
    "ClientTimeout",
    "request",
)

#: What ``str(resp.text())`` falls back to when neither the headers nor the
#: caller name a charset.
_DEFAULT_CHARSET: Final = "utf-8"


def _default_charset_resolver(response: ClientResponse, body: bytes) -> str:
    """The default ``fallback_charset_resolver``: UTF-8, whatever the body."""
    return _DEFAULT_CHARSET


class ClientSession:
    """First-class interface for making HTTP requests.

    Create it inside a coroutine (it needs the running loop), use one per
    application rather than one per request, and close it: ``async with
    ClientSession() as session:`` or ``await session.close()``.
    """

    #: The attributes a session sets on itself; setting any other warns.
    ATTRS: Final = frozenset(
        [
            "_base_url",
            "_base_url_origin",
            "_source_traceback",
            "_connector",
            "_loop",
            "_cookie_jar",
            "_connector_owner",
            "_default_auth",
            "_version",
            "_json_serialize",
            "_requote_redirect_url",
            "_timeout",
            "_raise_for_status",
            "_auto_decompress",
            "_trust_env",
            "_default_headers",
            "_skip_auto_headers",
            "_request_class",
            "_response_class",
            "_ws_response_cls",
            "_trace_configs",
            "_read_bufsize",
            "_max_line_size",
            "_max_field_size",
            "_resolve_charset",
            "_default_proxy",
            "_default_proxy_auth",
            "_retry_connection",
            "_middlewares",
            "_deadlines",
        ]
    )

    # Read by __del__, which runs even when __init__ failed half-way.
    _source_traceback: traceback.StackSummary | None = None
    _connector: BaseConnector | None = None

    def __init__(
        self,
        base_url: StrOrURL | None = None,
        *,
        connector: BaseConnector | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        cookies: LooseCookies | None = None,
        headers: LooseHeaders | None = None,
        proxy: StrOrURL | None = None,
        proxy_auth: BasicAuth | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        json_serialize: JSONEncoder = json.dumps,
        request_class: type[ClientRequest] = ClientRequest,
        response_class: type[ClientResponse] = ClientResponse,
        ws_response_class: type[ClientWebSocketResponse] | None = None,
        version: http.HttpVersion = http.HttpVersion11,
        cookie_jar: AbstractCookieJar | None = None,
        connector_owner: bool = True,
        raise_for_status: RaiseForStatus = False,
        read_timeout: float | _SENTINEL | None = sentinel,
        conn_timeout: float | None = None,
        timeout: ClientTimeout | _SENTINEL | None = sentinel,
        auto_decompress: bool = True,
        trust_env: bool = False,
        requote_redirect_url: bool = True,
        trace_configs: list[TraceConfig[Any]] | None = None,
        read_bufsize: int = 2**16,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        fallback_charset_resolver: Callable[
            [ClientResponse, bytes], str
        ] = _default_charset_resolver,
        middlewares: Sequence[ClientMiddlewareType] = (),
        ssl_shutdown_timeout: float | _SENTINEL | None = sentinel,
    ) -> None:
        """Set the session up; see the class reference for each argument."""
        if loop is None and connector is not None:
            loop = connector._loop
        # aiohttp 3.10+: a session belongs to a running loop.
        loop = loop or asyncio.get_running_loop()
        if connector is not None and connector._loop is not loop:
            raise RuntimeError("Session and connector has to use same event loop")
        self._base_url, self._base_url_origin = _check_base_url(base_url)
        self._timeout = _session_timeout(timeout, read_timeout, conn_timeout)
        if connector is None:
            # The connector warns about ssl_shutdown_timeout itself.
            connector = TCPConnector(
                loop=loop, ssl_shutdown_timeout=ssl_shutdown_timeout
            )
        elif ssl_shutdown_timeout is not sentinel:
            warnings.warn(
                "The ssl_shutdown_timeout parameter is deprecated and will be "
                "removed in aiohttp 4.0",
                DeprecationWarning,
                stacklevel=2,
            )
        # The connector first: from here on __del__ checks for a leak.
        self._connector = connector
        self._loop = loop
        # The requests' total timeouts, one loop timer per deadline.
        self._deadlines = SharedDeadlines(loop)
        if loop.get_debug():
            self._source_traceback = traceback.extract_stack(sys._getframe(1))

        if cookie_jar is None:
            cookie_jar = CookieJar(loop=loop)
        self._cookie_jar = cookie_jar
        if cookies:
            self._cookie_jar.update_cookies(cookies)

        self._connector_owner = connector_owner
        self._default_auth = auth
        self._version = version
        self._json_serialize = json_serialize
        self._raise_for_status = raise_for_status
        self._auto_decompress = auto_decompress
        self._trust_env = trust_env
        self._requote_redirect_url = requote_redirect_url
        self._read_bufsize = read_bufsize
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._default_headers: CIMultiDict[str] = CIMultiDict(headers or ())
        self._skip_auto_headers = frozenset(istr(i) for i in skip_auto_headers or ())
        self._request_class = request_class
        self._response_class = response_class
        self._ws_response_cls = ws_response_class
        self._trace_configs = trace_configs or []
        for trace_config in self._trace_configs:
            trace_config.freeze()
        self._resolve_charset = fallback_charset_resolver
        self._default_proxy = proxy
        self._default_proxy_auth = proxy_auth
        # Whether an idempotent request is sent again when its pooled
        # connection turns out dead (test clients switch it off).
        self._retry_connection = True
        self._middlewares = tuple(middlewares)

    def __init_subclass__(cls: type[ClientSession]) -> None:
        """Warn: subclassing the session is discouraged (use composition)."""
        warnings.warn(
            f"Inheritance class {cls.__name__} from ClientSession is discouraged",
            DeprecationWarning,
            stacklevel=2,
        )

    if not TYPE_CHECKING:  # mypy should see attribute errors, not this hook

        def __setattr__(self, name: str, val: object) -> None:
            if name not in self.ATTRS:
                warnings.warn(
                    f"Setting custom ClientSession.{name} attribute is discouraged",
                    DeprecationWarning,
                    stacklevel=2,
                )
            super().__setattr__(name, val)

    def __del__(self, _warnings: Any = warnings) -> None:  # noqa: ANN401
        if not self.closed:
            _warnings.warn(
                f"Unclosed client session {self!r}", ResourceWarning, source=self
            )
            context: dict[str, Any] = {
                "client_session": self,
                "message": "Unclosed client session",
            }
            if self._source_traceback is not None:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)

    # -- requests ------------------------------------------------------------

    def request(
        self, method: str, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform an HTTP request; await it or use it with ``async with``."""
        return _RequestContextManager(self._request(method, url, **kwargs))

    def get(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform a GET request."""
        return _RequestContextManager(self._request(hdrs.METH_GET, url, **kwargs))

    def options(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform an OPTIONS request."""
        return _RequestContextManager(self._request(hdrs.METH_OPTIONS, url, **kwargs))

    def head(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform a HEAD request (redirects are not followed by default)."""
        kwargs.setdefault("allow_redirects", False)
        return _RequestContextManager(self._request(hdrs.METH_HEAD, url, **kwargs))

    def post(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform a POST request."""
        return _RequestContextManager(self._request(hdrs.METH_POST, url, **kwargs))

    def put(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform a PUT request."""
        return _RequestContextManager(self._request(hdrs.METH_PUT, url, **kwargs))

    def patch(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform a PATCH request."""
        return _RequestContextManager(self._request(hdrs.METH_PATCH, url, **kwargs))

    def delete(
        self, url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> _RequestContextManager:
        """Perform a DELETE request."""
        return _RequestContextManager(self._request(hdrs.METH_DELETE, url, **kwargs))

    def ws_connect(self, url: StrOrURL, **kwargs: Any) -> _WSRequestContextManager:  # noqa: ANN401
        """Open a WebSocket connection; await it or use it with ``async with``."""
        # The WebSocket handshake lives with the WebSocket client, which
        # sessions that never open one need not import.
        from ._client_ws_connect import ws_connect  # noqa: PLC0415

        return _WSRequestContextManager(ws_connect(self, url, **kwargs))

    async def _request(
        self, method: str, str_or_url: StrOrURL, **kwargs: Unpack[RequestOptions]
    ) -> ClientResponse:
        """Send a request and follow its redirects: the verbs' workhorse.

        The keyword arguments are :meth:`request`'s; the flow checks them
        (only those given are passed on: a call with many keyword arguments
        costs more than the rest of a request's setup).
        """
        return await RequestFlow(self, method, str_or_url, **kwargs).run()

    def _build_url(self, str_or_url: StrOrURL) -> URL:
        try:
            url = URL(str_or_url)
        except ValueError as exc:
            raise InvalidUrlClientError(str_or_url) from exc
        if self._base_url is not None and not url.absolute:
            return self._base_url.join(url)
        return url

    # -- life cycle ----------------------------------------------------------

    async def close(self) -> None:
        """Close the session: and its connector, when the session owns it."""
        if not self.closed:
            if self._connector is not None and self._connector_owner:
                await self._connector.close()
            self._connector = None

    def detach(self) -> None:
        """Let go of the connector without closing it; the session is closed."""
        self._connector = None

    def __enter__(self) -> None:
        """Refuse ``with``: a session is closed with ``await``."""
        raise TypeError("Use async with instead")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        """Never reached: see :meth:`__enter__`."""

    async def __aenter__(self) -> ClientSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- attributes ----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the session is closed (or its connector is)."""
        return self._connector is None or self._connector.closed

    @property
    def connector(self) -> BaseConnector | None:
        """The connector (connection pool), ``None`` once closed or detached."""
        return self._connector

    @property
    def cookie_jar(self) -> AbstractCookieJar:
        """The session's cookie jar."""
        return self._cookie_jar

    @property
    def version(self) -> http.HttpVersion:
        """The HTTP version the session's requests use."""
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        """Whether redirect locations are requoted (percent-encoding normalised)."""
        return self._requote_redirect_url

    @requote_redirect_url.setter
    def requote_redirect_url(self, val: bool) -> None:
        warnings.warn(
            "session.requote_redirect_url modification is deprecated #2778",
            DeprecationWarning,
            stacklevel=2,
        )
        self._requote_redirect_url = val

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The session's loop (deprecated)."""
        warnings.warn(
            "client.loop property is deprecated", DeprecationWarning, stacklevel=2
        )
        return self._loop

    @property
    def timeout(self) -> ClientTimeout:
        """The session's default timeouts."""
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """The headers every request gets (requests may override them)."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[istr]:
        """The headers the session never generates."""
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        """The session's default credentials."""
        return self._default_auth

    @property
    def json_serialize(self) -> JSONEncoder:
        """The function that serialises ``json=`` bodies."""
        return self._json_serialize

    @property
    def connector_owner(self) -> bool:
        """Whether closing the session closes its connector."""
        return self._connector_owner

    @property
    def raise_for_status(self) -> RaiseForStatus:
        """The session's ``raise_for_status``: a bool or a coroutine function."""
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        """Whether response bodies are decompressed."""
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        """Whether proxies and ``.netrc`` credentials come from the environment."""
        return self._trust_env

    @property
    def trace_configs(self) -> list[TraceConfig[Any]]:
        """The session's trace configurations."""
        return self._trace_configs

    @property
    def _ws_response_class(self) -> type[ClientWebSocketResponse]:
        """The class of the session's WebSocket responses (imported when needed)."""
        cls = self._ws_response_cls
        if cls is None:
            from .client_ws import ClientWebSocketResponse  # noqa: PLC0415

            cls = ClientWebSocketResponse
        return cls


def _check_base_url(base_url: StrOrURL | None) -> tuple[URL | None, URL | None]:
    """Return the session's base URL and its origin; it must end with ``/``."""
    if base_url is None:
        return None, None
    url = URL(base_url)
    if not url.absolute:
        raise ValueError("Only absolute URLs are supported")
    if not url.path.endswith("/"):
        raise ValueError("base_url must have a trailing '/'")
    return url, url.origin()


def _session_timeout(
    timeout: ClientTimeout | _SENTINEL | None,
    read_timeout: float | _SENTINEL | None,
    conn_timeout: float | None,
) -> ClientTimeout:
    """The session's timeouts, from ``timeout`` or the deprecated arguments."""
    if timeout is sentinel or timeout is None:
        result = DEFAULT_TIMEOUT
        if read_timeout is not sentinel:
            warnings.warn(
                "read_timeout is deprecated, use timeout argument instead",
                DeprecationWarning,
                stacklevel=3,
            )
            result = dataclasses.replace(result, total=read_timeout)
        if conn_timeout is not None:
            warnings.warn(
                "conn_timeout is deprecated, use timeout argument instead",
                DeprecationWarning,
                stacklevel=3,
            )
            result = dataclasses.replace(result, connect=conn_timeout)
        return result
    if not isinstance(timeout, ClientTimeout):
        raise ValueError(
            f"timeout parameter cannot be of {type(timeout)} type, "
            "please use 'timeout=ClientTimeout(...)'"
        )
    if read_timeout is not sentinel:
        raise ValueError(
            "read_timeout and timeout parameters conflict, please setup timeout.read"
        )
    if conn_timeout is not None:
        raise ValueError(
            "conn_timeout and timeout parameters conflict, please setup timeout.connect"
        )
    return timeout


def request(
    method: str,
    url: StrOrURL,
    *,
    version: http.HttpVersion = http.HttpVersion11,
    connector: BaseConnector | None = None,
    loop: asyncio.AbstractEventLoop | None = None,
    **kwargs: Unpack[RequestOptions],
) -> _SessionRequestContextManager:
    """Perform one request with a session of its own: ``async with`` only.

    Without a ``connector``, the one-shot session makes (and closes) its
    own, which keeps no connection alive::

        async with aiohttp.request("GET", "http://python.org/") as resp:
            assert resp.status == 200
    """
    connector_owner = False
    if connector is None:
        connector_owner = True
        connector = TCPConnector(loop=loop, force_close=True)
    session = ClientSession(
        loop=loop,
        cookies=kwargs.pop("cookies", None),
        version=version,
        connector=connector,
        connector_owner=connector_owner,
    )
    return _SessionRequestContextManager(
        session._request(method, url, **kwargs), session
    )


def __getattr__(name: str) -> object:
    """Lend the WebSocket client's names, imported on first use."""
    if name in ("ClientWebSocketResponse", "ClientWSTimeout"):
        from . import client_ws  # noqa: PLC0415 - only for those who ask

        value: object = getattr(client_ws, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
