"""aiohttp's API, installed in parts: the facade of the ``aiohttp`` package.

Several aiotide distributions install modules into this one package; only
aiotide-core ships this file. It imports nothing but the standard library:
every public name below is looked up in ``_EXPORTS`` and imported from its
module on first use, so ``import aiohttp`` stays cheap and a name whose
distribution is absent raises an ``ImportError`` naming what to install.

To add a public name: add it to ``_EXPORTS`` (name -> module), to the static
``__all__`` that type checkers read, and, once its module exists, to the
``TYPE_CHECKING`` re-exports.
"""

from __future__ import annotations

from pkgutil import extend_path
from typing import TYPE_CHECKING

from ._aiotide_version import __aiotide_version__ as __aiotide_version__
from ._facade import LazyExports

# Editable installs keep each distribution's modules in its own src/aiohttp;
# this joins them into one package (DESIGN.md rule 1).
__path__ = extend_path(__path__, __name__)

#: The aiohttp API level aiotide implements; plugins compare against it.
#: aiotide's own version (the distributions' version) is ``__aiotide_version__``.
__version__ = "3.14.0"

#: Each public top-level name of aiohttp 3.14 and the module that defines it;
#: ``_facade.MODULE_DISTRIBUTIONS`` says which distribution ships the module.
_EXPORTS: dict[str, str] = {
    "hdrs": "hdrs",
    # client
    "BaseConnector": "connector",
    "ClientConnectionError": "client_exceptions",
    "ClientConnectionResetError": "client_exceptions",
    "ClientConnectorCertificateError": "client_exceptions",
    "ClientConnectorDNSError": "client_exceptions",
    "ClientConnectorError": "client_exceptions",
    "ClientConnectorSSLError": "client_exceptions",
    "ClientError": "client_exceptions",
    "ClientHttpProxyError": "client_exceptions",
    "ClientOSError": "client_exceptions",
    "ClientPayloadError": "client_exceptions",
    "ClientProxyConnectionError": "client_exceptions",
    "ClientResponse": "client_reqrep",
    "ClientRequest": "client_reqrep",
    "ClientResponseError": "client_exceptions",
    "ClientSSLError": "client_exceptions",
    "ClientSession": "client",
    "ClientTimeout": "client",
    "ClientWebSocketResponse": "client_ws",
    "ClientWSTimeout": "client_ws",
    "ConnectionTimeoutError": "client_exceptions",
    "ContentTypeError": "client_exceptions",
    "Fingerprint": "client_reqrep",
    "InvalidURL": "client_exceptions",
    "InvalidUrlClientError": "client_exceptions",
    "InvalidUrlRedirectClientError": "client_exceptions",
    "NamedPipeConnector": "connector",
    "NonHttpUrlClientError": "client_exceptions",
    "NonHttpUrlRedirectClientError": "client_exceptions",
    "RedirectClientError": "client_exceptions",
    "RequestInfo": "client_reqrep",
    "ServerConnectionError": "client_exceptions",
    "ServerDisconnectedError": "client_exceptions",
    "ServerFingerprintMismatch": "client_exceptions",
    "ServerTimeoutError": "client_exceptions",
    "SocketTimeoutError": "client_exceptions",
    "TCPConnector": "connector",
    "TooManyRedirects": "client_exceptions",
    "UnixConnector": "connector",
    "UploadAbortedError": "client_exceptions",
    "UploadTracker": "client_reqrep",
    "WSMessageTypeError": "http_websocket",
    "WSServerHandshakeError": "client_exceptions",
    "request": "client",
    # connector
    "AddrInfoType": "connector",
    "SocketFactoryType": "connector",
    # client middlewares
    "ClientHandlerType": "client_middlewares",
    "ClientMiddlewareType": "client_middlewares",
    "DigestAuthMiddleware": "client_middleware_digest_auth",
    # cookiejar
    "CookieJar": "cookiejar",
    "DummyCookieJar": "cookiejar",
    # formdata
    "FormData": "formdata",
    # helpers
    "BasicAuth": "helpers",
    "ChainMapProxy": "helpers",
    "ETag": "helpers",
    "encode_basic_auth": "helpers",
    # compression
    "set_zlib_backend": "compression_utils",
    # http
    "HttpVersion": "http",
    "HttpVersion10": "http",
    "HttpVersion11": "http",
    # websocket
    "WSCloseCode": "http_websocket",
    "WSMessage": "http_websocket",
    "WSMsgType": "http_websocket",
    "WebSocketError": "http_websocket",
    # multipart
    "BadContentDispositionHeader": "multipart",
    "BadContentDispositionParam": "multipart",
    "BodyPartReader": "multipart",
    "MultipartReader": "multipart",
    "MultipartWriter": "multipart",
    "content_disposition_filename": "multipart",
    "parse_content_disposition": "multipart",
    # payload
    "AsyncIterablePayload": "payload",
    "BufferedReaderPayload": "payload",
    "BytesIOPayload": "payload",
    "BytesPayload": "payload",
    "IOBasePayload": "payload",
    "JsonPayload": "payload",
    "PAYLOAD_REGISTRY": "payload",
    "Payload": "payload",
    "StringIOPayload": "payload",
    "StringPayload": "payload",
    "TextIOPayload": "payload",
    "get_payload": "payload",
    "payload_type": "payload",
    "streamer": "payload_streamer",
    # resolver
    "AsyncResolver": "resolver",
    "DefaultResolver": "resolver",
    "ThreadedResolver": "resolver",
    # streams
    "DataQueue": "streams",
    "EMPTY_PAYLOAD": "streams",
    "EofStream": "streams",
    "FlowControlDataQueue": "streams",
    "StreamReader": "streams",
    # tracing
    "TraceConfig": "tracing",
    "TraceConnectionCreateEndParams": "tracing",
    "TraceConnectionCreateStartParams": "tracing",
    "TraceConnectionQueuedEndParams": "tracing",
    "TraceConnectionQueuedStartParams": "tracing",
    "TraceConnectionReuseconnParams": "tracing",
    "TraceDnsCacheHitParams": "tracing",
    "TraceDnsCacheMissParams": "tracing",
    "TraceDnsResolveHostEndParams": "tracing",
    "TraceDnsResolveHostStartParams": "tracing",
    "TraceRequestChunkSentParams": "tracing",
    "TraceRequestEndParams": "tracing",
    "TraceRequestExceptionParams": "tracing",
    "TraceRequestHeadersSentParams": "tracing",
    "TraceRequestRedirectParams": "tracing",
    "TraceRequestStartParams": "tracing",
    "TraceResponseChunkReceivedParams": "tracing",
    # gunicorn workers
    "GunicornUVLoopWebWorker": "worker",
    "GunicornWebWorker": "worker",
}

