"""``WebSocketConnection``: the message loop both ends share (RFC 6455 5.5, 7).

Two endpoints over a real socket on 127.0.0.1, each a plain ``BaseProtocol``
whose bytes go to a ``FrameFeed``: a WebSocket on both ends, or one of them
left raw, to write and read frames by hand (a peer that breaks the rules or
stops answering).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from aiohttp._websocket.connection import FrameFeed, WebSocketConnection
from aiohttp._websocket.models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMessageTypeError,
    WSMsgType,
)
from aiohttp._websocket.reader import FrameParser, WebSocketDataQueue, WebSocketReader
from aiohttp._websocket.writer import WebSocketWriter
from aiohttp.base_protocol import BaseProtocol

TIMEOUT = 10.0


class Endpoint(BaseProtocol):
    """One end of the socket: bytes to the feed once there is one, else kept."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.feed: FrameFeed | None = None
        self.raw = bytearray()
        self.got_data = asyncio.Event()
        self.lost: asyncio.Future[None] = loop.create_future()

    def data_received(self, data: bytes) -> None:
        feed = self.feed
        if feed is None:
            self.raw += data
            self.got_data.set()
            return
        failed, _ = feed.feed_data(data)
        if failed:
            self.feed = None

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        if self.feed is not None:
            self.feed.feed_eof()
        if not self.lost.done():
            self.lost.set_result(None)

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    async def frames(self, *, from_client: bool) -> list[Any]:
        """What has arrived so far, parsed (wait for at least one event)."""
        parser = FrameParser(is_server=from_client, max_msg_size=0)
        for _ in range(1000):
            events = parser.feed(bytes(self.raw))
            if events:
                self.raw.clear()
                return events
            parser = FrameParser(is_server=from_client, max_msg_size=0)
            self.got_data.clear()
            await asyncio.wait_for(self.got_data.wait(), TIMEOUT)
        raise AssertionError("no frame")

    async def closed_by_peer(self) -> bool:
        try:
            await asyncio.wait_for(asyncio.shield(self.lost), TIMEOUT)
        except asyncio.TimeoutError:
            return False
        return True


def open_ws(
    endpoint: Endpoint,
    *,
    client: bool,
    cls: type[WebSocketConnection] = WebSocketConnection,
    max_msg_size: int = 2**20,
    **kwargs: Any,
) -> WebSocketConnection:
    """A WebSocket over ``endpoint``: masking and expecting unmasked if ``client``."""
    loop = asyncio.get_running_loop()
    assert endpoint.transport is not None
    queue = WebSocketDataQueue(endpoint, 2**16, loop=loop)
    writer = WebSocketWriter(endpoint, endpoint.transport, use_mask=client)
    ws = cls(queue, writer, loop=loop, **kwargs)
    reader = WebSocketReader(queue, max_msg_size, is_server=not client)
    endpoint.feed = FrameFeed(reader, ws)
    if endpoint.raw:
        data = bytes(endpoint.raw)
        endpoint.raw.clear()
        endpoint.data_received(data)
    return ws


@contextlib.asynccontextmanager
async def socket_pair() -> AsyncIterator[tuple[Endpoint, Endpoint]]:
    """(server end, client end) of a fresh TCP connection on 127.0.0.1."""
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future[Endpoint] = loop.create_future()

    def factory() -> Endpoint:
        endpoint = Endpoint(loop)
        if not accepted.done():
            accepted.set_result(endpoint)
        return endpoint

    server = await loop.create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client: Endpoint | None = None
    try:
        _, client = await asyncio.wait_for(
            loop.create_connection(lambda: Endpoint(loop), "127.0.0.1", port),
            TIMEOUT,
        )
        served = await asyncio.wait_for(accepted, TIMEOUT)
        assert client is not None
        yield served, client
    finally:
        for end in (client, accepted.result() if accepted.done() else None):
            if end is not None and end.transport is not None:
                end.transport.close()
        for end in (client, accepted.result() if accepted.done() else None):
            if end is not None:
                await asyncio.wait_for(asyncio.shield(end.lost), TIMEOUT)
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)


