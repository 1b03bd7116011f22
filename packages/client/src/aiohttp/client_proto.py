"""The client side of one HTTP/1.x connection: bytes in, responses out.

``ResponseHandler`` is the asyncio protocol under every pooled connection.
It feeds the bytes it receives to an ``HttpResponseParser`` and queues each
response as ``(RawResponseMessage, StreamReader)`` for ``read()``; the
body's bytes go to that ``StreamReader`` as they arrive.

Errors met while reading are turned into the client's exceptions here, and
only here:

* the connection closes before a response head: ``ServerDisconnectedError``
  (``ClientOSError`` when it closed with an ``OSError``);
* it closes inside a body: the body fails with ``ClientPayloadError``
  ("Response payload is not completed: ...");
* a malformed head: ``read()`` raises an ``HttpProcessingError`` carrying
  the parser's status and message, which ``ClientResponse.start()`` turns
  into ``ClientResponseError`` (only it knows the request and the history);
  a malformed body fails the body with ``ClientPayloadError``;
* no byte within ``read_timeout`` (``sock_read``) while a response is
  awaited: ``SocketTimeoutError`` in the reader of the head or the body.

A connection may go back to the pool only while ``should_close`` is false:
nothing unread, nothing half-parsed, no error, no upgrade, and the server
did not ask to close it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import AbstractContextManager, suppress
from typing import Protocol

from ._sentinel import _SENTINEL, sentinel
from ._timers import calculate_timeout_when
from .base_protocol import _FLOW_CONTROL_ERRORS, BaseProtocol
from .client_exceptions import (
    ClientConnectionError,
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from .http_exceptions import HttpProcessingError
from .http_parser import HttpResponseParser, RawResponseMessage
from .streams import EMPTY_PAYLOAD, AsyncStreamIterator, EofStream, StreamReader
from .tcp_helpers import tcp_nodelay

__all__ = ("ResponseHandler",)

Response = tuple[RawResponseMessage, StreamReader]

#: Bytes kept for a parser that is not there yet (after an upgrade, before
#: ``set_parser()``) before reading pauses: a peer cannot fill our memory.
_TAIL_LIMIT = 2**17


class _Payload(Protocol):
    """What a body sink offers: a ``StreamReader``, or a WebSocket queue."""

    def is_eof(self) -> bool: ...

    def set_exception(
        self,
        exc: BaseException,
        exc_cause: BaseException | _SENTINEL | None = ...,
    ) -> None: ...


class _PayloadParser(Protocol):
    """A parser that takes over after an upgrade (``WebSocketReader``)."""

    def feed_data(self, data: bytes) -> tuple[bool, bytes]: ...

    def feed_eof(self) -> None: ...


class ResponseHandler(BaseProtocol):
    """The protocol of a client connection; a queue of the responses read.

    It offers ``DataQueue``'s reading interface (``read()``, ``feed_data()``,
    ``feed_eof()``, ``set_exception()``, ``exception()``, ``is_eof()``,
    ``at_eof()``, ``len()``, async iteration) itself: both classes keep
    their state in ``__slots__``, so they cannot be combined by inheritance.
    """

    __slots__ = (
        "_closed",
        "_connection_lost_called",
        "_eof",
        "_exception",
        "_last_data",
        "_messages",
        "_parser_settings",
        "_pause_scheduled",
        "_payload",
        "_payload_parser",
        "_read_timeout",
        "_read_timeout_handle",
        "_should_close",
        "_tail",
        "_timeout_ceil_threshold",
        "_transport_paused",
        "_upgraded",
        "_waiter",
    )

    # BaseProtocol's slot, narrowed: the parser of the awaited response.
    _parser: HttpResponseParser | None

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self._messages: deque[Response] = deque()
        self._eof = False
        self._exception: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._should_close = False
        self._upgraded = False
        self._parser: HttpResponseParser | None = None
        self._payload: _Payload | None = None
        self._payload_parser: _PayloadParser | None = None
        # What the parser was made for (see set_response_params).
        self._parser_settings: tuple[object, ...] = ()
        # Reading is paused at once; the transport a moment later (see
        # pause_reading).
        self._pause_scheduled = False
        self._transport_paused = False
        self._tail = b""
        self._read_timeout: float | None = None
        self._read_timeout_handle: asyncio.TimerHandle | None = None
        self._last_data = 0.0
        self._timeout_ceil_threshold: float = 5
        self._closed: asyncio.Future[None] | None = None
        self._connection_lost_called = False

    # -- state -----------------------------------------------------------------

    @property
    def upgraded(self) -> bool:
        """Whether the connection switched protocols (101, CONNECT tunnel)."""
        return self._upgraded

    @property
    def should_close(self) -> bool:
        """Whether the connection cannot carry another request.

        True once the server asked to close it, after an error or an
        upgrade, while a response or its body is unread or incomplete, and
        when the server sent bytes nobody asked for.
        """
        payload = self._payload
        parser = self._parser
        return bool(
            self._should_close
            or (payload is not None and not payload.is_eof())
            or self._upgraded
            or self._exception is not None
            or self._payload_parser is not None
            or self._messages
            or self._tail
            or (parser is not None and parser.head_pending)
        )

    @property
    def closed(self) -> asyncio.Future[None] | None:
        """A future done when the connection is lost.

        Created on first access; ``None`` if the connection was already lost
        before anybody asked (nobody can be waiting for it then). Its
        exception is a ``ClientConnectionError`` when the loss was an error.
        """
        if self._closed is None and not self._connection_lost_called:
            self._closed = self._loop.create_future()
        return self._closed

    def is_connected(self) -> bool:
        """Whether the transport is there and not closing."""
        transport = self.transport
        return transport is not None and not transport.is_closing()

    def force_close(self) -> None:
        """Make sure the connection is not reused once released."""
        self._should_close = True

    def close(self) -> None:
        """Close the transport (gracefully: a TLS transport says goodbye)."""
        transport = self.transport
        if transport is not None:
            transport.close()
            self._forget_transport()

    def abort(self) -> None:
        """Close the transport at once, dropping any buffered data."""
        transport = self.transport
        if transport is not None:
            transport.abort()
            self._forget_transport()

    def _forget_transport(self) -> None:
        # The body being read stays known: connection_lost() fails it.
        self.transport = None
        self._drop_timeout()

    # -- the response queue (DataQueue's interface) ------------------------------

    def __len__(self) -> int:
        return len(self._messages)

    def is_eof(self) -> bool:
        """Return True once the queue ended (EOF fed or an exception set)."""
        return self._eof

    def at_eof(self) -> bool:
        """Return True once the queue ended and every response was read."""
        return self._eof and not self._messages

    def exception(self) -> BaseException | None:
        """Return the exception that ended the queue, if any."""
        return self._exception

    def set_exception(
        self,
        exc: BaseException,
        exc_cause: BaseException | _SENTINEL | None = sentinel,
    ) -> None:
        """End the queue with ``exc``; the connection is not reusable after.

        Responses queued before are still read first. ``exc_cause``, when
        given, becomes ``exc.__cause__``.
        """
        self._should_close = True
        self._drop_timeout()
        if exc_cause is not sentinel and exc_cause is not exc:
            exc.__cause__ = exc_cause
        self._eof = True
        self._exception = exc
        self._wake_waiter()

    def feed_data(self, data: Response, size: int = 0) -> None:
        """Queue a response (``size`` is accepted for DataQueue's signature)."""
        self._messages.append(data)
        self._wake_waiter()

    def feed_eof(self) -> None:
        """End the queue: once the queued responses are read, ``EofStream``."""
        self._eof = True
        self._wake_waiter()

    async def read(self) -> Response:
        """Return the next response head and its body stream.

        Waits for one; raises the error that ended the connection (see the
        module's docstring) once the queued responses are read.
        """
        if not self._messages and not self._eof:
            if self._waiter is not None:
                raise RuntimeError(
                    "read() called while another coroutine is already "
                    "waiting for incoming data"
                )
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self._messages:
            return self._messages.popleft()
        if self._exception is not None:
            raise self._exception
        raise EofStream

    def __aiter__(self) -> AsyncStreamIterator[Response]:
        return AsyncStreamIterator(self.read)

    def _wake_waiter(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- configuration per request -----------------------------------------------

    def set_response_params(
        self,
        *,
        timer: AbstractContextManager[object] | None = None,
        skip_payload: bool = False,
        read_until_eof: bool = False,
        auto_decompress: bool = True,
        read_timeout: float | None = None,
        read_bufsize: int = 2**16,
        timeout_ceil_threshold: float = 5,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        method: str | None = None,
    ) -> None:
        """Prepare for the response to the request about to be sent.

        ``skip_payload`` is for HEAD (no body whatever the headers say);
        ``read_until_eof`` lets a response without a length run to the
        close; ``read_timeout`` is ``sock_read``; ``method`` (CONNECT) lets
        a 2xx answer switch the connection to a tunnel.
        """
        self._read_timeout = read_timeout
        self._timeout_ceil_threshold = timeout_ceil_threshold
        settings = (
            skip_payload,
            read_until_eof,
            auto_decompress,
            read_bufsize,
            max_line_size,
            max_field_size,
            max_headers,
            method,
        )
        parser = self._parser
        if (
            parser is not None
            and settings == self._parser_settings
            and parser.between_messages
        ):
            # A kept-alive connection's next response, read the same way:
            # the parser of the last one serves (only the timer changes).
            parser.timer = timer
        else:
            self._parser = HttpResponseParser(
                self,
                self._loop,
                read_bufsize,
                max_line_size=max_line_size,
                max_headers=max_headers,
                max_field_size=max_field_size,
                timer=timer,
                method=method,
                payload_exception=ClientPayloadError,
                response_with_body=not skip_payload,
                read_until_eof=read_until_eof,
                auto_decompress=auto_decompress,
            )
            self._parser_settings = settings
        if self._tail:
            self._feed_tail()

    def set_parser(self, parser: _PayloadParser, payload: _Payload) -> None:
        """Hand the connection over to ``parser`` (after a 101 upgrade).

        The bytes that came after the 101 head are fed to it at once;
        ``payload`` is where it puts what it reads (its queue).
        """
        self._payload = payload
        self._payload_parser = parser
        self._drop_timeout()
        self._feed_tail()

    def _feed_tail(self) -> None:
        if self._tail:
            data, self._tail = self._tail, b""
            if self._reading_paused:
                self.resume_reading()
            self.data_received(data)

    # -- the read timeout (sock_read) ---------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """Seconds without a byte before reading fails (``None``: forever)."""
        return self._read_timeout

    @read_timeout.setter
    def read_timeout(self, read_timeout: float | None) -> None:
        self._read_timeout = read_timeout

    def start_timeout(self) -> None:
        """Start waiting for the response: the request is sent."""
        if self._read_timeout:
            self._reschedule_timeout()
        elif self._read_timeout_handle is not None:
            self._drop_timeout()

    def _reschedule_timeout(self) -> None:
        # Re-armed lazily: a chunk only notes the time, and the timer, when it
        # fires, waits on if bytes came since. One timer per connection,
        # not one per chunk.
        timeout = self._read_timeout
        if not timeout:
            self._drop_timeout()
            return
        loop = self._loop
        self._last_data = loop.time()
        if self._read_timeout_handle is None:
            when = calculate_timeout_when(
                self._last_data, timeout, self._timeout_ceil_threshold
            )
            self._read_timeout_handle = loop.call_at(when, self._on_read_timeout)

    def _drop_timeout(self) -> None:
        handle = self._read_timeout_handle
        if handle is not None:
            handle.cancel()
            self._read_timeout_handle = None

    def _on_read_timeout(self) -> None:
        self._read_timeout_handle = None
        timeout = self._read_timeout
        if not timeout:
            return
        when = calculate_timeout_when(
            self._last_data, timeout, self._timeout_ceil_threshold
        )
        # A timer may run a clock tick early; bytes may have come meanwhile.
        if when - self._loop.time() > 0.001:
            self._read_timeout_handle = self._loop.call_at(when, self._on_read_timeout)
            return
        exc = SocketTimeoutError("Timeout on reading data from socket")
        self.set_exception(exc)
        payload = self._payload
        if payload is not None and not payload.is_eof():
            payload.set_exception(exc)

    def pause_reading(self) -> None:
        """Stop reading; the read timeout stops too (we are not waiting).

        The transport itself stops once the callbacks already due have run:
        a full body buffer asks for the pause from inside ``data_received``,
        and a reader that keeps up empties it right after, so pausing and
        resuming the transport every time would cost two system calls and a
        loop iteration per read for nothing. At most one more read (of the
        transport's read size) may arrive in between: one already due in the
        same loop iteration.
        """
        if self._reading_paused or self.transport is None:
            return
        self._reading_paused = True
        self._drop_timeout()
        if not self._pause_scheduled:
            self._pause_scheduled = True
            self._loop.call_soon(self._pause_transport)

    def _pause_transport(self) -> None:
        self._pause_scheduled = False
        transport = self.transport
        if self._reading_paused and not self._transport_paused and transport:
            with suppress(*_FLOW_CONTROL_ERRORS):
                transport.pause_reading()
            self._transport_paused = True

    def resume_reading(self, resume_parser: bool = True) -> None:
        """Read again, and time the peer again if a response is awaited."""
        if self._reading_paused and self.transport is not None:
            self._reading_paused = False
            if self._transport_paused:
                self._transport_paused = False
                with suppress(*_FLOW_CONTROL_ERRORS):
                    self.transport.resume_reading()
        payload = self._payload
        if self._read_timeout and (
            self._waiter is not None or (payload is not None and not payload.is_eof())
        ):
            self._reschedule_timeout()

    # -- asyncio.Protocol ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport; requests go out without Nagle's delay."""
        super().connection_made(transport)
        tcp_nodelay(transport, True)

    def data_received(self, data: bytes) -> None:
        """Parse ``data``: queue the heads, feed the bodies."""
        if self._read_timeout:
            self._reschedule_timeout()
        if not data:
            return
        payload_parser = self._payload_parser
        if payload_parser is not None:
            eof, tail = payload_parser.feed_data(data)
            if eof:
                self._payload = None
                self._payload_parser = None
                if tail:
                    self.data_received(tail)
            return
        parser = self._parser
        if self._upgraded or parser is None:
            # Bytes for a parser not set yet: the new protocol's after an
            # upgrade, or an early response before set_response_params().
            self._tail += data
            if len(self._tail) > _TAIL_LIMIT:
                self.pause_reading()
            return
        try:
            messages, upgraded, tail = parser.feed_data(data)
        except Exception as exc:  # any parser failure ends the stream
            self._fail_head(exc)
            return
        self._upgraded = upgraded
        if messages:
            self._deliver(messages)
        if parser.pending_error is not None:
            error, parser.pending_error = parser.pending_error, None
            self._fail_head(error)
        elif upgraded and tail:
            self._tail += tail

    def _deliver(self, messages: list[Response]) -> None:
        payload: StreamReader = EMPTY_PAYLOAD
        for response in messages:
            message, payload = response
            if message.should_close:
                self._should_close = True
            self._payload = payload
            self._messages.append(response)
        self._wake_waiter()
        # The read timer waits for the body; it stops once the body is complete.
        if payload.is_eof():
            self._payload = None
            if self._read_timeout_handle is not None:
                self._drop_timeout()
        else:
            payload.on_eof(self._body_complete)

    def _body_complete(self) -> None:
        # Forgotten once complete: nothing can fail it any more, and a clean
        # connection need not ask it again whether it is.
        payload = self._payload
        if payload is not None and payload.is_eof():
            self._payload = None
        self._drop_timeout()

    def _fail_head(self, exc: Exception) -> None:
        # The connection is unusable: nothing after a broken head can be
        # framed. ClientResponse.start() turns the error into
        # ClientResponseError (status and message kept).
        transport = self.transport
        if transport is not None:
            transport.close()
        if isinstance(exc, HttpProcessingError):
            error = HttpProcessingError(
                code=exc.code, message=exc.message, headers=exc.headers
            )
        else:
            error = HttpProcessingError(message=repr(exc))
        self.set_exception(error, exc)

    def connection_lost(self, exc: BaseException | None) -> None:
        """Fail what was waiting on the connection, as the module doc says."""
        self._connection_lost_called = True
        self._drop_timeout()
        clean = exc is None
        closed = self._closed
        if closed is not None and not closed.done():
            if clean:
                closed.set_result(None)
            else:
                lost = ClientConnectionError(f"Connection lost: {exc!s}")
                lost.__cause__ = exc
                closed.set_exception(lost)
                # Retrieved here: only the connector's close() awaits it.
                closed.exception()

        if self._payload_parser is not None:
            with suppress(Exception):
                self._payload_parser.feed_eof()
        else:
            self._finish_body(exc)

        reraised = exc
        if not self._eof:
            if clean:
                reraised = ServerDisconnectedError()
            elif isinstance(exc, OSError):
                reraised = ClientOSError(*exc.args)
            assert reraised is not None
            self.set_exception(reraised, sentinel if clean else exc)

        self._should_close = True
        self._parser = None
        self._payload = None
        self._payload_parser = None
        self._reading_paused = False
        self._transport_paused = False
        super().connection_lost(reraised)

    def _finish_body(self, exc: BaseException | None) -> None:
        """Let the parser end a body that runs to the close, or fail it."""
        parser = self._parser
        if parser is None:
            return
        payload = self._payload
        # The parser fails an incomplete body with the bare parser error;
        # it is wrapped below in aiohttp's words.
        parser.payload_exception = None
        try:
            parser.feed_eof()
        except HttpProcessingError:
            return
        if payload is None:
            return
        underlying = payload.exception() if isinstance(payload, StreamReader) else None
        if isinstance(underlying, HttpProcessingError):
            message = f"Response payload is not completed: {underlying!r}"
            if exc is not None:
                message = f"{message}. {exc!r}"
            payload.set_exception(ClientPayloadError(message), underlying)
