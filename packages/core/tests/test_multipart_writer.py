"""aiohttp.multipart writing: MultipartWriter and MultipartPayloadWriter."""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import re
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from multidict import CIMultiDict

from aiohttp import hdrs
from aiohttp.abc import AbstractStreamWriter
from aiohttp.multipart import MultipartPayloadWriter, MultipartWriter
from aiohttp.payload import AsyncIterablePayload, BytesPayload, StringPayload
from aiohttp.typedefs import Byteish

SOURCE = Path(__file__).read_bytes()


class Collector(AbstractStreamWriter):
    """Keeps what is written, in the pieces it was written in."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.drained = 0

    @property
    def data(self) -> bytes:
        return b"".join(self.pieces)

    async def write(self, chunk: Byteish) -> None:
        self.pieces.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.pieces.append(chunk)

    async def drain(self) -> None:
        self.drained += 1

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        raise AssertionError("not used")

    def enable_chunking(self) -> None:
        raise AssertionError("not used")

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise AssertionError("not used")


async def written(writer: MultipartWriter, *, close_boundary: bool = True) -> bytes:
    collector = Collector()
    await writer.write(collector, close_boundary=close_boundary)
    return collector.data


# -- the writer itself --------------------------------------------------------------


def test_default_boundary_is_random() -> None:
    first, second = MultipartWriter(), MultipartWriter()
    assert re.fullmatch("[0-9a-f]{32}", first.boundary)
    assert first.boundary != second.boundary
    assert first.content_type == f"multipart/mixed; boundary={first.boundary}"


@pytest.mark.parametrize(
    ("boundary", "parameter"),
    [
        ("abc", "abc"),
        ("a'+_-.", "a'+_-."),
        (":", '":"'),
        ("a b", '"a b"'),
        ("()/,=?", '"()/,=?"'),
        ("a" * 70, "a" * 70),
    ],
)
def test_given_boundary(boundary: str, parameter: str) -> None:
    writer = MultipartWriter("related", boundary=boundary)
    assert writer.boundary == boundary
    assert writer.headers[hdrs.CONTENT_TYPE] == (
        f"multipart/related; boundary={parameter}"
    )


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("é", "ASCII only"),
        ("a" * 71, "too long"),
        ("", "invalid boundary"),
        ("a ", "invalid boundary"),
        ('a"b', "invalid boundary"),
        ("a;b", "invalid boundary"),
        ("a\r\nb", "invalid boundary"),
    ],
)
def test_bad_boundary(boundary: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MultipartWriter(boundary=boundary)


@pytest.mark.parametrize("subtype", ["", "a b", "x\r\nInjected: 1"])
def test_bad_subtype(subtype: str) -> None:
    with pytest.raises(ValueError, match="invalid multipart subtype"):
        MultipartWriter(subtype)


async def test_empty_writer() -> None:
    writer = MultipartWriter(boundary="b")
    assert len(writer) == 0
    assert bool(writer)
    assert list(writer) == []
    assert writer.size == 7
    assert await written(writer) == b"--b--\r\n"
    assert writer.decode() == "--b--\r\n"
    with writer as same:
        assert same is writer


async def test_append_kinds() -> None:
    writer = MultipartWriter(boundary="b")
    text = writer.append("hello")
    binary = writer.append(b"aiohttp")
    gif = writer.append(io.BytesIO(b"GIF89a..."), {"CONTENT-TYPE": "image/gif"})
    assert text.headers[hdrs.CONTENT_TYPE] == "text/plain; charset=utf-8"
    assert binary.headers[hdrs.CONTENT_TYPE] == "application/octet-stream"
    assert gif.headers[hdrs.CONTENT_TYPE] == "image/gif"
    assert [part.headers[hdrs.CONTENT_LENGTH] for part in writer] == ["5", "7", "9"]
    assert len(writer) == 3
    payload, encoding, te_encoding = next(iter(writer))
    assert (payload, encoding, te_encoding) == (text, None, None)
    assert await written(writer) == (
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n"
        b"hello\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\nContent-Length: 7\r\n\r\n"
        b"aiohttp\r\n"
        b"--b\r\nCONTENT-TYPE: image/gif\r\nContent-Length: 9\r\n\r\n"
        b"GIF89a...\r\n"
        b"--b--\r\n"
    )


async def test_append_file() -> None:
    writer = MultipartWriter(boundary="b")
    with open(__file__, "rb") as file:  # noqa: ASYNC230 - a local test file
        part = writer.append(file)
        assert part.headers[hdrs.CONTENT_TYPE] == "text/x-python"
        assert part.headers[hdrs.CONTENT_DISPOSITION] == (
            f'attachment; filename="{Path(__file__).name}"'
        )
        part.set_content_disposition("attachment", filename="secret.txt")
        part.headers[hdrs.CONTENT_ID] = "X-12345"
        data = await written(writer)
        assert file.closed
    head, _, rest = data.partition(b"\r\n\r\n")
    assert b'Content-Disposition: attachment; filename="secret.txt"' in head
    assert b"Content-ID: X-12345" in head
    assert rest[: -len(b"\r\n--b--\r\n")] == SOURCE


async def test_append_payload_with_headers() -> None:
    writer = MultipartWriter(boundary="b")
    payload = BytesPayload(b"x")
    assert writer.append(payload, {"X-A": "1"}) is payload
    assert payload.headers["X-A"] == "1"
    assert writer.append(BytesPayload(b"y"), None).headers.get("X-A") is None


def test_append_unsupported() -> None:
    writer = MultipartWriter()
    with pytest.raises(TypeError, match="Cannot create payload from"):
        writer.append(object())


async def test_append_json_and_form() -> None:
    writer = MultipartWriter(boundary="b")
    writer.append_json({"test": "passed"})
    writer.append_form([("key", "value"), ("key", "é")])
    writer.append_form({"a": "1"}, {"X-A": "1"})
    parts = [part for part, _, _ in writer]
    assert parts[0].headers[hdrs.CONTENT_TYPE] == "application/json"
    assert await parts[0].as_bytes() == b'{"test": "passed"}'
    assert parts[1].headers[hdrs.CONTENT_TYPE] == "application/x-www-form-urlencoded"
    assert await parts[1].as_bytes() == b"key=value&key=%C3%A9"
    assert await parts[2].as_bytes() == b"a=1"
    assert parts[2].headers["X-A"] == "1"
    with pytest.raises(TypeError):
        writer.append_form(["x"])  # type: ignore[list-item]


async def test_nested_writer() -> None:
    inner = MultipartWriter("related", boundary="in")
    inner.append("x")
    outer = MultipartWriter(boundary="out")
    outer.append(inner)
    body = await written(outer)
    assert body == (
        b"--out\r\nContent-Type: multipart/related; boundary=in\r\n"
        b"Content-Length: 79\r\n\r\n"
        b"--in\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n"
        b"\r\nx\r\n--in--\r\n"
        b"\r\n--out--\r\n"
    )
    assert outer.size == len(body)


async def test_write_without_closing_boundary() -> None:
    writer = MultipartWriter(boundary="b")
    writer.append("x")
    assert await written(writer, close_boundary=False) == (
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n"
        b"\r\nx\r\n"
    )


# -- form-data ----------------------------------------------------------------------


async def test_form_data_parts() -> None:
    writer = MultipartWriter("form-data", boundary="b")
    writer.append("x")
    writer.append(b"y")
    named = StringPayload("z")
    named.set_content_disposition("form-data", name="z")
    writer.append_payload(named)
    body = await written(writer)
    assert body == (
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b'Content-Disposition: form-data; name="section-0"\r\n\r\nx\r\n'
        b"--b\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: form-data; name="section-1"\r\n\r\ny\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b'Content-Disposition: form-data; name="z"\r\n\r\nz\r\n'
        b"--b--\r\n"
    )
    assert writer.size == len(body)


@pytest.mark.parametrize(
    "header",
    [hdrs.CONTENT_ENCODING, hdrs.CONTENT_LENGTH, hdrs.CONTENT_TRANSFER_ENCODING],
)
def test_form_data_refuses_encodings(header: str) -> None:
    writer = MultipartWriter("form-data")
    with pytest.raises(ValueError, match=f"cannot have {header}"):
        writer.append("x", {header: "gzip"})


# -- encodings ----------------------------------------------------------------------


def gunzip(data: bytes) -> bytes:
    return zlib.decompress(data, 16 + zlib.MAX_WBITS)


def inflate(data: bytes) -> bytes:
    return zlib.decompress(data, -zlib.MAX_WBITS)


async def part_data(writer: MultipartWriter) -> list[bytes]:
    body = await written(writer)
    chunks = body.split(b"--b")[1:-1]
    return [chunk.partition(b"\r\n\r\n")[2][:-2] for chunk in chunks]


async def test_content_encodings() -> None:
    data = b"hello " * 100
    writer = MultipartWriter(boundary="b")
    writer.append(data, {hdrs.CONTENT_ENCODING: "gzip"})
    writer.append(data, {hdrs.CONTENT_ENCODING: "DEFLATE"})
    writer.append(data, {hdrs.CONTENT_ENCODING: "identity"})
    assert [part.headers.get(hdrs.CONTENT_LENGTH) for part in writer] == [
        None,
        None,
        "600",
    ]
    assert [(e, te) for _, e, te in writer] == [
        ("gzip", None),
        ("deflate", None),
        (None, None),
    ]
    assert writer.size is None
    gzipped, deflated, identity = await part_data(writer)
    assert gunzip(gzipped) == data
    assert inflate(deflated) == data
    assert identity == data


async def test_transfer_encodings() -> None:
    data = bytes(range(256)) * 3
    writer = MultipartWriter(boundary="b")
    writer.append(data, {hdrs.CONTENT_TRANSFER_ENCODING: "base64"})
    writer.append(data, {hdrs.CONTENT_TRANSFER_ENCODING: "quoted-printable"})
    writer.append(data, {hdrs.CONTENT_TRANSFER_ENCODING: "binary"})
    writer.append(
        data,
        {hdrs.CONTENT_ENCODING: "gzip", hdrs.CONTENT_TRANSFER_ENCODING: "base64"},
    )
    b64, qp, binary, both = await part_data(writer)
    assert base64.b64decode(b64) == data
    assert binascii.a2b_qp(qp) == data
    assert binary == data
    assert gunzip(base64.b64decode(both)) == data
    # RFC 2045: lines of at most 76 characters.
    for encoded in (b64, qp, both):
        assert max(len(line) for line in encoded.split(b"\r\n")) <= 76
    assert all(32 < byte < 127 for byte in qp.replace(b"\r\n", b""))


async def test_encoding_set_after_append() -> None:
    # The chapter's example: Content-Encoding set on the part returned by
    # append() is applied when the body is written; the Content-Length
    # that append() gave the part is not sent.
    writer = MultipartWriter(boundary="b")
    part = writer.append(b"data" * 50)
    assert part.headers[hdrs.CONTENT_LENGTH] == "200"
    part.headers[hdrs.CONTENT_ENCODING] = "gzip"
    assert writer.size is None
    body = await written(writer)
    assert b"Content-Length" not in body
    assert gunzip((await part_data(writer))[0]) == b"data" * 50
    assert await writer.as_bytes() == body


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({hdrs.CONTENT_ENCODING: "br"}, "unknown content encoding: br"),
        ({hdrs.CONTENT_TRANSFER_ENCODING: "7bit"}, "unknown content transfer"),
    ],
)
async def test_unknown_encodings(headers: dict[str, str], message: str) -> None:
    writer = MultipartWriter()
    with pytest.raises(RuntimeError, match=message):
        writer.append("x", headers)
    part = writer.append("x")
    part.headers.update(headers)
    with pytest.raises(RuntimeError, match=message):
        await written(writer)


async def test_header_injection_refused() -> None:
    writer = MultipartWriter()
    part = writer.append("x")
    part.headers["X-A"] = "1\r\nX-Injected: 2"
    with pytest.raises(ValueError, match="Forbidden control character"):
        await written(writer)


# -- size, as_bytes, decode, close ----------------------------------------------------


async def test_size_is_exact() -> None:
    writer = MultipartWriter(boundary="b")
    writer.append("é")
    writer.append(io.BytesIO(b"abc"))
    writer.append_json([1])
    body = await written(writer)
    assert writer.size == len(body)


async def test_size_unknown() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"a"
        yield b"b"

    writer = MultipartWriter(boundary="b")
    writer.append("x")
    part = writer.append(AsyncIterablePayload(chunks()))
    assert hdrs.CONTENT_LENGTH not in part.headers
    assert writer.size is None
    body = await written(writer)
    assert b"\r\n\r\nab\r\n--b--\r\n" in body


async def test_as_bytes_keeps_files_readable() -> None:
    writer = MultipartWriter(boundary="b")
    file = io.BytesIO(b"file data")
    writer.append(file)
    writer.append("text", {hdrs.CONTENT_TRANSFER_ENCODING: "base64"})
    first = await writer.as_bytes()
    assert not file.closed
    assert await writer.as_bytes() == first
    assert await written(writer) == first
    assert b"\r\n\r\ndGV4dA==\r\n" in first


async def test_decode() -> None:
    writer = MultipartWriter(boundary="b")
    writer.append("é")
    writer.append("text", {hdrs.CONTENT_TRANSFER_ENCODING: "base64"})
    writer.append("a=b", {hdrs.CONTENT_TRANSFER_ENCODING: "quoted-printable"})
    assert writer.decode() == (await written(writer)).decode()
    gzipped = MultipartWriter()
    gzipped.append("x", {hdrs.CONTENT_ENCODING: "gzip"})
    with pytest.raises(UnicodeDecodeError):
        gzipped.decode()
    assert "\ufffd" in gzipped.decode(errors="replace")


async def test_close_autoclose_consumed() -> None:
    writer = MultipartWriter()
    writer.append("x")
    states = [(writer.autoclose, writer.consumed)]
    file = io.BytesIO(b"x")
    writer.append(file)
    states.append((writer.autoclose, writer.consumed))
    await writer.close()
    states.append((writer.autoclose, writer.consumed))
    assert states == [(True, False), (False, False), (False, True)]
    assert file.closed


# -- MultipartPayloadWriter --------------------------------------------------------


async def test_payload_writer() -> None:
    collector = Collector()
    writer = MultipartPayloadWriter(collector)
    writer.enable_compression("gzip", zlib.Z_FILTERED)
    writer.enable_encoding("base64")
    writer.enable_chunking()
    await writer.write(b"hello ")
    await writer.write(memoryview(b"world"))
    await writer.drain()
    await writer.write_eof(b"!")
    assert collector.drained == 1
    assert gunzip(base64.b64decode(collector.data)) == b"hello world!"
    with pytest.raises(RuntimeError, match="no message head"):
        await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())


async def test_payload_writer_plain() -> None:
    collector = Collector()
    writer = MultipartPayloadWriter(collector)
    await writer.write(b"as is")
    await writer.write(b"")
    await writer.write_eof()
    assert collector.pieces == [b"as is"]


@pytest.mark.parametrize("size", [1, 2, 3, 57, 1000])
async def test_payload_writer_base64_lines(size: int) -> None:
    data = bytes(range(256)) * 20
    collector = Collector()
    writer = MultipartPayloadWriter(collector)
    writer.enable_encoding("base64")
    for start in range(0, len(data), size):
        await writer.write(data[start : start + size])
    await writer.write_eof()
    lines = collector.data.split(b"\r\n")
    assert all(len(line) == 76 for line in lines[:-1])
    assert 0 < len(lines[-1]) <= 76
    assert base64.b64decode(collector.data) == data


@pytest.mark.parametrize("size", [1, 7, 1000])
async def test_payload_writer_quoted_printable(size: int) -> None:
    data = b"Caf\xc3\xa9 = bar \t\r\n.\nFrom line " * 10 + bytes(range(256))
    collector = Collector()
    writer = MultipartPayloadWriter(collector)
    writer.enable_encoding("quoted-printable")
    for start in range(0, len(data), size):
        await writer.write(data[start : start + size])
    await writer.write_eof()
    encoded = collector.data
    assert all(len(line) <= 76 for line in encoded.split(b"\r\n"))
    assert not encoded.endswith(b"=\r\n")
    assert binascii.a2b_qp(encoded) == data


@pytest.mark.parametrize(
    ("method", "value", "message"),
    [
        ("enable_encoding", "uuencode", "unknown content transfer encoding"),
        ("enable_compression", "br", "unknown content encoding"),
    ],
)
def test_payload_writer_unknown(method: str, value: str, message: str) -> None:
    writer = MultipartPayloadWriter(Collector())
    with pytest.raises(RuntimeError, match=message):
        getattr(writer, method)(value)


async def test_large_compressed_part_uses_executor() -> None:
    data = bytes(range(256)) * 1000
    writer = MultipartWriter(boundary="b")
    writer.append(data, {hdrs.CONTENT_ENCODING: "deflate"})
    parts = await asyncio.wait_for(part_data(writer), 5)
    assert inflate(parts[0]) == data
