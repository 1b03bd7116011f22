"""The client session's cookie store: ``CookieJar`` (RFC 6265) and ``DummyCookieJar``.

How the jar is laid out, and why:

- Every cookie is keyed by ``(domain, path, name)``; a new cookie with the
  same key replaces the old one (RFC 6265 section 5.3, step 11). ``domain``
  is canonical (lower case, no leading dot): the response's host for a
  host-only cookie (one set without ``Domain``), the ``Domain`` attribute
  otherwise, and ``""`` for the *shared* cookies given without a response
  URL, which go to every host.
- ``filter_cookies()`` runs before every request, so it never scans the
  jar: an index maps each domain to its paths, and a request to
  ``a.b.example.com`` looks up ``a.b.example.com``, ``b.example.com``,
  ``example.com`` and ``com`` only. An empty jar returns at once.
- Expiry is a heap of deadlines: checking it costs one comparison with the
  earliest deadline until one is due. Replaced or removed cookies leave
  stale heap entries behind, recognised by their deadline and swept out
  when they outnumber the live ones.
- Times are POSIX seconds (``Expires`` names a wall-clock date) from
  ``self._clock``, which tests replace to move time without sleeping.
"""

from __future__ import annotations

import asyncio
import heapq
import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from http.cookies import BaseCookie, CookieError, Morsel, SimpleCookie
from types import MappingProxyType
from typing import Final, NamedTuple

from yarl import URL

from ._cookie_dates import parse_cookie_date
from ._cookie_files import SavedCookie, read_cookie_file, write_cookie_file
from ._cookie_parse import parse_set_cookie_headers
from .abc import AbstractCookieJar, ClearCookiePredicate
from .helpers import is_ip_address
from .typedefs import LooseCookies, PathLike, StrOrURL

__all__ = ("CookieJar", "DummyCookieJar")

_CookieKey = tuple[str, str, str]  # (domain, path, name)

_EMPTY_URL: Final = URL()
_SECURE_SCHEMES: Final = frozenset(("https", "wss"))
# Deadlines are capped at the end of year 9999: still a date, never inf.
_MAX_TIME: Final = 253402300799.0
# Stale heap entries tolerated beyond the live ones before a rebuild.
_HEAP_SLACK: Final = 100

# Attribute names a plain Morsel knows (a fresh one holds them all, empty).
_MORSEL_ATTRIBUTES: Final = tuple(Morsel())
# What must never reach the Cookie header: controls split or corrupt it.
_CONTROL: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
# Sent raw when quote_cookie is off, unless the value would break the header.
_UNSAFE_RAW: Final = re.compile("[\x00-\x1f\x7f;]")
_MAX_AGE: Final = re.compile(r"-?[0-9]+")
_QUOTER: Final[SimpleCookie] = SimpleCookie()


class _InvalidCookie(CookieError, ValueError):
    """A cookie the jar cannot send: either ``except`` clause catches it."""


class _Sendable(NamedTuple):
    """What ``filter_cookies`` needs to know about one stored cookie."""

    morsel: Morsel[str]  # name and value only: what goes into Cookie
    secure: bool
    host_only: bool


