"""The connection protocol over real sockets: keep-alive, pipelining,
timeouts, malformed requests, errors, 100-continue, upgrades, shutdown."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest
from web_raw_client import closed_by_peer, read_head, read_response, request, serve

from aiohttp import web_exceptions, web_protocol, web_server
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import Response, StreamResponse

GET = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


async def hello(request: BaseRequest) -> StreamResponse:
    return Response(text="OK")


async def test_low_level_server_example_from_the_manual() -> None:
    # §12.2.4 "Run a Basic Low-Level Server", on a free port.
    async with serve(hello) as (_, port):
        response, closed = await request(port, GET)
    assert (response.status, response.reason, response.body) == (200, "OK", b"OK")
    assert response.header("Content-Type") == "text/plain; charset=utf-8"
    assert response.header("Content-Length") == "2"
    assert response.header("Date") is not None
    assert "aiohttp/" in (response.header("Server") or "")
    assert not closed


async def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    async def echo_path(request: BaseRequest) -> StreamResponse:
        return Response(text=request.path)

    async with serve(echo_path) as (server, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n in range(5):
            writer.write(f"GET /n{n} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            response = await read_response(reader)
            assert response.body == f"/n{n}".encode()
        assert len(server.connections) == 1
        assert server.requests_count == 5
        writer.close()


async def test_pipelined_requests_are_answered_in_order() -> None:
    async def slow_first(request: BaseRequest) -> StreamResponse:
        # The first request takes longest: answers must still come in order.
        await asyncio.sleep({"/a": 0.2, "/b": 0.05, "/c": 0.0}[request.path])
        return Response(text=request.path)

    async with serve(slow_first) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /b HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /c HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        bodies = [(await read_response(reader)).body for _ in range(3)]
        writer.close()
    assert bodies == [b"/a", b"/b", b"/c"]


async def test_a_long_pipeline_is_answered_whole_and_in_order() -> None:
    # Far more requests than the queue holds: reading pauses and resumes.
    async def echo_path(request: BaseRequest) -> StreamResponse:
        await asyncio.sleep(0)
        return Response(text=request.path)

    count = 300
    async with serve(echo_path, max_pipelined_requests=4) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"".join(
                f"GET /{n} HTTP/1.1\r\nHost: t\r\n\r\n".encode() for n in range(count)
            )
        )
        bodies = [
            (await asyncio.wait_for(read_response(reader), 5)).body
            for _ in range(count)
        ]
        writer.close()
    assert bodies == [f"/{n}".encode() for n in range(count)]


async def test_pipelined_requests_with_bodies_keep_their_bodies() -> None:
    async def echo_body(request: BaseRequest) -> StreamResponse:
        return Response(body=await request.read())

    async with serve(echo_body) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none"
            b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\ntwo\r\n0\r\n\r\n"
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nthree"
        )
        bodies = [(await read_response(reader)).body for _ in range(3)]
        writer.close()
    assert bodies == [b"one", b"two", b"three"]


async def test_idle_connection_closes_after_keepalive_timeout() -> None:
    async with serve(hello, keepalive_timeout=0.2) as (server, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        await read_response(reader)
        assert not await closed_by_peer(reader, wait=0.05)
        assert await closed_by_peer(reader, wait=2.0)
        writer.close()
        await asyncio.sleep(0.05)
        assert server.connections == []


async def test_connection_close_request_closes_after_the_response() -> None:
    async with serve(hello) as (_, port):
        response, closed = await request(
            port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
    assert response.header("Connection") == "close"
    assert closed


async def test_requests_after_connection_close_are_not_answered() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + GET)
        await read_response(reader)
        assert await reader.read() == b""
        writer.close()


async def test_http10_closes_unless_keep_alive_is_asked_for() -> None:
    async with serve(hello) as (_, port):
        response, closed = await request(port, b"GET / HTTP/1.0\r\n\r\n")
        assert response.version == "HTTP/1.0"
        assert closed
        response, closed = await request(
            port, b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        )
        assert not closed


async def test_slow_header_sender_gets_408_and_is_dropped() -> None:
    async with serve(hello, headers_timeout=0.6) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sent = 0
        head = b"GET / HTTP/1.1\r\nHost: test\r\nX-Slow: " + b"a" * 100
        response: bytes | None = None
        for byte in head:
            try:
                writer.write(bytes([byte]))
                await writer.drain()
            except ConnectionError:
                break
            sent += 1
            try:
                # readuntil() keeps the buffer when it times out.
                response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 0.1)
                break
            except asyncio.TimeoutError:
                continue
        assert response is not None, "the server kept reading a trickled head"
        assert response.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert sent < len(head)
        assert (
            await asyncio.wait_for(reader.read(), 2.0)
            == b"408 Request Timeout\n\nRequest header timeout\n"
        )
        writer.close()


async def test_silent_new_connection_is_closed_after_the_headers_timeout() -> None:
    async with serve(hello, headers_timeout=0.2) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), 3) == b""
        writer.close()


async def test_a_head_begun_during_a_request_times_out_as_a_head() -> None:
    # The rest of the second head never comes: once the first response is
    # out, the headers timeout applies to it, not the (long) keep-alive one.
    async def slow(request: BaseRequest) -> StreamResponse:
        await asyncio.sleep(0.3)
        return Response(text="slow")

    async with serve(slow, headers_timeout=0.3, keepalive_timeout=30) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        await asyncio.sleep(0.1)  # the handler is running
        writer.write(b"GET / HTTP/1.1\r\nHo")
        first = await read_response(reader)
        assert first.body == b"slow"
        rest = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    assert rest.startswith(b"HTTP/1.1 408 Request Timeout\r\n")


async def test_headers_timeout_does_not_limit_the_handler_or_the_body() -> None:
    async def slow_reader(request: BaseRequest) -> StreamResponse:
        return Response(body=await request.read())

    async with serve(slow_reader, headers_timeout=0.2) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab")
        await asyncio.sleep(0.5)
        writer.write(b"cd")
        response = await read_response(reader)
        writer.close()
    assert (response.status, response.body) == (200, b"abcd")


MALFORMED = [
    pytest.param(b"G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400, id="bad-method"),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: t\r\nBad Name: v\r\n\r\n", 400, id="bad-field"
    ),
    pytest.param(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414, id="long-target"),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: t\r\nX: " + b"a" * 9000 + b"\r\n\r\n",
        431,
        id="long-field",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: t\r\n"
        + b"".join(b"X-%d: v\r\n" % n for n in range(200))
        + b"\r\n",
        431,
        id="many-fields",
    ),
    pytest.param(b"GET / HTTP/3.0\r\nHost: t\r\n\r\n", 505, id="version"),
    pytest.param(
        # RFC 9112 section 6.3: a request whose last coding is not chunked.
        b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
        400,
        id="te-last",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: foo, chunked\r\n\r\n",
        501,
        id="te-unknown",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
        id="cl-and-te",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        400,
        id="two-lengths",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc",
        400,
        id="cl-sign",
    ),
    pytest.param(b"GET / HTTP/1.1\nHost: t\n\n", 400, id="bare-lf"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n", 400, id="obs-fold"),
    pytest.param(
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, id="tls-hello"
    ),
]


@pytest.mark.parametrize(("data", "status"), MALFORMED)
async def test_malformed_request_gets_its_status_and_a_closed_connection(
    data: bytes, status: int
) -> None:
    calls = []

    async def handler(request: BaseRequest) -> StreamResponse:
        calls.append(request.path)
        return Response(text="handled")

    async with serve(handler) as (_, port):
        response, closed = await request(port, data)
        assert response.status == status
        assert response.header("Connection") == "close"
        assert response.header("Content-Type") == "text/plain; charset=utf-8"
        assert response.body.startswith(f"{status} ".encode())
        assert closed
        # The server still serves the next connection.
        response, _ = await request(port, GET)
        assert response.body == b"handled"
    assert calls == ["/"]


async def test_bad_chunked_body_reaches_the_handler_as_a_payload_error() -> None:
    seen: list[BaseException] = []

    async def reader(request: BaseRequest) -> StreamResponse:
        try:
            await request.read()
        except web_protocol.RequestPayloadError as exc:
            seen.append(exc)
            raise web_exceptions.HTTPBadRequest() from exc
        return Response(text="read")

    async with serve(reader) as (_, port):
        response, closed = await request(
            port,
            b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        )
    assert response.status == 400
    assert closed
    assert len(seen) == 1


async def test_good_requests_before_a_broken_one_are_answered_first() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET + GET + b"BROKEN\r\n\r\n")
        statuses = [(await read_response(reader)).status for _ in range(3)]
        assert await reader.read() == b""
        writer.close()
    assert statuses == [200, 200, 400]


async def test_handler_error_is_500_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(request: BaseRequest) -> StreamResponse:
        raise ZeroDivisionError("secret detail")

    with caplog.at_level(logging.ERROR, logger="aiohttp.server"):
        async with serve(broken) as (_, port):
            response, closed = await request(port, GET)
            # The connection stays usable for the next request.
            assert not closed
    assert response.status == 500
    assert b"secret detail" not in response.body
    assert b"Traceback" not in response.body
    assert any(record.exc_info for record in caplog.records)


async def test_handler_error_shows_the_traceback_in_debug() -> None:
    async def broken(request: BaseRequest) -> StreamResponse:
        raise ZeroDivisionError("secret detail")

    logger = logging.getLogger("test.silenced")
    logger.disabled = True
    async with serve(broken, debug=True, logger=logger) as (_, port):
        response, _ = await request(port, GET)
        html, _ = await request(
            port, b"GET / HTTP/1.1\r\nHost: t\r\nAccept: text/html\r\n\r\n"
        )
    assert response.status == 500
    assert b"Traceback" in response.body
    assert b"secret detail" in response.body
    assert html.header("Content-Type") == "text/html; charset=utf-8"
    assert b"<pre>" in html.body


async def test_handler_returning_nothing_is_500() -> None:
    async def forgetful(request: BaseRequest) -> StreamResponse:
        return None  # type: ignore[return-value]

    logger = logging.getLogger("test.silenced")
    logger.disabled = True
    async with serve(forgetful, logger=logger) as (_, port):
        response, _ = await request(port, GET)
    assert response.status == 500


async def test_raised_http_exception_is_the_response() -> None:
    async def missing(request: BaseRequest) -> StreamResponse:
        raise web_exceptions.HTTPNotFound(text="nothing here")

    async with serve(missing) as (_, port):
        response, closed = await request(port, GET)
    assert (response.status, response.body) == (404, b"nothing here")
    assert not closed


async def test_returned_http_exception_warns_as_deprecated() -> None:
    async def returns(request: BaseRequest) -> StreamResponse:
        return web_exceptions.HTTPNoContent()

    async with serve(returns) as (_, port):
        with pytest.warns(DeprecationWarning, match="raise the exception instead"):
            response, _ = await request(port, GET)
    assert response.status == 204


async def test_response_refused_by_the_writer_becomes_500() -> None:
    async def splitting(request: BaseRequest) -> StreamResponse:
        response = Response(text="x")
        response.headers["X-Bad"] = "a\r\nSet-Cookie: evil=1"
        return response

    logger = logging.getLogger("test.silenced")
    logger.disabled = True
    async with serve(splitting, logger=logger) as (_, port):
        response, _ = await request(port, GET)
    assert response.status == 500
    assert response.header("Set-Cookie") is None


async def test_expect_continue_is_answered_when_the_body_is_read() -> None:
    async def echo_body(request: BaseRequest) -> StreamResponse:
        return Response(body=await request.read())

    async with serve(echo_body) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        interim = await asyncio.wait_for(read_head(reader), 2)
        assert interim.status == 100
        writer.write(b"hello")
        response = await read_response(reader)
        writer.close()
    assert (response.status, response.body) == (200, b"hello")


async def test_expect_continue_without_reading_closes_instead() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        response = await asyncio.wait_for(read_response(reader), 2)
        assert response.status == 200
        # The client was never told to send its body: no keep-alive.
        assert await closed_by_peer(reader, wait=2)
        writer.close()


async def test_unread_small_body_is_drained_and_the_connection_reused() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + GET
        )
        first = await read_response(reader)
        second = await read_response(reader)
        writer.close()
    assert (first.status, second.status) == (200, 200)


async def test_oversized_declared_body_is_refused_without_reading_it() -> None:
    async def echo_body(request: BaseRequest) -> StreamResponse:
        return Response(body=await request.read())

    async with serve(echo_body) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # Declare 100 MiB and send none of it: the answer must not wait for it.
        writer.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\n")
        response = await asyncio.wait_for(read_response(reader), 2)
        assert response.status == 413
        writer.write(b"x" * 65536)  # the server discards what still comes
        assert await asyncio.wait_for(reader.read(), 15) == b""
        writer.close()


async def test_client_disconnect_does_not_cancel_the_handler_by_default() -> None:
    finished = asyncio.Event()
    started = asyncio.Event()

    async def patient(request: BaseRequest) -> StreamResponse:
        started.set()
        await asyncio.sleep(0.2)
        finished.set()
        return Response(text="done")

    async with serve(patient) as (_, port):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        await started.wait()
        writer.close()
        await asyncio.wait_for(finished.wait(), 2)


async def test_handler_cancellation_cancels_on_client_disconnect() -> None:
    cancelled = asyncio.Event()
    started = asyncio.Event()

    async def patient(request: BaseRequest) -> StreamResponse:
        started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return Response(text="done")

    async with serve(patient, handler_cancellation=True) as (_, port):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        await started.wait()
        writer.close()
        await asyncio.wait_for(cancelled.wait(), 2)


async def test_upgraded_connection_is_handed_to_the_new_parser() -> None:
    received: list[bytes] = []
    got_ping = asyncio.Event()

    class EchoParser:
        def feed_data(self, data: bytes) -> tuple[bool, bytes]:
            received.append(data)
            if b"ping" in b"".join(received):
                got_ping.set()
            return False, b""

        def feed_eof(self) -> None:
            received.append(b"<eof>")

    async def upgrade(request: BaseRequest) -> StreamResponse:
        response = StreamResponse(
            status=101, headers={"Upgrade": "echo", "Connection": "upgrade"}
        )
        await response.prepare(request)
        request._protocol.set_parser(EchoParser())
        await got_ping.wait()
        assert request.transport is not None
        request.transport.write(b"pong")
        return response

    async with serve(upgrade) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # The new protocol's first bytes ride in the same packet as the head.
        writer.write(
            b"GET / HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\npi"
        )
        head = await read_head(reader)
        writer.write(b"ng")
        assert await asyncio.wait_for(reader.readexactly(4), 2) == b"pong"
        assert await asyncio.wait_for(reader.read(), 2) == b""
        writer.close()
    assert head.status == 101
    assert b"".join(received).startswith(b"ping")


async def test_writes_wait_for_a_slow_reader() -> None:
    high_water = []

    async def firehose(request: BaseRequest) -> StreamResponse:
        response = StreamResponse()
        response.content_length = 64 * 2**20
        await response.prepare(request)
        assert request.transport is not None
        request.transport.set_write_buffer_limits(high=2**16)
        for _ in range(1024):
            await response.write(b"x" * 65536)
            high_water.append(request.transport.get_write_buffer_size())
        return response

    async with serve(firehose) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        head = await read_head(reader)
        await asyncio.sleep(0.3)  # do not read for a while
        total = 0
        while total < 64 * 2**20:
            chunk = await asyncio.wait_for(reader.read(2**20), 5)
            assert chunk
            total += len(chunk)
        writer.close()
    assert head.status == 200
    # drain() held the handler back: the buffer never grew past a few writes.
    assert max(high_water) < 8 * 65536


async def test_reading_pauses_while_the_handler_does_not_read() -> None:
    paused = []

    async def lazy(request: BaseRequest) -> StreamResponse:
        await asyncio.sleep(0.5)
        paused.append(request._protocol._reading_paused)
        size = 0
        async for chunk in request.content.iter_any():
            size += len(chunk)
        return Response(text=str(size))

    body = b"y" * (8 * 2**20)
    async with serve(lazy) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(body)
            + body
        )
        response = await asyncio.wait_for(read_response(reader), 10)
        writer.close()
    assert response.body == str(len(body)).encode()
    assert paused == [True]


async def test_shutdown_lets_in_flight_requests_finish() -> None:
    started = asyncio.Event()

    async def slow(request: BaseRequest) -> StreamResponse:
        started.set()
        await asyncio.sleep(0.3)
        return Response(text="finished")

    server_cm = serve(slow)
    server, port = await server_cm.__aenter__()
    try:
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        idle_writer.write(GET)
        await read_response(idle_reader)
        started.clear()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        await started.wait()
        server.pre_shutdown()
        # The idle keep-alive connection closes at once.
        assert await asyncio.wait_for(idle_reader.read(), 1) == b""
        await server.shutdown(5)
        response = await read_response(reader)
        assert response.body == b"finished"
        assert response.header("Connection") == "close"
        writer.close()
        idle_writer.close()
    finally:
        await server_cm.__aexit__(None, None, None)


async def test_shutdown_cancels_handlers_that_outlast_the_timeout() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def endless(request: BaseRequest) -> StreamResponse:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return Response()

    async with serve(endless) as (server, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(GET)
        await started.wait()
        await asyncio.wait_for(server.shutdown(0.2), 3)
        assert cancelled.is_set()
        assert await asyncio.wait_for(reader.read(), 2) == b""
        writer.close()


async def test_access_log_records_each_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        log_format = '%r %s %b "%{User-Agent}i"'
        async with serve(hello, access_log_format=log_format) as (_, port):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(
                b"GET /x?y=1 HTTP/1.1\r\nHost: t\r\nUser-Agent: probe\r\n"
                b"Connection: close\r\n\r\n"
            )
            sent = await reader.read()
            writer.close()
    messages = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    # %b counts the whole response, head included (aiohttp 3.x).
    assert messages == [f'GET /x?y=1 HTTP/1.1 200 {len(sent)} "probe"']


async def test_access_log_none_turns_logging_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        async with serve(hello, access_log=None) as (_, port):
            await request(port, GET)
    assert [r for r in caplog.records if r.name == "aiohttp.access"] == []


async def test_server_works_as_a_protocol_factory_on_a_unix_socket(
    short_tmp_path: object,
) -> None:
    path = f"{short_tmp_path}/s.sock"
    server = web_server.Server(hello)
    loop = asyncio.get_running_loop()
    listener = await loop.create_unix_server(server, path)
    try:
        reader, writer = await asyncio.open_unix_connection(path)
        writer.write(GET)
        response = await read_response(reader)
        writer.close()
    finally:
        listener.close()
        await server.shutdown(1)
        await listener.wait_closed()
    assert response.body == b"OK"


async def test_half_closed_client_still_gets_its_answer() -> None:
    async with serve(hello) as (_, port):
        sock = socket.create_connection(("127.0.0.1", port))
        try:
            sock.sendall(GET)
            sock.shutdown(socket.SHUT_WR)
            reader, writer = await asyncio.open_connection(sock=sock)
            response = await asyncio.wait_for(read_response(reader), 2)
            assert await asyncio.wait_for(reader.read(), 2) == b""
            writer.close()
        finally:
            sock.close()
    assert response.status == 200
