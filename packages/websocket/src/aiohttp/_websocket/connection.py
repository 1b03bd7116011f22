"""The WebSocket message loop both ends share (RFC 6455 sections 5.5 and 7).

After the opening handshake a WebSocket is the same thing on either side:
a queue of received messages (fed by a ``WebSocketReader``), a
``WebSocketWriter``, the closing handshake, the heartbeat and the
ping/pong game. ``WebSocketConnection`` holds all of that; the server's
``WebSocketResponse`` wraps one and the client's
``ClientWebSocketResponse`` is one. What differs between the two ends is
small and stated as hooks: how to hang up (``_hang_up``: the server closes
the transport, the client closes its HTTP connection), which exception a
dead peer is reported with (``_heartbeat_error``), what sending on a closed
connection raises (``_reset_error``), which errors set on the queue mean
the connection was merely lost (``_lost_errors``), and what ``receive()``
answers once the connection is over (``_closed_read_limit``,
``_answer_close_on_read``). Masking lives in the writer, which each end
builds for itself.

The life of a connection, as the two flags ``closed`` (we sent our Close
frame, or gave up on the connection) and ``_closing`` (the peer's Close
frame arrived) record it::

    OPEN ── close() ──▶ closed ── peer's Close, or ``close_timeout`` s ──▶ hang up
      ├─ peer's Close ─▶ _closing ── close() (autoclose: at once) ──▶ hang up
      ├─ protocol error ─▶ Close frame with 1002/1007/1009, hang up
      ├─ heartbeat unanswered ─▶ hang up, close_code 1006
      └─ peer vanished (EOF) ─▶ close_code 1006

Only one task may ``receive()`` at a time; ``close()`` may come from any
task, and a ``receive()`` in progress then returns ``WS_CLOSING_MESSAGE``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Final, cast

from aiohttp._timers import ceil_timeout
from aiohttp.streams import EofStream
from aiohttp.typedefs import JSONBytesEncoder, JSONDecoder, JSONEncoder

from .models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMessageTypeError,
    WSMsgType,
)
from .reader import WebSocketDataQueue, WebSocketReader
from .writer import WebSocketWriter

__all__ = ("FrameFeed", "WebSocketConnection")

# A Close frame's reason must fit in a control frame with its 2-byte code.
_MAX_CLOSE_REASON: Final = 123
# Receive timeouts are honoured as given, never rounded up to a whole second.
_NO_CEILING: Final = float("inf")


def _close_payload(code: int, reason: str) -> bytes:
    """A Close frame's payload: the code, then at most 123 bytes of reason."""
    encoded = reason.encode("utf-8")[:_MAX_CLOSE_REASON]
    # Cutting may split a character: drop the partial one.
    encoded = encoded.decode("utf-8", "ignore").encode("utf-8")
    return code.to_bytes(2, "big") + encoded


class FrameFeed:
    """The upgraded connection's parser: a ``WebSocketReader``, watched.

    The HTTP protocol feeds it every byte after the 101. Every chunk proves
    the peer alive (the heartbeat's timer restarts), and a protocol error
    fails the connection at once, whether or not anyone is reading.
    """

    __slots__ = ("_reader", "_ws")

    def __init__(self, reader: WebSocketReader, ws: WebSocketConnection) -> None:
        self._reader = reader
        self._ws = ws

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        """Parse ``data``; ``(True, b"")`` once the stream has failed."""
        ws = self._ws
        if ws._heartbeat is not None:
            ws._peer_alive()
        failed, tail = self._reader.feed_data(data)
        if failed:
            ws._fail()
        return failed, tail

    def feed_eof(self) -> None:
        """The connection ended: so does the message queue."""
        self._reader.feed_eof()
        self._ws._cancel_heartbeat()


