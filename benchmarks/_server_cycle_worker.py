"""Serve N requests of one benchmark case through an in-memory connection.

Run by ``server_instructions.py`` under valgrind, once per implementation
and case::

    python _server_cycle_worker.py CASE COUNT

The case's server (``_server_worker.CASES``: the same handlers and
applications as the socket benchmark) gets one connection whose transport
is in memory: each request's bytes go to ``data_received`` (called from
a loop callback, as a socket's transport does) and the loop runs until the
response has been written. No socket, no load generator:
what remains is the server's own work per request, plus the event loop's,
which is the same for every implementation. 2,000 requests warm up first
in every run, so two runs differing only in COUNT differ by exactly COUNT
requests' work.
"""

from __future__ import annotations

import asyncio
import sys

from _server_worker import CASES, hello
from _worker_tools import SinkTransport

from aiohttp import web

WARM_UP = 2000


class _Connection(SinkTransport):
    """The in-memory transport: wakes the driver when a response is written."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: asyncio.Future[None] | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        super().write(data)
        if self.answered is not None and not self.answered.done():
            self.answered.set_result(None)

    def get_extra_info(self, name: str, default: object = None) -> object:
        peers = {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8080)}
        return peers.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def cycle(case: str, count: int) -> None:
    make_app, path = CASES[case]
    if make_app is None:
        server = web.Server(hello)
    else:
        runner = web.AppRunner(make_app())
        await runner.setup()
        assert runner.server is not None
        server = runner.server
    protocol = server()
    connection = _Connection()
    protocol.connection_made(connection)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
        "User-Agent: wrk\r\nAccept: */*\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    for _ in range(WARM_UP + count):
        connection.answered = answered = loop.create_future()
        # From a loop callback, as a socket transport calls it: not from
        # inside a task.
        loop.call_soon(protocol.data_received, request)
        await answered
    if connection.written < WARM_UP + count:
        sys.exit("the server did not answer every request")


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in CASES:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(CASES)}}} COUNT")
    asyncio.run(cycle(sys.argv[1], int(sys.argv[2])))


if __name__ == "__main__":
    main()
