"""Tests as aiohttp users write them, with the plugin from conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from greeter import create_app, store_key

from aiohttp import WSMsgType, web
from aiohttp.test_utils import AioHTTPTestCase, TestClient


async def test_hello(aiohttp_client):
    client = await aiohttp_client(create_app())
    resp = await client.get("/")
    assert resp.status == 200
    assert await resp.text() == "Hello, world"


async def test_hello_by_name(aiohttp_client):
    client = await aiohttp_client(create_app())
    resp = await client.get("/", params={"name": "pytest"})
    assert await resp.text() == "Hello, pytest"


@pytest.fixture
def cli(loop, aiohttp_client):
    return loop.run_until_complete(aiohttp_client(create_app()))


async def test_set_value(cli):
    resp = await cli.post("/value", data={"value": "foo"})
    assert resp.status == 200
    assert await resp.text() == "thanks for the data"
    assert cli.server.app[store_key]["value"] == "foo"


async def test_get_value(cli):
    cli.server.app[store_key]["value"] = "bar"
    resp = await cli.get("/value")
    assert resp.status == 200
    assert await resp.text() == "value: bar"


@pytest.fixture
async def greeted(aiohttp_client) -> AsyncIterator[TestClient]:
    client = await aiohttp_client(create_app())
    resp = await client.post("/value", data={"value": "greeted"})
    assert resp.status == 200
    yield client
    resp = await client.get("/value")
    assert await resp.text() == "value: greeted"


async def test_async_fixture(greeted):
    resp = await greeted.get("/value")
    assert await resp.text() == "value: greeted"


async def test_websocket(aiohttp_client):
    client = await aiohttp_client(create_app())
    ws = await client.ws_connect("/ws")
    await ws.send_str("hello")
    msg = await ws.receive()
    assert msg.type is WSMsgType.TEXT
    assert msg.data == "HELLO"
    await ws.send_str("close")
    msg = await ws.receive()
    assert msg.type is WSMsgType.CLOSE
    assert ws.closed


async def test_server_and_raw_server(
    aiohttp_server, aiohttp_raw_server, aiohttp_client
):
    server = await aiohttp_server(create_app())
    client = await aiohttp_client(server)
    assert await (await client.get("/")).text() == "Hello, world"

    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text=f"raw {request.method} {request.path}")

    raw_client = await aiohttp_client(await aiohttp_raw_server(handler))
    assert await (await raw_client.put("/x")).text() == "raw PUT /x"


def test_loop_is_open(loop):
    assert loop.is_running() is False
    assert loop.run_until_complete(_answer()) == 42


async def _answer() -> int:
    return 42


class GreeterTestCase(AioHTTPTestCase):
    async def get_application(self) -> web.Application:
        return create_app()

    async def test_hello(self) -> None:
        async with self.client.get("/") as resp:
            assert resp.status == 200
            assert await resp.text() == "Hello, world"

    async def test_websocket(self) -> None:
        async with self.client.ws_connect("/ws") as ws:
            await ws.send_str("unittest")
            assert (await ws.receive_str()) == "UNITTEST"
