"""The opening handshake of ``WebSocketResponse`` (RFC 6455 section 4, RFC 7692).

Each test serves a handler with the low-level server and talks to it with
the hand-written client of ``web_ws_raw_client``.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from web_raw_client import request, serve
from web_ws_raw_client import (
    SAMPLE_ACCEPT,
    SAMPLE_KEY,
    TEXT,
    connect,
    expected_accept,
    frame,
    handshake,
    open_raw,
)

from aiohttp import web_ws
from aiohttp.http_websocket import WS_CLOSED_MESSAGE, WS_CLOSING_MESSAGE, WSMsgType
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import Response, StreamResponse
from aiohttp.web_ws import WebSocketReady, WebSocketResponse


async def echo_handler(request: BaseRequest) -> StreamResponse:
    ws = WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        await ws.send_str(msg.data)
    return ws


# --- the module's surface ------------------------------------------------------


def test_public_names() -> None:
    assert web_ws.__all__ == ("WebSocketReady", "WebSocketResponse", "WSMsgType")
    assert web_ws.WSMsgType is WSMsgType
    assert web_ws.WS_CLOSED_MESSAGE is WS_CLOSED_MESSAGE
    assert web_ws.WS_CLOSING_MESSAGE is WS_CLOSING_MESSAGE
    assert issubclass(WebSocketResponse, StreamResponse)


def test_websocket_ready_is_a_named_tuple_true_when_ok() -> None:
    ready = WebSocketReady(True, "chat")
    assert ready.ok is True
    assert ready.protocol == "chat"
    assert tuple(ready) == (True, "chat")
    assert ready
    assert not WebSocketReady(False, None)
    # True even without a protocol: only ``ok`` decides.
    assert WebSocketReady(True, None)


def test_defaults_before_prepare() -> None:
    ws = WebSocketResponse()
    assert ws.status == 101
    assert not ws.prepared
    assert not ws.closed
    assert ws.close_code is None
    assert ws.ws_protocol is None
    assert ws.protocol is None
    assert ws.compress is True
    assert ws.exception() is None
    assert ws.get_extra_info("peername", "nothing") == "nothing"
    assert WebSocketResponse(compress=False).compress is False


async def test_methods_need_prepare() -> None:
    ws = WebSocketResponse()
    for call in (
        ws.send_str("x"),
        ws.send_bytes(b"x"),
        ws.send_json({}),
        ws.send_frame(b"x", WSMsgType.TEXT),
        ws.ping(),
        ws.pong(),
        ws.close(),
        ws.receive(),
        ws.receive_str(),
    ):
        with pytest.raises(RuntimeError, match="prepare"):
            await call


async def test_write_is_refused() -> None:
    ws = WebSocketResponse()
    with pytest.raises(RuntimeError, match="websocket"):
        await ws.write(b"data")


# --- a successful handshake ----------------------------------------------------


async def test_switching_protocols_head() -> None:
    async with serve(echo_handler) as (_, port), connect(port) as ws:
        head = ws.response
        assert head.status == 101
        assert head.reason == "Switching Protocols"
        assert head.header("Upgrade") == "websocket"
        assert head.header("Connection") == "upgrade"
        assert head.header("Sec-WebSocket-Accept") == SAMPLE_ACCEPT
        assert head.header("Content-Length") is None
        assert head.header("Transfer-Encoding") is None
        assert head.header("Content-Type") is None
        assert head.header("Sec-WebSocket-Protocol") is None
        assert head.header("Sec-WebSocket-Extensions") is None
        await ws.send_close()
        assert (await ws.read_close()).close_code == 1000
        assert await ws.closed_by_server()


async def test_accept_answers_each_key() -> None:
    key = "AAECAwQFBgcICQoLDA0ODw=="
    async with serve(echo_handler) as (_, port):
        ws = await open_raw(port, handshake(key=key))
        try:
            assert ws.response.header("Sec-WebSocket-Accept") == expected_accept(key)
        finally:
            await ws.close()


async def test_messages_sent_with_the_handshake_are_read() -> None:
    # The first frame arrives in the same segment as the request.
    async with serve(echo_handler) as (_, port):
        ws = await open_raw(port, handshake() + frame(TEXT, b"early"))
        try:
            assert ws.response.status == 101
            got = await ws.read_message()
            assert (got.opcode, got.payload) == (TEXT, b"early")
        finally:
            await ws.close()


async def test_prepare_twice_returns_the_same_writer() -> None:
    seen: list[bool] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse()
        first = await ws.prepare(request)
        second = await ws.prepare(request)
        seen.append(first is second)
        seen.append(ws.prepared)
        with pytest.raises(RuntimeError, match="websocket"):
            await ws.write(b"x")
        await ws.close()
        return ws

    async with serve(handler) as (_, port), connect(port) as ws:
        assert (await ws.read_close()).close_code == 1000
        await ws.send_close()
        assert await ws.closed_by_server()
    assert seen == [True, True]


async def test_get_extra_info_after_prepare() -> None:
    infos: list[object] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        infos.append(ws.get_extra_info("peername"))
        infos.append(ws.get_extra_info("no such thing", 42))
        await ws.close()
        return ws

    async with serve(handler) as (_, port), connect(port) as ws:
        await ws.read_close()
        await ws.send_close()
        own = ws.writer.get_extra_info("sockname")
    assert infos[0] == own
    assert infos[1] == 42


# --- refusals --------------------------------------------------------------------

REFUSED = {
    "no upgrade header": handshake(upgrade=None),
    "upgrade to something else": handshake(upgrade="h2c"),
    "upgrade to a list": handshake(upgrade="websocket, h2c"),
    "no connection upgrade": handshake(connection="keep-alive"),
    "no connection header": handshake(connection=None),
    "no version": handshake(version=None),
    "old version": handshake(version="8"),
    "future version": handshake(version="14"),
    "no key": handshake(key=None),
    "key not base64": handshake(key="not base64 at all!"),
    "key of 15 bytes": handshake(key="AAECAwQFBgcICQoLDA0O"),
    "key of 17 bytes": handshake(key="AAECAwQFBgcICQoLDA0ODxA="),
    "empty key": handshake(key=""),
    "repeated key": handshake(extra=(("Sec-WebSocket-Key", SAMPLE_KEY),)),
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
async def test_bad_handshake_is_400(data: bytes) -> None:
    async with serve(echo_handler) as (_, port):
        response, _ = await request(port, data)
    assert response.status == 400
    assert response.header("Upgrade") is None
    assert response.header("Sec-WebSocket-Accept") is None


@pytest.mark.parametrize("version", [None, "8", "14"])
async def test_unsupported_version_names_ours(version: str | None) -> None:
    # RFC 6455 section 4.2.2: the refusal says which version we speak.
    async with serve(echo_handler) as (_, port):
        response, _ = await request(port, handshake(version=version))
    assert response.status == 400
    assert response.header("Sec-WebSocket-Version") == "13"


async def test_other_refusals_do_not_name_a_version() -> None:
    async with serve(echo_handler) as (_, port):
        response, _ = await request(port, handshake(key=None))
    assert response.status == 400
    assert response.header("Sec-WebSocket-Version") is None


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_handshake_must_be_get(method: str) -> None:
    async with serve(echo_handler) as (_, port):
        data = handshake(method=method, extra=(("Content-Length", "0"),))
        response, _ = await request(port, data)
    assert response.status == 405
    assert response.header("Allow") == "GET"


async def test_plain_get_is_400_and_keeps_the_connection() -> None:
    # No Upgrade header: an ordinary request, so keep-alive goes on.
    async with serve(echo_handler) as (_, port):
        response, closed = await request(
            port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
    assert response.status == 400
    assert not closed


async def test_refused_upgrade_closes_the_connection() -> None:
    async with serve(echo_handler) as (_, port):
        response, closed = await request(port, handshake(key=None))
    assert response.status == 400
    assert closed


# --- can_prepare -----------------------------------------------------------------


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
async def test_can_prepare_false_on_bad_requests(data: bytes) -> None:
    results: list[WebSocketReady] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        results.append(WebSocketResponse(protocols=("chat",)).can_prepare(request))
        return Response(text="no")

    async with serve(handler) as (_, port):
        response, _ = await request(port, data)
    assert response.status == 200
    assert results == [WebSocketReady(False, None)]
    assert not results[0]


async def test_can_prepare_false_on_post() -> None:
    results: list[WebSocketReady] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        results.append(WebSocketResponse().can_prepare(request))
        return Response(text="no")

    async with serve(handler) as (_, port):
        await request(port, handshake(method="POST", extra=(("Content-Length", "0"),)))
    assert results == [WebSocketReady(False, None)]


async def test_can_prepare_true_names_the_protocol() -> None:
    results: list[WebSocketReady] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(protocols=("chat", "superchat"))
        results.append(ws.can_prepare(request))
        await ws.prepare(request)
        # Started: it cannot start again, and still does not raise.
        results.append(ws.can_prepare(request))
        await ws.close()
        return ws

    async with serve(handler) as (_, port), connect(port, protocols="superchat") as ws:
        await ws.read_close()
        await ws.send_close()
    assert results == [WebSocketReady(True, "superchat"), WebSocketReady(False, None)]


async def test_can_prepare_true_without_protocols() -> None:
    results: list[WebSocketReady] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        results.append(WebSocketResponse().can_prepare(request))
        return Response(text="checked")

    async with serve(handler) as (_, port):
        response, _ = await request(port, handshake(protocols="chat"))
    assert response.status == 200
    assert results == [WebSocketReady(True, None)]


# --- subprotocols ----------------------------------------------------------------


async def run_protocols(
    server_protocols: tuple[str, ...], offered: str | None
) -> tuple[str | None, str | None]:
    """Return (the 101's Sec-WebSocket-Protocol, ws.ws_protocol)."""
    chosen: list[str | None] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(protocols=server_protocols)
        await ws.prepare(request)
        chosen.append(ws.ws_protocol)
        assert ws.protocol == ws.ws_protocol
        await ws.close()
        return ws

    async with serve(handler) as (_, port), connect(port, protocols=offered) as ws:
        header = ws.response.header("Sec-WebSocket-Protocol")
        await ws.read_close()
        await ws.send_close()
        assert await ws.closed_by_server()
    return header, chosen[0]


async def test_protocol_chosen_in_the_clients_order() -> None:
    assert await run_protocols(("chat", "superchat"), "superchat, chat") == (
        "superchat",
        "superchat",
    )
    assert await run_protocols(("chat", "superchat"), "chat,superchat") == (
        "chat",
        "chat",
    )


async def test_protocol_only_one_common() -> None:
    assert await run_protocols(("v2", "v3"), "v1, v3") == ("v3", "v3")


async def test_no_common_protocol_is_none_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="aiohttp.websocket"):
        assert await run_protocols(("chat",), "v1, v2") == (None, None)
    assert any("don't overlap" in record.getMessage() for record in caplog.records)


