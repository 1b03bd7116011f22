"""The server's side of the WebSocket opening handshake (RFC 6455 4.2, RFC 7692).

``negotiate()`` is a pure function of the request: it checks that the
request is a WebSocket handshake, picks the subprotocol and the
permessage-deflate settings, and returns the headers of the 101 answer; a
request it cannot accept raises the HTTP error to answer instead.
``WebSocketResponse.prepare()`` and ``can_prepare()`` share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

from multidict import CIMultiDict

from . import hdrs
from ._websocket.extensions import ws_ext_gen, ws_ext_parse
from ._websocket.handshake import (
    accept_value,
    choose_protocol,
    validate_request_headers,
)
from ._websocket.models import WSHandshakeError
from .log import ws_logger
from .web_exceptions import HTTPBadRequest, HTTPMethodNotAllowed
from .web_request import BaseRequest

__all__ = ("Handshake", "negotiate")

_VERSION: Final = "13"


class Handshake(NamedTuple):
    """What the opening handshake agreed on."""

    headers: CIMultiDict[str]  # the 101's Upgrade, Connection, Sec-WebSocket-*
    protocol: str | None  # the subprotocol, if any
    compress: int  # our deflate window bits; 0: no permessage-deflate
    notakeover: bool  # reset our compressor after each message


def negotiate(
    request: BaseRequest,
    protocols: Sequence[str],
    *,
    compress: bool,
    log: bool = True,
) -> Handshake:
    """Check ``request`` as an opening handshake and agree on its terms.

    ``protocols`` are the subprotocols the server speaks; the first one the
    client offers among them is chosen (a mismatch is logged when ``log``).
    ``compress`` allows permessage-deflate.

    Raises:
        HTTPMethodNotAllowed: the method is not GET (section 4.1).
        HTTPBadRequest: a header is missing or wrong (section 4.2.1); for a
            version other than 13 it carries ``Sec-WebSocket-Version: 13``
            (section 4.2.2).
    """
    if request.method != hdrs.METH_GET:
        raise HTTPMethodNotAllowed(request.method, [hdrs.METH_GET])
    headers = request.headers
    upgrade = headers.get(hdrs.UPGRADE, "")
    # Exactly "websocket", as aiohttp wants: the HTTP parser switches the
    # connection over only for that value.
    if upgrade.strip().lower() != "websocket":
        raise HTTPBadRequest(
            text=f"No WebSocket Upgrade header: {upgrade!r}; "
            'can only upgrade to "websocket"'
        )
    try:
        key = validate_request_headers(headers)
    except WSHandshakeError as exc:
        version = headers.get(hdrs.SEC_WEBSOCKET_VERSION)
        extra: dict[str, str] = {}
        if version is None or version.strip() != _VERSION:
            extra[hdrs.SEC_WEBSOCKET_VERSION] = _VERSION
        raise HTTPBadRequest(text=str(exc), headers=extra) from None

    response_headers: CIMultiDict[str] = CIMultiDict(
        {
            hdrs.UPGRADE: "websocket",
            hdrs.CONNECTION: "upgrade",
            hdrs.SEC_WEBSOCKET_ACCEPT: accept_value(key),
        }
    )
    protocol = _choose_protocol(request, protocols, log=log)
    if protocol is not None:
        response_headers[hdrs.SEC_WEBSOCKET_PROTOCOL] = protocol

    window_bits, notakeover = 0, False
    if compress:
        offers = headers.getall(hdrs.SEC_WEBSOCKET_EXTENSIONS, ())
        # The server side skips the offers it cannot honour; it never raises.
        window_bits, notakeover = ws_ext_parse(",".join(offers), isserver=True)
        if window_bits:
            response_headers[hdrs.SEC_WEBSOCKET_EXTENSIONS] = ws_ext_gen(
                compress=window_bits, isserver=True, server_notakeover=notakeover
            )
    return Handshake(response_headers, protocol, window_bits, notakeover)


def _choose_protocol(
    request: BaseRequest, protocols: Sequence[str], *, log: bool
) -> str | None:
    # The offer may be split over several header lines.
    offered = ",".join(request.headers.getall(hdrs.SEC_WEBSOCKET_PROTOCOL, ()))
    if not offered:
        return None
    protocol = choose_protocol(offered, protocols)
    if protocol is None and log:
        ws_logger.warning(
            "Client protocols %r don't overlap server-known ones %r",
            [item.strip() for item in offered.split(",")],
            protocols,
        )
    return protocol
