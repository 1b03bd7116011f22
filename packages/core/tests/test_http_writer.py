"""aiohttp.http_writer: message heads and bodies, as a real peer receives them."""

from __future__ import annotations

import array
import asyncio
import gzip
import os
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from multidict import CIMultiDict, istr

from aiohttp import _http_version, http_writer
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_writer import StreamWriter, serialize_headers

# Every wait in this module is bounded so that a bug fails, never hangs.
TIMEOUT = 10.0

# --- serialize_headers ------------------------------------------------------


def test_exports() -> None:
    assert http_writer.__all__ == (
        "StreamWriter",
        "HttpVersion",
        "HttpVersion10",
        "HttpVersion11",
        "serialize_headers",
    )
    assert http_writer.HttpVersion is _http_version.HttpVersion
    assert http_writer.HttpVersion10 == (1, 0)
    assert http_writer.HttpVersion11 == (1, 1)


def test_head_keeps_order_and_repeated_fields() -> None:
    headers = CIMultiDict(
        [
            ("Content-Type", "text/plain"),
            ("Set-Cookie", "a=1"),
            ("X-Other", "x"),
            ("set-cookie", "b=2"),
        ]
    )
    assert serialize_headers("HTTP/1.1 200 OK", headers) == (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: text/plain\r\n"
        b"Set-Cookie: a=1\r\n"
        b"X-Other: x\r\n"
        b"set-cookie: b=2\r\n"
        b"\r\n"
    )


def test_head_without_fields() -> None:
    assert serialize_headers("HTTP/1.1 204 No Content", CIMultiDict()) == (
        b"HTTP/1.1 204 No Content\r\n\r\n"
    )


def test_head_of_a_request_from_a_plain_mapping() -> None:
    head = serialize_headers("GET /path?q=1 HTTP/1.1", {"Host": "example.com"})
    assert head == b"GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"


def test_head_encodes_non_ascii_as_utf8() -> None:
    headers = CIMultiDict([(istr("X-Name"), "Grüße, 世界")])
    head = serialize_headers("HTTP/1.1 200 OK", headers)
    assert head == "HTTP/1.1 200 OK\r\nX-Name: Grüße, 世界\r\n\r\n".encode()


def test_every_token_character_is_a_valid_name() -> None:
    name = "!#$%&'*+-.^_`|~0123456789ABCXYZabcxyz"
    head = serialize_headers("HTTP/1.1 200 OK", CIMultiDict([(name, "v")]))
    assert head == f"HTTP/1.1 200 OK\r\n{name}: v\r\n\r\n".encode()


def test_empty_value_and_inner_whitespace_are_kept() -> None:
    headers = CIMultiDict([("X-Empty", ""), ("X-Spaced", "a  b\tc")])
    head = serialize_headers("HTTP/1.1 200 OK", headers)
    assert head == b"HTTP/1.1 200 OK\r\nX-Empty: \r\nX-Spaced: a  b\tc\r\n\r\n"


FORBIDDEN = ["\r", "\n", "\r\n", "\x00"]


@pytest.mark.parametrize("char", FORBIDDEN)
def test_status_line_refuses_forbidden_characters(char: str) -> None:
    status_line = f"HTTP/1.1 200 OK{char}X-Injected: 1"
    headers = CIMultiDict([("X-Fine", "1")])
    with pytest.raises(ValueError, match="status line") as info:
        serialize_headers(status_line, headers)
    assert repr(status_line) in str(info.value)


@pytest.mark.parametrize("char", FORBIDDEN)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_value_refuses_forbidden_characters(char: str, where: str) -> None:
    value = {"start": f"{char}a", "middle": f"a{char}b", "end": f"a{char}"}[where]
    headers = CIMultiDict([("X-Fine", "1"), ("X-Bad", value), ("X-After", "2")])
    with pytest.raises(ValueError, match="value of header 'X-Bad'"):
        serialize_headers("HTTP/1.1 200 OK", headers)


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"])
def test_value_refuses_other_control_characters(char: str) -> None:
    # RFC 9110 section 5.5: only HTAB among the controls; our parser agrees.
    headers = CIMultiDict([("X-Bad", f"a{char}b")])
    with pytest.raises(ValueError, match="value of header 'X-Bad'"):
        serialize_headers("HTTP/1.1 200 OK", headers)
    with pytest.raises(ValueError, match="status line"):
        serialize_headers(f"HTTP/1.1 200 O{char}K", CIMultiDict())


