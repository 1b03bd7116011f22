"""Requests through an HTTP proxy.

Plain HTTP goes to the proxy as an ordinary request whose target is the
absolute URL (``ClientRequest`` writes it so when ``proxy`` is set); the
proxy's credentials travel in its ``Proxy-Authorization`` header.

HTTPS goes through a tunnel (RFC 9110 section 9.3.6): ``CONNECT host:port``
to the proxy, then, on a 2xx answer, TLS with the origin over the same
socket (``loop.start_tls``). Any other answer is ``ClientHttpProxyError``
carrying the proxy's status, reason and headers.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict, CIMultiDictProxy

from . import hdrs
from ._connector_errors import ConnectErrorFactory, connect_error
from ._timers import ceil_timeout
from .client_exceptions import (
    ClientConnectionError,
    ClientConnectorError,
    ClientHttpProxyError,
    ServerFingerprintMismatch,
)
from .client_proto import ResponseHandler
from .client_reqrep import Fingerprint, RequestInfo
from .http_exceptions import HttpProcessingError

if TYPE_CHECKING:
    from .client_reqrep import ClientRequest

__all__ = ("open_tunnel", "proxy_authorization", "start_tls")

_FORBIDDEN = frozenset("\r\n\x00")


def proxy_authorization(req: ClientRequest) -> str | None:
    """The ``Proxy-Authorization`` value for ``req``'s proxy, if it has credentials."""
    auth = req.proxy_auth
    return None if auth is None else auth.encode()


def _connect_head(req: ClientRequest) -> tuple[bytes, CIMultiDict[str]]:
    url = req.url
    target = f"{url.host_subcomponent}:{url.port}"
    headers: CIMultiDict[str] = CIMultiDict(req.proxy_headers or ())
    headers[hdrs.HOST] = req.headers.get(hdrs.HOST, target)
    auth = proxy_authorization(req)
    if auth is not None:
        headers[hdrs.PROXY_AUTHORIZATION] = auth
    lines = [f"CONNECT {target} HTTP/1.1"]
    for name, value in headers.items():
        if _FORBIDDEN.intersection(name) or _FORBIDDEN.intersection(value):
            raise ValueError(f"Newline or NUL in proxy header {name!r}")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"), headers


async def open_tunnel(
    proto: ResponseHandler, req: ClientRequest, ceil_threshold: float
) -> None:
    """Ask the proxy on ``proto`` for a tunnel to ``req``'s host and port.

    Returns once the proxy said yes; raises ``ClientHttpProxyError`` if it
    said anything else (or nothing an HTTP client can read).
    """
    transport = proto.transport
    if transport is None:
        raise ClientConnectionError("Connection to the proxy closed")
    head, headers = _connect_head(req)
    info = RequestInfo(req.url, hdrs.METH_CONNECT, CIMultiDictProxy(headers))
    proto.set_response_params(
        method=hdrs.METH_CONNECT, timeout_ceil_threshold=ceil_threshold
    )
    transport.write(head)
    try:
        message, _ = await proto.read()
    except HttpProcessingError as exc:
        raise ClientHttpProxyError(
            info, (), status=exc.code, message=exc.message, headers=exc.headers
        ) from exc
    if not 200 <= message.code < 300:
        reason = message.reason or _phrase(message.code)
        raise ClientHttpProxyError(
            info, (), status=message.code, message=reason, headers=message.headers
        )


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


async def start_tls(
    loop: asyncio.AbstractEventLoop,
    transport: asyncio.Transport,
    req: ClientRequest,
    *,
    sslcontext: ssl.SSLContext,
    fingerprint: Fingerprint | None,
    sock_connect: float | None,
    ceil_threshold: float,
    ssl_shutdown_timeout: float,
    client_error: ConnectErrorFactory = ClientConnectorError,
) -> tuple[asyncio.Transport, ResponseHandler]:
    """TLS with the origin over the tunnel ``transport``; a fresh protocol on top.

    ``transport`` belongs to this function from now on: it is closed when
    anything fails.
    """
    tls_proto = ResponseHandler(loop)
    key = req.connection_key
    kwargs: dict[str, Any] = {}
    if ssl_shutdown_timeout and sys.version_info >= (3, 11):
        kwargs["ssl_shutdown_timeout"] = ssl_shutdown_timeout
    try:
        async with ceil_timeout(sock_connect, ceil_threshold):
            try:
                tls_transport = await loop.start_tls(
                    transport,
                    tls_proto,
                    sslcontext,
                    server_hostname=(req.server_hostname or req.host).rstrip("."),
                    **kwargs,
                )
            except BaseException:
                transport.close()
                raise
    except TypeError as exc:
        # The loop cannot do TLS over this transport (TLS to the proxy too).
        raise ClientConnectionError(
            f"Cannot initialize a TLS-in-TLS connection to host "
            f"{req.host}:{req.port} through an underlying connection to an "
            f"HTTPS proxy {req.proxy} ssl:{req.ssl or 'default'} [{exc}]"
        ) from exc
    except Exception as exc:
        error = connect_error(key, exc, req.url, client_error)
        if error is exc:
            raise
        raise error from exc
    if tls_transport is None:
        transport.close()
        raise client_error(
            key, OSError("Failed to start TLS (possibly caused by closing transport)")
        )
    if fingerprint is not None:
        try:
            fingerprint.check(tls_transport)
        except ServerFingerprintMismatch:
            tls_transport.abort()
            raise
    tls_proto.connection_made(tls_transport)
    return tls_transport, tls_proto