class CookieJar(AbstractCookieJar):
    """Implements cookie storage adhering to RFC 6265.

    ``unsafe=True`` accepts (and sends) cookies of hosts named by an IP
    address. ``quote_cookie=False`` sends values given as plain strings
    unquoted, for servers that do not understand RFC 2109 quoting.
    ``treat_as_secure_origin`` names origins (``"http://127.0.0.1:8080"``)
    that get ``Secure`` cookies although they are not served over HTTPS.
    """

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: StrOrURL | Iterable[StrOrURL] | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(loop=loop)
        self._unsafe = unsafe
        self._quote_cookie = quote_cookie
        self._secure_origins = _origins(treat_as_secure_origin)
        # The stored morsels (all attributes), by (domain, path), as
        # AbstractCookieJar.cookies exposes them.
        self._cookies: dict[tuple[str, str], SimpleCookie] = {}
        # domain -> path -> name -> what filter_cookies sends.
        self._index: dict[str, dict[str, dict[str, _Sendable]]] = {}
        self._host_only: set[_CookieKey] = set()
        self._expirations: dict[_CookieKey, float] = {}
        self._expiry_heap: list[tuple[float, str, str, str]] = []
        self._clock: Callable[[], float] = time.time

    # -- properties ------------------------------------------------------

    @property
    def unsafe(self) -> bool:
        """Whether cookies of IP-address hosts are kept and sent."""
        return self._unsafe

    @property
    def quote_cookie(self) -> bool:
        """Whether values given as strings are quoted (RFC 2109) when sent."""
        return self._quote_cookie

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """Origins that get ``Secure`` cookies over plain HTTP."""
        return self._secure_origins

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], SimpleCookie]:
        """The stored cookies, by ``(domain, path)`` (a read-only view)."""
        return MappingProxyType(self._cookies)

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """The ``(domain, path, name)`` of cookies sent to their exact host only."""
        return frozenset(self._host_only)

    # -- Sized, Iterable -------------------------------------------------

    def __len__(self) -> int:
        """The number of cookies held (expired ones dropped first)."""
        self._expire_due()
        return sum(len(cookies) for cookies in self._cookies.values())

    def __iter__(self) -> Iterator[Morsel[str]]:
        """The stored morsels, with their attributes (expired ones dropped first)."""
        self._expire_due()
        # A snapshot, so a loop may clear cookies as it goes.
        return iter(
            [
                morsel
                for cookies in self._cookies.values()
                for morsel in cookies.values()
            ]
        )

    # -- removing --------------------------------------------------------

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or the expired ones and those ``predicate`` selects."""
        if predicate is None:
            self._cookies.clear()
            self._index.clear()
            self._host_only.clear()
            self._expirations.clear()
            self._expiry_heap.clear()
            return
        self._expire_due()
        doomed = [
            (domain, path, name)
            for (domain, path), cookies in self._cookies.items()
            for name, morsel in cookies.items()
            if predicate(morsel)
        ]
        for key in doomed:
            self._remove(key)

    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and of its subdomains."""
        canonical = _canonical_domain(domain)
        if canonical is None:
            return  # no stored cookie can have a domain that does not encode
        self.clear(lambda morsel: _domain_match(morsel["domain"], canonical))

    # -- receiving -------------------------------------------------------

    def update_cookies(
        self,
        cookies: LooseCookies,
        response_url: StrOrURL = _EMPTY_URL,
    ) -> None:
        """Store ``cookies`` that ``response_url`` sent (RFC 6265 section 5.3).

        Without a response URL the cookies are *shared*: a cookie without a
        ``Domain`` goes to every host. ``cookies`` is a mapping of names to
        values or morsels (a ``SimpleCookie``), or an iterable of such
        pairs; a morsel's attributes (``Domain``, ``Path``, ``Expires``,
        ``Max-Age``, ``Secure``, ``HttpOnly``...) are honoured.
        """
        if isinstance(response_url, str):
            response_url = URL(response_url)
        host = response_url.raw_host or ""
        if host and not self._unsafe and is_ip_address(host):
            return  # RFC 2109: no cookies from IP addresses, unless unsafe
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        now = self._clock()
        default_path: str | None = None
        for name, value in _flatten(items):
            morsel = self._own_morsel(name, value)
            domain, host_only = _cookie_domain(morsel["domain"], host)
            if domain is None:
                continue  # a Domain the response's host may not set
            path = morsel["path"]
            if not path or path[0] != "/":
                if default_path is None:
                    default_path = _default_path(response_url)
                path = default_path
            morsel["domain"] = domain
            morsel["path"] = path
            deadline = _deadline(morsel, now)
            if deadline is not None and deadline <= now:
                # Max-Age<=0 or a past Expires: the server deletes it.
                self._remove((domain, path, name))
                continue
            self._store(morsel, host_only, deadline)

    def update_cookies_from_headers(
        self, headers: Sequence[str], response_url: URL
    ) -> None:
        """Store the cookies of ``Set-Cookie`` header values, read one by one."""
        cookies = parse_set_cookie_headers(headers)
        if cookies:
            self.update_cookies(cookies, response_url)

    def _own_morsel(self, name: str, value: str | Morsel[str]) -> Morsel[str]:
        """A morsel of the jar's own (never the caller's), checked for the header.

        Raises ``CookieError`` that is also a ``ValueError`` for a name that
        is not a token or a value that would corrupt the Cookie header.
        """
        morsel: Morsel[str] = Morsel()
        if isinstance(value, Morsel):
            coded = value.coded_value
            if _CONTROL.search(coded):
                raise _InvalidCookie(
                    f"Control character in the value of cookie {name!r}"
                )
            _set(morsel, name, value.value, coded)
            for key in _MORSEL_ATTRIBUTES:
                attribute = value.get(key)
                # Not a truth test: Max-Age may be the integer 0.
                if attribute is not None and attribute != "":
                    morsel[key] = attribute
        else:
            value = str(value)
            if self._quote_cookie or _UNSAFE_RAW.search(value):
                coded = _QUOTER.value_encode(value)[1]
            else:
                coded = value
            _set(morsel, name, value, coded)
        return morsel

    def _store(
        self, morsel: Morsel[str], host_only: bool, deadline: float | None
    ) -> None:
        domain: str = morsel["domain"]
        path: str = morsel["path"]
        name = morsel.key
        key = (domain, path, name)
        cookies = self._cookies.get((domain, path))
        if cookies is None:
            cookies = self._cookies[(domain, path)] = SimpleCookie()
        dict.__setitem__(cookies, name, morsel)

        sent: Morsel[str] = Morsel()
        sent.set(name, morsel.value, morsel.coded_value)
        by_name = self._index.setdefault(domain, {}).setdefault(path, {})
        by_name[name] = _Sendable(sent, bool(morsel["secure"]), host_only)

        if host_only:
            self._host_only.add(key)
        else:
            self._host_only.discard(key)
        if deadline is None:
            self._expirations.pop(key, None)
        else:
            deadline = min(deadline, _MAX_TIME)
            self._expirations[key] = deadline
            heapq.heappush(self._expiry_heap, (deadline, domain, path, name))
            self._compact_heap()

    # -- expiry ----------------------------------------------------------

    def _expire_due(self) -> None:
        """Remove the cookies whose deadline has passed."""
        heap = self._expiry_heap
        if not heap or heap[0][0] > (now := self._clock()):
            return
        expirations = self._expirations
        while heap and heap[0][0] <= now:
            deadline, domain, path, name = heapq.heappop(heap)
            key = (domain, path, name)
            # A stale entry (cookie replaced or removed) has no match here.
            if expirations.get(key) == deadline:
                self._remove(key)

    def _compact_heap(self) -> None:
        if len(self._expiry_heap) > 2 * len(self._expirations) + _HEAP_SLACK:
            self._expiry_heap = [
                (deadline, *key) for key, deadline in self._expirations.items()
            ]
            heapq.heapify(self._expiry_heap)

    def _remove(self, key: _CookieKey) -> None:
        domain, path, name = key
        cookies = self._cookies.get((domain, path))
        if cookies is None or name not in cookies:
            return
        dict.__delitem__(cookies, name)
        if not cookies:
            del self._cookies[(domain, path)]
        paths = self._index[domain]
        del paths[path][name]
        if not paths[path]:
            del paths[path]
            if not paths:
                del self._index[domain]
        self._host_only.discard(key)
        self._expirations.pop(key, None)

    # -- sending ---------------------------------------------------------

    def filter_cookies(self, request_url: URL = _EMPTY_URL) -> BaseCookie[str]:
        """The cookies to send to ``request_url`` (RFC 6265 section 5.4).

        Morsels hold only name and value, longer paths first; of cookies
        sharing a name, the one for the longer path (then the more specific
        domain) is sent. The morsels are the jar's: do not change them.
        """
        result: BaseCookie[str] = SimpleCookie() if self._quote_cookie else BaseCookie()
        if not self._index:
            return result
        if type(request_url) is not URL:
            warnings.warn(
                "filter_cookies expects yarl.URL instances only, and will stop"
                f" working in 4.x, got {type(request_url)}",
                DeprecationWarning,
                stacklevel=2,
            )
            request_url = URL(request_url)
        self._expire_due()

        host = request_url.raw_host or ""
        request_path = request_url.raw_path or "/"
        secure = request_url.scheme in _SECURE_SCHEMES or self._is_secure_origin(
            request_url
        )
        found: list[tuple[int, Morsel[str]]] = []
        index = self._index
        if host and not is_ip_address(host):
            # The host and each of its parent domains, most specific first.
            domain = host
            while domain:
                paths = index.get(domain)
                if paths is not None:
                    _collect(found, paths, domain == host, request_path, secure)
                domain = domain.partition(".")[2]
        elif host and self._unsafe and host in index:
            _collect(found, index[host], True, request_path, secure)
        shared = index.get("")
        if shared is not None:
            _collect(found, shared, False, request_path, secure)

        if len(found) > 1:
            found.sort(key=_path_length, reverse=True)  # stable: ties keep order
        for _, morsel in found:
            if morsel.key not in result:
                dict.__setitem__(result, morsel.key, morsel)
        return result

    def _is_secure_origin(self, url: URL) -> bool:
        if not self._secure_origins:
            return False
        try:
            return url.origin() in self._secure_origins
        except ValueError:  # a relative URL has no origin
            return False

    # -- persistence -----------------------------------------------------

    def save(self, file_path: PathLike) -> None:
        """Write the cookies to ``file_path`` as JSON (see ``_cookie_files``)."""
        self._expire_due()
        saved = [
            SavedCookie(
                morsel,
                (domain, path, name) in self._host_only,
                self._expirations.get((domain, path, name)),
            )
            for (domain, path), cookies in self._cookies.items()
            for name, morsel in cookies.items()
        ]
        write_cookie_file(file_path, saved)

    def load(self, file_path: PathLike) -> None:
        """Replace the jar's cookies with those ``save()`` wrote to ``file_path``.

        A file that is not one (a pickle from older aiohttp included) raises
        ``ValueError`` and leaves the jar as it was.
        """
        saved = read_cookie_file(file_path)
        now = self._clock()
        self.clear()
        for cookie in saved:
            if cookie.expires_at is None or cookie.expires_at > now:
                self._store(cookie.morsel, cookie.host_only, cookie.expires_at)


