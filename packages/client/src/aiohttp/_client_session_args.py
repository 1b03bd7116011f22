"""Checking and merging what a session's caller passes (private helpers).

The keyword arguments a request accepts (:class:`RequestOptions`, for type
checkers), timeouts given in their several historical forms, and the merge
of session and request headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from multidict import CIMultiDict, MultiDict, MultiDictProxy, istr

from ._client_timeout import ClientTimeout
from .helpers import sentinel

if TYPE_CHECKING:
    from ssl import SSLContext

    from .client_middlewares import ClientMiddlewareType
    from .client_reqrep import Fingerprint
    from .helpers import _SENTINEL, BasicAuth
    from .typedefs import LooseCookies, LooseHeaders, Query, StrOrURL

__all__ = (
    "RequestOptions",
    "merge_headers",
    "request_timeout",
    "skip_headers",
)


class RequestOptions(TypedDict, total=False):
    """The keyword arguments of ``ClientSession.request()`` and the verbs."""

    params: Query
    data: Any
    json: Any
    cookies: LooseCookies | None
    headers: LooseHeaders | None
    skip_auto_headers: Iterable[str] | None
    auth: BasicAuth | None
    allow_redirects: bool
    max_redirects: int
    compress: str | bool | None
    chunked: bool | None
    expect100: bool
    raise_for_status: Any
    read_until_eof: bool
    proxy: StrOrURL | None
    proxy_auth: BasicAuth | None
    timeout: ClientTimeout | float | _SENTINEL | None
    ssl: SSLContext | bool | Fingerprint
    server_hostname: str | None
    proxy_headers: LooseHeaders | None
    trace_request_ctx: object
    read_bufsize: int | None
    auto_decompress: bool | None
    max_line_size: int | None
    max_field_size: int | None
    middlewares: Sequence[ClientMiddlewareType] | None
    verify_ssl: bool | None
    fingerprint: bytes | None
    ssl_context: SSLContext | None


def request_timeout(
    timeout: ClientTimeout | float | _SENTINEL | None, default: ClientTimeout
) -> ClientTimeout:
    """A request's timeouts: the session's, a ``ClientTimeout``, or a total.

    A number (or ``None``) is the old spelling of ``ClientTimeout(total=...)``.
    """
    if timeout is sentinel:
        return default
    if isinstance(timeout, ClientTimeout):
        return timeout
    return ClientTimeout(total=timeout)


def skip_headers(
    session_skip: frozenset[istr], request_skip: Iterable[str] | None
) -> frozenset[istr] | None:
    """The auto headers a request leaves out: the session's and its own."""
    if request_skip is not None:
        return session_skip.union(istr(name) for name in request_skip)
    return session_skip or None


def merge_headers(
    defaults: CIMultiDict[str], headers: LooseHeaders | None
) -> CIMultiDict[str]:
    """A request's headers: the session's, replaced or extended by its own.

    A name the request gives replaces the session's values for it; a name
    it gives more than once keeps all its values.
    """
    result = CIMultiDict(defaults)
    if headers:
        if not isinstance(headers, MultiDictProxy | MultiDict):
            headers = CIMultiDict(headers)
        added: set[str] = set()
        for name, value in headers.items():
            folded = name.lower()
            if folded in added:
                result.add(name, value)
            else:
                result[name] = value
                added.add(folded)
    return result
