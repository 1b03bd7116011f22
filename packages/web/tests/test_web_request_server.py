"""aiohttp.web_request end to end: a low-level handler on ``aiohttp_raw_server``.

Most tests talk to it with a raw client (``asyncio.open_connection``) that
writes requests byte by byte as a real one would and reads the answers off
the wire, so they see the ``100 Continue`` interim responses, the 413
refusals and what the handler made of every request property, header by
header. Those where the bytes are not the point use ``aiohttp_client``.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import ssl
from pathlib import Path
from typing import Any

import pytest
from tls_certificate import self_signed_certificate
from web_request_harness import bounded, limited, raw_client

from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_exceptions import HTTPRequestEntityTooLarge
from aiohttp.web_request import BaseRequest, FileField
from aiohttp.web_response import Response, StreamResponse

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
BOUNDARY = "xYzZY"


def request_bytes(
    target: str = "/",
    *headers: str,
    method: str = "GET",
    body: bytes = b"",
    version: str = "1.1",
) -> bytes:
    lines = [f"{method} {target} HTTP/{version}", "Host: example.com:8080", *headers]
    return ("\r\n".join([*lines, "", ""])).encode("latin-1") + body


def json_answer(data: Any) -> Response:
    return Response(text=json.dumps(data), content_type="application/json")


async def echo_body(request: BaseRequest) -> StreamResponse:
    return Response(body=await request.read())


# -- the head as the handler sees it -------------------------------------------------


async def describe(request: BaseRequest) -> StreamResponse:
    return json_answer(
        {
            "method": request.method,
            "version": list(request.version),
            "path": request.path,
            "raw_path": request.raw_path,
            "path_qs": request.path_qs,
            "query": list(request.query.items()),
            "query_string": request.query_string,
            "host": request.host,
            "scheme": request.scheme,
            "secure": request.secure,
            "url": str(request.url),
            "remote": request.remote,
            "keep_alive": request.keep_alive,
            "content_type": request.content_type,
            "charset": request.charset,
            "content_length": request.content_length,
            "body_exists": request.body_exists,
            "can_read_body": request.can_read_body,
            "headers": list(request.headers.items()),
            "raw_headers": [
                [name.decode(), value.decode()] for name, value in request.raw_headers
            ],
        }
    )


async def test_every_head_property(aiohttp_raw_server: AiohttpRawServer) -> None:
    server = await aiohttp_raw_server(describe)
    async with raw_client(server.port) as conn:
        conn.send(
            request_bytes(
                "/caf%C3%A9/x?a=1&b=%20two&a=3",
                "Content-Type: text/plain; charset=utf-8",
                "X-Custom: one",
                method="GET",
            )
        )
        response = await conn.read_response()
    assert response.status == 200
    data = json.loads(response.body)
    assert data == {
        "method": "GET",
        "version": [1, 1],
        "path": "/café/x",
        "raw_path": "/caf%C3%A9/x?a=1&b=%20two&a=3",
        "path_qs": "/caf%C3%A9/x?a=1&b=%20two&a=3",
        "query": [["a", "1"], ["b", " two"], ["a", "3"]],
        "query_string": "a=1&b= two&a=3",
        "host": "example.com:8080",
        "scheme": "http",
        "secure": False,
        "url": "http://example.com:8080/caf%C3%A9/x?a=1&b=%20two&a=3",
        "remote": "127.0.0.1",
        "keep_alive": True,
        "content_type": "text/plain",
        "charset": "utf-8",
        "content_length": None,
        "body_exists": False,
        "can_read_body": False,
        "headers": [
            ["Host", "example.com:8080"],
            ["Content-Type", "text/plain; charset=utf-8"],
            ["X-Custom", "one"],
        ],
        "raw_headers": [
            ["Host", "example.com:8080"],
            ["Content-Type", "text/plain; charset=utf-8"],
            ["X-Custom", "one"],
        ],
    }


async def test_keep_alive_of_http10_and_close(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(describe)
    async with raw_client(server.port) as conn:
        conn.send(request_bytes("/", version="1.0"))
        assert json.loads((await conn.read_response()).body)["keep_alive"] is False
    async with raw_client(server.port) as conn:
        conn.send(request_bytes("/", "Connection: close"))
        assert json.loads((await conn.read_response()).body)["keep_alive"] is False


async def test_requests_on_one_connection_each_get_their_own_body(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(echo_body)
    async with raw_client(server.port) as conn:
        conn.send(request_bytes("/1", "Content-Length: 3", method="POST", body=b"one"))
        conn.send(request_bytes("/2", "Content-Length: 3", method="POST", body=b"two"))
        assert (await conn.read_response()).body == b"one"
        assert (await conn.read_response()).body == b"two"


def header_property(name: str) -> Any:
    async def handler(request: BaseRequest) -> StreamResponse:
        try:
            value = getattr(request, name)
        except ValueError as exc:
            return json_answer({"error": str(exc)})
        if isinstance(value, slice):
            value = [value.start, value.stop, value.step]
        elif isinstance(value, tuple):
            value = [
                dict(v) if not hasattr(v, "is_weak") else [v.value, v.is_weak]
                for v in value
            ]
        elif value is not None and hasattr(value, "isoformat"):
            value = value.isoformat()
        elif name == "cookies":
            value = dict(value)
        return json_answer({"value": value})

    return handler


@pytest.mark.parametrize(
    ("name", "headers", "expected"),
    [
        # Forwarded: quoted-pairs, several proxies, garbage.
        (
            "forwarded",
            ['Forwarded: for="\\"q\\"";proto=https, for=192.0.2.1:80'],
            [{"for": '"q"', "proto": "https"}, {"for": "192.0.2.1:80"}],
        ),
        (
            "forwarded",
            ["Forwarded: for=a", "Forwarded: By=b;FOR=c"],
            [{"for": "a"}, {"by": "b", "for": "c"}],
        ),
        (
            "forwarded",
            ['Forwarded: for=_injected;by=", for=_real', "Forwarded: @@@"],
            [{"for": "_injected"}, {"for": "_real"}, {}],
        ),
        ("forwarded", [], []),
        # Cookies.
        (
            "cookies",
            ['Cookie: a=1; b="quoted value"; broken; c=; {x}=y'],
            {"a": "1", "b": "quoted value", "c": "", "{x}": "y"},
        ),
        ("cookies", [], {}),
        # Conditional headers.
        (
            "if_modified_since",
            ["If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"],
            "1994-11-06T08:49:37+00:00",
        ),
        ("if_modified_since", ["If-Modified-Since: not a date"], None),
        (
            "if_unmodified_since",
            ["If-Unmodified-Since: Sunday, 06-Nov-94 08:49:37 GMT"],
            "1994-11-06T08:49:37+00:00",
        ),
        (
            "if_range",
            ["If-Range: Sun Nov  6 08:49:37 1994"],
            "1994-11-06T08:49:37+00:00",
        ),
        ("if_range", ['If-Range: "an-etag"'], None),
        ("if_match", ['If-Match: "a", W/"b"'], [["a", False], ["b", True]]),
        ("if_match", ["If-Match: *"], [["*", False]]),
        ("if_match", [], None),
        ("if_none_match", ['If-None-Match: "x", junk'], [["x", False]]),
        # Range.
        ("http_range", [], [None, None, 1]),
        ("http_range", ["Range: bytes=0-499"], [0, 500, 1]),
        ("http_range", ["Range: bytes=500-"], [500, None, 1]),
        ("http_range", ["Range: bytes=-500"], [-500, None, 1]),
        ("http_range", ["Range: bytes=5-1"], {"error": "start cannot be after end"}),
        ("http_range", ["Range: bytes=0-1,5-6"], "error"),
        ("http_range", ["Range: lines=1-2"], "error"),
    ],
)
async def test_header_properties(
    aiohttp_raw_server: AiohttpRawServer, name: str, headers: list[str], expected: Any
) -> None:
    server = await aiohttp_raw_server(header_property(name))
    async with raw_client(server.port) as conn:
        conn.send(request_bytes("/", *headers))
        response = await conn.read_response()
    data = json.loads(response.body)
    if expected == "error":
        assert "error" in data
    elif isinstance(expected, dict) and "error" in expected:
        assert data == expected
    else:
        assert data == {"value": expected}


async def test_clone_in_a_handler(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        clone = request.clone(
            rel_url="/rewritten?x=1",
            scheme="https",
            host="public.example",
            remote="203.0.113.9",
        )
        body = await clone.read()
        return json_answer(
            {
                "url": str(clone.url),
                "remote": clone.remote,
                "body": body.decode(),
                "original": str(request.url),
            }
        )

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    async with client.put(
        "/orig", data=b"data", headers={"Host": "example.com:8080"}
    ) as response:
        data = await response.json()
    assert data == {
        "url": "https://public.example/rewritten?x=1",
        "remote": "203.0.113.9",
        "body": "data",
        "original": "http://example.com:8080/orig",
    }


# -- TLS ------------------------------------------------------------------------------


def tls_contexts(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = self_signed_certificate(directory)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    return server, client_context


async def test_scheme_is_https_on_tls(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tmp_path: Path,
) -> None:
    server_context, client_context = tls_contexts(tmp_path)
    server = await aiohttp_raw_server(describe, ssl=server_context)
    assert server.scheme == "https"
    client = await aiohttp_client(server)
    async with client.get(
        "/secure?x=1", ssl=client_context, headers={"Host": "example.com:8080"}
    ) as response:
        data = await response.json()
    assert data["scheme"] == "https"
    assert data["secure"] is True
    assert data["url"] == "https://example.com:8080/secure?x=1"
    assert data["remote"] == "127.0.0.1"


# -- forms -------------------------------------------------------------------------------


async def test_post_urlencoded(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        form = await request.post()
        return json_answer(list(form.items()))

    body = b"name=J%C3%BCrgen&tags=a&tags=b+c&empty="
    client = await aiohttp_client(await aiohttp_raw_server(handler))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    async with client.post("/", data=body, headers=headers) as response:
        data = await response.json()
    assert data == [["name", "Jürgen"], ["tags", "a"], ["tags", "b c"], ["empty", ""]]


async def test_post_multipart_spools_a_big_file_to_disk_and_closes_it(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    big = hashlib.sha256(b"seed").digest() * 20_000  # 640,000 bytes
    parts = [
        ('Content-Disposition: form-data; name="title"\r\n\r\n', "Grüße".encode()),
        (
            'Content-Disposition: form-data; name="doc"; filename="big.bin"\r\n'
            "Content-Type: application/x-thing\r\n\r\n",
            big,
        ),
    ]
    body = (
        b"".join(
            f"--{BOUNDARY}\r\n".encode() + head.encode() + data + b"\r\n"
            for head, data in parts
        )
        + f"--{BOUNDARY}--\r\n".encode()
    )
    kept: list[FileField] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        form = await request.post()
        doc = form["doc"]
        assert isinstance(doc, FileField)
        kept.append(doc)
        content = doc.file.read()
        return json_answer(
            {
                "title": form["title"],
                "filename": doc.filename,
                "content_type": doc.content_type,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "on_disk": doc.file._rolled,  # type: ignore[attr-defined]
            }
        )

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    async with client.post("/", data=body, headers=headers) as response:
        assert response.status == 200
        data = await response.json()
    assert data == {
        "title": "Grüße",
        "filename": "big.bin",
        "content_type": "application/x-thing",
        "size": len(big),
        "sha256": hashlib.sha256(big).hexdigest(),
        "on_disk": True,
    }
    # The server closes the upload once the response is done.
    async with bounded():
        while not kept[0].file.closed:  # noqa: ASYNC110 - no event to wait on
            await asyncio.sleep(0.01)


# -- client_max_size ------------------------------------------------------------------------


async def test_declared_body_over_the_limit_is_refused_without_waiting_for_it(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(echo_body)
    async with raw_client(server.port) as conn:
        # 2 MiB announced, nothing sent: the 413 must come anyway.
        conn.send(request_bytes("/", "Content-Length: 2097152", method="POST"))
        response = await conn.read_response()
        assert response.status == 413
        assert response.body == (
            b"Maximum request body size 1048576 exceeded, actual body size 2097152"
        )
        assert await conn.closed_by_server()


async def test_chunked_body_over_the_limit_is_refused_as_it_arrives(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    seen: list[str] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        try:
            await request.read()
        except HTTPRequestEntityTooLarge as exc:
            seen.append(exc.text or "")
            raise
        return Response(text="read it all")

    server = await aiohttp_raw_server(handler, request_factory=limited(10_000))
    async with raw_client(server.port) as conn:
        conn.send(request_bytes("/", "Transfer-Encoding: chunked", method="POST"))
        # Far more than the limit, and never the last chunk.
        for _ in range(40):
            conn.send(b"1000\r\n" + b"x" * 0x1000 + b"\r\n")
        response = await conn.read_response()
    assert response.status == 413
    (text,) = seen
    actual = int(text.rsplit(" ", 1)[1])
    # Refused after at most one received chunk past the limit.
    assert 10_000 < actual <= 10_000 + 2**16


async def test_gzip_body_counts_its_decompressed_size(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    body = gzip.compress(b"\0" * 50_000)
    assert len(body) < 1000
    server = await aiohttp_raw_server(echo_body, request_factory=limited(10_000))
    client = await aiohttp_client(server)
    headers = {"Content-Encoding": "gzip"}
    async with client.post("/", data=body, headers=headers) as response:
        assert response.request_info.headers["Content-Length"] == str(len(body))
        assert response.status == 413
    small = gzip.compress(b"hello" * 100)
    async with client.post("/", data=small, headers=headers) as response:
        assert response.status == 200
        assert await response.read() == b"hello" * 100


async def test_multipart_over_the_limit(aiohttp_raw_server: AiohttpRawServer) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        await request.post()
        return Response(text="accepted")

    body = (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="f"; filename="f"\r\n\r\n'
        ).encode()
        + b"x" * 20_000
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    server = await aiohttp_raw_server(handler, request_factory=limited(10_000))
    async with raw_client(server.port) as conn:
        conn.send(
            request_bytes(
                "/",
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                "Transfer-Encoding: chunked",
                method="POST",
            )
            + f"{len(body):x}\r\n".encode()
            + body
            + b"\r\n0\r\n\r\n"
        )
        response = await conn.read_response()
    assert response.status == 413


# -- 100-continue --------------------------------------------------------------------------


def expecting(length: int, *headers: str) -> bytes:
    return request_bytes(
        "/",
        f"Content-Length: {length}",
        "Expect: 100-continue",
        *headers,
        method="POST",
    )


async def test_continue_is_sent_when_the_handler_reads(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(echo_body)
    async with raw_client(server.port) as conn:
        conn.send(expecting(5))
        interim = await conn.read_head()
        assert interim.status_line == "HTTP/1.1 100 Continue"
        assert interim.headers == []
        conn.send(b"hello")
        response = await conn.read_response()
        assert response.status == 200
        assert response.body == b"hello"


async def test_continue_is_sent_once_however_often_the_body_is_asked_for(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        request.content  # noqa: B018
        request.clone().content  # noqa: B018
        body = await request.read()
        await request.text()
        await request.post()
        return Response(body=body)

    server = await aiohttp_raw_server(handler)
    async with raw_client(server.port) as conn:
        conn.send(expecting(5, "Content-Type: application/x-www-form-urlencoded"))
        assert (await conn.read_head()).status == 100
        conn.send(b"a=b&c")
        response = await conn.read_response()
        assert response.status == 200
        assert response.body == b"a=b&c"
        # A second request on the connection: nothing was left over.
        conn.send(expecting(2))
        assert (await conn.read_head()).status == 100
        conn.send(b"ok")
        assert (await conn.read_response()).body == b"ok"


async def test_no_continue_when_the_handler_does_not_read(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(text="no thanks", status=403)

    server = await aiohttp_raw_server(handler)
    async with raw_client(server.port) as conn:
        conn.send(expecting(1000))
        response = await conn.read_response()
        assert response.status == 403
        assert response.body == b"no thanks"


async def test_no_continue_after_the_response_has_started(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        response = StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"started;")
        body = await request.content.read()
        await response.write(body)
        await response.write_eof()
        return response

    server = await aiohttp_raw_server(handler)
    async with raw_client(server.port) as conn:
        conn.send(expecting(4))
        head = await conn.read_head()
        assert head.status == 200
        # The client was not invited; it sends the body anyway (RFC 9110
        # section 10.1.1 allows it after a while).
        conn.send(b"body")
        async with bounded():
            rest = await conn.reader.readuntil(b"0\r\n\r\n")
        assert b"100 Continue" not in rest
        assert b"started;" in rest
        assert b"body" in rest


async def test_no_continue_for_a_declared_body_over_the_limit(
    aiohttp_raw_server: AiohttpRawServer,
) -> None:
    server = await aiohttp_raw_server(echo_body, request_factory=limited(100))
    async with raw_client(server.port) as conn:
        conn.send(expecting(101))
        response = await conn.read_response()
        assert response.status == 413
        assert await conn.closed_by_server()


async def test_no_continue_for_http10(aiohttp_raw_server: AiohttpRawServer) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(body=await request.read())

    server = await aiohttp_raw_server(handler)
    async with raw_client(server.port) as conn:
        conn.send(
            request_bytes(
                "/",
                "Content-Length: 2",
                "Expect: 100-continue",
                method="POST",
                version="1.0",
                body=b"hi",
            )
        )
        response = await conn.read_response()
        assert response.status_line.startswith("HTTP/1.0 200")
        assert response.body == b"hi"
