"""The application the gunicorn tests deploy: ``gunicorn gunicorn_app:app`` (or ``:make_app``).

Every answer says which worker process made it (``pid``) and who its
parent is (``ppid``: the gunicorn arbiter). ``/slow`` leaves a file named
after the request in ``$GUNICORN_TEST_MARKS`` when it starts, so a test
knows the request is in flight before it signals gunicorn.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from aiohttp import web


async def whoami(request: web.Request) -> web.Response:
    return web.json_response({"pid": os.getpid(), "ppid": os.getppid()})


async def slow(request: web.Request) -> web.Response:
    marks = os.environ.get("GUNICORN_TEST_MARKS")
    if marks:
        (Path(marks) / request.query.get("name", "slow")).touch()
    await asyncio.sleep(float(request.query.get("s", "1")))
    return web.json_response({"pid": os.getpid(), "slow": "done"})


async def block(request: web.Request) -> web.Response:
    # Holds the worker's event loop on purpose: while it sleeps, only the
    # other worker can accept connections.
    time.sleep(float(request.query.get("s", "0.5")))  # noqa: ASYNC251
    return web.json_response({"pid": os.getpid()})


def build() -> web.Application:
    application = web.Application()
    application.router.add_get("/", whoami)
    application.router.add_get("/slow", slow)
    application.router.add_get("/block", block)
    return application


app = build()


async def make_app() -> web.Application:
    """The factory form: the worker awaits it on its own event loop."""
    application = build()
    application["made_by"] = "make_app"

    async def made_by(request: web.Request) -> web.Response:
        return web.Response(text=request.app["made_by"])

    application.router.add_get("/made-by", made_by)
    return application
