"""A ClientRequest sent over a real socket: the bytes that arrive, and failures."""

from __future__ import annotations

import asyncio
import io
import pathlib
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from client_harness import RawServer, raw_server, read_head, read_request, response
from client_reqrep_wire import as_connection, exchange, open_connection
from yarl import URL

from aiohttp.client_exceptions import (
    ClientConnectionError,
    ClientOSError,
    UploadAbortedError,
)
from aiohttp.client_reqrep import ClientRequest, UploadTracker
from aiohttp.http import SERVER_SOFTWARE
from aiohttp.tracing import Trace, TraceConfig

Captured = list[tuple[bytes, bytes]]


def make(method: str, url: URL | str, **kwargs: Any) -> ClientRequest:
    return ClientRequest(method, url, loop=asyncio.get_running_loop(), **kwargs)


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    """Read a chunked body (no trailers) and return its data."""
    data = b""
    while True:
        size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
        if size == 0:
            assert await reader.readexactly(2) == b"\r\n"
            return data
        data += await reader.readexactly(size)
        assert await reader.readexactly(2) == b"\r\n"


def capturing(
    captured: Captured, answer: bytes = response(b"ok")
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                head, body = await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            if b"transfer-encoding: chunked" in head.lower():
                body = await read_chunked(reader)
            captured.append((head, body))
            writer.write(answer)
            await writer.drain()

    return handler


async def send_and_read(server: RawServer, req: ClientRequest, **params: Any) -> bytes:
    async with open_connection(server.url, **params) as conn:
        resp = await exchange(req, conn)
        body = await resp.read()
        await resp.wait_for_close()
        return body


# -- the head on the wire ---------------------------------------------------------


async def test_get_head_bytes() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        req = make("GET", server.url.with_path("/p").with_query(q="1"))
        assert await send_and_read(server, req) == b"ok"
    head, body = captured[0]
    port = server.url.port
    assert (
        head
        == (
            f"GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n"
            f"Accept-Encoding: {req.headers['Accept-Encoding']}\r\n"
            f"User-Agent: {SERVER_SOFTWARE}\r\n\r\n"
        ).encode()
    )
    assert body == b""


async def test_post_bytes_head_and_body() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        req = make("POST", server.url / "up", data=b"\x00binary\x00")
        await send_and_read(server, req)
    head, body = captured[0]
    assert head.startswith(b"POST /up HTTP/1.1\r\n")
    assert b"\r\nContent-Length: 8\r\n" in head
    assert b"\r\nContent-Type: application/octet-stream\r\n" in head
    assert body == b"\x00binary\x00"


async def test_post_without_body_sends_content_length_zero_and_type() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("POST", server.url))
    head, _ = captured[0]
    assert b"\r\nContent-Length: 0\r\n" in head
    assert b"\r\nContent-Type: application/octet-stream\r\n" in head


async def test_large_body_written_by_task() -> None:
    captured: Captured = []
    data = bytes(range(256)) * 4096  # 1 MiB
    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("PUT", server.url, data=data))
    assert captured[0][1] == data


async def test_chunked_async_iterable_body() -> None:
    captured: Captured = []

    async def gen() -> AsyncIterator[bytes]:
        yield b"abc"
        yield b""
        yield b"defgh"

    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("POST", server.url, data=gen()))
    head, body = captured[0]
    assert b"\r\nTransfer-Encoding: chunked\r\n" in head
    assert b"Content-Length" not in head
    assert body == b"abcdefgh"


async def test_chunked_framing_bytes() -> None:
    raw = bytearray()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        raw.extend(await read_head(reader))
        raw.extend(await reader.readuntil(b"0\r\n\r\n"))
        writer.write(response(b""))
        await writer.drain()

    async with raw_server(handler) as server:
        await send_and_read(
            server, make("POST", server.url, data=b"hello", chunked=True)
        )
    assert raw.endswith(b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")


async def test_compressed_body() -> None:
    captured: Captured = []
    data = b"compress me " * 1000
    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("POST", server.url, data=data, compress=True))
    head, body = captured[0]
    assert b"\r\nContent-Encoding: deflate\r\n" in head
    assert zlib.decompress(body) == data


async def test_form_and_json_bodies() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("POST", server.url, data={"a": "1 2"}))
        await send_and_read(server, make("POST", server.url, json={"k": [1]}))
    assert captured[0][1] == b"a=1+2"
    assert b"application/x-www-form-urlencoded" in captured[0][0]
    assert captured[1][1] == b'{"k": [1]}'
    assert b"\r\nContent-Type: application/json\r\n" in captured[1][0]


