"""``ClientWebSocketResponse``: the message API against our own server.

The client reference's ClientWebSocketResponse section: send and receive of
text, bytes and JSON, ping/pong, the closing handshake in both directions,
async iteration, and the ``async with`` form of ``ws_connect``. The peer is
aiotide-web's ``WebSocketResponse`` (behind the ``aiohttp_client`` fixture)
or, for a server that misbehaves, a raw one (``raw_server``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from client_harness import raw_server
from client_ws_helpers import (
    TIMEOUT,
    WAIT,
    answer_handshake,
    read_frame,
    server_frame,
    ws_app,
)

import aiohttp
from aiohttp import WSMsgType, web
from aiohttp.client_exceptions import WSMessageTypeError
from aiohttp.client_ws import ClientWebSocketResponse
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer


def is_closed(ws: ClientWebSocketResponse) -> bool:
    """``ws.closed``, out of the reach of mypy's narrowing."""
    return ws.closed


async def echo(ws: web.WebSocketResponse) -> None:
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            await ws.send_str(msg.data)
        else:
            await ws.send_bytes(msg.data)


async def test_text_bytes_and_json_round_trip(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(ws_app(echo), timeout=TIMEOUT)
    async with client.ws_connect("/ws") as ws:
        assert isinstance(ws, ClientWebSocketResponse)
        await ws.send_str("hello")
        assert await ws.receive_str() == "hello"
        await ws.send_bytes(b"\x00\x01")
        assert await ws.receive_bytes() == b"\x00\x01"
        await ws.send_json({"a": [1, "b"]})
        assert await ws.receive_json() == {"a": [1, "b"]}
        await ws.send_frame(b"raw", WSMsgType.BINARY)
        msg = await ws.receive()
        assert (msg.type, msg.data) == (WSMsgType.BINARY, b"raw")
        await ws.send_json([1], dumps=lambda data: "[2]")
        assert await ws.receive_json(loads=lambda text: text) == "[2]"
        assert not ws.closed
        assert ws.close_code is None
        assert ws.exception() is None
    assert is_closed(ws)
    assert ws.close_code == 1000


async def test_ws_scheme_and_str_url(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(ws_app(echo))
    url = str(server.make_url("/ws").with_scheme("ws"))
    assert url.startswith("ws://")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        ws = await session.ws_connect(url)
        try:
            await ws.send_str("via ws://")
            assert await ws.receive_str() == "via ws://"
        finally:
            assert await ws.close() is True
        assert await ws.close() is False


async def test_send_type_errors(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(ws_app(echo), timeout=TIMEOUT)
    async with client.ws_connect("/ws") as ws:
        with pytest.raises(TypeError):
            await ws.send_str(b"bytes")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await ws.send_bytes("text")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await ws.send_json({}, dumps=lambda data: b"{}")  # type: ignore[arg-type,return-value]
        with pytest.raises(TypeError):
            await ws.send_json({1, 2})


async def test_receive_of_the_wrong_type(aiohttp_client: AiohttpClient) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.send_bytes(b"b")
        await ws.send_str("t")
        await ws.send_str("{not json")
        await ws.receive()

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect("/ws") as ws:
        with pytest.raises(WSMessageTypeError) as exc_info:
            await ws.receive_str()
        assert isinstance(exc_info.value, TypeError)
        assert aiohttp.WSMessageTypeError is WSMessageTypeError
        with pytest.raises(TypeError):
            await ws.receive_bytes()
        with pytest.raises(ValueError, match="Expecting property name"):
            await ws.receive_json()


async def test_async_iteration_stops_at_the_servers_close(
    aiohttp_client: AiohttpClient,
) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        for i in range(3):
            await ws.send_str(str(i))
        await ws.close(code=4000, message=b"done")

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect("/ws") as ws:
        got = [msg.data async for msg in ws]
        assert got == ["0", "1", "2"]
        assert ws.closed
        assert ws.close_code == 4000


async def test_get_extra_info_and_protocol(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(ws_app(echo), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws")
    assert ws.get_extra_info("peername")[:2] == ("127.0.0.1", client.port)
    assert ws.get_extra_info("nothing", "default") == "default"
    assert ws.protocol is None
    assert ws.compress == 0
    assert ws.client_notakeover is False
    await ws.close()
    # The connection is gone with the WebSocket.
    assert ws.get_extra_info("peername", "gone") == "gone"


# --- ping and pong ---------------------------------------------------------------------


async def test_autoping_answers_the_servers_ping(aiohttp_client: AiohttpClient) -> None:
    got: list[Any] = []

    async def body(ws: web.WebSocketResponse) -> None:
        await ws.ping(b"are you there")
        got.append(await ws.receive())
        await ws.send_str("done")
        await ws.receive()

    client = await aiohttp_client(ws_app(body, autoping=False), timeout=TIMEOUT)
    async with client.ws_connect("/ws") as ws:
        # The PING is answered inside receive(), never returned.
        assert await ws.receive_str() == "done"
    assert [(msg.type, msg.data) for msg in got] == [(WSMsgType.PONG, b"are you there")]


async def test_without_autoping_ping_and_pong_are_messages(
    aiohttp_client: AiohttpClient,
) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.ping(b"1")
        await ws.pong(b"2")
        async for msg in ws:
            await ws.send_str(f"{msg.type.name}:{msg.data!r}")

    client = await aiohttp_client(ws_app(body, autoping=False), timeout=TIMEOUT)
    async with client.ws_connect("/ws", autoping=False) as ws:
        msg = await ws.receive()
        assert (msg.type, msg.data) == (WSMsgType.PING, b"1")
        msg = await ws.receive()
        assert (msg.type, msg.data) == (WSMsgType.PONG, b"2")
        await ws.ping("é")
        assert await ws.receive_str() == f"PING:{'é'.encode()!r}"
        await ws.pong(b"p")
        assert await ws.receive_str() == "PONG:b'p'"


# --- the closing handshake -------------------------------------------------------------


async def test_client_close_reaches_the_server(aiohttp_client: AiohttpClient) -> None:
    seen: list[Any] = []

    async def body(ws: web.WebSocketResponse) -> None:
        msg = await ws.receive()
        seen.append((msg.type, msg.data, msg.extra))

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws")
    assert await ws.close(code=4001, message=b"bye") is True
    assert ws.closed
    assert ws.close_code == 1000  # the server's answer
    assert await ws.receive() == aiohttp.WSMessage(WSMsgType.CLOSED, None, None)
    await client.close()  # the server's handler has ended
    assert seen == [(WSMsgType.CLOSE, 4001, "bye")]


async def test_server_close_is_answered_by_autoclose(
    aiohttp_client: AiohttpClient,
) -> None:
    codes: list[int | None] = []

    async def body(ws: web.WebSocketResponse) -> None:
        await ws.close(code=4002, message=b"server done")
        codes.append(ws.close_code)

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws")
    msg = await ws.receive()
    assert (msg.type, msg.data, msg.extra) == (
        WSMsgType.CLOSE,
        4002,
        "server done",
    )
    assert ws.closed
    assert ws.close_code == 4002
    assert (await ws.receive()).type is WSMsgType.CLOSED
    assert await ws.close() is False
    await client.close()  # the server's handler has ended
    assert codes == [1000]


async def test_without_autoclose_the_next_receive_answers(
    aiohttp_client: AiohttpClient,
) -> None:
    codes: list[int | None] = []

    async def body(ws: web.WebSocketResponse) -> None:
        await ws.close(code=4003)
        codes.append(ws.close_code)

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws", autoclose=False)
    msg = await ws.receive()
    assert (msg.type, msg.data) == (WSMsgType.CLOSE, 4003)
    assert not ws.closed
    assert (await ws.receive()).type is WSMsgType.CLOSED
    assert ws.close_code == 4003
    await client.close()  # the server's handler has ended
    assert codes == [1000]


async def test_without_autoclose_close_answers_with_its_code(
    aiohttp_client: AiohttpClient,
) -> None:
    codes: list[int | None] = []

    async def body(ws: web.WebSocketResponse) -> None:
        await ws.close(code=4004)
        codes.append(ws.close_code)

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws", autoclose=False)
    assert (await ws.receive()).type is WSMsgType.CLOSE
    assert await ws.close(code=4005) is True
    assert ws.close_code == 4004
    await client.close()  # the server's handler has ended
    assert codes == [4005]


async def test_close_from_another_task_ends_receive(
    aiohttp_client: AiohttpClient,
) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.receive()

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws")
    receiving = asyncio.ensure_future(ws.receive())
    await asyncio.sleep(0.05)
    assert await asyncio.wait_for(ws.close(), WAIT) is True
    msg = await asyncio.wait_for(receiving, WAIT)
    assert msg.type is WSMsgType.CLOSING
    assert ws.close_code == 1000


async def test_close_times_out_on_a_silent_server() -> None:
    async def silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await answer_handshake(reader, writer)
        frame = await read_frame(reader)
        assert frame.opcode == 0x8
        await reader.read()  # never answer; wait for the client to hang up

    async with (
        raw_server(silent) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        ws = await session.ws_connect(
            server.url, timeout=aiohttp.ClientWSTimeout(ws_close=0.1)
        )
        assert await asyncio.wait_for(ws.close(), WAIT) is True
        assert ws.close_code == 1006
        assert isinstance(ws.exception(), asyncio.TimeoutError)


async def test_the_server_vanishing_is_abnormal() -> None:
    connected = asyncio.Event()

    async def vanish(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await answer_handshake(reader, writer, extra=server_frame(0x1, b"last"))
        # Gone without a Close frame, once the client is set up.
        await asyncio.wait_for(connected.wait(), WAIT)

    async with (
        raw_server(vanish) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url) as ws,
    ):
        connected.set()
        assert await ws.receive_str() == "last"
        msg = await asyncio.wait_for(ws.receive(), WAIT)
        assert msg.type is WSMsgType.CLOSED
        assert ws.closed
        assert ws.close_code == 1006


async def test_protocol_error_fails_the_connection() -> None:
    frames: list[Any] = []

    async def rude(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A masked frame from a server is a protocol error (RFC 6455 5.1).
        await answer_handshake(
            reader, writer, extra=server_frame(0x1, b"ok") + b"\x81\x80abcd"
        )
        frames.append(await read_frame(reader))
        await reader.read()

    async with (
        raw_server(rude) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url) as ws,
    ):
        assert await ws.receive_str() == "ok"
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, aiohttp.WebSocketError)
        assert ws.close_code == 1002
        assert ws.exception() is msg.data
        for _ in range(500):
            if frames:
                break
            await asyncio.sleep(0.01)
    assert [(f.opcode, f.masked, f.close_code) for f in frames] == [(0x8, True, 1002)]


async def test_a_message_over_max_msg_size(aiohttp_client: AiohttpClient) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.send_bytes(b"x" * 100)
        await ws.receive()

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect("/ws", max_msg_size=50) as ws:
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


async def test_decode_text_false_gives_bytes(aiohttp_client: AiohttpClient) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.send_str('{"ü": 1}')
        await ws.receive()

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect("/ws", decode_text=False) as ws:
        msg = await ws.receive()
        assert msg.type is WSMsgType.TEXT
        assert msg.data == '{"ü": 1}'.encode()


async def test_the_connection_is_not_reused_after_the_websocket(
    aiohttp_client: AiohttpClient,
) -> None:
    peers: list[Any] = []

    async def body(ws: web.WebSocketResponse) -> None:
        await ws.receive()

    async def plain(request: web.Request) -> web.Response:
        peers.append(
            request.transport.get_extra_info("peername") if request.transport else None
        )
        return web.Response(text="ok")

    app = ws_app(body)
    app.router.add_get("/plain", plain)
    client = await aiohttp_client(app, timeout=TIMEOUT)
    async with client.get("/plain") as resp:
        assert await resp.text() == "ok"
    async with client.ws_connect("/ws") as ws:
        # The WebSocket took the pooled connection over.
        assert ws.get_extra_info("sockname") == peers[0]
    async with client.get("/plain") as resp:
        assert await resp.text() == "ok"
    assert peers[1] != peers[0]


# --- timeouts ------------------------------------------------------------------------


async def test_receive_timeout_from_client_ws_timeout(
    aiohttp_client: AiohttpClient,
) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.receive()

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect(
        "/ws", timeout=aiohttp.ClientWSTimeout(ws_receive=0.05)
    ) as ws:
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive()
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive_str(timeout=0.05)
        # Still usable.
        assert not ws.closed
        await ws.ping()


async def test_deprecated_float_timeouts(aiohttp_client: AiohttpClient) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await ws.receive()

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    with pytest.warns(DeprecationWarning, match="receive_timeout"):
        ws = await client.ws_connect("/ws", receive_timeout=0.05)
    async with ws:
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive()
    with pytest.warns(DeprecationWarning, match="ClientWSTimeout"):
        ws = await client.ws_connect("/ws", timeout=3.0)
    async with ws:
        assert ws._timeout == aiohttp.ClientWSTimeout(ws_close=3.0)


def test_client_ws_timeout() -> None:
    default = aiohttp.client_ws.DEFAULT_WS_CLIENT_TIMEOUT
    assert default == aiohttp.ClientWSTimeout(ws_receive=None, ws_close=10.0)
    assert aiohttp.ClientWSTimeout() == aiohttp.ClientWSTimeout(None, None)
    with pytest.raises(AttributeError):
        default.ws_close = 1.0  # type: ignore[misc]


async def test_sock_read_does_not_end_an_idle_websocket(
    aiohttp_client: AiohttpClient,
) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        await asyncio.sleep(0.3)
        await ws.send_str("late")
        await ws.receive()

    timeout = aiohttp.ClientTimeout(total=15, sock_read=0.1)
    client = await aiohttp_client(ws_app(body), timeout=timeout)
    async with client.ws_connect("/ws") as ws:
        assert await ws.receive_str() == "late"


# --- the heartbeat -----------------------------------------------------------------


async def test_heartbeat_detects_a_server_that_stopped_answering() -> None:
    frames: list[Any] = []

    async def silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await answer_handshake(reader, writer)
        frames.append(await read_frame(reader))
        await reader.read()

    async with (
        raw_server(silent) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url, heartbeat=0.1) as ws,
    ):
        msg = await asyncio.wait_for(ws.receive(), WAIT)
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, aiohttp.ServerTimeoutError)
        assert isinstance(msg.data, asyncio.TimeoutError)
        assert ws.closed
        assert ws.close_code == 1006
        assert ws.exception() is msg.data
        assert (await ws.receive()).type is WSMsgType.CLOSED
    assert [(f.opcode, f.masked) for f in frames] == [(0x9, True)]


async def test_heartbeat_without_a_reader_still_closes() -> None:
    async def silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await answer_handshake(reader, writer)
        await reader.read()

    async with (
        raw_server(silent) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url, heartbeat=0.1) as ws,
    ):
        for _ in range(500):
            if ws.closed:
                break
            await asyncio.sleep(0.01)
        assert ws.closed
        assert ws.close_code == 1006
        assert isinstance(ws.exception(), aiohttp.ServerTimeoutError)


async def test_heartbeat_keeps_an_answering_server(
    aiohttp_client: AiohttpClient,
) -> None:
    async def body(ws: web.WebSocketResponse) -> None:
        # The server answers PINGs while its receive() runs.
        receiving = asyncio.ensure_future(ws.receive())
        await asyncio.sleep(0.5)
        await ws.send_str("still here")
        await receiving

    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect("/ws", heartbeat=0.1) as ws:
        # Several heartbeats pass, each answered.
        assert await asyncio.wait_for(ws.receive_str(), WAIT) == "still here"
        assert not ws.closed
    assert ws.close_code == 1000


async def test_sending_after_close_is_a_client_connection_reset_error(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(ws_app(echo), timeout=TIMEOUT)
    ws = await client.ws_connect("/ws")
    await ws.close()
    for send in (ws.send_str("x"), ws.send_bytes(b"x"), ws.ping(), ws.pong()):
        with pytest.raises(aiohttp.ClientConnectionResetError):
            await send
    with pytest.raises(ConnectionResetError):
        await ws.send_json({})
