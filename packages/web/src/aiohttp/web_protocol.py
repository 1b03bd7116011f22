"""The server side of one HTTP/1.x connection (aiohttp.web_protocol).

``RequestHandler`` is the asyncio protocol a :class:`~aiohttp.web.Server`
creates for every accepted connection. It is a thin adapter: bytes go to
the core ``HttpRequestParser``; each complete head becomes a request that
the server's handler answers; responses go out through a ``StreamWriter``.

Connection states (one deadline timer serves them all, see ``_Wait``)::

    NEW ──first byte──▶ HEAD ──head complete──▶ BUSY ──response sent──▶ IDLE
     │                   │                       ▲  │                     │
     │ headers_timeout   │ headers_timeout       │  └── next queued ──────┘
     ▼  (close)          ▼  (408, close)         └──── first byte ─── HEAD
                                                 IDLE: keepalive_timeout (close)

* Pipelined requests wait in a queue and are answered in order, one at a
  time; when the queue holds ``max_pipelined_requests`` the transport stops
  reading until it shrinks.
* A head the parser refuses is answered with the status its error carries
  (400, 413, 414, 431, 501, 505) and a short plain-text reason, after the
  responses to the requests before it; then the connection closes.
* A body the handler left unread is drained for up to ``lingering_time``
  before the next request; a refused one (over ``client_max_size``, or an
  ``Expect: 100-continue`` never continued) is not read at all: the
  connection half-closes after the response and discards what still comes.
* After a protocol upgrade the connection belongs to whoever calls
  ``set_parser()`` (the WebSocket response does).
"""

from __future__ import annotations

import asyncio
import sys
import traceback
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import suppress
from enum import Enum
from html import escape
from logging import Logger
from typing import TYPE_CHECKING, Any, Final, Protocol

from . import hdrs
from ._timers import ceil_timeout
from ._web_abc import AbstractAccessLogger, AbstractAsyncAccessLogger
from .base_protocol import BaseProtocol
from .http import RESPONSES
from .http_exceptions import HttpProcessingError
from .http_parser import HttpRequestParser, RawRequestMessage
from .http_writer import StreamWriter
from .log import access_logger, server_logger
from .streams import EMPTY_PAYLOAD, StreamReader
from .tcp_helpers import tcp_keepalive
from .web_exceptions import HTTPException
from .web_log import AccessLogger
from .web_request import BaseRequest
from .web_response import Response, StreamResponse

if TYPE_CHECKING:
    from .web_server import Server

__all__ = ("PayloadAccessError", "RequestHandler", "RequestPayloadError")

_RequestHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]


if sys.version_info >= (3, 12):

    def _start_task(
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, None],
        handler: RequestHandler,
    ) -> asyncio.Task[None]:
        # Eager: the handler runs at once, inside data_received(), until it
        # first waits; a handler that never waits costs no loop iteration.
        # (_serve then asks current_task(), which is C code, for its task.)
        return asyncio.Task(coro, loop=loop, eager_start=True)  # type: ignore[call-arg,unused-ignore]

else:
    # asyncio's own record of the running task per loop (current_task() is
    # Python code that reads it, before 3.12).
    _current_tasks: dict[asyncio.AbstractEventLoop, asyncio.Task[Any]] = (
        asyncio.tasks._current_tasks  # type: ignore[attr-defined]
    )

    def _start_task(
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, None],
        handler: RequestHandler,
    ) -> asyncio.Task[None]:
        # Python 3.10 and 3.11 have no eager tasks: a new task's first step
        # is the handle create_task() just put last in the loop's ready
        # queue. Running that handle now is what eager_start does (the task
        # is current while it runs); otherwise the handler would wait for
        # the next loop iteration, a select() call per request. These
        # versions' asyncio is frozen, so its private ``_ready`` is stable;
        # a loop without it (uvloop), a task factory's other object or a
        # handle another thread queued in between, or a caller that is a
        # task itself (one task cannot run inside another before 3.12):
        # the task starts as usual.
        task = loop.create_task(coro)
        handler._task = task  # for _serve, which may run now
        ready: deque[asyncio.Handle] | None = getattr(loop, "_ready", None)
        if ready and _current_tasks.get(loop) is None:
            handle = ready[-1]
            step = getattr(handle, "_callback", None)
            if getattr(step, "__self__", None) is task:
                ready.pop()
                handle._run()
        return task


