"""The client's WebSocket opening handshake (RFC 6455 section 4.1, RFC 7692).

``ws_connect(session, url, ...)`` is what ``ClientSession.ws_connect()``
runs: it sends the upgrade request through the session (so redirects,
cookies, auth, proxies and TLS work as for any request), checks the
server's answer as section 4.1 requires, and turns the connection into a
``ClientWebSocketResponse``::

    GET /chat HTTP/1.1                      HTTP/1.1 101 Switching Protocols
    Upgrade: websocket                 ─▶   Upgrade: websocket
    Connection: Upgrade                     Connection: Upgrade
    Sec-WebSocket-Key: <16 random bytes>    Sec-WebSocket-Accept: <its SHA-1>
    Sec-WebSocket-Version: 13

Any answer that is not a valid acceptance raises ``WSServerHandshakeError``
and closes the connection. ``ws://`` and ``wss://`` URLs are requested as
``http://`` and ``https://`` are.
"""

from __future__ import annotations

import asyncio
import dataclasses
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, NoReturn

from multidict import CIMultiDict

from . import hdrs
from ._sentinel import _SENTINEL, sentinel
from ._websocket.connection import FrameFeed
from ._websocket.extensions import ws_ext_gen, ws_ext_parse
from ._websocket.handshake import check_accept, generate_key
from ._websocket.models import WSHandshakeError
from ._websocket.reader import WebSocketDataQueue, WebSocketReader
from ._websocket.writer import WebSocketWriter
from .client_exceptions import WSServerHandshakeError
from .client_ws import (
    DEFAULT_WS_CLIENT_TIMEOUT,
    ClientWebSocketResponse,
    ClientWSTimeout,
)

if TYPE_CHECKING:
    from ssl import SSLContext

    from ._basic_auth import BasicAuth
    from .client import ClientSession
    from .client_reqrep import ClientResponse, Fingerprint
    from .typedefs import LooseHeaders, Query, StrOrURL

__all__ = ("ws_connect",)

# Messages waiting for the application, in bytes, before reading pauses.
_READER_LIMIT = 2**16


def _ws_timeout(
    timeout: ClientWSTimeout | float | _SENTINEL | None,
    receive_timeout: float | None,
) -> ClientWSTimeout:
    """The WebSocket's timeouts from ``timeout``, or aiohttp's older floats."""
    if timeout is sentinel:
        result = DEFAULT_WS_CLIENT_TIMEOUT
    elif isinstance(timeout, ClientWSTimeout):
        result = timeout
    else:
        warnings.warn(
            "parameter 'timeout' of type 'float' is deprecated, please use "
            "'timeout=ClientWSTimeout(ws_close=...)'",
            DeprecationWarning,
            stacklevel=3,
        )
        result = ClientWSTimeout(ws_close=timeout)
    if receive_timeout is not None:
        warnings.warn(
            "float parameter 'receive_timeout' is deprecated, please use "
            "parameter 'timeout=ClientWSTimeout(ws_receive=...)'",
            DeprecationWarning,
            stacklevel=3,
        )
        result = dataclasses.replace(result, ws_receive=receive_timeout)
    return result


def _handshake_headers(
    headers: LooseHeaders | None,
    key: str,
    protocols: Iterable[str],
    origin: str | None,
    compress: int,
) -> CIMultiDict[str]:
    """The upgrade request's headers: the caller's, then the handshake's."""
    result: CIMultiDict[str] = CIMultiDict(headers or ())
    # The caller may spell these differently (a proxy may want to); the key
    # is always ours: the answer is checked against it.
    result.setdefault(hdrs.UPGRADE, "websocket")
    result.setdefault(hdrs.CONNECTION, "Upgrade")
    result.setdefault(hdrs.SEC_WEBSOCKET_VERSION, "13")
    result[hdrs.SEC_WEBSOCKET_KEY] = key
    if protocols:
        result[hdrs.SEC_WEBSOCKET_PROTOCOL] = ",".join(protocols)
    if origin is not None:
        result[hdrs.ORIGIN] = origin
    if compress:
        result[hdrs.SEC_WEBSOCKET_EXTENSIONS] = ws_ext_gen(compress=compress)
    return result


def _refuse(resp: ClientResponse, message: str) -> NoReturn:
    raise WSServerHandshakeError(
        resp.request_info,
        resp.history,
        message=message,
        status=resp.status,
        headers=resp.headers,
    )


