"""Time aiohttp's WebSocket reader and writer in whatever aiohttp is importable.

Run by ``websocket.py`` once per implementation (aiotide; the original
aiohttp with its C extensions; the original with AIOHTTP_NO_EXTENSIONS=1).
Only API present in both is used: ``aiohttp.http_websocket``'s
``WebSocketReader``, ``WebSocketWriter`` and ``WSMsgType``, plus
``aiohttp._websocket.reader.WebSocketDataQueue``. Prints one JSON object:
frames per second for ``parse_frames`` and ``build_frames``, megabytes
(10**6 bytes) of masked payload per second for ``mask_64k``.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys

from _worker_tools import SinkTransport, implementation, pin_to_one_core, rate

from aiohttp._websocket.reader import WebSocketDataQueue
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_websocket import WebSocketReader, WebSocketWriter, WSMsgType

FRAMES = 1000
TEXT = b'{"type": "chat", "room": 42, "text": "hello there"}'
# Seeded, not secret: the same input bytes for every implementation.
BIG = random.Random(1).randbytes(64 * 1024)  # noqa: S311


def _masked_text_frame(payload: bytes, rng: random.Random) -> bytes:
    """One client TEXT frame (RFC 6455 5.2), built here, not by the writer."""
    assert len(payload) < 126
    mask = rng.randbytes(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes((0x81, 0x80 | len(payload))) + mask + masked


def main() -> None:
    pin_to_one_core()
    loop = asyncio.new_event_loop()
    protocol = BaseProtocol(loop)
    sink = SinkTransport()
    protocol.connection_made(sink)

    rng = random.Random(7)  # noqa: S311 (reproducible frames, not secret keys)
    stream = b"".join(_masked_text_frame(TEXT, rng) for _ in range(FRAMES))

    def new_reader() -> tuple[WebSocketReader, WebSocketDataQueue]:
        queue = WebSocketDataQueue(protocol, 2**30, loop=loop)
        # Positional: (queue, max_msg_size, compress, decode_text) in both.
        return WebSocketReader(queue, 2**22, False, True), queue

    reader, queue = new_reader()
    reader.feed_data(stream)
    first = loop.run_until_complete(queue.read())
    assert first.type == WSMsgType.TEXT
    assert first.data == TEXT.decode()

    def parse_frames(count: int) -> None:
        for _ in range(count // FRAMES):
            new_reader()[0].feed_data(stream)

    writer = WebSocketWriter(protocol, sink, use_mask=True)

    async def build(count: int) -> None:
        send = writer.send_frame
        for _ in range(count):
            await send(TEXT, WSMsgType.TEXT)

    async def mask(count: int) -> None:
        for _ in range(count):
            await writer.send_frame(BIG, WSMsgType.BINARY)

    before = sink.written
    loop.run_until_complete(mask(1))
    assert sink.written - before == len(BIG) + 14

    mask_count = 200
    mask_rate = rate(lambda n: loop.run_until_complete(mask(n)), mask_count)
    results = {
        "parse_frames": rate(parse_frames, 20 * FRAMES),
        "build_frames": rate(lambda n: loop.run_until_complete(build(n)), 20 * FRAMES),
        "mask_64k": mask_rate * len(BIG) / 1e6,
    }
    loop.close()
    json.dump({"implementation": implementation(), **results}, sys.stdout)


if __name__ == "__main__":
    main()
