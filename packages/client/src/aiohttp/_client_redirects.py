"""How the session follows a redirect (RFC 9110 section 15.4).

* 301 and 302 turn a POST into a GET without body, 303 turns every method
  but HEAD into a GET without body (as browsers do, and as RFC 9110 allows
  "for historical reasons"); any other method, and every method after a
  307 or 308, is repeated with its body.
* The ``Location`` (or the obsolete ``URI``) header may be relative; it is
  joined to the URL that answered. A value that is not a URL, or one whose
  scheme is not HTTP, stops the chain with a ``RedirectClientError``.
* Credentials never cross origins: on a hop to another origin (scheme, host
  and port) the caller's Authorization and Cookie headers are dropped.
"""

from __future__ import annotations

from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import hdrs
from .client_exceptions import (
    InvalidUrlRedirectClientError,
    NonHttpUrlRedirectClientError,
)

__all__ = (
    "REDIRECT_STATUSES",
    "drop_body_headers",
    "drop_credentials",
    "redirect_method",
    "redirect_target",
)

#: The statuses the session follows (304 is a cache answer, not a redirect).
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})

_SCHEMES: Final = frozenset({"http", "https", ""})
# Headers that describe a body: they go when a redirect drops the body.
_BODY_HEADERS: Final = (
    hdrs.CONTENT_LENGTH,
    hdrs.CONTENT_TYPE,
    hdrs.CONTENT_ENCODING,
    hdrs.TRANSFER_ENCODING,
)
# Headers that carry the caller's credentials for the original origin.
_CREDENTIAL_HEADERS: Final = (hdrs.AUTHORIZATION, hdrs.COOKIE)


def redirect_method(status: int, method: str) -> tuple[str, bool]:
    """Return the method of the next hop and whether it keeps the body."""
    if status == 303:
        if method == hdrs.METH_HEAD:
            return method, True
        return hdrs.METH_GET, False
    if status in (301, 302) and method == hdrs.METH_POST:
        return hdrs.METH_GET, False
    return method, True


def redirect_target(
    headers: CIMultiDictProxy[str], url: URL, *, requote: bool
) -> URL | None:
    """Return where a redirect response points, or ``None`` without a Location.

    ``url`` is the URL that answered (relative locations are joined to it);
    ``requote`` says whether the location is normalised (percent-encoding
    requoted) or taken exactly as sent.
    """
    location = headers.get(hdrs.LOCATION) or headers.get(hdrs.URI)
    if location is None:
        return None
    try:
        target = URL(location, encoded=not requote)
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(
            location,
            "Server attempted redirecting to a location that does not look like a URL",
        ) from exc
    scheme = target.scheme
    if scheme not in _SCHEMES:
        raise NonHttpUrlRedirectClientError(location)
    if not scheme:
        target = url.join(target)
    try:
        target.origin()
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(
            target, "Invalid redirect URL origin"
        ) from exc
    return target


def drop_body_headers(headers: CIMultiDict[str]) -> None:
    """Remove the headers that describe a body the next hop will not send."""
    for name in _BODY_HEADERS:
        headers.popall(name, None)


def drop_credentials(headers: CIMultiDict[str]) -> None:
    """Remove the caller's credentials before a hop to another origin."""
    for name in _CREDENTIAL_HEADERS:
        headers.popall(name, None)