def is_closed(ws: WebSocketConnection) -> bool:
    """``ws.closed``, out of the reach of mypy's narrowing."""
    return ws.closed


def masked_frame(opcode: int, payload: bytes = b"", *, fin: bool = True) -> bytes:
    """A client frame (masked with the zero key, which leaves the payload as is)."""
    assert len(payload) < 126
    return bytes(((0x80 if fin else 0) | opcode, 0x80 | len(payload))) + (
        b"\0\0\0\0" + payload
    )


def close_frame(code: int, reason: bytes = b"", *, masked: bool) -> bytes:
    payload = code.to_bytes(2, "big") + reason
    if masked:
        return masked_frame(0x8, payload)
    return bytes((0x88, len(payload))) + payload


# --- messages ------------------------------------------------------------------------


@pytest.mark.parametrize("client_sends", [True, False])
async def test_messages_both_ways(client_sends: bool) -> None:
    async with socket_pair() as (served, client):
        server_ws = open_ws(served, client=False)
        client_ws = open_ws(client, client=True)
        sender, receiver = (
            (client_ws, server_ws) if client_sends else (server_ws, client_ws)
        )
        await sender.send_str("text")
        await sender.send_bytes(bytearray(b"bytes"))
        await sender.send_json({"a": [1, 2]})
        await sender.send_frame(b"frame", WSMsgType.BINARY)
        await sender.send_json_bytes([1], dumps=lambda data: repr(data).encode())
        assert await receiver.receive_str() == "text"
        assert await receiver.receive_bytes() == b"bytes"
        assert await receiver.receive_json() == {"a": [1, 2]}
        msg = await receiver.receive()
        assert (msg.type, msg.data) == (WSMsgType.BINARY, b"frame")
        assert await receiver.receive_bytes() == b"[1]"
        closing = asyncio.ensure_future(sender.close())
        assert (await receiver.receive()).type is WSMsgType.CLOSE
        assert await asyncio.wait_for(closing, TIMEOUT) is True
        assert sender.close_code == receiver.close_code == 1000


async def test_send_type_checks() -> None:
    async with socket_pair() as (_, client):
        ws = open_ws(client, client=True)
        with pytest.raises(TypeError, match="must be str"):
            await ws.send_str(b"x")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="byte-ish"):
            await ws.send_bytes("x")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await ws.send_json({1}, dumps=lambda data: data)


async def test_receive_of_the_wrong_type_is_a_ws_message_type_error() -> None:
    async with socket_pair() as (served, client):
        server_ws = open_ws(served, client=False)
        client_ws = open_ws(client, client=True)
        await server_ws.send_bytes(b"b")
        await server_ws.send_str("t")
        await server_ws.send_str("not json")
        with pytest.raises(WSMessageTypeError, match="BINARY") as exc_info:
            await client_ws.receive_str()
        assert isinstance(exc_info.value, TypeError)
        with pytest.raises(WSMessageTypeError, match=r"is not WSMsgType\.BINARY"):
            await client_ws.receive_bytes()
        with pytest.raises(ValueError, match="Expecting value"):
            await client_ws.receive_json()


async def test_async_iteration_ends_at_the_close() -> None:
    async with socket_pair() as (served, client):
        server_ws = open_ws(served, client=False)
        client_ws = open_ws(client, client=True)
        for text in ("a", "b", "c"):
            await server_ws.send_str(text)
        closing = asyncio.ensure_future(server_ws.close(code=4000))
        got = [msg.data async for msg in client_ws]
        assert got == ["a", "b", "c"]
        assert await asyncio.wait_for(closing, TIMEOUT) is True
        assert client_ws.close_code == 4000
        assert server_ws.close_code == 1000


async def test_get_extra_info() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True)
        assert served.transport is not None
        assert ws.get_extra_info("peername") == served.transport.get_extra_info(
            "sockname"
        )
        assert ws.get_extra_info("no such thing", 42) == 42


# --- ping and pong -------------------------------------------------------------------


