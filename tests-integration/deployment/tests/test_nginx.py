"""A real nginx in front of two aiotide processes on unix sockets.

The deployment of docs/deployment.md ("nginx + several run_app
processes"), with its site file and ``myapp.py`` taken from that page:
one nginx and two ``web.run_app(app, path=...)`` backends for the whole
module, driven by curl and by our client. At the end nginx's error log
must hold no complaint about the backends.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nginx_harness import (
    STATIC_NAME,
    STATIC_TEXT,
    TIMEOUT,
    Deployment,
    curl,
    deployment,
    upstream_errors,
)

import aiohttp


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with deployment(tmp_path_factory.mktemp("nginx")) as running:
        yield running
    # Whatever the tests saw, nginx must have had no trouble with aiotide.
    problems = upstream_errors(running.logs / "error.log")
    assert not problems, "\n".join(problems)


def bounded_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT))


def backend_session(nginx: Deployment, pid: int) -> aiohttp.ClientSession:
    """A session to one backend's unix socket, bypassing nginx."""
    return aiohttp.ClientSession(
        connector=aiohttp.UnixConnector(path=str(nginx.backends[pid])),
        timeout=aiohttp.ClientTimeout(total=TIMEOUT),
    )


async def from_backend(nginx: Deployment, pid: int, path: str) -> Any:
    """GET ``path`` straight from one backend."""
    async with (
        backend_session(nginx, pid) as session,
        session.get(f"http://backend{path}") as response,
    ):
        assert response.status == 200
        return await response.json()


async def test_requests_alternate_between_the_backends(nginx: Deployment) -> None:
    async with bounded_session() as session:
        pids = []
        for _ in range(10):
            async with session.get(f"{nginx.url}/whoami") as response:
                assert response.status == 200
                assert response.headers["Server"].startswith("nginx")
                pids.append((await response.json())["pid"])
    # Round robin over equal servers: five each, whichever comes first.
    assert Counter(pids) == dict.fromkeys(nginx.backends, 5)


async def test_the_app_sees_the_forwarded_headers_nginx_sets(nginx: Deployment) -> None:
    async with (
        bounded_session() as session,
        session.get(f"{nginx.url}/whoami") as response,
    ):
        seen = await response.json()
    assert seen["x_forwarded_for"] == "127.0.0.1"
    assert seen["x_forwarded_proto"] == "http"
    assert seen["remote"] == "127.0.0.1"
    assert seen["scheme"] == "http"
    assert seen["host"] == nginx.url.removeprefix("http://")


async def test_what_a_client_claims_is_not_trusted(nginx: Deployment) -> None:
    result = await curl(
        f"{nginx.url}/whoami",
        "--header",
        "X-Forwarded-For: 203.0.113.7",
        "--header",
        "X-Forwarded-Proto: https",
    )
    assert result.status == 200
    seen = json.loads(result.body)
    # nginx appends the peer it saw and overwrites the scheme.
    assert seen["x_forwarded_for"] == "203.0.113.7, 127.0.0.1"
    assert seen["x_forwarded_proto"] == "http"
    assert seen["remote"] == "127.0.0.1"
    assert seen["scheme"] == "http"


async def test_a_5_mib_upload_arrives_intact(nginx: Deployment, tmp_path: Path) -> None:
    body = os.urandom(5 * 1024 * 1024)
    upload = tmp_path / "five-mib.bin"
    upload.write_bytes(body)
    result = await curl(
        f"{nginx.url}/upload",
        "--data-binary",
        f"@{upload}",
        "--header",
        "Content-Type: application/octet-stream",
    )
    assert result.status == 200, result.body
    received = json.loads(result.body)
    assert received["size"] == len(body)
    assert received["sha256"] == hashlib.sha256(body).hexdigest()
    assert received["pid"] in nginx.backends


async def test_a_streamed_response_is_not_buffered(nginx: Deployment) -> None:
    token = os.urandom(8).hex()
    async with (
        bounded_session() as session,
        session.get(f"{nginx.url}/stream", params={"token": token}) as response,
    ):
        assert response.status == 200
        pid = int(response.headers["X-Backend-Pid"])
        for line in (b"first\n", b"second\n"):
            await release(nginx, pid, f"{token}/{line.decode().strip()}")
            # The handler now waits for the next release: its line reaches
            # us only if nginx passes it on before the response is complete.
            received = await asyncio.wait_for(response.content.readline(), TIMEOUT)
            assert received == line
        assert await asyncio.wait_for(response.content.read(), TIMEOUT) == b""


async def release(nginx: Deployment, pid: int, token: str) -> None:
    """Let the streaming handler of backend ``pid`` write its next line."""
    async with (
        backend_session(nginx, pid) as session,
        session.post("http://backend/release", params={"token": token}) as response,
    ):
        assert response.status == 200


async def test_a_websocket_upgrades_through_nginx(nginx: Deployment) -> None:
    async with (
        bounded_session() as session,
        session.ws_connect(f"{nginx.url}/ws") as ws,
    ):
        for text in ("one", "two", "three"):
            await ws.send_str(text)
            message = await ws.receive(TIMEOUT)
            assert message.type is aiohttp.WSMsgType.TEXT
            assert message.data == text
        await ws.send_bytes(b"\x00\xff")
        message = await ws.receive(TIMEOUT)
        assert message.type is aiohttp.WSMsgType.BINARY
        assert message.data == b"\x00\xff"
        await ws.close()
    assert ws.close_code == aiohttp.WSCloseCode.OK


async def test_nginx_serves_static_files_itself(nginx: Deployment) -> None:
    found = await curl(f"{nginx.url}/static/{STATIC_NAME}")
    assert found.status == 200
    assert found.body == STATIC_TEXT.encode()
    assert found.headers["content-type"] == "text/plain"
    missing = await curl(f"{nginx.url}/static/missing.txt")
    assert missing.status == 404
    assert b"nginx" in missing.body
    # The backends answer /static/ too (a trap): neither was asked.
    for pid in nginx.backends:
        paths = await from_backend(nginx, pid, "/_seen")
        assert not [path for path in paths if path.startswith("/static")], paths
