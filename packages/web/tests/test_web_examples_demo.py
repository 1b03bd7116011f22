"""The README's demo (examples/demo.py), run as a user runs it.

The demo starts in a child process on a free port; the test reads the URL it
prints, then uses the notes API and the page over raw HTTP, and the chat
with a tiny hand-written WebSocket client (masked frames, RFC 6455). SIGINT
(CTRL+C) stops it: chat clients get a Close frame with 1001, and the
process exits with status 0.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import signal
import struct
from collections.abc import AsyncIterator
from pathlib import Path

from web_raw_client import RawResponse, read_head, read_response
from web_run_app_harness import TIMEOUT, child_env, free_port, spawn

DEMO = Path(__file__).resolve().parents[3] / "examples" / "demo.py"
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE = 0x1, 0x8


async def call(
    port: int, method: str, path: str, body: bytes | None = None
) -> RawResponse:
    """One request on a new connection; the whole response."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"Connection: close\r\n\r\n" + (body or b""))
        return await asyncio.wait_for(read_response(reader), TIMEOUT)
    finally:
        writer.close()


def json_body(response: RawResponse) -> object:
    assert response.header("Content-Type") == "application/json; charset=utf-8"
    return json.loads(response.body)


class WebSocketClient:
    """Just enough of a WebSocket client: text frames out, frames in, close."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.reader = reader
        self.writer = writer

    def send(self, opcode: int, payload: bytes) -> None:
        """One final frame, masked as a client must mask (length < 126)."""
        assert len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    async def receive(self) -> tuple[int, bytes]:
        """The next frame from the server: opcode and payload (never masked)."""
        first, second = await asyncio.wait_for(self.reader.readexactly(2), TIMEOUT)
        assert first & 0x80, "the demo sends whole messages in single frames"
        assert not second & 0x80, "a server must not mask its frames"
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        payload = await asyncio.wait_for(self.reader.readexactly(length), TIMEOUT)
        return first & 0x0F, payload

    async def receive_json(self) -> object:
        opcode, payload = await self.receive()
        assert opcode == TEXT
        return json.loads(payload)


@contextlib.asynccontextmanager
async def websocket(port: int) -> AsyncIterator[WebSocketClient]:
    """Open ``/ws`` with the opening handshake; close the TCP connection after."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = await asyncio.wait_for(read_head(reader), TIMEOUT)
        accept = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
        assert head.status == 101
        assert head.header("Sec-WebSocket-Accept") == accept
        yield WebSocketClient(reader, writer)
    finally:
        writer.close()


async def test_the_demo_serves_its_api_page_and_chat() -> None:
    port = free_port()
    async with spawn([str(DEMO), "--port", str(port)]) as child:
        lines = await child.wait_started()
        assert lines[0] == f"======== Running on http://127.0.0.1:{port} ========"

        page = await call(port, "GET", "/")
        assert page.status == 200
        assert page.header("Content-Type") == "text/html; charset=utf-8"
        assert b"<title>aiotide demo</title>" in page.body
        assert b"/ws" in page.body
        assert b"/api/notes" in page.body

        assert json_body(await call(port, "GET", "/api/notes")) == []

        async with websocket(port) as alice, websocket(port) as bob:
            created = await call(port, "POST", "/api/notes", b'{"text": "buy milk"}')
            assert created.status == 201
            assert created.header("Location") == "/api/notes/1"
            assert json_body(created) == {"id": 1, "text": "buy milk"}
            # Both chat clients hear about the new note.
            event = {"kind": "note", "note": {"id": 1, "text": "buy milk"}}
            assert await alice.receive_json() == event
            assert await bob.receive_json() == event

            alice.send(TEXT, b"hello, bob")
            for client in (alice, bob):
                assert await client.receive_json() == {
                    "kind": "chat",
                    "text": "hello, bob",
                }

            # Alice leaves with a closing handshake; the server answers it.
            alice.send(CLOSE, struct.pack("!H", 1000))
            opcode, payload = await alice.receive()
            assert (opcode, payload[:2]) == (CLOSE, struct.pack("!H", 1000))

            assert json_body(await call(port, "GET", "/api/notes/1")) == {
                "id": 1,
                "text": "buy milk",
            }
            assert json_body(await call(port, "GET", "/api/notes")) == [
                {"id": 1, "text": "buy milk"}
            ]
            missing = await call(port, "GET", "/api/notes/7")
            assert missing.status == 404
            assert json_body(missing) == {"error": "no such note"}
            for bad in (b"not json", b'{"text": ""}', b"[1, 2]", b'{"text": 3}'):
                refused = await call(port, "POST", "/api/notes", bad)
                assert refused.status == 400
                assert "error" in json_body(refused)  # type: ignore[operator]
            assert (await call(port, "DELETE", "/api/notes/1")).status == 204
            assert (await call(port, "DELETE", "/api/notes/1")).status == 404
            assert json_body(await call(port, "GET", "/api/notes")) == []

            # CTRL+C: Bob, still connected, is told the server is going away.
            child.send(signal.SIGINT)
            opcode, payload = await bob.receive()
            assert (opcode, payload[:2]) == (CLOSE, struct.pack("!H", 1001))
            bob.send(CLOSE, struct.pack("!H", 1001))
        assert await child.finish() == 0
    assert "Traceback" not in child.stderr


async def test_the_demo_through_the_command_line() -> None:
    port = free_port()
    args = ["-m", "aiohttp.web", "-H", "127.0.0.1", "-P", str(port), "demo:init"]
    async with spawn(args, env=child_env(DEMO.parent)) as child:
        await child.wait_started()
        assert json_body(await call(port, "GET", "/api/notes")) == []
        assert await child.stop(signal.SIGTERM) == 0
