"""A returned Response goes out in one write: the same bytes as prepare().

The server sends a ``Response`` its handler returns with one synchronous
write (``Response._send_at_once``), inline for the usual response and by
the framing rules for the rest. Whatever the response, the client must
read exactly what ``prepare()`` followed by ``write_eof()`` sends. Each case
is served both ways on real connections and the raw bytes compared (the
Date field aside, which may tick between the two).
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable

import pytest

from aiohttp import web
from aiohttp.pytest_plugin import AiohttpRawServer

DATE = re.compile(rb"\r\nDate: [^\r]*")

# name -> how the handler makes the response
SHAPES: dict[str, Callable[[], web.Response]] = {
    "text": lambda: web.Response(text="Hello, World!"),
    "json": lambda: web.json_response({"id": "42"}),
    "bytes": lambda: web.Response(body=b"\x00\x01", content_type="x/y"),
    "no body": web.Response,
    "empty body": lambda: web.Response(body=b""),
    "bytearray": lambda: web.Response(body=bytearray(b"abc")),
    "created": lambda: web.Response(status=201, reason="Made", text="new"),
    "not found": lambda: web.Response(status=404, text="nope"),
    "no content": lambda: web.Response(status=204),
    "not modified": lambda: web.Response(status=304, headers={"ETag": '"1"'}),
    "early hints": lambda: web.Response(status=103),
    "own length": lambda: web.Response(body=b"abc", headers={"Content-Length": "3"}),
    "own connection": lambda: web.Response(text="x", headers={"Connection": "close"}),
    "keep-alive header": lambda: web.Response(
        text="x", headers={"Connection": "keep-alive"}
    ),
    "custom headers": lambda: web.Response(
        text="x", headers={"X-A": "1", "Server": "mine", "Date": "then"}
    ),
}


def cookies(response: web.Response) -> web.Response:
    response.set_cookie("a", "1", httponly=True)
    response.set_cookie("b", "2", path="/p")
    return response


def force_close(response: web.Response) -> web.Response:
    response.force_close()
    return response


TWEAKS: dict[str, Callable[[web.Response], web.Response]] = {
    "as is": lambda r: r,
    "cookies": cookies,
    "force_close": force_close,
}
REQUESTS = {
    "GET 1.1": b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET 1.1 close": b"GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    "GET 1.0": b"GET /x HTTP/1.0\r\n\r\n",
    "GET 1.0 keep-alive": b"GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "HEAD 1.1": b"HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n",
}
CASES = list(itertools.product(SHAPES, TWEAKS, REQUESTS))
# Pipelined after each request: answered, then the connection closes (unless
# the response to the request closed it already), so reading to the end
# reads the whole exchange.
END = b"GET /end HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"


async def served_bytes(
    aiohttp_raw_server: AiohttpRawServer, shape: str, tweak: str, request: bytes
) -> tuple[bytes, bytes]:
    """The bytes of the case served returned, and served prepared."""

    async def handler(req: web.BaseRequest) -> web.StreamResponse:
        if req.path == "/end":
            return web.Response(text="end")
        response = TWEAKS[tweak](SHAPES[shape]())
        if req.query.get("prepare"):
            await response.prepare(req)
            await response.write_eof()
        return response

    server = await aiohttp_raw_server(handler)
    results = []
    for query in (b"", b"?prepare=1"):
        reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(request.replace(b" /x ", b" /x" + query + b" ", 1) + END)
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        results.append(DATE.sub(b"\r\nDate: -", data))
    return results[0], results[1]


@pytest.mark.parametrize(("shape", "tweak", "request_name"), CASES)
async def test_returned_and_prepared_responses_send_the_same_bytes(
    aiohttp_raw_server: AiohttpRawServer, shape: str, tweak: str, request_name: str
) -> None:
    returned, prepared = await served_bytes(
        aiohttp_raw_server, shape, tweak, REQUESTS[request_name]
    )
    assert returned.startswith(b"HTTP/1.")
    assert returned == prepared


async def test_the_usual_response_is_what_the_rules_say(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    returned, _ = await served_bytes(
        aiohttp_raw_server, "text", "as is", REQUESTS["GET 1.1"]
    )
    first = returned.split(b"HTTP/1.1 200 OK\r\n")[1]
    head, _, body = first.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[:3] == [
        b"Content-Type: text/plain; charset=utf-8",
        b"Content-Length: 13",
        b"Date: -",
    ]
    assert lines[3].startswith(b"Server: ")
    assert len(lines) == 4  # no Connection field: HTTP/1.1 keeps alive
    assert body == b"Hello, World!"
