"""The client's exceptions (``aiohttp.ClientError`` and its family).

aiohttp raises these for connection problems and server misbehaviour; a
caller's own mistakes get the standard ``ValueError``/``TypeError``::

    Exception
    ├── ClientError
    │   ├── ClientConnectionError
    │   │   ├── ClientConnectionResetError (also ConnectionResetError)
    │   │   ├── ClientOSError (also OSError)
    │   │   │   └── ClientConnectorError
    │   │   │       ├── ClientConnectorDNSError
    │   │   │       ├── ClientProxyConnectionError
    │   │   │       ├── UnixClientConnectorError
    │   │   │       └── ClientSSLError
    │   │   │           ├── ClientConnectorSSLError (also ssl.SSLError)
    │   │   │           └── ClientConnectorCertificateError (also ssl.CertificateError)
    │   │   └── ServerConnectionError
    │   │       ├── ServerDisconnectedError
    │   │       ├── ServerTimeoutError (also asyncio.TimeoutError)
    │   │       │   ├── ConnectionTimeoutError
    │   │       │   └── SocketTimeoutError
    │   │       └── ServerFingerprintMismatch
    │   ├── ClientResponseError
    │   │   ├── ContentTypeError
    │   │   ├── WSServerHandshakeError
    │   │   ├── ClientHttpProxyError
    │   │   └── TooManyRedirects
    │   ├── ClientPayloadError
    │   ├── UploadAbortedError
    │   ├── InvalidURL (also ValueError)
    │   │   └── InvalidUrlClientError
    │   │       └── InvalidUrlRedirectClientError (also RedirectClientError)
    │   ├── RedirectClientError
    │   └── NonHttpUrlClientError
    │       └── NonHttpUrlRedirectClientError (also RedirectClientError)
    └── TypeError
        └── WSMessageTypeError

Foreign exceptions (``OSError``, ``ssl`` errors, timeouts) become these in
one place each: the connector for connecting, the response protocol for
reading.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from typing import TYPE_CHECKING

from multidict import MultiMapping

from ._websocket.models import WSMessageTypeError

if TYPE_CHECKING:
    from yarl import URL

    from .client_reqrep import ClientResponse, ConnectionKey, Fingerprint, RequestInfo

    SSLContext = ssl.SSLContext

__all__ = (
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
    "UnixClientConnectorError",
    "UploadAbortedError",
    "WSMessageTypeError",
    "WSServerHandshakeError",
)


class ClientError(Exception):
    """Base class for every client-specific exception."""


class ClientResponseError(ClientError):
    """The server answered, but not as the caller may accept.

    ``status`` and ``message`` are the response's status code and reason;
    ``headers`` its headers (when known); ``history`` the redirect
    responses that led to it.
    """

    def __init__(
        self,
        request_info: RequestInfo,
        history: tuple[ClientResponse, ...],
        *,
        code: int | None = None,
        status: int | None = None,
        message: str = "",
        headers: MultiMapping[str] | None = None,
    ) -> None:
        self.request_info = request_info
        if code is not None:
            if status is not None:
                raise ValueError(
                    "Both code and status arguments are provided; "
                    "code is deprecated, use status instead"
                )
            warnings.warn(
                "code argument is deprecated, use status instead",
                DeprecationWarning,
                stacklevel=2,
            )
        self.status = status if status is not None else (code or 0)
        self.message = message
        self.headers = headers
        self.history = history
        self.args = (request_info, history)

    def __str__(self) -> str:
        return (
            f"{self.status}, message={self.message!r}, "
            f"url={str(self.request_info.real_url)!r}"
        )

    def __repr__(self) -> str:
        parts = [f"{self.request_info!r}", f"{self.history!r}"]
        if self.status != 0:
            parts.append(f"status={self.status!r}")
        if self.message != "":
            parts.append(f"message={self.message!r}")
        if self.headers is not None:
            parts.append(f"headers={self.headers!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    @property
    def code(self) -> int:
        """Deprecated alias of ``status``."""
        warnings.warn(
            "code property is deprecated, use status instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.status

    @code.setter
    def code(self, value: int) -> None:
        warnings.warn(
            "code property is deprecated, use status instead",
            DeprecationWarning,
            stacklevel=2,
        )
        self.status = value


class ContentTypeError(ClientResponseError):
    """``json()`` was asked of a response whose Content-Type is not JSON."""


class WSServerHandshakeError(ClientResponseError):
    """The server refused or botched the WebSocket handshake."""


class ClientHttpProxyError(ClientResponseError):
    """The HTTP proxy answered the tunnel request with an error status."""


class TooManyRedirects(ClientResponseError):
    """More redirects than ``max_redirects`` allows."""


class ClientConnectionError(ClientError):
    """A low-level connection problem."""


class ClientConnectionResetError(ClientConnectionError, ConnectionResetError):
    """The connection was reset or closed while writing."""


class ClientOSError(ClientConnectionError, OSError):
    """A connection problem that started as an ``OSError``."""


class ClientConnectorError(ClientOSError):
    """The connector could not open a connection to ``host:port``."""

    def __init__(self, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._conn_key = connection_key
        self._os_error = os_error
        super().__init__(os_error.errno, os_error.strerror)
        self.args = (connection_key, os_error)

    @property
    def os_error(self) -> OSError:
        """The ``OSError`` the attempt failed with."""
        return self._os_error

    @property
    def host(self) -> str:
        """The host that could not be reached."""
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        """The port that could not be reached."""
        return self._conn_key.port

    @property
    def ssl(self) -> SSLContext | Fingerprint | bool:
        """The request's ``ssl`` setting (a context, a Fingerprint or a bool)."""
        return self._conn_key.ssl

    def __str__(self) -> str:
        ssl_text = "default" if self.ssl is True else self.ssl
        reason = self.strerror or self._os_error
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{ssl_text} [{reason}]"
        )

    # OSError.__reduce__ would rebuild from (errno, strerror); use our args.
    __reduce__ = BaseException.__reduce__


