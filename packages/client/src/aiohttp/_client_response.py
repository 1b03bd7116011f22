"""``ClientResponse``: a response's head, its body stream, and its connection.

Life of a response
    ``ClientRequest.send()`` makes the response; ``start(connection)`` reads
    the head from the connection's protocol, skipping interim (1xx)
    responses (a 100 Continue lets the request's body writer go on), and
    exposes the body as ``content``, a ``StreamReader``.

The connection goes back to the pool only when it is clean
    The moment the parser has the whole body (``content``'s EOF callback),
    the connection is released to the pool, once the request's body writer
    is done too: a response that arrives while the request is still being
    uploaded (a 413, say) cancels the upload and the connection is closed.
    ``release()`` before the body is complete, ``close()``, or an error
    while reading closes the connection instead: what is left of the body
    on the wire would otherwise be read as the next response.

Reading
    ``read()`` reads the body once and keeps it; ``text()`` and ``json()``
    decode that. The encoding is the Content-Type's charset; without one,
    the session's ``fallback_charset_resolver(response, body)`` chooses
    (UTF-8 by default): nothing guesses from the bytes.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
import warnings
from collections.abc import Generator
from http.cookies import SimpleCookie
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDictProxy, MultiDictProxy
from yarl import URL

from . import hdrs
from ._client_body_writer import BodyWriterTracking
from ._client_request_info import RequestInfo
from ._client_response_headers import (
    ContentDisposition,
    is_expected_content_type,
    parse_content_disposition_header,
    parse_links,
    parse_set_cookies,
    resolve_charset,
)
from ._futures import set_result
from ._headers_mixin import HeadersMixin
from ._http_version import HttpVersion
from ._mimetype import parse_content_type
from ._timers import BaseTimerContext, TimerNoop
from .client_exceptions import (
    ClientConnectionError,
    ClientResponseError,
    ContentTypeError,
)
from .http_exceptions import HttpProcessingError
from .streams import StreamReader
from .typedefs import DEFAULT_JSON_DECODER, JSONDecoder, RawHeaders

if TYPE_CHECKING:
    from .client import ClientSession
    from .client_proto import ResponseHandler
    from .connector import Connection
    from .tracing import Trace

__all__ = ("ClientResponse",)

_CONNECTION_CLOSED: Final = "Connection closed"


def _utf8(response: ClientResponse, body: bytes) -> str:
    """The fallback charset when there is no session to ask."""
    return "utf-8"


class _Done:
    """What ``release()`` returns: awaiting it (as aiohttp 2 did) does nothing."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        return
        yield  # a generator that finishes at once

    def __repr__(self) -> str:
        return "<released>"


_DONE: Final = _Done()


