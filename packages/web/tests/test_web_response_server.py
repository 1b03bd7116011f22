"""Responses end to end: a handler behind ``aiohttp_raw_server``.

Where framing is the point, a raw client writes request bytes on a real
socket and reads the response bytes back, so framing mistakes show up as a
broken next response on the same connection; the rest use ``aiohttp_client``.
"""

from __future__ import annotations

import gzip
import json

import pytest
from web_response_harness import bounded, connect

from aiohttp.http_writer import HttpVersion11
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import Response, StreamResponse, json_response

GET = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


async def hello(request: BaseRequest) -> Response:
    return Response(text="hello")


async def test_keep_alive_serves_the_next_request(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(hello)
    async with bounded(), connect(server.port) as client:
        await client.send(GET)
        first = await client.response()
        await client.send(GET)
        second = await client.response()
    for raw in (first, second):
        assert raw.status_line == "HTTP/1.1 200 OK"
        assert raw.body == b"hello"
        assert raw.header("Connection") is None


async def test_pipelined_requests_get_framed_responses(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(hello)
    async with bounded(), connect(server.port) as client:
        await client.send(GET * 3)
        bodies = [(await client.response()).body for _ in range(3)]
    assert bodies == [b"hello"] * 3


async def test_connection_close_request(aiohttp_raw_server: AiohttpRawServer) -> None:
    server = await aiohttp_raw_server(hello)
    async with bounded(), connect(server.port) as client:
        await client.send(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        raw = await client.response()
        assert raw.header("Connection") == "close"
        assert await client.closed()


async def test_http10_closes_by_default(aiohttp_raw_server: AiohttpRawServer) -> None:
    server = await aiohttp_raw_server(hello)
    async with bounded(), connect(server.port) as client:
        await client.send(b"GET / HTTP/1.0\r\n\r\n")
        raw = await client.response()
        assert raw.status_line == "HTTP/1.0 200 OK"
        assert raw.header("Connection") is None
        assert raw.body == b"hello"
        assert await client.closed()


async def test_http10_keep_alive(aiohttp_raw_server: AiohttpRawServer) -> None:
    request = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    server = await aiohttp_raw_server(hello)
    async with bounded(), connect(server.port) as client:
        await client.send(request)
        first = await client.response()
        await client.send(request)
        second = await client.response()
    assert first.header("Connection") == "keep-alive"
    assert second.body == b"hello"


async def test_http10_stream_ends_with_the_connection(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    async def stream(request: BaseRequest) -> StreamResponse:
        resp = StreamResponse()
        await resp.prepare(request)
        await resp.write(b"part one, ")
        await resp.write(b"part two")
        return resp

    request = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    server = await aiohttp_raw_server(stream)
    async with bounded(), connect(server.port) as client:
        await client.send(request)
        raw = await client.response()
    assert raw.framing == "close"
    assert raw.header("Connection") is None
    assert raw.body == b"part one, part two"


async def test_chunked_stream_then_the_next_request(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    async def stream(request: BaseRequest) -> StreamResponse:
        resp = StreamResponse()
        resp.content_type = "text/plain"
        await resp.prepare(request)
        for i in range(5):
            await resp.write(b"chunk %d;" % i)
        await resp.write_eof()
        return resp

    server = await aiohttp_raw_server(stream)
    async with bounded(), connect(server.port) as client:
        await client.send(GET)
        first = await client.response()
        await client.send(GET)
        second = await client.response()
    assert first.framing == second.framing == "chunked"
    assert first.body == b"chunk 0;chunk 1;chunk 2;chunk 3;chunk 4;"
    assert second.body == first.body


@pytest.mark.parametrize(
    ("method", "status", "length"),
    [("HEAD", 200, "5"), ("GET", 204, None), ("GET", 304, "5")],
)
async def test_no_body_responses_keep_the_connection_in_step(
    aiohttp_raw_server: AiohttpRawServer, method: str, status: int, length: str | None
) -> None:
    async def handler(request: BaseRequest) -> Response:
        if request.path == "/next":
            return Response(text="next")
        return Response(status=status, body=b"12345")

    first_request = f"{method} / HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    server = await aiohttp_raw_server(handler)
    async with bounded(), connect(server.port) as client:
        await client.send(first_request)
        first = await client.response(head_request=method == "HEAD")
        await client.send(b"GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
        second = await client.response()
    assert first.status == status
    assert first.header("Content-Length") == length
    assert second.body == b"next"


async def test_compression_end_to_end(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    body = "compress me, " * 200

    async def handler(request: BaseRequest) -> Response:
        resp = Response(text=body)
        resp.enable_compression()
        return resp

    # No decompression: the test reads the gzip bytes themselves.
    client = await aiohttp_client(
        await aiohttp_raw_server(handler), auto_decompress=False
    )
    headers = {"Accept-Encoding": "br;q=0, zstd;q=0, gzip"}
    async with client.get("/", headers=headers) as response:
        assert response.headers.getall("Content-Encoding") == ["gzip"]
        assert gzip.decompress(await response.read()) == body.encode()


async def test_cookies_end_to_end(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def handler(request: BaseRequest) -> Response:
        resp = Response(text="x")
        resp.set_cookie("sid", "abc", httponly=True, samesite="Lax", secure=True)
        resp.set_cookie("chip", "1", secure=True, partitioned=True, path="/shop")
        resp.del_cookie("old")
        return resp

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    async with client.get("/") as response:
        assert response.headers.getall("Set-Cookie") == [
            "sid=abc; HttpOnly; Path=/; SameSite=Lax; Secure",
            "chip=1; Partitioned; Path=/shop; Secure",
            'old=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/',
        ]


async def test_json_response_end_to_end(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def handler(request: BaseRequest) -> Response:
        return json_response({"ok": True, "items": [1, 2, 3]}, status=201)

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    async with client.get("/") as response:
        assert response.version == HttpVersion11
        assert (response.status, response.reason) == (201, "Created")
        assert response.headers.getall("Content-Type") == [
            "application/json; charset=utf-8"
        ]
        assert json.loads(await response.read()) == {"ok": True, "items": [1, 2, 3]}


async def test_force_close_end_to_end(aiohttp_raw_server: AiohttpRawServer) -> None:
    async def handler(request: BaseRequest) -> Response:
        resp = Response(text="bye")
        resp.force_close()
        return resp

    server = await aiohttp_raw_server(handler)
    async with bounded(), connect(server.port) as client:
        await client.send(GET)
        raw = await client.response()
        assert raw.header("Connection") == "close"
        assert await client.closed()


async def test_header_splitting_never_reaches_the_client(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def handler(request: BaseRequest) -> Response:
        return Response(text="x", headers={"X-Echo": "a\r\nSet-Cookie: evil=1"})

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    async with client.get("/") as response:
        assert response.status == 500
        assert "Set-Cookie" not in response.headers
        assert "X-Echo" not in response.headers
    assert len(client.session.cookie_jar) == 0
