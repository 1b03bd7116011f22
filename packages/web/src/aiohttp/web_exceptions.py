"""One exception per HTTP status code, each one also a ready response.

A handler raises one of these to answer with its status; the server sends
the exception itself as the response (aiohttp 3.x: every
``HTTPException`` is a ``Response`` too). Without ``text`` or ``body`` the
body is ``"<status>: <reason>"`` as ``text/plain``, except for the statuses
that never carry one (204, 205, 304).

The hierarchy, which the tests walk as their checklist::

    Exception
     └── HTTPException (also a web_response.Response)
          ├── HTTPSuccessful
          │    ├── 200 HTTPOk
          │    ├── 201 HTTPCreated
          │    ├── 202 HTTPAccepted
          │    ├── 203 HTTPNonAuthoritativeInformation
          │    ├── 204 HTTPNoContent                      (no body)
          │    ├── 205 HTTPResetContent                   (no body)
          │    └── 206 HTTPPartialContent
          ├── HTTPRedirection
          │    ├── 304 HTTPNotModified                    (no body)
          │    └── HTTPMove (location: the Location header)
          │         ├── 300 HTTPMultipleChoices
          │         ├── 301 HTTPMovedPermanently
          │         ├── 302 HTTPFound
          │         ├── 303 HTTPSeeOther
          │         ├── 305 HTTPUseProxy
          │         ├── 307 HTTPTemporaryRedirect
          │         └── 308 HTTPPermanentRedirect
          └── HTTPError
               ├── HTTPClientError
               │    ├── 400 HTTPBadRequest
               │    ├── 401 HTTPUnauthorized
               │    ├── 402 HTTPPaymentRequired
               │    ├── 403 HTTPForbidden
               │    ├── 404 HTTPNotFound
               │    ├── 405 HTTPMethodNotAllowed (method, allowed_methods: Allow)
               │    ├── 406 HTTPNotAcceptable
               │    ├── 407 HTTPProxyAuthenticationRequired
               │    ├── 408 HTTPRequestTimeout
               │    ├── 409 HTTPConflict
               │    ├── 410 HTTPGone
               │    ├── 411 HTTPLengthRequired
               │    ├── 412 HTTPPreconditionFailed
               │    ├── 413 HTTPRequestEntityTooLarge (max_size, actual_size)
               │    ├── 414 HTTPRequestURITooLong
               │    ├── 415 HTTPUnsupportedMediaType
               │    ├── 416 HTTPRequestRangeNotSatisfiable
               │    ├── 417 HTTPExpectationFailed
               │    ├── 421 HTTPMisdirectedRequest
               │    ├── 422 HTTPUnprocessableEntity
               │    ├── 424 HTTPFailedDependency
               │    ├── 426 HTTPUpgradeRequired
               │    ├── 428 HTTPPreconditionRequired
               │    ├── 429 HTTPTooManyRequests
               │    ├── 431 HTTPRequestHeaderFieldsTooLarge
               │    └── 451 HTTPUnavailableForLegalReasons (link: Link header)
               └── HTTPServerError
                    ├── 500 HTTPInternalServerError
                    ├── 501 HTTPNotImplemented
                    ├── 502 HTTPBadGateway
                    ├── 503 HTTPServiceUnavailable
                    ├── 504 HTTPGatewayTimeout
                    ├── 505 HTTPVersionNotSupported
                    ├── 506 HTTPVariantAlsoNegotiates
                    ├── 507 HTTPInsufficientStorage
                    ├── 510 HTTPNotExtended
                    └── 511 HTTPNetworkAuthenticationRequired

The list is aiohttp 3.x's, no more: statuses it has no class for (425,
508, ...) are answered with ``web.Response(status=...)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from yarl import URL

from . import hdrs
from .typedefs import LooseHeaders, StrOrURL
from .web_response import Response

__all__ = (
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
)


def _header_safe(value: str, what: str) -> str:
    """Return ``value``, refusing the bytes that would split a header."""
    if "\r" in value or "\n" in value or "\0" in value:
        raise ValueError(f"{what} must not contain CR, LF or NUL: {value!r}")
    return value


############################################################
# Base classes
############################################################


class HTTPException(Response, Exception):
    """An HTTP answer that can be raised; the base of every class here.

    The status is the class's ``status_code``. ``text`` (or ``body``, which
    aiohttp deprecates here) replaces the default ``"<status>: <reason>"``
    body; ``headers`` are added to the response's headers.
    """

    # Subclasses set the status; -1 marks the abstract bases.
    status_code = -1
    # Statuses whose responses never carry a body (RFC 9110 15.3.5, 15.3.6,
    # 15.4.5).
    empty_body = False

    # How the server recognises these without importing this module.
    __http_exception__ = True

    def __init__(
        self,
        *,
        headers: LooseHeaders | None = None,
        reason: str | None = None,
        body: object = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        if body is not None:
            warnings.warn(
                "body argument is deprecated for http web exceptions",
                DeprecationWarning,
                stacklevel=2,
            )
        Response.__init__(
            self,
            status=self.status_code,
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        Exception.__init__(self, self.reason)
        if self.body is None and not self.empty_body:
            self.text = f"{self.status}: {self.reason}"

    def __str__(self) -> str:
        return self.reason

    # A response is truthy even when it holds no items (Mapping would say
    # otherwise), and compares and hashes by identity like any exception.
    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class HTTPError(HTTPException):
    """Base of the 4xx and 5xx exceptions."""


class HTTPRedirection(HTTPException):
    """Base of the 3xx exceptions."""


class HTTPSuccessful(HTTPException):
    """Base of the 2xx exceptions."""


############################################################
# 2xx successful
############################################################


class HTTPOk(HTTPSuccessful):
    """200 OK."""

    status_code = 200


class HTTPCreated(HTTPSuccessful):
    """201 Created."""

    status_code = 201


class HTTPAccepted(HTTPSuccessful):
    """202 Accepted."""

    status_code = 202


class HTTPNonAuthoritativeInformation(HTTPSuccessful):
    """203 Non-Authoritative Information."""

    status_code = 203


class HTTPNoContent(HTTPSuccessful):
    """204 No Content; never has a body."""

    status_code = 204
    empty_body = True


class HTTPResetContent(HTTPSuccessful):
    """205 Reset Content; never has a body."""

    status_code = 205
    empty_body = True


class HTTPPartialContent(HTTPSuccessful):
    """206 Partial Content."""

    status_code = 206


############################################################
# 3xx redirection
############################################################


class HTTPMove(HTTPRedirection):
    """Base of the redirections that send a ``Location`` header.

    ``location`` (a ``str`` or ``yarl.URL``) is kept as given on
    ``self.location``; an empty one raises ``ValueError``, and so does one
    with CR, LF or NUL in it.
    """

    def __init__(
        self,
        location: StrOrURL,
        *,
        headers: LooseHeaders | None = None,
        reason: str | None = None,
        body: object = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        if not location:
            raise ValueError("HTTP redirects need a location to redirect to.")
        # Check before yarl sees it: URL() would quietly re-encode the bytes.
        value = _header_safe(str(location), "Location")
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        self.headers[hdrs.LOCATION] = str(URL(value))
        self.location = location


class HTTPMultipleChoices(HTTPMove):
    """300 Multiple Choices."""

    status_code = 300


class HTTPMovedPermanently(HTTPMove):
    """301 Moved Permanently."""

    status_code = 301


class HTTPFound(HTTPMove):
    """302 Found."""

    status_code = 302


class HTTPSeeOther(HTTPMove):
    """303 See Other; the client follows with a GET."""

    status_code = 303


class HTTPNotModified(HTTPRedirection):
    """304 Not Modified; never has a body, and takes no location."""

    status_code = 304
    empty_body = True


class HTTPUseProxy(HTTPMove):
    """305 Use Proxy (deprecated by RFC 9110, kept for aiohttp's API)."""

    status_code = 305


class HTTPTemporaryRedirect(HTTPMove):
    """307 Temporary Redirect; the client repeats the same method."""

    status_code = 307


class HTTPPermanentRedirect(HTTPMove):
    """308 Permanent Redirect; the client repeats the same method."""

    status_code = 308


############################################################
# 4xx client error
############################################################


class HTTPClientError(HTTPError):
    """Base of the 4xx exceptions: the request was at fault."""


class HTTPBadRequest(HTTPClientError):
    """400 Bad Request."""

    status_code = 400


class HTTPUnauthorized(HTTPClientError):
    """401 Unauthorized."""

    status_code = 401


class HTTPPaymentRequired(HTTPClientError):
    """402 Payment Required."""

    status_code = 402


class HTTPForbidden(HTTPClientError):
    """403 Forbidden."""

    status_code = 403


class HTTPNotFound(HTTPClientError):
    """404 Not Found."""

    status_code = 404


class HTTPMethodNotAllowed(HTTPClientError):
    """405 Method Not Allowed, with the ``Allow`` header RFC 9110 requires.

    ``method`` is kept upper-cased and ``allowed_methods`` as a set; the
    header lists the allowed methods sorted, comma-separated.
    """

    status_code = 405

    def __init__(
        self,
        method: str,
        allowed_methods: Iterable[str],
        *,
        headers: LooseHeaders | None = None,
        reason: str | None = None,
        body: object = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        allowed = set(allowed_methods)
        allow = _header_safe(",".join(sorted(allowed)), "Allow")
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        self.headers[hdrs.ALLOW] = allow
        self.allowed_methods: set[str] = allowed
        self.method = method.upper()


class HTTPNotAcceptable(HTTPClientError):
    """406 Not Acceptable."""

    status_code = 406


class HTTPProxyAuthenticationRequired(HTTPClientError):
    """407 Proxy Authentication Required."""

    status_code = 407


class HTTPRequestTimeout(HTTPClientError):
    """408 Request Timeout."""

    status_code = 408


class HTTPConflict(HTTPClientError):
    """409 Conflict."""

    status_code = 409


class HTTPGone(HTTPClientError):
    """410 Gone."""

    status_code = 410


class HTTPLengthRequired(HTTPClientError):
    """411 Length Required."""

    status_code = 411


class HTTPPreconditionFailed(HTTPClientError):
    """412 Precondition Failed."""

    status_code = 412


class HTTPRequestEntityTooLarge(HTTPClientError):
    """413 Request Entity Too Large: the body passed ``client_max_size``.

    The default text names both sizes; other keyword arguments are
    ``HTTPException``'s.
    """

    status_code = 413

    def __init__(
        self,
        max_size: float,
        actual_size: float,
        *,
        headers: LooseHeaders | None = None,
        reason: str | None = None,
        body: object = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        if text is None and body is None:
            text = (
                f"Maximum request body size {max_size} exceeded, "
                f"actual body size {actual_size}"
            )
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )


class HTTPRequestURITooLong(HTTPClientError):
    """414 Request-URI Too Long."""

    status_code = 414


class HTTPUnsupportedMediaType(HTTPClientError):
    """415 Unsupported Media Type."""

    status_code = 415


class HTTPRequestRangeNotSatisfiable(HTTPClientError):
    """416 Requested Range Not Satisfiable."""

    status_code = 416


class HTTPExpectationFailed(HTTPClientError):
    """417 Expectation Failed."""

    status_code = 417


class HTTPMisdirectedRequest(HTTPClientError):
    """421 Misdirected Request."""

    status_code = 421


class HTTPUnprocessableEntity(HTTPClientError):
    """422 Unprocessable Entity."""

    status_code = 422


class HTTPFailedDependency(HTTPClientError):
    """424 Failed Dependency."""

    status_code = 424


class HTTPUpgradeRequired(HTTPClientError):
    """426 Upgrade Required."""

    status_code = 426


class HTTPPreconditionRequired(HTTPClientError):
    """428 Precondition Required."""

    status_code = 428


class HTTPTooManyRequests(HTTPClientError):
    """429 Too Many Requests."""

    status_code = 429


class HTTPRequestHeaderFieldsTooLarge(HTTPClientError):
    """431 Request Header Fields Too Large."""

    status_code = 431


class HTTPUnavailableForLegalReasons(HTTPClientError):
    """451 Unavailable For Legal Reasons (RFC 7725).

    ``link``, when given, points at the explanation and is sent as
    ``Link: <...>; rel="blocked-by"``; ``self.link`` is a ``yarl.URL`` or
    ``None``.
    """

    status_code = 451

    def __init__(
        self,
        link: StrOrURL | None,
        *,
        headers: LooseHeaders | None = None,
        reason: str | None = None,
        body: object = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        target = URL(_header_safe(str(link), "Link")) if link else None
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        self._link = target
        if target is not None:
            self.headers[hdrs.LINK] = f'<{target}>; rel="blocked-by"'

    @property
    def link(self) -> URL | None:
        """The URL explaining the block, or ``None``."""
        return self._link


############################################################
# 5xx server error
############################################################


class HTTPServerError(HTTPError):
    """Base of the 5xx exceptions: the server was at fault."""


class HTTPInternalServerError(HTTPServerError):
    """500 Internal Server Error."""

    status_code = 500


class HTTPNotImplemented(HTTPServerError):
    """501 Not Implemented."""

    status_code = 501


class HTTPBadGateway(HTTPServerError):
    """502 Bad Gateway."""

    status_code = 502


class HTTPServiceUnavailable(HTTPServerError):
    """503 Service Unavailable."""

    status_code = 503


class HTTPGatewayTimeout(HTTPServerError):
    """504 Gateway Timeout."""

    status_code = 504


class HTTPVersionNotSupported(HTTPServerError):
    """505 HTTP Version Not Supported."""

    status_code = 505


class HTTPVariantAlsoNegotiates(HTTPServerError):
    """506 Variant Also Negotiates."""

    status_code = 506


class HTTPInsufficientStorage(HTTPServerError):
    """507 Insufficient Storage."""

    status_code = 507


class HTTPNotExtended(HTTPServerError):
    """510 Not Extended."""

    status_code = 510


class HTTPNetworkAuthenticationRequired(HTTPServerError):
    """511 Network Authentication Required."""

    status_code = 511


class NotAppKeyWarning(UserWarning):
    """An application's state was stored under a ``str`` key, not an ``AppKey``."""
