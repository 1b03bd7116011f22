"""The manual's Client Quickstart (§12.1.1), example by example.

The examples talk to httpbin.org and GitHub; here they talk to the
httpbin look-alike in ``client_httpbin`` on 127.0.0.1, so each URL is the
example's path on the test server (``server.make_url(path)``). What an example prints, the test asserts.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from client_httpbin import make_app
from yarl import URL

import aiohttp
from aiohttp import FormData, web
from aiohttp.base_protocol import BaseProtocol
from aiohttp.pytest_plugin import AiohttpServer
from aiohttp.streams import StreamReader


async def test_make_a_request(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.get(server.make_url("/events")) as resp:
            assert resp.status == 200
            assert '"created_at": "2015-06-12T14:06:22Z"' in await resp.text()


async def test_other_http_methods(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.post(server.make_url("/post"), data=b"data") as resp:
            assert (await resp.json())["data"] == "data"
        async with session.put(server.make_url("/put"), data=b"data") as resp:
            assert (await resp.json())["method"] == "PUT"
        async with session.delete(server.make_url("/delete")) as resp:
            assert (await resp.json())["method"] == "DELETE"
        async with session.head(server.make_url("/get")) as resp:
            assert resp.status == 200
            assert await resp.read() == b""
        async with session.options(server.make_url("/get")) as resp:
            assert (await resp.json())["method"] == "OPTIONS"
        async with session.patch(server.make_url("/patch"), data=b"data") as resp:
            body = await resp.json()
            assert (body["method"], body["data"]) == ("PATCH", "data")


async def test_params_from_a_dict_pairs_and_a_string(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        params = {"key1": "value1", "key2": "value2"}
        async with session.get(server.make_url("/get"), params=params) as resp:
            assert (
                str(resp.url)
                == f"http://127.0.0.1:{server.port}/get?key1=value1&key2=value2"
            )
            assert (await resp.json())["args"] == params
        pairs = [("key", "value1"), ("key", "value2")]
        async with session.get(server.make_url("/get"), params=pairs) as resp:
            assert (
                str(resp.url)
                == f"http://127.0.0.1:{server.port}/get?key=value1&key=value2"
            )
        async with session.get(server.make_url("/get"), params="key=value+1") as resp:
            assert str(resp.url) == f"http://127.0.0.1:{server.port}/get?key=value+1"


async def test_url_canonization_and_encoded_urls(aiohttp_server: AiohttpServer) -> None:
    async def raw_path(request: web.Request) -> web.Response:
        return web.Response(text=request.raw_path)

    app = web.Application()
    app.router.add_get("/{tail:.*}", raw_path)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        async with session.get(
            URL(f"http://127.0.0.1:{server.port}/%30?a=%31")
        ) as resp:
            assert await resp.text() == "/0?a=1"
        async with session.get(
            URL(f"http://127.0.0.1:{server.port}/%30", encoded=True)
        ) as resp:
            assert await resp.text() == "/%30"


async def test_response_content_text_binary_and_custom_encoding(
    aiohttp_server: AiohttpServer,
) -> None:
    async def cyrillic(request: web.Request) -> web.Response:
        return web.Response(body="привет".encode("windows-1251"))

    app = make_app()
    app.router.add_get("/cp1251", cyrillic)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        async with session.get(server.make_url("/cp1251")) as resp:
            assert await resp.text(encoding="windows-1251") == "привет"
            assert await resp.read() == "привет".encode("windows-1251")


async def test_gzip_and_deflate_are_decoded(aiohttp_server: AiohttpServer) -> None:
    async def compressed(request: web.Request) -> web.Response:
        response = web.Response(text="squeezed " * 100)
        response.enable_compression(web.ContentCoding(request.match_info["coding"]))
        return response

    app = web.Application()
    app.router.add_get("/{coding}", compressed)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        for coding in ("gzip", "deflate"):
            async with session.get(server.make_url(f"/{coding}")) as resp:
                assert resp.headers["Content-Encoding"] == coding
                assert await resp.text() == "squeezed " * 100


async def test_json_request_with_the_default_and_a_custom_serializer(
    aiohttp_server: AiohttpServer,
) -> None:
    calls: list[object] = []

    def dumps(obj: object) -> str:
        calls.append(obj)
        return json.dumps(obj)

    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.post(
            server.make_url("/post"), json={"test": "object"}
        ) as resp:
            body = await resp.json()
            assert body["json"] == {"test": "object"}
            assert body["headers"]["Content-Type"] == "application/json"
    async with aiohttp.ClientSession(json_serialize=dumps) as session:
        async with session.post(
            server.make_url("/post"), json={"test": "object"}
        ) as resp:
            assert (await resp.json())["json"] == {"test": "object"}
    assert calls == [{"test": "object"}]


async def test_json_response_content(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.get(server.make_url("/events")) as resp:
            events = await resp.json()
    assert events[0]["created_at"] == "2015-06-12T14:06:22Z"


async def test_streaming_response_content(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    size = 300_000
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.get(server.make_url("/big"), params={"size": size}) as resp:
            assert await resp.content.read(10) == bytes(range(10))
        filename = tmp_path / "download"
        async with session.get(server.make_url("/big"), params={"size": size}) as resp:
            with filename.open("wb") as fd:
                while True:
                    chunk = await resp.content.read(1024)
                    if not chunk:
                        break
                    fd.write(chunk)
    expected = (bytes(range(256)) * 2000)[:size]
    assert filename.read_bytes() == expected


async def test_form_encoded_binary_and_json_posts(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        payload = {"key1": "value1", "key2": "value2"}
        async with session.post(server.make_url("/post"), data=payload) as resp:
            assert (await resp.json())["form"] == payload
        async with session.post(
            server.make_url("/post"), data=b"\x00Binary-data\x00"
        ) as resp:
            body = await resp.json()
            assert body["headers"]["Content-Type"] == "application/octet-stream"
            assert body["data"] == "\x00Binary-data\x00"
        async with session.post(
            server.make_url("/post"), json={"example": "test"}
        ) as resp:
            assert (await resp.json())["json"] == {"example": "test"}


async def test_multipart_encoded_file(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    report = tmp_path / "report.xls"
    report.write_bytes(b"spreadsheet")
    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        with report.open("rb") as f:
            async with session.post(server.make_url("/post"), data={"file": f}) as resp:
                assert (await resp.json())["files"] == {"file": "spreadsheet"}
        data = FormData()
        with report.open("rb") as f:
            data.add_field(
                "file",
                f,
                filename="report.xls",
                content_type="application/vnd.ms-excel",
            )
            async with session.post(server.make_url("/post"), data=data) as resp:
                assert (await resp.json())["files"] == {"file": "spreadsheet"}


async def test_streaming_uploads(tmp_path: Path, aiohttp_server: AiohttpServer) -> None:
    massive = tmp_path / "massive-body"
    content = bytes(range(256)) * 4096  # 1 MiB
    massive.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()

    async def file_sender(file_name: Path) -> AsyncIterator[bytes]:
        # The async-generator form replaces the deprecated @aiohttp.streamer.
        with file_name.open("rb") as f:
            while chunk := f.read(2**16):
                yield chunk

    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        with massive.open("rb") as f:
            async with session.post(server.make_url("/post"), data=f) as resp:
                assert (await resp.json())["sha256"] == digest
        async with session.post(
            server.make_url("/post"), data=file_sender(file_name=massive)
        ) as resp:
            assert (await resp.json())["sha256"] == digest


async def test_streamer_decorator_still_works_and_warns(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    huge = tmp_path / "huge_file"
    huge.write_bytes(b"z" * 200_000)

    with pytest.warns(DeprecationWarning, match="streamer"):

        @aiohttp.streamer
        async def file_sender(
            writer: aiohttp.abc.AbstractStreamWriter, file_name: Path
        ) -> None:
            with file_name.open("rb") as f:
                while chunk := f.read(2**16):
                    await writer.write(chunk)

    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        async with session.post(
            server.make_url("/post"), data=file_sender(file_name=huge)
        ) as resp:
            assert (await resp.json())["data"] == "z" * 200_000


async def test_stream_reader_and_chained_response_content_as_data(
    aiohttp_server: AiohttpServer,
) -> None:
    size = 500_000
    expected = hashlib.sha256((bytes(range(256)) * 2000)[:size]).hexdigest()

    async def feed_stream(resp: aiohttp.ClientResponse, stream: StreamReader) -> str:
        h = hashlib.sha256()
        while True:
            chunk = await resp.content.readany()
            if not chunk:
                break
            h.update(chunk)
            stream.feed_data(chunk)
        stream.feed_eof()
        return h.hexdigest()

    server = await aiohttp_server(make_app())
    async with aiohttp.ClientSession() as session:
        loop = asyncio.get_running_loop()
        async with session.get(server.make_url("/big"), params={"size": size}) as resp:
            stream = StreamReader(BaseProtocol(loop), 2**16, loop=loop)
            upload = asyncio.ensure_future(
                session.post(server.make_url("/post"), data=stream)
            )
            file_hash = await feed_stream(resp, stream)
            async with await upload as posted:
                assert (await posted.json())["sha256"] == file_hash == expected

        async with session.get(server.make_url("/big"), params={"size": size}) as r:
            async with session.post(server.make_url("/post"), data=r.content) as posted:
                assert (await posted.json())["sha256"] == expected


async def test_websockets(aiohttp_server: AiohttpServer) -> None:
    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str("hello")
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                if msg.data == "hello/answer":
                    await ws.send_str("close cmd")
        return ws

    app = web.Application()
    app.router.add_get("/websocket", echo)
    seen: list[str] = []
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(server.make_url("/websocket")) as ws:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    seen.append(msg.data)
                    if msg.data == "close cmd":
                        await ws.close()
                        break
                    await ws.send_str(msg.data + "/answer")
                elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
        assert ws.closed
    assert seen == ["hello", "close cmd"]


async def test_timeouts_per_request_and_around_the_call(
    aiohttp_server: AiohttpServer,
) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/slow", slow)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(
                server.make_url("/slow"), timeout=aiohttp.ClientTimeout(0.1)
            )
        # The example's async_timeout.timeout(...) block, with asyncio's own.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(session.get(server.make_url("/slow")), 0.1)
        release.set()
        async with session.get(server.make_url("/slow"), timeout=60) as r:
            assert await r.text() == "late"
