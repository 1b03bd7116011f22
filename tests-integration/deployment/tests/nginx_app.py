"""The application the nginx tests run behind nginx, twice.

It is docs/deployment.md's ``myapp.py`` (its ``make_app()`` with the
forwarded-headers middleware; the harness writes the page's block to a
file on this process's path) plus routes for the tests. Started as
``python nginx_app.py --path SOCKET``, the way the page's systemd and
supervisord files start ``myapp.py``. Every answer names the process
(its pid), so a test can tell which backend nginx chose. Routes:

- ``GET /whoami``: pid, ``request.remote``/``scheme``/``host`` and the
  forwarded headers as the app received them;
- ``POST /upload``: size and SHA-256 of the body, read as a stream;
- ``GET /stream?token=T``: the headers at once, then ``first`` after
  ``POST /release?token=T/first`` and ``second`` after
  ``POST /release?token=T/second`` (the test sends those straight to the
  socket of the backend the ``X-Backend-Pid`` header names);
- ``GET /ws``: a WebSocket echo;
- ``GET /static/...``: a trap; nginx serves ``/static/`` itself;
- ``GET /_seen``: the paths this process was asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib
import os

from aiohttp import WSMsgType, web
from aiohttp.typedefs import Handler

#: Bound on a streamed response's wait for its release (a failing test
#: then still ends).
RELEASE_TIMEOUT = 30.0

SEEN = web.AppKey("seen", list[str])
RELEASES = web.AppKey("releases", dict[str, asyncio.Event])


@web.middleware
async def record_path(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Remember the path, for ``/_seen``."""
    request.app[SEEN].append(request.path)
    return await handler(request)


async def whoami(request: web.Request) -> web.Response:
    """Who answered, and how the request looks to the application."""
    return web.json_response(
        {
            "pid": os.getpid(),
            "remote": request.remote,
            "scheme": request.scheme,
            "host": request.host,
            "x_forwarded_for": request.headers.get("X-Forwarded-For"),
            "x_forwarded_proto": request.headers.get("X-Forwarded-Proto"),
        }
    )


async def upload(request: web.Request) -> web.Response:
    """Digest the body as it streams in (no ``client_max_size`` applies)."""
    digest = hashlib.sha256()
    size = 0
    async for chunk in request.content.iter_any():
        digest.update(chunk)
        size += len(chunk)
    return web.json_response(
        {"pid": os.getpid(), "size": size, "sha256": digest.hexdigest()}
    )


def _release_event(app: web.Application, token: str) -> asyncio.Event:
    return app[RELEASES].setdefault(token, asyncio.Event())


async def stream(request: web.Request) -> web.StreamResponse:
    """Send the headers, then a line per release of ``token``.

    Each write waits for the test, so each reaches nginx on its own (not
    together with the headers, which nginx always passes on at once).
    """
    token = request.query["token"]
    response = web.StreamResponse(
        headers={"Content-Type": "text/plain", "X-Backend-Pid": str(os.getpid())}
    )
    await response.prepare(request)
    for line in (b"first\n", b"second\n"):
        released = _release_event(request.app, f"{token}/{line.decode().strip()}")
        try:
            await asyncio.wait_for(released.wait(), RELEASE_TIMEOUT)
        except asyncio.TimeoutError:
            line = b"never released\n"  # noqa: PLW2901 - the test then fails
        await response.write(line)
    await response.write_eof()
    return response


async def release(request: web.Request) -> web.Response:
    """Let ``/stream?token=...`` write its next line."""
    _release_event(request.app, request.query["token"]).set()
    return web.Response(text="released")


async def echo(request: web.Request) -> web.WebSocketResponse:
    """Echo text and binary messages until the peer closes."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            await ws.send_str(message.data)
        elif message.type is WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    return ws


async def static_trap(request: web.Request) -> web.Response:
    """Answer what nginx should have answered itself."""
    return web.Response(text="served by aiotide, not by nginx\n")


async def seen(request: web.Request) -> web.Response:
    """The paths this process was asked for so far."""
    return web.json_response(request.app[SEEN])


async def make_test_app() -> web.Application:
    """The page's application with the tests' routes added."""
    myapp = importlib.import_module("myapp")
    app: web.Application = await myapp.make_app()
    app.middlewares.append(record_path)
    app[SEEN] = []
    app[RELEASES] = {}
    app.add_routes(
        [
            web.get("/whoami", whoami),
            web.post("/upload", upload),
            web.get("/stream", stream),
            web.post("/release", release),
            web.get("/ws", echo),
            web.get("/static/{tail:.*}", static_trap),
            web.get("/_seen", seen),
        ]
    )
    return app


def main() -> None:
    """``--path`` (a unix socket) or ``--port``, as the page's ``myapp.py``."""
    parser = argparse.ArgumentParser(description="aiotide behind nginx, tested")
    parser.add_argument("--path")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    web.run_app(make_test_app(), path=args.path, port=args.port)


if __name__ == "__main__":
    main()
