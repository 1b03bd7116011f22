"""Middleware helpers (aiohttp.web_middlewares).

``@middleware`` marks a new-style middleware: ``async def m(request,
handler)``, which returns a response (usually ``await handler(request)``).
``normalize_path_middleware`` redirects a request that matches no route to
the same path with slashes fixed, when that path does match.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final, TypeVar

from .web_exceptions import HTTPMove, HTTPPermanentRedirect
from .web_request import Request
from .web_response import StreamResponse

if TYPE_CHECKING:
    from .web_app import Handler, Middleware

__all__ = ("middleware", "normalize_path_middleware")

_Func = TypeVar("_Func")
_SLASHES: Final = re.compile(r"//+")


def middleware(f: _Func) -> _Func:
    """Mark ``f`` as a new-style middleware (aiohttp's decorator)."""
    f.__middleware_version__ = 1  # type: ignore[attr-defined]
    return f


def normalize_path_middleware(
    *,
    append_slash: bool = True,
    remove_slash: bool = False,
    merge_slashes: bool = True,
    redirect_class: type[HTTPMove] = HTTPPermanentRedirect,
) -> Middleware:
    """Redirect a request that matches no route to a fixed-up path that does.

    Tried in order, for a request whose route is missing (404): merged
    slashes, then an appended or removed trailing slash, then both. The
    redirect keeps the query string. It never points off the site: the
    new path always starts with exactly one slash, so it cannot be read as
    ``//host``.
    """
    if append_slash and remove_slash:
        raise ValueError("Cannot both remove and append slash")

    @middleware
    async def impl(request: Request, handler: Handler) -> StreamResponse:
        if request.match_info.http_exception is None:
            return await handler(request)
        path = request.raw_path
        path, sep, query = path.partition("?")
        candidates = []
        if merge_slashes:
            candidates.append(_SLASHES.sub("/", path))
        if append_slash and not path.endswith("/"):
            candidates.append(path + "/")
            if merge_slashes:
                candidates.append(_SLASHES.sub("/", path + "/"))
        if remove_slash and path.endswith("/") and path != "/":
            candidates.append(path[:-1])
            if merge_slashes:
                candidates.append(_SLASHES.sub("/", path[:-1]))
        for candidate in candidates:
            # Never ``//host``: one leading slash, whatever the client sent.
            target = "/" + candidate.lstrip("/")
            if target == path:
                continue
            match_info = await request.app.router.resolve(request.clone(rel_url=target))
            if match_info.http_exception is None:
                raise redirect_class(target + sep + query)
        return await handler(request)

    return impl
