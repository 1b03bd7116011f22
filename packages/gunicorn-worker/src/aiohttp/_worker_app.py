"""Turn what gunicorn imported (``gunicorn mod:NAME``) into the application to serve.

gunicorn resolves ``mod:NAME`` to an object and insists that it is callable;
aiohttp accepts two kinds of object there:

- a :class:`~aiohttp.web.Application` (``gunicorn mod:app``; an application
  is callable and returns itself, for gunicorn's check);
- an ``async def`` factory taking no arguments and returning one
  (``gunicorn mod:make_app``), awaited on the worker's event loop, so the
  application and everything it creates belong to that loop.

Anything else is refused with gunicorn's ``AppImportError``: the arbiter
then prints the message and stops instead of restarting workers forever.
"""

from __future__ import annotations

import inspect

from gunicorn.errors import AppImportError  # type: ignore[import-untyped]

from .web_app import Application

__all__ = ("load_application",)


def _refuse(target: object, got: str) -> AppImportError:
    return AppImportError(
        "aiohttp's gunicorn worker serves an aiohttp.web.Application or an "
        "async function returning one (gunicorn module:app or "
        f"module:make_app); {target!r} {got}"
    )


async def load_application(target: object) -> Application:
    """The application ``target`` is, or the one its async factory returns."""
    if isinstance(target, Application):
        return target
    if not inspect.iscoroutinefunction(target):
        raise _refuse(target, "is neither")
    app = await target()
    if not isinstance(app, Application):
        raise _refuse(target, f"returned {app!r}")
    return app
