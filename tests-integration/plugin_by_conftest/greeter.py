"""A tiny aiohttp application: greetings, a stored value and an echo WebSocket."""

from __future__ import annotations

from aiohttp import WSMsgType, web

# A started application is frozen: its state holds a mutable store.
store_key = web.AppKey("store", dict[str, str])


async def hello(request: web.Request) -> web.Response:
    name = request.query.get("name", "world")
    return web.Response(text=f"Hello, {name}")


async def value(request: web.Request) -> web.Response:
    if request.method == "POST":
        request.app[store_key]["value"] = str((await request.post())["value"])
        return web.Response(body=b"thanks for the data")
    return web.Response(text=f"value: {request.app[store_key]['value']}")


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            if msg.data == "close":
                await ws.close()
            else:
                await ws.send_str(msg.data.upper())
    return ws


def create_app() -> web.Application:
    app = web.Application()
    app[store_key] = {"value": "nothing yet"}
    app.router.add_get("/", hello)
    app.router.add_route("*", "/value", value)
    app.router.add_get("/ws", echo)
    return app


if __name__ == "__main__":
    web.run_app(create_app())