class RequestPayloadError(Exception):
    """The request body could not be read (broken framing or encoding)."""


class PayloadAccessError(Exception):
    """The request body was read after its response had been sent."""


class _UpgradeParser(Protocol):
    """What ``set_parser()`` accepts: a WebSocket reader, for one."""

    def feed_data(self, data: bytes) -> tuple[bool, bytes]: ...

    def feed_eof(self) -> Any: ...  # noqa: ANN401 - readers differ in what they return


class _Wait(Enum):
    """What the connection waits for when no handler runs."""

    NONE = 0  # a handler runs, or the connection is closing
    FIRST = 1  # a new connection's first byte: headers_timeout, then close
    HEAD = 2  # the rest of a head: headers_timeout, then 408
    IDLE = 3  # the next request on a kept-alive connection: keepalive_timeout


_QueueItem = tuple[RawRequestMessage, StreamReader] | HttpProcessingError

_CONTINUE: Final = "100-continue"
_SERVER_ERROR_TEXT: Final = "Server got itself in trouble"


class RequestHandler(BaseProtocol):
    """Serve the HTTP requests of one connection with the server's handler."""

    __slots__ = (
        "_access_logger",
        "_async_access_logger",
        "_backlog",
        "_current_request",
        "_deadline",
        "_deadline_handle",
        "_debug",
        "_discarding",
        "_force_close",
        "_handler_cancellation",
        "_head_pending",
        "_headers_timeout",
        "_keepalive",
        "_keepalive_timeout",
        "_lingering_time",
        "_manager",
        "_max_pipelined",
        "_queue",
        "_request_count",
        "_request_factory",
        "_request_handler",
        "_task",
        "_tcp_keepalive",
        "_upgrade_parser",
        "_upgrade_tail",
        "_upgraded",
        "_wait",
        "logger",
        "parser",
    )

    def __init__(
        self,
        manager: Server,
        *,
        loop: asyncio.AbstractEventLoop,
        keepalive_timeout: float = 75.0,
        tcp_keepalive: bool = True,
        logger: Logger = server_logger,
        access_log_class: type[
            AbstractAccessLogger | AbstractAsyncAccessLogger
        ] = AccessLogger,
        access_log: Logger | None = access_logger,
        access_log_format: str = AccessLogger.LOG_FORMAT,
        debug: bool = False,
        max_line_size: int = 8190,
        max_headers: int = 128,
        max_field_size: int = 8190,
        lingering_time: float = 10.0,
        read_bufsize: int = 2**16,
        auto_decompress: bool = True,
        timeout_ceil_threshold: float = 5,
        headers_timeout: float | None = 30.0,
        max_pipelined_requests: int = 16,
    ) -> None:
        parser = HttpRequestParser(
            self,
            loop,
            read_bufsize,
            max_line_size=max_line_size,
            max_field_size=max_field_size,
            max_headers=max_headers,
            payload_exception=RequestPayloadError,
            auto_decompress=auto_decompress,
        )
        super().__init__(loop, parser)
        self.parser = parser
        self.logger = logger
        self._manager = manager
        self._request_handler: _RequestHandler = manager.request_handler
        self._request_factory = manager.request_factory
        self._handler_cancellation: bool = manager.handler_cancellation
        self._keepalive_timeout = keepalive_timeout
        self._headers_timeout = headers_timeout
        self._lingering_time = float(lingering_time)
        self._tcp_keepalive = tcp_keepalive
        # The deadline timer is rescheduled lazily (see _set_deadline), which
        # already batches wake-ups; ``timeout_ceil_threshold`` is accepted
        # for aiohttp's signature.
        del timeout_ceil_threshold
        # Only an explicit debug=True shows tracebacks to clients: an asyncio
        # debug loop alone must not leak them.
        self._debug = debug
        self._max_pipelined = max(1, max_pipelined_requests)

        self._access_logger: AbstractAccessLogger | None = None
        self._async_access_logger: AbstractAsyncAccessLogger | None = None
        if access_log is not None:
            # aiohttp's contract: an async logger class takes no arguments.
            if issubclass(access_log_class, AbstractAsyncAccessLogger):
                self._async_access_logger = access_log_class()
            else:
                self._access_logger = access_log_class(access_log, access_log_format)

        self._queue: deque[_QueueItem] = deque()
        self._backlog = b""  # bytes held back while the queue is full
        self._task: asyncio.Task[None] | None = None
        self._current_request: BaseRequest | None = None
        self._request_count = 0
        self._keepalive = True
        self._force_close = False
        self._discarding = False
        self._upgraded = False
        self._upgrade_parser: _UpgradeParser | None = None
        self._upgrade_tail = b""
        self._wait = _Wait.NONE
        self._deadline = 0.0
        self._head_pending = False  # the parser's head_pending after the last feed
        self._deadline_handle: asyncio.TimerHandle | None = None

    def __repr__(self) -> str:
        request = self._current_request
        if request is None:
            return f"<{type(self).__name__} {self._wait.name.lower()}>"
        return f"<{type(self).__name__} {request.method} {request.path!r}>"

    # -- public API ----------------------------------------------------------------

    @property
    def keepalive_timeout(self) -> float:
        """Seconds an idle kept-alive connection waits for its next request."""
        return self._keepalive_timeout

    @property
    def peername(self) -> Any:  # noqa: ANN401 - the socket family decides the shape
        """The peer's address as the transport reports it, if known."""
        transport = self.transport
        return None if transport is None else transport.get_extra_info("peername")

    @property
    def ssl_context(self) -> Any:  # noqa: ANN401 - ssl.SSLContext, loaded lazily
        """The connection's ``ssl.SSLContext``, or ``None`` for plain TCP."""
        transport = self.transport
        return None if transport is None else transport.get_extra_info("sslcontext")

    @property
    def request_count(self) -> int:
        """How many requests this connection has received."""
        return self._request_count

    def keep_alive(self, val: bool) -> None:
        """Keep the connection open after the current response (or not)."""
        self._keepalive = val

    def force_close(self) -> None:
        """Close the connection once the current response is sent."""
        self._force_close = True

    def close(self) -> None:
        """Stop taking requests: close now if idle, else after the response."""
        self._force_close = True
        self._queue.clear()
        if self._task is None and self.transport is not None:
            self._wait = _Wait.NONE
            self.transport.close()

    async def shutdown(self, timeout: float | None = 15.0) -> None:
        """Let the running handler finish within ``timeout``, then close.

        Queued pipelined requests are dropped; a handler still running
        when the time is up is cancelled.
        """
        self.close()
        task = self._task
        if task is not None and not task.done():
            with suppress(asyncio.CancelledError, asyncio.TimeoutError):
                async with ceil_timeout(timeout):
                    await asyncio.shield(task)
            if not task.done():
                task.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await task
        if self.transport is not None:
            self.transport.close()

    def set_parser(self, parser: _UpgradeParser) -> None:
        """Hand the upgraded connection's bytes to ``parser`` from now on."""
        if not self._upgraded:
            raise RuntimeError("set_parser() needs an upgraded connection")
        self._upgrade_parser = parser
        tail, self._upgrade_tail = self._upgrade_tail, b""
        if tail:
            self._feed_upgraded(tail)

    # -- asyncio callbacks -----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Register with the server and wait for the first request."""
        super().connection_made(transport)
        if self._tcp_keepalive:
            tcp_keepalive(transport)
        self._manager.connection_made(self, transport)
        if self._headers_timeout is not None:
            self._set_deadline(_Wait.FIRST, self._headers_timeout)

    def connection_lost(self, exc: BaseException | None) -> None:
        """Wake everything that waits on this connection, and unregister."""
        transport = self.transport
        super().connection_lost(exc)
        if transport is not None:
            # Python 3.10's TLS transport is not marked closed when its
            # connection is lost and warns (ResourceWarning) when collected;
            # closing it again is harmless for every transport.
            transport.close()
        self._manager.connection_lost(self, exc)
        self._wait = _Wait.NONE
        if self._deadline_handle is not None:
            self._deadline_handle.cancel()
            self._deadline_handle = None
        self._force_close = True
        lost = ConnectionResetError("Connection lost")
        if exc is not None:
            lost.__cause__ = exc
        for item in self._queue:
            if not isinstance(item, HttpProcessingError):
                item[1].set_exception(lost)
        self._queue.clear()
        if self._upgrade_parser is not None:
            with suppress(Exception):
                self._upgrade_parser.feed_eof()
        request = self._current_request
        if request is not None:
            request._cancel(lost)
            if self._handler_cancellation and self._task is not None:
                self._task.cancel()

    def eof_received(self) -> bool:
        """The peer finished sending: answer what it sent, then close.

        With ``handler_cancellation`` an end of input counts as the client
        going away (as a reset does): the connection closes at once.
        """
        if self._discarding or self._upgraded:
            return False
        self.parser.feed_eof()
        if (self._task is None and not self._queue) or self._handler_cancellation:
            return False  # asyncio closes the transport: connection_lost
        self._keepalive = False
        return True

    def data_received(self, data: bytes) -> None:
        """Parse ``data``; queue the requests it completes and serve them."""
        if self._discarding or (self._force_close and self._task is None):
            return
        if self._upgraded:
            self._feed_upgraded(data)
            return
        if self._task is None and not self._queue:
            # The usual request, one whole head alone in ``data`` while
            # nothing else is served: its own lane, no lists, no checks
            # of what else ``data`` held.
            try:
                item = self.parser.feed_head(data)
            except HttpProcessingError as exc:
                self._enqueue(exc)
                return
            if item is not None:
                self._request_count += 1
                self._start(item)
                return
        elif len(self._queue) >= self._max_pipelined:
            self._backlog += data
            self.pause_reading()
            return
        self._parse(data)

    # -- parsing -------------------------------------------------------------------

    def _parse(self, data: bytes) -> None:
        parser = self.parser
        try:
            messages, upgraded, tail = parser.feed_data(data)
        except HttpProcessingError as exc:
            self._enqueue(exc)
            return
        # Known before any handler runs (_after_serving reads it); the lane
        # leaves nothing pending, so only this path changes it.
        self._head_pending = head_pending = parser.head_pending
        if upgraded:
            # Before any handler starts: on Python 3.12+ one may run (and
            # call set_parser) before _start() returns.
            self._upgraded = True
            self._upgrade_tail += tail
        if messages:
            self._request_count += len(messages)
            queue = self._queue
            queue.extend(messages)
            if self._task is None:
                self._start(queue.popleft())
            if len(queue) >= self._max_pipelined:
                self.pause_reading()
        error = parser.pending_error
        if error is not None:
            parser.pending_error = None
            self._enqueue(error)
        if upgraded or self.transport is None or self.transport.is_closing():
            return
        if self._task is None and head_pending:
            if self._wait is _Wait.FIRST:
                # Still the first request: its deadline counts from connecting.
                self._wait = _Wait.HEAD
            elif self._wait is not _Wait.HEAD and self._headers_timeout is not None:
                self._set_deadline(_Wait.HEAD, self._headers_timeout)

    def _enqueue(self, item: _QueueItem) -> None:
        # Nothing after a broken head can be parsed: stop reading.
        if isinstance(item, HttpProcessingError):
            self._discarding = True
        if self._task is None:
            self._start(item)
        else:
            self._queue.append(item)

    def _feed_upgraded(self, data: bytes) -> None:
        parser = self._upgrade_parser
        if parser is None:
            self._upgrade_tail += data
            return
        eof, _ = parser.feed_data(data)
        if eof:
            self._close_transport()

    # -- serving -------------------------------------------------------------------

    def _start(self, item: _QueueItem) -> None:
        self._wait = _Wait.NONE
        task = _start_task(self._loop, self._serve(item), self)
        # An eagerly started task may be over already (_serve then cleared
        # _task): keep only one that still runs.
        self._task = None if task.done() else task

    async def _serve(self, item: _QueueItem) -> None:
        """Answer ``item``, then whatever the queue holds, in order."""
        # An eager task (3.12+) runs before _start_task() returns it: find
        # it here then. Before 3.12, _start_task() set it.
        if self._task is None:
            self._task = asyncio.current_task()
        try:
            while True:
                if isinstance(item, HttpProcessingError):
                    await self._answer_bad_request(item)
                    self._force_close = True
                    break
                if not await self._handle(*item):
                    self._force_close = True
                    break
                if self._force_close or not self._keepalive:
                    break
                if not self._queue:
                    if self._backlog:
                        self._resume_backlog()
                    if not self._queue:
                        break
                item = self._queue.popleft()
                if self._backlog and len(self._queue) < self._max_pipelined:
                    self._resume_backlog()
        except asyncio.CancelledError:
            self._force_close = True
        finally:
            self._task = None
            self._current_request = None
        self._after_serving()

    def _resume_backlog(self) -> None:
        backlog, self._backlog = self._backlog, b""
        self.resume_reading()
        self._parse(backlog)

    def _after_serving(self) -> None:
        transport = self.transport
        if transport is None:
            return
        if self._force_close or not self._keepalive:
            if self._discarding:
                self._linger()
            else:
                self._close_transport()
        elif self._head_pending:
            if self._headers_timeout is not None:
                self._set_deadline(_Wait.HEAD, self._headers_timeout)
        elif self._keepalive_timeout:
            self._set_deadline(_Wait.IDLE, self._keepalive_timeout)

    async def _handle(self, message: RawRequestMessage, payload: StreamReader) -> bool:
        """Answer one request; return whether the connection can go on."""
        loop = self._loop
        # Whether this request is logged is decided now, by whichever logger
        # the server has: only a logged request needs the clock read.
        sync_logger = self._access_logger
        access = sync_logger if sync_logger is not None else self._async_access_logger
        logged = access is not None and access.enabled
        start = loop.time() if logged else 0.0
        writer = StreamWriter(self, loop)
        request = self._request_factory(message, payload, self, writer, self._task)  # type: ignore[arg-type]
        self._current_request = request
        try:
            # One coroutine for the common path: each await of a helper
            # costs a frame, and this runs for every request.
            try:
                response = await self._request_handler(request)
            except HTTPException as exc:
                response = exc
            except asyncio.CancelledError:
                raise
            except asyncio.TimeoutError as exc:
                self.logger.debug("Request handler timed out", exc_info=exc)
                response = self.handle_error(request, 504)
            except Exception as exc:
                if request._payload_writer.output_size or self._upgraded:
                    # Too late for a 500: the response (or a 101) is out.
                    self.logger.error("Error handling request", exc_info=exc)
                    return False
                response = self.handle_error(request, 500, exc)
            else:
                if type(response) is not Response:
                    response = self._check_returned(request, response)
            if not await self._send(request, response):
                return False
            if logged:
                await self._log(request, response, start)
            if payload is EMPTY_PAYLOAD and not self._upgraded:
                return True
            return await self._finish_body(request, message, payload)
        finally:
            request._finish()

    def _check_returned(
        self, request: BaseRequest, response: StreamResponse
    ) -> StreamResponse:
        """Take what the handler returned; anything but a response is a 500."""
        returned: object = response  # what the handler really gave back
        if isinstance(returned, HTTPException):
            warnings.warn(
                "returning HTTPException object is deprecated "
                "(#2415) and will be removed, "
                "please raise the exception instead",
                DeprecationWarning,
                stacklevel=2,
            )
        elif not isinstance(returned, StreamResponse):
            error = RuntimeError(
                "Missing return statement on request handler"
                if returned is None
                else f"Web-handler should return a response instance, got {returned!r}"
            )
            return self.handle_error(request, 500, error)
        return response

    async def _send(self, request: BaseRequest, response: StreamResponse) -> bool:
        """Send ``response``; on failure before any byte went out, send a 500."""
        if (self._force_close or not self._keepalive) and not response.prepared:
            response.force_close()  # tell the client: Connection: close
        try:
            # Most responses go out in one synchronous write.
            if type(response) is not Response or not response._send_at_once(request):
                await response.prepare(request)
                await response.write_eof()
        except ConnectionError:
            return False
        except Exception as exc:
            if request._payload_writer.output_size:
                # Part of the response is on the wire: all we can do is close.
                self.logger.exception("Error sending the response", exc_info=exc)
                return False
            error = self.handle_error(request, 500, exc)
            request._payload_writer = StreamWriter(self, self._loop)
            try:
                await error.prepare(request)
                await error.write_eof()
            except ConnectionError:
                return False
            self._keepalive = False
            return True
        if response._keep_alive is False:
            self._keepalive = False
        return True

    async def _log(
        self, request: BaseRequest, response: StreamResponse, start: float
    ) -> None:
        access = self._access_logger
        if access is not None:
            access.log(request, response, self._loop.time() - start)
        elif self._async_access_logger is not None:
            # An async logger gets the start time: it may log it later.
            await self._async_access_logger.log(request, response, start)

    async def _finish_body(
        self, request: BaseRequest, message: RawRequestMessage, payload: StreamReader
    ) -> bool:
        """Make sure the request body is behind us before the next request."""
        if self._upgraded:
            # The upgraded protocol is over (or never started): so is HTTP.
            return False
        if payload is EMPTY_PAYLOAD or payload.is_eof():
            return True
        if payload.exception() is not None:
            return False
        if self._refused_body(request, message):
            self._discarding = True
            return False
        # Read what the handler left, for a while: closing with unread bytes
        # makes the kernel reset the connection, which can destroy the
        # response before the client reads it.
        with suppress(asyncio.TimeoutError, Exception):
            async with ceil_timeout(self._lingering_time):
                while not payload.is_eof():
                    await payload.readany()
        return payload.is_eof()

    @staticmethod
    def _refused_body(request: BaseRequest, message: RawRequestMessage) -> bool:
        """Whether the body is one we must not read.

        That is a body over the request's size limit, and one whose client
        waits for a ``100 Continue`` that was never sent.
        """
        expect = message.headers.get(hdrs.EXPECT)
        if (
            expect is not None
            and expect.lower() == _CONTINUE
            and not request._continue_sent
        ):
            return True
        return request._declared_too_large() is not None

    # -- errors --------------------------------------------------------------------

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> StreamResponse:
        """Build the response for a failure (and log server errors)."""
        if status == 500:
            self.logger.error("Error handling request", exc_info=exc)
        reason = RESPONSES.get(status, ("Error", ""))[0]
        text = message or (_SERVER_ERROR_TEXT if status == 500 else reason)
        if self._debug and exc is not None:
            details = "".join(traceback.format_exception(exc))
            text = f"{text}\n\n{details}"
        accept = request.headers.get(hdrs.ACCEPT, "")
        if "text/html" in accept:
            body = f"<html><head><title>{status} {reason}</title></head><body>"
            body += f"<h1>{status} {reason}</h1><pre>{escape(text)}</pre></body></html>"
            return Response(status=status, text=body, content_type="text/html")
        return Response(status=status, text=f"{status} {reason}\n\n{text}")

    async def _answer_bad_request(self, error: HttpProcessingError) -> None:
        """Send the status a malformed head's error carries, then close."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        status = error.code if 400 <= error.code < 600 else 400
        reason = RESPONSES.get(status, ("Bad Request", ""))[0]
        detail = error.message.splitlines()[0] if error.message else reason
        body = f"{status} {reason}\n\n{detail}\n".encode("utf-8", "replace")
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        self.logger.debug("Bad request: %s", error)
        transport.write(head.encode("ascii") + body)

    # -- timers and closing ----------------------------------------------------------

    def _set_deadline(self, wait: _Wait, timeout: float) -> None:
        """Arm the one timer: ``wait`` ends the connection after ``timeout``.

        A handle already scheduled earlier is kept and re-armed when it
        fires, so serving a request costs no timer churn.
        """
        self._wait = wait
        self._deadline = deadline = self._loop.time() + timeout
        handle = self._deadline_handle
        if handle is None or handle.when() > deadline:
            if handle is not None:
                handle.cancel()
            self._deadline_handle = self._loop.call_at(deadline, self._on_deadline)

    def _on_deadline(self) -> None:
        self._deadline_handle = None
        wait = self._wait
        if wait is _Wait.NONE or self.transport is None:
            return
        if self._loop.time() < self._deadline:
            self._deadline_handle = self._loop.call_at(
                self._deadline, self._on_deadline
            )
            return
        self._wait = _Wait.NONE
        if wait is _Wait.HEAD:
            self._enqueue(
                HttpProcessingError(code=408, message="Request header timeout")
            )
        else:
            self._close_transport()

    def _linger(self) -> None:
        """Half-close after a refusal; drop what the client still sends."""
        transport = self.transport
        if transport is None:
            return
        self._discarding = True
        self.resume_reading()
        if transport.can_write_eof():
            transport.write_eof()
            self._loop.call_later(self._lingering_time, self._close_transport)
        else:
            self._close_transport()

    def _close_transport(self) -> None:
        transport = self.transport
        if transport is not None:
            transport.close()
