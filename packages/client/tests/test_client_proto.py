"""ResponseHandler over real sockets: what it reads, and how reading fails."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from client_harness import RawServer, raw_server, read_request, response

from aiohttp.client_exceptions import (
    ClientConnectionError,
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from aiohttp.client_proto import ResponseHandler
from aiohttp.http_exceptions import ContentLengthError, HttpProcessingError
from aiohttp.streams import EMPTY_PAYLOAD, EofStream

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


@contextlib.asynccontextmanager
async def connected(
    handler: Handler, **params: object
) -> AsyncIterator[tuple[ResponseHandler, RawServer]]:
    """A ResponseHandler connected to ``handler``, a request already sent."""
    async with raw_server(handler) as server:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(
            lambda: ResponseHandler(loop), "127.0.0.1", server.url.port or 0
        )
        try:
            proto.set_response_params(**params)  # type: ignore[arg-type]
            assert proto.transport is not None
            proto.transport.write(REQUEST)
            yield proto, server
        finally:
            proto.close()


async def answer(data: bytes, *, then_close: bool = False) -> Handler:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(data)
        await writer.drain()
        if not then_close:
            await reader.read()  # keep the connection until the client closes

    return handler


async def test_a_response_and_its_body_leave_the_connection_reusable() -> None:
    handler = await answer(response(b"hello", "200 OK", "X-A: 1"))
    async with connected(handler) as (proto, _):
        message, payload = await asyncio.wait_for(proto.read(), 5)
        assert (message.code, message.reason, message.headers["X-A"]) == (
            200,
            "OK",
            "1",
        )
        assert await asyncio.wait_for(payload.read(), 5) == b"hello"
        assert proto.is_connected()
        assert not proto.should_close


async def test_an_unread_body_keeps_the_connection_from_reuse() -> None:
    handler = await answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello")
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        assert proto.should_close  # half the body is still to come
        assert payload.at_eof() is False


async def test_connection_close_from_the_server_means_should_close() -> None:
    handler = await answer(response(b"x", close=True))
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        assert await payload.read() == b"x"
        assert proto.should_close


async def test_http_10_without_keep_alive_means_should_close() -> None:
    handler = await answer(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        assert await payload.read() == b"x"
        assert proto.should_close


async def test_eof_before_a_head_is_server_disconnected() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)

    async with connected(handler) as (proto, _):
        with pytest.raises(ServerDisconnectedError) as info:
            await asyncio.wait_for(proto.read(), 5)
        assert str(info.value) == "Server disconnected"
        assert proto.should_close
        assert not proto.is_connected()


async def test_eof_inside_a_partial_head_is_server_disconnected() -> None:
    handler = await answer(b"HTTP/1.1 200 OK\r\nContent-Le", then_close=True)
    async with connected(handler) as (proto, _):
        with pytest.raises(ServerDisconnectedError):
            await asyncio.wait_for(proto.read(), 5)


async def test_eof_inside_a_body_fails_the_body() -> None:
    handler = await answer(
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", then_close=True
    )
    async with connected(handler) as (proto, _):
        message, payload = await asyncio.wait_for(proto.read(), 5)
        assert message.code == 200
        with pytest.raises(ClientPayloadError) as info:
            await asyncio.wait_for(payload.read(), 5)
        assert str(info.value).startswith("Response payload is not completed: ")
        assert "ContentLengthError" in str(info.value)
        assert isinstance(info.value.__cause__, ContentLengthError)
        assert proto.should_close


async def test_closing_inside_a_body_fails_the_body() -> None:
    handler = await answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        await asyncio.wait_for(payload.readexactly(3), 5)
        proto.close()
        with pytest.raises(ClientPayloadError, match="not completed"):
            await asyncio.wait_for(payload.read(), 5)


async def test_eof_inside_a_chunked_body_fails_the_body() -> None:
    handler = await answer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        then_close=True,
    )
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        with pytest.raises(ClientPayloadError, match="not completed"):
            await asyncio.wait_for(payload.read(), 5)


async def test_a_body_until_the_close_ends_cleanly_at_eof() -> None:
    handler = await answer(b"HTTP/1.1 200 OK\r\n\r\nall of it", then_close=True)
    async with connected(handler, read_until_eof=True) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        assert await asyncio.wait_for(payload.read(), 5) == b"all of it"
        assert proto.should_close


async def test_a_malformed_head_is_an_http_processing_error_with_status() -> None:
    handler = await answer(b"HTTP/1.1 abc OK\r\n\r\n")
    async with connected(handler) as (proto, _):
        with pytest.raises(HttpProcessingError) as info:
            await asyncio.wait_for(proto.read(), 5)
        assert info.value.code == 400
        assert "Bad status line" in info.value.message
        assert info.value.__cause__ is not None
        assert proto.should_close
        assert not proto.is_connected()  # nothing after a broken head is framed


async def test_a_malformed_chunk_fails_the_body_with_client_payload_error() -> None:
    handler = await answer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n"
    )
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        with pytest.raises(ClientPayloadError):
            await asyncio.wait_for(payload.read(), 5)
        assert proto.should_close


async def test_a_reset_connection_is_client_os_error() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # an RST, not a FIN

    async with connected(handler) as (proto, _):
        with pytest.raises(ClientOSError) as info:
            await asyncio.wait_for(proto.read(), 5)
        assert isinstance(info.value.__cause__, ConnectionResetError)
        closed = proto.closed
        assert closed is None or closed.done()


async def test_read_timeout_fails_the_head_reader() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        await reader.read()  # never answers

    async with connected(handler, read_timeout=0.05) as (proto, _):
        proto.start_timeout()
        with pytest.raises(SocketTimeoutError):
            await asyncio.wait_for(proto.read(), 5)
        assert proto.should_close


async def test_read_timeout_is_rearmed_by_each_chunk_then_fails_the_body() -> None:
    stalled = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(8):  # 8 x 0.1 s: longer than the timeout all together
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.1)
        stalled.set()
        await reader.read()

    async with connected(handler, read_timeout=0.5) as (proto, _):
        proto.start_timeout()
        _, payload = await asyncio.wait_for(proto.read(), 5)
        got = b""

        async def read_all() -> None:
            nonlocal got
            while True:
                got += await asyncio.wait_for(payload.readany(), 5)

        with pytest.raises(SocketTimeoutError):
            await read_all()
        assert stalled.is_set()  # it fired only once the server stopped
        assert got == b"x" * 8


async def test_read_timeout_stops_once_the_body_is_complete() -> None:
    handler = await answer(response(b"done"))
    async with connected(handler, read_timeout=0.05) as (proto, _):
        proto.start_timeout()
        _, payload = await asyncio.wait_for(proto.read(), 5)
        await asyncio.sleep(0.2)
        assert await payload.read() == b"done"
        assert not proto.should_close


async def test_pausing_reading_stops_the_read_timer() -> None:
    handler = await answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
    async with connected(handler, read_timeout=0.05) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        proto.pause_reading()  # as a full body buffer would
        await asyncio.sleep(0.2)
        assert payload.exception() is None
        proto.resume_reading()
        with pytest.raises(SocketTimeoutError):
            await asyncio.wait_for(payload.read(), 5)


async def test_skip_payload_ignores_the_length_of_a_head_response() -> None:
    handler = await answer(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
    async with connected(handler, skip_payload=True) as (proto, _):
        message, payload = await asyncio.wait_for(proto.read(), 5)
        assert message.headers["Content-Length"] == "5"
        assert payload is EMPTY_PAYLOAD
        assert not proto.should_close


async def test_no_body_for_204_and_304() -> None:
    handler = await answer(b"HTTP/1.1 204 No Content\r\n\r\n")
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        assert payload is EMPTY_PAYLOAD
        assert not proto.should_close


async def test_an_interim_100_then_the_response() -> None:
    handler = await answer(b"HTTP/1.1 100 Continue\r\n\r\n" + response(b"ok"))
    async with connected(handler) as (proto, _):
        first, _ = await asyncio.wait_for(proto.read(), 5)
        second, payload = await asyncio.wait_for(proto.read(), 5)
        assert (first.code, second.code) == (100, 200)
        assert await payload.read() == b"ok"


async def test_bytes_after_the_response_make_the_connection_unusable() -> None:
    for garbage in (b"HTTP/1.1 2", b"garbage\r\n\r\n", response(b"unasked")):
        handler = await answer(response(b"ok") + garbage)
        async with connected(handler) as (proto, _):
            _, payload = await asyncio.wait_for(proto.read(), 5)
            assert await payload.read() == b"ok"
            for _ in range(100):  # the garbage may come in a later segment
                if proto.should_close:
                    break
                await asyncio.sleep(0.01)
            assert proto.should_close, garbage


async def test_an_upgrade_keeps_the_following_bytes_for_the_next_parser() -> None:
    head = b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
    handler = await answer(head + b"frame-bytes")

    class Parser:
        def __init__(self) -> None:
            self.fed: list[bytes] = []
            self.eof = False

        def feed_data(self, data: bytes) -> tuple[bool, bytes]:
            self.fed.append(data)
            return False, b""

        def feed_eof(self) -> None:
            self.eof = True

    class Queue:
        def is_eof(self) -> bool:
            return False

        def set_exception(self, exc: BaseException, exc_cause: object = None) -> None:
            raise AssertionError(exc)

    async with connected(handler) as (proto, _server):
        message, payload = await asyncio.wait_for(proto.read(), 5)
        assert message.code == 101
        assert payload is EMPTY_PAYLOAD
        assert proto.upgraded
        assert proto.should_close
        for _ in range(100):
            if proto._tail:
                break
            await asyncio.sleep(0.01)
        parser = Parser()
        proto.set_parser(parser, Queue())
        assert b"".join(parser.fed) == b"frame-bytes"
        proto.close()
        await asyncio.sleep(0.05)
        assert parser.eof


async def test_a_response_before_set_response_params_is_kept() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(response(b"early"))
        await writer.drain()
        await reader.read()

    async with raw_server(handler) as server:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(
            lambda: ResponseHandler(loop), "127.0.0.1", server.url.port or 0
        )
        try:
            for _ in range(100):
                if proto._tail:
                    break
                await asyncio.sleep(0.01)
            assert proto.should_close  # unasked bytes
            proto.set_response_params()
            _, payload = await asyncio.wait_for(proto.read(), 5)
            assert await payload.read() == b"early"
        finally:
            proto.close()


async def test_closed_future_and_close() -> None:
    handler = await answer(response(b"ok"))
    async with connected(handler) as (proto, _):
        closed = proto.closed
        assert closed is not None
        assert not closed.done()
        assert proto.is_connected()
        proto.close()
        assert not proto.is_connected()
        await asyncio.wait_for(closed, 5)
        assert proto.closed is closed


async def test_closed_is_none_when_nobody_asked_before_the_loss() -> None:
    handler = await answer(response(b"ok"))
    async with connected(handler) as (proto, _):
        proto.abort()
        await asyncio.sleep(0.05)
        assert proto.closed is None


async def test_force_close() -> None:
    handler = await answer(response(b"ok"))
    async with connected(handler) as (proto, _):
        _, payload = await asyncio.wait_for(proto.read(), 5)
        await payload.read()
        assert not proto.should_close
        proto.force_close()
        assert proto.should_close


async def test_queue_semantics() -> None:
    loop = asyncio.get_running_loop()
    proto = ResponseHandler(loop)
    assert len(proto) == 0
    assert not proto.is_eof()
    assert not proto.at_eof()
    item = object()
    proto.feed_data(item)  # type: ignore[arg-type]
    error = ClientConnectionError("boom")
    proto.set_exception(error)
    assert proto.is_eof()
    assert not proto.at_eof()
    assert proto.exception() is error
    assert await proto.read() is item  # queued before the error: still read
    with pytest.raises(ClientConnectionError):
        await proto.read()

    proto = ResponseHandler(loop)
    proto.feed_eof()
    with pytest.raises(EofStream):
        await proto.read()


async def test_one_reader_at_a_time() -> None:
    loop = asyncio.get_running_loop()
    proto = ResponseHandler(loop)
    first = asyncio.ensure_future(proto.read())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="already waiting"):
        await proto.read()
    proto.feed_eof()
    with pytest.raises(EofStream):
        await first


async def test_read_timeout_property() -> None:
    proto = ResponseHandler(asyncio.get_running_loop())
    assert proto.read_timeout is None
    proto.read_timeout = 3.0
    assert proto.read_timeout == 3.0