class ClientConnectorDNSError(ClientConnectorError):
    """The host name could not be resolved."""


class ClientProxyConnectionError(ClientConnectorError):
    """The proxy could not be reached."""


class UnixClientConnectorError(ClientConnectorError):
    """The Unix socket at ``path`` could not be connected to."""

    def __init__(
        self, path: str, connection_key: ConnectionKey, os_error: OSError
    ) -> None:
        self._path = path
        super().__init__(connection_key, os_error)

    @property
    def path(self) -> str:
        """The socket path."""
        return self._path

    def __str__(self) -> str:
        ssl_text = "default" if self.ssl is True else self.ssl
        reason = self.strerror or self._os_error
        return f"Cannot connect to unix socket {self.path} ssl:{ssl_text} [{reason}]"


class ServerConnectionError(ClientConnectionError):
    """The server side of an open connection misbehaved."""


class ServerDisconnectedError(ServerConnectionError):
    """The server closed the connection before the response was complete."""

    def __init__(self, message: object = None) -> None:
        if message is None:
            message = "Server disconnected"
        self.args = (message,)
        self.message = message


class ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError):
    """A server operation timed out (connect or read)."""


class ConnectionTimeoutError(ServerTimeoutError):
    """Connecting (including waiting for a pool slot) timed out."""


class SocketTimeoutError(ServerTimeoutError):
    """Reading from the socket timed out (``sock_read``)."""


class ServerFingerprintMismatch(ServerConnectionError):
    """The server's certificate does not match the expected fingerprint."""

    def __init__(self, expected: bytes, got: bytes, host: str, port: int) -> None:
        self.expected = expected
        self.got = got
        self.host = host
        self.port = port
        self.args = (expected, got, host, port)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} expected={self.expected!r} "
            f"got={self.got!r} host={self.host!r} port={self.port!r}>"
        )


class ClientPayloadError(ClientError):
    """The response body is malformed, truncated or badly compressed."""


class UploadAbortedError(ClientError):
    """Sending the request body stopped before it was complete."""


class InvalidURL(ClientError, ValueError):
    """A URL the client cannot use (no host, bad syntax)."""

    def __init__(self, url: str | URL, description: str | None = None) -> None:
        self._url = url
        self._description = description
        if description:
            super().__init__(url, description)
        else:
            super().__init__(url)

    @property
    def url(self) -> str | URL:
        """The offending URL."""
        return self._url

    @property
    def description(self) -> str | None:
        """Why the URL was refused, when known."""
        return self._description

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def __str__(self) -> str:
        if self._description:
            return f"{self._url} - {self._description}"
        return str(self._url)


class InvalidUrlClientError(InvalidURL):
    """A request URL the client cannot use."""


class RedirectClientError(ClientError):
    """A redirect the client cannot follow."""


class NonHttpUrlClientError(ClientError):
    """A URL whose scheme is not http, https, ws or wss."""


class InvalidUrlRedirectClientError(InvalidUrlClientError, RedirectClientError):
    """A redirect's Location is not a usable URL."""


class NonHttpUrlRedirectClientError(NonHttpUrlClientError, RedirectClientError):
    """A redirect's Location has a scheme the client does not speak."""


class ClientSSLError(ClientConnectorError):
    """TLS failed while connecting."""


class ClientConnectorSSLError(ClientSSLError, ssl.SSLError):
    """The TLS handshake failed."""


class ClientConnectorCertificateError(ClientSSLError, ssl.CertificateError):
    """The server's certificate did not verify."""

    def __init__(
        self, connection_key: ConnectionKey, certificate_error: Exception
    ) -> None:
        self._conn_key = connection_key
        self._certificate_error = certificate_error
        self.args = (connection_key, certificate_error)

    @property
    def certificate_error(self) -> Exception:
        """The verification error raised by ``ssl``."""
        return self._certificate_error

    def __str__(self) -> str:
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{self.ssl} "
            f"[{type(self._certificate_error).__name__}: "
            f"{self._certificate_error.args}]"
        )
