"""Shared fixtures; the plugin itself comes from its entry point."""

from __future__ import annotations

import pytest
from notes import create_app


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
async def client(aiohttp_client, app):
    return await aiohttp_client(app)


@pytest.fixture
async def one_note(client):
    resp = await client.post("/notes", json={"text": "first"})
    assert resp.status == 201
    note = await resp.json()
    yield note
    # The note is still there after the test.
    resp = await client.get(f"/notes/{note['id']}")
    assert resp.status == 200
