"""Client-side WebSockets (aiohttp.client_ws): ``ClientWebSocketResponse``.

``session.ws_connect(url)`` performs the opening handshake
(``_client_ws_connect``) and returns a ``ClientWebSocketResponse``: the
same message API as the server's ``WebSocketResponse`` (``send_*``,
``receive*``, ``ping``, ``pong``, ``close``, ``async for``), on the message
loop both ends share (``aiohttp._websocket.connection``). What is the
client's own: frames are masked (the writer ``ws_connect`` builds), a peer
that stops answering the heartbeat is reported with ``ServerTimeoutError``,
and ending the WebSocket closes the HTTP connection it was upgraded from
(it never returns to the pool).
"""

from __future__ import annotations

import asyncio
import dataclasses
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from ._websocket.connection import WebSocketConnection
from ._websocket.reader import WebSocketDataQueue
from ._websocket.writer import WebSocketWriter
from .client_exceptions import (
    ClientConnectionResetError,
    ClientError,
    ServerTimeoutError,
)

if TYPE_CHECKING:
    from .client_reqrep import ClientResponse

__all__ = ("DEFAULT_WS_CLIENT_TIMEOUT", "ClientWebSocketResponse", "ClientWSTimeout")


@dataclasses.dataclass(frozen=True)
class ClientWSTimeout:
    """The WebSocket client's timeouts, in seconds (None: no limit).

    ``ws_receive`` is the default timeout of ``receive()``; ``ws_close``
    how long ``close()`` waits for the server's Close frame.
    """

    ws_receive: float | None = None
    ws_close: float | None = None


#: ``ws_connect()``'s timeouts unless told otherwise.
DEFAULT_WS_CLIENT_TIMEOUT: Final = ClientWSTimeout(ws_receive=None, ws_close=10.0)


class ClientWebSocketResponse(WebSocketConnection):
    """The client side of a WebSocket, as ``ClientSession.ws_connect()`` opens it.

    Not made directly: ``ws_connect()`` builds it once the server accepted
    the handshake. ``closed`` is true once ``close()`` was called or the
    connection ended; ``close_code`` tells how it ended.
    """

    __slots__ = (
        "_client_notakeover",
        "_compress",
        "_protocol",
        "_response",
        "_timeout",
    )

    # A server that stops answering PINGs is a server timeout.
    _heartbeat_error = ServerTimeoutError
    # Sending once closed: aiohttp's client error (a ConnectionResetError).
    _reset_error = ClientConnectionResetError
    # The connection lost under us (ServerDisconnectedError and kin) ends
    # the WebSocket quietly, like the end of the stream.
    _lost_errors = (ClientError,)
    # Once the server's Close frame was read, the next receive() answers it.
    _answer_close_on_read = True

    def __init__(
        self,
        reader: WebSocketDataQueue,
        writer: WebSocketWriter,
        protocol: str | None,
        response: ClientResponse,
        timeout: ClientWSTimeout,
        autoclose: bool,
        autoping: bool,
        loop: asyncio.AbstractEventLoop,
        *,
        heartbeat: float | None = None,
        compress: int = 0,
        client_notakeover: bool = False,
    ) -> None:
        self._response = response
        self._protocol = protocol
        self._timeout = timeout
        self._compress = compress
        self._client_notakeover = client_notakeover
        super().__init__(
            reader,
            writer,
            loop=loop,
            close_timeout=timeout.ws_close,
            receive_timeout=timeout.ws_receive,
            autoclose=autoclose,
            autoping=autoping,
            heartbeat=heartbeat,
        )

    def _hang_up(self) -> None:
        # The upgraded connection can serve nothing else: close it.
        self._response.close()

    @property
    def protocol(self) -> str | None:
        """The subprotocol the server chose among ours, or None."""
        return self._protocol

    @property
    def compress(self) -> int:
        """The permessage-deflate window bits we compress with (0: none)."""
        return self._compress

    @property
    def client_notakeover(self) -> bool:
        """Whether our compressor is reset after every message."""
        return self._client_notakeover

    def get_extra_info(self, name: str, default: Any = None) -> Any:  # noqa: ANN401
        """The connection's transport information, or ``default`` once closed."""
        connection = self._response.connection
        if connection is None:
            return default
        transport = connection.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    def __aiter__(self) -> ClientWebSocketResponse:
        return self

    async def __aenter__(self) -> ClientWebSocketResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()
