"""Tests as aiohttp users write them; no conftest loads the plugin."""

from __future__ import annotations

import asyncio

import pytest
from notes import create_app, notes_key

from aiohttp import ClientSession, WSMsgType, web
from aiohttp.test_utils import AioHTTPTestCase


async def test_empty(client):
    resp = await client.get("/notes")
    assert resp.status == 200
    assert await resp.json() == []


async def test_add_and_get(client, one_note):
    assert one_note == {"id": 1, "text": "first"}
    resp = await client.get("/notes/1")
    assert await resp.json() == one_note
    resp = await client.get("/notes")
    assert await resp.json() == [one_note]


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": 3}, []])
async def test_bad_note(client, body):
    resp = await client.post("/notes", json=body)
    assert resp.status == 400
    assert await resp.text() == "a note needs a text"


async def test_missing_note(client):
    resp = await client.get("/notes/42")
    assert resp.status == 404


async def test_app_state(client, app):
    await client.post("/notes", json={"text": "kept"})
    assert app[notes_key] == {1: "kept"}
    assert client.server.app is app


async def test_live_websocket(client):
    async with client.ws_connect("/live") as ws:
        resp = await client.post("/notes", json={"text": "pushed"})
        assert resp.status == 201
        msg = await ws.receive()
        assert msg.type is WSMsgType.TEXT
        assert msg.json() == {"added": 1, "text": "pushed"}


async def test_server_closes_websockets(aiohttp_server):
    server = await aiohttp_server(create_app())
    async with (
        ClientSession() as session,
        session.ws_connect(server.make_url("/live")) as ws,
    ):
        # The server's shutdown closes the WebSocket; the client answers.
        closing = asyncio.create_task(server.close())
        msg = await ws.receive()
        assert msg.type is WSMsgType.CLOSE
        await closing
        assert ws.closed


async def test_own_port(aiohttp_client, aiohttp_unused_port):
    port = aiohttp_unused_port()
    client = await aiohttp_client(create_app(), server_kwargs={"port": port})
    assert client.port == port
    assert (await client.get("/notes")).status == 200


def test_loop_runs_a_client(loop, aiohttp_client):
    async def go() -> int:
        client = await aiohttp_client(create_app())
        resp = await client.get("/notes")
        return resp.status

    assert loop.run_until_complete(go()) == 200


async def test_plain_async():
    await asyncio.sleep(0)


class TestInAClass:
    @pytest.fixture
    async def seeded(self, client):
        for text in ("a", "b"):
            await client.post("/notes", json={"text": text})
        return client

    async def test_seeded(self, seeded):
        resp = await seeded.get("/notes")
        assert [note["text"] for note in await resp.json()] == ["a", "b"]


class NotesTestCase(AioHTTPTestCase):
    async def get_application(self) -> web.Application:
        return create_app()

    async def test_add(self) -> None:
        resp = await self.client.post("/notes", json={"text": "unittest"})
        assert resp.status == 201
        assert self.app[notes_key] == {1: "unittest"}

    async def test_live(self) -> None:
        async with self.client.ws_connect("/live") as ws:
            await self.client.post("/notes", json={"text": "x"})
            assert (await ws.receive_json())["text"] == "x"
