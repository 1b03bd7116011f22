"""The WebSocket protocol (RFC 6455, with RFC 7692's permessage-deflate).

aiohttp's public module for the protocol both the server's
``WebSocketResponse`` and the client's ``ws_connect`` stand on. The work is
done in ``aiohttp._websocket``: ``models`` (message types, close codes),
``reader`` (a sans-IO frame parser and the queue-feeding adapter),
``writer`` (frames, masking, compression), ``mask``, ``extensions``
(permessage-deflate negotiation) and ``handshake`` (accept keys, header
checks, subprotocols).
"""

from __future__ import annotations

from ._websocket.extensions import ws_ext_gen, ws_ext_parse
from ._websocket.models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WS_KEY,
    WebSocketError,
    WSCloseCode,
    WSHandshakeError,
    WSMessage,
    WSMessageDecodeText,
    WSMessageNoDecodeText,
    WSMessageTextBytes,
    WSMessageTypeError,
    WSMsgType,
)
from ._websocket.reader import WebSocketReader
from ._websocket.writer import WebSocketWriter

__all__ = (
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WS_KEY",
    "WebSocketReader",
    "WebSocketWriter",
    "WSMessage",
    "WSMessageDecodeText",
    "WSMessageNoDecodeText",
    "WSMessageTextBytes",
    "WSMessageTypeError",
    "WebSocketError",
    "WSMsgType",
    "WSCloseCode",
    "ws_ext_gen",
    "ws_ext_parse",
    "WSHandshakeError",
)
