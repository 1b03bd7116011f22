"""Serve a low-level hello-world ``web.Server`` with whatever aiohttp is importable.

Run by ``server.py`` once per implementation and round (aiotide; the
original aiohttp with its C extensions; the original with
AIOHTTP_NO_EXTENSIONS=1), so the same code is measured for each. The
worker pins itself to one core, listens on an ephemeral port on 127.0.0.1,
prints one JSON line (``implementation``, ``port``, ``pid``) and serves
until its standard input closes. ``server.py`` drives it with ``wrk`` and
reads its CPU time from ``/proc``.

Only API both implementations share is used: ``web.Server``,
``web.BaseRequest`` and ``web.Response``. Access logging stays off in both
(the ``aiohttp.access`` logger is not enabled for INFO).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from _worker_tools import implementation, pin_to_one_core

from aiohttp.web import BaseRequest, Response, Server


async def hello(request: BaseRequest) -> Response:
    """The benchmarked handler: the smallest useful response."""
    return Response(text="Hello, World!")


async def serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Server(hello), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    line = {"implementation": implementation(), "port": port, "pid": os.getpid()}
    print(json.dumps(line), flush=True)
    # Serve until the driver closes our stdin (a blocking read, off the loop).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main() -> None:
    pin_to_one_core()
    asyncio.run(serve())


if __name__ == "__main__":
    main()
