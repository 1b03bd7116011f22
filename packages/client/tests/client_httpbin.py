"""A small httpbin look-alike on aiotide-web, for the manual's client examples.

The manual points its examples at httpbin.org and GitHub; the tests point
them at this application on 127.0.0.1 instead. Each endpoint echoes what
the example checks, in httpbin's JSON shapes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web


async def _echo(request: web.Request) -> dict[str, Any]:
    """httpbin's common answer: args, headers, url, and the body decoded."""
    answer: dict[str, Any] = {
        "args": dict(request.query),
        "headers": dict(request.headers),
        "url": str(request.url),
        "method": request.method,
    }
    if request.can_read_body:
        content_type = request.content_type
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form: dict[str, str] = {}
            files: dict[str, str] = {}
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[name] = value.file.read().decode("latin-1")
                elif isinstance(value, str):
                    form[name] = value
            answer.update(form=form, files=files, data="", json=None)
        else:
            raw = await request.read()
            answer["data"] = raw.decode("latin-1")
            answer["sha256"] = hashlib.sha256(raw).hexdigest()
            answer["json"] = (
                json.loads(raw) if content_type == "application/json" else None
            )
            answer.update(form={}, files={})
    return answer


async def anything(request: web.Request) -> web.Response:
    return web.json_response(await _echo(request))


async def headers(request: web.Request) -> web.Response:
    return web.json_response({"headers": dict(request.headers)})


async def cookies(request: web.Request) -> web.Response:
    return web.json_response({"cookies": dict(request.cookies)})


async def set_cookies(request: web.Request) -> web.Response:
    response = web.HTTPFound("/cookies")
    for name, value in request.query.items():
        response.set_cookie(name, value)
    raise response


async def redirect(request: web.Request) -> web.Response:
    hops = int(request.match_info["n"])
    location = "/get" if hops <= 1 else f"/redirect/{hops - 1}"
    raise web.HTTPFound(location)


async def events(request: web.Request) -> web.Response:
    return web.json_response(
        [{"created_at": "2015-06-12T14:06:22Z", "public": True, "actor": {}}]
    )


async def big(request: web.Request) -> web.StreamResponse:
    """``size`` bytes of a repeating pattern, streamed in chunks."""
    size = int(request.query.get("size", "1048576"))
    response = web.StreamResponse()
    response.content_length = size
    await response.prepare(request)
    pattern = bytes(range(256)) * 256
    sent = 0
    while sent < size:
        chunk = pattern[: min(len(pattern), size - sent)]
        await response.write(chunk)
        sent += len(chunk)
    await response.write_eof()
    return response


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/get", anything)
    for verb in ("post", "put", "patch", "delete"):
        app.router.add_route(verb.upper(), f"/{verb}", anything)
    app.router.add_get("/headers", headers)
    app.router.add_get("/cookies", cookies)
    app.router.add_get("/cookies/set", set_cookies)
    app.router.add_get("/redirect/{n}", redirect)
    app.router.add_get("/events", events)
    app.router.add_get("/big", big)
    return app
