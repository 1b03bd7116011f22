"""The manual's examples outside the client chapters that need the client.

"Working with Multipart" (§12.3.2: reading a multipart response, sending a
MultipartWriter) and the FAQ (§12.4.9 a request from a specific local
address, §12.4.13 a ClientSession inside a web server), against aiotide-web
on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer


async def _multipart_document(request: web.Request) -> web.Response:
    with aiohttp.MultipartWriter("mixed") as mpwriter:
        mpwriter.append_json({"document": "meta"})
        mpwriter.append("the attachment you want", {"X-Name": "wanted"})
        mpwriter.append("one you do not", {"X-Name": "skipped"})
    return web.Response(body=mpwriter)


async def test_reading_a_multipart_response(aiohttp_client: AiohttpClient) -> None:
    app = web.Application()
    app.router.add_get("/doc", _multipart_document)
    client = await aiohttp_client(app)
    async with client.get("/doc") as resp:
        reader = aiohttp.MultipartReader.from_response(resp)
        metadata = None
        wanted = None
        while True:
            part = await reader.next()
            if part is None:
                break
            assert isinstance(part, aiohttp.BodyPartReader)
            if part.headers[aiohttp.hdrs.CONTENT_TYPE] == "application/json":
                metadata = await part.json()
                continue
            if part.headers.get("X-Name") == "wanted":
                wanted = await part.text()
                continue
            await part.release()
    assert metadata == {"document": "meta"}
    assert wanted == "the attachment you want"


async def test_sending_a_multipart_writer(aiohttp_client: AiohttpClient) -> None:
    seen: list[tuple[str, str | None, str]] = []

    async def upload(request: web.Request) -> web.Response:
        reader = await request.multipart()
        async for part in reader:
            assert isinstance(part, aiohttp.BodyPartReader)
            seen.append(
                (
                    part.headers[aiohttp.hdrs.CONTENT_TYPE],
                    part.headers.get(aiohttp.hdrs.CONTENT_LENGTH),
                    await part.text(),
                )
            )
        return web.Response(text="stored")

    app = web.Application()
    app.router.add_post("/upload", upload)
    client = await aiohttp_client(app)
    with aiohttp.MultipartWriter("form-data") as mpwriter:
        mpwriter.append_json({"test": "passed"})
        mpwriter.append_form([("key", "value")])
    async with client.post("/upload", data=mpwriter) as resp:
        assert await resp.text() == "stored"

    # "Hacking Multipart": parts without Content-Length, for servers
    # that choke on it.
    with aiohttp.MultipartWriter("form-data") as mpwriter:
        mpwriter.append_json({"test": "hacked"})
    for part in mpwriter:
        part.headers.pop(aiohttp.hdrs.CONTENT_LENGTH, None)
    async with client.post("/upload", data=mpwriter) as resp:
        assert await resp.text() == "stored"

    (json_type, _, json_text), (form_type, _, form_text), hacked = seen
    assert (json_type, json.loads(json_text)) == (
        "application/json",
        {"test": "passed"},
    )
    assert (form_type, form_text) == ("application/x-www-form-urlencoded", "key=value")
    assert hacked[1] is None
    assert json.loads(hacked[2]) == {"test": "hacked"}


async def test_request_from_a_specific_local_address(
    aiohttp_server: AiohttpServer,
) -> None:
    async def peer(request: web.Request) -> web.Response:
        assert request.transport is not None
        host, port = request.transport.get_extra_info("peername")[:2]
        return web.json_response({"host": host, "port": port})

    app = web.Application()
    app.router.add_get("/peer", peer)
    server = await aiohttp_server(app)
    conn = aiohttp.TCPConnector(local_addr=("127.0.0.1", 0))
    async with aiohttp.ClientSession(connector=conn) as session:
        async with session.get(server.make_url("/peer")) as resp:
            assert (await resp.json())["host"] == "127.0.0.1"


SESSION = web.AppKey("session", aiohttp.ClientSession)


async def test_one_client_session_for_the_lifetime_of_the_server(
    aiohttp_server: AiohttpServer, aiohttp_client: AiohttpClient
) -> None:
    async def backend(request: web.Request) -> web.Response:
        return web.Response(text="from the backend")

    backend_app = web.Application()
    backend_app.router.add_get("/", backend)
    backend_url = (await aiohttp_server(backend_app)).make_url("/")

    async def client_session(app: web.Application) -> AsyncIterator[None]:
        # No cookie processing needed: a DummyCookieJar, as the FAQ says.
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar()
        ) as session:
            app[SESSION] = session
            yield

    async def proxy(request: web.Request) -> web.Response:
        async with request.app[SESSION].get(backend_url) as resp:
            return web.Response(text=await resp.text())

    app = web.Application()
    app.cleanup_ctx.append(client_session)
    app.router.add_get("/", proxy)
    client = await aiohttp_client(app)
    for _ in range(3):
        async with client.get("/") as resp:
            assert await resp.text() == "from the backend"
    await client.close()  # shuts the application down: cleanup_ctx ends
    assert app[SESSION].closed


async def test_separate_sessions_on_one_connector(
    aiohttp_server: AiohttpServer,
) -> None:
    async def count(request: web.Request) -> web.Response:
        hits = int(request.cookies.get("hits", "0")) + 1
        response = web.Response(text=str(hits))
        response.set_cookie("hits", str(hits))
        return response

    app = web.Application()
    app.router.add_get("/", count)
    # A host name, not an IP address: the default jar keeps its cookies.
    base = (await aiohttp_server(app, host="localhost")).make_url("/")
    connector = aiohttp.TCPConnector()
    try:
        answers = []
        for _ in range(2):  # two logical chains, cookies kept apart
            async with aiohttp.ClientSession(
                connector=connector, connector_owner=False
            ) as session:
                for _ in range(2):
                    async with session.get(base) as resp:
                        answers.append(await resp.text())
        assert answers == ["1", "2", "1", "2"]
        assert not connector.closed
    finally:
        await connector.close()
