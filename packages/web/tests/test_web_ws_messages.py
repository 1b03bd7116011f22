"""Messages through ``WebSocketResponse``: text, binary, JSON, ping/pong, deflate.

The peer is the hand-written client of ``web_ws_raw_client``; every frame
it sends is masked as RFC 6455 requires of a client.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

import pytest
from web_raw_client import serve
from web_ws_raw_client import (
    BINARY,
    CLOSE,
    CONTINUATION,
    PING,
    PONG,
    TEXT,
    RawWebSocket,
    connect,
    deflate,
    inflate,
    serve_ws,
)

from aiohttp.http_websocket import WSMessage, WSMsgType
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse
from aiohttp.web_ws import WebSocketResponse


async def echo(ws: WebSocketResponse) -> None:
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type is WSMsgType.BINARY:
            await ws.send_bytes(msg.data)


async def finish(ws: RawWebSocket) -> None:
    """Close from the client side and see the server answer and hang up."""
    await ws.send_close(1000)
    assert (await ws.read_close()).close_code == 1000
    assert await ws.closed_by_server()


# --- data ----------------------------------------------------------------------


async def test_echo_text_and_binary() -> None:
    async with serve_ws(echo) as (_, port), connect(port) as ws:
        await ws.send_text("hello")
        got = await ws.read_frame()
        assert (got.fin, got.rsv1, got.opcode, got.payload) == (
            True,
            False,
            TEXT,
            b"hello",
        )
        await ws.send_binary(b"\x00\x01\xff")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (BINARY, b"\x00\x01\xff")
        await ws.send_text("")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (TEXT, b"")
        await ws.send_text("héllo ✓")
        got = await ws.read_frame()
        assert got.payload.decode("utf-8") == "héllo ✓"
        await finish(ws)


@pytest.mark.parametrize("size", [125, 126, 65535, 65536, 200_000])
async def test_echo_lengths_on_each_encoding(size: int) -> None:
    # 7-bit, 16-bit and 64-bit payload lengths, both ways.
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    async with serve_ws(echo) as (_, port), connect(port) as ws:
        await ws.send_binary(data)
        got = await ws.read_frame()
        assert got.opcode == BINARY
        assert got.payload == data
        await finish(ws)


async def test_fragmented_message_is_reassembled() -> None:
    async with serve_ws(echo) as (_, port), connect(port) as ws:
        await ws.send(TEXT, b"frag", fin=False)
        # A control frame may come between the fragments.
        await ws.send(PING, b"mid")
        await ws.send(CONTINUATION, b"men", fin=False)
        await ws.send(CONTINUATION, b"ted")
        pong = await ws.read_frame()
        assert (pong.opcode, pong.payload) == (PONG, b"mid")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (TEXT, b"fragmented")
        await finish(ws)


async def test_json_both_ways() -> None:
    async def body(ws: WebSocketResponse) -> None:
        data = await ws.receive_json()
        await ws.send_json({"got": data})
        await ws.send_json(
            [1, 2], dumps=lambda obj: json.dumps(obj, separators=(",", ":"))
        )
        data = await ws.receive_json(loads=lambda text: ("custom", json.loads(text)))
        await ws.send_json(data)
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_text('{"a": 1}')
        got = await ws.read_frame()
        assert (got.opcode, json.loads(got.payload)) == (TEXT, {"got": {"a": 1}})
        got = await ws.read_frame()
        assert got.payload == b"[1,2]"
        await ws.send_text("[3]")
        got = await ws.read_frame()
        assert json.loads(got.payload) == ["custom", [3]]
        await finish(ws)


async def test_send_json_bytes_is_binary() -> None:
    async def body(ws: WebSocketResponse) -> None:
        await ws.send_json_bytes({"k": "v"}, dumps=lambda obj: json.dumps(obj).encode())
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert (got.opcode, json.loads(got.payload)) == (BINARY, {"k": "v"})
        await finish(ws)


async def test_receive_str_bytes_json_refuse_the_other_type() -> None:
    errors: list[str] = []

    async def body(ws: WebSocketResponse) -> None:
        with pytest.raises(TypeError) as exc_info:
            await ws.receive_str()
        errors.append(str(exc_info.value))
        with pytest.raises(TypeError):
            await ws.receive_bytes()
        with pytest.raises(TypeError):
            await ws.receive_json()
        with pytest.raises(json.JSONDecodeError):
            await ws.receive_json()
        assert await ws.receive_bytes() == b"ok"
        assert await ws.receive_str() == "ok"
        await ws.send_str("done")
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_binary(b"bin")
        await ws.send_text("text")
        await ws.send_binary(b"not json")
        await ws.send_text("{not json")
        await ws.send_binary(b"ok")
        await ws.send_text("ok")
        assert (await ws.read_frame()).payload == b"done"
        await finish(ws)
    assert "BINARY" in errors[0]


async def test_send_type_errors() -> None:
    async def body(ws: WebSocketResponse) -> None:
        with pytest.raises(TypeError):
            await ws.send_str(b"bytes")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await ws.send_bytes("text")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await ws.send_json({}, dumps=lambda obj: b"{}")  # type: ignore[arg-type,return-value]
        with pytest.raises(TypeError):
            await ws.send_json({1, 2})
        await ws.send_bytes(bytearray(b"array"))
        await ws.send_bytes(memoryview(b"view"))
        await ws.send_frame(b"raw", WSMsgType.TEXT)
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        assert (await ws.read_frame()).payload == b"array"
        assert (await ws.read_frame()).payload == b"view"
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (TEXT, b"raw")
        await finish(ws)


async def test_decode_text_false_gives_bytes() -> None:
    seen: list[Any] = []

    async def body(ws: WebSocketResponse) -> None:
        msg = await ws.receive()
        seen.append((msg.type, msg.data))
        await ws.receive()

    async with serve_ws(body, decode_text=False) as (_, port), connect(port) as ws:
        await ws.send_text("ünï")
        await finish(ws)
    assert seen == [(WSMsgType.TEXT, "ünï".encode())]


async def test_async_iteration_yields_data_and_stops_at_close() -> None:
    seen: list[tuple[WSMsgType, Any]] = []

    async def body(ws: WebSocketResponse) -> None:
        seen.extend([(msg.type, msg.data) async for msg in ws])
        seen.append((WSMsgType.CLOSED, ws.close_code))

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send_text("one")
        await ws.send_binary(b"two")
        await ws.send_close(4000, b"bye")
        got = await ws.read_close()
        assert got.close_code == 1000
        assert await ws.closed_by_server()
    assert seen == [
        (WSMsgType.TEXT, "one"),
        (WSMsgType.BINARY, b"two"),
        (WSMsgType.CLOSED, 4000),
    ]


# --- ping and pong -----------------------------------------------------------------


async def test_autoping_answers_pings_and_hides_pongs() -> None:
    seen: list[WSMessage] = []

    async def body(ws: WebSocketResponse) -> None:
        seen.extend([msg async for msg in ws])

    async with serve_ws(body) as (_, port), connect(port) as ws:
        await ws.send(PING, b"are you there")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (PONG, b"are you there")
        await ws.send(PING)
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (PONG, b"")
        await ws.send(PONG, b"unsolicited")
        await ws.send_text("after")
        await finish(ws)
    assert [(m.type, m.data) for m in seen] == [(WSMsgType.TEXT, "after")]


async def test_without_autoping_the_handler_sees_ping_and_pong() -> None:
    seen: list[tuple[WSMsgType, Any]] = []

    async def body(ws: WebSocketResponse) -> None:
        async for msg in ws:
            seen.append((msg.type, msg.data))
            if msg.type is WSMsgType.PING:
                await ws.pong(msg.data + b"!")

    async with serve_ws(body, autoping=False) as (_, port), connect(port) as ws:
        await ws.send(PING, b"ping")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (PONG, b"ping!")
        await ws.send(PONG, b"pong")
        await finish(ws)
    assert seen == [(WSMsgType.PING, b"ping"), (WSMsgType.PONG, b"pong")]


async def test_server_ping_and_pong() -> None:
    async def body(ws: WebSocketResponse) -> None:
        await ws.ping(b"server ping")
        await ws.ping("str ping")
        await ws.pong()
        with pytest.raises(ValueError, match="125"):
            await ws.ping(b"x" * 126)
        await ws.receive()

    async with serve_ws(body) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (PING, b"server ping")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (PING, b"str ping")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (PONG, b"")
        await finish(ws)


# --- permessage-deflate --------------------------------------------------------------


async def test_deflate_round_trip() -> None:
    text = "compress me " * 50
    async with (
        serve_ws(echo) as (_, port),
        connect(port, extensions="permessage-deflate") as ws,
    ):
        assert ws.response.header("Sec-WebSocket-Extensions") == "permessage-deflate"
        await ws.send(TEXT, deflate(text.encode()), rsv1=True)
        got = await ws.read_frame()
        assert got.opcode == TEXT
        assert got.rsv1
        assert len(got.payload) < len(text)
        assert inflate(got.payload).decode() == text
        # An uncompressed message is fine too (RSV1 off).
        await ws.send_binary(b"plain")
        got = await ws.read_frame()
        assert got.opcode == BINARY
        assert got.rsv1
        assert inflate(got.payload) == b"plain"
        await finish(ws)


async def test_deflate_context_takeover_across_messages() -> None:
    # The client compresses two messages with one stream, as permitted by
    # default: the second refers back to the first.
    received: list[str] = []

    async def body(ws: WebSocketResponse) -> None:
        received.append(await ws.receive_str())
        received.append(await ws.receive_str())
        await ws.receive()

    compressor = zlib.compressobj(wbits=-15)
    first = compressor.compress(b"repeat repeat repeat") + compressor.flush(
        zlib.Z_SYNC_FLUSH
    )
    second = compressor.compress(b"repeat repeat repeat") + compressor.flush(
        zlib.Z_SYNC_FLUSH
    )
    async with (
        serve_ws(body) as (_, port),
        connect(port, extensions="permessage-deflate") as ws,
    ):
        await ws.send(TEXT, first[:-4], rsv1=True)
        await ws.send(TEXT, second[:-4], rsv1=True)
        await finish(ws)
    assert received == ["repeat repeat repeat"] * 2


async def test_deflate_per_message_override() -> None:
    async def body(ws: WebSocketResponse) -> None:
        await ws.send_str("not compressed", compress=0)
        await ws.send_bytes(b"compressed")
        await ws.receive()

    async with (
        serve_ws(body) as (_, port),
        connect(port, extensions="permessage-deflate") as ws,
    ):
        got = await ws.read_frame()
        assert (got.rsv1, got.payload) == (False, b"not compressed")
        got = await ws.read_frame()
        assert got.rsv1
        assert inflate(got.payload) == b"compressed"
        await finish(ws)


async def test_compressed_frame_without_negotiation_is_a_protocol_error() -> None:
    async with serve_ws(echo) as (_, port), connect(port) as ws:
        await ws.send(TEXT, deflate(b"sneaky"), rsv1=True)
        got = await ws.read_close()
        assert got.close_code == 1002
        assert await ws.closed_by_server()


async def test_deflate_bomb_stops_at_max_msg_size() -> None:
    closes: list[int | None] = []

    async def body(ws: WebSocketResponse) -> None:
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        closes.append(ws.close_code)

    async with (
        serve_ws(body, max_msg_size=1024) as (_, port),
        connect(port, extensions="permessage-deflate") as ws,
    ):
        await ws.send(BINARY, deflate(bytes(100_000)), rsv1=True)
        got = await ws.read_close()
        assert got.close_code == 1009
        assert await ws.closed_by_server()
    assert closes == [1009]


async def test_close_frame_is_last() -> None:
    # After its Close frame the server sends nothing, even when asked to.
    errors: list[BaseException] = []

    async def body(ws: WebSocketResponse) -> None:
        close = asyncio.ensure_future(ws.close())
        await asyncio.sleep(0)
        try:
            await ws.send_str("too late")
        except ConnectionResetError as exc:
            errors.append(exc)
        await close

    async with serve_ws(body, timeout=2.0) as (_, port), connect(port) as ws:
        got = await ws.read_frame()
        assert got.opcode == CLOSE
        await ws.send_close()
        assert await ws.closed_by_server()
    assert len(errors) == 1


async def test_sending_waits_for_a_slow_reader() -> None:
    # Back-pressure: the transport's buffer stays bounded while the client
    # does not read, however much the handler sends.
    buffered: list[int] = []
    chunk = bytes(64 * 1024)
    count = 200

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(writer_limit=2**16)
        await ws.prepare(request)
        transport = request.transport
        assert transport is not None
        for _ in range(count):
            await ws.send_bytes(chunk)
            buffered.append(transport.get_write_buffer_size())
        await ws.receive()
        return ws

    async with serve(handler) as (_, port), connect(port) as ws:
        await asyncio.sleep(0.2)
        for _ in range(count):
            got = await ws.read_frame()
            assert len(got.payload) == len(chunk)
        await finish(ws)
    assert len(buffered) == count
    assert max(buffered) < 4 * 1024 * 1024 < count * len(chunk)
