"""What the session, redirect, timeout and middleware tests share.

``echo_app`` answers every method on every path with what it received, as
JSON; ``header_values`` reads a header's values out of its answer.
"""

from __future__ import annotations

from typing import Any

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
