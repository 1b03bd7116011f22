"""``ClientRequestBase``: a request built and checked from the caller's arguments.

The constructor checks and assembles everything that goes on the wire:
the method (a token), the URL (an http, https, ws or wss URL with a host;
``params`` are added to its query), the head (Host first, the caller's
fields, then the automatic Accept, Accept-Encoding and User-Agent unless
skipped, the Cookie, Authorization, Content-Type, Content-Length or
Transfer-Encoding and Expect fields), and the body as a ``Payload``. Bad
input is refused there, with ``ValueError``, ``TypeError``,
``InvalidUrlClientError`` or ``NonHttpUrlClientError``.

Framing (RFC 9112 section 6)
    A body of known size gets a Content-Length; one of unknown size (an
    async iterable, a pipe), a compressed one and one sent with
    ``chunked=True`` get ``Transfer-Encoding: chunked``. Without a body,
    GET, HEAD, OPTIONS and TRACE send neither field; every other method
    sends ``Content-Length: 0``, as aiohttp does.

``ClientRequest`` (in ``_client_request``) adds the sending.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from . import hdrs
from ._client_request_body import payload_from_data
from ._client_request_headers import (
    DEFAULT_ACCEPT_ENCODING,
    KNOWN_METHODS,
    check_headers,
    check_method,
    check_url,
    cookie_header,
    header_items,
)
from ._client_request_info import (
    SSL_ALLOWED_TYPES,
    ConnectionKey,
    RequestInfo,
    SSLSetting,
)
from ._client_request_upload import UploadTracker
from ._client_response import ClientResponse
from ._http_version import HttpVersion, HttpVersion10, HttpVersion11
from ._timers import BaseTimerContext, TimerNoop
from .client_exceptions import InvalidUrlClientError
from .compression_utils import HAS_BROTLI, HAS_ZSTD
from .helpers import BasicAuth, strip_auth_from_url
from .http import SERVER_SOFTWARE
from .payload import BytesPayload, JsonPayload, Payload
from .typedefs import (
    DEFAULT_JSON_ENCODER,
    JSONEncoder,
    LooseCookies,
    LooseHeaders,
    Query,
    StrOrURL,
)

if TYPE_CHECKING:
    from .client import ClientSession
    from .tracing import Trace

__all__ = ("ClientRequestBase",)

_SSL_SCHEMES: Final = frozenset({"https", "wss"})
_new_tuple: Final = tuple.__new__


def _compressions() -> frozenset[str]:
    codings = {"deflate", "gzip"}
    if HAS_BROTLI:
        codings.add("br")
    if HAS_ZSTD:
        codings.add("zstd")
    return frozenset(codings)


_COMPRESSIONS: Final = _compressions()


def _as_url(url: StrOrURL) -> URL:
    if isinstance(url, URL):
        return url
    try:
        return URL(url)
    except (ValueError, TypeError) as exc:
        raise InvalidUrlClientError(url) from exc


class ClientRequestBase:
    """An HTTP request as built from the caller's arguments, not sent yet.

    Everything is checked on construction; the ``update_*()`` steps it runs
    are public, as in aiohttp, for subclasses and middlewares.
    """

    GET_METHODS: Final = frozenset(
        {hdrs.METH_GET, hdrs.METH_HEAD, hdrs.METH_OPTIONS, hdrs.METH_TRACE}
    )
    POST_METHODS: Final = frozenset({hdrs.METH_PATCH, hdrs.METH_POST, hdrs.METH_PUT})
    ALL_METHODS: Final = GET_METHODS | POST_METHODS | {hdrs.METH_DELETE}

    DEFAULT_HEADERS: Final = {
        hdrs.ACCEPT: "*/*",
        hdrs.ACCEPT_ENCODING: DEFAULT_ACCEPT_ENCODING,
    }

    # Defaults for what the update_*() steps may leave unset.
    auth: BasicAuth | None = None
    response: ClientResponse | None = None
    proxy: URL | None = None
    proxy_auth: BasicAuth | None = None
    proxy_headers: CIMultiDict[str] | MultiDict[str] | MultiDictProxy[str] | None = None
    compress: str | None = None
    _body: Payload | None = None
    _continue: asyncio.Future[bool] | None = None
    _skip_auto_headers: CIMultiDict[None] | None = None

    def __init__(
        self,
        method: str,
        url: StrOrURL,
        *,
        params: Query = None,
        headers: LooseHeaders | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        data: Any = None,  # noqa: ANN401 - any body a caller gives
        cookies: LooseCookies | None = None,
        auth: BasicAuth | None = None,
        version: HttpVersion | str = HttpVersion11,
        compress: bool | str | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        response_class: type[ClientResponse] | None = None,
        proxy: StrOrURL | None = None,
        proxy_auth: BasicAuth | None = None,
        timer: BaseTimerContext | None = None,
        session: ClientSession | None = None,
        ssl: SSLSetting | None = True,
        proxy_headers: LooseHeaders | None = None,
        traces: list[Trace] | None = None,
        trust_env: bool = False,
        server_hostname: str | None = None,
        json: Any = None,  # noqa: ANN401 - any JSON-serializable value
        json_serialize: JSONEncoder = DEFAULT_JSON_ENCODER,
        upload_tracker: UploadTracker | None = None,
    ) -> None:
        if data is not None and json is not None:
            raise ValueError(
                "data and json parameters can not be used at the same time"
            )
        self.loop = loop if loop is not None else asyncio.get_running_loop()
        self.method = method if method in KNOWN_METHODS else check_method(method)
        if type(url) is not URL:
            url = _as_url(url)
        self.update_host(url)
        if url.raw_user is not None or url.raw_password is not None:
            url, url_auth = strip_auth_from_url(url)
            if url_auth is not None:
                if auth is not None:
                    raise ValueError(
                        "Cannot combine AUTH argument with credentials encoded in URL"
                    )
                auth = url_auth
        if params:
            url = url.extend_query(params)
        self.original_url = url
        self.url = url.with_fragment(None) if url.raw_fragment else url
        if ssl is None:
            ssl = True
        if not isinstance(ssl, SSL_ALLOWED_TYPES):
            raise TypeError(
                "ssl should be SSLContext, bool, Fingerprint or None, "
                f"got {ssl!r} instead."
            )
        self._ssl: SSLSetting = ssl
        self.server_hostname = server_hostname
        self.chunked = chunked
        self.response_class = response_class or ClientResponse
        self._timer = timer if timer is not None else TimerNoop()
        self._session = session
        self._traces: list[Trace] = traces or []
        if upload_tracker is not None:
            upload_tracker._attach(self)
        self._upload_tracker = upload_tracker

        self.update_version(version)
        self.update_headers(headers)
        self.update_auto_headers(skip_auto_headers)
        self.update_cookies(cookies)
        if json is not None:
            data = JsonPayload(json, dumps=json_serialize)
        self.update_content_encoding(data, compress)
        # What framing the caller asked for, before the body adds its own.
        self._chunked_requested = self.chunked
        self.update_auth(auth, trust_env)
        self.update_proxy(
            None if proxy is None else _as_url(proxy), proxy_auth, proxy_headers
        )
        self.update_body_from_data(data)
        if data is not None or self.method not in self.GET_METHODS:
            self.update_transfer_encoding()
        self.update_expect_continue(expect100)

    # -- what the request is -------------------------------------------------

    @property
    def host(self) -> str:
        """The host of the URL, as it goes on the wire (IDNA, no brackets)."""
        host = self.url.raw_host
        assert host is not None
        return host

    @property
    def port(self) -> int | None:
        """The port of the URL (the scheme's default when not given)."""
        return self.url.port

    @property
    def ssl(self) -> SSLSetting:
        """The TLS setting: ``True`` (verify), ``False``, a context or a Fingerprint."""
        return self._ssl

    def is_ssl(self) -> bool:
        """Whether the request goes over TLS (https and wss)."""
        return self.url.scheme in _SSL_SCHEMES

    @property
    def connection_key(self) -> ConnectionKey:
        """The key of the pooled connections this request may use."""
        proxy_headers = self.proxy_headers
        headers_hash = hash(tuple(proxy_headers.items())) if proxy_headers else None
        url = self.url
        return _new_tuple(
            ConnectionKey,
            (
                url.raw_host or "",
                url.port,
                url.scheme in _SSL_SCHEMES,
                self._ssl,
                self.proxy,
                self.proxy_auth,
                headers_hash,
            ),
        )

    @property
    def request_info(self) -> RequestInfo:
        """The URL, method and (live) headers of the request."""
        # tuple.__new__ builds it in C (RequestInfo's __new__ is Python).
        return _new_tuple(
            RequestInfo,
            (self.url, self.method, CIMultiDictProxy(self.headers), self.original_url),
        )

    @property
    def session(self) -> ClientSession:
        """The session that made the request (for middlewares that send more).

        ``RuntimeError`` for a request made without a session.
        """
        session = self._session
        if session is None:
            raise RuntimeError("This request was not made by a ClientSession")
        return session

    @property
    def skip_auto_headers(self) -> CIMultiDict[None]:
        """The automatic headers the caller asked not to send."""
        return self._skip_auto_headers or CIMultiDict()

    def keep_alive(self) -> bool:
        """Whether the request asks to keep the connection open."""
        connection = self.headers.get(hdrs.CONNECTION)
        if self.version >= HttpVersion11:
            return connection != "close"
        if self.version == HttpVersion10:
            return connection == "keep-alive"
        return False

    # -- building ------------------------------------------------------------

    def update_version(self, version: HttpVersion | str) -> None:
        """Set the HTTP version from an ``HttpVersion`` or text such as "1.1"."""
        if isinstance(version, str):
            major, _, minor = version.partition(".")
            try:
                version = HttpVersion(int(major), int(minor))
            except ValueError:
                raise ValueError(
                    f"Can not parse http version number: {version}"
                ) from None
        self.version = version

    def update_host(self, url: URL) -> None:
        """Check that ``url`` can be requested (it has a host, a usable scheme)."""
        check_url(url)

    def update_headers(self, headers: LooseHeaders | None) -> None:
        """Start the head: Host, then the caller's fields (checked)."""
        self.headers: CIMultiDict[str] = CIMultiDict()
        host = self.url.host_port_subcomponent
        assert host is not None  # check_url() made sure there is a host
        self.headers[hdrs.HOST] = host
        if not headers:
            return
        items = list(header_items(headers))
        check_headers(items)
        for name, value in items:
            # The caller's Host replaces ours; every other field is added.
            if name.lower() == "host":
                self.headers[name] = value
            else:
                self.headers.add(name, value)

    def update_auto_headers(self, skip_auto_headers: Iterable[str] | None) -> None:
        """Add Accept, Accept-Encoding and User-Agent, unless given or skipped."""
        headers = self.headers
        skip = None
        if skip_auto_headers is not None:
            skip = self._skip_auto_headers = CIMultiDict(
                (name, None) for name in sorted(skip_auto_headers)
            )
        for name, value in self.DEFAULT_HEADERS.items():
            if name not in headers and (skip is None or name not in skip):
                headers[name] = value
        if hdrs.USER_AGENT not in headers and (
            skip is None or hdrs.USER_AGENT not in skip
        ):
            headers[hdrs.USER_AGENT] = SERVER_SOFTWARE

    def update_cookies(self, cookies: LooseCookies | None) -> None:
        """Merge ``cookies`` into the one Cookie header."""
        if not cookies:
            return
        existing = self.headers.get(hdrs.COOKIE)
        header = cookie_header(existing, cookies)
        self.headers.popall(hdrs.COOKIE, None)
        self.headers[hdrs.COOKIE] = header

    def update_content_encoding(self, data: Any, compress: bool | str | None) -> None:  # noqa: ANN401
        """Set up compression of the body ("deflate" for ``True``).

        ``ValueError`` for a coding the client cannot produce, and for
        ``compress`` with a Content-Encoding header already given. An empty
        body is not compressed. A compressed body is sent chunked.
        """
        if not data:
            self.compress = None
            return
        if self.headers.get(hdrs.CONTENT_ENCODING):
            if compress:
                raise ValueError(
                    "compress can not be set if Content-Encoding header is set"
                )
            self.compress = None
        elif compress:
            coding = compress.lower() if isinstance(compress, str) else "deflate"
            if coding not in _COMPRESSIONS:
                raise ValueError(
                    f"Unsupported compress value {compress!r}: expected one of "
                    f"{', '.join(sorted(_COMPRESSIONS))}"
                )
            self.compress = coding
            self.headers[hdrs.CONTENT_ENCODING] = coding
            self.chunked = True  # the compressed size is not known up front
        else:
            self.compress = None

    def update_transfer_encoding(self) -> None:
        """Frame the body: Transfer-Encoding chunked, or the Content-Length.

        ``ValueError`` for ``chunked`` (or ``compress``) with a
        Content-Length or a Transfer-Encoding header already given, and for
        a Transfer-Encoding header with a Content-Length (RFC 9112 section
        6.2).
        """
        headers = self.headers
        if "chunked" in headers.get(hdrs.TRANSFER_ENCODING, "").lower():
            if self.chunked:
                raise ValueError(
                    "chunked can not be set "
                    'if "Transfer-Encoding: chunked" header is set'
                )
            if hdrs.CONTENT_LENGTH in headers:
                raise ValueError(
                    "Content-Length can not be set with "
                    '"Transfer-Encoding: chunked" (RFC 9112 section 6.2)'
                )
        elif self.chunked:
            if hdrs.CONTENT_LENGTH in headers:
                raise ValueError(
                    "chunked can not be set if Content-Length header is set"
                )
            headers[hdrs.TRANSFER_ENCODING] = "chunked"

    def update_auth(self, auth: BasicAuth | None, trust_env: bool = False) -> None:
        """Set the Authorization header from ``auth`` (or ``.netrc``).

        Only ``BasicAuth`` is accepted (``TypeError`` otherwise); it may not
        be combined with an Authorization header (``ValueError``). With
        ``trust_env`` and neither, the ``.netrc`` entry for the host is used.
        """
        if auth is None:
            auth = self.auth
        if auth is None:
            if trust_env and hdrs.AUTHORIZATION not in self.headers:
                auth = self._netrc_auth()
            if auth is None:
                return
        elif hdrs.AUTHORIZATION in self.headers:
            raise ValueError(
                "Cannot combine AUTHORIZATION header "
                "with AUTH argument or credentials encoded in URL"
            )
        if not isinstance(auth, BasicAuth):
            raise TypeError("BasicAuth() tuple is required instead")
        self.auth = auth
        self.headers[hdrs.AUTHORIZATION] = auth.encode()

    def _netrc_auth(self) -> BasicAuth | None:
        from ._client_env import basicauth_from_netrc, netrc_from_env  # noqa: PLC0415 - only with trust_env

        host = self.url.host
        if host is None:
            return None
        try:
            return basicauth_from_netrc(netrc_from_env(), host)
        except LookupError:
            return None

    def update_proxy(
        self,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
        proxy_headers: LooseHeaders | None,
    ) -> None:
        """Set the proxy, its credentials (``BasicAuth``) and its headers."""
        self.proxy = proxy
        if proxy is None:
            self.proxy_auth = None
            self.proxy_headers = None
            return
        if proxy_auth and not isinstance(proxy_auth, BasicAuth):
            raise ValueError("proxy_auth must be None or BasicAuth() tuple")
        self.proxy_auth = proxy_auth
        if proxy_headers is not None:
            if not isinstance(proxy_headers, (MultiDict, MultiDictProxy)):
                proxy_headers = CIMultiDict(header_items(proxy_headers))
            check_headers(proxy_headers.items())
        self.proxy_headers = proxy_headers

    def update_expect_continue(self, expect: bool = False) -> None:
        """Ask for 100 Continue before the body (also if the header says so)."""
        if expect:
            self.headers[hdrs.EXPECT] = "100-continue"
        elif self.headers.get(hdrs.EXPECT, "").lower() == "100-continue":
            expect = True
        if expect:
            self._continue = self.loop.create_future()

    # -- the body ------------------------------------------------------------

    @property
    def body(self) -> Payload:
        """The body as a payload (an empty one when there is none)."""
        body = self._body
        return BytesPayload(b"") if body is None else body

    @body.setter
    def body(self, value: Any) -> None:  # noqa: ANN401
        self._warn_if_unclosed()
        self._update_body(value)

    def update_body_from_data(self, body: Any) -> None:  # noqa: ANN401
        """Make ``body`` the request's payload and describe it in the head.

        The payload's size becomes the Content-Length, unless the request
        is chunked or an unknown size makes it so; its Content-Type (and
        other fields) are added unless given or skipped.
        """
        if self._body is not None:
            self._warn_if_unclosed()
        headers = self.headers
        if body is None:
            self._body = None
            if (
                self.method not in self.GET_METHODS
                and not self.chunked
                and hdrs.CONTENT_LENGTH not in headers
                and hdrs.TRANSFER_ENCODING not in headers
            ):
                headers[hdrs.CONTENT_LENGTH] = "0"
            return
        payload = payload_from_data(body)
        self._body = payload
        if (
            not self.chunked
            and hdrs.CONTENT_LENGTH not in headers
            and hdrs.TRANSFER_ENCODING not in headers
        ):
            size = payload.size
            if size is None:
                self.chunked = True
            else:
                headers[hdrs.CONTENT_LENGTH] = str(size)
        skip = self._skip_auto_headers
        for name, value in payload.headers.items():
            if (
                name in headers
                or (skip is not None and name in skip)
                or name in (hdrs.CONTENT_LENGTH, hdrs.TRANSFER_ENCODING)
            ):
                continue
            headers[name] = value

    def _update_body(self, body: Any) -> None:  # noqa: ANN401
        headers = self.headers
        headers.popall(hdrs.CONTENT_LENGTH, None)
        if self.chunked:
            headers.popall(hdrs.TRANSFER_ENCODING, None)
        self.chunked = self._chunked_requested
        self._body = None
        self.update_body_from_data(body)
        if body is not None or self.method not in self.GET_METHODS:
            self.update_transfer_encoding()

    async def update_body(self, body: Any) -> None:  # noqa: ANN401
        """Replace the body (closing the old payload) and re-frame the request.

        For client middlewares: the new body gets its own Content-Length or
        chunked framing.
        """
        old = self._body
        if old is not None:
            await old.close()
        self._body = None
        self._update_body(body)

    def _warn_if_unclosed(self) -> None:
        body = self._body
        if body is not None and not body.autoclose and not body.consumed:
            warnings.warn(
                "The previous request body contains unclosed resources. "
                "Use await request.update_body() instead of setting request.body "
                "directly to properly close resources and avoid leaks.",
                ResourceWarning,
                stacklevel=3,
            )

    def _get_content_length(self) -> int | None:
        value = self.headers.get(hdrs.CONTENT_LENGTH)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"Invalid Content-Length header: {value}")
        return int(value)