async def test_file_body_sent_twice(tmp_path: pathlib.Path) -> None:
    """A 307/308 resend: the same payload goes out again, whole."""
    captured: Captured = []
    path = tmp_path / "f"
    path.write_bytes(b"file data " * 10000)
    async with raw_server(capturing(captured)) as server:
        with path.open("rb") as f:
            first = make("POST", server.url, data=f)
            await send_and_read(server, first)
            second = make("POST", server.url, data=first.body)
            await send_and_read(server, second)
            await second.body.close()
            assert f.closed
    assert captured[0][1] == captured[1][1] == path.read_bytes()


async def test_bytesio_body_sent_twice() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        first = make("POST", server.url, data=io.BytesIO(b"in memory"))
        await send_and_read(server, first)
        await send_and_read(server, make("POST", server.url, data=first.body))
    assert [body for _, body in captured] == [b"in memory", b"in memory"]


# -- request targets and connection headers ----------------------------------------


async def test_proxy_request_uses_absolute_form() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        req = make("GET", "http://example.com/p?q=1#f", proxy=server.url)
        await send_and_read(server, req)
    assert captured[0][0].startswith(
        b"GET http://example.com/p?q=1 HTTP/1.1\r\nHost: example.com\r\n"
    )


async def test_https_through_proxy_uses_origin_form() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        req = make("GET", "https://example.com/p", proxy=server.url)
        await send_and_read(server, req)
    assert captured[0][0].startswith(b"GET /p HTTP/1.1\r\n")


async def test_connect_uses_authority_form() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        req = make("CONNECT", "http://example.com:443/")
        await send_and_read(server, req)
    assert captured[0][0].startswith(b"CONNECT example.com:443 HTTP/1.1\r\n")


async def test_force_close_sends_connection_close() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("GET", server.url), force_close=False)
        async with open_connection(server.url, force_close=True) as conn:
            resp = await exchange(make("GET", server.url), conn)
            await resp.read()
    assert b"Connection" not in captured[0][0]
    assert b"\r\nConnection: close\r\n" in captured[1][0]


async def test_http10_asks_for_keep_alive() -> None:
    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        await send_and_read(server, make("GET", server.url, version="1.0"))
    assert captured[0][0].startswith(b"GET / HTTP/1.0\r\n")
    assert b"\r\nConnection: keep-alive\r\n" in captured[0][0]


async def test_header_changed_after_build_refused_at_send() -> None:
    async with raw_server(capturing([])) as server:
        req = make("GET", server.url)
        req.headers["X-Late"] = "a\r\nb"
        async with open_connection(server.url) as conn:
            with pytest.raises(ValueError, match="X-Late"):
                await req.send(as_connection(conn))


# -- Expect: 100-continue -------------------------------------------------------------


async def test_expect100_body_waits_for_continue() -> None:
    events: list[str] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        head = await read_head(reader)
        assert b"\r\nExpect: 100-continue\r\n" in head
        # Nothing of the body comes before the 100.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(reader.readexactly(1), 0.2)
        events.append("no early body")
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        events.append((await reader.readexactly(5)).decode())
        writer.write(response(b"done"))
        await writer.drain()

    async with raw_server(handler) as server:
        req = make("POST", server.url, data=b"hello", expect100=True)
        async with open_connection(server.url) as conn:
            resp = await exchange(req, conn)
            assert resp.status == 200
            assert await resp.read() == b"done"
            assert conn.released_clean is True
    assert events == ["no early body", "hello"]


async def test_expect100_final_answer_without_continue() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        writer.write(response(b"nope", "417 Expectation Failed"))
        await writer.drain()
        await reader.read()

    async with raw_server(handler) as server:
        req = make("POST", server.url, data=b"hello", expect100=True)
        async with open_connection(server.url) as conn:
            resp = await exchange(req, conn)
            assert resp.status == 417
            assert await resp.read() == b"nope"
            # The body never went: the connection cannot be reused.
            assert await asyncio.wait_for(conn.released, 5) is False


# -- a response during the upload ----------------------------------------------------


async def test_response_during_upload_cancels_the_upload() -> None:
    gate = asyncio.Event()
    closed = asyncio.Event()

    async def gen() -> AsyncIterator[bytes]:
        try:
            yield b"first"
            await gate.wait()
            yield b"never"
        finally:
            closed.set()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        writer.write(response(b"too big", "413 Payload Too Large"))
        await writer.drain()
        await reader.read()

    async with raw_server(handler) as server:
        req = make("POST", server.url, data=gen())
        async with open_connection(server.url) as conn:
            resp = await exchange(req, conn)
            assert resp.status == 413
            assert await resp.read() == b"too big"
            assert await asyncio.wait_for(conn.released, 5) is False
            await asyncio.wait_for(closed.wait(), 5)
            await req.close()


# -- write failures ------------------------------------------------------------------