async def test_no_protocol_offered() -> None:
    assert await run_protocols(("chat",), None) == (None, None)


async def test_protocols_in_repeated_headers() -> None:
    chosen: list[str | None] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(protocols=["b"])
        await ws.prepare(request)
        chosen.append(ws.ws_protocol)
        await ws.close()
        return ws

    data = handshake(protocols="a", extra=(("Sec-WebSocket-Protocol", "b"),))
    async with serve(handler) as (_, port):
        ws = await open_raw(port, data)
        try:
            assert ws.response.header("Sec-WebSocket-Protocol") == "b"
            await ws.read_close()
            await ws.send_close()
        finally:
            await ws.close()
    assert chosen == ["b"]


# --- permessage-deflate negotiation ---------------------------------------------


async def run_extensions(
    offer: str | None, *, compress: bool = True
) -> tuple[str | None, int | bool]:
    """Return (the 101's Sec-WebSocket-Extensions, ws.compress after prepare)."""
    negotiated: list[int | bool] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        ws = WebSocketResponse(compress=compress)
        await ws.prepare(request)
        negotiated.append(ws.compress)
        await ws.close()
        return ws

    async with serve(handler) as (_, port), connect(port, extensions=offer) as ws:
        header = ws.response.header("Sec-WebSocket-Extensions")
        await ws.read_close()
        await ws.send_close()
    return header, negotiated[0]