async def test_autoping_answers_and_swallows() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True)
        served.write(b"\x89\x04ping")  # PING "ping"
        served.write(b"\x8a\x00")  # an unsolicited PONG
        served.write(b"\x81\x02hi")
        assert await ws.receive_str() == "hi"
        events = await served.frames(from_client=True)
        assert events == [WSMessage(WSMsgType.PONG, b"ping", "")]
        await ws.ping("é")
        await ws.pong(b"p")
        events = await served.frames(from_client=True)
        if len(events) == 1:
            events += await served.frames(from_client=True)
        assert events == [
            WSMessage(WSMsgType.PING, "é".encode(), ""),
            WSMessage(WSMsgType.PONG, b"p", ""),
        ]


async def test_without_autoping_the_application_sees_ping_and_pong() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, autoping=False)
        served.write(b"\x89\x01x\x8a\x01y")
        assert await ws.receive() == WSMessage(WSMsgType.PING, b"x", "")
        assert await ws.receive() == WSMessage(WSMsgType.PONG, b"y", "")
        served.write(b"\x81\x00")
        assert await ws.receive_str() == ""
        # Nothing was answered.
        assert served.raw == b""


# --- the closing handshake -------------------------------------------------------------


async def test_we_close_and_the_peer_answers() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True)
        closing = asyncio.ensure_future(ws.close(code=4001, message="bye"))
        events = await served.frames(from_client=True)
        assert events == [WSMessage(WSMsgType.CLOSE, 4001, "bye")]
        assert ws.closed
        assert not closing.done()
        served.write(close_frame(1000, masked=False))
        assert await asyncio.wait_for(closing, TIMEOUT) is True
        assert ws.close_code == 1000
        assert ws.exception() is None
        assert await served.closed_by_peer()
        assert await ws.close() is False
        assert await ws.receive() is WS_CLOSED_MESSAGE


async def test_close_times_out_on_a_silent_peer() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(served, client=False, close_timeout=0.1)
        assert await asyncio.wait_for(ws.close(), TIMEOUT) is True
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ws.exception(), asyncio.TimeoutError)
        assert await client.closed_by_peer()


async def test_close_skips_data_until_the_peers_close() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(served, client=False)
        closing = asyncio.ensure_future(ws.close())
        await client.frames(from_client=False)
        client.write(masked_frame(0x1, b"late"))
        client.write(close_frame(4002, masked=True))
        assert await asyncio.wait_for(closing, TIMEOUT) is True
        assert ws.close_code == 4002


async def test_the_peer_closes_and_autoclose_answers() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(served, client=False)
        client.write(close_frame(4003, b"why", masked=True))
        assert await ws.receive() == WSMessage(WSMsgType.CLOSE, 4003, "why")
        assert ws.closed
        assert ws.close_code == 4003
        events = await client.frames(from_client=False)
        assert events == [WSMessage(WSMsgType.CLOSE, 1000, "")]
        assert await client.closed_by_peer()


async def test_without_autoclose_receive_says_closing() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(served, client=False, autoclose=False)
        client.write(close_frame(4004, masked=True))
        assert (await ws.receive()).type is WSMsgType.CLOSE
        assert not ws.closed
        assert await ws.receive() is WS_CLOSING_MESSAGE
        assert await ws.receive() is WS_CLOSING_MESSAGE
        assert await ws.close(code=4005) is True
        assert ws.close_code == 4004
        events = await client.frames(from_client=False)
        assert events == [WSMessage(WSMsgType.CLOSE, 4005, "")]


class AnsweringConnection(WebSocketConnection):
    __slots__ = ()
    _answer_close_on_read = True


async def test_answer_close_on_read() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, cls=AnsweringConnection, autoclose=False)
        served.write(close_frame(4006, masked=False))
        assert (await ws.receive()).type is WSMsgType.CLOSE
        assert not ws.closed
        # The next read answers the peer's Close frame itself.
        assert await ws.receive() is WS_CLOSED_MESSAGE
        assert is_closed(ws)
        assert ws.close_code == 4006
        events = await served.frames(from_client=True)
        assert events == [WSMessage(WSMsgType.CLOSE, 1000, "")]


