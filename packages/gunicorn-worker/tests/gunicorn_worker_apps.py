"""Applications the tests serve under a real gunicorn (``--pythonpath`` this folder).

Every response names the worker's pid, so a test can tell workers apart.
"""

from __future__ import annotations

import asyncio
import os

from aiohttp import web


async def index(request: web.Request) -> web.Response:
    return web.Response(text=f"pid {os.getpid()}")


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("s", "2")))
    return web.Response(text=f"slow {os.getpid()}")


def build() -> web.Application:
    application = web.Application()
    application.router.add_get("/", index)
    application.router.add_get("/slow", slow)
    return application


app = build()


async def make_app() -> web.Application:
    """The factory form: ``gunicorn gunicorn_worker_apps:make_app``."""
    application = build()
    application.router.add_get("/factory", index)
    return application


def sync_factory() -> web.Application:
    """Not a form the worker accepts: only async factories are awaited."""
    return build()


async def make_nothing() -> None:
    """An async factory that forgets to return the application."""


async def _refuse_to_start(application: web.Application) -> None:
    raise RuntimeError("the database is down")


broken = build()
broken.on_startup.append(_refuse_to_start)
