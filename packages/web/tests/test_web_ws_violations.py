"""Protocol violations fail the connection (RFC 6455 sections 5, 7.1.7, 8.1).

For each one the server must send a Close frame with the right status code
(1002 protocol error, 1007 invalid text, 1009 too big), close the TCP
connection, and hand the handler an ERROR message carrying the
``WebSocketError``. The frames are written by hand, so nothing in the
client can tidy the violation away.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from web_ws_raw_client import (
    BINARY,
    CLOSE,
    CONTINUATION,
    PING,
    PONG,
    TEXT,
    close_payload,
    connect,
    frame,
    frame_header,
    serve_ws,
)

from aiohttp.http_websocket import WebSocketError, WSMsgType
from aiohttp.web_ws import WebSocketResponse

VIOLATIONS: dict[str, tuple[bytes, int]] = {
    "unmasked client frame": (frame(TEXT, b"hi", masked=False), 1002),
    "reserved opcode 0x3": (frame(0x3, b""), 1002),
    "reserved opcode 0xB": (frame(0xB, b""), 1002),
    "RSV1 without an extension": (frame(TEXT, b"hi", rsv1=True), 1002),
    "RSV2 set": (frame(TEXT, b"hi", rsv2=True), 1002),
    "RSV3 set": (frame(BINARY, b"hi", rsv3=True), 1002),
    "control frame over 125 bytes": (frame(PING, b"x" * 126), 1002),
    "fragmented ping": (frame(PING, b"x", fin=False), 1002),
    "fragmented close": (frame(CLOSE, close_payload(1000), fin=False), 1002),
    "continuation without a message": (frame(CONTINUATION, b"orphan"), 1002),
    "new message inside a fragmented one": (
        frame(TEXT, b"a", fin=False) + frame(TEXT, b"b"),
        1002,
    ),
    "close payload of one byte": (frame(CLOSE, b"\x03"), 1002),
    "close code 1005 (never sent)": (frame(CLOSE, close_payload(1005)), 1002),
    "close code 1006 (never sent)": (frame(CLOSE, close_payload(1006)), 1002),
    "close code 999": (frame(CLOSE, close_payload(999)), 1002),
    "close code 5000": (frame(CLOSE, close_payload(5000)), 1002),
    "invalid UTF-8 text": (frame(TEXT, b"\xff\xfe"), 1007),
    "UTF-16 surrogate in text": (frame(TEXT, b"\xed\xa0\x80"), 1007),
    "text cut inside a character": (frame(TEXT, "é".encode()[:1]), 1007),
    "invalid UTF-8 across fragments": (
        frame(TEXT, b"ok", fin=False) + frame(CONTINUATION, b"\xc0\xaf"),
        1007,
    ),
    "invalid UTF-8 close reason": (frame(CLOSE, close_payload(1000, b"\xff")), 1007),
    "message over max_msg_size": (frame(BINARY, b"x" * 1025), 1009),
    "fragments over max_msg_size": (
        frame(BINARY, b"x" * 1000, fin=False) + frame(CONTINUATION, b"x" * 100),
        1009,
    ),
}


@pytest.mark.parametrize(
    ("data", "code"), VIOLATIONS.values(), ids=list(VIOLATIONS.keys())
)
async def test_violation_fails_the_connection(data: bytes, code: int) -> None:
    seen: list[tuple[WSMsgType, Any]] = []
    state: dict[str, Any] = {}

    async def body(ws: WebSocketResponse) -> None:
        seen.extend([(msg.type, msg.data) async for msg in ws])
        state.update(closed=ws.closed, code=ws.close_code, exception=ws.exception())

    async with serve_ws(body, max_msg_size=1024) as (server, port):
        async with connect(port) as ws:
            await ws.send_raw(data)
            got = await ws.read_close()
            assert got.close_code == code
            assert got.close_reason  # says what went wrong
            assert await ws.closed_by_server()
        for _ in range(500):
            if not server.connections:
                break
            await asyncio.sleep(0.01)
        assert server.connections == []

    assert len(seen) == 1
    kind, error = seen[0]
    assert kind is WSMsgType.ERROR
    assert isinstance(error, WebSocketError)
    assert error.code == code
    assert state == {"closed": True, "code": code, "exception": error}


@pytest.mark.parametrize("split", [1, 3])
async def test_violation_split_across_reads(split: int) -> None:
    # The same failure when the bad frame trickles in.
    data = frame(TEXT, b"ok") + frame(TEXT, b"\xff")
    seen: list[WSMsgType] = []

    async def body(ws: WebSocketResponse) -> None:
        seen.extend([msg.type async for msg in ws])

    async with serve_ws(body) as (_, port), connect(port) as ws:
        for start in range(0, len(data), split):
            await ws.send_raw(data[start : start + split])
            await asyncio.sleep(0)
        got = await ws.read_close()
        assert got.close_code == 1007
        assert await ws.closed_by_server()
    assert seen == [WSMsgType.TEXT, WSMsgType.ERROR]


async def test_messages_before_the_violation_are_delivered() -> None:
    seen: list[tuple[WSMsgType, Any]] = []

    async def body(ws: WebSocketResponse) -> None:
        # Read only once everything has arrived and failed.
        for _ in range(500):
            if ws.closed:
                break
            await asyncio.sleep(0.01)
        seen.extend([(msg.type, msg.data) async for msg in ws])

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_raw(frame(TEXT, b"first") + frame(BINARY, b"second") + frame(0x3))
        assert (await ws.read_close()).close_code == 1002
        assert await ws.closed_by_server()
    assert [kind for kind, _ in seen] == [
        WSMsgType.TEXT,
        WSMsgType.BINARY,
        WSMsgType.ERROR,
    ]
    assert seen[:2] == [(WSMsgType.TEXT, "first"), (WSMsgType.BINARY, b"second")]


async def test_violation_while_the_handler_is_not_reading() -> None:
    # The Close frame goes out at once, not when the handler gets round to it.
    release = asyncio.Event()
    state: dict[str, Any] = {}

    async def body(ws: WebSocketResponse) -> None:
        await asyncio.wait_for(release.wait(), 5)
        state["code"] = ws.close_code
        state["message"] = (await ws.receive()).type
        state["then"] = (await ws.receive()).type

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send(TEXT, b"x", masked=False)
        assert (await ws.read_close()).close_code == 1002
        assert await ws.closed_by_server()
        release.set()
    assert state == {
        "code": 1002,
        "message": WSMsgType.ERROR,
        "then": WSMsgType.CLOSED,
    }


async def test_violation_while_the_server_waits_for_the_close() -> None:
    # The server already sent its Close frame: it sends no second one.
    state: dict[str, Any] = {}

    async def body(ws: WebSocketResponse) -> None:
        state["result"] = await ws.close(code=4000)
        state["code"] = ws.close_code
        state["exception"] = type(ws.exception())

    async with serve_ws(body, timeout=5.0) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert (got.opcode, got.close_code) == (CLOSE, 4000)
        await ws.send(PONG, b"y" * 200)  # control frame too long
        assert await ws.closed_by_server()
    assert state == {"result": True, "code": 1002, "exception": WebSocketError}


async def test_max_msg_size_zero_means_no_limit() -> None:
    sizes: list[int] = []

    async def body(ws: WebSocketResponse) -> None:
        sizes.append(len(await ws.receive_bytes()))
        await ws.close()

    big = b"z" * (5 * 1024 * 1024)  # over the 4 MiB default
    async with serve_ws(body, max_msg_size=0) as (_, port), connect(port) as ws:
        await ws.send_raw(frame(BINARY, big))
        assert (await ws.read_close()).close_code == 1000
        await ws.send_close()
    assert sizes == [len(big)]


async def test_default_max_msg_size_is_4_mib() -> None:
    seen: list[tuple[WSMsgType, int]] = []

    async def body(ws: WebSocketResponse) -> None:
        seen.extend(
            [
                (
                    msg.type,
                    msg.data.code if msg.type is WSMsgType.ERROR else len(msg.data),
                )
                async for msg in ws
            ]
        )

    limit = 4 * 1024 * 1024
    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_raw(frame(BINARY, bytes(limit)))
        # One byte more is refused from the header alone: no payload needed.
        await ws.send_raw(frame_header(BINARY, limit + 1) + bytes(4))
        assert (await ws.read_close()).close_code == 1009
        assert await ws.closed_by_server()
    assert seen == [(WSMsgType.BINARY, limit), (WSMsgType.ERROR, 1009)]


async def test_declared_length_alone_is_refused() -> None:
    # A header announcing 2**62 bytes fails at once: nothing is buffered.
    async def body(ws: WebSocketResponse) -> None:
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_raw(frame_header(BINARY, 2**62) + bytes(4))
        assert (await ws.read_close()).close_code == 1009
        assert await ws.closed_by_server()


async def test_length_with_the_top_bit_set() -> None:
    async def body(ws: WebSocketResponse) -> None:
        await ws.receive()

    async with serve_ws(body, max_msg_size=0) as (_, port), connect(port) as ws:
        await ws.send_raw(frame_header(BINARY, 2**63) + bytes(4))
        assert (await ws.read_close()).close_code == 1002
        assert await ws.closed_by_server()