async def test_close_from_another_task_interrupts_receive() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True)
        receiving = asyncio.ensure_future(ws.receive())
        await asyncio.sleep(0.01)
        closing = asyncio.ensure_future(ws.close(code=4007))
        events = await served.frames(from_client=True)
        assert events == [WSMessage(WSMsgType.CLOSE, 4007, "")]
        served.write(close_frame(1000, masked=False))
        assert await asyncio.wait_for(closing, TIMEOUT) is True
        assert await asyncio.wait_for(receiving, TIMEOUT) is WS_CLOSING_MESSAGE
        assert ws.close_code == 1000


async def test_concurrent_receive_is_refused() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True)
        first = asyncio.ensure_future(ws.receive())
        await asyncio.sleep(0.01)
        with pytest.raises(RuntimeError, match="Concurrent"):
            await ws.receive()
        served.write(b"\x81\x01x")
        assert (await asyncio.wait_for(first, TIMEOUT)).data == "x"


class LimitedConnection(WebSocketConnection):
    __slots__ = ()
    _closed_read_limit = 3


@pytest.mark.parametrize("cls", [WebSocketConnection, LimitedConnection])
async def test_reads_after_the_end(cls: type[WebSocketConnection]) -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(served, client=False, cls=cls)
        client.write(close_frame(1000, masked=True))
        assert (await ws.receive()).type is WSMsgType.CLOSE
        assert await ws.receive() is WS_CLOSED_MESSAGE
        assert await ws.receive() is WS_CLOSED_MESSAGE
        if cls is LimitedConnection:
            with pytest.raises(RuntimeError, match="closed"):
                await ws.receive()
        else:
            for _ in range(10):
                assert await ws.receive() is WS_CLOSED_MESSAGE


class CountingConnection(WebSocketConnection):
    __slots__ = ("hang_ups",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.hang_ups = 0
        super().__init__(*args, **kwargs)

    def _hang_up(self) -> None:
        self.hang_ups += 1
        super()._hang_up()


async def test_hang_up_is_the_hook() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, cls=CountingConnection)
        assert isinstance(ws, CountingConnection)
        served.write(close_frame(1000, masked=False))
        await ws.receive()
        assert ws.hang_ups >= 1
        assert await served.closed_by_peer()


# --- the end of the connection ---------------------------------------------------------


async def test_peer_vanishing_is_abnormal() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True)
        served.write(b"\x81\x04last")
        assert served.transport is not None
        served.transport.close()
        assert await ws.receive_str() == "last"
        assert await ws.receive() is WS_CLOSED_MESSAGE
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE


class LostError(Exception):
    pass


class LostAwareConnection(WebSocketConnection):
    __slots__ = ()
    _lost_errors = (LostError,)


@pytest.mark.parametrize(
    ("cls", "exc", "expected"),
    [
        (LostAwareConnection, LostError("gone"), WSMsgType.CLOSED),
        (WebSocketConnection, LostError("gone"), WSMsgType.ERROR),
        (WebSocketConnection, asyncio.TimeoutError(), WSMsgType.ERROR),
    ],
)
async def test_errors_set_on_the_queue(
    cls: type[WebSocketConnection], exc: BaseException, expected: WSMsgType
) -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, cls=cls)
        ws._queue.set_exception(exc)
        msg = await ws.receive()
        assert msg.type == expected
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        if expected == WSMsgType.ERROR:
            assert msg.data is exc
            assert ws.exception() is exc
        else:
            assert ws.exception() is None
        assert await served.closed_by_peer()


