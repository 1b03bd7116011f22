"""aiohttp's low-level HTTP names in one place.

This module defines the protocol constants and re-exports the parser,
writer, error and WebSocket names from the modules that define them, lazily
(PEP 562): the WebSocket ones live in aiotide-websocket, so importing this
facade must not import them. Our own modules import the defining modules
directly, never this facade.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Final

from . import __version__
from ._aiotide_version import __aiotide_version__
from ._facade import LazyExports
from ._http_version import HttpVersion, HttpVersion10, HttpVersion11

#: The ``Server`` and ``User-Agent`` product tokens: aiohttp's format, which
#: peers and log parsers know, followed by aiotide's own version.
SERVER_SOFTWARE: Final[str] = (
    f"Python/{sys.version_info[0]}.{sys.version_info[1]} "
    f"aiohttp/{__version__} aiotide/{__aiotide_version__}"
)

#: Status code -> (reason phrase, description), for every status Python knows.
RESPONSES: Final[Mapping[int, tuple[str, str]]] = {
    status.value: (status.phrase, status.description) for status in HTTPStatus
}

#: Names this facade lends from the modules that define them.
_EXPORTS: dict[str, str] = {
    "HttpProcessingError": "http_exceptions",
    "StreamWriter": "http_writer",
    "HeadersParser": "http_parser",
    "HttpParser": "http_parser",
    "HttpRequestParser": "http_parser",
    "HttpResponseParser": "http_parser",
    "RawRequestMessage": "http_parser",
    "RawResponseMessage": "http_parser",
    "WS_CLOSED_MESSAGE": "http_websocket",
    "WS_CLOSING_MESSAGE": "http_websocket",
    "WS_KEY": "http_websocket",
    "WebSocketReader": "http_websocket",
    "WebSocketWriter": "http_websocket",
    "ws_ext_gen": "http_websocket",
    "ws_ext_parse": "http_websocket",
    "WSMessage": "http_websocket",
    "WSMessageDecodeText": "http_websocket",
    "WSMessageNoDecodeText": "http_websocket",
    "WSMessageTextBytes": "http_websocket",
    "WebSocketError": "http_websocket",
    "WSMsgType": "http_websocket",
    "WSCloseCode": "http_websocket",
}

if TYPE_CHECKING:
    # Re-exports join this block as their modules are written; the
    # WebSocket names are aiotide-websocket's (DESIGN.md's facade exception).
    from .http_exceptions import HttpProcessingError as HttpProcessingError
    from .http_parser import HeadersParser as HeadersParser
    from .http_parser import HttpParser as HttpParser
    from .http_parser import HttpRequestParser as HttpRequestParser
    from .http_parser import HttpResponseParser as HttpResponseParser
    from .http_parser import RawRequestMessage as RawRequestMessage
    from .http_parser import RawResponseMessage as RawResponseMessage
    from .http_websocket import WS_CLOSED_MESSAGE as WS_CLOSED_MESSAGE
    from .http_websocket import WS_CLOSING_MESSAGE as WS_CLOSING_MESSAGE
    from .http_websocket import WS_KEY as WS_KEY
    from .http_websocket import WebSocketError as WebSocketError
    from .http_websocket import WebSocketReader as WebSocketReader
    from .http_websocket import WebSocketWriter as WebSocketWriter
    from .http_websocket import WSCloseCode as WSCloseCode
    from .http_websocket import WSMessage as WSMessage
    from .http_websocket import WSMessageDecodeText as WSMessageDecodeText
    from .http_websocket import WSMessageNoDecodeText as WSMessageNoDecodeText
    from .http_websocket import WSMessageTextBytes as WSMessageTextBytes
    from .http_websocket import WSMsgType as WSMsgType
    from .http_websocket import ws_ext_gen as ws_ext_gen
    from .http_websocket import ws_ext_parse as ws_ext_parse
    from .http_writer import StreamWriter as StreamWriter

    __all__ = (
        "RESPONSES",
        "SERVER_SOFTWARE",
        "HttpVersion",
        "HttpVersion10",
        "HttpVersion11",
        "HttpProcessingError",
        "StreamWriter",
        "HeadersParser",
        "HttpParser",
        "HttpRequestParser",
        "HttpResponseParser",
        "RawRequestMessage",
        "RawResponseMessage",
        "WS_CLOSED_MESSAGE",
        "WS_CLOSING_MESSAGE",
        "WS_KEY",
        "WebSocketReader",
        "WebSocketWriter",
        "ws_ext_gen",
        "ws_ext_parse",
        "WSMessage",
        "WSMessageDecodeText",
        "WSMessageNoDecodeText",
        "WSMessageTextBytes",
        "WebSocketError",
        "WSMsgType",
        "WSCloseCode",
    )
else:
    _lazy = LazyExports(
        __name__,
        globals(),
        _EXPORTS,
        defined=(
            "RESPONSES",
            "SERVER_SOFTWARE",
            "HttpVersion",
            "HttpVersion10",
            "HttpVersion11",
        ),
    )
    __getattr__ = _lazy.getattr
    __dir__ = _lazy.dir
