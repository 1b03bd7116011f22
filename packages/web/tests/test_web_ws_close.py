"""Closing a ``WebSocketResponse``: both handshakes, timeouts, the heartbeat.

RFC 6455 section 7: whoever closes first sends a Close frame and waits for
the other's; the server then closes the TCP connection. The peer is the
hand-written client of ``web_ws_raw_client``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from web_ws_raw_client import CLOSE, PING, PONG, TEXT, connect, serve_ws

from aiohttp.http_websocket import WS_CLOSED_MESSAGE, WSMessage, WSMsgType
from aiohttp.web_ws import WebSocketResponse


class Record:
    """What the handler saw, for the test to check after the connection."""

    def __init__(self) -> None:
        self.messages: list[tuple[WSMsgType, Any, Any]] = []
        self.values: dict[str, Any] = {}
        self.done = asyncio.Event()

    def add(self, msg: WSMessage) -> None:
        self.messages.append((msg.type, msg.data, msg.extra))


# --- the client closes first -----------------------------------------------------------


async def test_client_close_is_echoed_and_the_server_hangs_up() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        msg = await ws.receive()
        record.add(msg)
        record.values.update(closed=ws.closed, code=ws.close_code)
        record.add(await ws.receive())

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_close(1001, b"going away")
        got = await ws.read_frame()
        assert got.opcode == CLOSE
        assert got.close_code == 1000
        assert await ws.closed_by_server()
    assert record.messages == [
        (WSMsgType.CLOSE, 1001, "going away"),
        (WSMsgType.CLOSED, None, None),
    ]
    assert record.values == {"closed": True, "code": 1001}


async def test_client_close_without_a_code() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.add(await ws.receive())

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_close(None)
        assert (await ws.read_close()).close_code == 1000
        assert await ws.closed_by_server()
    assert record.messages == [(WSMsgType.CLOSE, 0, "")]


async def test_without_autoclose_the_handler_answers() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.add(await ws.receive())
        record.values["closed_before"] = ws.closed
        # Not answered yet: receive() says CLOSING.
        record.add(await ws.receive())
        record.values["close"] = await ws.close(code=4001, message="ok then")
        record.values["code"] = ws.close_code

    async with serve_ws(body, autoclose=False) as (_, port), connect(port) as ws:
        await ws.send_close(4000, b"please")
        got = await ws.read_frame()
        assert (got.close_code, got.close_reason) == (4001, "ok then")
        assert await ws.closed_by_server()
    assert record.messages == [
        (WSMsgType.CLOSE, 4000, "please"),
        (WSMsgType.CLOSING, None, None),
    ]
    assert record.values == {"closed_before": False, "close": True, "code": 4000}


async def test_client_hangs_up_without_a_close_frame() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.add(await ws.receive())
        record.values.update(closed=ws.closed, code=ws.close_code)

    async with serve_ws(body) as (server, port):
        async with connect(port) as ws:
            await ws.send_text("last words")
        for _ in range(500):
            if not server.connections:
                break
            await asyncio.sleep(0.01)
        assert server.connections == []
    # The text was read first; then the end.
    assert record.messages == [(WSMsgType.TEXT, "last words", "")]
    record.messages.clear()

    async def silent(ws: WebSocketResponse) -> None:
        record.add(await ws.receive())
        record.values.update(closed=ws.closed, code=ws.close_code)

    async with serve_ws(silent) as (_, port):
        async with connect(port):
            pass
        for _ in range(500):
            if record.messages:
                break
            await asyncio.sleep(0.01)
    assert record.messages == [(WSMsgType.CLOSED, None, None)]
    assert record.values == {"closed": True, "code": 1006}


# --- the server closes first -------------------------------------------------------------


async def test_server_close_waits_for_the_clients_answer() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.values["result"] = await ws.close(code=4002, message=b"done here")
        record.values.update(closed=ws.closed, code=ws.close_code)
        record.values["again"] = await ws.close()
        record.values["exception"] = ws.exception()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert (got.opcode, got.close_code, got.close_reason) == (
            CLOSE,
            4002,
            "done here",
        )
        # Still open until we answer: the server waits for our Close frame.
        assert not await ws.closed_by_server(timeout=0.2)
        await ws.send_close(1000, b"fine")
        assert await ws.closed_by_server()
    assert record.values == {
        "result": True,
        "closed": True,
        "code": 1000,
        "again": False,
        "exception": None,
    }


async def test_server_close_skips_data_until_the_clients_close() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        await ws.close()
        record.values["code"] = ws.close_code
        record.add(await ws.receive())

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.read_close()
        await ws.send_text("in flight")
        await ws.send_close(4005)
        assert await ws.closed_by_server()
    assert record.values == {"code": 4005}
    assert record.messages == [(WSMsgType.CLOSED, None, None)]


async def test_server_close_times_out_on_a_silent_client() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.values["result"] = await ws.close()
        record.values["code"] = ws.close_code
        record.values["exception"] = type(ws.exception())

    async with serve_ws(body, timeout=0.2) as (_, port), connect(port) as ws:
        assert (await ws.read_frame()).opcode == CLOSE
        # Never answered: the server gives up and hangs up.
        assert await ws.closed_by_server()
    assert record.values == {
        "result": True,
        "code": 1006,
        "exception": asyncio.TimeoutError,
    }


async def test_handler_returning_closes_the_websocket() -> None:
    async def body(ws: WebSocketResponse) -> None:
        await ws.send_str("bye")

    async with serve_ws(body) as (_, port), connect(port) as ws:
        assert (await ws.read_frame()).payload == b"bye"
        got = await ws.read_frame()
        assert (got.opcode, got.close_code) == (CLOSE, 1000)
        await ws.send_close()
        assert await ws.closed_by_server()


async def test_handler_returning_after_close() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        async for msg in ws:
            record.add(msg)
        record.values["closed"] = ws.closed

    async with serve_ws(body) as (server, port), connect(port) as ws:
        await ws.send_text("x")
        await ws.send_close()
        assert (await ws.read_close()).close_code == 1000
        # Exactly one Close frame, then the end.
        assert await ws.closed_by_server()
        for _ in range(500):
            if not server.connections:
                break
            await asyncio.sleep(0.01)
        assert server.connections == []
    assert record.messages == [(WSMsgType.TEXT, "x", "")]
    assert record.values == {"closed": True}


async def test_close_from_another_task_ends_the_receive_loop() -> None:
    record = Record()
    holder: list[WebSocketResponse] = []

    async def body(ws: WebSocketResponse) -> None:
        holder.append(ws)
        record.done.set()
        async for msg in ws:
            record.add(msg)
        record.values["after_loop"] = ws.closed

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await asyncio.wait_for(record.done.wait(), 5)
        await asyncio.sleep(0.05)  # let the handler wait in receive()
        closer = asyncio.ensure_future(holder[0].close(code=4003, message=b"kicked"))
        got = await ws.read_frame()
        assert (got.close_code, got.close_reason) == (4003, "kicked")
        await ws.send_close(1000)
        assert await asyncio.wait_for(closer, 5) is True
        assert await ws.closed_by_server()
    assert record.messages == []
    assert record.values == {"after_loop": True}
    assert holder[0].close_code == 1000


async def test_message_with_the_close_reason_as_str() -> None:
    async def body(ws: WebSocketResponse) -> None:
        await ws.close(code=4004, message="ünïcode")

    async with serve_ws(body, timeout=1.0) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert (got.close_code, got.close_reason) == (4004, "ünïcode")
        await ws.send_close()


async def test_send_after_close_fails() -> None:
    errors: list[type[BaseException]] = []

    async def body(ws: WebSocketResponse) -> None:
        await ws.close()
        for send in (ws.send_str("x"), ws.send_bytes(b"x"), ws.ping()):
            with pytest.raises(ConnectionResetError) as exc_info:
                await send
            errors.append(exc_info.type)

    async with serve_ws(body, timeout=1.0) as (_, port), connect(port) as ws:
        await ws.read_close()
        await ws.send_close()
        assert await ws.closed_by_server()
    assert errors == [ConnectionResetError] * 3


async def test_receive_after_the_end_then_runtime_error() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.add(await ws.receive())
        for _ in range(4):
            record.add(await ws.receive())
        with pytest.raises(RuntimeError, match="closed"):
            await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_close()
        await ws.read_close()
    assert record.messages[0][0] is WSMsgType.CLOSE
    assert record.messages[1:] == [tuple(WS_CLOSED_MESSAGE)] * 4


async def test_concurrent_receive_is_refused() -> None:
    errors: list[str] = []

    async def body(ws: WebSocketResponse) -> None:
        first = asyncio.ensure_future(ws.receive())
        await asyncio.sleep(0.01)
        try:
            await ws.receive()
        except RuntimeError as exc:
            errors.append(str(exc))
        msg = await first
        assert msg.data == "to the first"
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await asyncio.sleep(0.1)
        await ws.send_text("to the first")
        await ws.send_close()
        await ws.read_close()
    assert len(errors) == 1
    assert "Concurrent" in errors[0]


# --- receive timeouts --------------------------------------------------------------------


async def test_receive_timeout_argument() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.05)
        record.values["closed"] = ws.closed
        record.done.set()
        # Still usable after the timeout.
        record.add(await ws.receive())
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await asyncio.wait_for(record.done.wait(), 5)
        await ws.send_text("later")
        await ws.send_close()
        await ws.read_close()
    assert record.values == {"closed": False}
    assert record.messages == [(WSMsgType.TEXT, "later", "")]


async def test_receive_timeout_option() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        for call in (
            ws.receive(),
            ws.receive_str(),
            ws.receive_bytes(),
            ws.receive_json(),
        ):
            with pytest.raises(asyncio.TimeoutError):
                await call
        record.done.set()
        # An explicit timeout wins over the option.
        record.add(await ws.receive(timeout=5))
        await ws.close()

    async with serve_ws(body, receive_timeout=0.05) as (_, port), connect(port) as ws:
        await asyncio.wait_for(record.done.wait(), 5)
        await asyncio.sleep(0.1)
        await ws.send_text("in time")
        await ws.read_close()
        await ws.send_close()
    assert record.messages == [(WSMsgType.TEXT, "in time", "")]


# --- heartbeat -------------------------------------------------------------------------


async def test_heartbeat_drops_a_silent_peer() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        record.add(await ws.receive())
        record.values.update(
            closed=ws.closed, code=ws.close_code, exception=type(ws.exception())
        )
        record.add(await ws.receive())

    async with serve_ws(body, heartbeat=0.2) as (server, port), connect(port) as ws:
        got = await ws.read_frame()
        assert got.opcode == PING
        # We never answer: the server hangs up, without a Close frame.
        assert await ws.closed_by_server()
        for _ in range(500):
            if not server.connections:
                break
            await asyncio.sleep(0.01)
        assert server.connections == []
    assert record.messages[0][0] is WSMsgType.ERROR
    assert isinstance(record.messages[0][1], asyncio.TimeoutError)
    assert record.messages[1] == tuple(WS_CLOSED_MESSAGE)
    assert record.values == {
        "closed": True,
        "code": 1006,
        "exception": asyncio.TimeoutError,
    }


async def test_heartbeat_drops_a_silent_peer_while_the_handler_sends() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        # Not reading at all: the heartbeat still watches the connection.
        for _ in range(500):
            if ws.closed:
                break
            await asyncio.sleep(0.01)
        record.values.update(closed=ws.closed, code=ws.close_code)
        record.done.set()

    async with (
        serve_ws(body, heartbeat=0.2) as (_, port),
        connect(port) as ws,
    ):
        assert (await ws.read_frame()).opcode == PING
        assert await ws.closed_by_server()
        await asyncio.wait_for(record.done.wait(), 5)
    assert record.values == {"closed": True, "code": 1006}


async def test_heartbeat_keeps_an_answering_peer() -> None:
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        async for msg in ws:
            record.add(msg)
        record.values["code"] = ws.close_code

    async with serve_ws(body, heartbeat=0.4) as (_, port), connect(port) as ws:
        # Answer three pings: the connection survives several heartbeats.
        for _ in range(3):
            got = await ws.read_frame()
            assert got.opcode == PING
            await ws.send(PONG, got.payload)
        await ws.send_text("still here")
        await ws.send_close(1000)
        got = await ws.read_message()
        assert got.opcode == CLOSE
        assert await ws.closed_by_server()
    assert record.messages == [(WSMsgType.TEXT, "still here", "")]
    assert record.values == {"code": 1000}


async def test_any_data_counts_as_a_heartbeat_answer() -> None:
    async def body(ws: WebSocketResponse) -> None:
        async for msg in ws:
            await ws.send_str(msg.data)

    async with serve_ws(body, heartbeat=0.5) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert got.opcode == PING
        # Text instead of a PONG: still a sign of life.
        await ws.send_text("alive")
        assert (await ws.read_message()).payload == b"alive"
        got = await ws.read_frame()
        assert got.opcode == PING
        await ws.send(PONG)
        await ws.send_close()
        assert (await ws.read_message()).opcode == CLOSE
        assert await ws.closed_by_server()


async def test_heartbeat_without_autoping_needs_no_handler_read() -> None:
    # The pong is seen on the wire even though the handler never reads it.
    record = Record()

    async def body(ws: WebSocketResponse) -> None:
        await asyncio.wait_for(record.done.wait(), 5)
        record.values.update(closed=ws.closed)
        await ws.close()

    async with (
        serve_ws(body, heartbeat=0.4, autoping=False) as (_, port),
        connect(port) as ws,
    ):
        for _ in range(3):
            got = await ws.read_frame()
            assert got.opcode == PING
            await ws.send(PONG)
        record.done.set()
        got = await ws.read_message()
        assert got.opcode == CLOSE
        await ws.send_close()
        assert await ws.closed_by_server()
    assert record.values == {"closed": False}


# --- many connections --------------------------------------------------------------------


async def test_chat_between_two_connections() -> None:
    members: set[WebSocketResponse] = set()
    joined = asyncio.Event()

    async def chat(ws: WebSocketResponse) -> None:
        members.add(ws)
        if len(members) == 2:
            joined.set()
        try:
            async for msg in ws:
                for other in list(members):
                    if other is not ws and not other.closed:
                        await other.send_str(msg.data)
        finally:
            members.discard(ws)

    async with serve_ws(chat) as (server, port):
        async with connect(port) as alice, connect(port) as bob:
            await asyncio.wait_for(joined.wait(), 5)
            await alice.send_text("hi bob")
            got = await bob.read_frame()
            assert (got.opcode, got.payload) == (TEXT, b"hi bob")
            await bob.send_text("hi alice")
            got = await alice.read_frame()
            assert (got.opcode, got.payload) == (TEXT, b"hi alice")
            await bob.send_close()
            assert (await bob.read_close()).close_code == 1000
            assert await bob.closed_by_server()
            for _ in range(500):
                if len(members) == 1:
                    break
                await asyncio.sleep(0.01)
            assert len(members) == 1
            await alice.send_text("anyone?")
            await alice.send_close()
            assert (await alice.read_close()).close_code == 1000
            assert await alice.closed_by_server()
        for _ in range(500):
            if not server.connections and not members:
                break
            await asyncio.sleep(0.01)
        assert members == set()
        assert server.connections == []


async def test_nothing_left_behind() -> None:
    # Several connections ending every way; then no task but ours, no transport.
    async def body(ws: WebSocketResponse) -> None:
        async for msg in ws:
            await ws.send_str(msg.data)

    async with serve_ws(body, heartbeat=0.5, timeout=0.3) as (server, port):
        async with connect(port) as ws:
            await ws.send_close()
            await ws.read_close()
            assert await ws.closed_by_server()
        async with connect(port) as ws:
            await ws.send(0x3)  # a reserved opcode
            assert (await ws.read_close()).close_code == 1002
            assert await ws.closed_by_server()
        async with connect(port) as ws:
            await ws.send_text("then gone")
            await ws.read_frame()
        for _ in range(500):
            if not server.connections:
                break
            await asyncio.sleep(0.01)
        assert server.connections == []
    current = asyncio.current_task()
    for _ in range(100):
        if all(task is current for task in asyncio.all_tasks()):
            break
        await asyncio.sleep(0.01)
    assert [task for task in asyncio.all_tasks() if task is not current] == []