class DummyCookieJar(AbstractCookieJar):
    """A jar that keeps nothing: no cookie is stored, none is sent.

    Useful for crawlers, which would otherwise collect the cookies of every
    site they visit.
    """

    def __iter__(self) -> Iterator[Morsel[str]]:
        """Nothing."""
        return iter(())

    def __len__(self) -> int:
        """Always 0."""
        return 0

    @property
    def unsafe(self) -> bool:
        """Always ``False``: nothing is accepted anyway."""
        return False

    @property
    def quote_cookie(self) -> bool:
        """Always ``True``."""
        return True

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], SimpleCookie]:
        """Always empty."""
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """Always empty."""
        return frozenset()

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Nothing to remove."""

    def clear_domain(self, domain: str) -> None:
        """Nothing to remove."""

    def update_cookies(
        self,
        cookies: LooseCookies,
        response_url: URL = _EMPTY_URL,
    ) -> None:
        """Ignore the cookies."""

    def update_cookies_from_headers(
        self, headers: Sequence[str], response_url: URL
    ) -> None:
        """Ignore the cookies."""

    def filter_cookies(self, request_url: URL = _EMPTY_URL) -> BaseCookie[str]:
        """An empty ``SimpleCookie``."""
        return SimpleCookie()


# -- RFC 6265 helpers ----------------------------------------------------


def _set(morsel: Morsel[str], name: str, value: str, coded: str) -> None:
    try:
        morsel.set(name, value, coded)
    except CookieError as exc:
        raise _InvalidCookie(f"Invalid cookie name {name!r}: {exc}") from None


def _origins(value: StrOrURL | Iterable[StrOrURL] | None) -> frozenset[URL]:
    if value is None:
        return frozenset()
    if isinstance(value, (str, URL)):
        value = (value,)
    return frozenset(URL(item).origin() for item in value)


def _flatten(
    items: Iterable[tuple[str, str | BaseCookie[str] | Morsel[str]]],
) -> Iterator[tuple[str, str | Morsel[str]]]:
    """Pairs of name and value, a ``BaseCookie`` value opened into its morsels."""
    for name, value in items:
        if isinstance(value, BaseCookie):
            yield from value.items()
        else:
            yield name, value


def _canonical_domain(domain: str) -> str | None:
    """``domain`` in lower case, no leading dot, IDNA-encoded; ``None``: invalid."""
    domain = domain.removeprefix(".").lower()
    if not domain.isascii():
        try:
            domain = URL.build(scheme="http", host=domain).raw_host or ""
        except (ValueError, UnicodeError):
            return None
    return domain


def _domain_match(string: str, domain: str) -> bool:
    """Whether ``string`` domain-matches ``domain`` (RFC 6265 section 5.1.3)."""
    if string == domain:
        return True
    return (
        bool(domain)
        and string.endswith(domain)
        and string[-len(domain) - 1] == "."
        and not is_ip_address(string)
    )


def _cookie_domain(attribute: str, host: str) -> tuple[str | None, bool]:
    """The domain a cookie is stored under, and whether it is host-only.

    ``None`` means the cookie must be ignored: its ``Domain`` does not
    cover the response's host, or is a top-level domain (every one of them
    is a public suffix, RFC 6265 section 5.3 step 5).
    """
    # A trailing dot makes no valid domain; the cookie stays with the host.
    domain = "" if attribute.endswith(".") else _canonical_domain(attribute)
    if domain is None:
        return None, False
    if not host:
        return domain, False  # given by the program: shared, or as it says
    if not domain:
        return host, True
    if not _domain_match(host, domain) or ("." not in domain and domain != host):
        return None, False
    return domain, False


def _default_path(url: URL) -> str:
    """The default-path of RFC 6265 section 5.1.4."""
    path = url.raw_path
    if not path.startswith("/"):
        return "/"
    slash = path.rfind("/")
    return path[:slash] if slash > 0 else "/"


def _path_match(request_path: str, cookie_path: str) -> bool:
    """Whether ``request_path`` path-matches ``cookie_path`` (section 5.1.4)."""
    if not request_path.startswith(cookie_path):
        return False
    end = len(cookie_path)
    return (
        end == len(request_path) or cookie_path[-1] == "/" or request_path[end] == "/"
    )


def _deadline(morsel: Morsel[str], now: float) -> float | None:
    """When the cookie expires: ``Max-Age`` wins over ``Expires``; ``None``: never.

    An attribute that does not parse is ignored (RFC 6265 sections 5.2.1
    and 5.2.2) and cleared from the morsel.
    """
    max_age = morsel["max-age"]
    if max_age != "":
        if isinstance(max_age, int) or _MAX_AGE.fullmatch(str(max_age)):
            seconds = int(max_age)
            return now + seconds if seconds > 0 else float("-inf")
        morsel["max-age"] = ""
    expires = morsel["expires"]
    if expires != "":
        if isinstance(expires, int):  # Morsel's own form: seconds from now
            return now + expires
        moment = parse_cookie_date(str(expires))
        if moment is not None:
            return moment
        morsel["expires"] = ""
    return None


def _collect(
    found: list[tuple[int, Morsel[str]]],
    paths: dict[str, dict[str, _Sendable]],
    exact_host: bool,
    request_path: str,
    secure: bool,
) -> None:
    for path, by_name in paths.items():
        if not _path_match(request_path, path):
            continue
        for sendable in by_name.values():
            if sendable.host_only and not exact_host:
                continue
            if sendable.secure and not secure:
                continue
            found.append((len(path), sendable.morsel))


def _path_length(item: tuple[int, Morsel[str]]) -> int:
    return item[0]