class ClientResponse(HeadersMixin, BodyWriterTracking):
    """A response to a client request.

    Users get one from ``ClientSession.request()`` and its family, never
    by creating it. As an async context manager it is released on exit.
    """

    # Set by start(); the types show what users see once it has run.
    version: HttpVersion | None = None
    status: int = None  # type: ignore[assignment]
    reason: str | None = None
    content: StreamReader = None  # type: ignore[assignment]
    _headers: CIMultiDictProxy[str] = None  # type: ignore[assignment]
    _raw_headers: RawHeaders = None  # type: ignore[assignment]

    # Until start(): nothing to release, nothing to warn about in __del__.
    _connection: Connection | None = None
    _protocol: ResponseHandler | None = None
    _closed = True
    _released = False
    _in_context = False
    _body: bytes | None = None
    _cookies: SimpleCookie | None = None
    _raw_cookie_headers: tuple[str, ...] = ()
    _continue: asyncio.Future[bool] | None = None
    _source_traceback: traceback.StackSummary | None = None
    _session: ClientSession | None = None

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        writer: asyncio.Task[None] | None,
        continue100: asyncio.Future[bool] | None,
        timer: BaseTimerContext | None,
        request_info: RequestInfo,
        traces: list[Trace],
        loop: asyncio.AbstractEventLoop,
        session: ClientSession | None,
    ) -> None:
        self.method = method
        self._real_url = url
        self._url = url.with_fragment(None) if url.raw_fragment else url
        if writer is not None:
            self._writer = writer
        self._continue = continue100
        self._request_info = request_info
        self._timer = timer if timer is not None else TimerNoop()
        self._traces = traces
        self._loop = loop
        self._history: tuple[ClientResponse, ...] = ()
        self._cache: dict[str, Any] = {}
        self._session = session
        # Kept apart from the session, which is dropped once the response
        # is done: get_encoding() still works after that.
        self._resolve_charset = (
            session._resolve_charset if session is not None else _utf8
        )
        if loop.get_debug():
            self._source_traceback = traceback.extract_stack(sys._getframe(1))

    # -- the request's body writer -------------------------------------------

    def _cleanup_writer(self) -> None:
        # A body still being sent when the response is over or abandoned
        # is cut short; the writer then closes the connection.
        writer = self._writer_task
        if writer is not None:
            writer.cancel()
        self._session = None

    # -- the head ------------------------------------------------------------

    async def start(self, connection: Connection) -> ClientResponse:
        """Read the response head from ``connection``; return ``self``.

        Interim responses (1xx but 101) are read past; a 100 Continue lets
        a request waiting for it send its body. A head the parser refuses
        raises ``ClientResponseError`` with the parser's status and message.
        """
        self._closed = False
        protocol = connection._protocol
        if protocol is None:
            raise ClientConnectionError(_CONNECTION_CLOSED)
        self._protocol = protocol
        self._connection = connection
        with self._timer:
            while True:
                try:
                    message, payload = await protocol.read()
                except HttpProcessingError as exc:
                    raise ClientResponseError(
                        self.request_info,
                        self.history,
                        status=exc.code,
                        message=exc.message,
                        headers=exc.headers,
                    ) from exc
                code = message.code
                if code < 100 or code > 199 or code == 101:
                    break
                if code == 100 and self._continue is not None:
                    set_result(self._continue, True)
                    self._continue = None

        self.version = message.version
        self.status = code
        self.reason = message.reason
        self._headers = message.headers
        self._raw_headers = message.raw_headers
        self._raw_cookie_headers = tuple(message.headers.getall(hdrs.SET_COOKIE, ()))
        self.content = payload
        # Last: a body already complete releases the connection right here.
        payload.on_eof(self._response_eof)
        return self

    def _response_eof(self) -> None:
        if self._closed:
            return
        protocol = self._protocol
        if protocol is not None and protocol._upgraded:
            return  # the connection now belongs to the WebSocket
        self._closed = True
        self._cleanup_writer()
        self._release_connection()

    # -- the connection ------------------------------------------------------

    def _release_connection(self) -> None:
        connection = self._connection
        if connection is None:
            return
        writer = self._writer_task
        if writer is None:
            self._connection = None
            connection.release()
        else:
            # The connection is free once the request's writer is done.
            writer.add_done_callback(self._release_after_writer)

    def _release_after_writer(self, task: asyncio.Task[None]) -> None:
        self._writer_done(task)
        self._release_connection()

    def _notify_content(self) -> None:
        content = self.content
        if content is not None and content.exception() is None:
            content.set_exception(ClientConnectionError(_CONNECTION_CLOSED))
        self._released = True

    @property
    def connection(self) -> Connection | None:
        """The connection the response is read from; ``None`` once released."""
        return self._connection

    def release(self) -> Any:  # noqa: ANN401 - an awaitable, for aiohttp 2 callers
        """Let go of the connection: back to the pool if the body was read.

        If the body was not read to the end, the connection is closed.
        Reading ``content`` afterwards raises ``ClientConnectionError``.
        Returns an awaitable that does nothing, so ``await resp.release()``
        also works.
        """
        if not self._released:
            self._notify_content()
        self._closed = True
        self._cleanup_writer()
        self._release_connection()
        return _DONE

    def close(self) -> None:
        """Close the response and its connection (no keep-alive)."""
        if not self._released:
            self._notify_content()
        self._closed = True
        if self._loop.is_closed():
            return
        self._cleanup_writer()
        connection = self._connection
        if connection is not None:
            self._connection = None
            connection.close()

    @property
    def closed(self) -> bool:
        """Whether the response is over: body read to the end, released or closed."""
        return self._closed

    async def wait_for_close(self) -> None:
        """Wait for the request's body writer to finish, then release."""
        writer = self._writer_task
        if writer is not None:
            # wait() does not raise the writer's own error or cancellation.
            await asyncio.wait((writer,))
        self.release()

    def __del__(self, _warnings: Any = warnings) -> None:  # noqa: ANN401
        if self._closed:
            return
        connection = self._connection
        if connection is None:
            return
        self._connection = None
        connection.release()
        self._cleanup_writer()
        if self._loop.get_debug():
            _warnings.warn(f"Unclosed response {self!r}", ResourceWarning, source=self)
            context: dict[str, Any] = {
                "client_response": self,
                "message": "Unclosed response",
            }
            if self._source_traceback is not None:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)

    # -- what the head says --------------------------------------------------

    @property
    def url(self) -> URL:
        """The URL of the request, without its fragment."""
        return self._url

    @property
    def real_url(self) -> URL:
        """The URL of the request as given, fragment included."""
        return self._real_url

    @property
    def host(self) -> str:
        """The host of the request URL."""
        host = self._url.host
        assert host is not None
        return host

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The response headers (case-insensitive, repeated fields kept)."""
        return self._headers

    @property
    def raw_headers(self) -> RawHeaders:
        """The headers as received: ``(name, value)`` pairs of bytes."""
        return self._raw_headers

    @property
    def request_info(self) -> RequestInfo:
        """The request this response answers."""
        return self._request_info

    @property
    def ok(self) -> bool:
        """Whether the status is below 400."""
        return self.status < 400

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led here, earliest first."""
        return self._history

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies the Set-Cookie headers set (bad ones are skipped)."""
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = parse_set_cookies(self._raw_cookie_headers)
        return cookies

    @cookies.setter
    def cookies(self, cookies: SimpleCookie) -> None:
        self._cookies = cookies

    @property
    def links(self) -> MultiDictProxy[MultiDictProxy[str | URL]]:
        """The Link headers (RFC 8288), keyed by ``rel`` or target."""
        links = self._cache.get("links")
        if links is None:
            links = parse_links(self._headers.getall(hdrs.LINK, ()), self._url)
            self._cache["links"] = links
        return links

    @property
    def content_disposition(self) -> ContentDisposition | None:
        """The parsed Content-Disposition header, or ``None`` without one."""
        raw = self._headers.get(hdrs.CONTENT_DISPOSITION)
        if raw is None:
            return None
        cached = self._cache.get("content_disposition")
        if cached is None or cached[0] != raw:
            cached = (raw, parse_content_disposition_header(raw))
            self._cache["content_disposition"] = cached
        return cached[1]

    def raise_for_status(self) -> None:
        """Raise ``ClientResponseError`` for a status of 400 or more.

        Outside ``async with`` the response is released first; inside, the
        block's exit releases it.
        """
        if self.status < 400:
            return
        if not self._in_context:
            self.release()
        raise ClientResponseError(
            self.request_info,
            self.history,
            status=self.status,
            message=self.reason or "",
            headers=self.headers,
        )

    # -- the body ------------------------------------------------------------

    async def read(self) -> bytes:
        """Read the whole body (once; later calls return it again).

        An error while reading closes the connection and is raised.
        ``ClientConnectionError`` when the response was released before its
        body was read.
        """
        body = self._body
        if body is None:
            try:
                body = self._body = await self.content.read()
                for trace in self._traces:
                    await trace.send_response_chunk_received(
                        self.method, self._url, body
                    )
            except BaseException:
                self.close()
                raise
        elif self._released:
            raise ClientConnectionError(_CONNECTION_CLOSED)
        protocol = self._protocol
        if protocol is None or not protocol._upgraded:
            if self._writer_task is not None:
                await self._wait_released()
            elif self._connection is not None:
                self._release_connection()
        return body

    async def _wait_released(self) -> None:
        writer = self._writer_task
        if writer is not None:
            await asyncio.wait((writer,))
        self._release_connection()

    def get_encoding(self) -> str:
        """The body's encoding: the Content-Type charset, else the fallback.

        JSON is UTF-8. Otherwise the session's fallback resolver is asked,
        which needs the body: ``RuntimeError`` before it is read.
        """
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        if raw is not None:
            content_type, params = parse_content_type(raw)
            encoding = resolve_charset(content_type, params)
            if encoding is not None:
                return encoding
        if self._body is None:
            raise RuntimeError(
                "Cannot compute fallback encoding of a not yet read body"
            )
        return self._resolve_charset(self, self._body)

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        """Read the body and decode it (``get_encoding()`` when not given)."""
        body = await self.read() if self._body is None else self._body
        if encoding is None:
            encoding = self.get_encoding()
        return body.decode(encoding, errors=errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: JSONDecoder = DEFAULT_JSON_DECODER,
        content_type: str | None = "application/json",
    ) -> Any:  # noqa: ANN401 - whatever the JSON holds
        """Read the body and decode it as JSON with ``loads``.

        ``ContentTypeError`` when the Content-Type is not ``content_type``
        (``None`` skips the check; ``application/json`` also accepts
        ``application/*+json``). An empty or blank body gives ``None``.
        """
        body = await self.read() if self._body is None else self._body
        if content_type and not is_expected_content_type(
            self.content_type, content_type
        ):
            raise ContentTypeError(
                self.request_info,
                self.history,
                status=self.status,
                message=(
                    f"Attempt to decode JSON with unexpected mimetype: "
                    f"{self.content_type}"
                ),
                headers=self.headers,
            )
        stripped = body.strip()
        if not stripped:
            return None
        if encoding is None:
            encoding = self.get_encoding()
        return loads(stripped.decode(encoding))

    # -- context manager and repr ----------------------------------------------

    async def __aenter__(self) -> ClientResponse:
        self._in_context = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._in_context = False
        # Released first: a body writer still running is cut short, so the
        # wait below cannot hang on a server that stopped reading.
        self.release()
        await self.wait_for_close()

    def __repr__(self) -> str:
        reason = (
            self.reason.encode("ascii", "backslashreplace").decode("ascii")
            if self.reason
            else "None"
        )
        head = f"<ClientResponse({self._url}) [{self.status} {reason}]>"
        return f"{head}\n{self._headers}\n"