@pytest.mark.parametrize("client", [True, False])
async def test_protocol_error_fails_the_connection(client: bool) -> None:
    async with socket_pair() as (served, client_end):
        ours, peer = (client_end, served) if client else (served, client_end)
        ws = open_ws(ours, client=client)
        good = b"\x81\x02ok" if client else masked_frame(0x1, b"ok")
        peer.write(good + (b"\x83\x00" if client else masked_frame(0x3)))
        assert await peer.closed_by_peer()
        # Our Close frame, masked if we are the client.
        assert peer.raw[1] & 0x80 == (0x80 if client else 0)
        events = await peer.frames(from_client=client)
        assert events[0].type is WSMsgType.CLOSE
        assert events[0].data == WSCloseCode.PROTOCOL_ERROR
        assert await ws.receive_str() == "ok"
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, WebSocketError)
        assert ws.close_code == WSCloseCode.PROTOCOL_ERROR
        assert await ws.receive() is WS_CLOSED_MESSAGE


async def test_too_big_a_message_is_1009() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, max_msg_size=4)
        served.write(b"\x82\x05abcde")
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert ws.close_code == WSCloseCode.MESSAGE_TOO_BIG
        assert await served.closed_by_peer()


# --- timeouts and the heartbeat --------------------------------------------------------


async def test_receive_timeout_leaves_the_websocket_usable() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, receive_timeout=0.05)
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive()
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive_str(timeout=0.05)
        assert not ws.closed
        assert ws.close_code is None
        served.write(b"\x81\x01x")
        assert await ws.receive_str(timeout=5) == "x"


class DeadPeer(Exception):
    pass


class HeartbeatConnection(WebSocketConnection):
    __slots__ = ()
    _heartbeat_error = DeadPeer


async def test_heartbeat_gives_up_on_a_silent_peer() -> None:
    async with socket_pair() as (served, client):
        ws = open_ws(client, client=True, cls=HeartbeatConnection, heartbeat=0.1)
        events = await served.frames(from_client=True)
        assert events == [WSMessage(WSMsgType.PING, b"", "")]
        msg = await asyncio.wait_for(ws.receive(), TIMEOUT)
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, DeadPeer)
        assert "No PONG received after 0.05 seconds" in str(msg.data)
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert ws.exception() is msg.data
        assert await served.closed_by_peer()
        assert await ws.receive() is WS_CLOSED_MESSAGE


async def test_heartbeat_keeps_an_answering_peer() -> None:
    async with socket_pair() as (served, client):
        server_ws = open_ws(served, client=False)
        client_ws = open_ws(client, client=True, heartbeat=0.05)
        # The server's receive() answers the pings; several heartbeats pass.
        receiving = asyncio.ensure_future(server_ws.receive_str())
        await asyncio.sleep(0.4)
        assert not client_ws.closed
        await client_ws.send_str("alive")
        assert await asyncio.wait_for(receiving, TIMEOUT) == "alive"
        closing = asyncio.ensure_future(client_ws.close())
        assert (await server_ws.receive()).type is WSMsgType.CLOSE
        await asyncio.wait_for(closing, TIMEOUT)
        assert client_ws.close_code == 1000


async def test_heartbeat_stops_after_close() -> None:
    async with socket_pair() as (served, client):
        server_ws = open_ws(served, client=False)
        client_ws = open_ws(client, client=True, heartbeat=0.05)
        closing = asyncio.ensure_future(client_ws.close())
        assert (await server_ws.receive()).type is WSMsgType.CLOSE
        await asyncio.wait_for(closing, TIMEOUT)
        assert client_ws._heartbeat_cb is None
        assert client_ws._pong_response_cb is None
        assert client_ws._ping_task is None


class ResetError(ConnectionResetError):
    pass


class ResetConnection(WebSocketConnection):
    __slots__ = ()
    _reset_error = ResetError


@pytest.mark.parametrize(
    ("cls", "expected"),
    [(WebSocketConnection, ConnectionResetError), (ResetConnection, ResetError)],
)
async def test_sending_after_close(
    cls: type[WebSocketConnection], expected: type[BaseException]
) -> None:
    async with socket_pair() as (_, client):
        ws = open_ws(client, client=True, cls=cls, close_timeout=0.01)
        await ws.close()
        for send in (ws.send_str("x"), ws.send_bytes(b"x"), ws.ping(), ws.pong()):
            with pytest.raises(expected) as exc_info:
                await send
            assert type(exc_info.value) is expected
