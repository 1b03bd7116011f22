"""Server-side WebSockets (aiohttp.web_ws): ``WebSocketResponse``.

A handler makes a ``WebSocketResponse``, calls ``await ws.prepare(request)``
(the opening handshake: the request is checked, a subprotocol and
permessage-deflate are negotiated, ``101 Switching Protocols`` goes out) and
then talks to the peer with ``send_*`` and ``receive*`` or ``async for``.

The message loop after the 101 (receive, the ping/pong game, the heartbeat,
the closing handshake) is aiotide-websocket's ``WebSocketConnection``, which
the client shares; this module adds what only the server has: the
handshake, the response's place in the request's life (``prepare``,
``write_eof``), and the transport as what is hung up. RFC 6455 section
7.1.1 wants the server to close the TCP connection first, so the transport
is always closed here, never left to the client.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any, Final, NamedTuple

from ._web_ws_handshake import negotiate
from ._websocket.connection import FrameFeed, WebSocketConnection
from ._websocket.models import (
    WS_CLOSED_MESSAGE as WS_CLOSED_MESSAGE,
)
from ._websocket.models import (
    WS_CLOSING_MESSAGE as WS_CLOSING_MESSAGE,
)
from ._websocket.models import (
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from ._websocket.reader import WebSocketDataQueue, WebSocketReader
from ._websocket.writer import WebSocketWriter
from .abc import AbstractStreamWriter
from .helpers import DEFAULT_CHUNK_SIZE
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


class WebSocketReady(NamedTuple):
    """What ``can_prepare()`` found: true when the handshake would succeed.

    ``protocol`` is the subprotocol that would be chosen, or None.
    """

    ok: bool
    protocol: str | None

    def __bool__(self) -> bool:
        return self.ok


class _ServerWebSocket(WebSocketConnection):
    """The shared message loop, as the server runs it."""

    __slots__ = ()

    _closed_read_limit = THRESHOLD_CONNLOST_ACCESS


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
        self._compress: bool | int = compress
        self._max_msg_size = max_msg_size
        self._writer_limit = writer_limit
        self._decode_text = decode_text
        self._ws_protocol: str | None = None
        # The message loop, from prepare() on.
        self._ws: _ServerWebSocket | None = None

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
        if self._ws is not None:
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
        self._ws_protocol = protocol
        connection = request.protocol
        queue = WebSocketDataQueue(connection, _READER_LIMIT, loop=loop)
        payload_writer = self._payload_writer
        assert payload_writer is not None
        ws = self._ws = _ServerWebSocket(
            queue,
            writer,
            loop=loop,
            close_timeout=self._timeout,
            receive_timeout=self._receive_timeout,
            autoclose=self._autoclose,
            autoping=self._autoping,
            heartbeat=self._heartbeat,
            drain=payload_writer.drain,
        )
        reader = WebSocketReader(
            queue,
            self._max_msg_size,
            compress=bool(self._compress),
            decode_text=self._decode_text,
        )
        # Everything is in place before set_parser(): it feeds the bytes that
        # came with the handshake at once, and those may already fail.
        connection.set_parser(FrameFeed(reader, ws))
        connection.keep_alive(False)

    def _started(self) -> _ServerWebSocket:
        ws = self._ws
        if ws is None:
            raise RuntimeError("Call .prepare() first")
        return ws

    # --- state ----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether our Close frame was sent (or the connection was lost)."""
        ws = self._ws
        return ws is not None and ws.closed

    @property
    def close_code(self) -> int | None:
        """The close code: the peer's, or why the connection ended; None while open."""
        ws = self._ws
        return None if ws is None else ws.close_code

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
        ws = self._ws
        return None if ws is None else ws.exception()

    def get_extra_info(self, name: str, default: Any = None) -> Any:  # noqa: ANN401
        """Transport information (``peername``, ``sslcontext``...), or ``default``."""
        ws = self._ws
        if ws is None:
            return default
        return ws.get_extra_info(name, default)

    # --- sending --------------------------------------------------------------

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a PING carrying at most 125 bytes (a str is sent as UTF-8)."""
        await self._started().ping(message)

    async def pong(self, message: bytes | str = b"") -> None:
        """Send an unsolicited PONG carrying at most 125 bytes."""
        await self._started().pong(message)

    async def send_frame(
        self, message: bytes, opcode: WSMsgType | int, compress: int | None = None
    ) -> None:
        """Send ``message`` as one message of type ``opcode``.

        ``compress`` overrides the negotiated deflate window for this
        message (0: uncompressed).
        """
        await self._started().send_frame(message, opcode, compress)

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a TEXT message. ``TypeError`` unless ``data`` is a str."""
        await self._started().send_str(data, compress)

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | None = None
    ) -> None:
        """Send a BINARY message. ``TypeError`` unless ``data`` is bytes-like."""
        await self._started().send_bytes(data, compress)

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
        ws = self._started()
        if not await ws.close():
            # Another task may be in the middle of the closing handshake:
            # the connection must outlive it.
            await ws._closing_done()
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
        return await self._started()._close_ws(code, message, drain=drain)

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
        return await self._started().receive(timeout)

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """``receive()`` a TEXT message's data; ``WSMessageTypeError`` otherwise.

        ``WSMessageTypeError`` is a ``TypeError``.
        """
        return await self._started().receive_str(timeout=timeout)

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """``receive()`` a BINARY message's data; ``WSMessageTypeError`` otherwise."""
        return await self._started().receive_bytes(timeout=timeout)

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
