"""ClientResponse against real servers: the head, the body, the connection."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from client_harness import raw_server, read_head, read_request, response
from client_reqrep_wire import (
    WireConnection,
    as_connection,
    exchange,
    open_connection,
    wait_idle,
)
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp import web
from aiohttp._client_timeout import ClientTimeout
from aiohttp.client_exceptions import (
    ClientConnectionError,
    ClientResponseError,
    ContentTypeError,
    ServerDisconnectedError,
)
from aiohttp.client_reqrep import (
    ClientRequest,
    ClientResponse,
    ContentDisposition,
    RequestInfo,
)
from aiohttp.connector import TCPConnector
from aiohttp.http import HttpVersion10, HttpVersion11
from aiohttp.pytest_plugin import AiohttpServer

Answer = bytes | Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Session:
    """The part of a session a response asks: the fallback charset."""

    def __init__(self, charset: str = "utf-8") -> None:
        self.calls: list[bytes] = []
        self.charset = charset

    def _resolve_charset(self, response: ClientResponse, body: bytes) -> str:
        self.calls.append(body)
        return self.charset


def answering(
    answer: bytes,
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            writer.write(answer)
            await writer.drain()

    return handler


async def fetch(
    answer: Answer,
    test: Callable[[ClientResponse, WireConnection], Awaitable[None]],
    *,
    method: str = "GET",
    path: str = "/",
    session: Any = None,
    **params: Any,
) -> None:
    handler = answering(answer) if isinstance(answer, bytes) else answer
    async with raw_server(handler) as server:
        url = URL(str(server.url) + path)
        req = ClientRequest(
            method, url, loop=asyncio.get_running_loop(), session=session
        )
        async with open_connection(
            server.url, skip_payload=method == "HEAD", **params
        ) as conn:
            resp = await exchange(req, conn)
            try:
                await test(resp, conn)
            finally:
                resp.close()
        await wait_idle(server)


def gated(
    head: bytes, body: bytes, gate: asyncio.Event
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    """A server that sends ``head`` at once and ``body`` once ``gate`` is set.

    It ends when the client closes, whether the gate opened or not.
    """

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(head)
        await writer.drain()
        opened = asyncio.ensure_future(gate.wait())
        closed = asyncio.ensure_future(reader.read())
        try:
            await asyncio.wait((opened, closed), return_when=asyncio.FIRST_COMPLETED)
            if opened.done() and not closed.done():
                writer.write(body)
                await writer.drain()
            await closed
        finally:
            opened.cancel()
            closed.cancel()

    return handler


def state(conn: WireConnection) -> bool | None:
    """How the connection ended: clean release, close, or not yet."""
    return conn.released_clean


# -- the head ----------------------------------------------------------------------


async def test_head_attributes() -> None:
    gate = asyncio.Event()
    answer = gated(
        b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-Multi: 1\r\nX-Multi: 2\r\n"
        b"Content-Type: Text/HTML; charset=UTF-8\r\n\r\n",
        b"hi",
        gate,
    )

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert resp.status == 201
        assert resp.reason == "Created"
        assert resp.ok
        assert resp.version == HttpVersion11
        assert resp.method == "GET"
        assert resp.url.path == "/p"
        assert resp.real_url.fragment == "frag"
        assert resp.url.fragment == ""
        assert resp.host == "127.0.0.1"
        assert isinstance(resp.headers, CIMultiDictProxy)
        assert resp.headers.getall("x-multi") == ["1", "2"]
        assert resp.raw_headers == (
            (b"Content-Length", b"2"),
            (b"X-Multi", b"1"),
            (b"X-Multi", b"2"),
            (b"Content-Type", b"Text/HTML; charset=UTF-8"),
        )
        assert resp.content_type == "text/html"
        assert resp.charset == "UTF-8"
        assert resp.content_length == 2
        assert resp.history == ()
        assert resp.connection is as_connection(conn)
        assert isinstance(resp.request_info, RequestInfo)
        assert resp.request_info.method == "GET"
        assert resp.request_info.real_url.fragment == "frag"
        assert resp.content_disposition is None
        gate.set()
        assert await resp.read() == b"hi"
        assert resp.connection is None

    await fetch(answer, test, path="/p#frag")


async def test_defaults_without_content_type() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert resp.content_type == "application/octet-stream"
        assert resp.charset is None
        assert resp.content_length == 0

    await fetch(response(), test)


async def test_http10_response_version() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert resp.version == HttpVersion10
        assert await resp.read() == b"old"

    await fetch(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold", test)


async def test_repr() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        text = repr(resp)
        first, second, end = text.split("\n")
        assert first == f"<ClientResponse({resp.url}) [418 I'm a te\\xe1pot]>"
        assert second.startswith("<CIMultiDictProxy(")
        assert end == ""

    await fetch("HTTP/1.1 418 I'm a teápot\r\nContent-Length: 0\r\n\r\n".encode(), test)


async def test_interim_responses_are_skipped() -> None:
    answer = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        + response(b"final", "200 OK")
    )

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert resp.status == 200
        assert "Link" not in resp.headers
        assert await resp.read() == b"final"

    await fetch(answer, test)


async def test_switching_protocols_is_the_answer() -> None:
    answer = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert resp.status == 101
        assert conn.handler.upgraded

    await fetch(answer, test)


async def test_malformed_head_is_client_response_error() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 OK nonsense\r\n\r\n")
        await writer.drain()
        await reader.read()

    async with raw_server(handler) as server:
        req = ClientRequest("GET", server.url, loop=asyncio.get_running_loop())
        async with open_connection(server.url) as conn:
            with pytest.raises(ClientResponseError) as info:
                await exchange(req, conn)
    assert info.value.status == 400
    assert info.value.request_info.url == server.url
    assert info.value.message


async def test_server_closing_before_head() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)

    async with raw_server(handler) as server:
        req = ClientRequest("GET", server.url, loop=asyncio.get_running_loop())
        async with open_connection(server.url) as conn:
            with pytest.raises(ServerDisconnectedError):
                await exchange(req, conn)


# -- the connection -------------------------------------------------------------------


async def test_connection_released_clean_once_body_read() -> None:
    gate = asyncio.Event()

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert state(conn) is None
        assert not resp.closed
        gate.set()
        assert await resp.read() == b"body"
        assert state(conn) is True
        assert resp.connection is None
        assert resp.closed

    await fetch(
        gated(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n", b"body", gate), test
    )


async def test_connection_released_as_soon_as_body_received() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        # The whole body came with the head: the connection is back already,
        # and the body stays readable.
        assert conn.released_clean is True
        assert resp.connection is None
        assert await resp.read() == b"body"

    await fetch(response(b"body"), test)


async def test_connection_released_when_body_streamed_to_the_end() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        chunks = [chunk async for chunk in resp.content.iter_chunked(3)]
        assert b"".join(chunks) == b"streamed body"
        assert await asyncio.wait_for(conn.released, 5) is True

    await fetch(response(b"streamed body"), test)


async def test_release_before_body_read_closes_connection() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        await writer.drain()
        await reader.read()

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.content.readexactly(7) == b"partial"
        await resp.release()
        assert conn.released_clean is False
        with pytest.raises(ClientConnectionError, match="Connection closed"):
            await resp.content.read()
        with pytest.raises(ClientConnectionError, match="Connection closed"):
            await resp.read()

    await fetch(handler, test)


async def test_close_closes_connection() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        resp.close()
        assert conn.released_clean is False
        assert resp.closed
        resp.close()  # twice is fine

    await fetch(
        gated(
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n", b"unread", asyncio.Event()
        ),
        test,
    )


async def test_release_after_read_keeps_body() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.read() == b"abc"
        resp.release()
        assert conn.released_clean is True
        assert await resp.text() == "abc"

    await fetch(response(b"abc"), test)


async def test_context_manager_releases() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        async with resp as entered:
            assert entered is resp
            assert conn.released_clean is None
        assert conn.released_clean is False  # body never read

    await fetch(
        gated(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", b"abc", asyncio.Event()),
        test,
    )


async def test_body_error_closes_connection() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        await writer.drain()
        await reader.read()

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        with pytest.raises(Exception):  # noqa: B017, PT011 - the protocol's payload error
            await resp.read()
        assert conn.released_clean is False

    await fetch(handler, test)


async def test_wait_for_close() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        await resp.wait_for_close()
        assert resp.closed

    await fetch(response(b""), test)


async def test_unclosed_response_warns_and_releases() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda loop, context: contexts.append(context))
    gate = asyncio.Event()
    async with raw_server(
        gated(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", b"abc", gate)
    ) as server:
        req = ClientRequest("GET", server.url, loop=loop)
        async with open_connection(server.url) as conn:
            resp = await exchange(req, conn)
            # The body stream (held by the live connection) refers to the
            # response until the connection fails it.
            transport = conn.transport
            assert transport is not None
            transport.abort()
            await asyncio.sleep(0.01)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                del resp, req  # the request keeps its response too
                gc.collect()
            messages = [
                str(item.message) for item in caught if item.category is ResourceWarning
            ]
            assert len(messages) == 1
            assert messages[0].startswith("Unclosed response <ClientResponse(")
            assert conn.released_clean is False
        await wait_idle(server)
    ours = [context for context in contexts if "client_response" in context]
    assert [context["message"] for context in ours] == ["Unclosed response"]


# -- reading ----------------------------------------------------------------------------


async def test_read_is_cached() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        first = await resp.read()
        assert first == b"once"
        assert await resp.read() is first

    await fetch(response(b"once"), test)


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/plain; charset=windows-1251", "привет".encode("cp1251"), "привет"),
        ('text/plain; charset="latin-1"', "é".encode("latin-1"), "é"),
        ("application/json", "ü".encode(), "ü"),
        ("application/problem+json; charset=nonsense", "ü".encode(), "ü"),
    ],
)
async def test_text_uses_header_charset(
    content_type: str, body: bytes, text: str
) -> None:
    session = Session(charset="ascii")

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.text() == text
        assert session.calls == []

    await fetch(
        response(body, "200 OK", f"Content-Type: {content_type}"), test, session=session
    )


async def test_text_without_charset_asks_the_session() -> None:
    session = Session(charset="cp1251")
    body = "текст".encode("cp1251")

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.text() == "текст"
        assert session.calls == [body]
        assert resp.get_encoding() == "cp1251"

    await fetch(
        response(body, "200 OK", "Content-Type: text/plain"), test, session=session
    )


async def test_text_without_charset_or_session_is_utf8() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        with pytest.raises(RuntimeError, match="not yet read body"):
            resp.get_encoding()
        assert await resp.text() == "ü"
        assert resp.get_encoding() == "utf-8"

    await fetch(response("ü".encode()), test)


async def test_unknown_charset_falls_back() -> None:
    session = Session()

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.text() == "ok"
        assert session.calls == [b"ok"]

    await fetch(
        response(b"ok", "200 OK", "Content-Type: text/plain; charset=no-such"),
        test,
        session=session,
    )


async def test_text_explicit_encoding_and_errors() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.text("latin-1") == "ÿ"
        with pytest.raises(UnicodeDecodeError):
            await resp.text("utf-8")
        assert await resp.text("utf-8", errors="replace") == "\ufffd"

    await fetch(
        response(b"\xff", "200 OK", "Content-Type: text/plain; charset=utf-8"), test
    )


async def test_json() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.json() == {"a": [1, "é"]}

    body = json.dumps({"a": [1, "é"]}).encode()
    await fetch(response(body, "200 OK", "Content-Type: application/json"), test)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "APPLICATION/JSON",
    ],
)
async def test_json_content_types_accepted(content_type: str) -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.json() == [1]

    await fetch(response(b"[1]", "200 OK", f"Content-Type: {content_type}"), test)


async def test_json_wrong_content_type() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        with pytest.raises(ContentTypeError) as info:
            await resp.json()
        error = info.value
        assert error.status == 200
        assert (
            error.message
            == "Attempt to decode JSON with unexpected mimetype: text/html"
        )
        assert error.headers is not None
        assert error.headers["Content-Type"] == "text/html"
        assert error.request_info is resp.request_info
        assert await resp.json(content_type=None) == {"a": 1}
        assert await resp.json(content_type="text/html") == {"a": 1}
        with pytest.raises(ContentTypeError):
            await resp.json(content_type="application/xml")

    await fetch(response(b'{"a": 1}', "200 OK", "Content-Type: text/html"), test)


async def test_json_without_content_type_is_refused() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        with pytest.raises(ContentTypeError, match="application/octet-stream"):
            await resp.json()

    await fetch(response(b"{}"), test)


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
async def test_json_empty_body_is_none(body: bytes) -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.json() is None

    await fetch(response(body, "200 OK", "Content-Type: application/json"), test)


async def test_json_loads_and_encoding() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert await resp.json(loads=lambda text: ("loaded", text)) == ("loaded", '"é"')
        assert await resp.json(encoding="latin-1") == "Ã©"

    await fetch(
        response(' "é" '.encode(), "200 OK", "Content-Type: application/json"), test
    )


async def test_invalid_json_raises_decoder_error() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        with pytest.raises(json.JSONDecodeError):
            await resp.json()

    await fetch(response(b"{nope", "200 OK", "Content-Type: application/json"), test)


async def test_head_response_has_empty_body() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert resp.content_length == 5
        assert await resp.read() == b""
        assert conn.released_clean is True

    await fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", test, method="HEAD")


# -- raise_for_status -----------------------------------------------------------------


async def test_raise_for_status_ok_does_nothing() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        resp.raise_for_status()
        assert conn.released_clean is None

    await fetch(
        gated(
            b"HTTP/1.1 399 Whatever\r\nContent-Length: 1\r\n\r\n", b"x", asyncio.Event()
        ),
        test,
    )


async def test_raise_for_status_error_releases() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert not resp.ok
        with pytest.raises(ClientResponseError) as info:
            resp.raise_for_status()
        error = info.value
        assert error.status == 404
        assert error.message == "Not Found"
        assert error.headers is resp.headers
        assert error.history == ()
        assert error.request_info is resp.request_info
        assert (
            str(error)
            == f"404, message='Not Found', url='{resp.request_info.real_url}'"
        )
        assert conn.released_clean is False

    await fetch(
        gated(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\n",
            b"x",
            asyncio.Event(),
        ),
        test,
    )


async def test_raise_for_status_in_context_leaves_release_to_exit() -> None:
    gate = asyncio.Event()

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        async with resp:
            with pytest.raises(ClientResponseError):
                resp.raise_for_status()
            assert state(conn) is None
            gate.set()
            assert await resp.text() == "boom"
        assert state(conn) is True

    head = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\n"
    await fetch(gated(head, b"boom", gate), test)


# -- what the headers say ---------------------------------------------------------------


async def test_links() -> None:
    answer = response(
        b"",
        "200 OK",
        'Link: <https://api.example/items?page=2>; rel="next", </items?page=9>; rel=last',
        'Link: <chapter2.html>; title="Chapter, two"; rel=next',
        "Link: </no-rel>; type=text/html",
    )

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        links = resp.links
        assert [key for key, _ in links.items()] == ["next", "last", "next", "/no-rel"]
        first = links["next"]
        assert first["rel"] == "next"
        assert first["url"] == URL("https://api.example/items?page=2")
        assert links["last"]["url"] == resp.url.join(URL("/items?page=9"))
        chapter = links.getall("next")[1]
        assert chapter["title"] == "Chapter, two"
        assert chapter["url"] == resp.url.join(URL("chapter2.html"))
        assert links["/no-rel"]["type"] == "text/html"
        assert resp.links is links

    await fetch(answer, test, path="/base/index")


async def test_no_links() -> None:
    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        assert len(resp.links) == 0

    await fetch(response(), test)


async def test_cookies(caplog: pytest.LogCaptureFixture) -> None:
    answer = response(
        b"",
        "200 OK",
        "Set-Cookie: session=abc; Path=/; HttpOnly",
        "Set-Cookie: theme=dark; Max-Age=60; Domain=example.com",
        "Set-Cookie: =novalue",
        "Set-Cookie: broken",
    )

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        with caplog.at_level(logging.WARNING, logger="aiohttp.client"):
            cookies = resp.cookies
        assert sorted(cookies) == ["session", "theme"]
        assert cookies["session"].value == "abc"
        assert cookies["session"]["httponly"] is True
        assert cookies["theme"]["max-age"] == "60"
        assert cookies["theme"]["domain"] == "example.com"
        assert resp.cookies is cookies
        messages = [record.getMessage() for record in caplog.records]
        assert len(messages) == 2
        assert all("Can not load response cookies" in message for message in messages)

    await fetch(answer, test)


async def test_content_disposition() -> None:
    answer = response(
        b"",
        "200 OK",
        "Content-Disposition: attachment; filename=\"report.pdf\"; filename*=UTF-8''r%C3%A9port.pdf",
    )

    async def test(resp: ClientResponse, conn: WireConnection) -> None:
        disposition = resp.content_disposition
        assert isinstance(disposition, ContentDisposition)
        assert disposition.type == "attachment"
        assert disposition.value == "attachment"
        assert disposition.filename == "réport.pdf"
        assert disposition.parameters["filename"] == "report.pdf"
        with pytest.raises(TypeError):
            disposition.parameters["x"] = "y"  # type: ignore[index]
        assert resp.content_disposition is disposition

    await fetch(answer, test)


# -- against the web server --------------------------------------------------------------


async def test_against_web_server_json_and_text(
    aiohttp_server: AiohttpServer,
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path == "/json":
            return web.json_response(
                {"method": request.method, "q": request.query.get("q")}
            )
        return web.Response(text="Привет", charset="koi8-r")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    server = await aiohttp_server(app)
    loop = asyncio.get_running_loop()
    async with open_connection(server.make_url("/")) as conn:
        url = server.make_url("/json")
        req = ClientRequest("POST", url, params={"q": "v"}, loop=loop)
        resp = await exchange(req, conn)
        async with resp:
            assert resp.content_type == "application/json"
            assert await resp.json() == {"method": "POST", "q": "v"}
        assert conn.released_clean is True
    async with open_connection(server.make_url("/")) as conn:
        req = ClientRequest("GET", server.make_url("/text"), loop=loop)
        resp = await exchange(req, conn)
        async with resp:
            assert resp.charset == "koi8-r"
            assert await resp.text() == "Привет"


async def test_against_web_server_streamed_body(
    aiohttp_server: AiohttpServer,
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        answer = web.StreamResponse()
        answer.enable_chunked_encoding()
        await answer.prepare(request)
        for index in range(50):
            await answer.write(b"%03d," % index)
        await answer.write_eof()
        return answer

    app = web.Application()
    app.router.add_get("/", handler)
    url = (await aiohttp_server(app)).make_url("/")
    async with open_connection(url) as conn:
        resp = await exchange(
            ClientRequest("GET", url, loop=asyncio.get_running_loop()), conn
        )
        async with resp:
            body = b""
            async for chunk in resp.content.iter_any():
                body += chunk
            assert body == b"".join(b"%03d," % index for index in range(50))
        assert conn.released_clean is True


async def test_against_web_server_upload_and_echo(
    aiohttp_server: AiohttpServer,
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        data = await request.read()
        return web.Response(body=data[::-1])

    async def gen() -> AsyncIterator[bytes]:
        for index in range(20):
            yield b"%02d" % index

    app = web.Application()
    app.router.add_post("/", handler)
    url = (await aiohttp_server(app)).make_url("/")
    async with open_connection(url) as conn:
        req = ClientRequest("POST", url, data=gen(), loop=asyncio.get_running_loop())
        resp = await exchange(req, conn)
        async with resp:
            assert (
                await resp.read()
                == b"".join(b"%02d" % index for index in range(20))[::-1]
            )
        await req.close()
        assert conn.released_clean is True


# -- RequestInfo ----------------------------------------------------------------------------


def test_request_info_real_url_defaults_to_url() -> None:
    headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict(a="1"))
    info = RequestInfo(URL("http://h/"), "GET", headers)
    assert info.real_url == URL("http://h/")
    other = RequestInfo(URL("http://h/"), "GET", headers, URL("http://h/#f"))
    assert other.real_url == URL("http://h/#f")
    assert info == (URL("http://h/"), "GET", headers, URL("http://h/"))
    assert info._replace(method="POST").method == "POST"


# -- with the real pool ---------------------------------------------------------------


async def test_pool_reuses_connection_only_after_full_body() -> None:
    loop = asyncio.get_running_loop()
    gate = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                head, _ = await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            if b"/partial" in head.split(b"\r\n")[0]:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                await writer.drain()
                await gate.wait()
            else:
                writer.write(response(b"full"))
                await writer.drain()

    async with raw_server(handler) as server:
        connector = TCPConnector()
        try:

            async def get(path: str) -> ClientResponse:
                req = ClientRequest("GET", server.url / path, loop=loop)
                conn = await connector.connect(req, [], ClientTimeout())
                protocol = conn.protocol
                assert protocol is not None
                protocol.set_response_params()
                resp = await req.send(conn)
                await asyncio.wait_for(resp.start(conn), 10)
                return resp

            first = await get("a")
            assert await first.read() == b"full"
            second = await get("b")
            assert await second.read() == b"full"
            assert server.accepted == 1  # the first connection came back clean

            partial = await get("partial")
            assert await partial.content.readexactly(3) == b"abc"
            partial.release()  # 7 bytes still due: the connection is closed
            third = await get("c")
            assert await third.read() == b"full"
            assert server.accepted == 2
            gate.set()
        finally:
            await connector.close()
        await wait_idle(server)
