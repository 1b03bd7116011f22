"""``ws_connect``'s opening handshake (RFC 6455 section 4.1, RFC 7692).

What the client sends (read by a raw server), what it requires of the
answer (every ``WSServerHandshakeError`` reason, from a raw server that
answers badly), subprotocol negotiation and permessage-deflate against our
own server and by hand.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import zlib
from typing import Any

import pytest
from client_harness import raw_server
from client_ws_helpers import (
    TIMEOUT,
    WAIT,
    Request,
    answer_handshake,
    read_frame,
    server_frame,
    ws_app,
)

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer


async def serve_one(requests: list[Request], *headers: str, **options: Any) -> Any:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        requests.append(await answer_handshake(reader, writer, *headers, **options))
        # Answer the client's Close frame, then wait for it to hang up
        # (after a failed handshake: at once).
        with contextlib.suppress(asyncio.IncompleteReadError):
            while (await read_frame(reader)).opcode != 0x8:
                pass
            writer.write(server_frame(0x8, b"\x03\xe8"))
        while await reader.read(65536):
            pass

    return handler


# --- what the client sends -------------------------------------------------------------


async def test_the_upgrade_request() -> None:
    requests: list[Request] = []
    async with (
        raw_server(await serve_one(requests)) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.ws_connect(
            server.url / "chat",
            params={"room": "1"},
            protocols=("v1.chat", "v2.chat"),
            origin="http://example.com",
            headers={"X-Token": "t"},
            auth=aiohttp.BasicAuth("user", "pass"),
        ):
            pass
        async with session.ws_connect(server.url):
            pass
    first, second = requests
    assert (first.method, first.target) == ("GET", "/chat?room=1")
    headers = first.headers
    assert headers["upgrade"] == "websocket"
    assert headers["connection"].lower() == "upgrade"
    assert headers["sec-websocket-version"] == "13"
    assert len(base64.b64decode(headers["sec-websocket-key"], validate=True)) == 16
    assert headers["sec-websocket-protocol"] == "v1.chat,v2.chat"
    assert headers["origin"] == "http://example.com"
    assert headers["x-token"] == "t"
    assert (
        headers["authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()
    )
    assert "sec-websocket-extensions" not in headers
    # A fresh key for every connection.
    assert second.headers["sec-websocket-key"] != headers["sec-websocket-key"]
    assert "sec-websocket-protocol" not in second.headers
    assert "origin" not in second.headers


@pytest.mark.parametrize(
    ("compress", "offer"),
    [
        (15, "permessage-deflate; client_max_window_bits"),
        (10, "permessage-deflate; client_max_window_bits; server_max_window_bits=10"),
    ],
)
async def test_the_compression_offer(compress: int, offer: str) -> None:
    requests: list[Request] = []
    async with (
        raw_server(await serve_one(requests)) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url, compress=compress) as ws,
    ):
        # The server accepted nothing: no compression.
        assert ws.compress == 0
    assert requests[0].headers["sec-websocket-extensions"] == offer


async def test_an_impossible_compression_is_refused_before_connecting() -> None:
    requests: list[Request] = []
    async with (
        raw_server(await serve_one(requests)) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        with pytest.raises(ValueError, match="between 9 and 15"):
            await session.ws_connect(server.url, compress=8)
        assert server.accepted == 0


async def test_header_injection_is_refused() -> None:
    async with (
        raw_server(await serve_one([])) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        with pytest.raises(ValueError):  # noqa: PT011 - the request layer's message
            await session.ws_connect(server.url, origin="http://a\r\nX-Evil: 1")
        with pytest.raises(ValueError):  # noqa: PT011
            await session.ws_connect(server.url, protocols=("a\r\nX-Evil: 1",))


async def test_cookies_and_redirects_apply_to_the_handshake(
    aiohttp_server: AiohttpServer,
) -> None:
    seen: list[str | None] = []

    async def body(ws: web.WebSocketResponse) -> None:
        await ws.receive()

    async def old(request: web.Request) -> web.Response:
        raise web.HTTPFound("/ws")

    app = ws_app(body)
    app.router.add_get("/old", old)

    @web.middleware
    async def record(request: web.Request, handler: Any) -> Any:
        seen.append(request.cookies.get("sid"))
        return await handler(request)

    app.middlewares.append(record)
    # A session of its own: the server ends a connection that asked for an
    # upgrade it did not get, and the session retries such a pooled connection
    # once, as the test client (made to show dropped connections) does not.
    server = await aiohttp_server(app)
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT, cookies={"sid": "42"}) as session,
        session.ws_connect(server.make_url("/old")) as ws,
    ):
        await ws.send_str("x")
    assert seen == ["42", "42"]


# --- what the client requires of the answer ----------------------------------------------


@pytest.mark.parametrize(
    ("options", "message", "status"),
    [
        ({"status": "200 OK"}, "Invalid response status", 200),
        ({"status": "403 Forbidden"}, "Invalid response status", 403),
        ({"upgrade": None}, "Invalid upgrade header", 101),
        ({"upgrade": "h2c"}, "Invalid upgrade header", 101),
        ({"connection": None}, "Invalid connection header", 101),
        ({"connection": "keep-alive"}, "Invalid connection header", 101),
        ({"accept": ""}, "Invalid challenge response", 101),
        ({"accept": "dGhlIHNhbXBsZSBub25jZQ=="}, "Invalid challenge response", 101),
    ],
)
async def test_bad_answers(options: dict[str, Any], message: str, status: int) -> None:
    closed = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await answer_handshake(reader, writer, "X-Seen: yes", **options)
        while await reader.read(65536):
            pass
        closed.set()

    async with raw_server(handler) as server:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as exc_info:
                await session.ws_connect(server.url / "ws")
            if status == 101:
                # An upgraded connection that failed is closed at once.
                await asyncio.wait_for(closed.wait(), WAIT)
        # A complete refusal may serve again: the pool closes it with the session.
        await asyncio.wait_for(closed.wait(), WAIT)
    exc = exc_info.value
    assert isinstance(exc, aiohttp.ClientResponseError)
    assert exc.message == message
    assert exc.status == status
    assert exc.headers is not None
    assert exc.headers["X-Seen"] == "yes"
    assert exc.request_info.url == server.url / "ws"
    assert exc.request_info.method == "GET"
    assert exc.history == ()


async def test_a_plain_http_route_is_an_invalid_status(
    aiohttp_server: AiohttpServer,
) -> None:
    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="not a websocket")

    app = web.Application()
    app.router.add_get("/", plain)
    server = await aiohttp_server(app)
    # A session of its own, for its retry of a pooled connection (see above).
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as exc_info:
            await session.ws_connect(server.make_url("/"))
        assert exc_info.value.status == 200
        with pytest.raises(aiohttp.WSServerHandshakeError) as exc_info:
            await session.ws_connect(server.make_url("/missing"))
        assert exc_info.value.status == 404


async def test_lenient_where_the_rfc_is() -> None:
    # Header values are case-insensitive; Connection is a list of tokens.
    async with (
        raw_server(
            await serve_one([], upgrade="WebSocket", connection="keep-alive, Upgrade")
        ) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url) as ws,
    ):
        assert not ws.closed


@pytest.mark.parametrize(
    "answer",
    [
        "x-webkit-deflate-frame",
        "permessage-deflate; client_max_window_bits=8",
        "permessage-deflate; unknown_param",
        "permessage-deflate, permessage-deflate",
    ],
)
async def test_bad_extension_answers(answer: str) -> None:
    async with (
        raw_server(
            await serve_one([], f"Sec-WebSocket-Extensions: {answer}")
        ) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        with pytest.raises(aiohttp.WSServerHandshakeError) as exc_info:
            await session.ws_connect(server.url, compress=15)
    assert exc_info.value.status == 101
    assert exc_info.value.message


async def test_an_extension_not_offered_is_ignored() -> None:
    async with (
        raw_server(
            await serve_one([], "Sec-WebSocket-Extensions: permessage-deflate")
        ) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url) as ws,
    ):
        assert ws.compress == 0


# --- subprotocols ------------------------------------------------------------------------


async def echo_protocol(ws: web.WebSocketResponse) -> None:
    await ws.send_str(str(ws.ws_protocol))
    await ws.receive()


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (("v1", "v2"), "v1"),
        (("v3", "v2"), "v2"),
        (("v3",), None),
        ((), None),
    ],
)
async def test_protocol_negotiation(
    aiohttp_client: AiohttpClient, offered: tuple[str, ...], expected: str | None
) -> None:
    client = await aiohttp_client(
        ws_app(echo_protocol, protocols=("v2", "v1")), timeout=TIMEOUT
    )
    async with client.ws_connect("/ws", protocols=offered) as ws:
        assert ws.protocol == expected
        assert await ws.receive_str() == str(expected)


@pytest.mark.parametrize(
    ("answer", "expected"), [("b", "b"), ("c", None), ("c, a", "a")]
)
async def test_the_servers_protocol_must_be_one_we_offered(
    answer: str, expected: str | None
) -> None:
    async with (
        raw_server(await serve_one([], f"Sec-WebSocket-Protocol: {answer}")) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url, protocols=("a", "b")) as ws,
    ):
        assert ws.protocol == expected


# --- permessage-deflate ------------------------------------------------------------------


async def test_compression_both_ways(aiohttp_client: AiohttpClient) -> None:
    server_compress: list[int | bool] = []

    async def body(ws: web.WebSocketResponse) -> None:
        server_compress.append(ws.compress)
        async for msg in ws:
            await ws.send_str(msg.data * 2)

    big = "compressible " * 5000
    client = await aiohttp_client(ws_app(body), timeout=TIMEOUT)
    async with client.ws_connect("/ws", compress=15) as ws:
        assert ws.compress == 15
        assert ws.client_notakeover is False
        for _ in range(3):
            await ws.send_str(big)
            assert await ws.receive_str() == big * 2
        # One message sent uncompressed on a compressing connection.
        await ws.send_str("plain", compress=0)
        assert await ws.receive_str() == "plainplain"
    assert server_compress == [15]


async def test_compression_declined_by_the_server(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(
        ws_app(echo_protocol, compress=False), timeout=TIMEOUT
    )
    async with client.ws_connect("/ws", compress=15) as ws:
        assert ws.compress == 0
        assert await ws.receive_str() == "None"


async def test_client_no_context_takeover_and_masked_deflate_frames() -> None:
    frames: list[Any] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await answer_handshake(
            reader,
            writer,
            "Sec-WebSocket-Extensions: permessage-deflate; "
            "client_no_context_takeover; client_max_window_bits=12",
        )
        frames.append(await read_frame(reader))
        frames.append(await read_frame(reader))
        # A compressed answer: deflated, tail stripped, RSV1 set.
        compressor = zlib.compressobj(wbits=-15)
        data = compressor.compress(b"pong!") + compressor.flush(zlib.Z_SYNC_FLUSH)
        writer.write(server_frame(0x1 | 0x40, data[:-4]))
        close = await read_frame(reader)
        writer.write(server_frame(0x8, close.payload))
        while await reader.read(65536):
            pass

    async with (
        raw_server(handler) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.ws_connect(server.url, compress=15) as ws,
    ):
        assert ws.compress == 12
        assert ws.client_notakeover is True
        await ws.send_str("hello hello hello")
        await ws.send_str("hello hello hello")
        assert await ws.receive_str() == "pong!"
    first, second = frames
    for frame in frames:
        assert frame.masked
        assert frame.opcode == 0x1
    # Without context takeover, the same message deflates the same way twice.
    assert first.payload == second.payload
    inflater = zlib.decompressobj(wbits=-15)
    assert inflater.decompress(first.payload + b"\x00\x00\xff\xff") == (
        b"hello hello hello"
    )
