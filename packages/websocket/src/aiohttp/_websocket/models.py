"""WebSocket message types, close codes, messages and errors.

These are the plain data shapes that the frame reader and writer, the
client's ``ClientWebSocketResponse`` and the server's ``WebSocketResponse``
all share, so they live apart from any I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import IntEnum
from typing import Any, Final, NamedTuple

__all__ = (
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WS_KEY",
    "WSCloseCode",
    "WSHandshakeError",
    "WSMessage",
    "WSMessageDecodeText",
    "WSMessageNoDecodeText",
    "WSMessageTextBytes",
    "WSMessageTypeError",
    "WSMsgType",
    "WebSocketError",
)

#: The GUID that RFC 6455 section 1.3 appends to Sec-WebSocket-Key before
#: hashing it into Sec-WebSocket-Accept.
WS_KEY: Final = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WSCloseCode(IntEnum):
    """Status codes carried by a Close frame (RFC 6455 section 7.4)."""

    OK = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    ABNORMAL_CLOSURE = 1006
    INVALID_TEXT = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014


class WSMsgType(IntEnum):
    """Kinds of WebSocket message.

    The values below 0x100 are the frame opcodes of RFC 6455 section 5.2;
    CLOSING, CLOSED and ERROR are not frames but states reported to the
    application, numbered above any opcode so they can never collide.
    """

    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    PING = 0x9
    PONG = 0xA
    CLOSE = 0x8
    CLOSING = 0x100
    CLOSED = 0x101
    ERROR = 0x102

    # Lowercase aliases kept for code written against aiohttp's old names.
    text = TEXT
    binary = BINARY
    ping = PING
    pong = PONG
    close = CLOSE
    closing = CLOSING
    closed = CLOSED
    error = ERROR


class WSMessage(NamedTuple):
    """A message as returned by ``receive()``.

    ``data`` is ``str`` for TEXT, ``bytes`` for BINARY, PING and PONG, the
    close code (``int``) for CLOSE, the exception for ERROR and ``None``
    for CLOSING and CLOSED. ``extra`` is the close reason for CLOSE.
    """

    type: WSMsgType
    data: Any
    extra: str | None

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:  # noqa: ANN401
        """Return the payload decoded as JSON with *loads*."""
        return loads(self.data)


class WSMessageTextBytes(NamedTuple):
    """A TEXT message whose payload was left as UTF-8 ``bytes``.

    Produced when the reader is told not to decode text, so that a JSON
    loader accepting bytes can skip the intermediate ``str``.
    """

    type: WSMsgType
    data: Any
    extra: str | None

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:  # noqa: ANN401
        """Return the payload decoded as JSON with *loads*."""
        return loads(self.data)


#: Messages produced by a reader that decodes TEXT payloads to ``str``.
WSMessageDecodeText = WSMessage
#: Messages produced by a reader that leaves TEXT payloads as ``bytes``.
WSMessageNoDecodeText = WSMessage | WSMessageTextBytes

WS_CLOSED_MESSAGE: Final = WSMessage(WSMsgType.CLOSED, None, None)
WS_CLOSING_MESSAGE: Final = WSMessage(WSMsgType.CLOSING, None, None)


class WebSocketError(Exception):
    """A WebSocket protocol error, carrying the close code to send."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(code, message)

    def __str__(self) -> str:
        return str(self.args[1])


class WSMessageTypeError(TypeError):
    """``receive_str``/``receive_bytes``/``receive_json`` got another message type."""


class WSHandshakeError(Exception):
    """The opening handshake was invalid (RFC 6455 section 4)."""
