"""aiohttp.web: the web server's public names in one namespace.

``from aiohttp import web`` must stay cheap, so this facade defines nothing
itself and lends every name from the module that defines it on first use
(PEP 562). A type checker sees the same names through the ``TYPE_CHECKING``
imports below. ``python -m aiohttp.web`` runs the command line of
``_web_run_app``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ._facade import LazyExports

#: Public name -> the module (inside ``aiohttp``) that defines it.
_EXPORTS: dict[str, str] = {
    "Application": "web_app",
    "CleanupError": "web_app",
    "NotAppKeyWarning": "web_exceptions",
    "HTTPException": "web_exceptions",
    "HTTPError": "web_exceptions",
    "HTTPRedirection": "web_exceptions",
    "HTTPSuccessful": "web_exceptions",
    "HTTPOk": "web_exceptions",
    "HTTPCreated": "web_exceptions",
    "HTTPAccepted": "web_exceptions",
    "HTTPNonAuthoritativeInformation": "web_exceptions",
    "HTTPNoContent": "web_exceptions",
    "HTTPResetContent": "web_exceptions",
    "HTTPPartialContent": "web_exceptions",
    "HTTPMove": "web_exceptions",
    "HTTPMultipleChoices": "web_exceptions",
    "HTTPMovedPermanently": "web_exceptions",
    "HTTPFound": "web_exceptions",
    "HTTPSeeOther": "web_exceptions",
    "HTTPNotModified": "web_exceptions",
    "HTTPUseProxy": "web_exceptions",
    "HTTPTemporaryRedirect": "web_exceptions",
    "HTTPPermanentRedirect": "web_exceptions",
    "HTTPClientError": "web_exceptions",
    "HTTPBadRequest": "web_exceptions",
    "HTTPUnauthorized": "web_exceptions",
    "HTTPPaymentRequired": "web_exceptions",
    "HTTPForbidden": "web_exceptions",
    "HTTPNotFound": "web_exceptions",
    "HTTPMethodNotAllowed": "web_exceptions",
    "HTTPNotAcceptable": "web_exceptions",
    "HTTPProxyAuthenticationRequired": "web_exceptions",
    "HTTPRequestTimeout": "web_exceptions",
    "HTTPConflict": "web_exceptions",
    "HTTPGone": "web_exceptions",
    "HTTPLengthRequired": "web_exceptions",
    "HTTPPreconditionFailed": "web_exceptions",
    "HTTPRequestEntityTooLarge": "web_exceptions",
    "HTTPRequestURITooLong": "web_exceptions",
    "HTTPUnsupportedMediaType": "web_exceptions",
    "HTTPRequestRangeNotSatisfiable": "web_exceptions",
    "HTTPExpectationFailed": "web_exceptions",
    "HTTPMisdirectedRequest": "web_exceptions",
    "HTTPUnprocessableEntity": "web_exceptions",
    "HTTPFailedDependency": "web_exceptions",
    "HTTPUpgradeRequired": "web_exceptions",
    "HTTPPreconditionRequired": "web_exceptions",
    "HTTPTooManyRequests": "web_exceptions",
    "HTTPRequestHeaderFieldsTooLarge": "web_exceptions",
    "HTTPUnavailableForLegalReasons": "web_exceptions",
    "HTTPServerError": "web_exceptions",
    "HTTPInternalServerError": "web_exceptions",
    "HTTPNotImplemented": "web_exceptions",
    "HTTPBadGateway": "web_exceptions",
    "HTTPServiceUnavailable": "web_exceptions",
    "HTTPGatewayTimeout": "web_exceptions",
    "HTTPVersionNotSupported": "web_exceptions",
    "HTTPVariantAlsoNegotiates": "web_exceptions",
    "HTTPInsufficientStorage": "web_exceptions",
    "HTTPNotExtended": "web_exceptions",
    "HTTPNetworkAuthenticationRequired": "web_exceptions",
    "FileResponse": "web_fileresponse",
    "middleware": "web_middlewares",
    "normalize_path_middleware": "web_middlewares",
    "PayloadAccessError": "web_protocol",
    "RequestHandler": "web_protocol",
    "RequestPayloadError": "web_protocol",
    "BaseRequest": "web_request",
    "FileField": "web_request",
    "Request": "web_request",
    "RequestKey": "web_request",
    "ContentCoding": "web_response",
    "Response": "web_response",
    "ResponseKey": "web_response",
    "StreamResponse": "web_response",
    "json_response": "web_response",
    "AbstractRouteDef": "web_routedef",
    "RouteDef": "web_routedef",
    "RouteTableDef": "web_routedef",
    "StaticDef": "web_routedef",
    "delete": "web_routedef",
    "get": "web_routedef",
    "head": "web_routedef",
    "options": "web_routedef",
    "patch": "web_routedef",
    "post": "web_routedef",
    "put": "web_routedef",
    "route": "web_routedef",
    "static": "web_routedef",
    "view": "web_routedef",
    "AppRunner": "web_runner",
    "BaseRunner": "web_runner",
    "BaseSite": "web_runner",
    "GracefulExit": "web_runner",
    "ServerRunner": "web_runner",
    "SockSite": "web_runner",
    "TCPSite": "web_runner",
    "UnixSite": "web_runner",
    "NamedPipeSite": "web_runner",
    "Server": "web_server",
    "AbstractResource": "web_urldispatcher",
    "AbstractRoute": "web_urldispatcher",
    "DynamicResource": "web_urldispatcher",
    "PlainResource": "web_urldispatcher",
    "PrefixedSubAppResource": "web_urldispatcher",
    "Resource": "web_urldispatcher",
    "ResourceRoute": "web_urldispatcher",
    "StaticResource": "web_urldispatcher",
    "UrlDispatcher": "web_urldispatcher",
    "UrlMappingMatchInfo": "web_urldispatcher",
    "View": "web_urldispatcher",
    "WebSocketReady": "web_ws",
    "WebSocketResponse": "web_ws",
    "WSMsgType": "web_ws",
    "AppKey": "web_app",
    "run_app": "_web_run_app",
    "main": "_web_run_app",
}

if TYPE_CHECKING:
    from ._web_run_app import main as main
    from ._web_run_app import run_app as run_app
    from .web_app import AppKey as AppKey
    from .web_app import Application as Application
    from .web_app import CleanupError as CleanupError
    from .web_exceptions import HTTPAccepted as HTTPAccepted
    from .web_exceptions import HTTPBadGateway as HTTPBadGateway
    from .web_exceptions import HTTPBadRequest as HTTPBadRequest
    from .web_exceptions import HTTPClientError as HTTPClientError
    from .web_exceptions import HTTPConflict as HTTPConflict
    from .web_exceptions import HTTPCreated as HTTPCreated
    from .web_exceptions import HTTPError as HTTPError
    from .web_exceptions import HTTPException as HTTPException
    from .web_exceptions import HTTPExpectationFailed as HTTPExpectationFailed
    from .web_exceptions import HTTPFailedDependency as HTTPFailedDependency
    from .web_exceptions import HTTPForbidden as HTTPForbidden
    from .web_exceptions import HTTPFound as HTTPFound
    from .web_exceptions import HTTPGatewayTimeout as HTTPGatewayTimeout
    from .web_exceptions import HTTPGone as HTTPGone
    from .web_exceptions import HTTPInsufficientStorage as HTTPInsufficientStorage
    from .web_exceptions import HTTPInternalServerError as HTTPInternalServerError
    from .web_exceptions import HTTPLengthRequired as HTTPLengthRequired
    from .web_exceptions import HTTPMethodNotAllowed as HTTPMethodNotAllowed
    from .web_exceptions import HTTPMisdirectedRequest as HTTPMisdirectedRequest
    from .web_exceptions import HTTPMove as HTTPMove
    from .web_exceptions import HTTPMovedPermanently as HTTPMovedPermanently
    from .web_exceptions import HTTPMultipleChoices as HTTPMultipleChoices
    from .web_exceptions import (
        HTTPNetworkAuthenticationRequired as HTTPNetworkAuthenticationRequired,
    )
    from .web_exceptions import HTTPNoContent as HTTPNoContent
    from .web_exceptions import (
        HTTPNonAuthoritativeInformation as HTTPNonAuthoritativeInformation,
    )
    from .web_exceptions import HTTPNotAcceptable as HTTPNotAcceptable
    from .web_exceptions import HTTPNotExtended as HTTPNotExtended
    from .web_exceptions import HTTPNotFound as HTTPNotFound
    from .web_exceptions import HTTPNotImplemented as HTTPNotImplemented
    from .web_exceptions import HTTPNotModified as HTTPNotModified
    from .web_exceptions import HTTPOk as HTTPOk
    from .web_exceptions import HTTPPartialContent as HTTPPartialContent
    from .web_exceptions import HTTPPaymentRequired as HTTPPaymentRequired
    from .web_exceptions import HTTPPermanentRedirect as HTTPPermanentRedirect
    from .web_exceptions import HTTPPreconditionFailed as HTTPPreconditionFailed
    from .web_exceptions import HTTPPreconditionRequired as HTTPPreconditionRequired
    from .web_exceptions import (
        HTTPProxyAuthenticationRequired as HTTPProxyAuthenticationRequired,
    )
    from .web_exceptions import HTTPRedirection as HTTPRedirection
    from .web_exceptions import HTTPRequestEntityTooLarge as HTTPRequestEntityTooLarge
    from .web_exceptions import (
        HTTPRequestHeaderFieldsTooLarge as HTTPRequestHeaderFieldsTooLarge,
    )
    from .web_exceptions import (
        HTTPRequestRangeNotSatisfiable as HTTPRequestRangeNotSatisfiable,
    )
    from .web_exceptions import HTTPRequestTimeout as HTTPRequestTimeout
    from .web_exceptions import HTTPRequestURITooLong as HTTPRequestURITooLong
    from .web_exceptions import HTTPResetContent as HTTPResetContent
    from .web_exceptions import HTTPSeeOther as HTTPSeeOther
    from .web_exceptions import HTTPServerError as HTTPServerError
    from .web_exceptions import HTTPServiceUnavailable as HTTPServiceUnavailable
    from .web_exceptions import HTTPSuccessful as HTTPSuccessful
    from .web_exceptions import HTTPTemporaryRedirect as HTTPTemporaryRedirect
    from .web_exceptions import HTTPTooManyRequests as HTTPTooManyRequests
    from .web_exceptions import HTTPUnauthorized as HTTPUnauthorized
    from .web_exceptions import (
        HTTPUnavailableForLegalReasons as HTTPUnavailableForLegalReasons,
    )
    from .web_exceptions import HTTPUnprocessableEntity as HTTPUnprocessableEntity
    from .web_exceptions import HTTPUnsupportedMediaType as HTTPUnsupportedMediaType
    from .web_exceptions import HTTPUpgradeRequired as HTTPUpgradeRequired
    from .web_exceptions import HTTPUseProxy as HTTPUseProxy
    from .web_exceptions import HTTPVariantAlsoNegotiates as HTTPVariantAlsoNegotiates
    from .web_exceptions import HTTPVersionNotSupported as HTTPVersionNotSupported
    from .web_exceptions import NotAppKeyWarning as NotAppKeyWarning
    from .web_fileresponse import FileResponse as FileResponse
    from .web_middlewares import middleware as middleware
    from .web_middlewares import normalize_path_middleware as normalize_path_middleware
    from .web_protocol import PayloadAccessError as PayloadAccessError
    from .web_protocol import RequestHandler as RequestHandler
    from .web_protocol import RequestPayloadError as RequestPayloadError
    from .web_request import BaseRequest as BaseRequest
    from .web_request import FileField as FileField
    from .web_request import Request as Request
    from .web_request import RequestKey as RequestKey
    from .web_response import ContentCoding as ContentCoding
    from .web_response import Response as Response
    from .web_response import ResponseKey as ResponseKey
    from .web_response import StreamResponse as StreamResponse
    from .web_response import json_response as json_response
    from .web_routedef import AbstractRouteDef as AbstractRouteDef
    from .web_routedef import RouteDef as RouteDef
    from .web_routedef import RouteTableDef as RouteTableDef
    from .web_routedef import StaticDef as StaticDef
    from .web_routedef import delete as delete
    from .web_routedef import get as get
    from .web_routedef import head as head
    from .web_routedef import options as options
    from .web_routedef import patch as patch
    from .web_routedef import post as post
    from .web_routedef import put as put
    from .web_routedef import route as route
    from .web_routedef import static as static
    from .web_routedef import view as view
    from .web_runner import AppRunner as AppRunner
    from .web_runner import BaseRunner as BaseRunner
    from .web_runner import BaseSite as BaseSite
    from .web_runner import GracefulExit as GracefulExit
    from .web_runner import NamedPipeSite as NamedPipeSite
    from .web_runner import ServerRunner as ServerRunner
    from .web_runner import SockSite as SockSite
    from .web_runner import TCPSite as TCPSite
    from .web_runner import UnixSite as UnixSite
    from .web_server import Server as Server
    from .web_urldispatcher import AbstractResource as AbstractResource
    from .web_urldispatcher import AbstractRoute as AbstractRoute
    from .web_urldispatcher import DynamicResource as DynamicResource
    from .web_urldispatcher import PlainResource as PlainResource
    from .web_urldispatcher import PrefixedSubAppResource as PrefixedSubAppResource
    from .web_urldispatcher import Resource as Resource
    from .web_urldispatcher import ResourceRoute as ResourceRoute
    from .web_urldispatcher import StaticResource as StaticResource
    from .web_urldispatcher import UrlDispatcher as UrlDispatcher
    from .web_urldispatcher import UrlMappingMatchInfo as UrlMappingMatchInfo
    from .web_urldispatcher import View as View
    from .web_ws import WebSocketReady as WebSocketReady
    from .web_ws import WebSocketResponse as WebSocketResponse
    from .web_ws import WSMsgType as WSMsgType

    __all__ = (
        "Application",
        "CleanupError",
        "NotAppKeyWarning",
        "HTTPException",
        "HTTPError",
        "HTTPRedirection",
        "HTTPSuccessful",
        "HTTPOk",
        "HTTPCreated",
        "HTTPAccepted",
        "HTTPNonAuthoritativeInformation",
        "HTTPNoContent",
        "HTTPResetContent",
        "HTTPPartialContent",
        "HTTPMove",
        "HTTPMultipleChoices",
        "HTTPMovedPermanently",
        "HTTPFound",
        "HTTPSeeOther",
        "HTTPNotModified",
        "HTTPUseProxy",
        "HTTPTemporaryRedirect",
        "HTTPPermanentRedirect",
        "HTTPClientError",
        "HTTPBadRequest",
        "HTTPUnauthorized",
        "HTTPPaymentRequired",
        "HTTPForbidden",
        "HTTPNotFound",
        "HTTPMethodNotAllowed",
        "HTTPNotAcceptable",
        "HTTPProxyAuthenticationRequired",
        "HTTPRequestTimeout",
        "HTTPConflict",
        "HTTPGone",
        "HTTPLengthRequired",
        "HTTPPreconditionFailed",
        "HTTPRequestEntityTooLarge",
        "HTTPRequestURITooLong",
        "HTTPUnsupportedMediaType",
        "HTTPRequestRangeNotSatisfiable",
        "HTTPExpectationFailed",
        "HTTPMisdirectedRequest",
        "HTTPUnprocessableEntity",
        "HTTPFailedDependency",
        "HTTPUpgradeRequired",
        "HTTPPreconditionRequired",
        "HTTPTooManyRequests",
        "HTTPRequestHeaderFieldsTooLarge",
        "HTTPUnavailableForLegalReasons",
        "HTTPServerError",
        "HTTPInternalServerError",
        "HTTPNotImplemented",
        "HTTPBadGateway",
        "HTTPServiceUnavailable",
        "HTTPGatewayTimeout",
        "HTTPVersionNotSupported",
        "HTTPVariantAlsoNegotiates",
        "HTTPInsufficientStorage",
        "HTTPNotExtended",
        "HTTPNetworkAuthenticationRequired",
        "FileResponse",
        "middleware",
        "normalize_path_middleware",
        "PayloadAccessError",
        "RequestHandler",
        "RequestPayloadError",
        "BaseRequest",
        "FileField",
        "Request",
        "RequestKey",
        "ContentCoding",
        "Response",
        "ResponseKey",
        "StreamResponse",
        "json_response",
        "AbstractRouteDef",
        "RouteDef",
        "RouteTableDef",
        "StaticDef",
        "delete",
        "get",
        "head",
        "options",
        "patch",
        "post",
        "put",
        "route",
        "static",
        "view",
        "AppRunner",
        "BaseRunner",
        "BaseSite",
        "GracefulExit",
        "ServerRunner",
        "SockSite",
        "TCPSite",
        "UnixSite",
        "NamedPipeSite",
        "Server",
        "AbstractResource",
        "AbstractRoute",
        "DynamicResource",
        "PlainResource",
        "PrefixedSubAppResource",
        "Resource",
        "ResourceRoute",
        "StaticResource",
        "UrlDispatcher",
        "UrlMappingMatchInfo",
        "View",
        "WebSocketReady",
        "WebSocketResponse",
        "WSMsgType",
        "AppKey",
        "run_app",
        "main",
    )
else:
    _lazy = LazyExports(__name__, globals(), _EXPORTS)
    __getattr__ = _lazy.getattr
    __dir__ = _lazy.dir


if __name__ == "__main__":  # python -m aiohttp.web
    from ._web_run_app import main as _main

    _main(sys.argv[1:])
