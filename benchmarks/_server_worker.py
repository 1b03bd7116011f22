"""Serve one benchmark case with whatever aiohttp is importable.

Run by ``server.py`` once per case, implementation and round (aiotide; the
original aiohttp with its C extensions; the original with
AIOHTTP_NO_EXTENSIONS=1), so the same code is measured for each::

    python _server_worker.py CASE

The worker pins itself to one core, listens on an ephemeral port on
127.0.0.1, prints one JSON line (``implementation``, ``port``, ``pid`` and
the ``path`` to load) and serves until its standard input closes.
``server.py`` drives it with ``wrk`` and reads its CPU time from ``/proc``.

The cases (``CASES``):

- ``server``: ``Hello, World!`` from a low-level ``web.Server`` handler;
- ``app-hello``: the same through ``web.Application`` and its router;
- ``app-json``: ``GET /user/{id}`` answered with ``web.json_response``;
- ``app-middlewares``: ``app-json`` behind three no-op ``@web.middleware``;
- ``app-router``: ``app-json``'s route as the last of 500 routes (half of
  them plain paths, half with a variable), so resolving is what is measured.

Only API both implementations share is used. Access logging stays off in
both (the ``aiohttp.access`` logger is not enabled for INFO).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable

from _worker_tools import implementation, pin_to_one_core

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: How many routes the ``app-router`` case registers (its target included).
ROUTES = 500


async def hello(request: web.BaseRequest) -> web.Response:
    """The low-level and the application hello-world handler."""
    return web.Response(text="Hello, World!")


async def user(request: web.Request) -> web.Response:
    """A small JSON document built from the matched path."""
    user_id = request.match_info["id"]
    return web.json_response({"id": user_id, "name": f"user {user_id}"})


@web.middleware
async def pass_through(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A middleware that does nothing but call the next handler."""
    return await handler(request)


def app_hello() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


def app_json() -> web.Application:
    app = web.Application()
    app.router.add_get("/user/{id}", user)
    return app


def app_middlewares() -> web.Application:
    app = web.Application(middlewares=[pass_through, pass_through, pass_through])
    app.router.add_get("/user/{id}", user)
    return app


def app_router() -> web.Application:
    app = web.Application()
    for i in range((ROUTES - 1) // 2):
        app.router.add_get(f"/plain/{i}", hello)
        app.router.add_get(f"/group{i}/{{id}}", user)
    app.router.add_get("/user/{id}", user)
    return app


#: case -> (application factory, or None for the low-level server; path to load)
CASES: dict[str, tuple[Callable[[], web.Application] | None, str]] = {
    "server": (None, "/"),
    "app-hello": (app_hello, "/"),
    "app-json": (app_json, "/user/42"),
    "app-middlewares": (app_middlewares, "/user/42"),
    "app-router": (app_router, "/user/42"),
}


async def serve(case: str) -> None:
    make_app, path = CASES[case]
    loop = asyncio.get_running_loop()
    if make_app is None:
        server = await loop.create_server(web.Server(hello), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]

        async def stop() -> None:
            server.close()

    else:
        runner = web.AppRunner(make_app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        stop = runner.cleanup
    line = {
        "implementation": implementation(),
        "port": port,
        "pid": os.getpid(),
        "path": path,
    }
    print(json.dumps(line), flush=True)
    # Serve until the driver closes our stdin (a blocking read, off the loop).
    await loop.run_in_executor(None, sys.stdin.read)
    await stop()


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(CASES)}}}")
    pin_to_one_core()
    asyncio.run(serve(sys.argv[1]))


if __name__ == "__main__":
    main()
