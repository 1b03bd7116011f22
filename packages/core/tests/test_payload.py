"""aiohttp.payload: the registry, every payload class, sent as a real peer sees it."""

from __future__ import annotations

import array
import asyncio
import builtins
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
)
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest
from multidict import CIMultiDict

import aiohttp
from aiohttp import hdrs, payload
from aiohttp.abc import AbstractStreamWriter
from aiohttp.base_protocol import BaseProtocol
from aiohttp.helpers import DEFAULT_CHUNK_SIZE, content_disposition_header, sentinel
from aiohttp.http_writer import StreamWriter
from aiohttp.payload import (
    PAYLOAD_REGISTRY,
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    JsonBytesPayload,
    JsonPayload,
    Order,
    Payload,
    PayloadRegistry,
    StreamReaderPayload,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
    get_payload,
    payload_type,
    register_payload,
)
from aiohttp.streams import StreamReader
from aiohttp.typedefs import Byteish

T = TypeVar("T")
# Every wait in this module is bounded so that a bug fails, never hangs.
TIMEOUT = 10.0


async def within(awaitable: Awaitable[T]) -> T:
    """Await with a bound."""
    return await asyncio.wait_for(awaitable, TIMEOUT)


class Files:
    """Opens files for async tests (outside the loop's hot path: a test
    fixture), and closes whatever is still open at teardown."""

    def __init__(self) -> None:
        self.opened: list[IO[Any]] = []

    def binary(self, path: Path | int) -> io.BufferedReader:
        file = open(path, "rb")  # noqa: SIM115 - closed at teardown
        self.opened.append(file)
        return file

    def random(self, path: Path) -> io.BufferedRandom:
        file = open(path, "r+b")  # noqa: SIM115 - closed at teardown
        self.opened.append(file)
        return file

    def raw(self, path: Path) -> io.FileIO:
        file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed at teardown
        self.opened.append(file)
        return file

    def text(self, path: Path) -> io.TextIOWrapper:
        file = open(path, encoding="utf-8")  # noqa: SIM115 - closed at teardown
        self.opened.append(file)
        return file


@pytest.fixture
def files() -> Iterator[Files]:
    """Open files from async tests; every one is closed at teardown."""
    opener = Files()
    yield opener
    for file in opener.opened:
        file.close()


def pipe_with(data: bytes) -> int:
    """The read end of a pipe that holds ``data`` and then ends."""
    read_fd, write_fd = os.pipe()
    os.write(write_fd, data)
    os.close(write_fd)
    return read_fd


# --- writers ---------------------------------------------------------------