def _tokens(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def _check_answer(resp: ClientResponse, key: str) -> None:
    """Section 4.1's checks of the server's answer, in aiohttp's words."""
    if resp.status != 101:
        _refuse(resp, "Invalid response status")
    headers = resp.headers
    if headers.get(hdrs.UPGRADE, "").strip().lower() != "websocket":
        _refuse(resp, "Invalid upgrade header")
    if "upgrade" not in _tokens(headers.get(hdrs.CONNECTION, "")):
        _refuse(resp, "Invalid connection header")
    if not check_accept(key, headers.get(hdrs.SEC_WEBSOCKET_ACCEPT, "")):
        _refuse(resp, "Invalid challenge response")


def _chosen_protocol(resp: ClientResponse, protocols: Iterable[str]) -> str | None:
    """The server's subprotocol if it is one we offered, else None (as aiohttp)."""
    offered = tuple(protocols)
    answer = resp.headers.get(hdrs.SEC_WEBSOCKET_PROTOCOL)
    if not offered or answer is None:
        return None
    for protocol in answer.split(","):
        candidate = protocol.strip()
        if candidate in offered:
            return candidate
    return None


def _negotiated_compression(resp: ClientResponse, compress: int) -> tuple[int, bool]:
    """Our deflate window bits and no-takeover flag from the server's answer."""
    if not compress:
        # Not offered: an answer is ignored, and a compressed frame will
        # fail the connection (RSV1 without the extension).
        return 0, False
    answer = resp.headers.get(hdrs.SEC_WEBSOCKET_EXTENSIONS)
    if not answer:
        return 0, False
    try:
        return ws_ext_parse(answer, isserver=False)
    except WSHandshakeError as exc:
        raise WSServerHandshakeError(
            resp.request_info,
            resp.history,
            message=str(exc),
            status=resp.status,
            headers=resp.headers,
        ) from exc


async def ws_connect(
    session: ClientSession,
    url: StrOrURL,
    *,
    method: str = hdrs.METH_GET,
    protocols: Iterable[str] = (),
    timeout: ClientWSTimeout | float | _SENTINEL | None = sentinel,
    receive_timeout: float | None = None,
    autoclose: bool = True,
    autoping: bool = True,
    heartbeat: float | None = None,
    auth: BasicAuth | None = None,
    origin: str | None = None,
    params: Query = None,
    headers: LooseHeaders | None = None,
    proxy: StrOrURL | None = None,
    proxy_auth: BasicAuth | None = None,
    ssl: SSLContext | bool | Fingerprint = True,
    verify_ssl: bool | None = None,
    fingerprint: bytes | None = None,
    ssl_context: SSLContext | None = None,
    server_hostname: str | None = None,
    proxy_headers: LooseHeaders | None = None,
    compress: int = 0,
    max_msg_size: int = 4 * 1024 * 1024,
    decode_text: bool = True,
) -> ClientWebSocketResponse:
    """Open a WebSocket to ``url`` through ``session`` (``ClientSession.ws_connect``).

    Raises:
        WSServerHandshakeError: the server did not accept the handshake
            (status, headers and the request's info are on the error).
        ValueError: ``compress`` is not 0 or window bits 9-15.
    """
    ws_timeout = _ws_timeout(timeout, receive_timeout)
    protocols = tuple(protocols)
    key = generate_key()
    request_headers = _handshake_headers(headers, key, protocols, origin, compress)
    resp = await session._request(
        method,
        url,
        params=params,
        headers=request_headers,
        read_until_eof=False,
        auth=auth,
        proxy=proxy,
        proxy_auth=proxy_auth,
        ssl=ssl,
        verify_ssl=verify_ssl,
        fingerprint=fingerprint,
        ssl_context=ssl_context,
        server_hostname=server_hostname,
        proxy_headers=proxy_headers,
    )
    try:
        _check_answer(resp, key)
        protocol = _chosen_protocol(resp, protocols)
        window_bits, notakeover = _negotiated_compression(resp, compress)
        return _start(
            session,
            resp,
            protocol,
            ws_timeout,
            window_bits=window_bits,
            notakeover=notakeover,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
            max_msg_size=max_msg_size,
            decode_text=decode_text,
        )
    except BaseException:
        resp.close()
        raise


def _start(
    session: ClientSession,
    resp: ClientResponse,
    protocol: str | None,
    ws_timeout: ClientWSTimeout,
    *,
    window_bits: int,
    notakeover: bool,
    autoclose: bool,
    autoping: bool,
    heartbeat: float | None,
    max_msg_size: int,
    decode_text: bool,
) -> ClientWebSocketResponse:
    """The handshake succeeded: move the connection over to WebSocket frames."""
    conn = resp.connection
    conn_proto = conn.protocol if conn is not None else None
    transport = conn_proto.transport if conn_proto is not None else None
    if conn_proto is None or transport is None or transport.is_closing():
        raise WSServerHandshakeError(
            resp.request_info,
            resp.history,
            message="Connection closed during the handshake",
            status=resp.status,
            headers=resp.headers,
        )
    # sock_read must not end an idle WebSocket sooner than receive() would:
    # no read timeout without a receive timeout, else at least as long.
    receive_timeout = ws_timeout.ws_receive
    if receive_timeout is None:
        conn_proto.read_timeout = None
    elif conn_proto.read_timeout is not None:
        conn_proto.read_timeout = max(receive_timeout, conn_proto.read_timeout)

    loop = asyncio.get_running_loop()
    queue = WebSocketDataQueue(conn_proto, _READER_LIMIT, loop=loop)
    writer = WebSocketWriter(
        conn_proto,
        transport,
        use_mask=True,
        compress=window_bits,
        notakeover=notakeover,
    )
    ws = session._ws_response_class(
        queue,
        writer,
        protocol,
        resp,
        ws_timeout,
        autoclose,
        autoping,
        loop,
        heartbeat=heartbeat,
        compress=window_bits,
        client_notakeover=notakeover,
    )
    reader = WebSocketReader(
        queue,
        max_msg_size,
        # Whatever window the server compresses with, 15 bits inflate it.
        compress=bool(window_bits),
        decode_text=decode_text,
        is_server=False,
    )
    # The WebSocket exists before the bytes that came after the 101 are fed:
    # they may already carry a message, or a protocol error.
    conn_proto.set_parser(FrameFeed(reader, ws), queue)
    return ws