class WebSocketConnection:
    """An open WebSocket: receive, send, ping, close; either end.

    Args:
        queue: where the ``WebSocketReader`` puts the peer's messages.
        writer: sends our frames (masked on the client side).
        loop: the running event loop.
        close_timeout: seconds ``close()`` waits for the peer's Close frame;
            None waits as long as it takes.
        receive_timeout: default timeout of ``receive()``; None waits forever.
        autoclose: answer the peer's Close frame at once (else the
            application gets the CLOSE message and calls ``close()`` itself).
        autoping: answer PING with PONG and swallow PONG messages; when off
            the application receives both.
        heartbeat: send a PING every ``heartbeat`` seconds of silence and
            drop the connection (close code 1006) if nothing at all arrives
            within ``heartbeat / 2`` seconds after it.
        drain: awaited after our Close frame is written, when ``close()``
            is asked to drain.
    """

    #: What a peer that does not answer the heartbeat is reported with.
    _heartbeat_error: ClassVar[type[BaseException]] = asyncio.TimeoutError
    #: What sending on a closed connection raises (a ConnectionResetError).
    _reset_error: ClassVar[type[ConnectionResetError]] = ConnectionResetError
    #: Errors set on the queue that only say the connection went away: they
    #: end ``receive()`` like the end of the stream does.
    _lost_errors: ClassVar[tuple[type[BaseException], ...]] = ()
    #: ``receive()`` on a closed WebSocket raises ``RuntimeError`` on this
    #: many-th call (a loop that ignores CLOSED has a bug); 0: never.
    _closed_read_limit: ClassVar[int] = 0
    #: When the peer's Close frame was handed out and ours is not sent yet,
    #: ``receive()`` answers it (and returns CLOSED) instead of returning
    #: CLOSING.
    _answer_close_on_read: ClassVar[bool] = False

    __slots__ = (
        "_autoclose",
        "_autoping",
        "_close_code",
        "_close_done",
        "_close_timeout",
        "_close_wait",
        "_closed",
        "_closing",
        "_conn_lost",
        "_drain",
        "_draining",
        "_exception",
        "_heartbeat",
        "_heartbeat_cb",
        "_heartbeat_when",
        "_loop",
        "_ping_task",
        "_pong_heartbeat",
        "_pong_response_cb",
        "_queue",
        "_receive_timeout",
        "_waiting",
        "_writer",
    )

    def __init__(
        self,
        queue: WebSocketDataQueue,
        writer: WebSocketWriter,
        *,
        loop: asyncio.AbstractEventLoop,
        close_timeout: float | None = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        drain: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._queue = queue
        self._writer = writer
        self._loop = loop
        self._close_timeout = close_timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat = heartbeat
        self._pong_heartbeat = heartbeat / 2.0 if heartbeat is not None else 0.0
        self._drain = drain
        self._closed = False  # our Close frame is sent, or the connection failed
        self._closing = False  # the peer's Close frame has arrived
        # After a failure, what the queue still holds is handed out before
        # receive() starts answering CLOSED.
        self._draining = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._waiting = False  # a receive() is reading the queue
        self._close_wait: asyncio.Future[None] | None = None
        self._close_done: asyncio.Future[None] | None = None  # close() finished
        self._conn_lost = 0
        self._heartbeat_when = 0.0
        self._heartbeat_cb: asyncio.TimerHandle | None = None
        self._pong_response_cb: asyncio.TimerHandle | None = None
        self._ping_task: asyncio.Task[None] | None = None
        self._reset_heartbeat()

    # --- the hooks each end fills in -------------------------------------------

    def _hang_up(self) -> None:
        """End the underlying connection (by default: close the transport)."""
        self._writer.transport.close()

    # --- state ----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether our Close frame was sent (or the connection was lost)."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The close code: the peer's, or why the connection ended; None while open."""
        return self._close_code

    def exception(self) -> BaseException | None:
        """The error that ended the connection, if one did."""
        return self._exception

    def get_extra_info(self, name: str, default: Any = None) -> Any:  # noqa: ANN401
        """Transport information (``peername``, ``sslcontext``...), or ``default``."""
        return self._writer.transport.get_extra_info(name, default)

    # --- sending --------------------------------------------------------------

    async def _send(
        self, message: bytes, opcode: WSMsgType | int, compress: int | None = None
    ) -> None:
        try:
            await self._writer.send_frame(message, opcode, compress)
        except ConnectionResetError as exc:
            # Closed (or closing) under us: in this end's own words.
            reset_error = self._reset_error
            if reset_error is ConnectionResetError:
                raise
            raise reset_error(*exc.args) from exc

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a PING carrying at most 125 bytes (a str is sent as UTF-8)."""
        if isinstance(message, str):
            message = message.encode("utf-8")
        await self._send(message, WSMsgType.PING)

    async def pong(self, message: bytes | str = b"") -> None:
        """Send an unsolicited PONG carrying at most 125 bytes."""
        if isinstance(message, str):
            message = message.encode("utf-8")
        await self._send(message, WSMsgType.PONG)

    async def send_frame(
        self, message: bytes, opcode: WSMsgType | int, compress: int | None = None
    ) -> None:
        """Send ``message`` as one message of type ``opcode``.

        ``compress`` overrides the negotiated deflate window for this
        message (0: uncompressed).
        """
        await self._send(message, opcode, compress)

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a TEXT message. ``TypeError`` unless ``data`` is a str."""
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        await self._send(data.encode("utf-8"), WSMsgType.TEXT, compress)

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | None = None
    ) -> None:
        """Send a BINARY message. ``TypeError`` unless ``data`` is bytes-like."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        await self._send(bytes(data), WSMsgType.BINARY, compress)

    async def send_json(
        self,
        data: Any,  # noqa: ANN401 - anything ``dumps`` accepts
        compress: int | None = None,
        *,
        dumps: JSONEncoder = json.dumps,
    ) -> None:
        """Send ``dumps(data)`` as a TEXT message (``TypeError`` unless a str)."""
        await self.send_str(dumps(data), compress=compress)

    async def send_json_bytes(
        self,
        data: Any,  # noqa: ANN401 - anything ``dumps`` accepts
        compress: int | None = None,
        *,
        dumps: JSONBytesEncoder,
    ) -> None:
        """Send ``dumps(data)``, bytes (orjson, say), as a BINARY message."""
        await self.send_bytes(dumps(data), compress=compress)

    # --- closing --------------------------------------------------------------

    async def close(
        self, *, code: int = WSCloseCode.OK, message: bytes | str = b""
    ) -> bool:
        """Start (or finish) the closing handshake; return False if already done.

        Sends a Close frame with ``code`` and ``message`` (at most 123 bytes
        of UTF-8), waits up to the close timeout for the peer's Close frame
        unless it came already, then hangs up. It may be called from another
        task than the reader's: a ``receive()`` in progress then returns
        ``WS_CLOSING_MESSAGE``.
        """
        return await self._close_ws(code, message, drain=True)

    async def _close_ws(self, code: int, message: bytes | str, *, drain: bool) -> bool:
        if self._closed:
            return False
        self._closed = True
        done = self._close_done = self._loop.create_future()
        try:
            await self._close(code, message, drain)
        finally:
            done.set_result(None)
        return True

    async def _close(self, code: int, message: bytes | str, drain: bool) -> None:
        self._cancel_heartbeat()
        try:
            await self._writer.close(code, message)
            if drain and self._drain is not None:
                await self._drain()
        except asyncio.CancelledError:
            self._drop(WSCloseCode.ABNORMAL_CLOSURE)
            raise
        except Exception as exc:
            self._exception = exc
            self._drop(None if self._closing else WSCloseCode.ABNORMAL_CLOSURE)
            return

        if self._closing:
            # The peer closed first; our Close frame was the answer.
            self._drop(None)
            return
        if self._waiting:
            # A receive() holds the queue: make it return, then read the
            # peer's answer here.
            await self._interrupt_receive()
            if self._peer_has_closed():
                self._drop(None)
                return
        await self._wait_peer_close()

    async def _closing_done(self) -> None:
        """Wait until a ``close()`` in progress (in any task) has finished."""
        done = self._close_done
        if done is not None and not done.done():
            await asyncio.shield(done)

    async def _interrupt_receive(self) -> None:
        """Make the pending ``receive()`` return, and wait until it has."""
        waiter = self._close_wait = self._loop.create_future()
        self._queue.feed_data(WS_CLOSING_MESSAGE, 0)
        try:
            await waiter
        finally:
            self._close_wait = None

    def _peer_has_closed(self) -> bool:
        # A method, not the attribute: another task may have set it.
        return self._closing

    async def _wait_peer_close(self) -> None:
        """Read until the peer's Close frame, for ``close_timeout`` s at most."""
        queue = self._queue
        code: int | None = WSCloseCode.ABNORMAL_CLOSURE
        try:
            async with ceil_timeout(self._close_timeout, _NO_CEILING):
                while True:
                    # Data still in flight is dropped: we are closing.
                    msg = await queue.read()
                    if msg.type is WSMsgType.CLOSE:
                        self._closing = True
                        code = msg.data
                        break
        except asyncio.CancelledError:
            self._drop(WSCloseCode.ABNORMAL_CLOSURE)
            raise
        except asyncio.TimeoutError as exc:
            self._exception = exc
        except EofStream:
            pass
        except WebSocketError as exc:
            # The peer broke the protocol while we waited (_fail() acted).
            self._exception = exc
            code = exc.code
        except Exception as exc:
            if not isinstance(exc, self._lost_errors):
                self._exception = exc
        finally:
            self._draining = False
        self._drop(code)

    def _drop(self, code: int | None) -> None:
        """Hang up, recording ``code`` unless None."""
        if code is not None:
            self._close_code = code
        self._cancel_heartbeat()
        self._hang_up()

    def _fail(self) -> None:
        """The peer broke the protocol: send the error's close code, hang up.

        RFC 6455 section 7.1.7 ("Fail the WebSocket Connection"): a Close
        frame with 1002, 1007 or 1009, then nothing more is sent or read.
        The application still gets the messages that came before the
        error, then ``WSMsgType.ERROR``.
        """
        error = self._queue.exception()
        code = (
            error.code
            if isinstance(error, WebSocketError)
            else WSCloseCode.PROTOCOL_ERROR
        )
        writer = self._writer
        if not self._closed:
            self._closed = True
            self._draining = True
            self._close_code = code
            self._exception = error
            if not writer.transport.is_closing():
                # Written at once, from this callback: no coroutine to wait on.
                writer._write_frame(
                    _close_payload(code, str(error or "")),
                    WSMsgType.CLOSE,
                    fin=True,
                    rsv1=False,
                )
        # A close() waiting for the peer's Close frame gets the error itself.
        self._drop(None)

    def _abort(self, exc: BaseException) -> None:
        """Give up on a peer that stopped answering (close code 1006).

        No Close frame: the peer is not listening. A ``receive()`` gets an
        ERROR message carrying ``exc``.
        """
        if self._closed:
            return
        self._closed = True
        self._exception = exc
        self._queue.feed_data(WSMessage(WSMsgType.ERROR, exc, None), 0)
        self._draining = True
        self._drop(WSCloseCode.ABNORMAL_CLOSURE)

    # --- receiving ------------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:
        """Wait for the next message from the peer.

        PING and PONG are handled here when ``autoping`` is on, and the
        peer's Close frame is answered when ``autoclose`` is. After the
        connection ends: a CLOSE, ERROR or CLOSING message, then
        ``WS_CLOSED_MESSAGE``. ``asyncio.TimeoutError`` after ``timeout``
        (or the receive timeout) seconds; the WebSocket stays usable. Only
        one task may receive at a time.
        """
        queue = self._queue
        receive_timeout = timeout or self._receive_timeout
        while True:
            if self._waiting:
                raise RuntimeError("Concurrent call to receive() is not allowed")
            if not self._draining and (self._closed or self._closing):
                return await self._after_end()
            msg = await self._read(queue, receive_timeout)
            msg_type = msg.type
            if msg_type is WSMsgType.TEXT or msg_type is WSMsgType.BINARY:
                return msg
            if msg_type is WSMsgType.CLOSE:
                await self._peer_closed(msg)
            elif msg_type is WSMsgType.ERROR or msg_type is WSMsgType.CLOSED:
                # The connection is over: from now on receive() says CLOSED.
                self._draining = False
            elif msg_type is WSMsgType.CLOSING:
                # Put in the queue by close() from another task: let it
                # finish, so that close_code is known when this returns.
                await self._closing_done()
            elif self._autoping:
                if msg_type is WSMsgType.PING and not self._closed:
                    await self.pong(msg.data)
                continue
            return msg

    async def _after_end(self) -> WSMessage:
        """What ``receive()`` answers once the connection is over."""
        if not self._closed:
            # The peer's Close frame was handed out; ours is not sent yet.
            if not self._answer_close_on_read:
                return WS_CLOSING_MESSAGE
            await self._close_ws(WSCloseCode.OK, b"", drain=False)
            return WS_CLOSED_MESSAGE
        limit = self._closed_read_limit
        if limit:
            self._conn_lost += 1
            if self._conn_lost >= limit:
                raise RuntimeError("WebSocket connection is closed.")
        return WS_CLOSED_MESSAGE

    async def _read(
        self, queue: WebSocketDataQueue, timeout: float | None
    ) -> WSMessage:
        """The next queued message; the end of the stream as a message."""
        self._waiting = True
        try:
            if timeout:
                async with ceil_timeout(timeout, _NO_CEILING):
                    return cast(WSMessage, await queue.read())
            return cast(WSMessage, await queue.read())
        except EofStream:
            return self._lost()
        except WebSocketError as exc:
            # _fail() has sent the Close frame and hung up.
            return WSMessage(WSMsgType.ERROR, exc, None)
        except (asyncio.TimeoutError, asyncio.CancelledError) as exc:
            if exc is not queue.exception():
                raise
            # A timeout the connection itself failed with (a socket read
            # timeout, say) ends it; our own receive timeout does not.
            return self._failed(exc)
        except Exception as exc:
            lost = isinstance(exc, self._lost_errors)
            return self._lost() if lost else self._failed(exc)
        finally:
            self._waiting = False
            waiter = self._close_wait
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    def _lost(self) -> WSMessage:
        """The peer went away without a Close frame."""
        if not self._closing:
            self._closed = True
            self._drop(WSCloseCode.ABNORMAL_CLOSURE)
        return WS_CLOSED_MESSAGE

    def _failed(self, exc: BaseException) -> WSMessage:
        self._closed = True
        self._exception = exc
        self._drop(WSCloseCode.ABNORMAL_CLOSURE)
        return WSMessage(WSMsgType.ERROR, exc, None)

    async def _peer_closed(self, msg: WSMessage) -> None:
        """The peer's Close frame: record its code, answer it if autoclose."""
        self._draining = False
        self._closing = True
        self._close_code = msg.data
        self._cancel_heartbeat()
        if self._autoclose and not self._closed:
            # The peer is about to hang up: no point draining.
            await self._close_ws(WSCloseCode.OK, b"", drain=False)

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """``receive()`` a TEXT message's data; ``WSMessageTypeError`` otherwise."""
        msg = await self.receive(timeout)
        if msg.type is not WSMsgType.TEXT:
            raise WSMessageTypeError(
                f"Received message {msg.type.name}:{msg.data!r} is not WSMsgType.TEXT"
            )
        return cast(str, msg.data)

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """``receive()`` a BINARY message's data; ``WSMessageTypeError`` otherwise."""
        msg = await self.receive(timeout)
        if msg.type is not WSMsgType.BINARY:
            raise WSMessageTypeError(
                f"Received message {msg.type.name}:{msg.data!r} is not WSMsgType.BINARY"
            )
        return cast(bytes, msg.data)

    async def receive_json(
        self, *, loads: JSONDecoder = json.loads, timeout: float | None = None
    ) -> Any:  # noqa: ANN401 - whatever ``loads`` returns
        """``receive_str()`` and decode it with ``loads``."""
        data = await self.receive_str(timeout=timeout)
        return loads(data)

    def __aiter__(self) -> WebSocketConnection:
        return self

    async def __anext__(self) -> WSMessage:
        msg = await self.receive()
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            raise StopAsyncIteration
        return msg

    # --- heartbeat ------------------------------------------------------------

    def _reset_heartbeat(self) -> None:
        """Start the heartbeat's clock."""
        if self._heartbeat is None:
            return
        self._heartbeat_when = self._loop.time() + self._heartbeat
        if self._heartbeat_cb is None:
            self._heartbeat_cb = self._loop.call_at(
                self._heartbeat_when, self._send_heartbeat
            )

    def _peer_alive(self) -> None:
        """Bytes arrived: the peer is there; the next PING can wait.

        The timer is not moved on every chunk; ``_send_heartbeat`` sees the
        later deadline when it fires and sleeps again, so a busy connection
        costs no timer churn.
        """
        if self._closed or self._closing:
            return
        pong_cb = self._pong_response_cb
        if pong_cb is not None:
            pong_cb.cancel()
            self._pong_response_cb = None
        self._reset_heartbeat()

    def _send_heartbeat(self) -> None:
        self._heartbeat_cb = None
        if self._closed or self._closing:
            return
        loop = self._loop
        now = loop.time()
        if now < self._heartbeat_when:
            self._heartbeat_cb = loop.call_at(
                self._heartbeat_when, self._send_heartbeat
            )
            return
        if self._pong_response_cb is None:
            self._pong_response_cb = loop.call_at(
                now + self._pong_heartbeat, self._pong_not_received
            )
        task = loop.create_task(self._writer.send_frame(b"", WSMsgType.PING))
        self._ping_task = task
        task.add_done_callback(self._ping_done)

    def _ping_done(self, task: asyncio.Task[None]) -> None:
        if self._ping_task is task:
            self._ping_task = None
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._abort(exc)

    def _pong_not_received(self) -> None:
        self._pong_response_cb = None
        self._abort(
            self._heartbeat_error(
                f"No PONG received after {self._pong_heartbeat} seconds"
            )
        )

    def _cancel_heartbeat(self) -> None:
        for handle in (self._heartbeat_cb, self._pong_response_cb):
            if handle is not None:
                handle.cancel()
        self._heartbeat_cb = None
        self._pong_response_cb = None
        task = self._ping_task
        if task is not None:
            self._ping_task = None
            task.cancel()