class Sink(AbstractStreamWriter):
    """Collects what a payload writes, chunk by chunk, and the other calls."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.types: list[type] = []
        self.calls: list[str] = []

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)

    async def write(self, chunk: Byteish) -> None:
        self.types.append(type(chunk))
        self.chunks.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.calls.append(f"write_eof {chunk!r}")

    async def drain(self) -> None:
        self.calls.append("drain")

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        self.calls.append(f"enable_compression {encoding} {strategy}")

    def enable_chunking(self) -> None:
        self.calls.append("enable_chunking")

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        self.calls.append(f"write_headers {status_line}")


class Recorder(asyncio.Protocol):
    """The peer: keeps every byte it receives until the connection ends."""

    def __init__(self, recorders: asyncio.Queue[Recorder]) -> None:
        self.received = bytearray()
        self.done: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        recorders.put_nowait(self)

    def data_received(self, data: bytes) -> None:
        self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(bytes(self.received))


def dechunk(body: bytes) -> tuple[bytes, list[int]]:
    """Decode a chunked body (RFC 9112 section 7.1): the data and chunk sizes."""
    data = bytearray()
    sizes: list[int] = []
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert body == b"\r\n"
            return bytes(data), sizes
        sizes.append(size)
        data += body[:size]
        assert body[size : size + 2] == b"\r\n"
        body = body[size + 2 :]


Send = Callable[[StreamWriter], Awaitable[None]]


async def exchange(
    send: Send, headers: CIMultiDict[str], *, chunked: bool, length: int | None = None
) -> tuple[CIMultiDict[str], bytes]:
    """Send one request through a real StreamWriter over loopback TCP.

    Returns the head's fields and the body (dechunked) as the peer got them.
    """
    loop = asyncio.get_running_loop()
    recorders: asyncio.Queue[Recorder] = asyncio.Queue()
    server = await loop.create_server(lambda: Recorder(recorders), "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        transport, protocol = await within(
            loop.create_connection(lambda: BaseProtocol(loop), "127.0.0.1", port)
        )
        recorder = await within(recorders.get())
        writer = StreamWriter(protocol, loop)
        headers = CIMultiDict(headers)
        if chunked:
            headers[hdrs.TRANSFER_ENCODING] = "chunked"
            writer.enable_chunking()
        else:
            assert length is not None
            headers[hdrs.CONTENT_LENGTH] = str(length)
            writer.length = length
        await writer.write_headers("POST /upload HTTP/1.1", headers)
        await within(send(writer))
        await within(writer.write_eof())
        transport.close()
        raw = await within(recorder.done)
    head, _, body = raw.partition(b"\r\n\r\n")
    fields: CIMultiDict[str] = CIMultiDict()
    for line in head.decode().split("\r\n")[1:]:  # after the request line
        name, _, value = line.partition(": ")
        fields.add(name, value)
    if chunked:
        body, _ = dechunk(body)
    return fields, body


async def post(
    body: Payload, *, chunked: bool | None = None, content_length: int | None = None
) -> tuple[CIMultiDict[str], bytes]:
    """Send ``body`` the way a client does: framed by its size, else chunked.

    With ``content_length``, the message says so and the payload is written
    with ``write_with_length``.
    """
    if chunked is None:
        chunked = body.size is None and content_length is None
    length = body.size if content_length is None else content_length

    async def send(writer: StreamWriter) -> None:
        if content_length is None:
            await body.write(writer)
        else:
            await body.write_with_length(writer, content_length)

    return await exchange(send, body.headers, chunked=chunked, length=length)


# --- the module -------------------------------------------------------------


def test_exports() -> None:
    assert set(payload.__all__) == {
        "PAYLOAD_REGISTRY",
        "get_payload",
        "payload_type",
        "register_payload",
        "Order",
        "LookupError",
        "PayloadRegistry",
        "Payload",
        "BytesPayload",
        "StringPayload",
        "StringIOPayload",
        "IOBasePayload",
        "BytesIOPayload",
        "BufferedReaderPayload",
        "TextIOPayload",
        "JsonPayload",
        "JsonBytesPayload",
        "AsyncIterablePayload",
        "StreamReaderPayload",
    }
    for name in payload.__all__:
        assert getattr(payload, name) is not None


def test_facade_lends_the_payload_names() -> None:
    names = [
        "AsyncIterablePayload",
        "BufferedReaderPayload",
        "BytesIOPayload",
        "BytesPayload",
        "IOBasePayload",
        "JsonPayload",
        "PAYLOAD_REGISTRY",
        "Payload",
        "StringIOPayload",
        "StringPayload",
        "TextIOPayload",
        "get_payload",
        "payload_type",
    ]
    for name in names:
        assert getattr(aiohttp, name) is getattr(payload, name)


# --- the registry -----------------------------------------------------------


class Named(BytesPayload):
    """A payload that remembers which factory made it."""

    def __init__(self, value: object, name: str, **kwargs: object) -> None:
        super().__init__(b"")
        self.wrapped = value
        self.name = name
        self.kwargs = kwargs


def named(name: str) -> Callable[..., Payload]:
    def factory(value: object, **kwargs: object) -> Payload:
        return Named(value, name, **kwargs)

    return factory


def made_by(made: Payload) -> str:
    assert isinstance(made, Named)
    return made.name


def test_order_values() -> None:
    assert [order.value for order in Order] == ["normal", "try_first", "try_last"]
    assert Order.try_first == "try_first"
    assert isinstance(Order.normal, str)


def test_registry_tries_first_then_normal_then_last() -> None:
    registry = PayloadRegistry()
    registry.register(named("last"), bytes, order=Order.try_last)
    registry.register(named("normal"), bytes)
    assert made_by(registry.get(b"x")) == "normal"
    registry.register(named("first"), bytes, order=Order.try_first)
    assert made_by(registry.get(b"x")) == "first"


def test_registry_uses_last_only_when_nothing_else_matches() -> None:
    registry = PayloadRegistry()
    registry.register(named("anything"), object, order=Order.try_last)
    registry.register(named("bytearray"), bytearray)
    assert made_by(registry.get(bytearray(b"x"))) == "bytearray"
    assert made_by(registry.get(b"x")) == "anything"


def test_registry_earlier_registration_wins_within_an_order() -> None:
    registry = PayloadRegistry()
    registry.register(named("object"), object)
    registry.register(named("bytes"), bytes)
    # Matching is by isinstance in registration order, not by exact type.
    assert made_by(registry.get(b"x")) == "object"


def test_registry_matches_subclasses_and_tuples() -> None:
    class MyBytes(bytes):
        pass

    registry = PayloadRegistry()
    registry.register(named("bytes-like"), (bytearray, bytes))
    assert made_by(registry.get(MyBytes(b"x"))) == "bytes-like"
    assert made_by(registry.get(bytearray())) == "bytes-like"


def test_registry_passes_arguments_to_the_factory() -> None:
    registry = PayloadRegistry()
    registry.register(named("n"), bytes)
    made = registry.get(b"x", disposition=None, extra=1)
    assert isinstance(made, Named)
    assert made.kwargs == {"disposition": None, "extra": 1}


def test_registry_lookup_error() -> None:
    registry = PayloadRegistry()
    registry.register(named("bytes"), bytes)
    with pytest.raises(payload.LookupError, match="'str'"):
        registry.get("text")
    # The module's own exception, not the builtin one.
    assert not issubclass(payload.LookupError, builtins.LookupError)
    assert issubclass(payload.LookupError, Exception)


def test_registry_returns_a_payload_unchanged() -> None:
    registry = PayloadRegistry()
    body = BytesPayload(b"x")
    assert registry.get(body) is body
    # ... unless a try_first factory claims payloads.
    registry.register(named("first"), Payload, order=Order.try_first)
    assert made_by(registry.get(body)) == "first"


def test_registry_order_by_name_and_unknown_order() -> None:
    registry = PayloadRegistry()
    registry.register(named("last"), bytes, order="try_last")  # type: ignore[arg-type]
    registry.register(named("first"), bytes, order="try_first")  # type: ignore[arg-type]
    assert made_by(registry.get(b"x")) == "first"
    with pytest.raises(ValueError, match="sometimes"):
        registry.register(named("x"), bytes, order="sometimes")  # type: ignore[arg-type]


def test_register_payload_and_payload_type_use_the_global_registry() -> None:
    class Token:
        pass

    class Marker:
        pass

    assert isinstance(PAYLOAD_REGISTRY, PayloadRegistry)
    register_payload(named("token"), Token, order=Order.try_first)
    assert made_by(get_payload(Token())) == "token"
    assert made_by(PAYLOAD_REGISTRY.get(Token())) == "token"

    @payload_type(Marker)
    class MarkerPayload(BytesPayload):
        def __init__(self, value: Marker, **kwargs: object) -> None:
            super().__init__(b"marker")

    # The decorator hands the class back unchanged.
    assert MarkerPayload.__name__ == "MarkerPayload"
    made = get_payload(Marker())
    assert isinstance(made, MarkerPayload)


def test_get_payload_of_an_unknown_type() -> None:
    with pytest.raises(payload.LookupError):
        get_payload(object())
    with pytest.raises(payload.LookupError):
        get_payload({"a": 1})


async def _chunks() -> AsyncGenerator[bytes, None]:
    yield b"x"


async def test_get_payload_of_the_standard_types(tmp_path: Path, files: Files) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"data")
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), 2**16)
    generator = _chunks()
    cases: list[tuple[object, type[Payload]]] = [
        (b"b", BytesPayload),
        (bytearray(b"b"), BytesPayload),
        (memoryview(b"b"), BytesPayload),
        ("s", StringPayload),
        (io.StringIO("s"), StringIOPayload),
        (io.BytesIO(b"b"), BytesIOPayload),
        (files.binary(path), BufferedReaderPayload),
        (files.random(path), BufferedReaderPayload),
        (files.text(path), TextIOPayload),
        (files.raw(path), IOBasePayload),
        (stream, StreamReaderPayload),
        (generator, AsyncIterablePayload),
    ]
    for value, cls in cases:
        assert type(get_payload(value)) is cls, value
    await generator.aclose()


# --- Payload: headers and properties ----------------------------------------


def test_default_content_type() -> None:
    body = BytesPayload(b"data")
    assert body.content_type == "application/octet-stream"
    assert body.headers == CIMultiDict({"Content-Type": "application/octet-stream"})
    assert body.filename is None
    assert body.encoding is None


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("picture.png", "image/png"),
        ("report.xls", "application/vnd.ms-excel"),
        ("notes.txt", "text/plain"),
        ("no-extension", "application/octet-stream"),
        ("odd.unknown-extension", "application/octet-stream"),
    ],
)
def test_content_type_guessed_from_filename(filename: str, expected: str) -> None:
    body = BytesPayload(b"", filename=filename)
    assert body.content_type == expected
    assert body.filename == filename


def test_explicit_content_type_wins_over_filename() -> None:
    body = BytesPayload(b"", content_type="image/gif", filename="picture.png")
    assert body.content_type == "image/gif"


def test_content_type_none_means_no_field() -> None:
    body = BytesPayload(b"", content_type=None, filename="picture.png")
    assert body.content_type is None
    assert hdrs.CONTENT_TYPE not in body.headers


def test_given_headers_replace_the_payload_s_own() -> None:
    body = BytesPayload(b"", headers={"content-type": "text/x-given", "X-Extra": "1"})
    assert body.content_type == "text/x-given"
    # One Content-Type, the given one, spelled as given.
    assert list(body.headers.items()) == [
        ("content-type", "text/x-given"),
        ("X-Extra", "1"),
    ]
    pairs = BytesPayload(b"", headers=[("X-A", "1"), ("X-B", "2")])
    assert pairs.headers.getall("X-A") == ["1"]
    assert pairs.headers["X-B"] == "2"


def test_headers_and_other_parameters_by_position() -> None:
    body = BytesPayload(b"", {"X-A": "1"}, "a/b", "f.txt", "latin-1")
    assert body.headers["X-A"] == "1"
    assert body.content_type == "a/b"
    assert body.filename == "f.txt"
    assert body.encoding == "latin-1"


def test_unknown_keyword_arguments_are_ignored() -> None:
    # One call can build any payload class: IOBasePayload's disposition,
    # for one, reaches BytesPayload through get_payload().
    body = get_payload(b"data", disposition="inline", whatever=1)
    assert isinstance(body, BytesPayload)
    assert hdrs.CONTENT_DISPOSITION not in body.headers


def test_set_content_disposition() -> None:
    body = BytesPayload(b"")
    body.set_content_disposition("form-data", name="field", filename="a b.txt")
    assert body.headers[hdrs.CONTENT_DISPOSITION] == content_disposition_header(
        "form-data", name="field", filename="a b.txt"
    )
    assert body.headers[hdrs.CONTENT_DISPOSITION].startswith('form-data; name="field"')
    body.set_content_disposition(
        "attachment", quote_fields=False, _charset="latin-1", filename="é.txt"
    )
    assert body.headers.getall(hdrs.CONTENT_DISPOSITION) == [
        content_disposition_header(
            "attachment", quote_fields=False, _charset="latin-1", filename="é.txt"
        )
    ]
    with pytest.raises(ValueError, match="content disposition"):
        body.set_content_disposition("not a token")


def test_payload_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        Payload(b"")  # type: ignore[abstract]


class Chatty(Payload):
    """A third-party payload that implements only write() and decode()."""

    async def write(self, writer: AbstractStreamWriter) -> None:
        assert writer.transport is None
        writer.enable_chunking()
        writer.enable_compression("gzip", 5)
        await writer.write_headers("POST / HTTP/1.1", CIMultiDict())
        await writer.write(b"hello ")
        await writer.drain()
        await writer.write(bytearray(b"wide "))
        await writer.write(memoryview(array.array("H", [0x4141, 0x4242])))
        await writer.write_eof(b" end")

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return "chatty"


async def test_custom_payload_defaults() -> None:
    body = Chatty("anything")
    assert body.size is None
    assert body.autoclose is False
    assert body.consumed is False
    assert body.decode() == "chatty"
    # as_bytes() collects what write() writes.
    assert await body.as_bytes() == b"hello wide AABB end"
    await body.close()
    assert body.consumed is False


async def test_custom_payload_write_with_length_cuts_what_write_sends() -> None:
    sink = Sink()
    await Chatty(None).write_with_length(sink, None)
    assert sink.data == b"hello wide AABB"
    assert sink.calls == [
        "enable_chunking",
        "enable_compression gzip 5",
        "write_headers POST / HTTP/1.1",
        "drain",
        "write_eof b' end'",
    ]

    for limit, expected in [
        (0, b""),
        (3, b"hel"),
        (8, b"hello wi"),
        (13, b"hello wide AA"),
        (14, b"hello wide AAB"),
        (100, b"hello wide AABB end"),
        (-1, b""),
    ]:
        sink = Sink()
        await Chatty(None).write_with_length(sink, limit)
        assert sink.data == expected, limit
        # The other calls pass through; write_eof() does not end the message.
        assert "write_eof b''" not in sink.calls
        assert "drain" in sink.calls


async def test_custom_payload_over_tcp_with_content_length() -> None:
    class Body(Chatty):
        async def write(self, writer: AbstractStreamWriter) -> None:
            await writer.write(b"0123456789")

    fields, body = await post(Body(None, content_type="x/y"), content_length=4)
    assert fields["Content-Length"] == "4"
    assert fields["Content-Type"] == "x/y"
    assert body == b"0123"


# --- BytesPayload -----------------------------------------------------------


@pytest.mark.parametrize("value", ["text", 1, [b"a"], None])
def test_bytes_payload_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError, match="bytes, bytearray or memoryview"):
        BytesPayload(value)  # type: ignore[arg-type]


async def test_bytes_payload_properties() -> None:
    body = BytesPayload(b"data")
    assert body.size == 4
    assert body.autoclose is True
    assert body.consumed is False
    assert body.decode() == "data"
    await body.close()
    assert body.consumed is False
    sink = Sink()
    await body.write(sink)
    assert sink.data == b"data"


def test_bytes_payload_decode() -> None:
    body = BytesPayload("grüße".encode("latin-1"))
    assert body.decode("latin-1") == "grüße"
    with pytest.raises(UnicodeDecodeError):
        body.decode()
    assert body.decode(errors="replace") == "gr\ufffd\ufffde"
    assert BytesPayload(memoryview(b"view")).decode() == "view"


async def test_bytes_payload_keeps_the_value_uncopied() -> None:
    value = bytearray(b"abc")
    body = BytesPayload(value)
    sink = Sink()
    await body.write(sink)
    assert sink.types == [bytearray]
    raw = b"x" * 1000
    assert await BytesPayload(raw).as_bytes() is raw
    assert await BytesPayload(value).as_bytes() == b"abc"
    assert await BytesPayload(memoryview(raw)).as_bytes() == raw


async def test_bytes_payload_of_a_wide_or_multidimensional_view() -> None:
    wide = memoryview(array.array("I", [1, 2, 3]))
    body = BytesPayload(wide)
    assert body.size == 12
    assert await body.as_bytes() == wide.tobytes()
    sink = Sink()
    await body.write_with_length(sink, 5)
    assert sink.data == wide.tobytes()[:5]
    grid = memoryview(b"abcdef").cast("B", shape=[2, 3])
    assert BytesPayload(grid).size == 6
    with pytest.raises(TypeError):
        BytesPayload(memoryview(b"abcdef")[::2].cast("B", shape=[3]))


async def test_bytes_payload_write_with_length() -> None:
    for limit, expected in [
        (None, b"0123456789"),
        (100, b"0123456789"),
        (10, b"0123456789"),
        (4, b"0123"),
        (0, b""),
        (-5, b""),
    ]:
        sink = Sink()
        await BytesPayload(b"0123456789").write_with_length(sink, limit)
        assert sink.data == expected, limit
    # A cut is a view of the value, not a copy.
    sink = Sink()
    await BytesPayload(b"0123456789").write_with_length(sink, 4)
    assert sink.types == [memoryview]


async def test_empty_bytes_payload_writes_nothing() -> None:
    sink = Sink()
    body = BytesPayload(b"")
    await body.write(sink)
    await body.write_with_length(sink, None)
    assert sink.chunks == []
    assert body.size == 0


async def test_bytes_payload_over_tcp() -> None:
    data = os.urandom(300_000)
    body = BytesPayload(data)
    fields, received = await post(body)
    assert fields["Content-Length"] == "300000"
    assert fields["Content-Type"] == "application/octet-stream"
    assert received == data
    # Bytes can be sent again, chunked this time.
    _, again = await post(body, chunked=True)
    assert again == data
    _, cut = await post(body, content_length=1000)
    assert cut == data[:1000]


async def test_large_bytes_payload_does_not_warn() -> None:
    # aiohttp warns about bodies over 1 MiB sent whole; we do not.
    sink = Sink()
    await BytesPayload(bytes(2**20 + 1)).write(sink)
    assert len(sink.data) == 2**20 + 1


# --- StringPayload and StringIOPayload --------------------------------------


async def test_string_payload_defaults_to_utf8() -> None:
    body = StringPayload("grüße 世界")
    assert body.content_type == "text/plain; charset=utf-8"
    assert body.encoding == "utf-8"
    assert body.size == len("grüße 世界".encode())
    assert await body.as_bytes() == "grüße 世界".encode()
    assert body.decode() == "grüße 世界"
    assert body.autoclose is True


@pytest.mark.parametrize(
    ("content_type", "encoding", "expected_encoding", "expected_type"),
    [
        (sentinel, "latin-1", "latin-1", "text/plain; charset=latin-1"),
        ("text/html; charset=koi8-r", None, "koi8-r", "text/html; charset=koi8-r"),
        # The charset the message declares wins, so the body is what it says.
        ("text/html; charset=koi8-r", "latin-1", "koi8-r", "text/html; charset=koi8-r"),
        ("text/csv", "latin-1", "latin-1", "text/csv"),
        ("text/csv", None, "utf-8", "text/csv"),
        (None, None, "utf-8", None),
        (None, "latin-1", "latin-1", None),
    ],
)
async def test_string_payload_encoding(
    content_type: str | None,
    encoding: str | None,
    expected_encoding: str,
    expected_type: str | None,
) -> None:
    text = "привет" if expected_encoding == "koi8-r" else "grüße"
    body = StringPayload(text, content_type=content_type, encoding=encoding)
    assert body.encoding == expected_encoding
    assert body.content_type == expected_type
    assert await body.as_bytes() == text.encode(expected_encoding)
    assert body.size == len(text.encode(expected_encoding))


async def test_string_payload_utf16_has_one_bom() -> None:
    body = StringPayload("ab", encoding="utf-16")
    assert await body.as_bytes() == "ab".encode("utf-16")
    assert body.size == 6


def test_string_payload_refuses_bytes() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        StringPayload(b"bytes")  # type: ignore[arg-type]


def test_string_payload_unknown_encoding() -> None:
    with pytest.raises(builtins.LookupError):
        StringPayload("x", encoding="no-such-codec")


async def test_string_payload_over_tcp() -> None:
    fields, body = await post(get_payload("héllo", headers={"X-Kind": "text"}))
    assert fields["Content-Type"] == "text/plain; charset=utf-8"
    assert fields["Content-Length"] == "6"
    assert fields["X-Kind"] == "text"
    assert body == "héllo".encode()


async def test_string_io_payload_reads_from_the_current_position() -> None:
    stream = io.StringIO("skip:kept ü")
    stream.seek(5)
    body = StringIOPayload(stream, encoding="latin-1")
    assert await body.as_bytes() == "kept ü".encode("latin-1")
    assert body.content_type == "text/plain; charset=latin-1"
    assert body.size == 6
    assert isinstance(body, StringPayload)


# --- JsonPayload and JsonBytesPayload ---------------------------------------


async def test_json_payload() -> None:
    body = JsonPayload({"a": [1, "é"]})
    assert body.content_type == "application/json"
    assert body.encoding == "utf-8"
    assert await body.as_bytes() == json.dumps({"a": [1, "é"]}).encode()
    assert json.loads(body.decode()) == {"a": [1, "é"]}


async def test_json_payload_with_a_custom_dumps() -> None:
    calls: list[object] = []

    def dumps(value: object) -> str:
        calls.append(value)
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    body = JsonPayload({"b": "é"}, dumps=dumps, content_type="application/vnd+json")
    assert calls == [{"b": "é"}]
    assert await body.as_bytes() == '{"b":"é"}'.encode()
    assert body.content_type == "application/vnd+json"
    utf16 = JsonPayload([1], encoding="utf-16")
    assert await utf16.as_bytes() == "[1]".encode("utf-16")
    assert utf16.encoding == "utf-16"
    assert JsonPayload(None, content_type=None).content_type is None


def test_json_payload_by_position() -> None:
    body = JsonPayload([1], "utf-8", "application/x-json", json.dumps, {"X-A": "1"})
    assert body.content_type == "application/x-json"
    assert body.headers["X-A"] == "1"


def test_json_payload_refuses_a_bytes_encoder() -> None:
    with pytest.raises(TypeError, match="JsonBytesPayload"):
        JsonPayload([1], dumps=lambda value: b"[1]")  # type: ignore[arg-type,return-value]


async def test_json_bytes_payload() -> None:
    def dumps(value: object) -> bytes:
        return json.dumps(value).encode()

    body = JsonBytesPayload({"a": 1}, dumps)
    assert body.content_type == "application/json"
    assert await body.as_bytes() == b'{"a": 1}'
    assert body.size == 8
    assert JsonBytesPayload(1, dumps, "text/json").content_type == "text/json"
    with pytest.raises(TypeError, match="bytes"):
        JsonBytesPayload(1, json.dumps)  # type: ignore[arg-type]


async def test_json_payload_over_tcp() -> None:
    fields, body = await post(JsonPayload({"k": "v"}))
    assert fields["Content-Type"] == "application/json"
    assert json.loads(body) == {"k": "v"}


# --- files ------------------------------------------------------------------


@pytest.fixture
def data_file(tmp_path: Path) -> tuple[Path, bytes]:
    """A real file of 2.5 chunks of random bytes."""
    data = os.urandom(DEFAULT_CHUNK_SIZE * 5 // 2)
    path = tmp_path / "report.xls"
    path.write_bytes(data)
    return path, data


async def test_buffered_reader_payload_headers_and_size(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, data = data_file
    body = BufferedReaderPayload(files.binary(path))
    assert body.filename == "report.xls"
    assert body.content_type == "application/vnd.ms-excel"
    assert body.headers[hdrs.CONTENT_DISPOSITION] == content_disposition_header(
        "attachment", filename="report.xls"
    )
    assert body.size == len(data)
    assert body.autoclose is False
    assert body.consumed is False
    assert body.encoding is None


async def test_file_size_counts_from_the_current_position(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, data = data_file
    file = files.binary(path)
    file.seek(1000)
    body = get_payload(file)
    assert body.size == len(data) - 1000
    fields, received = await post(body)
    assert fields["Content-Length"] == str(len(data) - 1000)
    assert received == data[1000:]
    past_the_end = files.binary(path)
    past_the_end.seek(len(data) + 10)
    assert get_payload(past_the_end).size == 0


async def test_file_over_tcp_with_content_length_then_closed(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, data = data_file
    file = files.binary(path)
    body = get_payload(file)
    fields, received = await post(body)
    assert fields["Content-Length"] == str(len(data))
    assert fields["Content-Type"] == "application/vnd.ms-excel"
    assert fields[hdrs.CONTENT_DISPOSITION] == body.headers[hdrs.CONTENT_DISPOSITION]
    assert received == data
    # A payload closes the file it was given once it has written it.
    assert file.closed
    assert body.consumed is True


async def test_file_over_tcp_chunked_in_default_chunk_size_pieces(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, data = data_file
    loop = asyncio.get_running_loop()
    recorders: asyncio.Queue[Recorder] = asyncio.Queue()
    server = await loop.create_server(lambda: Recorder(recorders), "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        transport, protocol = await within(
            loop.create_connection(lambda: BaseProtocol(loop), "127.0.0.1", port)
        )
        recorder = await within(recorders.get())
        writer = StreamWriter(protocol, loop)
        writer.enable_chunking()
        await within(BufferedReaderPayload(files.binary(path)).write(writer))
        await within(writer.write_eof())
        transport.close()
        received, sizes = dechunk(await within(recorder.done))
    assert received == data
    assert sizes == [DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_SIZE // 2]


async def test_file_write_with_length(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, data = data_file
    for limit, expected in [
        (None, data),
        (len(data) + 100, data),
        (DEFAULT_CHUNK_SIZE + 7, data[: DEFAULT_CHUNK_SIZE + 7]),
        (10, data[:10]),
        (0, b""),
        (-1, b""),
    ]:
        file = files.binary(path)
        sink = Sink()
        await BufferedReaderPayload(file).write_with_length(sink, limit)
        assert sink.data == expected, limit
        assert all(len(chunk) <= DEFAULT_CHUNK_SIZE for chunk in sink.chunks)
        assert file.closed


async def test_file_over_tcp_with_a_smaller_content_length(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, data = data_file
    file = files.binary(path)
    fields, received = await post(get_payload(file), content_length=12345)
    assert fields["Content-Length"] == "12345"
    assert received == data[:12345]
    assert file.closed


async def test_file_sends_no_more_than_its_size(tmp_path: Path, files: Files) -> None:
    path = tmp_path / "growing.log"
    path.write_bytes(b"first\n")
    body = get_payload(files.binary(path))
    path.write_bytes(b"first\nwritten later\n")
    sink = Sink()
    await body.write(sink)
    # The message was framed for the size the payload reported.
    assert body.size == 6
    assert sink.data == b"first\n"


async def test_file_payload_filename_and_disposition_options(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    path, _ = data_file
    file = files.binary(path)
    plain = BufferedReaderPayload(file, disposition=None)
    assert hdrs.CONTENT_DISPOSITION not in plain.headers
    assert plain.filename == "report.xls"

    inline = BufferedReaderPayload(file, "inline", filename="other.png")
    assert inline.filename == "other.png"
    assert inline.content_type == "image/png"
    assert inline.headers[hdrs.CONTENT_DISPOSITION] == (
        content_disposition_header("inline", filename="other.png")
    )

    anonymous = BufferedReaderPayload(file, filename=None)
    assert anonymous.filename is None
    assert anonymous.content_type == "application/octet-stream"
    assert hdrs.CONTENT_DISPOSITION not in anonymous.headers

    given = BufferedReaderPayload(
        file, headers={hdrs.CONTENT_DISPOSITION: "form-data; name=f"}
    )
    assert given.headers.getall(hdrs.CONTENT_DISPOSITION) == ["form-data; name=f"]

    typed = BufferedReaderPayload(file, content_type="text/csv")
    assert typed.content_type == "text/csv"


async def test_file_as_bytes_and_decode_leave_it_open(
    tmp_path: Path, files: Files
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"0123456789")
    file = files.binary(path)
    file.seek(2)
    body = get_payload(file)
    assert await body.as_bytes() == b"23456789"
    assert await body.as_bytes() == b"23456789"
    assert body.decode() == "23456789"
    assert not file.closed
    assert body.consumed is False
    # The file goes back to where its data starts before each read.
    sink = Sink()
    await body.write(sink)
    assert sink.data == b"23456789"
    assert file.closed


async def test_file_close(data_file: tuple[Path, bytes], files: Files) -> None:
    path, _ = data_file
    file = files.binary(path)
    body = get_payload(file)
    await body.close()
    assert file.closed
    assert body.consumed is True
    await body.close()  # idempotent
    with pytest.raises(ValueError, match="closed file"):
        await body.write(Sink())


async def test_file_closed_when_the_write_fails(
    data_file: tuple[Path, bytes], files: Files
) -> None:
    class Broken(Sink):
        async def write(self, chunk: Byteish) -> None:
            raise ConnectionResetError("peer gone")

    path, _ = data_file
    file = files.binary(path)
    with pytest.raises(ConnectionResetError):
        await get_payload(file).write(Broken())
    assert file.closed


async def test_unseekable_file_streams_until_eof(files: Files) -> None:
    pipe = files.binary(pipe_with(b"through a pipe"))
    body = get_payload(pipe)
    assert isinstance(body, BufferedReaderPayload)
    assert body.size is None
    assert body.filename is None  # its name is a file descriptor
    fields, received = await post(body)
    assert fields["Transfer-Encoding"] == "chunked"
    assert received == b"through a pipe"
    assert pipe.closed


async def test_reading_an_unseekable_file_consumes_it(files: Files) -> None:
    body = get_payload(files.binary(pipe_with(b"once")))
    assert await body.as_bytes() == b"once"
    assert body.consumed is True


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
async def test_device_file_has_no_known_size(files: Files) -> None:
    device = files.binary(Path("/dev/zero"))
    assert device.seekable()
    body = get_payload(device)
    assert body.size is None
    sink = Sink()
    await body.write_with_length(sink, 1000)
    assert sink.data == bytes(1000)
    assert device.closed


def test_closed_file_has_no_known_size() -> None:
    stream = io.BytesIO(b"gone")
    stream.close()
    assert BytesIOPayload(stream).size is None


async def test_file_reads_run_in_the_executor() -> None:
    """A blocking read does not block the loop: another task runs meanwhile."""
    release = threading.Event()
    read_threads: list[int] = []

    class SlowFile(io.RawIOBase):
        def __init__(self) -> None:
            self.sent = False

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            read_threads.append(threading.get_ident())
            if self.sent:
                return 0
            # Blocks until the loop's other task runs (bounded, never hangs).
            assert release.wait(TIMEOUT)
            buffer[:4] = b"slow"
            self.sent = True
            return 4

    ticks = 0

    async def other_task() -> None:
        nonlocal ticks
        while not release.is_set():
            ticks += 1
            if ticks == 3:
                release.set()
            await asyncio.sleep(0)

    slow = SlowFile()
    body = get_payload(slow)
    assert type(body) is IOBasePayload
    assert body.size is None
    sink = Sink()
    ticker = asyncio.create_task(other_task())
    await within(body.write(sink))
    await within(ticker)
    assert sink.data == b"slow"
    assert ticks == 3
    assert read_threads
    assert threading.get_ident() not in read_threads
    assert slow.closed


async def test_bytes_io_payload_reads_in_place() -> None:
    stream = io.BytesIO(b"prefix:" + bytes(range(256)) * 2000)
    stream.seek(7)
    body = get_payload(stream)
    assert isinstance(body, BytesIOPayload)
    assert body.size == 512_000
    assert body.filename is None
    assert hdrs.CONTENT_DISPOSITION not in body.headers
    assert body.content_type == "application/octet-stream"
    # The position is restored after measuring the size.
    assert stream.tell() == 7
    fields, received = await post(body)
    assert fields["Content-Length"] == "512000"
    assert received == bytes(range(256)) * 2000
    assert stream.closed


async def test_bytes_io_payload_as_bytes_and_decode() -> None:
    body = BytesIOPayload(io.BytesIO("é".encode("latin-1")))
    assert await body.as_bytes() == b"\xe9"
    assert body.decode("latin-1") == "é"
    await body.close()
    assert body.consumed is True


# --- TextIOPayload -----------------------------------------------------------


async def test_text_file_over_tcp(tmp_path: Path, files: Files) -> None:
    path = tmp_path / "poem.txt"
    text = "Grüße, 世界!\n" * 30_000  # more characters than one chunk
    path.write_text(text, encoding="utf-8")
    file = files.text(path)
    body = get_payload(file)
    assert isinstance(body, TextIOPayload)
    assert body.content_type == "text/plain; charset=utf-8"
    assert body.encoding == "utf-8"
    # How many bytes the text encodes to is unknown until it is read.
    assert body.size is None
    assert body.filename == "poem.txt"
    fields, received = await post(body)
    assert file.closed
    assert fields["Transfer-Encoding"] == "chunked"
    assert fields[hdrs.CONTENT_DISPOSITION] == content_disposition_header(
        "attachment", filename="poem.txt"
    )
    assert received == text.encode()


async def test_text_file_encoded_as_it_streams(tmp_path: Path, files: Files) -> None:
    path = tmp_path / "wide.txt"
    text = "ab€" * DEFAULT_CHUNK_SIZE  # three chunks of characters
    path.write_text(text, encoding="utf-8")
    sink = Sink()
    body = TextIOPayload(files.text(path), encoding="utf-16")
    assert body.content_type == "text/plain; charset=utf-16"
    await body.write(sink)
    # One BOM for the whole body, not one per chunk.
    assert sink.data == text.encode("utf-16")
    assert len(sink.chunks) == 3


async def test_text_file_encoding_from_content_type(
    tmp_path: Path, files: Files
) -> None:
    path = tmp_path / "ru.txt"
    path.write_text("привет", encoding="utf-8")
    body = TextIOPayload(
        files.text(path), content_type="text/plain; charset=koi8-r", encoding="latin-1"
    )
    assert body.encoding == "koi8-r"
    assert await body.as_bytes() == "привет".encode("koi8-r")
    assert body.decode() == "привет"
    assert await body.as_bytes() == "привет".encode("koi8-r")
    untyped = TextIOPayload(files.text(path), content_type=None)
    assert untyped.content_type is None
    assert untyped.encoding == "utf-8"


async def test_text_file_write_with_length_counts_bytes(
    tmp_path: Path, files: Files
) -> None:
    path = tmp_path / "euro.txt"
    path.write_text("€€€€", encoding="utf-8")
    whole = "€€€€".encode()
    for limit, expected in [(4, whole[:4]), (6, whole[:6]), (100, whole)]:
        file = files.text(path)
        sink = Sink()
        await TextIOPayload(file).write_with_length(sink, limit)
        assert sink.data == expected, limit
        assert file.closed


async def test_text_file_rewinds_the_encoder(tmp_path: Path, files: Files) -> None:
    path = tmp_path / "twice.txt"
    path.write_text("ab", encoding="utf-8")
    body = TextIOPayload(files.text(path), encoding="utf-16")
    assert await body.as_bytes() == "ab".encode("utf-16")
    sink = Sink()
    await body.write(sink)
    assert sink.data == "ab".encode("utf-16")


# --- AsyncIterablePayload and StreamReaderPayload ---------------------------


class Generated:
    """An async generator of chunks that records when it finishes."""

    def __init__(self, *chunks: Byteish) -> None:
        self.chunks = chunks
        self.pulled = 0
        self.finished = False

    async def generate(self) -> AsyncIterator[Byteish]:
        try:
            for chunk in self.chunks:
                self.pulled += 1
                yield chunk
        finally:
            self.finished = True


async def test_async_iterable_over_tcp_is_chunked_and_consumed() -> None:
    source = Generated(b"one ", bytearray(b"two "), memoryview(b"three"))
    body = get_payload(source.generate())
    assert isinstance(body, AsyncIterablePayload)
    assert body.size is None
    assert body.autoclose is False
    fields, received = await post(body)
    assert fields["Transfer-Encoding"] == "chunked"
    assert fields["Content-Type"] == "application/octet-stream"
    assert received == b"one two three"
    assert body.consumed is True
    assert source.finished
    # Read once: a second write has nothing left to send.
    sink = Sink()
    await body.write(sink)
    assert sink.chunks == []


async def test_async_iterable_write_with_length_stops_early() -> None:
    for limit, expected, pulled in [
        (0, b"", 0),
        (-1, b"", 0),
        (3, b"abc", 1),
        (6, b"abcdef", 2),
        (7, b"abcdefg", 3),
        (None, b"abcdefghi", 3),
        (100, b"abcdefghi", 3),
    ]:
        source = Generated(b"abc", b"def", b"ghi")
        sink = Sink()
        await AsyncIterablePayload(source.generate()).write_with_length(sink, limit)
        assert sink.data == expected, limit
        assert source.pulled == pulled, limit
        # The generator is closed even when it was not read to the end.
        assert source.finished or pulled == 0, limit


async def test_async_iterable_of_wide_views_cut_in_bytes() -> None:
    wide = memoryview(array.array("H", [0x4141, 0x4242, 0x4343]))
    source = Generated(wide)
    sink = Sink()
    await AsyncIterablePayload(source.generate()).write_with_length(sink, 3)
    assert sink.data == wide.tobytes()[:3]


async def test_async_iterable_as_bytes_keeps_the_data() -> None:
    source = Generated(b"ab", b"cd")
    body = AsyncIterablePayload(source.generate(), content_type="text/plain")
    with pytest.raises(TypeError, match="as_bytes"):
        body.decode()
    assert await body.as_bytes() == b"abcd"
    assert await body.as_bytes() == b"abcd"
    assert body.decode() == "abcd"
    assert body.consumed is False
    # What as_bytes() read can be written, and cut, any number of times.
    for limit, expected in [(None, b"abcd"), (3, b"abc"), (None, b"abcd")]:
        sink = Sink()
        await body.write_with_length(sink, limit)
        assert sink.data == expected
    assert source.pulled == 2
    await body.close()
    assert body.consumed is True


async def test_async_iterable_as_bytes_failure_consumes_it() -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"a"
        raise RuntimeError("source failed")

    body = AsyncIterablePayload(failing())
    with pytest.raises(RuntimeError, match="source failed"):
        await body.as_bytes()
    assert body.consumed is True


async def test_async_iterable_close_runs_the_generator_cleanup() -> None:
    source = Generated(b"a", b"b")
    iterator = source.generate()
    assert await iterator.__anext__() == b"a"
    body = AsyncIterablePayload(iterator)
    await body.close()
    assert source.finished
    assert body.consumed is True
    await body.close()


async def test_async_iterable_without_aclose() -> None:
    class Countdown:
        def __init__(self) -> None:
            self.left = 3

        def __aiter__(self) -> Countdown:
            return self

        async def __anext__(self) -> bytes:
            if not self.left:
                raise StopAsyncIteration
            self.left -= 1
            return str(self.left).encode()

    sink = Sink()
    await get_payload(Countdown()).write(sink)
    assert sink.data == b"210"
    body = AsyncIterablePayload(Countdown())
    await body.close()
    assert body.consumed is True


def test_async_iterable_payload_refuses_other_types() -> None:
    with pytest.raises(TypeError, match="async iterable"):
        AsyncIterablePayload([b"sync"])  # type: ignore[arg-type]


async def test_stream_reader_payload_sends_data_as_it_arrives() -> None:
    loop = asyncio.get_running_loop()
    stream = StreamReader(BaseProtocol(loop), 2**16)
    body = get_payload(stream, content_type="text/plain")
    assert isinstance(body, StreamReaderPayload)
    assert body.size is None
    assert body.content_type == "text/plain"

    async def feed() -> None:
        for piece in (b"first ", b"second ", b"third"):
            stream.feed_data(piece)
            await asyncio.sleep(0.01)
        stream.feed_eof()

    feeder = asyncio.create_task(feed())
    fields, received = await post(body)
    await within(feeder)
    assert fields["Transfer-Encoding"] == "chunked"
    assert received == b"first second third"
    assert body.consumed is True


async def test_stream_reader_payload_write_with_length() -> None:
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), 2**16)
    stream.feed_data(b"0123456789")
    stream.feed_eof()
    fields, received = await post(StreamReaderPayload(stream), content_length=4)
    assert fields["Content-Length"] == "4"
    assert received == b"0123"


# --- memory: a 1 GiB file in bounded memory ----------------------------------


class CountingWriter(AbstractStreamWriter):
    """Counts body bytes and drops them (the test measures our memory)."""

    def __init__(self) -> None:
        self.total = 0
        self.writes = 0
        self.largest = 0

    async def write(self, chunk: Byteish) -> None:
        self.total += len(chunk)
        self.writes += 1
        self.largest = max(self.largest, len(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        raise AssertionError("a payload does not end the message")

    async def drain(self) -> None:
        raise AssertionError("not called by payloads")

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        raise AssertionError("not called by payloads")

    def enable_chunking(self) -> None:
        raise AssertionError("not called by payloads")

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise AssertionError("not called by payloads")


def stream_file_measuring_memory(path: str) -> dict[str, float]:
    """Stream ``path`` through BufferedReaderPayload.write; report peak memory.

    Run in a fresh interpreter by the test below, so the peak (ru_maxrss,
    KiB on Linux) is this streaming's and not an earlier test's.
    """
    import resource  # noqa: PLC0415 - Unix only, like the test that runs this

    async def stream(file: io.BufferedReader) -> CountingWriter:
        writer = CountingWriter()
        body = BufferedReaderPayload(file)
        assert body.size == 2**30
        await body.write(writer)
        return writer

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with open(path, "rb") as file:
        writer = asyncio.run(stream(file))
    duration = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "total": writer.total,
        "writes": writer.writes,
        "largest": writer.largest,
        "rss_growth_kib": after - before,
        "seconds": duration,
    }


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_streams_a_1_gib_file_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.bin"
    with open(path, "wb") as file:
        file.truncate(2**30)  # sparse: costs no disk
    script = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import test_payload\n"
        "print(json.dumps(test_payload.stream_file_measuring_memory(sys.argv[2])))\n"
    )
    tests = str(Path(__file__).parent)
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script, tests, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total"] == 2**30
    assert report["largest"] == DEFAULT_CHUNK_SIZE
    assert report["writes"] == 2**30 // DEFAULT_CHUNK_SIZE
    assert report["rss_growth_kib"] * 1024 < 32 * 2**20, report
    assert report["seconds"] < 30, report
