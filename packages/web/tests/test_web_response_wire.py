"""What StreamResponse and Response put on the wire (RFC 9110, RFC 9112).

Each test prepares a response on a real TCP connection (the harness's
stand-in request carries the method, version and keep-alive) and reads the
raw bytes the client received.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator

import pytest
from web_response_harness import (
    TIMEOUT,
    bounded,
    parse_response,
    response_wire,
)

from aiohttp.http import SERVER_SOFTWARE
from aiohttp.http_writer import HttpVersion10, HttpVersion11
from aiohttp.payload import AsyncIterablePayload, BytesIOPayload
from aiohttp.web_response import Response, StreamResponse

IMF_FIXDATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT"
)


# --- a plain Response --------------------------------------------------------------


async def test_small_response() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="Hello, world")
        writer = await resp.prepare(wire.request)
        assert writer is wire.writer
        assert resp.prepared
        assert resp.keep_alive is True
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status_line == "HTTP/1.1 200 OK"
    assert raw.body == b"Hello, world"
    assert raw.framing == "length"
    assert raw.header("Content-Length") == "12"
    assert raw.header("Content-Type") == "text/plain; charset=utf-8"
    assert raw.header("Server") == SERVER_SOFTWARE
    date = raw.header("Date")
    assert date is not None
    assert IMF_FIXDATE.fullmatch(date)
    assert raw.header("Connection") is None  # keep-alive is HTTP/1.1's default
    assert raw.header("Transfer-Encoding") is None


async def test_small_response_leaves_in_one_write() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(body=b"x" * 100)
        await resp.prepare(wire.request)
        assert wire.writes == []  # the head waits for the body
        await resp.write_eof()
        assert len(wire.writes) == 1
        assert resp.body_length == len(wire.writes[0])
        raw = await wire.response()
    assert raw.body == b"x" * 100


async def test_state_after_the_end() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        await resp.prepare(wire.request)
        assert resp.task is wire.request.task
        assert repr(resp) == "<Response OK GET / >"
        await resp.write_eof()
        assert resp.prepared
        assert resp.task is None
        assert repr(resp) == "<Response OK eof>"
        assert await resp.prepare(wire.request) is None
        await resp.write_eof()  # again: nothing happens
        assert len(wire.writes) == 1


async def test_prepare_twice_sends_one_head() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        first = await resp.prepare(wire.request)
        second = await resp.prepare(wire.request)
        assert first is second
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status == 200


async def test_prepare_hook_is_called() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        await resp.prepare(wire.request)
        assert wire.request.hooked == [resp]
        await resp.write_eof()


async def test_status_line_with_custom_and_empty_reasons() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(status=299, reason="Fine\tIndeed", text="x")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status_line == "HTTP/1.1 299 Fine\tIndeed"
    async with bounded(), response_wire() as wire:
        resp = Response(status=599)
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status_line == "HTTP/1.1 599 "
    assert raw.reason == ""


async def test_http10_status_line() -> None:
    async with bounded(), response_wire(version=HttpVersion10) as wire:
        resp = Response(status=404, text="gone")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status_line == "HTTP/1.0 404 Not Found"
    assert raw.header("Content-Length") == "4"
    assert raw.body == b"gone"


async def test_date_and_server_can_be_set() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(headers={"Server": "mine", "Date": "yesterday"})
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Server") == "mine"
    assert raw.header("Date") == "yesterday"


# --- Content-Type ---------------------------------------------------------------------


async def test_default_content_type_only_with_content() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(body=b"data")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Content-Type") == "application/octet-stream"
    async with bounded(), response_wire() as wire:
        resp = Response()
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Content-Type") is None
    assert raw.header("Content-Length") == "0"
    async with bounded(), response_wire() as wire:
        stream = StreamResponse()
        await stream.prepare(wire.request)
        await stream.write_eof()
        raw = await wire.response()
    # The length of a stream is unknown at prepare(): it may have content.
    assert raw.header("Content-Type") == "application/octet-stream"


# --- framing ------------------------------------------------------------------------------


async def test_stream_on_http11_is_chunked() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        resp.content_type = "text/plain"
        await resp.prepare(wire.request)
        await resp.write(b"first ")
        await resp.write(bytearray(b"second "))
        await resp.write(memoryview(b"third"))
        await resp.write(b"")  # sends nothing: an empty chunk would end the body
        await resp.write_eof(b" last")
        raw = await wire.response()
        assert resp.keep_alive is True
    assert raw.framing == "chunked"
    assert raw.header("Transfer-Encoding") == "chunked"
    assert raw.header("Content-Length") is None
    assert raw.body == b"first second third last"


async def test_stream_head_goes_out_at_prepare() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        await resp.prepare(wire.request)
        head = await asyncio.wait_for(wire.client.readuntil(b"\r\n\r\n"), TIMEOUT)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        await resp.write_eof()


async def test_stream_with_content_length() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        resp.content_length = 10
        await resp.prepare(wire.request)
        await resp.write(b"01234")
        await resp.write(b"56789")
        await resp.write_eof()
        raw = await wire.response()
    assert raw.framing == "length"
    assert raw.header("Transfer-Encoding") is None
    assert raw.body == b"0123456789"


async def test_stream_never_sends_more_than_its_content_length() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        resp.content_length = 3
        await resp.prepare(wire.request)
        await resp.write(b"abcdef")
        await resp.write_eof(b"ghi")
        data = await wire.received()
    raw = parse_response(data)
    assert raw.body == b"abc"
    assert raw.rest == b""


async def test_stream_on_http10_ends_with_the_connection() -> None:
    async with bounded(), response_wire(version=HttpVersion10) as wire:
        resp = StreamResponse()
        await resp.prepare(wire.request)
        await resp.write(b"no chunks ")
        await resp.write_eof(b"in HTTP/1.0")
        # The body's end is the connection's end, whatever the request said.
        assert resp.keep_alive is False
        raw = await wire.response()
    assert raw.framing == "close"
    assert raw.header("Transfer-Encoding") is None
    assert raw.header("Content-Length") is None
    assert raw.header("Connection") is None
    assert raw.body == b"no chunks in HTTP/1.0"


async def test_explicit_chunking_on_http11() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(wire.request)
        await resp.write(b"abc")
        await resp.write_eof()
        raw = await wire.response()
    assert raw.framing == "chunked"
    assert raw.body == b"abc"


async def test_explicit_chunking_on_http10_is_refused() -> None:
    async with bounded(), response_wire(version=HttpVersion10) as wire:
        resp = StreamResponse()
        resp.enable_chunked_encoding()
        with pytest.raises(RuntimeError, match=r"forbidden for HTTP/1\.0"):
            await resp.prepare(wire.request)
        assert wire.writes == []


async def test_chunked_response_with_a_body() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(body=b"whole body")
        resp.enable_chunked_encoding()
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.framing == "chunked"
    assert raw.body == b"whole body"


# --- Connection and keep-alive ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "keep_alive", "header"),
    [
        (HttpVersion11, True, None),
        (HttpVersion11, False, "close"),
        (HttpVersion10, True, "keep-alive"),
        (HttpVersion10, False, None),
    ],
)
async def test_connection_header(
    version: tuple[int, int], keep_alive: bool, header: str | None
) -> None:
    async with (
        bounded(),
        response_wire(version=version, keep_alive=keep_alive) as wire,  # type: ignore[arg-type]
    ):
        resp = Response(text="x")
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert resp.keep_alive is keep_alive
        raw = await wire.response()
    assert raw.header("Connection") == header


async def test_force_close() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        resp.force_close()
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert resp.keep_alive is False
        raw = await wire.response()
    assert raw.header("Connection") == "close"


async def test_handler_connection_close_header_closes() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x", headers={"Connection": "Close"})
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert resp.keep_alive is False
        raw = await wire.response()
    assert raw.header("Connection") == "Close"


async def test_handler_connection_header_stays() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x", headers={"Connection": "Upgrade"})
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert resp.keep_alive is True
        raw = await wire.response()
    assert raw.header("Connection") == "Upgrade"


# --- responses without content ----------------------------------------------------------------


async def test_head_keeps_the_length_and_sends_no_body() -> None:
    async with bounded(), response_wire(method="HEAD") as wire:
        resp = Response(text="hello")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response(head_request=True)
    assert raw.header("Content-Length") == "5"
    assert raw.header("Content-Type") == "text/plain; charset=utf-8"
    assert raw.body == b""


async def test_head_of_an_empty_response_has_no_length() -> None:
    async with bounded(), response_wire(method="HEAD") as wire:
        resp = Response()
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response(head_request=True)
    assert raw.header("Content-Length") is None


async def test_head_stream_writes_are_dropped() -> None:
    async with bounded(), response_wire(method="HEAD") as wire:
        resp = StreamResponse()
        await resp.prepare(wire.request)
        await resp.write(b"must not be sent")
        await resp.write_eof(b"nor this")
        assert resp.keep_alive is True
        raw = await wire.response(head_request=True)
    assert raw.header("Transfer-Encoding") is None
    assert raw.header("Content-Length") is None


async def test_head_stream_on_http10_keeps_the_connection() -> None:
    async with (
        bounded(),
        response_wire(method="HEAD", version=HttpVersion10) as wire,
    ):
        resp = StreamResponse()
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert resp.keep_alive is True
        raw = await wire.response(head_request=True)
    assert raw.header("Connection") == "keep-alive"


@pytest.mark.parametrize("status", [204, 103])
async def test_no_content_statuses_drop_length_and_body(status: int) -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(status=status, body=b"ignored")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status == status
    assert raw.header("Content-Length") is None
    assert raw.header("Transfer-Encoding") is None
    assert raw.header("Content-Type") is None


async def test_204_stream_is_not_chunked() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse(status=204)
        resp.enable_chunked_encoding()
        await resp.prepare(wire.request)
        await resp.write(b"dropped")
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Transfer-Encoding") is None
    assert raw.header("Content-Length") is None


async def test_204_with_an_explicit_length_drops_it() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse(status=204, headers={"Content-Length": "10"})
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Content-Length") is None


async def test_304_keeps_the_length_it_would_have_had() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(status=304, body=b"12345")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status == 304
    assert raw.header("Content-Length") == "5"
    assert raw.body == b""
    async with bounded(), response_wire() as wire:
        resp = Response(status=304)
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Content-Length") is None


# --- payload bodies ---------------------------------------------------------------------------


async def test_payload_body_with_a_size() -> None:
    data = io.BytesIO(b"file-like content")
    async with bounded(), response_wire() as wire:
        resp = Response(body=BytesIOPayload(data, content_type="text/x-thing"))
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert data.closed  # the payload is released after writing
        raw = await wire.response()
    assert raw.framing == "length"
    assert raw.header("Content-Length") == "17"
    assert raw.header("Content-Type") == "text/x-thing"
    assert raw.body == b"file-like content"


async def test_payload_body_without_a_size_is_chunked() -> None:
    async def produce() -> AsyncIterator[bytes]:
        yield b"one "
        yield b"two"

    async with bounded(), response_wire() as wire:
        resp = Response(body=AsyncIterablePayload(produce()))
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.framing == "chunked"
    assert raw.body == b"one two"


async def test_payload_body_on_head_is_closed_unsent() -> None:
    data = io.BytesIO(b"content")
    async with bounded(), response_wire(method="HEAD") as wire:
        resp = Response(body=BytesIOPayload(data))
        await resp.prepare(wire.request)
        await resp.write_eof()
        assert data.closed
        raw = await wire.response(head_request=True)
    assert raw.header("Content-Length") == "7"


async def test_explicit_content_length_of_a_response_stays() -> None:
    async with bounded(), response_wire(method="HEAD") as wire:
        resp = Response(headers={"Content-Length": "1000"})
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response(head_request=True)
    assert raw.header("Content-Length") == "1000"


# --- misuse --------------------------------------------------------------------------------------


async def test_write_misuse() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        with pytest.raises(RuntimeError, match="before prepare"):
            await resp.write(b"x")
        with pytest.raises(RuntimeError, match="not been started"):
            await resp.write_eof()
        await resp.prepare(wire.request)
        with pytest.raises(TypeError, match="byte-ish"):
            await resp.write("text")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="byte-ish"):
            await resp.write_eof("text")  # type: ignore[arg-type]
        await resp.write_eof()
        with pytest.raises(RuntimeError, match="after write_eof"):
            await resp.write(b"late")
        raw = await wire.response()
    assert raw.body == b""


async def test_status_is_fixed_after_prepare() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        await resp.prepare(wire.request)
        with pytest.raises(RuntimeError, match="after the headers have been sent"):
            resp.set_status(404)
        await resp.write_eof()
        with pytest.raises(RuntimeError, match="after the headers have been sent"):
            resp.set_status(404)
        assert resp.status == 200


async def test_header_changes_after_prepare_have_no_effect() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        await resp.prepare(wire.request)
        resp.headers["X-Late"] = "1"
        resp.set_cookie("late", "1")
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("X-Late") is None
    assert raw.header("Set-Cookie") is None


async def test_response_write_eof_takes_no_data() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        await resp.prepare(wire.request)
        with pytest.raises(RuntimeError, match="takes no data"):
            await resp.write_eof(b"more")
        await resp.write_eof()


async def test_response_write_eof_before_prepare() -> None:
    with pytest.raises(RuntimeError, match="not been started"):
        await Response(text="x").write_eof()


async def test_drain_is_deprecated() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse()
        with pytest.raises(RuntimeError, match="not been started"):
            await resp.drain()
        await resp.prepare(wire.request)
        with pytest.warns(DeprecationWarning, match="drain method is deprecated"):
            await resp.drain()
        with pytest.warns(DeprecationWarning, match="output_length is deprecated"):
            assert resp.output_length >= 0
        await resp.write_eof()
        with pytest.raises(RuntimeError, match="EOF has already been sent"):
            await resp.drain()


# --- response splitting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Evil", "a\r\nSet-Cookie: injected=1"),
        ("X-Evil", "a\nb"),
        ("X-Evil", "a\rb"),
        ("X-Evil", "nul\x00"),
        ("X-Evil\r\nInjected", "1"),
        ("X Evil", "1"),
        ("", "1"),
    ],
)
async def test_header_splitting_is_refused(name: str, value: str) -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x", headers={name: value})
        with pytest.raises(ValueError, match=r"header|Control character"):
            await resp.prepare(wire.request)
        assert wire.writes == []
        # Nothing of it can go out afterwards: no body without a head.
        assert not resp.prepared
        with pytest.raises(RuntimeError, match="not been started"):
            await resp.write_eof()
        with pytest.raises(RuntimeError, match="before prepare"):
            await resp.write(b"body")
        assert wire.writes == []
        # The connection is untouched: a clean response can still go out.
        clean = Response(text="clean")
        wire.request._payload_writer = type(wire.writer)(
            wire.protocol, wire.writer.loop
        )
        await clean.prepare(wire.request)
        await clean.write_eof()
        raw = await wire.response()
    assert raw.body == b"clean"
    assert raw.header("Set-Cookie") is None


async def test_output_length_before_prepare() -> None:
    resp = StreamResponse()
    with (
        pytest.warns(DeprecationWarning, match="output_length"),
        pytest.raises(RuntimeError, match="not been started"),
    ):
        _ = resp.output_length


async def test_response_204_with_an_explicit_length_drops_it() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(status=204, headers={"Content-Length": "3"})
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header("Content-Length") is None


class UnframedResponse(StreamResponse):
    """Like a WebSocket response: the body is not HTTP's to frame."""

    _length_check = False


async def test_unframed_response_gets_no_framing() -> None:
    async with bounded(), response_wire() as wire:
        resp = UnframedResponse(
            status=101, headers={"Upgrade": "x", "Connection": "Upgrade"}
        )
        writer = await resp.prepare(wire.request)
        assert writer is not None
        # The writer is not told to cut anything off: the protocol after
        # the switch owns the bytes.
        assert writer.length is None
        await resp.write_eof()
        raw = await wire.response()
    assert raw.status == 101
    assert raw.header("Content-Length") is None
    assert raw.header("Transfer-Encoding") is None
    assert raw.header("Connection") == "Upgrade"


async def test_unframed_response_with_content() -> None:
    async with bounded(), response_wire() as wire:
        resp = UnframedResponse()
        await resp.prepare(wire.request)
        await resp.write(b"raw bytes")
        await resp.write_eof()
        data = await wire.received()
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding" not in head
    assert b"Content-Type: application/octet-stream" in head
    assert body == b"raw bytes"
