"""A tiny aiohttp JSON API: notes kept in memory, changes pushed over a WebSocket."""

from __future__ import annotations

from aiohttp import web

notes_key = web.AppKey("notes", dict[int, str])
listeners_key = web.AppKey("listeners", set[web.WebSocketResponse])
routes = web.RouteTableDef()


@routes.get("/notes")
async def list_notes(request: web.Request) -> web.Response:
    notes = request.app[notes_key]
    return web.json_response([{"id": i, "text": t} for i, t in sorted(notes.items())])


@routes.post("/notes")
async def add_note(request: web.Request) -> web.Response:
    body = await request.json()
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text:
        raise web.HTTPBadRequest(text="a note needs a text")
    notes = request.app[notes_key]
    note_id = max(notes, default=0) + 1
    notes[note_id] = text
    for ws in set(request.app[listeners_key]):
        await ws.send_json({"added": note_id, "text": text})
    return web.json_response({"id": note_id, "text": text}, status=201)


@routes.get("/notes/{note_id:\\d+}")
async def get_note(request: web.Request) -> web.Response:
    note_id = int(request.match_info["note_id"])
    try:
        text = request.app[notes_key][note_id]
    except KeyError:
        raise web.HTTPNotFound(text=f"no note {note_id}") from None
    return web.json_response({"id": note_id, "text": text})


@routes.get("/live")
async def live(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    listeners = request.app[listeners_key]
    listeners.add(ws)
    try:
        async for _ in ws:
            pass  # listeners only listen
    finally:
        listeners.discard(ws)
    return ws


async def _close_listeners(app: web.Application) -> None:
    # On shutdown, before the server waits for its handlers to finish.
    for ws in set(app[listeners_key]):
        await ws.close()


def create_app() -> web.Application:
    app = web.Application()
    app[notes_key] = {}
    app[listeners_key] = set()
    app.add_routes(routes)
    app.on_shutdown.append(_close_listeners)
    return app
