"""What MultipartWriter writes, MultipartReader reads back identically.

The examples of the manual's "Working with Multipart" chapter run here as
written (with real bytes instead of a server), then generated bodies
(hypothesis) are fed whole, one byte at a time and cut at arbitrary
places, so that every delimiter lands on a chunk edge somewhere.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy
from test_multipart import FEEDS, fed, read_all, within

import aiohttp as facade
from aiohttp import hdrs
from aiohttp.abc import AbstractStreamWriter
from aiohttp.base_protocol import BaseProtocol
from aiohttp.formdata import FormData
from aiohttp.multipart import BodyPartReader, MultipartReader, MultipartWriter
from aiohttp.streams import StreamReader

SOURCE = Path(__file__).read_bytes()
# The examples use the names as the manual does, through the facade, whose
# type-checking block does not list the multipart names (yet).
aiohttp: Any = facade


class Response:
    """The part of a ClientResponse that MultipartReader.from_response() uses."""

    def __init__(self, headers: CIMultiDict[str], body: bytes) -> None:
        self.headers = CIMultiDictProxy(CIMultiDict(headers))
        self.content = StreamReader(BaseProtocol(asyncio.get_running_loop()), 2**16)
        self.content.feed_data(body)
        self.content.feed_eof()
        self.released = False

    async def release(self) -> None:
        self.released = True


async def response_for(writer: MultipartWriter) -> Response:
    return Response(writer.headers, await writer.as_bytes())


# -- the chapter's examples -------------------------------------------------------


async def test_reading_multipart_responses() -> None:
    # The server's side: a JSON document and two files, one base64-encoded.
    mpwriter = MultipartWriter("mixed")
    mpwriter.append_json({"_id": "doc"})
    other = mpwriter.append(b"not this one")
    other.set_content_disposition("attachment", filename="other.txt")
    secret = mpwriter.append(b"the secret", {"Content-Transfer-Encoding": "base64"})
    secret.set_content_disposition("attachment", filename="secret.txt")
    resp = await response_for(mpwriter)

    reader = aiohttp.MultipartReader.from_response(resp)
    metadata = None
    filedata: bytes | bytearray | None = None
    while True:
        part = await within(reader.next())
        if part is None:
            break
        assert isinstance(part, BodyPartReader)
        if part.headers[aiohttp.hdrs.CONTENT_TYPE] == "application/json":
            metadata = await part.json()
            continue
        if part.filename != "secret.txt":
            continue
        filedata = await part.read(decode=False)
        assert filedata == b"dGhlIHNlY3JldA=="
        filedata = part.decode(filedata)
        break
    assert metadata == {"_id": "doc"}
    assert filedata == b"the secret"
    assert not resp.released
    await within(reader.release())
    assert resp.released


async def test_sending_multipart_requests() -> None:
    with aiohttp.MultipartWriter("mixed") as mpwriter:
        mpwriter.append("hello")
        with aiohttp.MultipartWriter("related") as subwriter:
            subwriter.append(b"aiohttp")
        mpwriter.append(subwriter)
        with aiohttp.MultipartWriter("related") as subwriter:
            with aiohttp.MultipartWriter("related") as subsubwriter:
                subsubwriter.append(
                    io.BytesIO(b"GIF89a..."), {"CONTENT-TYPE": "image/gif"}
                )
            subwriter.append(subsubwriter)
        mpwriter.append(subwriter)
        with aiohttp.MultipartWriter("related") as subwriter:
            subwriter.append_json({"test": "passed"})
            subwriter.append_form([("key", "value")])
        mpwriter.append(subwriter)
    with open(__file__, "rb") as file:  # noqa: ASYNC230 - a local test file
        part = mpwriter.append(file)
        part.set_content_disposition("attachment", filename="secret.txt")
        part.headers[aiohttp.hdrs.CONTENT_ID] = "X-12345"
        part.headers[aiohttp.hdrs.CONTENT_ENCODING] = "gzip"
        resp = await response_for(mpwriter)

    reader = MultipartReader(resp.headers, resp.content)
    hello = await within(reader.next())
    assert isinstance(hello, BodyPartReader)
    assert hello.headers[hdrs.CONTENT_TYPE] == "text/plain; charset=utf-8"
    assert await hello.text() == "hello"
    first = await within(reader.next())
    assert isinstance(first, MultipartReader)
    binary = await within(first.next())
    assert isinstance(binary, BodyPartReader)
    assert binary.headers[hdrs.CONTENT_TYPE] == "application/octet-stream"
    assert await binary.read() == b"aiohttp"
    second = await within(reader.next())
    assert isinstance(second, MultipartReader)
    deepest = await within(second.next())
    assert isinstance(deepest, MultipartReader)
    gif = await within(deepest.next())
    assert isinstance(gif, BodyPartReader)
    assert gif.headers[hdrs.CONTENT_TYPE] == "image/gif"
    assert await gif.read() == b"GIF89a..."
    third = await within(reader.next())
    assert isinstance(third, MultipartReader)
    document = await within(third.next())
    assert isinstance(document, BodyPartReader)
    assert await document.json() == {"test": "passed"}
    form = await within(third.next())
    assert isinstance(form, BodyPartReader)
    assert await form.form() == [("key", "value")]
    source = await within(reader.next())
    assert isinstance(source, BodyPartReader)
    assert source.filename == "secret.txt"
    assert source.headers[hdrs.CONTENT_ID] == "X-12345"
    assert await source.read(decode=True) == SOURCE
    assert await within(reader.next()) is None


async def test_hacking_multipart_without_content_length() -> None:
    mpwriter = MultipartWriter("form-data")
    mpwriter.append("x")
    mixed = MultipartWriter()
    mixed.append("x")
    mixed.append(b"y")
    for part in mixed:
        part.headers.pop(aiohttp.hdrs.CONTENT_LENGTH, None)
    body = await mixed.as_bytes()
    assert b"Content-Length" not in body
    assert mixed.size == len(body)
    async with fed(body) as stream:
        parts = await read_all(MultipartReader(mixed.headers, stream))
    assert [data for _, data in parts] == [b"x", b"y"]


async def test_hacking_multipart_pairs() -> None:
    # JSON documents, each with its files in a nested multipart, or alone.
    mpwriter = MultipartWriter("mixed")
    mpwriter.append_json({"_id": "foo"})
    for name in ("bar", "baz"):
        related = MultipartWriter("related")
        related.append_json({"_id": name})
        attachment = related.append(f"{name}! {name}! {name}!")
        attachment.set_content_disposition("attachment", filename=f"{name}.txt")
        mpwriter.append(related)
    mpwriter.append_json({"_id": "boo"})
    resp = await response_for(mpwriter)

    assert aiohttp.MultipartReader is MultipartReader

    class PairsMultipartReader(MultipartReader):
        # keep reference on the original reader
        multipart_reader_cls = MultipartReader

        async def next(self) -> Any:
            """Emits a tuple of a document and the reader of its attachments."""
            reader = await super().next()
            if self._at_eof:
                return None, None
            assert self.multipart_reader_cls is not None
            if isinstance(reader, self.multipart_reader_cls):
                part = await reader.next()
                assert isinstance(part, BodyPartReader)
                doc = await part.json()
            else:
                assert isinstance(reader, BodyPartReader)
                doc = await reader.json()
            return doc, reader

    reader = PairsMultipartReader.from_response(resp)
    result = []
    while True:
        # The wrapper passes on whatever the reader's next() returns.
        pair: Any = await within(reader.next())
        doc, files_reader = pair
        if doc is None:
            break
        files: list[bytes] = []
        while True:
            filepart = await within(files_reader.next())
            if filepart is None:
                break
            if isinstance(filepart, BodyPartReader):
                files.append(bytes(await filepart.read()))
        result.append((doc, files))
    assert result == [
        ({"_id": "foo"}, []),
        ({"_id": "bar"}, [b"bar! bar! bar!"]),
        ({"_id": "baz"}, [b"baz! baz! baz!"]),
        ({"_id": "boo"}, []),
    ]
    assert resp.released


async def test_reading_a_form_in_a_handler() -> None:
    # The server chapter's upload handler, fed what a client's FormData sends.
    form = FormData()
    form.add_field("name", "song")
    form.add_field("mp3", io.BytesIO(b"ID3" + b"\0" * 20000), filename="a.mp3")
    payload = form()
    body = await payload.as_bytes()
    async with fed(body) as stream:
        reader = MultipartReader(payload.headers, stream)
        field = await within(reader.next())
        assert isinstance(field, BodyPartReader)
        assert field.name == "name"
        name = await field.read(decode=True)
        assert name == b"song"
        field = await within(reader.next())
        assert isinstance(field, BodyPartReader)
        assert field.name == "mp3"
        assert field.filename == "a.mp3"
        size = 0
        while True:
            chunk = await within(field.read_chunk())  # 8192 bytes by default.
            if not chunk:
                break
            size += len(chunk)
        assert size == 20003


# -- whole, byte by byte, and at every cut ---------------------------------------------


def sample_writer() -> MultipartWriter:
    writer = MultipartWriter("mixed", boundary="outer:b")
    writer.append("text é")
    writer.append(b"")
    writer.append(b"\r\n--outer:b is not at a line start\r\n")
    writer.append_json({"a": [1, 2]})
    writer.append_form({"k": "v w"})
    writer.append(b"gzip me " * 20, {hdrs.CONTENT_ENCODING: "gzip"})
    writer.append(b"\xff\x00 base64", {hdrs.CONTENT_TRANSFER_ENCODING: "base64"})
    writer.append(b"q=p\r\n", {hdrs.CONTENT_TRANSFER_ENCODING: "quoted-printable"})
    nested = MultipartWriter("related", boundary="inner")
    nested.append(b"one")
    nested.append(b"two", {hdrs.CONTENT_ENCODING: "deflate"})
    writer.append(nested)
    return writer


SAMPLE_DATA: list[Any] = [
    "text é".encode(),
    b"",
    b"\r\n--outer:b is not at a line start\r\n",
    b'{"a": [1, 2]}',
    b"k=v+w",
    b"gzip me " * 20,
    b"\xff\x00 base64",
    b"q=p\r\n",
    [b"one", b"two"],
]


def data_of(parts: list[Any]) -> list[Any]:
    return [data_of(data) if isinstance(data, list) else data for _, data in parts]


@pytest.mark.parametrize("feed", [*FEEDS, [1, 2, 3, 50, 51, 400]])
async def test_round_trip(feed: str | list[int]) -> None:
    writer = sample_writer()
    body = await writer.as_bytes()
    async with fed(body, feed) as stream:
        parts = await read_all(MultipartReader(writer.headers, stream))
    assert data_of(parts) == SAMPLE_DATA
    headers = [dict(items) for items, _ in parts]
    assert headers[0] == {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": "7",
    }
    assert headers[5][hdrs.CONTENT_ENCODING] == "gzip"


async def test_round_trip_at_every_cut() -> None:
    writer = MultipartWriter("form-data", boundary="b")
    writer.append("a")
    writer.append(b"\r\n")
    writer.append(b"", {hdrs.CONTENT_TYPE: "x/y"})
    body = await writer.as_bytes()
    for cut in range(1, len(body)):
        async with fed(body, [cut]) as stream:
            parts = await read_all(MultipartReader(writer.headers, stream))
        assert data_of(parts) == [b"a", b"\r\n", b""], cut


async def test_write_matches_as_bytes() -> None:
    writer = sample_writer()

    class Sink(AbstractStreamWriter):
        def __init__(self) -> None:
            self.data = bytearray()

        async def write(self, chunk: bytes | bytearray | memoryview) -> None:
            self.data += chunk

        async def write_eof(self, chunk: bytes = b"") -> None:
            raise AssertionError("a body does not end the message")

        async def drain(self) -> None:
            pass

        def enable_compression(
            self, encoding: str = "deflate", strategy: int | None = None
        ) -> None:
            raise AssertionError("not used")

        def enable_chunking(self) -> None:
            raise AssertionError("not used")

        async def write_headers(
            self, status_line: str, headers: CIMultiDict[str]
        ) -> None:
            raise AssertionError("not used")

    sink = Sink()
    await writer.write(sink)
    assert bytes(sink.data) == await writer.as_bytes()


# -- generated bodies ------------------------------------------------------------------

BCHARS = r"0-9A-Za-z'()+_,\-./:=? "
boundaries = st.from_regex(rf"[{BCHARS}]{{0,69}}[{BCHARS[:-1]}]", fullmatch=True)
part_specs = st.tuples(
    st.binary(max_size=300),
    st.sampled_from([None, "gzip", "deflate"]),
    st.sampled_from([None, "base64", "quoted-printable", "binary"]),
)


def run(coroutine: Awaitable[None]) -> None:
    async def main() -> None:
        await coroutine

    asyncio.run(main())


def build(
    boundary: str, specs: list[tuple[bytes, str | None, str | None]]
) -> MultipartWriter:
    writer = MultipartWriter("mixed", boundary=boundary)
    for data, encoding, te_encoding in specs:
        headers: dict[str, str] = {}
        if encoding:
            headers[hdrs.CONTENT_ENCODING] = encoding
        if te_encoding:
            headers[hdrs.CONTENT_TRANSFER_ENCODING] = te_encoding
        writer.append(data, headers)
    return writer


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    boundaries,
    st.lists(part_specs, max_size=5),
    st.one_of(st.none(), st.tuples(boundaries, st.lists(part_specs, max_size=3))),
    st.lists(st.integers(0, 5000), max_size=12),
)
def test_generated_round_trip(
    boundary: str,
    specs: list[tuple[bytes, str | None, str | None]],
    nested: tuple[str, list[tuple[bytes, str | None, str | None]]] | None,
    cuts: list[int],
) -> None:
    writer = build(boundary, specs)
    expected: list[Any] = [data for data, _, _ in specs]
    delimiters = {boundary: len(specs) + (nested is not None)}
    if nested is not None:
        inner_boundary, inner_specs = nested
        assume(not inner_boundary.startswith(boundary))
        assume(not boundary.startswith(inner_boundary))
        writer.append(build(inner_boundary, inner_specs))
        expected.append([data for data, _, _ in inner_specs])
        delimiters[inner_boundary] = len(inner_specs)

    async def round_trip() -> None:
        body = await writer.as_bytes()
        # RFC 2046: a delimiter must not occur inside a part.
        for name, count in delimiters.items():
            assume(body.count(b"\r\n--" + name.encode()) == count)
        for feed in ("whole", [cut % (len(body) + 1) for cut in cuts]):
            async with fed(body, feed) as stream:
                parts = await read_all(MultipartReader(writer.headers, stream))
            assert data_of(parts) == expected
        if len(body) < 400:
            async with fed(body, "bytewise") as stream:
                parts = await read_all(MultipartReader(writer.headers, stream))
            assert data_of(parts) == expected

    run(round_trip())


form_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"))
    | st.sampled_from("\"\\;=%\t '/é€"),
    min_size=1,
    max_size=20,
).filter(lambda text: text[0] not in "/\\")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            form_text,
            st.one_of(
                st.text(max_size=50),
                st.tuples(form_text, st.binary(max_size=200)),
            ),
        ),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
    st.lists(st.integers(0, 3000), max_size=6),
)
def test_generated_form_round_trip(
    fields: list[tuple[str, str | tuple[str, bytes]]],
    quote_fields: bool,
    cuts: list[int],
) -> None:
    assume(fields[0][0] != "_charset_")
    form = FormData(quote_fields=quote_fields, default_to_multipart=True)
    for name, value in fields:
        if isinstance(value, tuple):
            filename, data = value
            form.add_field(name, io.BytesIO(data), filename=filename)
        else:
            form.add_field(name, value)

    async def round_trip() -> None:
        payload = form()
        body = await payload.as_bytes()
        async with fed(body, cuts) as stream:
            reader = MultipartReader(payload.headers, stream)
            read: list[tuple[str | None, str | tuple[str, bytes]]] = []
            async for part in reader:
                assert isinstance(part, BodyPartReader)
                if part.filename is None:
                    read.append((part.name, await part.text()))
                else:
                    read.append((part.name, (part.filename, bytes(await part.read()))))
        assert read == fields

    run(round_trip())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text().filter(lambda name: not set(name) & set("\r\n\0")), st.text()
        )
    ),
    st.sampled_from(["utf-8", "utf-16"]),
)
def test_generated_urlencoded_round_trip(
    fields: list[tuple[str, str]], charset: str
) -> None:
    payload = FormData(fields, charset=charset)()

    async def round_trip() -> None:
        body = await payload.as_bytes()
        assert parse_qsl(
            body.decode("ascii"), keep_blank_values=True, encoding=charset
        ) == [(name, value) for name, value in fields]

    run(round_trip())


async def test_json_part_round_trip() -> None:
    document = {"name": "é", "list": [1, 2.5, None, True], "nested": {"a": ""}}
    writer = MultipartWriter()
    writer.append_json(document)
    async with fed(await writer.as_bytes(), "bytewise") as stream:
        reader = MultipartReader(writer.headers, stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        assert await within(part.json()) == document
