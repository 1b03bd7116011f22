"""Server-side WebSockets (aiohttp.web_ws): ``WebSocketResponse``.

A handler makes a ``WebSocketResponse``, calls ``await ws.prepare(request)``
(the opening handshake: the request is checked, a subprotocol and
permessage-deflate are negotiated, ``101 Switching Protocols`` goes out) and
then talks to the peer with ``send_*`` and ``receive*`` or ``async for``.
The frames themselves are aiotide-websocket's: after the 101 the
connection's bytes go to a ``WebSocketReader`` (through ``_FrameFeed``,
which watches them for the heartbeat and for protocol errors) and frames go
out through a ``WebSocketWriter``.

The life of a connection, as the two flags ``closed`` (we sent our Close
frame, or gave up on the connection) and ``_closing`` (the peer's Close
frame arrived) record it::

    OPEN ── close() ──▶ closed ── peer's Close, or ``timeout`` s ──▶ hang up
      ├─ peer's Close ─▶ _closing ── close() (autoclose: at once) ──▶ hang up
      ├─ protocol error ─▶ Close frame with 1002/1007/1009, hang up
      ├─ heartbeat unanswered ─▶ hang up, close_code 1006
      └─ peer vanished (EOF) ─▶ close_code 1006

RFC 6455 section 7.1.1 wants the server to close the TCP connection first,
so the transport is always closed here, never left to the client.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any, Final, NamedTuple, cast

from ._timers import ceil_timeout
from ._web_ws_handshake import negotiate
from ._websocket.models import (
    WS_CLOSED_MESSAGE as WS_CLOSED_MESSAGE,
)
from ._websocket.models import (
    WS_CLOSING_MESSAGE as WS_CLOSING_MESSAGE,
)
from ._websocket.models import (
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from ._websocket.reader import WebSocketDataQueue, WebSocketReader
from ._websocket.writer import WebSocketWriter
from .abc import AbstractStreamWriter
from .helpers import DEFAULT_CHUNK_SIZE
from .streams import EofStream
from .typedefs import JSONBytesEncoder, JSONDecoder, JSONEncoder
from .web_exceptions import HTTPException
from .web_request import BaseRequest
from .web_response import StreamResponse

__all__ = ("WebSocketReady", "WebSocketResponse", "WSMsgType")

#: ``receive()`` on a closed WebSocket returns ``WS_CLOSED_MESSAGE`` this many
#: times minus one, then raises: a handler looping on it has a bug.
THRESHOLD_CONNLOST_ACCESS: Final = 5

# How many bytes of received messages may wait for the handler before the
# connection stops reading (flow control of WebSocketDataQueue).
_READER_LIMIT: Final = 2**16
# A Close frame's reason must fit in a control frame with its 2-byte code.
_MAX_CLOSE_REASON: Final = 123
# Receive timeouts are honoured as given, never rounded up to a whole second.
_NO_CEILING: Final = float("inf")


class WebSocketReady(NamedTuple):
    """What ``can_prepare()`` found: true when the handshake would succeed.

    ``protocol`` is the subprotocol that would be chosen, or None.
    """

    ok: bool
    protocol: str | None

    def __bool__(self) -> bool:
        return self.ok


def _close_frame(code: int, reason: str) -> bytes:
    """An unmasked Close frame, as a server sends it (RFC 6455 5.5.1)."""
    encoded = reason.encode("utf-8")[:_MAX_CLOSE_REASON]
    # Cutting may split a character: drop the partial one.
    encoded = encoded.decode("utf-8", "ignore").encode("utf-8")
    payload = code.to_bytes(2, "big") + encoded
    return bytes((0x80 | WSMsgType.CLOSE, len(payload))) + payload


class _FrameFeed:
    """The upgraded connection's parser: a ``WebSocketReader``, watched.

    Every chunk of bytes proves the peer alive (the heartbeat's timer
    restarts), and a protocol error fails the connection at once, whether
    or not the handler is reading.
    """

    __slots__ = ("_reader", "_ws")

    def __init__(self, reader: WebSocketReader, ws: WebSocketResponse) -> None:
        self._reader = reader
        self._ws = ws

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        ws = self._ws
        if ws._heartbeat is not None:
            ws._peer_alive()
        failed, tail = self._reader.feed_data(data)
        if failed:
            ws._fail()
        return failed, tail

    def feed_eof(self) -> None:
        self._reader.feed_eof()
        self._ws._cancel_heartbeat()


class WebSocketResponse(StreamResponse):
    """The server side of a WebSocket (RFC 6455), made by a request handler.

    Args:
        timeout: seconds ``close()`` waits for the peer's Close frame.
        receive_timeout: default timeout of ``receive()``; None waits forever.
        autoclose: answer the peer's Close frame at once (else the handler
            gets the CLOSE message and calls ``close()`` itself).
        autoping: answer PING with PONG and swallow PONG messages; when off
            the handler receives both.
        heartbeat: send a PING every ``heartbeat`` seconds of silence and
            drop the connection (close code 1006) if nothing at all arrives
            within ``heartbeat / 2`` seconds after it.
        protocols: the subprotocols this handler speaks; the client's first
            offered one among them is chosen.
        compress: accept permessage-deflate when the client offers it.
        max_msg_size: the largest message accepted (bytes, after
            decompression); a larger one closes the connection with 1009.
            0 means no limit.
        writer_limit: bytes the transport may buffer before sends wait.
        decode_text: give TEXT messages as ``str``; False keeps them as
            validated UTF-8 ``bytes``.
    """

    _length_check = False  # no body framing after a 101

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        protocols: Iterable[str] = (),
        compress: bool = True,
        max_msg_size: int = 4 * 1024 * 1024,
        writer_limit: int = DEFAULT_CHUNK_SIZE,
        decode_text: bool = True,
    ) -> None:
        super().__init__(status=101)
        self._protocols = tuple(protocols)
        self._timeout = timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat = heartbeat
        self._pong_heartbeat = heartbeat / 2.0 if heartbeat is not None else 0.0
        self._compress: bool | int = compress
        self._max_msg_size = max_msg_size
        self._writer_limit = writer_limit
        self._decode_text = decode_text

        self._ws_protocol: str | None = None
        self._writer: WebSocketWriter | None = None
        self._reader: WebSocketDataQueue | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
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

    # --- the opening handshake ------------------------------------------------

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter:
        """Answer the opening handshake with 101 and start the WebSocket.

        Raises ``HTTPMethodNotAllowed`` for a method other than GET and
        ``HTTPBadRequest`` for a request that is not a valid WebSocket
        handshake (RFC 6455 section 4.2.1). Calling it again returns the
        same writer.
        """
        if self._payload_writer is not None:
            return self._payload_writer
        handshake = negotiate(request, self._protocols, compress=bool(self._compress))
        transport = request.transport
        if transport is None:
            raise ConnectionResetError("Connection lost before the WebSocket handshake")
        self.set_status(101)
        self.headers.update(handshake.headers)
        self.force_close()
        self._compress = handshake.compress
        writer = WebSocketWriter(
            request.protocol,
            transport,
            compress=handshake.compress,
            notakeover=handshake.notakeover,
            limit=self._writer_limit,
        )
        payload_writer = await super().prepare(request)
        assert payload_writer is not None
        self._post_start(request, handshake.protocol, writer)
        await payload_writer.drain()
        return payload_writer

    def can_prepare(self, request: BaseRequest) -> WebSocketReady:
        """Tell whether ``prepare(request)`` would succeed; never raises.

        Once this response is started it cannot start again: the answer is
        then ``WebSocketReady(False, None)``.
        """
        if self._writer is not None:
            return WebSocketReady(False, None)
        try:
            handshake = negotiate(
                request, self._protocols, compress=bool(self._compress), log=False
            )
        except HTTPException:
            return WebSocketReady(False, None)
        return WebSocketReady(True, handshake.protocol)

    def _post_start(
        self, request: BaseRequest, protocol: str | None, writer: WebSocketWriter
    ) -> None:
        """The 101 is out: hand the connection's bytes to the frame reader."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._ws_protocol = protocol
        self._writer = writer
        connection = request.protocol
        queue = WebSocketDataQueue(connection, _READER_LIMIT, loop=loop)
        self._reader = queue
        reader = WebSocketReader(
            queue,
            self._max_msg_size,
            compress=bool(self._compress),
            decode_text=self._decode_text,
        )
        self._reset_heartbeat()
        # Everything is in place before set_parser(): it feeds the bytes that
        # came with the handshake at once, and those may already fail.
        connection.set_parser(_FrameFeed(reader, self))
        connection.keep_alive(False)

    # --- state ----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether our Close frame was sent (or the connection was lost)."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The close code: the peer's, or why the connection ended; None while open."""
        return self._close_code

    @property
    def ws_protocol(self) -> str | None:
        """The subprotocol chosen by ``prepare()``, or None."""
        return self._ws_protocol

    @property
    def protocol(self) -> str | None:
        """The subprotocol chosen by ``prepare()``, or None (the 3.0 name)."""
        return self._ws_protocol

    @property
    def compress(self) -> int | bool:
        """The negotiated deflate window bits after ``prepare()`` (0: none).

        Before it, the constructor's ``compress`` argument.
        """
        return self._compress

    def exception(self) -> BaseException | None:
        """The error that ended the connection, if one did."""
        return self._exception

    def get_extra_info(self, name: str, default: Any = None) -> Any:  # noqa: ANN401
        """Transport information (``peername``, ``sslcontext``...), or ``default``."""
        writer = self._writer
        if writer is None:
            return default
        return writer.transport.get_extra_info(name, default)

    # --- sending --------------------------------------------------------------

    def _ready_writer(self) -> WebSocketWriter:
        writer = self._writer
        if writer is None:
            raise RuntimeError("Call .prepare() first")
        return writer

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a PING carrying at most 125 bytes (a str is sent as UTF-8)."""
        writer = self._ready_writer()
        if isinstance(message, str):
            message = message.encode("utf-8")
        await writer.send_frame(message, WSMsgType.PING)

    async def pong(self, message: bytes | str = b"") -> None:
        """Send an unsolicited PONG carrying at most 125 bytes."""
        writer = self._ready_writer()
        if isinstance(message, str):
            message = message.encode("utf-8")
        await writer.send_frame(message, WSMsgType.PONG)

    async def send_frame(
        self, message: bytes, opcode: WSMsgType | int, compress: int | None = None
    ) -> None:
        """Send ``message`` as one message of type ``opcode``.

        ``compress`` overrides the negotiated deflate window for this
        message (0: uncompressed).
        """
        writer = self._ready_writer()
        await writer.send_frame(message, opcode, compress)

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a TEXT message. ``TypeError`` unless ``data`` is a str."""
        writer = self._ready_writer()
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        await writer.send_frame(data.encode("utf-8"), WSMsgType.TEXT, compress)

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | None = None
    ) -> None:
        """Send a BINARY message. ``TypeError`` unless ``data`` is bytes-like."""
        writer = self._ready_writer()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        await writer.send_frame(bytes(data), WSMsgType.BINARY, compress)

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

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Refused: a WebSocket sends messages, not a body."""
        raise RuntimeError("Cannot call .write() for websocket")

    async def write_eof(self, data: bytes | bytearray | memoryview = b"") -> None:
        """End the response: the server calls it when the handler returns.

        Closes the WebSocket (``close()``) if the handler has not.
        """
        if self._eof_sent:
            return
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        if data:
            raise RuntimeError("Cannot call .write() for websocket")
        if not await self.close():
            # Another task may be in the middle of the closing handshake:
            # the connection must outlive it.
            await self._closing_done()
        self._eof_sent = True
        self._body_length = self._payload_writer.output_size

    # --- closing --------------------------------------------------------------

    async def close(
        self,
        *,
        code: int = WSCloseCode.OK,
        message: bytes | str = b"",
        drain: bool = True,
    ) -> bool:
        """Start (or finish) the closing handshake; return False if already done.

        Sends a Close frame with ``code`` and ``message`` (at most 123 bytes
        of UTF-8), waits up to ``timeout`` seconds for the peer's Close frame
        unless it came already, then closes the connection. It may be
        called from another task than the handler's: a ``receive()`` in
        progress then returns ``WS_CLOSING_MESSAGE``.
        """
        writer = self._ready_writer()
        if self._closed:
            return False
        self._closed = True
        assert self._loop is not None
        done = self._close_done = self._loop.create_future()
        try:
            await self._close(writer, code, message, drain)
        finally:
            done.set_result(None)
        return True

    async def _close(
        self, writer: WebSocketWriter, code: int, message: bytes | str, drain: bool
    ) -> None:
        self._cancel_heartbeat()
        try:
            await writer.close(code, message)
            payload_writer = self._payload_writer
            if drain and payload_writer is not None:
                await payload_writer.drain()
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
            # The handler's receive() holds the queue: make it return, then
            # read the peer's answer here.
            await self._interrupt_receive()
            if self._peer_has_closed():
                self._drop(None)
                return
        await self._wait_peer_close()

    async def _interrupt_receive(self) -> None:
        """Make the pending ``receive()`` return, and wait until it has."""
        reader = self._reader
        loop = self._loop
        assert reader is not None
        assert loop is not None
        waiter = self._close_wait = loop.create_future()
        reader.feed_data(WS_CLOSING_MESSAGE, 0)
        try:
            await waiter
        finally:
            self._close_wait = None

    def _peer_has_closed(self) -> bool:
        # A method, not the attribute: another task may have set it.
        return self._closing

    async def _wait_peer_close(self) -> None:
        """Read until the peer's Close frame, for ``timeout`` seconds at most."""
        reader = self._reader
        assert reader is not None
        code: int | None = WSCloseCode.ABNORMAL_CLOSURE
        try:
            async with ceil_timeout(self._timeout, _NO_CEILING):
                while True:
                    # Data still in flight is dropped: we are closing.
                    msg = await reader.read()
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
            self._exception = exc
        finally:
            self._draining = False
        self._drop(code)

    def _drop(self, code: int | None) -> None:
        """Close the transport, recording ``code`` unless None."""
        if code is not None:
            self._close_code = code
        self._cancel_heartbeat()
        writer = self._writer
        if writer is not None:
            writer.transport.close()

    def _fail(self) -> None:
        """The peer broke the protocol: send the error's close code, hang up.

        RFC 6455 section 7.1.7 ("Fail the WebSocket Connection"): a Close
        frame with 1002, 1007 or 1009, then nothing more is sent or read.
        The handler still gets the messages that came before the error,
        then ``WSMsgType.ERROR``.
        """
        reader = self._reader
        writer = self._writer
        assert reader is not None
        assert writer is not None
        error = reader.exception()
        code = (
            error.code
            if isinstance(error, WebSocketError)
            else WSCloseCode.PROTOCOL_ERROR
        )
        transport = writer.transport
        if not self._closed:
            self._closed = True
            self._draining = True
            self._close_code = code
            self._exception = error
            if not transport.is_closing():
                transport.write(_close_frame(code, str(error or "")))
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
        reader = self._reader
        if reader is not None:
            reader.feed_data(WSMessage(WSMsgType.ERROR, exc, None), 0)
            self._draining = True
        self._drop(WSCloseCode.ABNORMAL_CLOSURE)

    # --- receiving ------------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:
        """Wait for the next message from the peer.

        PING and PONG are handled here when ``autoping`` is on, and the
        peer's Close frame is answered when ``autoclose`` is. After the
        connection ends: a CLOSE, ERROR or CLOSING message, then
        ``WS_CLOSED_MESSAGE`` (and ``RuntimeError`` if a handler keeps
        asking). ``asyncio.TimeoutError`` after ``timeout`` (or the
        ``receive_timeout``) seconds; the WebSocket stays usable. Only one
        task may receive at a time.
        """
        reader = self._reader
        if reader is None:
            raise RuntimeError("Call .prepare() first")
        receive_timeout = timeout or self._receive_timeout
        while True:
            if self._waiting:
                raise RuntimeError("Concurrent call to receive() is not allowed")
            if not self._draining and (self._closed or self._closing):
                return self._after_end()
            msg = await self._read(reader, receive_timeout)
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

    async def _closing_done(self) -> None:
        done = self._close_done
        if done is not None and not done.done():
            await asyncio.shield(done)

    def _after_end(self) -> WSMessage:
        """What ``receive()`` answers once the connection is over."""
        if not self._closed:
            # The peer's Close frame was handed out; ours is not sent yet.
            return WS_CLOSING_MESSAGE
        self._conn_lost += 1
        if self._conn_lost >= THRESHOLD_CONNLOST_ACCESS:
            raise RuntimeError("WebSocket connection is closed.")
        return WS_CLOSED_MESSAGE

    async def _read(
        self, reader: WebSocketDataQueue, timeout: float | None
    ) -> WSMessage:
        """The next queued message; the end of the stream as a message."""
        self._waiting = True
        try:
            if timeout:
                async with ceil_timeout(timeout, _NO_CEILING):
                    return cast(WSMessage, await reader.read())
            return cast(WSMessage, await reader.read())
        except EofStream:
            # The peer went away without a Close frame.
            if not self._closing:
                self._closed = True
                self._drop(WSCloseCode.ABNORMAL_CLOSURE)
            return WS_CLOSED_MESSAGE
        except WebSocketError as exc:
            # _fail() has sent the Close frame and closed the transport.
            return WSMessage(WSMsgType.ERROR, exc, None)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            raise
        except Exception as exc:
            self._closed = True
            self._exception = exc
            self._drop(WSCloseCode.ABNORMAL_CLOSURE)
            return WSMessage(WSMsgType.ERROR, exc, None)
        finally:
            self._waiting = False
            waiter = self._close_wait
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    async def _peer_closed(self, msg: WSMessage) -> None:
        """The peer's Close frame: record its code, answer it if autoclose."""
        self._draining = False
        self._closing = True
        self._close_code = msg.data
        self._cancel_heartbeat()
        if self._autoclose and not self._closed:
            # The peer is about to hang up: no point draining.
            await self.close(drain=False)

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """``receive()`` a TEXT message's data; ``TypeError`` for any other."""
        msg = await self.receive(timeout)
        if msg.type is not WSMsgType.TEXT:
            raise TypeError(
                f"Received message {msg.type.name}:{msg.data!r} is not WSMsgType.TEXT"
            )
        return cast(str, msg.data)

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """``receive()`` a BINARY message's data; ``TypeError`` for any other."""
        msg = await self.receive(timeout)
        if msg.type is not WSMsgType.BINARY:
            raise TypeError(
                f"Received message {msg.type.name}:{msg.data!r} is not WSMsgType.BINARY"
            )
        return cast(bytes, msg.data)

    async def receive_json(
        self, *, loads: JSONDecoder = json.loads, timeout: float | None = None
    ) -> Any:  # noqa: ANN401 - whatever ``loads`` returns
        """``receive_str()`` and decode it with ``loads``."""
        data = await self.receive_str(timeout=timeout)
        return loads(data)

    def __aiter__(self) -> WebSocketResponse:
        return self

    async def __anext__(self) -> WSMessage:
        msg = await self.receive()
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            raise StopAsyncIteration
        return msg

    # --- heartbeat ------------------------------------------------------------

    def _reset_heartbeat(self) -> None:
        """Start the heartbeat's clock (at prepare())."""
        if self._heartbeat is None:
            return
        loop = self._loop
        assert loop is not None
        self._heartbeat_when = loop.time() + self._heartbeat
        if self._heartbeat_cb is None:
            self._heartbeat_cb = loop.call_at(
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
        writer = self._writer
        assert loop is not None
        assert writer is not None
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
        task = loop.create_task(writer.send_frame(b"", WSMsgType.PING))
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
            asyncio.TimeoutError(
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
