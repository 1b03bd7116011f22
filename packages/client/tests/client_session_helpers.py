"""What the session, redirect, timeout and middleware tests share.

``echo_app`` answers every method on every path with what it received, as
JSON; ``served_on`` serves an app on another loopback address (127.0.0.2 is
another *host* to cookies, not just another port); ``KeepAlive`` is a raw
server that answers requests on persistent connections and counts them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from client_harness import read_request, response
from yarl import URL

import aiohttp
from aiohttp import web

#: Every test bounds its requests: a hang fails the test, it does not stall it.
TIMEOUT = aiohttp.ClientTimeout(total=15)


async def echo(request: web.Request) -> web.Response:
    """Answer with the request as JSON: method, path, headers, body, cookies."""
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path_qs,
            "headers": [[name, value] for name, value in request.headers.items()],
            "body": body.decode("latin-1"),
            "cookies": dict(request.cookies),
            "version": f"{request.version.major}.{request.version.minor}",
        }
    )


def echo_app() -> web.Application:
    """An application that echoes every request (see :func:`echo`)."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


def header_values(answer: dict[str, Any], name: str) -> list[str]:
    """The values of header ``name`` in an :func:`echo` answer."""
    return [value for key, value in answer["headers"] if key.lower() == name.lower()]


@contextlib.asynccontextmanager
async def served_on(app: web.Application, host: str) -> AsyncIterator[URL]:
    """Serve ``app`` on ``host`` (a loopback address) and a free port."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, 0).start()
        port = runner.addresses[0][1]
        yield URL.build(scheme="http", host=host, port=port)
    finally:
        await asyncio.wait_for(runner.cleanup(), 10)


class KeepAlive:
    """A raw server's handler: answers ``b"ok"`` to each request, keeps alive.

    Counts the connections open at once (``peak``) and the requests served.
    ``serve_once`` closes each connection when a second request arrives on
    it, without answering: the race of a server closing an idle connection
    just as the client reuses it.
    """

    def __init__(self, *, serve_once: bool = False, delay: float = 0) -> None:
        self.serve_once = serve_once
        self.delay = delay
        self.open = 0
        self.peak = 0
        self.requests = 0

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.open += 1
        self.peak = max(self.peak, self.open)
        try:
            served = 0
            while True:
                try:
                    head, _ = await read_request(reader)
                except asyncio.IncompleteReadError:
                    return
                if self.serve_once and served:
                    return
                served += 1
                self.requests += 1
                if self.delay:
                    await asyncio.sleep(self.delay)
                answer = response(b"ok")
                if head.startswith(b"HEAD "):  # the length, not the body
                    answer = answer.removesuffix(b"ok")
                writer.write(answer)
                await writer.drain()
        finally:
            self.open -= 1
