"""A small aiotide web app: a JSON notes API, a page, and a WebSocket chat.

Run it from the workspace root and open the URL it prints::

    uv run python examples/demo.py            # http://127.0.0.1:8080/
    uv run python examples/demo.py --port 9000

or through aiohttp's command line (``init`` takes the leftover arguments)::

    PYTHONPATH=examples uv run python -m aiohttp.web -H 127.0.0.1 -P 8080 demo:init

What it serves:

- ``GET /``: one HTML page that lists and adds notes through the API and
  chats over the WebSocket.
- ``GET /api/notes``: every note, ``[{"id": 1, "text": "..."}, ...]``.
- ``POST /api/notes`` with ``{"text": "..."}``: ``201 Created`` and the note,
  with its URL in ``Location``; ``400`` with ``{"error": ...}`` when the body
  is not such an object.
- ``GET /api/notes/{id}``, ``DELETE /api/notes/{id}``: one note; ``404``
  with ``{"error": ...}`` when there is no such note.
- ``GET /ws``: a WebSocket. Each text message a client sends goes to every
  connected client as ``{"kind": "chat", "text": ...}``; a note added
  through the API goes out as ``{"kind": "note", "note": {...}}``. When the
  server stops (CTRL+C), it closes the sockets with 1001 (going away).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from aiohttp import web

routes = web.RouteTableDef()


class Notes:
    """The notes, in memory: an id -> text mapping with increasing ids."""

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._last_id = 0

    def add(self, text: str) -> dict[str, Any]:
        """Store a new note; the note as the API shows it."""
        self._last_id += 1
        self._texts[self._last_id] = text
        return {"id": self._last_id, "text": text}

    def get(self, note_id: int) -> dict[str, Any] | None:
        """One note, or None."""
        text = self._texts.get(note_id)
        return None if text is None else {"id": note_id, "text": text}

    def remove(self, note_id: int) -> bool:
        """Delete a note; whether it existed."""
        return self._texts.pop(note_id, None) is not None

    def all(self) -> list[dict[str, Any]]:
        """Every note, oldest first."""
        return [{"id": key, "text": text} for key, text in self._texts.items()]


NOTES = web.AppKey("notes", Notes)
SOCKETS = web.AppKey("sockets", set[web.WebSocketResponse])


def error(status: type[web.HTTPException], message: str) -> web.HTTPException:
    """An HTTP error whose body is ``{"error": message}``."""
    return status(text=json.dumps({"error": message}), content_type="application/json")


async def broadcast(app: web.Application, message: dict[str, Any]) -> None:
    """Send ``message`` as JSON to every connected WebSocket."""
    sockets: set[web.WebSocketResponse] = app[SOCKETS]
    for ws in list(sockets):
        if not ws.closed:
            await ws.send_json(message)


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    """The page."""
    return web.Response(text=PAGE, content_type="text/html")


@routes.get("/api/notes")
async def list_notes(request: web.Request) -> web.Response:
    """Every note."""
    return web.json_response(request.app[NOTES].all())


@routes.post("/api/notes")
async def add_note(request: web.Request) -> web.Response:
    """Add the note ``{"text": ...}`` of the request body."""
    try:
        body = await request.json()
    except ValueError:
        raise error(web.HTTPBadRequest, "the body is not JSON") from None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise error(web.HTTPBadRequest, 'expected {"text": "a non-empty string"}')
    note = request.app[NOTES].add(text.strip())
    await broadcast(request.app, {"kind": "note", "note": note})
    location = request.app.router["note"].url_for(id=str(note["id"]))
    return web.json_response(note, status=201, headers={"Location": str(location)})


@routes.get(r"/api/notes/{id:\d+}", name="note")
async def get_note(request: web.Request) -> web.Response:
    """One note."""
    note = request.app[NOTES].get(int(request.match_info["id"]))
    if note is None:
        raise error(web.HTTPNotFound, "no such note")
    return web.json_response(note)


@routes.delete(r"/api/notes/{id:\d+}")
async def delete_note(request: web.Request) -> web.Response:
    """Delete one note."""
    if not request.app[NOTES].remove(int(request.match_info["id"])):
        raise error(web.HTTPNotFound, "no such note")
    return web.Response(status=204)


@routes.get("/ws")
async def chat(request: web.Request) -> web.WebSocketResponse:
    """The chat: every text message goes to every connected client."""
    ws = web.WebSocketResponse(heartbeat=30.0)
    await ws.prepare(request)
    sockets = request.app[SOCKETS]
    sockets.add(ws)
    try:
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                await broadcast(request.app, {"kind": "chat", "text": message.data})
    finally:
        sockets.discard(ws)
    return ws


async def close_sockets(app: web.Application) -> None:
    """On shutdown, tell the chat clients the server is going away."""
    sockets: set[web.WebSocketResponse] = app[SOCKETS]
    for ws in list(sockets):
        await ws.close(code=1001, message=b"server shutdown")


def make_app() -> web.Application:
    """The demo application."""
    app = web.Application()
    app[NOTES] = Notes()
    app[SOCKETS] = set()
    app.add_routes(routes)
    app.on_shutdown.append(close_sockets)
    return app


def init(argv: list[str]) -> web.Application:
    """The entry function for ``python -m aiohttp.web ... demo:init``."""
    return make_app()


def main() -> None:
    """Serve the demo on 127.0.0.1 until CTRL+C."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    parser.add_argument("--port", type=int, default=8080, help="default: %(default)s")
    args = parser.parse_args()
    web.run_app(make_app(), host=args.host, port=args.port)


PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>aiotide demo</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
         padding: 0 1rem; color: #222; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  form { display: flex; gap: .5rem; } input { flex: 1; padding: .4rem; }
  ul { padding-left: 1.2rem; } li button { margin-left: .5rem; font-size: .8rem; }
  #log { border: 1px solid #ccc; border-radius: 4px; height: 12rem; overflow-y: auto;
         padding: .5rem; margin-bottom: .5rem; background: #fafafa; }
  .status { color: #666; font-size: .9rem; }
</style>
</head>
<body>
<h1>aiotide demo</h1>
<p class="status">A JSON API at <code>/api/notes</code> and a WebSocket chat at
<code>/ws</code>, served by <code>web.run_app</code>.</p>

<h2>Notes</h2>
<form id="note-form"><input id="note-text" placeholder="Write a note" required>
<button>Add</button></form>
<ul id="notes"></ul>

<h2>Chat <span id="ws-status" class="status">(connecting...)</span></h2>
<div id="log"></div>
<form id="chat-form"><input id="chat-text" placeholder="Say something" required>
<button>Send</button></form>

<script>
const notes = document.getElementById("notes");
const log = document.getElementById("log");

function showNote(note) {
  const item = document.createElement("li");
  item.id = "note-" + note.id;
  item.textContent = note.text;
  const remove = document.createElement("button");
  remove.textContent = "delete";
  remove.onclick = async () => {
    await fetch("/api/notes/" + note.id, {method: "DELETE"});
    item.remove();
  };
  item.append(remove);
  notes.append(item);
}

function say(text) {
  const line = document.createElement("div");
  line.textContent = text;
  log.append(line);
  log.scrollTop = log.scrollHeight;
}

async function loadNotes() {
  const response = await fetch("/api/notes");
  notes.replaceChildren();
  (await response.json()).forEach(showNote);
}

document.getElementById("note-form").onsubmit = async (event) => {
  event.preventDefault();
  const input = document.getElementById("note-text");
  await fetch("/api/notes", {method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({text: input.value})});
  input.value = "";
};

const ws = new WebSocket(`ws://${location.host}/ws`);
const status = document.getElementById("ws-status");
ws.onopen = () => { status.textContent = "(connected)"; };
ws.onclose = (event) => { status.textContent = `(closed: ${event.code})`; };
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.kind === "chat") {
    say(message.text);
  } else if (message.kind === "note") {
    if (!document.getElementById("note-" + message.note.id)) showNote(message.note);
    say("new note: " + message.note.text);
  }
};
document.getElementById("chat-form").onsubmit = (event) => {
  event.preventDefault();
  const input = document.getElementById("chat-text");
  ws.send(input.value);
  input.value = "";
};

loadNotes();
</script>
</body>
</html>
"""


if __name__ == "__main__":
    main()