def test_a_tab_inside_a_value_is_allowed() -> None:
    head = serialize_headers("HTTP/1.1 200 OK", CIMultiDict([("X-Tab", "a\tb")]))
    assert head == b"HTTP/1.1 200 OK\r\nX-Tab: a\tb\r\n\r\n"


def test_value_that_would_smuggle_a_field_is_refused() -> None:
    # A whole well-formed field line hidden in a value: still one CRLF too many.
    headers = CIMultiDict([("Location", "/next\r\nSet-Cookie: session=stolen")])
    with pytest.raises(ValueError, match="value of header 'Location'"):
        serialize_headers("HTTP/1.1 302 Found", headers)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Bad Name",
        " Leading",
        "Trailing ",
        "Bad:Name",
        "Bad: Name",
        "Bäd",
        "名前",
        "Bad\tName",
        "Bad\rName",
        "Bad\nName",
        "Bad\r\nName",
        "Bad\x00Name",
        "Bad\x7fName",
        "(comment)",
        '"quoted"',
        "a/b",
        "a@b",
        "a=b",
        "{x}",
    ],
)
def test_name_must_be_a_token(name: str) -> None:
    headers = CIMultiDict([("X-Fine", "1"), (name, "v")])
    with pytest.raises(ValueError, match="Invalid header name") as info:
        serialize_headers("HTTP/1.1 200 OK", headers)
    assert repr(name) in str(info.value)


def test_a_lone_empty_name_is_refused() -> None:
    with pytest.raises(ValueError, match="Invalid header name ''"):
        serialize_headers("HTTP/1.1 200 OK", CIMultiDict([("", "v")]))


def test_the_first_culprit_is_named() -> None:
    headers = CIMultiDict([("X-Bad-Value", "a\nb"), ("Bad Name", "v")])
    with pytest.raises(ValueError, match="value of header 'X-Bad-Value'"):
        serialize_headers("HTTP/1.1 200 OK", headers)


# --- a real connection --------------------------------------------------------


class Peer(asyncio.Protocol):
    """The far end of the connection: records every byte it receives."""

    def __init__(self, peers: asyncio.Queue[Peer]) -> None:
        self._peers = peers
        self.data = bytearray()
        self.transport: asyncio.Transport | None = None
        self.closed = asyncio.get_running_loop().create_future()
        self._arrived = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._peers.put_nowait(self)

    def data_received(self, data: bytes) -> None:
        self.data += data
        self._arrived.set()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        self.closed.set_result(None)

    async def received(self, size: int) -> bytes:
        """Wait until at least ``size`` bytes have arrived."""

        async def wait() -> None:
            while len(self.data) < size:
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(wait(), TIMEOUT)
        return bytes(self.data)


