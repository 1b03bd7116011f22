"""``WebSocketResponse`` in an application: routing, signals, graceful shutdown.

The quickstart's echo handler and the manual's shutdown recipe, served by
``aiohttp_server`` on a real socket and driven by the hand-written client
(the frames on the wire are the point).
"""

from __future__ import annotations

import asyncio

from web_ws_raw_client import CLOSE, TEXT, connect

from aiohttp import web_app
from aiohttp.http_websocket import WSCloseCode, WSMsgType
from aiohttp.pytest_plugin import AiohttpServer
from aiohttp.web_request import Request
from aiohttp.web_response import StreamResponse
from aiohttp.web_ws import WebSocketResponse


async def websocket_handler(request: Request) -> StreamResponse:
    # The manual's quickstart example.
    ws = WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            if msg.data == "close":
                await ws.close()
            else:
                await ws.send_str(msg.data + "/answer")
    return ws


async def test_quickstart_echo_through_the_router(
    aiohttp_server: AiohttpServer,
) -> None:
    app = web_app.Application()
    app.router.add_get("/ws", websocket_handler)

    async def on_prepare(request: Request, response: StreamResponse) -> None:
        response.headers["X-Prepared"] = "yes"

    app.on_response_prepare.append(on_prepare)
    server = await aiohttp_server(app, shutdown_timeout=2.0)
    assert server.port is not None
    async with connect(server.port, "/ws") as ws:
        assert ws.response.header("X-Prepared") == "yes"
        await ws.send_text("hello")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (TEXT, b"hello/answer")
        await ws.send_text("close")
        got = await ws.read_frame()
        assert (got.opcode, got.close_code) == (CLOSE, 1000)
        await ws.send_close()
        assert await ws.closed_by_server()


async def test_shutdown_signal_closes_open_websockets(
    aiohttp_server: AiohttpServer,
) -> None:
    # The manual's graceful-shutdown recipe: on_shutdown closes each one.
    app = web_app.Application()
    sockets: set[WebSocketResponse] = set()
    connected = asyncio.Event()
    codes: list[int | None] = []

    async def handler(request: Request) -> StreamResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        sockets.add(ws)
        connected.set()
        try:
            async for _ in ws:
                pass
        finally:
            sockets.discard(ws)
        codes.append(ws.close_code)
        return ws

    async def on_shutdown(app: web_app.Application) -> None:
        for ws in set(sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message="Server shutdown")

    app.router.add_get("/", handler)
    app.on_shutdown.append(on_shutdown)
    # As run_app serves it: a handler is not cancelled when its peer leaves,
    # so it finishes (and records the close code) during the shutdown.
    server = await aiohttp_server(app, shutdown_timeout=2.0, handler_cancellation=False)
    assert server.port is not None
    async with connect(server.port) as ws:
        await asyncio.wait_for(connected.wait(), 5)
        # Closing the server runs the application's shutdown.
        closing = asyncio.ensure_future(server.close())
        got = await ws.read_frame()
        assert (got.opcode, got.close_code) == (CLOSE, 1001)
        assert got.close_reason == "Server shutdown"
        await ws.send_close()
        assert await ws.closed_by_server()
        await asyncio.wait_for(closing, 5)
    assert codes == [1000]
    assert sockets == set()
