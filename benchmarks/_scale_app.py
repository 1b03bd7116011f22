"""The application ``scale.py`` serves under gunicorn: ``gunicorn _scale_app:app``.

Hello world through ``web.Application`` and its router, as ``server.py``'s
``app-hello`` case; access logging stays off (gunicorn has no access log
unless ``--access-logfile`` is given).
"""

from __future__ import annotations

from aiohttp import web


async def hello(request: web.Request) -> web.Response:
    """The hello-world handler."""
    return web.Response(text="Hello, World!")


app = web.Application()
app.router.add_get("/", hello)