class ClientProtocol(BaseProtocol):
    """BaseProtocol, plus a future a test can await for the connection's loss."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.lost = loop.create_future()

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        self.lost.set_result(None)


@dataclass
class Connection:
    writer: StreamWriter
    protocol: ClientProtocol
    transport: asyncio.Transport
    peer: Peer
    writes: list[bytes] = field(default_factory=list)
    writelines: list[list[bytes]] = field(default_factory=list)

    async def everything(self) -> bytes:
        """Close our side; return all the peer received until the close."""
        self.transport.close()
        await asyncio.wait_for(asyncio.shield(self.peer.closed), TIMEOUT)
        return bytes(self.peer.data)


@asynccontextmanager
async def connect(
    on_chunk_sent: Callable[[bytes], Awaitable[None]] | None = None,
    on_headers_sent: Callable[[CIMultiDict[str]], Awaitable[None]] | None = None,
) -> AsyncIterator[Connection]:
    """A writer on a real TCP connection to a recording peer on 127.0.0.1.

    The client transport's write() and writelines() are wrapped to record
    each call while still sending the bytes.
    """
    loop = asyncio.get_running_loop()
    peers: asyncio.Queue[Peer] = asyncio.Queue()
    server = await loop.create_server(lambda: Peer(peers), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: ClientProtocol(loop), "127.0.0.1", port),
        TIMEOUT,
    )
    peer = await asyncio.wait_for(peers.get(), TIMEOUT)
    writer = StreamWriter(protocol, loop, on_chunk_sent, on_headers_sent)
    connection = Connection(writer, protocol, transport, peer)
    write, writelines = transport.write, transport.writelines
    # Before Python 3.12, writelines() calls write(): count that call once.
    in_writelines = False

    def counting_write(data: bytes | bytearray | memoryview) -> None:
        if not in_writelines:
            connection.writes.append(bytes(data))
        write(data)

    def counting_writelines(
        list_of_data: Iterable[bytes | bytearray | memoryview],
    ) -> None:
        nonlocal in_writelines
        pieces = list(list_of_data)
        connection.writelines.append([bytes(piece) for piece in pieces])
        in_writelines = True
        try:
            writelines(pieces)
        finally:
            in_writelines = False

    transport.write = counting_write  # type: ignore[method-assign]
    transport.writelines = counting_writelines  # type: ignore[method-assign]
    try:
        yield connection
    finally:
        transport.abort()
        if peer.transport is not None:
            peer.transport.abort()
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)
        await asyncio.wait_for(asyncio.shield(peer.closed), TIMEOUT)


def dechunk(body: bytes) -> bytes:
    """Decode a chunked body (RFC 9112 section 7.1) that must end exactly."""
    out = bytearray()
    while True:
        size_line, sep, body = body.partition(b"\r\n")
        assert sep, "a chunk size line without CRLF"
        assert re.fullmatch(rb"[0-9a-f]+", size_line), size_line
        size = int(size_line, 16)
        if size == 0:
            assert body == b"\r\n", "no trailer section, then the end"
            return bytes(out)
        out += body[:size]
        assert body[size : size + 2] == b"\r\n"
        body = body[size + 2 :]


HEADERS = CIMultiDict([("Content-Type", "text/plain"), ("Content-Length", "5")])
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
CHUNKED_HEADERS = CIMultiDict([("Transfer-Encoding", "chunked")])
CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


async def test_new_writer_state() -> None:
    async with connect() as conn:
        writer = conn.writer
        assert writer.length is None
        assert writer.chunked is False
        assert writer.buffer_size == 0
        assert writer.output_size == 0
        assert writer.protocol is conn.protocol
        assert writer.transport is conn.transport
        writer.enable_chunking()
        assert writer.chunked is True


async def test_head_waits_for_the_body() -> None:
    async with connect() as conn:
        await conn.writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        assert conn.writes == []
        assert conn.writer.output_size == 0
        await conn.writer.write(b"hello")
        assert conn.writes == [HEAD + b"hello"]
        await conn.writer.write_eof()
        assert conn.writes == [HEAD + b"hello"]
        assert await conn.everything() == HEAD + b"hello"
        assert conn.writer.output_size == len(HEAD) + 5


async def test_small_response_leaves_in_one_write() -> None:
    async with connect() as conn:
        await conn.writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        await conn.writer.write_eof(b"hello")
        assert conn.writes == [HEAD + b"hello"]
        assert conn.writelines == []
        assert await conn.everything() == HEAD + b"hello"


async def test_small_chunked_response_leaves_in_one_write() -> None:
    async with connect() as conn:
        conn.writer.enable_chunking()
        await conn.writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await conn.writer.write_eof(b"hello")
        expected = CHUNKED_HEAD + b"5\r\nhello\r\n0\r\n\r\n"
        assert conn.writes == [expected]
        assert await conn.everything() == expected


async def test_head_alone_leaves_with_the_end_of_the_body() -> None:
    async with connect() as conn:
        await conn.writer.write_headers("HTTP/1.1 204 No Content", CIMultiDict())
        await conn.writer.write_eof()
        assert conn.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]


async def test_send_headers_sends_the_head_now() -> None:
    async with connect() as conn:
        writer = conn.writer
        await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        writer.send_headers()
        assert conn.writes == [HEAD]
        assert await conn.peer.received(len(HEAD)) == HEAD
        writer.send_headers()  # nothing left to send
        await writer.write(b"hello")
        await writer.write_eof()
        assert conn.writes == [HEAD, b"hello"]
        assert writer.output_size == len(HEAD) + 5
        assert await conn.everything() == HEAD + b"hello"


async def test_headers_are_written_once() -> None:
    async with connect() as conn:
        await conn.writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        with pytest.raises(RuntimeError, match="already been written"):
            await conn.writer.write_headers("HTTP/1.1 200 OK", HEADERS)


async def test_a_refused_head_is_not_buffered() -> None:
    async with connect() as conn:
        bad = CIMultiDict([("X-Bad", "a\r\nb")])
        with pytest.raises(ValueError, match="X-Bad"):
            await conn.writer.write_headers("HTTP/1.1 200 OK", bad)
        await conn.writer.write_eof(b"body")
        assert conn.writes == [b"body"]


async def test_body_without_head() -> None:
    async with connect() as conn:
        await conn.writer.write(b"abc")
        await conn.writer.write(bytearray(b"def"))
        await conn.writer.write(memoryview(b"ghi"))
        await conn.writer.write_eof(b"jkl")
        assert conn.writes == [b"abc", b"def", b"ghi", b"jkl"]
        assert await conn.everything() == b"abcdefghijkl"


async def test_wide_memoryview_is_counted_in_bytes() -> None:
    async with connect() as conn:
        conn.writer.enable_chunking()
        items = array.array("H", [0x4142, 0x4344, 0x4546])
        await conn.writer.write(memoryview(items))
        await conn.writer.write_eof()
        assert dechunk(await conn.everything()) == items.tobytes()
        assert conn.writes[0].startswith(b"6\r\n")


async def test_chunked_framing_is_byte_exact() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write(b"")  # would be the last chunk: nothing goes
        assert conn.writes == []
        await writer.write(b"hello")
        await writer.write(b"")
        await writer.write(bytearray(b""))
        await writer.write(memoryview(b""))
        await writer.write(b"abcdefghijklmnopqrstuvwxyz")
        await writer.write_eof()
        assert conn.writes == [
            CHUNKED_HEAD + b"5\r\nhello\r\n",
            b"1a\r\nabcdefghijklmnopqrstuvwxyz\r\n",
            b"0\r\n\r\n",
        ]
        received = await conn.everything()
        assert received == b"".join(conn.writes)
        assert dechunk(received.removeprefix(CHUNKED_HEAD)) == (
            b"hello" + b"abcdefghijklmnopqrstuvwxyz"
        )


async def test_chunked_body_with_a_final_chunk() -> None:
    async with connect() as conn:
        conn.writer.enable_chunking()
        await conn.writer.write(b"x" * 300)
        await conn.writer.write_eof(b"end")
        assert conn.writes == [
            b"12c\r\n" + b"x" * 300 + b"\r\n",
            b"3\r\nend\r\n0\r\n\r\n",
        ]


async def test_empty_chunked_body_is_just_the_last_chunk() -> None:
    async with connect() as conn:
        conn.writer.enable_chunking()
        await conn.writer.write_eof()
        assert conn.writes == [b"0\r\n\r\n"]


async def test_length_cuts_the_body_off() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.length = 10
        await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        await writer.write(b"0123")
        assert writer.length == 6
        await writer.write(b"456789ABC")
        assert writer.length == 0
        await writer.write(b"more")  # nothing left to send
        await writer.write_eof(b"and more")
        assert conn.writes == [HEAD + b"0123", b"456789"]
        assert await conn.everything() == HEAD + b"0123456789"


async def test_length_cuts_the_last_write_off() -> None:
    async with connect() as conn:
        conn.writer.length = 3
        await conn.writer.write_eof(b"abcdef")
        assert conn.writes == [b"abc"]
        assert conn.writer.length == 0


async def test_callbacks_see_the_head_and_each_chunk() -> None:
    seen_headers: list[CIMultiDict[str]] = []
    seen_chunks: list[bytes] = []

    async def on_headers_sent(headers: CIMultiDict[str]) -> None:
        seen_headers.append(headers)

    async def on_chunk_sent(chunk: bytes) -> None:
        assert type(chunk) is bytes
        seen_chunks.append(chunk)

    async with connect(on_chunk_sent, on_headers_sent) as conn:
        writer = conn.writer
        await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        assert seen_headers == [HEADERS]
        assert seen_headers[0] is HEADERS
        await writer.write(b"")
        await writer.write(b"one")
        await writer.write(bytearray(b"two"))
        await writer.write(memoryview(b"three"))
        await writer.write_eof(b"four")
        assert seen_chunks == [b"one", b"two", b"three", b"four"]


async def test_eof_without_a_chunk_reports_none() -> None:
    seen_chunks: list[bytes] = []

    async def on_chunk_sent(chunk: bytes) -> None:
        seen_chunks.append(chunk)

    async with connect(on_chunk_sent) as conn:
        await conn.writer.write_eof()
        assert seen_chunks == []


def decompressor(encoding: str) -> Callable[[bytes], bytes]:
    return gzip.decompress if encoding == "gzip" else zlib.decompress


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_compressed_body(encoding: str) -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_compression(encoding)
        await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
        parts = [b"hello " * 50, b"world " * 70, b"!"]
        for part in parts:
            await writer.write(part)
        await writer.write_eof()
        head, _, body = (await conn.everything()).partition(b"\r\n\r\n")
        assert head == b"HTTP/1.1 200 OK"
        assert decompressor(encoding)(body) == b"".join(parts)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_compressed_then_chunked(encoding: str) -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_compression(encoding)
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        parts = [os.urandom(3000), b"abc" * 2000, b""]
        for part in parts:
            await writer.write(part)
        await writer.write_eof(b"tail")
        received = await conn.everything()
        assert received.startswith(CHUNKED_HEAD)
        body = dechunk(received.removeprefix(CHUNKED_HEAD))
        assert decompressor(encoding)(body) == b"".join(parts) + b"tail"


async def test_default_compression_is_deflate_with_a_strategy() -> None:
    async with connect() as conn:
        conn.writer.enable_compression(strategy=zlib.Z_HUFFMAN_ONLY)
        await conn.writer.write_eof(b"data " * 100)
        assert zlib.decompress(await conn.everything()) == b"data " * 100


async def test_compressed_small_response_leaves_in_one_write() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_compression("gzip")
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write_eof(b"hello")
        assert len(conn.writes) == 1
        body = dechunk(conn.writes[0].removeprefix(CHUNKED_HEAD))
        assert gzip.decompress(body) == b"hello"


async def test_compressor_holding_input_back_sends_nothing() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_compression("deflate")
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write(b"a")  # out comes zlib's two-byte header
        assert len(conn.writes) == 1
        await writer.write(b"b")  # nothing yet: the compressor holds it
        assert len(conn.writes) == 1
        await writer.write_eof()
        assert len(conn.writes) == 2
        received = await conn.everything()
        body = dechunk(received.removeprefix(CHUNKED_HEAD))
        assert zlib.decompress(body) == b"ab"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_large_chunk_is_compressed_in_order(encoding: str) -> None:
    # Over the compressor's synchronous limit: compressed in an executor.
    big = os.urandom(512 * 1024) + b"0123456789abcdef" * (32 * 1024)
    assert len(big) == 1024 * 1024
    async with connect() as conn:
        writer = conn.writer
        writer.enable_compression(encoding)
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write(b"first ")
        await writer.write(big)
        await writer.write(b" last")
        await writer.write_eof(big)
        received = await conn.everything()
        body = dechunk(received.removeprefix(CHUNKED_HEAD))
        assert decompressor(encoding)(body) == b"first " + big + b" last" + big


async def test_large_chunk_uncompressed() -> None:
    big = os.urandom(1024 * 1024)
    async with connect() as conn:
        writer = conn.writer
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write(big)
        await writer.write_eof()
        received = await conn.everything()
        assert dechunk(received.removeprefix(CHUNKED_HEAD)) == big


async def test_large_pieces_go_out_with_writelines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The threshold is off on Python < 3.12, where writelines() only joins.
    monkeypatch.setattr(http_writer, "_WRITELINES_MIN_SIZE", 100)
    async with connect() as conn:
        writer = conn.writer
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write(b"a" * 99)
        await writer.write(b"b" * 100)
        await writer.write_eof(b"c" * 100)
        assert conn.writes == [CHUNKED_HEAD + b"63\r\n" + b"a" * 99 + b"\r\n"]
        assert conn.writelines == [
            [b"64\r\n", b"b" * 100, b"\r\n"],
            [b"64\r\n", b"c" * 100, b"\r\n0\r\n\r\n"],
        ]
        received = await conn.everything()
        assert writer.output_size == len(received)
        body = dechunk(received.removeprefix(CHUNKED_HEAD))
        assert body == b"a" * 99 + b"b" * 100 + b"c" * 100


async def test_head_and_large_body_go_out_with_writelines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http_writer, "_WRITELINES_MIN_SIZE", 100)
    async with connect() as conn:
        await conn.writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        await conn.writer.write(b"x" * 100)
        assert conn.writes == []
        assert conn.writelines == [[HEAD, b"x" * 100]]


async def test_sizes_count_every_byte() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write(b"x" * 10, drain=False)
        await writer.write(b"y" * 20, drain=False)
        sent = len(CHUNKED_HEAD) + (3 + 10 + 2) + (4 + 20 + 2)
        assert writer.buffer_size == sent
        assert writer.output_size == sent
        await writer.write(b"z", LIMIT=sent)  # passes the limit: drains
        assert writer.buffer_size == 0
        assert writer.output_size == sent + 6
        await writer.write(b"z", LIMIT=sent)
        assert writer.buffer_size == 6
        await writer.drain()
        assert writer.buffer_size == 0


async def fill_until_paused(conn: Connection) -> None:
    """Write until the transport, full because the peer stopped reading, pauses us."""
    assert conn.peer.transport is not None
    conn.peer.transport.pause_reading()
    conn.transport.set_write_buffer_limits(high=64 * 1024)
    block = b"x" * (256 * 1024)
    for _ in range(1024):  # far beyond any kernel socket buffer
        if conn.protocol.writing_paused:
            return
        await conn.writer.write(block, drain=False)
        await asyncio.sleep(0)
    pytest.fail("the transport never paused writing")


async def test_drain_waits_until_the_peer_reads_again() -> None:
    async with connect() as conn:
        writer = conn.writer
        await fill_until_paused(conn)
        drained = asyncio.create_task(writer.drain())
        done, _ = await asyncio.wait([drained], timeout=0.2)
        assert not done, "drain() returned while the peer was not reading"
        assert conn.peer.transport is not None
        conn.peer.transport.resume_reading()
        await asyncio.wait_for(drained, TIMEOUT)
        assert not conn.protocol.writing_paused
        await writer.write_eof()
        assert len(await conn.everything()) == writer.output_size


async def test_write_past_the_limit_waits_for_the_peer() -> None:
    async with connect() as conn:
        writer = conn.writer
        await fill_until_paused(conn)
        writing = asyncio.create_task(writer.write(b"last", LIMIT=0))
        done, _ = await asyncio.wait([writing], timeout=0.2)
        assert not done, "write() returned while the peer was not reading"
        assert writer.buffer_size == 0
        assert conn.peer.transport is not None
        conn.peer.transport.resume_reading()
        await asyncio.wait_for(writing, TIMEOUT)
        received = await conn.everything()
        assert len(received) == writer.output_size
        assert received.endswith(b"xlast")


async def test_drain_fails_when_the_peer_goes_away() -> None:
    async with connect() as conn:
        await fill_until_paused(conn)
        drained = asyncio.create_task(conn.writer.drain())
        await asyncio.sleep(0)
        assert conn.peer.transport is not None
        conn.peer.transport.abort()  # unread data: the peer resets
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(drained, TIMEOUT)
        assert conn.writer.transport is None


async def test_write_after_the_peer_closed() -> None:
    async with connect() as conn:
        writer = conn.writer
        await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        assert conn.peer.transport is not None
        conn.peer.transport.close()
        await asyncio.wait_for(asyncio.shield(conn.peer.closed), TIMEOUT)
        await asyncio.wait_for(asyncio.shield(conn.protocol.lost), TIMEOUT)
        assert writer.transport is None
        message = "Cannot write to closing transport"
        with pytest.raises(ConnectionResetError, match=message):
            await writer.write(b"data")
        with pytest.raises(ConnectionResetError, match=message):
            writer.send_headers()
        with pytest.raises(ConnectionResetError, match=message):
            await writer.write_eof(b"data")
        with pytest.raises(ConnectionResetError, match="Connection lost"):
            await writer.drain()
        assert conn.writes == []


async def test_write_on_a_closing_transport() -> None:
    seen_chunks: list[bytes] = []

    async def on_chunk_sent(chunk: bytes) -> None:
        seen_chunks.append(chunk)

    async with connect(on_chunk_sent) as conn:
        conn.transport.close()
        with pytest.raises(ConnectionResetError, match="closing transport"):
            await conn.writer.write(b"data")
        assert seen_chunks == []
        await conn.writer.write(b"")  # nothing to send: nothing refused


async def test_connection_closing_while_a_write_awaits() -> None:
    async with connect() as conn:

        async def close_on_chunk(chunk: bytes) -> None:
            conn.transport.close()

        writer = StreamWriter(conn.protocol, asyncio.get_running_loop(), close_on_chunk)
        with pytest.raises(ConnectionResetError, match="closing transport"):
            await writer.write(b"data")
        assert conn.writes == []


async def test_eof_with_nothing_to_send_needs_no_connection() -> None:
    async with connect() as conn:
        conn.transport.close()
        await conn.writer.write_eof()
        assert conn.writes == []


async def test_write_eof_is_idempotent() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_chunking()
        await writer.write_headers("HTTP/1.1 200 OK", CHUNKED_HEADERS)
        await writer.write_eof(b"hello")
        await writer.write_eof(b"again")
        await writer.write_eof()
        assert conn.writes == [CHUNKED_HEAD + b"5\r\nhello\r\n0\r\n\r\n"]
        with pytest.raises(RuntimeError, match="after write_eof"):
            await writer.write(b"late")
        assert await conn.everything() == conn.writes[0]


async def test_concurrent_write_eof_ends_the_body_once() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_compression("gzip")
        writer.enable_chunking()
        big = os.urandom(64 * 1024)  # compressed in an executor: eof awaits
        await asyncio.wait_for(
            asyncio.gather(writer.write_eof(big), writer.write_eof(b"other")),
            TIMEOUT,
        )
        body = dechunk(await conn.everything())
        assert gzip.decompress(body) == big


async def test_set_eof_ends_without_writing() -> None:
    async with connect() as conn:
        writer = conn.writer
        writer.enable_chunking()
        writer.set_eof()
        await writer.write_eof(b"ignored")
        assert conn.writes == []
        with pytest.raises(RuntimeError, match="set_eof"):
            await writer.write(b"late")


def test_remembered_names_never_admit_an_invalid_one() -> None:
    good = CIMultiDict([("X-Known", "1")])
    serialize_headers("HTTP/1.1 200 OK", good)  # now remembered as valid
    with pytest.raises(ValueError, match="Invalid header name"):
        serialize_headers(
            "HTTP/1.1 200 OK", CIMultiDict([("X-Known", "1"), ("Bad Name", "2")])
        )
    with pytest.raises(ValueError, match="value of header 'X-Known'"):
        serialize_headers("HTTP/1.1 200 OK", CIMultiDict([("X-Known", "a\r\nb")]))


def test_the_remembered_names_stay_bounded() -> None:
    for index in range(http_writer._VALID_NAMES_MAX + 100):
        serialize_headers("HTTP/1.1 200 OK", CIMultiDict([(f"X-Name-{index}", "v")]))
    assert len(http_writer._VALID_NAMES) <= http_writer._VALID_NAMES_MAX


def test_a_remembered_head_never_admits_a_field_hidden_in_a_value() -> None:
    two_fields = CIMultiDict([("Location", "/next"), ("Set-Cookie", "session=stolen")])
    head = serialize_headers("HTTP/1.1 302 Found", two_fields)  # now remembered
    assert head in http_writer._VALID_HEADS
    assert head == (
        b"HTTP/1.1 302 Found\r\nLocation: /next\r\nSet-Cookie: session=stolen\r\n\r\n"
    )
    # One field whose value hides the CRLF: the very same bytes.
    one_field = CIMultiDict([("Location", "/next\r\nSet-Cookie: session=stolen")])
    with pytest.raises(ValueError, match="value of header 'Location'"):
        serialize_headers("HTTP/1.1 302 Found", one_field)


def test_a_remembered_head_never_admits_a_name_that_is_not_a_token() -> None:
    head = serialize_headers("HTTP/1.1 200 OK", CIMultiDict([("X-Note", "a: b")]))
    assert head in http_writer._VALID_HEADS
    # The same bytes again, split so that the name holds ": ".
    with pytest.raises(ValueError, match="Invalid header name 'X-Note: a'"):
        serialize_headers("HTTP/1.1 200 OK", CIMultiDict([("X-Note: a", "b")]))


def test_the_remembered_heads_stay_bounded() -> None:
    for index in range(http_writer._VALID_HEADS_MAX + 100):
        serialize_headers("HTTP/1.1 200 OK", CIMultiDict([("X-Index", str(index))]))
    assert 0 < len(http_writer._VALID_HEADS) <= http_writer._VALID_HEADS_MAX
    large = CIMultiDict([("X-Large", "x" * http_writer._VALID_HEAD_MAX_SIZE)])
    head = serialize_headers("HTTP/1.1 200 OK", large)
    assert head.endswith(b"x\r\n\r\n")
    assert head not in http_writer._VALID_HEADS
