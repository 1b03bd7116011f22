"""One call of ``ClientSession._request``: the request, its redirects, the answer.

:class:`RequestFlow` takes a request's arguments as the session's methods
accept them, checks them and merges them with the session's defaults,
then runs the exchange in small steps:

1. start the ``total`` timer (it keeps running while the caller reads the
   body: the response holds it until its connection is released);
2. for each hop, build a :class:`ClientRequest` (credentials, cookies,
   proxy) and pass it through the middlewares to :meth:`_send`, which gets
   a connection (the connector applies ``connect`` and ``sock_connect``),
   sends, and reads the response head (the protocol applies ``sock_read``);
3. store the hop's cookies, then follow a redirect or stop;
4. apply ``raise_for_status`` and report to the traces.

An idempotent request whose connection came out of the pool and turns out
dead (the server closed it while it sat idle) is sent again on another
connection; a fresh connection's failure is final.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from multidict import CIMultiDict
from yarl import URL

from . import hdrs, payload
from ._client_env import basicauth_from_netrc, get_env_proxy_for_url, netrc_from_env
from ._client_redirects import (
    REDIRECT_STATUSES,
    drop_body_headers,
    drop_credentials,
    redirect_method,
    redirect_target,
)
from ._client_request_info import merge_ssl_params
from ._client_session_args import merge_headers, request_timeout, skip_headers
from ._client_timeout import ClientTimeout
from ._timers import (
    BaseTimerContext,
    TimerContext,
    TimerNoop,
)
from .client_exceptions import (
    ClientError,
    ClientOSError,
    ConnectionTimeoutError,
    InvalidURL,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    ServerDisconnectedError,
    ServerTimeoutError,
    TooManyRedirects,
)
from .client_middlewares import ClientMiddlewareType, build_client_middlewares
from .cookiejar import CookieJar
from .helpers import EMPTY_BODY_METHODS, BasicAuth, sentinel, strip_auth_from_url
from .tracing import Trace

if TYPE_CHECKING:
    from http.cookies import BaseCookie
    from ssl import SSLContext

    from .client import ClientSession
    from .client_middlewares import ClientHandlerType
    from .client_reqrep import ClientRequest, ClientResponse, Fingerprint
    from .helpers import _SENTINEL
    from .typedefs import LooseCookies, LooseHeaders, StrOrURL

__all__ = ("IDEMPOTENT_METHODS", "RaiseForStatus", "RequestFlow")

#: Methods a request may repeat without changing the outcome (RFC 9110 9.2.2).
IDEMPOTENT_METHODS: Final = frozenset(
    {
        hdrs.METH_GET,
        hdrs.METH_HEAD,
        hdrs.METH_OPTIONS,
        hdrs.METH_TRACE,
        hdrs.METH_PUT,
        hdrs.METH_DELETE,
    }
)

#: ``raise_for_status``: a bool, or a coroutine function that checks a response.
RaiseForStatus = bool | Callable[["ClientResponse"], Awaitable[None]] | None

# At most this many resends over dead pooled connections: each one used up
# a connection, so the pool runs out of dead ones long before.
_MAX_STALE_RETRIES: Final = 5


class RequestFlow:
    """The state of one request across its hops (see the module docstring)."""

    __slots__ = (
        "_allow_redirects",
        "_auth",
        "_auth_origin",
        "_auto_decompress",
        "_chunked",
        "_compress",
        "_cookies",
        "_data",
        "_expect100",
        "_first_url",
        "_headers",
        "_history",
        "_max_field_size",
        "_max_line_size",
        "_max_redirects",
        "_method",
        "_middlewares",
        "_params",
        "_proxy",
        "_proxy_auth",
        "_proxy_headers",
        "_raise_for_status",
        "_read_bufsize",
        "_read_until_eof",
        "_server_hostname",
        "_session",
        "_skip_auto_headers",
        "_ssl",
        "_stale",
        "_timeout",
        "_timer",
        "_traces",
        "_url",
    )

    # Not keyword-only, though always passed by keyword: CPython fills the
    # defaults of such parameters from a tuple, those of keyword-only ones
    # with a dictionary lookup each (several microseconds for these).
    def __init__(
        self,
        session: ClientSession,
        method: str,
        str_or_url: StrOrURL,
        params: Any = None,  # noqa: ANN401 - a Query; yarl checks it
        data: Any = None,  # noqa: ANN401 - any body ClientRequest accepts
        json: Any = None,  # noqa: ANN401 - any JSON-serialisable value
        cookies: LooseCookies | None = None,
        headers: LooseHeaders | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        allow_redirects: bool = True,
        max_redirects: int = 10,
        compress: str | bool | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        raise_for_status: RaiseForStatus = None,
        read_until_eof: bool = True,
        proxy: StrOrURL | None = None,
        proxy_auth: BasicAuth | None = None,
        timeout: ClientTimeout | float | _SENTINEL | None = sentinel,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: SSLContext | None = None,
        ssl: SSLContext | bool | Fingerprint = True,
        server_hostname: str | None = None,
        proxy_headers: LooseHeaders | None = None,
        trace_request_ctx: Any = None,  # noqa: ANN401 - handed to the tracers
        read_bufsize: int | None = None,
        auto_decompress: bool | None = None,
        max_line_size: int | None = None,
        max_field_size: int | None = None,
        middlewares: Sequence[ClientMiddlewareType] | None = None,
    ) -> None:
        """Check a request's arguments and merge them with the session's."""
        connector = session._connector
        if connector is None or connector.closed:
            raise RuntimeError("Session is closed")
        if not (
            ssl is True
            and verify_ssl is None
            and ssl_context is None
            and fingerprint is None
        ):
            ssl = merge_ssl_params(
                ssl, verify_ssl, ssl_context, fingerprint, stacklevel=4
            )
        if json is not None:
            data = _json_body(session, data, json)
        # aiohttp 1 took a chunk size here; it still arrives from old callers.
        if chunked is not None and not isinstance(cast(object, chunked), bool):
            warnings.warn(
                "Chunk size is deprecated #1615", DeprecationWarning, stacklevel=3
            )
        url = session._build_url(str_or_url)
        if url.scheme not in connector.allowed_protocol_schema_set:
            raise NonHttpUrlClientError(url)
        if proxy is None:
            proxy = session._default_proxy
        if proxy_auth is None:
            proxy_auth = session._default_proxy_auth

        self._session = session
        self._method = method
        self._url = url
        self._params = params
        self._data = data
        # The request's own copy: redirects drop fields from it.
        self._headers = (
            merge_headers(session._default_headers, headers)
            if headers
            else CIMultiDict(session._default_headers)
        )
        self._skip_auto_headers = (
            skip_headers(session._skip_auto_headers, skip_auto_headers)
            if skip_auto_headers is not None or session._skip_auto_headers
            else None
        )
        self._auth = auth
        self._cookies = cookies
        self._allow_redirects = allow_redirects
        self._max_redirects = max_redirects
        self._compress = compress
        self._chunked = chunked
        self._expect100 = expect100
        self._raise_for_status = (
            session._raise_for_status if raise_for_status is None else raise_for_status
        )
        self._read_until_eof = read_until_eof
        self._proxy = None if proxy is None else _proxy_url(proxy)
        self._proxy_auth = proxy_auth
        self._timeout = (
            session._timeout
            if timeout is sentinel
            else request_timeout(timeout, session._timeout)
        )
        self._ssl = ssl
        self._server_hostname = server_hostname
        self._proxy_headers = proxy_headers
        self._traces = (
            [
                Trace(session, config, config.trace_config_ctx(trace_request_ctx))
                for config in session._trace_configs
            ]
            if session._trace_configs
            else []
        )
        self._read_bufsize = (
            session._read_bufsize if read_bufsize is None else read_bufsize
        )
        self._auto_decompress = (
            session._auto_decompress if auto_decompress is None else auto_decompress
        )
        self._max_line_size = (
            session._max_line_size if max_line_size is None else max_line_size
        )
        self._max_field_size = (
            session._max_field_size if max_field_size is None else max_field_size
        )
        self._middlewares = session._middlewares if middlewares is None else middlewares
        self._history: list[ClientResponse] = []
        self._timer: BaseTimerContext | None = None
        self._stale = False
        # The session's own credentials go only to the base URL's origin, or
        # else to the first hop's (computed when needed: most sessions have
        # none).
        self._first_url = url
        self._auth_origin: URL | None = None

    async def run(self) -> ClientResponse:
        """Send the request, follow its redirects, return the final response."""
        traces = self._traces
        for trace in traces:
            await trace.send_request_start(
                self._method, self._trace_url(), self._headers
            )
        disarm = self._start_total_timeout()
        timer = self._timer
        assert timer is not None
        resp: ClientResponse | None = None
        try:
            with timer:
                resp = await self._follow()
                if self._raise_for_status:
                    await self._check_status(resp)
        except BaseException as exc:
            if disarm is not None:
                disarm()
            if resp is not None:
                resp.release()
            for trace in traces:
                await trace.send_request_exception(
                    self._method, self._trace_url(), self._headers, exc
                )
            raise
        if disarm is not None:
            # The total timeout also covers reading the body: it ends when
            # the connection goes back (or is closed).
            connection = resp._connection
            if connection is not None:
                connection.add_callback(disarm)
            else:
                disarm()
        for trace in traces:
            await trace.send_request_end(
                self._method, self._trace_url(), self._headers, resp
            )
        return resp

    def _start_total_timeout(self) -> Callable[[], None] | None:
        """Set up ``self._timer``, armed with the ``total`` timeout.

        Returns what disarms it (``None`` without a timeout).
        """
        timeout = self._timeout
        total = timeout.total
        if total is None or total <= 0:
            self._timer = TimerNoop()
            return None
        session = self._session
        self._timer = timer = TimerContext(session._loop)
        return session._deadlines.arm(timer, total, timeout.ceil_threshold)

    def _trace_url(self) -> URL:
        params = self._params
        return self._url.update_query(params) if params else self._url

    async def _follow(self) -> ClientResponse:
        middlewares = self._middlewares
        handler: ClientHandlerType = self._send
        if middlewares:
            handler = build_client_middlewares(handler, middlewares)
        while True:
            # Built without an await (a coroutine less), unless the session
            # reads the environment.
            if self._session._trust_env:
                req = await self._build_request_from_env()
            else:
                req = self._build_request()
            try:
                resp = await handler(req)
            except (ClientError, OSError) as exc:
                resp = await self._resend(handler, req, exc)
            try:
                set_cookies = resp._raw_cookie_headers
                if set_cookies:
                    self._session._cookie_jar.update_cookies_from_headers(
                        set_cookies, resp.url
                    )
                followed = (
                    self._allow_redirects
                    and resp.status in REDIRECT_STATUSES
                    and await self._prepare_redirect(req, resp)
                )
            except BaseException:
                resp.close()
                raise
            if not followed:
                break
            resp.release()
        resp._history = tuple(self._history)
        return resp

    def _build_request(self) -> ClientRequest:
        """Make this hop's request: its credentials, cookies and proxy."""
        url, auth = self._hop_url_and_auth()
        return self._new_request(url, auth, self._proxy, self._proxy_auth)

    async def _build_request_from_env(self) -> ClientRequest:
        """``_build_request()`` for a session that trusts the environment.

        ``.netrc`` and the proxy variables are read in an executor.
        """
        loop = self._session._loop
        url, auth = self._hop_url_and_auth()
        if auth is None and url.host:
            auth = await loop.run_in_executor(None, _netrc_auth, url.host)
        proxy, proxy_auth = self._proxy, self._proxy_auth
        if proxy is None:
            with contextlib.suppress(LookupError):
                proxy, proxy_auth = await loop.run_in_executor(
                    None, get_env_proxy_for_url, url
                )
        return self._new_request(url, auth, proxy, proxy_auth)

    def _hop_url_and_auth(self) -> tuple[URL, BasicAuth | None]:
        """The hop's URL, without credentials, and the credentials it uses.

        Those in the URL, else the request's ``auth``, else the session's
        for its origin; ``.netrc`` is for the caller to consult.
        """
        url = self._url
        url_auth = None
        if url.raw_user is not None or url.raw_password is not None:
            url, url_auth = strip_auth_from_url(url)
        if not url.raw_host:
            if self._history:
                raise InvalidUrlRedirectClientError(url)
            raise InvalidUrlClientError(url)
        auth = self._auth
        if url_auth is not None:
            if auth is not None and not self._history:
                raise ValueError(
                    "Cannot combine AUTH argument with credentials encoded in URL"
                )
            # Credentials in a redirect's Location replace the earlier ones;
            # a resend of this hop finds them here, not in the URL.
            auth = self._auth = url_auth
            self._url = url
        if auth is None and self._session._default_auth is not None:
            auth = self._session_auth(url)
        return url, auth

    def _session_auth(self, url: URL) -> BasicAuth | None:
        """The session's credentials, if ``url`` is on the origin they are for."""
        session = self._session
        allowed = self._auth_origin
        if allowed is None:
            base_url = session._base_url
            first = base_url if base_url is not None else self._first_url
            allowed = self._auth_origin = first.origin()
        return session._default_auth if allowed == url.origin() else None

    def _new_request(
        self,
        url: URL,
        auth: BasicAuth | None,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
    ) -> ClientRequest:
        session = self._session
        headers = self._headers
        if auth is not None and hdrs.AUTHORIZATION in headers:
            raise ValueError(
                "Cannot combine AUTHORIZATION header with AUTH argument "
                "or credentials encoded in URL"
            )
        cookies = (
            session._cookie_jar.filter_cookies(url)
            if self._cookies is None
            else self._cookies_for(url)
        )
        options = self._flow_options()
        if headers:
            options["headers"] = headers
        if cookies:
            options["cookies"] = cookies
        if auth is not None:
            options["auth"] = auth
        if self._params is not None:
            options["params"] = self._params
        if self._data is not None:
            options["data"] = self._data
        if proxy is not None:
            options["proxy"] = proxy
            options["proxy_auth"] = proxy_auth
            options["proxy_headers"] = self._proxy_headers
        return session._request_class(self._method, url, **options)

    def _flow_options(self) -> dict[str, Any]:
        """``ClientRequest``'s keyword arguments that every hop shares.

        Those always there, then only the options the request has: each
        keyword argument costs the call a lookup, and most are absent.
        """
        session = self._session
        options: dict[str, Any] = {
            "version": session._version,
            "loop": session._loop,
            "response_class": session._response_class,
            "timer": self._timer,
            "session": session,
            "ssl": self._ssl,
        }
        if self._skip_auto_headers is not None:
            options["skip_auto_headers"] = self._skip_auto_headers
        if self._compress is not None:
            options["compress"] = self._compress
        if self._chunked is not None:
            options["chunked"] = self._chunked
        if self._expect100:
            options["expect100"] = True
        if self._server_hostname is not None:
            options["server_hostname"] = self._server_hostname
        if self._traces:
            options["traces"] = self._traces
        if session._trust_env:
            options["trust_env"] = True
        return options

    def _cookies_for(self, url: URL) -> BaseCookie[str]:
        """The jar's cookies for ``url`` plus the request's own ``cookies=``."""
        jar = self._session._cookie_jar
        cookies = jar.filter_cookies(url)
        if self._cookies is not None:
            # A throwaway jar turns any form of ``cookies=`` into a cookie
            # set quoted like the session's.
            own = CookieJar(quote_cookie=jar.quote_cookie, loop=self._session._loop)
            own.update_cookies(self._cookies)
            request_cookies = own.filter_cookies(url)
            if request_cookies:
                cookies.load(request_cookies)
        return cookies

    async def _resend(
        self, handler: ClientHandlerType, req: ClientRequest, exc: Exception
    ) -> ClientResponse:
        """Send ``req`` again after it failed with ``exc``, if it may be.

        ``exc`` is raised (an ``OSError`` as ``ClientOSError``) when the
        request may not be resent, or when its resends fail too.
        """
        retries = 0
        while True:
            if isinstance(exc, OSError) and not isinstance(exc, ClientError):
                if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                    raise exc
                if not self._may_resend(req, retries):
                    raise ClientOSError(*exc.args) from exc
            elif not self._may_resend(req, retries):
                raise exc
            retries += 1
            if self._session._trust_env:
                req = await self._build_request_from_env()
            else:
                req = self._build_request()
            try:
                return await handler(req)
            except (ClientError, OSError) as error:
                exc = error

    def _may_resend(self, req: ClientRequest, retries: int) -> bool:
        if not self._stale or retries >= _MAX_STALE_RETRIES:
            return False
        if not self._session._retry_connection:
            return False
        if req.method not in IDEMPOTENT_METHODS:
            return False
        if self._data is None:
            return True
        body = req.body
        if body.consumed:
            return False
        # Send the payload the request made of the body, not the raw value
        # (a file object it has read and closed).
        self._data = body
        return True

    async def _send(self, req: ClientRequest) -> ClientResponse:
        """Get a connection, send ``req``, read the response head.

        The innermost handler of the middleware chain: a middleware may call
        it several times.
        """
        self._stale = False
        session = self._session
        connector = session._connector
        if connector is None:
            raise RuntimeError("Session is closed")
        timeout = self._timeout
        try:
            # The connector applies ``connect`` (the wait for a slot and the
            # opening) and ``sock_connect`` (each attempt).
            conn = await connector.connect(req, self._traces, timeout)
        except ServerTimeoutError:
            raise
        except asyncio.TimeoutError as exc:
            raise ConnectionTimeoutError(
                f"Connection timeout to host {req.url}"
            ) from exc
        protocol = conn._protocol
        assert protocol is not None
        protocol.set_response_params(
            timer=self._timer,
            skip_payload=req.method in EMPTY_BODY_METHODS,
            read_until_eof=self._read_until_eof,
            auto_decompress=self._auto_decompress,
            read_timeout=timeout.sock_read,
            read_bufsize=self._read_bufsize,
            timeout_ceil_threshold=connector._timeout_ceil_threshold,
            max_line_size=self._max_line_size,
            max_field_size=self._max_field_size,
        )
        try:
            resp = await req.send(conn)
            try:
                await resp.start(conn)
            except BaseException:
                resp.close()
                raise
        except BaseException as exc:
            if conn.reused and _is_stale_connection_error(exc):
                self._stale = True
            conn.close()
            raise
        return resp

    async def _prepare_redirect(self, req: ClientRequest, resp: ClientResponse) -> bool:
        """Set up the next hop after ``resp``; ``False`` if there is none."""
        session = self._session
        target = redirect_target(
            resp.headers, resp.url, requote=session._requote_redirect_url
        )
        if target is None:
            # A 3xx without Location is the final answer.
            return False
        for trace in self._traces:
            await trace.send_request_redirect(
                self._method, self._trace_url(), self._headers, resp
            )
        history = self._history
        if len(history) >= self._max_redirects:
            history.append(resp)
            raise TooManyRedirects(history[0].request_info, tuple(history))
        history.append(resp)

        method, keep_body = redirect_method(resp.status, self._method)
        self._method = method
        if not keep_body:
            self._data = None
            drop_body_headers(self._headers)
        elif self._data is not None:
            # Send the same body again: the payload the request made of it.
            self._data = req.body
        if target.origin() != req.url.origin():
            self._auth = None
            self._cookies = None
            drop_credentials(self._headers)
        self._url = target
        self._params = None
        return True

    async def _check_status(self, resp: ClientResponse) -> None:
        check = self._raise_for_status
        if callable(check):
            await check(resp)
        elif check:
            resp.raise_for_status()


def _json_body(session: ClientSession, data: Any, json: Any) -> payload.Payload:  # noqa: ANN401
    """The payload of a ``json=`` argument (``data=`` may not come with it)."""
    if data is not None:
        raise ValueError("data and json parameters can not be used at the same time")
    return payload.JsonPayload(json, dumps=session._json_serialize)


def _proxy_url(proxy: StrOrURL) -> URL:
    """The proxy's URL; ``InvalidURL`` when it is none."""
    try:
        return URL(proxy)
    except ValueError as exc:
        raise InvalidURL(proxy) from exc


def _is_stale_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` is how a connection the server closed while idle fails.

    The server's close shows up as a disconnection before the answer, or a
    reset while writing; a timeout says nothing of the kind (and is an
    ``OSError`` since Python 3.11).
    """
    if isinstance(exc, asyncio.TimeoutError):
        return False
    return isinstance(exc, ServerDisconnectedError | OSError)


def _netrc_auth(host: str) -> BasicAuth | None:
    """``host``'s credentials from ``.netrc`` (blocking: run in an executor)."""
    try:
        return basicauth_from_netrc(netrc_from_env(), host)
    except LookupError:
        return None