if TYPE_CHECKING:
    # What type checkers see; the runtime resolves the same names lazily.
    # Each distribution's names join this block as its modules are written.
    from . import hdrs as hdrs
    from .client import ClientSession as ClientSession
    from .client import ClientTimeout as ClientTimeout
    from .client import request as request
    from .client_exceptions import ClientConnectionError as ClientConnectionError
    from .client_exceptions import (
        ClientConnectionResetError as ClientConnectionResetError,
    )
    from .client_exceptions import (
        ClientConnectorCertificateError as ClientConnectorCertificateError,
    )
    from .client_exceptions import ClientConnectorDNSError as ClientConnectorDNSError
    from .client_exceptions import ClientConnectorError as ClientConnectorError
    from .client_exceptions import ClientConnectorSSLError as ClientConnectorSSLError
    from .client_exceptions import ClientError as ClientError
    from .client_exceptions import ClientHttpProxyError as ClientHttpProxyError
    from .client_exceptions import ClientOSError as ClientOSError
    from .client_exceptions import ClientPayloadError as ClientPayloadError
    from .client_exceptions import (
        ClientProxyConnectionError as ClientProxyConnectionError,
    )
    from .client_exceptions import ClientResponseError as ClientResponseError
    from .client_exceptions import ClientSSLError as ClientSSLError
    from .client_exceptions import ConnectionTimeoutError as ConnectionTimeoutError
    from .client_exceptions import ContentTypeError as ContentTypeError
    from .client_exceptions import InvalidURL as InvalidURL
    from .client_exceptions import InvalidUrlClientError as InvalidUrlClientError
    from .client_exceptions import (
        InvalidUrlRedirectClientError as InvalidUrlRedirectClientError,
    )
    from .client_exceptions import NonHttpUrlClientError as NonHttpUrlClientError
    from .client_exceptions import (
        NonHttpUrlRedirectClientError as NonHttpUrlRedirectClientError,
    )
    from .client_exceptions import RedirectClientError as RedirectClientError
    from .client_exceptions import ServerConnectionError as ServerConnectionError
    from .client_exceptions import ServerDisconnectedError as ServerDisconnectedError
    from .client_exceptions import (
        ServerFingerprintMismatch as ServerFingerprintMismatch,
    )
    from .client_exceptions import ServerTimeoutError as ServerTimeoutError
    from .client_exceptions import SocketTimeoutError as SocketTimeoutError
    from .client_exceptions import TooManyRedirects as TooManyRedirects
    from .client_exceptions import UploadAbortedError as UploadAbortedError
    from .client_exceptions import WSServerHandshakeError as WSServerHandshakeError
    from .client_middleware_digest_auth import (
        DigestAuthMiddleware as DigestAuthMiddleware,
    )
    from .client_middlewares import ClientHandlerType as ClientHandlerType
    from .client_middlewares import ClientMiddlewareType as ClientMiddlewareType
    from .client_reqrep import ClientRequest as ClientRequest
    from .client_reqrep import ClientResponse as ClientResponse
    from .client_reqrep import Fingerprint as Fingerprint
    from .client_reqrep import RequestInfo as RequestInfo
    from .client_reqrep import UploadTracker as UploadTracker
    from .client_ws import ClientWebSocketResponse as ClientWebSocketResponse
    from .client_ws import ClientWSTimeout as ClientWSTimeout
    from .compression_utils import set_zlib_backend as set_zlib_backend
    from .connector import AddrInfoType as AddrInfoType
    from .connector import BaseConnector as BaseConnector
    from .connector import NamedPipeConnector as NamedPipeConnector
    from .connector import SocketFactoryType as SocketFactoryType
    from .connector import TCPConnector as TCPConnector
    from .connector import UnixConnector as UnixConnector
    from .cookiejar import CookieJar as CookieJar
    from .cookiejar import DummyCookieJar as DummyCookieJar
    from .formdata import FormData as FormData
    from .helpers import BasicAuth as BasicAuth
    from .helpers import ChainMapProxy as ChainMapProxy
    from .helpers import ETag as ETag
    from .helpers import encode_basic_auth as encode_basic_auth
    from .http import HttpVersion as HttpVersion
    from .http import HttpVersion10 as HttpVersion10
    from .http import HttpVersion11 as HttpVersion11
    from .http_websocket import WebSocketError as WebSocketError
    from .http_websocket import WSCloseCode as WSCloseCode
    from .http_websocket import WSMessage as WSMessage
    from .http_websocket import WSMessageTypeError as WSMessageTypeError
    from .http_websocket import WSMsgType as WSMsgType
    from .multipart import BadContentDispositionHeader as BadContentDispositionHeader
    from .multipart import BadContentDispositionParam as BadContentDispositionParam
    from .multipart import BodyPartReader as BodyPartReader
    from .multipart import MultipartReader as MultipartReader
    from .multipart import MultipartWriter as MultipartWriter
    from .multipart import content_disposition_filename as content_disposition_filename
    from .multipart import parse_content_disposition as parse_content_disposition
    from .payload import PAYLOAD_REGISTRY as PAYLOAD_REGISTRY
    from .payload import AsyncIterablePayload as AsyncIterablePayload
    from .payload import BufferedReaderPayload as BufferedReaderPayload
    from .payload import BytesIOPayload as BytesIOPayload
    from .payload import BytesPayload as BytesPayload
    from .payload import IOBasePayload as IOBasePayload
    from .payload import JsonPayload as JsonPayload
    from .payload import Payload as Payload
    from .payload import StringIOPayload as StringIOPayload
    from .payload import StringPayload as StringPayload
    from .payload import TextIOPayload as TextIOPayload
    from .payload import get_payload as get_payload
    from .payload import payload_type as payload_type
    from .payload_streamer import streamer as streamer
    from .resolver import AsyncResolver as AsyncResolver
    from .resolver import DefaultResolver as DefaultResolver
    from .resolver import ThreadedResolver as ThreadedResolver
    from .streams import EMPTY_PAYLOAD as EMPTY_PAYLOAD
    from .streams import DataQueue as DataQueue
    from .streams import EofStream as EofStream
    from .streams import FlowControlDataQueue as FlowControlDataQueue
    from .streams import StreamReader as StreamReader
    from .tracing import TraceConfig as TraceConfig
    from .tracing import (
        TraceConnectionCreateEndParams as TraceConnectionCreateEndParams,
    )
    from .tracing import (
        TraceConnectionCreateStartParams as TraceConnectionCreateStartParams,
    )
    from .tracing import (
        TraceConnectionQueuedEndParams as TraceConnectionQueuedEndParams,
    )
    from .tracing import (
        TraceConnectionQueuedStartParams as TraceConnectionQueuedStartParams,
    )
    from .tracing import (
        TraceConnectionReuseconnParams as TraceConnectionReuseconnParams,
    )
    from .tracing import TraceDnsCacheHitParams as TraceDnsCacheHitParams
    from .tracing import TraceDnsCacheMissParams as TraceDnsCacheMissParams
    from .tracing import TraceDnsResolveHostEndParams as TraceDnsResolveHostEndParams
    from .tracing import (
        TraceDnsResolveHostStartParams as TraceDnsResolveHostStartParams,
    )
    from .tracing import TraceRequestChunkSentParams as TraceRequestChunkSentParams
    from .tracing import TraceRequestEndParams as TraceRequestEndParams
    from .tracing import TraceRequestExceptionParams as TraceRequestExceptionParams
    from .tracing import TraceRequestHeadersSentParams as TraceRequestHeadersSentParams
    from .tracing import TraceRequestRedirectParams as TraceRequestRedirectParams
    from .tracing import TraceRequestStartParams as TraceRequestStartParams
    from .tracing import (
        TraceResponseChunkReceivedParams as TraceResponseChunkReceivedParams,
    )

    __all__ = (
        "hdrs",
        # client
        "BaseConnector",
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
        "ClientResponse",
        "ClientRequest",
        "ClientResponseError",
        "ClientSSLError",
        "ClientSession",
        "ClientTimeout",
        "ClientWebSocketResponse",
        "ClientWSTimeout",
        "ConnectionTimeoutError",
        "ContentTypeError",
        "Fingerprint",
        "InvalidURL",
        "InvalidUrlClientError",
        "InvalidUrlRedirectClientError",
        "NamedPipeConnector",
        "NonHttpUrlClientError",
        "NonHttpUrlRedirectClientError",
        "RedirectClientError",
        "RequestInfo",
        "ServerConnectionError",
        "ServerDisconnectedError",
        "ServerFingerprintMismatch",
        "ServerTimeoutError",
        "SocketTimeoutError",
        "TCPConnector",
        "TooManyRedirects",
        "UnixConnector",
        "UploadAbortedError",
        "UploadTracker",
        "WSMessageTypeError",
        "WSServerHandshakeError",
        "request",
        # connector
        "AddrInfoType",
        "SocketFactoryType",
        # client middlewares
        "ClientHandlerType",
        "ClientMiddlewareType",
        "DigestAuthMiddleware",
        # cookiejar
        "CookieJar",
        "DummyCookieJar",
        # formdata
        "FormData",
        # helpers
        "BasicAuth",
        "ChainMapProxy",
        "ETag",
        "encode_basic_auth",
        # compression
        "set_zlib_backend",
        # http
        "HttpVersion",
        "HttpVersion10",
        "HttpVersion11",
        # websocket
        "WSCloseCode",
        "WSMessage",
        "WSMsgType",
        "WebSocketError",
        # multipart
        "BadContentDispositionHeader",
        "BadContentDispositionParam",
        "BodyPartReader",
        "MultipartReader",
        "MultipartWriter",
        "content_disposition_filename",
        "parse_content_disposition",
        # payload
        "AsyncIterablePayload",
        "BufferedReaderPayload",
        "BytesIOPayload",
        "BytesPayload",
        "IOBasePayload",
        "JsonPayload",
        "PAYLOAD_REGISTRY",
        "Payload",
        "StringIOPayload",
        "StringPayload",
        "TextIOPayload",
        "get_payload",
        "payload_type",
        "streamer",
        # resolver
        "AsyncResolver",
        "DefaultResolver",
        "ThreadedResolver",
        # streams
        "DataQueue",
        "EMPTY_PAYLOAD",
        "EofStream",
        "FlowControlDataQueue",
        "StreamReader",
        # tracing
        "TraceConfig",
        "TraceConnectionCreateEndParams",
        "TraceConnectionCreateStartParams",
        "TraceConnectionQueuedEndParams",
        "TraceConnectionQueuedStartParams",
        "TraceConnectionReuseconnParams",
        "TraceDnsCacheHitParams",
        "TraceDnsCacheMissParams",
        "TraceDnsResolveHostEndParams",
        "TraceDnsResolveHostStartParams",
        "TraceRequestChunkSentParams",
        "TraceRequestEndParams",
        "TraceRequestExceptionParams",
        "TraceRequestHeadersSentParams",
        "TraceRequestRedirectParams",
        "TraceRequestStartParams",
        "TraceResponseChunkReceivedParams",
        # gunicorn workers
        "GunicornUVLoopWebWorker",
        "GunicornWebWorker",
    )
else:
    # ``__all__`` too is computed on first use: only what is installed, so
    # ``from aiohttp import *`` works with aiotide-core alone.
    _lazy = LazyExports(__name__, globals(), _EXPORTS, submodules=True)
    __getattr__ = _lazy.getattr
    __dir__ = _lazy.dir
