"""The minimal asyncio HTTP server ``client.py`` loads (no aiohttp in it).

Run as ``python _client_peer.py``; prints its port, serves until killed.
``GET /`` answers a 13-byte keep-alive response; ``GET /big`` streams
``BIG_MIB`` MiB with a Content-Length. It counts request heads by their
blank line, which is all a body-less GET needs, so the client under test
pays for nearly all of the work.
"""

from __future__ import annotations

import asyncio
import os

BIG_MIB = 100
_CHUNK = b"x" * (1024 * 1024)
_HELLO = (
    b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\n"
    b"Hello, World!"
)
_BIG_HEAD = (
    f"HTTP/1.1 200 OK\r\nContent-Length: {BIG_MIB * len(_CHUNK)}\r\n"
    "Content-Type: application/octet-stream\r\n\r\n"
).encode()


class _Peer(asyncio.Protocol):
    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._streams: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def pause_writing(self) -> None:
        self._resumed.clear()

    def resume_writing(self) -> None:
        self._resumed.set()

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        answers = []
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
            if head.startswith(b"GET /big "):
                task = asyncio.ensure_future(self._stream_big())
                self._streams.add(task)
                task.add_done_callback(self._streams.discard)
            else:
                answers.append(_HELLO)
        if answers:
            self._transport.write(b"".join(answers))

    async def _stream_big(self) -> None:
        assert self._transport is not None
        self._transport.write(_BIG_HEAD)
        for _ in range(BIG_MIB):
            await self._resumed.wait()
            self._transport.write(_CHUNK)


async def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Peer, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