async def test_socket_error_while_writing_body_is_client_os_error() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"abc"
        raise ConnectionResetError(104, "Connection reset by peer")

    async with raw_server(capturing([])) as server:
        req = make("POST", server.url, data=gen())
        async with open_connection(server.url) as conn:
            with pytest.raises(
                ClientOSError, match="Can not write request body"
            ) as info:
                await exchange(req, conn)
            assert info.value.errno == 104
            assert isinstance(info.value.__cause__, ConnectionResetError)


async def test_other_error_while_writing_body_is_connection_error() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"abc"
        raise RuntimeError("producer broke")

    async with raw_server(capturing([])) as server:
        req = make("POST", server.url, data=gen())
        async with open_connection(server.url) as conn:
            with pytest.raises(
                ClientConnectionError, match="Failed to send bytes"
            ) as info:
                await exchange(req, conn)
            assert not isinstance(info.value, ClientOSError)


async def test_send_on_closed_transport_is_client_os_error() -> None:
    async with raw_server(capturing([])) as server, open_connection(server.url) as conn:
        transport = conn.transport
        assert transport is not None
        transport.close()
        with pytest.raises(ClientOSError, match="Can not write request"):
            await make("GET", server.url).send(as_connection(conn))


async def test_send_on_released_connection_refused() -> None:
    async with raw_server(capturing([])) as server, open_connection(server.url) as conn:
        conn.close()
        with pytest.raises(ClientConnectionError, match="Connection closed"):
            await make("GET", server.url).send(as_connection(conn))


# -- traces -----------------------------------------------------------------------------


async def test_traces_see_headers_and_chunks() -> None:
    seen: list[tuple[str, Any]] = []

    async def on_headers(session: Any, ctx: Any, params: Any) -> None:
        seen.append(("headers", params.headers["Content-Length"]))

    async def on_chunk(session: Any, ctx: Any, params: Any) -> None:
        seen.append(("chunk", params.chunk))

    async def on_received(session: Any, ctx: Any, params: Any) -> None:
        seen.append(("received", params.chunk))

    config: TraceConfig[Any] = TraceConfig()
    config.on_request_headers_sent.append(on_headers)
    config.on_request_chunk_sent.append(on_chunk)
    config.on_response_chunk_received.append(on_received)
    config.freeze()
    trace = Trace(None, config, config.trace_config_ctx())  # type: ignore[arg-type]

    captured: Captured = []
    async with raw_server(capturing(captured)) as server:
        req = make("POST", server.url, data=b"traced", traces=[trace])
        assert await send_and_read(server, req) == b"ok"
    assert seen == [("headers", "6"), ("chunk", b"traced"), ("received", b"ok")]
    assert captured[0][1] == b"traced"


# -- upload tracking ---------------------------------------------------------------------


async def test_upload_tracker_counts_a_streamed_upload() -> None:
    captured: Captured = []
    tracker = UploadTracker()
    assert tracker.attempts == 0
    assert not tracker.upload_complete.done()

    async def gen() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 1000

    async with raw_server(capturing(captured)) as server:
        req = make("POST", server.url, data=gen(), upload_tracker=tracker)
        await send_and_read(server, req)
    await asyncio.wait_for(tracker.upload_complete, 5)
    assert tracker.attempts == 1
    assert tracker.bytes_written == 10_000
    assert "attempts=1" in repr(tracker)


async def test_upload_tracker_counts_an_inline_body_and_each_attempt() -> None:
    captured: Captured = []
    tracker = UploadTracker()
    async with raw_server(capturing(captured)) as server:
        req = make("POST", server.url, data=b"abc", upload_tracker=tracker)
        await send_and_read(server, req)
        assert tracker.upload_complete.done()
        await send_and_read(server, req)
    assert tracker.attempts == 2
    assert tracker.bytes_written == 3
    assert tracker.upload_complete.result() is None


async def test_upload_tracker_reports_an_aborted_upload() -> None:
    tracker = UploadTracker()

    async def gen() -> AsyncIterator[bytes]:
        yield b"abcd"
        raise ConnectionResetError(104, "reset")

    async with raw_server(capturing([])) as server:
        req = make("POST", server.url, data=gen(), upload_tracker=tracker)
        async with open_connection(server.url) as conn:
            with pytest.raises(ClientOSError):
                await exchange(req, conn)
    with pytest.raises(UploadAbortedError, match="after 4 bytes"):
        await tracker.upload_complete


async def test_upload_tracker_observes_one_request() -> None:
    tracker = UploadTracker()
    make("POST", "http://example.com/", data=b"x", upload_tracker=tracker)
    with pytest.raises(RuntimeError, match="one request"):
        make("POST", "http://example.com/", data=b"x", upload_tracker=tracker)


def test_upload_tracker_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        UploadTracker()
