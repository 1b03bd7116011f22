"""``WebSocketResponse`` in an application: routing, signals, graceful shutdown.

The quickstart's echo handler and the manual's shutdown recipe, served by
``AppRunner`` on a real socket and driven by the hand-written client.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from web_ws_raw_client import CLOSE, TEXT, connect

from aiohttp import web_app, web_runner
from aiohttp.http_websocket import WSCloseCode, WSMsgType
from aiohttp.web_request import Request
from aiohttp.web_response import StreamResponse
from aiohttp.web_ws import WebSocketResponse


@contextlib.asynccontextmanager
async def running(app: web_app.Application) -> AsyncIterator[int]:
    runner = web_runner.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web_runner.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


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


async def test_quickstart_echo_through_the_router() -> None:
    app = web_app.Application()
    app.router.add_get("/ws", websocket_handler)

    async def on_prepare(request: Request, response: StreamResponse) -> None:
        response.headers["X-Prepared"] = "yes"

    app.on_response_prepare.append(on_prepare)
    async with running(app) as port, connect(port, "/ws") as ws:
        assert ws.response.header("X-Prepared") == "yes"
        await ws.send_text("hello")
        got = await ws.read_frame()
        assert (got.opcode, got.payload) == (TEXT, b"hello/answer")
        await ws.send_text("close")
        got = await ws.read_frame()
        assert (got.opcode, got.close_code) == (CLOSE, 1000)
        await ws.send_close()
        assert await ws.closed_by_server()


async def test_shutdown_signal_closes_open_websockets() -> None:
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
    runner = web_runner.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    site = web_runner.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with connect(port) as ws:
            await asyncio.wait_for(connected.wait(), 5)
            cleanup = asyncio.ensure_future(runner.cleanup())
            got = await ws.read_frame()
            assert (got.opcode, got.close_code) == (CLOSE, 1001)
            assert got.close_reason == "Server shutdown"
            await ws.send_close()
            assert await ws.closed_by_server()
            await asyncio.wait_for(cleanup, 5)
    finally:
        await runner.cleanup()
    assert codes == [1000]
    assert sockets == set()