async def test_deflate_accepted() -> None:
    assert await run_extensions("permessage-deflate") == ("permessage-deflate", 15)
    assert await run_extensions("permessage-deflate; client_max_window_bits") == (
        "permessage-deflate",
        15,
    )


async def test_deflate_with_a_smaller_server_window() -> None:
    header, bits = await run_extensions("permessage-deflate; server_max_window_bits=10")
    assert header == "permessage-deflate; server_max_window_bits=10"
    assert bits == 10


async def test_deflate_without_server_context_takeover() -> None:
    header, bits = await run_extensions(
        "permessage-deflate; server_no_context_takeover"
    )
    assert header == "permessage-deflate; server_no_context_takeover"
    assert bits == 15


async def test_deflate_bad_offer_skipped_for_the_next() -> None:
    header, bits = await run_extensions(
        "permessage-deflate; server_max_window_bits=99, permessage-deflate"
    )
    assert header == "permessage-deflate"
    assert bits == 15


async def test_deflate_unknown_extension_ignored() -> None:
    assert await run_extensions("x-webkit-deflate-frame") == (None, 0)


async def test_deflate_not_offered() -> None:
    assert await run_extensions(None) == (None, 0)


async def test_deflate_refused_when_disabled() -> None:
    assert await run_extensions("permessage-deflate", compress=False) == (None, 0)


async def test_handshake_then_plain_http_is_not_parsed() -> None:
    # After the 101 the bytes are frames, never another HTTP request.
    async with serve(echo_handler) as (_, port):
        ws = await open_raw(port, handshake() + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            assert ws.response.status == 101
            # "GET ..." read as a frame: opcode 0x7 with RSV bits: a violation.
            got = await ws.read_close()
            assert got.close_code == 1002
            assert await ws.closed_by_server()
        finally:
            await ws.close()


async def test_connection_gone_before_the_handshake_finishes() -> None:
    started = asyncio.Event()
    outcome: list[BaseException] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        started.set()
        # Wait for the client to go away, then try to upgrade.
        for _ in range(200):
            if request.transport is None:
                break
            await asyncio.sleep(0.01)
        ws = WebSocketResponse()
        try:
            await ws.prepare(request)
        except ConnectionResetError as exc:
            outcome.append(exc)
            raise
        return ws

    async with serve(handler) as (_, port):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(handshake())
        await asyncio.wait_for(started.wait(), 5)
        writer.close()
        await writer.wait_closed()
        for _ in range(200):
            if outcome:
                break
            await asyncio.sleep(0.01)
    assert len(outcome) == 1
