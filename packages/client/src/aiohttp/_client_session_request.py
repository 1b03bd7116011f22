"""One call of ``ClientSession._request``: the request, its redirects, the answer.

:class:`RequestFlow` takes the arguments the session has already checked
and merged, and runs the exchange in small steps:

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
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict
from yarl import URL

from . import hdrs
from ._client_env import basicauth_from_netrc, get_env_proxy_for_url, netrc_from_env
from ._client_redirects import (
    REDIRECT_STATUSES,
    drop_body_headers,
    drop_credentials,
    redirect_method,
    redirect_target,
)
from ._client_timeout import ClientTimeout
from .client_exceptions import (
    ClientError,
    ClientOSError,
    ConnectionTimeoutError,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    ServerDisconnectedError,
    ServerTimeoutError,
    TooManyRedirects,
)
from .client_middlewares import ClientMiddlewareType, build_client_middlewares
from .cookiejar import CookieJar
from .helpers import (
    EMPTY_BODY_METHODS,
    BaseTimerContext,
    BasicAuth,
    TimeoutHandle,
    strip_auth_from_url,
)

if TYPE_CHECKING:
    from http.cookies import BaseCookie
    from ssl import SSLContext

    from .client import ClientSession
    from .client_middlewares import ClientHandlerType
    from .client_reqrep import ClientRequest, ClientResponse, Fingerprint
    from .connector import Connection
    from .tracing import Trace
    from .typedefs import LooseCookies, LooseHeaders, Query

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

    def __init__(
        self,
        session: ClientSession,
        method: str,
        url: URL,
        *,
        params: Query,
        data: Any,  # noqa: ANN401 - whatever ClientRequest accepts as a body
        headers: CIMultiDict[str],
        skip_auto_headers: Iterable[str] | None,
        auth: BasicAuth | None,
        cookies: LooseCookies | None,
        allow_redirects: bool,
        max_redirects: int,
        compress: str | bool | None,
        chunked: bool | None,
        expect100: bool,
        raise_for_status: RaiseForStatus,
        read_until_eof: bool,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
        timeout: ClientTimeout,
        ssl: SSLContext | bool | Fingerprint,
        server_hostname: str | None,
        proxy_headers: LooseHeaders | None,
        traces: list[Trace],
        read_bufsize: int,
        auto_decompress: bool,
        max_line_size: int,
        max_field_size: int,
        middlewares: Sequence[ClientMiddlewareType],
    ) -> None:
        self._session = session
        self._method = method
        self._url = url
        self._params = params
        self._data = data
        self._headers = headers
        self._skip_auto_headers = skip_auto_headers
        self._auth = auth
        self._cookies = cookies
        self._allow_redirects = allow_redirects
        self._max_redirects = max_redirects
        self._compress = compress
        self._chunked = chunked
        self._expect100 = expect100
        self._raise_for_status = raise_for_status
        self._read_until_eof = read_until_eof
        self._proxy = proxy
        self._proxy_auth = proxy_auth
        self._timeout = timeout
        self._ssl = ssl
        self._server_hostname = server_hostname
        self._proxy_headers = proxy_headers
        self._traces = traces
        self._read_bufsize = read_bufsize
        self._auto_decompress = auto_decompress
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._middlewares = middlewares
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
        session = self._session
        timeout = self._timeout
        traces = self._traces
        for trace in traces:
            await trace.send_request_start(
                self._method, self._trace_url(), self._headers
            )
        handle = TimeoutHandle(session._loop, timeout.total, timeout.ceil_threshold)
        timer_handle = handle.start()
        self._timer = timer = handle.timer()
        resp: ClientResponse | None = None
        try:
            with timer:
                resp = await self._follow()
                await self._check_status(resp)
        except BaseException as exc:
            handle.close()
            if timer_handle is not None:
                timer_handle.cancel()
            if resp is not None:
                resp.release()
            for trace in traces:
                await trace.send_request_exception(
                    self._method, self._trace_url(), self._headers, exc
                )
            raise
        if timer_handle is not None:
            # The total timeout also covers reading the body: it ends when
            # the connection goes back (or is closed).
            connection = resp.connection
            if connection is not None:
                connection.add_callback(timer_handle.cancel)
            else:
                timer_handle.cancel()
        for trace in traces:
            await trace.send_request_end(
                self._method, self._trace_url(), self._headers, resp
            )
        return resp

    def _trace_url(self) -> URL:
        params = self._params
        return self._url.update_query(params) if params else self._url

    async def _follow(self) -> ClientResponse:
        middlewares = self._middlewares
        handler: ClientHandlerType = self._send
        if middlewares:
            handler = build_client_middlewares(handler, middlewares)
        while True:
            req = await self._build_request()
            resp = await self._send_with_retry(handler, req)
            try:
                set_cookies = resp.headers.getall(hdrs.SET_COOKIE, ())
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

    async def _build_request(self) -> ClientRequest:
        """Make this hop's request: its credentials, cookies and proxy."""
        session = self._session
        url, url_auth = strip_auth_from_url(self._url)
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
        if auth is None:
            auth = await self._fallback_auth(url)
        headers = self._headers
        if auth is not None and hdrs.AUTHORIZATION in headers:
            raise ValueError(
                "Cannot combine AUTHORIZATION header with AUTH argument "
                "or credentials encoded in URL"
            )
        proxy, proxy_auth = self._proxy, self._proxy_auth
        if proxy is None and session._trust_env:
            with contextlib.suppress(LookupError):
                proxy, proxy_auth = await session._loop.run_in_executor(
                    None, get_env_proxy_for_url, url
                )
        return session._request_class(
            self._method,
            url,
            params=self._params,
            headers=headers,
            skip_auto_headers=self._skip_auto_headers,
            data=self._data,
            cookies=self._cookies_for(url),
            auth=auth,
            version=session._version,
            compress=self._compress,
            chunked=self._chunked,
            expect100=self._expect100,
            loop=session._loop,
            response_class=session._response_class,
            proxy=proxy,
            proxy_auth=proxy_auth,
            timer=self._timer,
            session=session,
            ssl=self._ssl,
            server_hostname=self._server_hostname,
            proxy_headers=self._proxy_headers,
            traces=self._traces,
            trust_env=session._trust_env,
        )

    async def _fallback_auth(self, url: URL) -> BasicAuth | None:
        """The session's credentials, else ``.netrc``'s, for ``url``."""
        session = self._session
        default_auth = session._default_auth
        if default_auth is not None:
            allowed = self._auth_origin
            if allowed is None:
                base_url = session._base_url
                first = base_url if base_url is not None else self._first_url
                allowed = self._auth_origin = first.origin()
            if allowed == url.origin():
                return default_auth
        if session._trust_env and url.host:
            return await session._loop.run_in_executor(None, _netrc_auth, url.host)
        return None

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

    async def _send_with_retry(
        self, handler: ClientHandlerType, req: ClientRequest
    ) -> ClientResponse:
        retries = 0
        while True:
            try:
                return await handler(req)
            except ClientError:
                if not self._may_resend(req, retries):
                    raise
            except OSError as exc:
                if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                    raise
                if not self._may_resend(req, retries):
                    raise ClientOSError(*exc.args) from exc
            retries += 1
            req = await self._build_request()

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
        protocol = conn.protocol
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
        return await self._exchange(req, conn)

    async def _exchange(self, req: ClientRequest, conn: Connection) -> ClientResponse:
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
