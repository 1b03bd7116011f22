"""Abstract base classes of the aiohttp API that plugins implement.

This module holds the seams core defines on its own: the stream writer a
payload writes to, the resolver the client's connector asks, and the
cookie jar the client session keeps. The web server's seams (the access
loggers, and with the framework the router, match info and view) are typed
against the web request and response, so aiotide-web defines them and this
module lends them lazily (PEP 562), as ``aiohttp.http`` lends the WebSocket
names: core imports nothing of web.
"""

from __future__ import annotations

import asyncio
import socket
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence, Sized
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType
from typing import TYPE_CHECKING, TypedDict

from multidict import CIMultiDict
from yarl import URL

from ._facade import LazyExports
from .typedefs import LooseCookies

#: Names this module lends from aiotide-web's modules that define them.
_EXPORTS: dict[str, str] = {
    "AbstractAccessLogger": "web_log",
    "AbstractAsyncAccessLogger": "web_log",
    "AbstractMatchInfo": "web_urldispatcher",
    "AbstractRouter": "web_urldispatcher",
    "AbstractView": "web_urldispatcher",
}

if TYPE_CHECKING:
    from .web_log import AbstractAccessLogger as AbstractAccessLogger
    from .web_log import AbstractAsyncAccessLogger as AbstractAsyncAccessLogger
    from .web_urldispatcher import AbstractMatchInfo as AbstractMatchInfo
    from .web_urldispatcher import AbstractRouter as AbstractRouter
    from .web_urldispatcher import AbstractView as AbstractView

    __all__ = (
        "AbstractCookieJar",
        "AbstractResolver",
        "AbstractStreamWriter",
        "ClearCookiePredicate",
        "ResolveResult",
        "AbstractAccessLogger",
        "AbstractAsyncAccessLogger",
        "AbstractMatchInfo",
        "AbstractRouter",
        "AbstractView",
    )


class ResolveResult(TypedDict):
    """One address a host name resolves to, ready for ``create_connection``."""

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class AbstractResolver(ABC):
    """Resolves host names for the client's connector."""

    @abstractmethod
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the addresses of ``host`` (raise ``OSError`` if none)."""

    @abstractmethod
    async def close(self) -> None:
        """Release the resolver's resources."""


ClearCookiePredicate = Callable[["Morsel[str]"], bool]


class AbstractCookieJar(Sized, Iterable["Morsel[str]"]):
    """The client session's store of cookies (RFC 6265)."""

    def __init__(self, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    @property
    @abstractmethod
    def unsafe(self) -> bool:
        """Whether cookies are accepted from IP-address hosts too."""

    @property
    @abstractmethod
    def quote_cookie(self) -> bool:
        """Whether cookie values are quoted when sent."""

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """Origins that count as secure although not served over HTTPS."""
        return frozenset()

    @property
    @abstractmethod
    def cookies(self) -> MappingProxyType[tuple[str, str], SimpleCookie]:
        """The stored cookies, by (domain, path)."""

    @property
    @abstractmethod
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """The (domain, path, name) of cookies bound to their exact host."""

    @abstractmethod
    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or those ``predicate`` selects."""

    @abstractmethod
    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and its subdomains."""

    @abstractmethod
    def update_cookies(self, cookies: LooseCookies, response_url: URL = URL()) -> None:  # noqa: B008
        """Store ``cookies`` received from ``response_url``."""

    def update_cookies_from_headers(
        self, headers: Sequence[str], response_url: URL
    ) -> None:
        """Store the cookies of ``Set-Cookie`` header values."""
        cookies: SimpleCookie = SimpleCookie()
        for header in headers:
            cookies.load(header)
        if cookies:
            self.update_cookies(cookies, response_url)

    @abstractmethod
    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        """The cookies to send with a request to ``request_url``."""


class AbstractStreamWriter(ABC):
    """Writes one HTTP message: what a payload's ``write()`` receives."""

    buffer_size: int = 0
    output_size: int = 0
    length: int | None = 0

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport, or ``None`` when it is gone."""
        return None

    @abstractmethod
    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Write body bytes."""

    @abstractmethod
    async def write_eof(self, chunk: bytes = b"") -> None:
        """Write the last body bytes and end the message."""

    @abstractmethod
    async def drain(self) -> None:
        """Wait until the peer has read what was written."""

    @abstractmethod
    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        """Compress the body with ``encoding``."""

    @abstractmethod
    def enable_chunking(self) -> None:
        """Frame the body with the chunked transfer coding."""

    @abstractmethod
    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        """Write the message head."""

    def send_headers(self) -> None:  # noqa: B027 - optional: writers that hold nothing back
        """Send a head the writer still holds back (if it holds one)."""


if not TYPE_CHECKING:
    _lazy = LazyExports(
        __name__,
        globals(),
        _EXPORTS,
        defined=(
            "AbstractCookieJar",
            "AbstractResolver",
            "AbstractStreamWriter",
            "ClearCookiePredicate",
            "ResolveResult",
        ),
    )
    __getattr__ = _lazy.getattr
    __dir__ = _lazy.dir
