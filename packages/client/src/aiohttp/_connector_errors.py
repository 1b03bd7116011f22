"""Connecting fails in one vocabulary: the ``ClientConnector*Error`` family.

Every way the connector opens a connection (TCP with or without TLS, a
proxy tunnel, a Unix socket, a named pipe) turns the foreign exceptions it
meets into the client's through ``connect_error()``, here and nowhere else:

* ``ssl.CertificateError`` (a certificate that does not verify):
  ``ClientConnectorCertificateError``;
* any other ``ssl.SSLError``: ``ClientConnectorSSLError``;
* a timeout: ``ConnectionTimeoutError`` (``sock_connect``);
* any other ``OSError``: ``client_error`` (``ClientConnectorError``, or
  ``ClientProxyConnectionError`` for the proxy, ...), the key attached.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING, Protocol

from .client_exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ConnectionTimeoutError,
)

if TYPE_CHECKING:
    from ._client_request_info import ConnectionKey

__all__ = ("ConnectErrorFactory", "connect_error", "connect_timeout")


class ConnectErrorFactory(Protocol):
    """Makes the error for a failed connection (a ``ClientConnectorError`` class)."""

    def __call__(
        self, connection_key: ConnectionKey, os_error: OSError
    ) -> ClientConnectorError: ...


def connect_timeout(url: object) -> ConnectionTimeoutError:
    """The error of a connection attempt that took too long."""
    return ConnectionTimeoutError(f"Connection timeout to host {url}")


def connect_error(
    key: ConnectionKey,
    exc: BaseException,
    url: object,
    client_error: ConnectErrorFactory = ClientConnectorError,
) -> BaseException:
    """The client's exception for ``exc``, met while connecting for ``key``.

    Anything not listed in the module doc is returned unchanged (it is not
    a connection failure: a bug, a cancellation). The result's
    ``__cause__`` is ``exc``.
    """
    if isinstance(exc, ClientConnectorError | ConnectionTimeoutError):
        return exc
    error: BaseException
    if isinstance(exc, ssl.CertificateError):
        error = ClientConnectorCertificateError(key, exc)
    elif isinstance(exc, ssl.SSLError):
        error = ClientConnectorSSLError(key, exc)
    elif isinstance(exc, asyncio.TimeoutError) and getattr(exc, "errno", None) is None:
        # A timer's timeout; an OS-level ETIMEDOUT is a connection failure.
        error = connect_timeout(url)
    elif isinstance(exc, OSError):
        error = client_error(key, exc)
    else:
        return exc
    error.__cause__ = exc
    return error
