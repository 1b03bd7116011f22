"""A request's handler starts inside data_received(), on every Python.

From Python 3.12 asyncio starts the serving task eagerly; on 3.10 and 3.11
the protocol runs the new task's first step itself. Either way a handler
that never waits has answered before ``data_received`` returns (no loop
iteration per request), runs inside its own task, and a ``data_received``
called from inside another task still gets its answer, one iteration on.
The transport is an in-memory one: when the answer is written relative to
``data_received`` returning is what is tested, which a socket cannot show.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web, web_protocol

REQUEST = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"


class MemoryTransport(asyncio.Transport):
    """Keeps what the server writes."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 1) if name in ("peername", "sockname") else default


def connect(
    handler: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]],
) -> tuple[web_protocol.RequestHandler, MemoryTransport]:
    """A server connection for ``handler`` over an in-memory transport."""
    protocol = web.Server(handler)()
    transport = MemoryTransport()
    protocol.connection_made(transport)
    return protocol, transport


async def written_when_received(
    protocol: web_protocol.RequestHandler, transport: MemoryTransport
) -> bytes:
    """Feed REQUEST from a loop callback; what was written when it returned."""
    loop = asyncio.get_running_loop()
    written: asyncio.Future[bytes] = loop.create_future()

    def receive() -> None:
        # As a socket transport calls it: from a loop callback, no task.
        protocol.data_received(REQUEST)
        written.set_result(bytes(transport.written))

    loop.call_soon(receive)
    return await written


async def written_soon(transport: MemoryTransport) -> bytes:
    for _ in range(10):
        if transport.written:
            break
        await asyncio.sleep(0)
    return bytes(transport.written)


async def test_a_handler_that_never_waits_answers_inside_data_received() -> None:
    seen: dict[str, object] = {}

    async def handler(request: web.BaseRequest) -> web.Response:
        seen["task"] = asyncio.current_task()
        seen["request task"] = request.task
        return web.Response(text="now")

    protocol, transport = connect(handler)
    written = await written_when_received(protocol, transport)
    assert written.startswith(b"HTTP/1.1 200 OK\r\n")
    assert written.endswith(b"\r\n\r\nnow")
    assert isinstance(seen["task"], asyncio.Task)
    assert seen["task"] is seen["request task"]
    protocol.connection_lost(None)


async def test_a_handler_that_waits_finishes_later_in_its_task() -> None:
    release = asyncio.Event()

    async def handler(request: web.BaseRequest) -> web.Response:
        await release.wait()
        return web.Response(text="later")

    protocol, transport = connect(handler)
    # Waiting for the event: nothing sent when data_received returns.
    assert await written_when_received(protocol, transport) == b""
    release.set()
    assert (await written_soon(transport)).endswith(b"\r\n\r\nlater")
    protocol.connection_lost(None)


async def test_data_received_from_inside_a_task_is_still_answered() -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="fine")

    protocol, transport = connect(handler)
    protocol.data_received(REQUEST)  # this test is a task itself
    assert (await written_soon(transport)).endswith(b"\r\n\r\nfine")
    protocol.connection_lost(None)
