"""aiohttp.multipart reading: Content-Disposition, MultipartReader, BodyPartReader.

Bodies are fed whole and one byte at a time (from a concurrent task), and
every read is bounded by ``within()`` so that a bug fails instead of hanging.
The helpers at the top are shared with the other ``test_multipart_*`` files.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import importlib
import itertools
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import Any, TypeVar

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp import hdrs
from aiohttp.base_protocol import BaseProtocol
from aiohttp.compression_utils import HAS_BROTLI
from aiohttp.http_exceptions import (
    BadHttpMessage,
    ContentEncodingError,
    InvalidHeader,
    LineTooLong,
)
from aiohttp.multipart import (
    DEFAULT_MAX_PARTS,
    BadContentDispositionHeader,
    BadContentDispositionParam,
    BodyPartReader,
    BodyPartReaderPayload,
    MultipartReader,
    MultipartResponseWrapper,
    content_disposition_filename,
    parse_content_disposition,
)
from aiohttp.payload import get_payload
from aiohttp.streams import StreamReader

T = TypeVar("T")
TIMEOUT = 5.0
FEEDS = ["whole", "bytewise"]


# -- shared helpers -------------------------------------------------------------


async def within(awaitable: Awaitable[T]) -> T:
    """Await with a bound, so that a bug fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, TIMEOUT)


def make_stream() -> StreamReader:
    loop = asyncio.get_running_loop()
    return StreamReader(BaseProtocol(loop), 2**16, loop=loop)


def pieces_of(data: bytes, feed: str | Sequence[int]) -> list[bytes]:
    """``data`` whole, one byte at a time, or cut at the given offsets."""
    if feed == "whole":
        return [data]
    if feed == "bytewise":
        return [data[i : i + 1] for i in range(len(data))]
    assert not isinstance(feed, str)
    cuts = [0, *sorted(set(feed)), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


@contextlib.asynccontextmanager
async def fed(
    data: bytes, feed: str | Sequence[int] = "whole", *, eof: bool = True
) -> AsyncIterator[StreamReader]:
    """A stream that receives ``data`` (then EOF) as described by ``feed``."""
    stream = make_stream()
    pieces = pieces_of(data, feed)
    if len(pieces) == 1:
        stream.feed_data(data)
        if eof:
            stream.feed_eof()
        yield stream
        return

    async def feeder() -> None:
        for piece in pieces:
            stream.feed_data(piece)
            await asyncio.sleep(0)
        if eof:
            stream.feed_eof()

    task = asyncio.ensure_future(feeder())
    try:
        yield stream
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def mp_headers(boundary: str = "xx", subtype: str = "mixed") -> dict[str, str]:
    return {"Content-Type": f"multipart/{subtype}; boundary={boundary}"}


def part_headers(**fields: str) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(
        CIMultiDict({name.replace("_", "-"): value for name, value in fields.items()})
    )


async def read_all(reader: MultipartReader, *, decode: bool = True) -> list[Any]:
    """Every part as ``(header items, data)``; nested readers as a sub-list."""
    result: list[Any] = []
    while (part := await within(reader.next())) is not None:
        if isinstance(part, MultipartReader):
            result.append((list(part.headers.items()), await read_all(part)))
        else:
            data = await within(part.read(decode=decode))
            result.append((list(part.headers.items()), bytes(data)))
    return result


async def read_body(
    body: bytes,
    feed: str | Sequence[int] = "whole",
    *,
    boundary: str = "xx",
    subtype: str = "mixed",
    **kwargs: Any,
) -> list[Any]:
    async with fed(body, feed) as stream:
        reader = MultipartReader(mp_headers(boundary, subtype), stream, **kwargs)
        result = await read_all(reader)
        assert reader.at_eof()
        return result


def part_reader(
    data: bytes, boundary: bytes = b"--:", **headers: str
) -> tuple[BodyPartReader, StreamReader]:
    stream = make_stream()
    stream.feed_data(data)
    stream.feed_eof()
    return BodyPartReader(boundary, part_headers(**headers), stream), stream


# -- Content-Disposition ---------------------------------------------------------


@pytest.mark.parametrize("header", [None, ""])
def test_disposition_absent(header: str | None) -> None:
    assert parse_content_disposition(header) == (None, {})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inline", ("inline", {})),
        ("attachment; filename=foo.html", ("attachment", {"filename": "foo.html"})),
        ('attachment; filename="foo.html"', ("attachment", {"filename": "foo.html"})),
        ("ATTACHMENT; FILENAME=Foo.HTML", ("attachment", {"filename": "Foo.HTML"})),
        ('form-data; name="a;b"; x=1', ("form-data", {"name": "a;b", "x": "1"})),
        (r'attachment; filename="a\"b\\c"', ("attachment", {"filename": 'a"b\\c'})),
        ('attachment; filename=""', ("attachment", {"filename": ""})),
        ('attachment; filename="é.txt"', ("attachment", {"filename": "é.txt"})),
        # Quoted values cannot climb out of a directory.
        (
            'attachment; filename="/etc/passwd"',
            ("attachment", {"filename": "etc/passwd"}),
        ),
        (r'attachment; filename="\\\\srv\\x"', ("attachment", {"filename": "srv\\x"})),
        # Optional whitespace around the separators is accepted.
        (" attachment ; filename = a ", ("attachment", {"filename": "a"})),
        (
            "attachment; filename*=UTF-8''%e2%82%ac%20rates",
            ("attachment", {"filename*": "€ rates"}),
        ),
        (
            "attachment; filename*=iso-8859-1'en'%A3%20rates",
            ("attachment", {"filename*": "£ rates"}),
        ),
        ("attachment; x*=utf-8'en-US'abc", ("attachment", {"x*": "abc"})),
        (
            "attachment; filename*0=foo.; filename*1*=html",
            ("attachment", {"filename*0": "foo.", "filename*1*": "html"}),
        ),
        (
            "attachment; filename*0=\"a b\"; filename*1*=utf-8''%41",
            ("attachment", {"filename*0": "a b", "filename*1*": "utf-8''%41"}),
        ),
    ],
)
def test_disposition_parsed(header: str, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_content_disposition(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "attach ment; filename=a",
        '"inline"',
        "attachment; filename",
        "attachment; filename=a; FILENAME=b",
        "attachment; filename=a b",
        'attachment; filename="unterminated',
        'attachment; a="b" c',
        'attachment; filename="a"b"',
    ],
)
def test_disposition_bad_header(header: str) -> None:
    with pytest.warns(BadContentDispositionHeader) as record:
        assert parse_content_disposition(header) == (None, {})
    assert len(record) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("attachment;", {}),
        ("attachment;;filename=a", {"filename": "a"}),
        ("attachment; filename=a; ;", {"filename": "a"}),
    ],
)
def test_disposition_empty_items_warn_once(
    header: str, expected: dict[str, str]
) -> None:
    with pytest.warns(BadContentDispositionHeader) as record:
        assert parse_content_disposition(header) == ("attachment", expected)
    assert len(record) == 1


@pytest.mark.parametrize(
    "param",
    [
        "fi le=a",
        "filename*=bad",
        "filename*=utf-8''%ff",
        "filename*=no-such-charset''abc",
        "filename*='en'%A3",
        "filename*=utf-8''a b",
        "filename*0=a b",
        "filename*0*=%%",
    ],
)
def test_disposition_bad_param_dropped(param: str) -> None:
    with pytest.warns(BadContentDispositionParam) as record:
        result = parse_content_disposition(f"attachment; {param}; name=kept")
    assert result == ("attachment", {"name": "kept"})
    assert str(record[0].message) == f" {param}"


def test_disposition_filename_prefers_extended() -> None:
    # RFC 6266 section 5: a recipient that knows filename* uses it.
    header = "attachment; filename=\"EURO rates\"; filename*=utf-8''%e2%82%ac%20rates"
    disptype, params = parse_content_disposition(header)
    assert disptype == "attachment"
    assert content_disposition_filename(params) == "€ rates"
    assert content_disposition_filename({"filename": "plain"}) == "plain"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, None),
        ({"other": "x"}, None),
        ({"filename*0": "foo.", "filename*1": "html"}, "foo.html"),
        ({"filename*0": "it's", "filename*1": " ok"}, "it's ok"),
        ({"filename*0*": "utf-8''%e2%82", "filename*1*": "%ac"}, "€"),
        ({"filename*0*": "iso-8859-1'en'%A3", "filename*1": "1"}, "£1"),
        ({"filename*0": "a", "filename*1*": "%41"}, "aA"),
        ({"filename*0": "a", "filename*2": "c"}, "a"),
        ({"filename*1": "b"}, None),
    ],
)
def test_disposition_filename_continuations(
    params: dict[str, str], expected: str | None
) -> None:
    assert content_disposition_filename(params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"filename*0*": "utf-8''%ff"},
        {"filename*0*": "no-such-charset''abc"},
        {"filename*0*": "ascii''a", "filename*1": "é"},
    ],
)
def test_disposition_filename_bad_continuation(params: dict[str, str]) -> None:
    with pytest.warns(BadContentDispositionParam):
        assert content_disposition_filename(params) is None


def test_disposition_other_name() -> None:
    _, params = parse_content_disposition('form-data; name="field"; filename="f"')
    assert content_disposition_filename(params, "name") == "field"


# -- the reader's headers and boundary ---------------------------------------------


async def test_reader_needs_multipart_content_type() -> None:
    stream = make_stream()
    with pytest.raises(ValueError, match="multipart/\\* content type expected"):
        MultipartReader({"Content-Type": "text/plain; boundary=xx"}, stream)
    with pytest.raises(ValueError, match="multipart/\\* content type expected"):
        MultipartReader({}, stream)


async def test_reader_needs_boundary() -> None:
    with pytest.raises(ValueError, match="boundary missed"):
        MultipartReader({"Content-Type": "multipart/mixed"}, make_stream())


@pytest.mark.parametrize(
    "boundary",
    ["a" * 71, '"a b "', '"a;b"', '""', '"a\\"b"', "é", "a%b", "a#b"],
)
async def test_reader_rejects_bad_boundary(boundary: str) -> None:
    with pytest.raises(ValueError, match="boundary"):
        MultipartReader(mp_headers(boundary), make_stream())


@pytest.mark.parametrize(
    ("boundary", "wire"),
    [
        ("a" * 70, "a" * 70),
        ('"a b"', "a b"),
        ('"\'()+_,-./:=?"', "'()+_,-./:=?"),
        (
            "----WebKitFormBoundary7MA4YWxkTrZu0gW",
            "----WebKitFormBoundary7MA4YWxkTrZu0gW",
        ),
    ],
)
@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_valid_boundaries(boundary: str, wire: str, feed: str) -> None:
    body = f"--{wire}\r\n\r\nhello\r\n--{wire}--\r\n".encode()
    assert await read_body(body, feed, boundary=boundary) == [([], b"hello")]


# -- the body's structure ------------------------------------------------------------


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_parts(feed: str) -> None:
    body = (
        b"--xx\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n\r\nfirst\r\n"
        b"--xx\r\n\r\nsecond\r\nline\r\n"
        b"--xx--\r\n"
    )
    async with fed(body, feed) as stream:
        reader = MultipartReader(mp_headers(), stream)
        first = await within(reader.next())
        assert isinstance(first, BodyPartReader)
        assert first.headers.getall("X-A") == ["1", "2"]
        assert first.headers[hdrs.CONTENT_TYPE] == "text/plain"
        assert await within(first.read()) == b"first"
        assert first.at_eof()
        second = await within(reader.next())
        assert isinstance(second, BodyPartReader)
        assert await within(second.read()) == b"second\r\nline"
        assert await within(reader.next()) is None
        assert reader.at_eof()
        assert await within(reader.next()) is None


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_skips_preamble_and_drains_epilogue(feed: str) -> None:
    body = (
        b"This is the preamble. --xx is not a delimiter here.\r\n"
        b"--xx\r\n\r\nbody\r\n--xx--\r\nThis is the epilogue.\r\n--xx\r\n"
    )
    async with fed(body, feed) as stream:
        reader = MultipartReader(mp_headers(), stream)
        assert await read_all(reader) == [([], b"body")]
        # The whole body was read: nothing is left for the connection.
        assert stream.at_eof()


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_transport_padding(feed: str) -> None:
    body = b"--xx \t\r\n\r\na\r\n--xx  \r\n\r\nb\r\n--xx-- \t\r\n"
    assert await read_body(body, feed) == [([], b"a"), ([], b"b")]


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_empty_parts(feed: str) -> None:
    body = (
        b"--xx\r\n\r\n\r\n"  # no headers, no data
        b"--xx\r\n\r\n\r\n\r\n"  # the data is one CRLF
        b"--xx\r\nA: b\r\n\r\n"  # the blank line's CRLF starts the delimiter
        b"--xx\r\n\r\n"  # no headers either
        b"--xx--"
    )
    assert await read_body(body, feed) == [
        ([], b""),
        ([], b"\r\n"),
        ([("A", "b")], b""),
        ([], b""),
    ]


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_data_resembling_delimiters(feed: str) -> None:
    data = b"x--xx, \r\n--x, \r--xx, \n--xx, --xx\r\n-\r\n--"
    body = b"--xx\r\n\r\n" + data + b"\r\n--xx--"
    assert await read_body(body, feed) == [([], data)]


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_only_closing_delimiter(feed: str) -> None:
    assert await read_body(b"--xx--", feed) == []
    assert await read_body(b"preamble\r\n--xx--\r\nepilogue", feed) == []


async def test_reader_false_start_in_preamble() -> None:
    body = b"--xxy\r\n--xx--x\r\n--xx\r\n\r\nbody\r\n--xx--"
    assert await read_body(body) == [([], b"body")]


@pytest.mark.parametrize(
    "body",
    [b"", b"preamble only\r\n", b"--xxy\r\n", b"--xx\n\nbody\n--xx--\n", b"--x"],
)
async def test_reader_no_first_delimiter(body: bytes) -> None:
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        with pytest.raises(ValueError, match="Could not find starting boundary"):
            await within(reader.next())


@pytest.mark.parametrize(
    "body",
    [
        b"--xx\r\n\r\nbody\r\n--xxy\r\n\r\n--xx--",
        b"--xx\r\n\r\nbody\r\n--xx--garbage",
        b"--xx\r\n\r\nbody\r\n--xx \tx\r\n",
        b"--xx\r\n\r\nbody\r\n--xx\r",
        b"--xx\r\n\r\nbody\r\n--xx",
    ],
)
async def test_reader_bad_delimiter_line(body: bytes) -> None:
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        assert await within(part.read()) == b"body"
        with pytest.raises(ValueError, match="Invalid boundary"):
            await within(reader.next())


async def test_reader_padding_is_bounded() -> None:
    body = b"--xx\r\n\r\nbody\r\n--xx" + b" " * 200 + b"\r\n\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, max_field_size=100)
        part = await within(reader.next())
        assert part is not None
        await part.release()
        with pytest.raises(ValueError, match="Invalid boundary"):
            await within(reader.next())


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"--xx\r\n\r\nunterminated", "ended inside a part"),
        (b"--xx\r\n\r\nunterminated\r\n--x", "ended inside a part"),
        (b"--xx\r\nContent-Type: text/pl", "ended inside a part's headers"),
        (b"--xx\r\n", "ended inside a part's headers"),
    ],
)
async def test_reader_stream_ends_early(feed: str, body: bytes, message: str) -> None:
    async with fed(body, feed) as stream:
        reader = MultipartReader(mp_headers(), stream)
        with pytest.raises(ValueError, match=message):
            await within(read_all(reader))


@pytest.mark.parametrize("method", ["read", "read_chunk", "readline", "release"])
@pytest.mark.parametrize("data", [b"no delimiter", b"-", b"--"])
async def test_part_unterminated(method: str, data: bytes) -> None:
    part, _ = part_reader(data)

    async def read_to_the_end() -> None:
        while True:
            await getattr(part, method)()

    with pytest.raises(ValueError, match="ended inside a part"):
        await within(read_to_the_end())


async def test_reader_stream_exception() -> None:
    async with fed(b"--xx\r\n\r\nabc", eof=False) as stream:
        reader = MultipartReader(mp_headers(), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        stream.set_exception(ConnectionResetError("gone"))
        with pytest.raises(ConnectionResetError):
            await within(part.read())


async def test_reader_waits_for_data() -> None:
    # Without EOF nothing is decided: the reader waits for the next bytes.
    async with fed(b"--xx\r\n\r\nabc", eof=False) as stream:
        reader = MultipartReader(mp_headers(), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        read = asyncio.ensure_future(part.read())
        await asyncio.sleep(0.01)
        assert not read.done()
        stream.feed_data(b"\r\n--xx--")
        stream.feed_eof()
        assert await within(read) == b"abc"


# -- part headers and their limits ---------------------------------------------------


async def test_reader_header_line_too_long() -> None:
    body = b"--xx\r\nX: " + b"v" * 200 + b"\r\n\r\nbody\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, max_field_size=100)
        with pytest.raises(LineTooLong, match="100"):
            await within(reader.next())


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_header_line_too_long_unterminated(feed: str) -> None:
    # The line never ends: the reader gives up once it passes the limit.
    body = b"--xx\r\nX: " + b"v" * 300
    async with fed(body, feed, eof=False) as stream:
        reader = MultipartReader(mp_headers(), stream, max_field_size=100)
        with pytest.raises(LineTooLong):
            await within(reader.next())


async def test_reader_header_line_at_limit() -> None:
    line = b"X: " + b"v" * 97
    body = b"--xx\r\n" + line + b"\r\n\r\nbody\r\n--xx--"
    result = await read_body(body, max_field_size=100)
    assert result == [([("X", "v" * 97)], b"body")]


async def test_reader_too_many_headers() -> None:
    fields = b"".join(b"H%d: v\r\n" % i for i in range(4))
    body = b"--xx\r\n" + fields + b"\r\nbody\r\n--xx--"
    assert len((await read_body(body, max_headers=4))[0][0]) == 4
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, max_headers=3)
        with pytest.raises(BadHttpMessage, match="Too many headers") as info:
            await within(reader.next())
    assert info.value.code == 431


@pytest.mark.parametrize("line", [b"bad header", b": novalue", b" folded"])
async def test_reader_invalid_header(line: bytes) -> None:
    body = b"--xx\r\n" + line + b"\r\n\r\nbody\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        with pytest.raises(InvalidHeader):
            await within(reader.next())


# -- Content-Length ----------------------------------------------------------------


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_content_length(feed: str) -> None:
    # With a Content-Length the data may even hold the delimiter.
    data = b"a\r\n--xx\r\nb"
    body = (
        b"--xx\r\nContent-Length: %d\r\n\r\n" % len(data)
        + data
        + b"\r\n--xx\r\nContent-Length: 0\r\n\r\n\r\n"
        + b"--xx\r\nContent-Length: 0\r\n\r\n"
        + b"--xx--"
    )
    result = await read_body(body, feed)
    assert [data for _, data in result] == [data, b"", b""]


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_content_length_read_in_chunks(feed: str) -> None:
    body = b"--xx\r\nContent-Length: 10\r\n\r\n0123456789\r\n--xx--"
    async with fed(body, feed) as stream:
        reader = MultipartReader(mp_headers(), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        chunks = []
        while chunk := await within(part.read_chunk(3)):
            assert len(chunk) <= 3
            chunks.append(chunk)
        assert b"".join(chunks) == b"0123456789"
        assert part.at_eof()
        assert await within(reader.next()) is None


@pytest.mark.parametrize(
    "body",
    [
        b"--xx\r\nContent-Length: 3\r\n\r\nab\r\n--xx--",
        b"--xx\r\nContent-Length: 1\r\n\r\nab\r\n--xx--",
        b"--xx\r\nContent-Length: 0\r\n\r\nab\r\n--xx--",
        b"--xx\r\nContent-Length: 2\r\n\r\nab",
    ],
)
async def test_reader_content_length_mismatch(body: bytes) -> None:
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        with pytest.raises(ValueError, match="Content-Length"):
            await within(part.read())


async def test_reader_content_length_truncated() -> None:
    body = b"--xx\r\nContent-Length: 5\r\n\r\nab"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        with pytest.raises(ValueError, match="ended inside a part"):
            await within(part.read())


@pytest.mark.parametrize("value", ["-1", "1e3", "", "+1", "\u0661"])
async def test_reader_invalid_content_length(value: str) -> None:
    body = f"--xx\r\nContent-Length: {value}\r\n\r\nab\r\n--xx--".encode()
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        with pytest.raises(ValueError, match="invalid Content-Length"):
            await within(reader.next())


async def test_reader_form_data_ignores_content_length() -> None:
    # RFC 7578 section 4.8.
    body = (
        b"--xx\r\nContent-Disposition: form-data; name=a\r\nContent-Length: 1\r\n\r\n"
        b"abc\r\n--xx--"
    )
    result = await read_body(body, subtype="form-data")
    assert result[0][1] == b"abc"


# -- size and count limits ------------------------------------------------------------


async def test_reader_client_max_size() -> None:
    data = b"x" * 1000
    body = b"--xx\r\n\r\n" + data + b"\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, client_max_size=100)
        with pytest.raises(ValueError, match="Maximum multipart body size 100"):
            await within(read_all(reader))
        # At most one byte past the limit left the stream.
        assert len(await stream.read()) >= len(body) - 101


class TooLarge(Exception):
    def __init__(self, max_size: int) -> None:
        super().__init__(max_size)
        self.max_size = max_size


@pytest.mark.parametrize(
    "body",
    [
        b"p" * 200 + b"\r\n--xx\r\n\r\nbody\r\n--xx--",
        b"--xx\r\n" + b"H: v\r\n" * 50 + b"\r\nbody\r\n--xx--",
        b"--xx\r\n\r\nbody\r\n--xx--\r\n" + b"e" * 200,
    ],
    ids=["preamble", "headers", "epilogue"],
)
async def test_reader_client_max_size_everywhere(body: bytes) -> None:
    async with fed(body) as stream:
        reader = MultipartReader(
            mp_headers(), stream, client_max_size=100, max_size_error_cls=TooLarge
        )
        with pytest.raises(TooLarge) as info:
            await within(read_all(reader))
    assert info.value.max_size == 100


async def test_reader_client_max_size_exact() -> None:
    body = b"--xx\r\n\r\nbody\r\n--xx--\r\nepilogue"
    assert await read_body(body, client_max_size=len(body)) == [([], b"body")]
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, client_max_size=len(body) - 1)
        with pytest.raises(ValueError, match="Maximum multipart body size"):
            await within(read_all(reader))


async def test_reader_decoded_size_is_bounded() -> None:
    bomb = zlib.compress(b"\0" * 100_000)
    body = b"--xx\r\nContent-Encoding: deflate\r\n\r\n" + bomb + b"\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, client_max_size=10_000)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        raw = await within(part.read())
        with pytest.raises(ValueError, match="Maximum multipart body size"):
            part.decode(raw)
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, client_max_size=10_000)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        with pytest.raises(ValueError, match="Maximum multipart body size"):
            await within(part.read(decode=True))


async def test_part_decode_stops_near_the_limit() -> None:
    stream = make_stream()
    part = BodyPartReader(
        b"--:",
        part_headers(Content_Encoding="deflate"),
        stream,
        max_decompress_size=1000,
        client_max_size=10_000,
    )
    with pytest.raises(ValueError, match="Maximum multipart body size"):
        part.decode(zlib.compress(b"\0" * 100_000))


async def test_reader_max_parts() -> None:
    body = b"--xx\r\n\r\na\r\n" * 5 + b"--xx--"
    assert len(await read_body(body, max_parts=5)) == 5
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, max_parts=4)
        with pytest.raises(BadHttpMessage, match="Too many multipart parts") as info:
            await within(read_all(reader))
    assert info.value.code == 413
    assert DEFAULT_MAX_PARTS == 1000


async def test_reader_max_parts_counts_nested_parts() -> None:
    nested = b"--yy\r\n\r\na\r\n--yy\r\n\r\nb\r\n--yy--"
    body = (
        b"--xx\r\nContent-Type: multipart/mixed; boundary=yy\r\n\r\n"
        + nested
        + b"\r\n--xx--"
    )
    assert len((await read_body(body, max_parts=3))[0][1]) == 2
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream, max_parts=2)
        with pytest.raises(BadHttpMessage, match="more than 2"):
            await within(read_all(reader))


# -- nested bodies -------------------------------------------------------------------


NESTED = (
    b"--xx\r\nContent-Type: application/json\r\n\r\n{}\r\n"
    b"--xx\r\nContent-Type: multipart/related; boundary=yy\r\n\r\n"
    b"--yy\r\n\r\ninner 1\r\n--yy\r\nContent-Type: text/plain\r\n\r\ninner 2\r\n--yy--"
    b"\r\n--xx\r\n\r\nafter\r\n--xx--\r\n"
)


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_nested(feed: str) -> None:
    assert await read_body(NESTED, feed) == [
        ([("Content-Type", "application/json")], b"{}"),
        (
            [("Content-Type", "multipart/related; boundary=yy")],
            [([], b"inner 1"), ([("Content-Type", "text/plain")], b"inner 2")],
        ),
        ([], b"after"),
    ]


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_nested_with_preamble_and_epilogue(feed: str) -> None:
    body = (
        b"--xx\r\nContent-Type: multipart/mixed; boundary=yy\r\n\r\n"
        b"nested preamble\r\n--yy\r\n\r\nin\r\n--yy--\r\nnested epilogue\r\n"
        b"--xx\r\n\r\nout\r\n--xx--"
    )
    result = await read_body(body, feed)
    assert result[0][1] == [([], b"in")]
    assert result[1] == ([], b"out")


@pytest.mark.parametrize("read_first", [False, True])
async def test_reader_nested_left_unread(read_first: bool) -> None:
    async with fed(NESTED) as stream:
        reader = MultipartReader(mp_headers(), stream)
        await within(reader.next())
        nested = await within(reader.next())
        assert isinstance(nested, MultipartReader)
        if read_first:
            inner = await within(nested.next())
            assert inner is not None
        last = await within(reader.next())
        assert isinstance(last, BodyPartReader)
        assert await within(last.read()) == b"after"
        assert nested.at_eof()


async def test_reader_nested_unterminated() -> None:
    body = (
        b"--xx\r\nContent-Type: multipart/mixed; boundary=yy\r\n\r\n"
        b"--yy\r\n\r\nin\r\n--yy--\r\nepilogue with no end"
    )
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        nested = await within(reader.next())
        assert isinstance(nested, MultipartReader)
        assert await read_all(nested) == [([], b"in")]
        with pytest.raises(ValueError, match="ended before the b'--xx' delimiter"):
            await within(reader.next())


async def test_reader_nested_without_boundary() -> None:
    body = b"--xx\r\nContent-Type: multipart/mixed\r\n\r\nx\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        with pytest.raises(ValueError, match="boundary missed"):
            await within(reader.next())


async def test_reader_classes() -> None:
    class Part(BodyPartReader):
        pass

    class Nested(MultipartReader):
        pass

    class Reader(MultipartReader):
        part_reader_cls = Part
        multipart_reader_cls = Nested

    async with fed(NESTED) as stream:
        reader = Reader(mp_headers(), stream)
        parts = [part async for part in reader]
    assert [type(part) for part in parts] == [Part, Nested, Part]

    async with fed(NESTED) as stream:
        subclass_default = [type(p) async for p in Nested(mp_headers(), stream)]
    assert subclass_default == [BodyPartReader, Nested, BodyPartReader]


async def test_reader_release() -> None:
    async with fed(NESTED) as stream:
        reader = MultipartReader(mp_headers(), stream)
        await within(reader.next())
        await within(reader.release())
        assert reader.at_eof()
        assert stream.at_eof()
        await within(reader.release())


async def test_reader_fetch_next_part() -> None:
    body = b"--xx\r\nX: 1\r\n\r\ndata\r\n--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(), stream)
        assert reader._get_boundary() == "xx"
        await within(reader._read_until_first_boundary())
        part = await within(reader.fetch_next_part())
        assert isinstance(part, BodyPartReader)
        assert part.headers["X"] == "1"
        assert await within(part.read()) == b"data"


async def test_reader_skips_unread_part() -> None:
    body = b"--xx\r\n\r\n" + b"a" * 100_000 + b"\r\n--xx\r\n\r\nb\r\n--xx--"
    async with fed(body, [1, 70_000]) as stream:
        reader = MultipartReader(mp_headers(), stream)
        first = await within(reader.next())
        assert isinstance(first, BodyPartReader)
        assert await within(first.read_chunk(10)) == b"a" * 10
        second = await within(reader.next())
        assert isinstance(second, BodyPartReader)
        assert await within(second.read()) == b"b"
        assert first.at_eof()


# -- RFC 7578 section 4.6: the form's charset ---------------------------------------


def form_field(name: str, value: bytes, *extra: bytes) -> bytes:
    head = b"--xx\r\nContent-Disposition: form-data; name=" + name.encode() + b"\r\n"
    return head + b"".join(extra) + b"\r\n" + value + b"\r\n"


async def test_reader_charset_field() -> None:
    body = (
        form_field("_charset_", b" iso-8859-1 ")
        + form_field("text", "é".encode("latin-1"))
        + b"--xx--"
    )
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(subtype="form-data"), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        assert part.name == "text"
        assert part.get_charset("utf-8") == "iso-8859-1"
        assert await within(part.text()) == "é"
        assert await within(reader.next()) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [(b"x" * 40, "too long"), ("é".encode(), "invalid _charset_")],
)
async def test_reader_bad_charset_field(value: bytes, message: str) -> None:
    body = form_field("_charset_", value) + b"--xx--"
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(subtype="form-data"), stream)
        with pytest.raises(ValueError, match=message):
            await within(reader.next())


@pytest.mark.parametrize("feed", FEEDS)
async def test_reader_charset_field_fills_a_chunk(feed: str) -> None:
    value = b"a" * 32
    body = form_field("_charset_", value) + form_field("b", b"x") + b"--xx--"
    async with fed(body, feed) as stream:
        reader = MultipartReader(mp_headers(subtype="form-data"), stream)
        part = await within(reader.next())
        assert isinstance(part, BodyPartReader)
        assert part.get_charset("utf-8") == "a" * 32


async def test_reader_charset_field_only_first_in_form_data() -> None:
    body = form_field("a", b"1") + form_field("_charset_", b"latin-1") + b"--xx--"
    assert await part_names(body, "form-data") == ["a", "_charset_"]
    body = form_field("_charset_", b"x") + b"--xx--"
    assert await part_names(body, "mixed") == ["_charset_"]


async def part_names(body: bytes, subtype: str) -> list[str | None]:
    async with fed(body) as stream:
        reader = MultipartReader(mp_headers(subtype=subtype), stream)
        names = []
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            names.append(part.name)
    return names


# -- BodyPartReader ---------------------------------------------------------------


async def test_part_read_twice() -> None:
    part, _ = part_reader(b"data\r\n--:--")
    assert await within(part.read()) == b"data"
    assert await within(part.read()) == b""
    assert await within(part.read_chunk()) == b""
    assert await within(part.readline()) == b""


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8192])
async def test_part_read_chunk(size: int) -> None:
    data = b"0123456789\r\n-- no:, \r\n--"
    part, _ = part_reader(data + b"\r\n--:--")
    chunks = []
    while not part.at_eof():
        chunk = await within(part.read_chunk(size))
        assert 0 < len(chunk) <= size
        chunks.append(chunk)
    assert b"".join(chunks) == data
    assert await within(part.read_chunk(size)) == b""


@pytest.mark.parametrize("feed", FEEDS)
async def test_part_readline(feed: str) -> None:
    async with fed(b"line1\r\nline2\nline3\r\r\n--:--", feed) as stream:
        part = BodyPartReader(b"--:", part_headers(), stream)
        lines = []
        while line := await within(part.readline()):
            lines.append(line)
        assert lines == [b"line1\r\n", b"line2\n", b"line3\r"]
        assert part.at_eof()


async def test_part_next_and_iteration() -> None:
    part, _ = part_reader(b"data\r\n--:--")
    assert await within(part.next()) == b"data"
    assert await within(part.next()) is None
    part, _ = part_reader(b"\r\n--:--")
    assert await within(part.next()) is None
    part, _ = part_reader(b"x" * 20000 + b"\r\n--:--")
    chunks = [chunk async for chunk in part]
    assert len(chunks) == 3
    assert b"".join(chunks) == b"x" * 20000


async def test_part_release() -> None:
    part, _ = part_reader(b"x" * 100_000 + b"\r\n--:--tail")
    assert await within(part.read_chunk(10)) == b"x" * 10
    await within(part.release())
    assert part.at_eof()
    await within(part.release())


async def test_part_client_max_size() -> None:
    stream = make_stream()
    stream.feed_data(b"x" * 100 + b"\r\n--:")
    stream.feed_eof()
    part = BodyPartReader(
        b"--:", part_headers(), stream, client_max_size=50, max_size_error_cls=TooLarge
    )
    with pytest.raises(TooLarge):
        await within(part.read())


@pytest.mark.parametrize(
    ("headers", "default_charset", "expected"),
    [
        ({"Content_Type": "text/plain; charset=latin-1"}, None, "latin-1"),
        ({"Content_Type": "text/plain; charset=latin-1"}, "cp1252", "latin-1"),
        ({"Content_Type": "text/plain"}, "cp1252", "cp1252"),
        ({}, None, "default"),
    ],
)
async def test_part_get_charset(
    headers: dict[str, str], default_charset: str | None, expected: str
) -> None:
    part = BodyPartReader(
        b"--:", part_headers(**headers), make_stream(), default_charset=default_charset
    )
    assert part.get_charset("default") == expected


async def test_part_text() -> None:
    part, _ = part_reader(b"\xe9\r\n--:", Content_Type="text/plain; charset=latin-1")
    assert await within(part.text()) == "é"
    part, _ = part_reader("é".encode() + b"\r\n--:")
    assert await within(part.text()) == "é"
    part, _ = part_reader("é".encode("utf-16") + b"\r\n--:")
    assert await within(part.text(encoding="utf-16")) == "é"
    part, _ = part_reader(b"x\r\n--:", Content_Type="text/plain; charset=no-such")
    with pytest.raises(LookupError):
        await within(part.text())


async def test_part_json() -> None:
    document = {"a": [1, "é"]}
    part, _ = part_reader(json.dumps(document).encode() + b"\r\n--:")
    assert await within(part.json()) == document
    part, _ = part_reader(b"\r\n--:")
    assert await within(part.json()) is None
    data = json.dumps(document, ensure_ascii=False).encode("latin-1")
    part, _ = part_reader(data + b"\r\n--:")
    assert await within(part.json(encoding="latin-1")) == document


async def test_part_form() -> None:
    part, _ = part_reader(b"a=1&b=%C3%A9+x&c\r\n\r\n--:")
    assert await within(part.form()) == [("a", "1"), ("b", "é x"), ("c", "")]
    part, _ = part_reader(b"\r\n--:")
    assert await within(part.form()) == []
    part, _ = part_reader(
        b"b=%E9\r\n--:",
        Content_Type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert await within(part.form()) == [("b", "é")]
    part, _ = part_reader(b"b=\xe9\r\n--:")
    with pytest.raises(ValueError, match="cannot be decoded with utf-8"):
        await within(part.form())


async def test_part_name_and_filename() -> None:
    part, _ = part_reader(
        b"\r\n--:",
        Content_Disposition="form-data; name*=utf-8''%C3%A9; filename=\"a b.txt\"",
    )
    assert part.name == "é"
    assert part.filename == "a b.txt"
    assert part._cache == {"name": "é", "filename": "a b.txt"}
    part, _ = part_reader(b"\r\n--:")
    assert part.name is None
    assert part.filename is None
    part, _ = part_reader(b"\r\n--:", Content_Disposition="form data; name=x")
    with pytest.warns(BadContentDispositionHeader):
        assert part.name is None


# -- decoding ----------------------------------------------------------------------


def gzip_compress(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


DECODINGS = [
    ({"Content_Transfer_Encoding": "base64"}, b"aGVs\r\nbG8g d29y bGQ="),
    ({"Content_Transfer_Encoding": "BASE64"}, b"aGVsbG8gd29ybGQ="),
    ({"Content_Transfer_Encoding": "quoted-printable"}, b"hello=\r\n w=6Frld"),
    ({"Content_Transfer_Encoding": "binary"}, b"hello world"),
    ({"Content_Transfer_Encoding": "8bit"}, b"hello world"),
    ({"Content_Transfer_Encoding": "7bit"}, b"hello world"),
    ({"Content_Encoding": "identity"}, b"hello world"),
    ({"Content_Encoding": "gzip"}, gzip_compress(b"hello world")),
    ({"Content_Encoding": "x-gzip"}, gzip_compress(b"hello world")),
    ({"Content_Encoding": "deflate"}, raw_deflate(b"hello world")),
    ({"Content_Encoding": "deflate"}, zlib.compress(b"hello world")),
    (
        {"Content_Encoding": "gzip", "Content_Transfer_Encoding": "base64"},
        base64.b64encode(gzip_compress(b"hello world")),
    ),
]


@pytest.mark.parametrize(("headers", "data"), DECODINGS)
async def test_part_decode(headers: dict[str, str], data: bytes) -> None:
    part, _ = part_reader(data + b"\r\n--:", b"--:", **headers)
    assert await within(part.read(decode=True)) == b"hello world"
    assert part.decode(data) == b"hello world"
    pieces = [piece async for piece in part.decode_iter(data)]
    assert b"".join(pieces) == b"hello world"


@pytest.mark.skipif(not HAS_BROTLI, reason="needs Brotli")
async def test_part_decode_brotli() -> None:
    data = importlib.import_module("brotli").compress(b"hello world")
    part, _ = part_reader(data + b"\r\n--:", Content_Encoding="br")
    assert await within(part.read(decode=True)) == b"hello world"


async def test_part_decode_iter_is_bounded() -> None:
    data = zlib.compress(b"a" * 100_000)
    stream = make_stream()
    part = BodyPartReader(
        b"--:",
        part_headers(Content_Encoding="deflate"),
        stream,
        max_decompress_size=4096,
    )
    pieces = [piece async for piece in part.decode_iter(data)]
    assert all(len(piece) <= 4096 for piece in pieces)
    assert b"".join(pieces) == b"a" * 100_000
    assert part.decode(data) == b"a" * 100_000


async def test_part_form_data_ignores_content_encoding() -> None:
    # RFC 7578 section 4.8; the transfer encoding still applies.
    data = gzip_compress(b"x")
    stream = make_stream()
    part = BodyPartReader(
        b"--:",
        part_headers(Content_Encoding="gzip", Content_Transfer_Encoding="base64"),
        stream,
        subtype="form-data",
    )
    assert part.decode(base64.b64encode(data)) == data


async def test_part_decode_unknown() -> None:
    part, _ = part_reader(b"x\r\n--:", Content_Transfer_Encoding="uuencode")
    with pytest.raises(RuntimeError, match="unknown content transfer encoding: uu"):
        await within(part.read(decode=True))
    part, _ = part_reader(b"x\r\n--:", Content_Encoding="compress")
    with pytest.raises(RuntimeError, match="unknown content encoding: compress"):
        part.decode(b"x")


async def test_part_decode_corrupt() -> None:
    part, _ = part_reader(b"QUJ\r\n--:", Content_Transfer_Encoding="base64")
    with pytest.raises(binascii.Error):
        await within(part.read(decode=True))
    part, _ = part_reader(b"!!!notbase64\r\n--:", Content_Transfer_Encoding="base64")
    with pytest.raises(ValueError, match="base64"):
        await within(part.read(decode=True))
    part, _ = part_reader(b"not gzip\r\n--:", Content_Encoding="gzip")
    with pytest.raises(ContentEncodingError):
        await within(part.read(decode=True))


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 100])
async def test_part_read_chunk_base64_decodes_alone(size: int) -> None:
    encoded = b"QUJD\r\nREVG   \r\nR0hJ\r\nSks=\r\n"
    part, _ = part_reader(encoded + b"\r\n--:", Content_Transfer_Encoding="base64")
    decoded = []
    raw = []
    while chunk := await within(part.read_chunk(size)):
        raw.append(chunk)
        decoded.append(part.decode(chunk))
    assert b"".join(decoded) == b"ABCDEFGHIJK"
    # Only line breaks and blanks move: every character is there once.
    assert sorted(b"".join(raw)) == sorted(encoded)
    assert part.at_eof()


@pytest.mark.parametrize("size", [1, 2, 3, 5])
async def test_part_read_chunk_quoted_printable_decodes_alone(size: int) -> None:
    encoded = b"a=3Db=\r\nc=E9=\r\n"
    part, _ = part_reader(
        encoded + b"\r\n--:", Content_Transfer_Encoding="quoted-printable"
    )
    chunks = []
    while chunk := await within(part.read_chunk(size)):
        chunks.append(chunk)
    assert b"".join(chunks) == encoded
    assert b"".join(part.decode(chunk) for chunk in chunks) == b"a=bc\xe9"


async def test_part_read_chunk_base64_blanks_after_a_cut() -> None:
    part, _ = part_reader(b"QUJDRE \r\nVG\r\n--:", Content_Transfer_Encoding="base64")
    assert await within(part.read_chunk(8)) == b"QUJD \r"
    assert await within(part.read_chunk(8)) == b"RE\nVG"
    assert part.decode(b"QUJD \r") + part.decode(b"RE\nVG") == b"ABCDEF"


async def test_part_read_chunk_carry_at_the_end() -> None:
    # A malformed tail is handed out last, and fails to decode there.
    part, _ = part_reader(b"QUJDRA\r\n--:", Content_Transfer_Encoding="base64")
    assert await within(part.read_chunk(100)) == b"QUJD"
    assert not part.at_eof()
    assert await within(part.read_chunk(100)) == b"RA"
    assert part.at_eof()
    assert await within(part.read_chunk(100)) == b""


async def test_part_carry_goes_to_readline_and_read() -> None:
    part, _ = part_reader(b"QUJDRA\r\nxx\r\n--:", Content_Transfer_Encoding="base64")
    assert await within(part.read_chunk(6)) == b"QUJD"
    assert await within(part.readline()) == b"RA\r\n"
    part, _ = part_reader(b"QUJDRA\r\n--:", Content_Transfer_Encoding="base64")
    assert await within(part.read_chunk(6)) == b"QUJD"
    assert await within(part.read()) == b"RA"


# -- from_response ------------------------------------------------------------------


class FakeResponse:
    """What from_response() uses of a ClientResponse."""

    def __init__(self, body: bytes, *, async_release: bool) -> None:
        self.headers = CIMultiDictProxy(CIMultiDict(mp_headers()))
        self.content = make_stream()
        self.content.feed_data(body)
        self.content.feed_eof()
        self.released = 0
        self.async_release = async_release

    def release(self) -> Awaitable[None] | None:
        self.released += 1
        if self.async_release:
            return asyncio.sleep(0)
        return None


@pytest.mark.parametrize("async_release", [False, True])
async def test_from_response(async_release: bool) -> None:
    response = FakeResponse(
        b"--xx\r\n\r\na\r\n--xx\r\n\r\nb\r\n--xx--", async_release=async_release
    )
    wrapper = MultipartReader.from_response(response)
    assert isinstance(wrapper, MultipartResponseWrapper)
    assert not wrapper.at_eof()
    data = []
    async for part in wrapper:
        assert isinstance(part, BodyPartReader)
        data.append(await within(part.read()))
        assert response.released == 0
    assert data == [b"a", b"b"]
    assert wrapper.at_eof()
    assert response.released == 1


# -- BodyPartReaderPayload -----------------------------------------------------------


async def test_body_part_reader_payload() -> None:
    part, _ = part_reader(
        b"aGVsbG8=\r\n--:",
        Content_Type="text/plain",
        Content_Disposition='form-data; name="f"; filename="a.txt"',
        Content_Transfer_Encoding="base64",
    )
    payload = get_payload(part)
    assert isinstance(payload, BodyPartReaderPayload)
    assert payload.content_type == "text/plain"
    assert payload.headers[hdrs.CONTENT_DISPOSITION] == (
        'attachment; name="f"; filename="a.txt"'
    )
    with pytest.raises(TypeError, match="Unable to decode"):
        payload.decode()
    assert not payload.consumed
    assert await within(payload.as_bytes()) == b"hello"
    assert payload.consumed


async def test_body_part_reader_payload_decompresses() -> None:
    data = bytes(range(256)) * 400
    part, _ = part_reader(gzip_compress(data) + b"\r\n--:", Content_Encoding="gzip")
    payload = BodyPartReaderPayload(part)
    assert await within(payload.as_bytes()) == data


async def test_body_part_reader_payload_defaults() -> None:
    part, _ = part_reader(b"data\r\n--:")
    payload = BodyPartReaderPayload(part, content_type="application/x-thing")
    assert payload.content_type == "application/x-thing"
    assert hdrs.CONTENT_DISPOSITION not in payload.headers
    part, _ = part_reader(b"\r\n--:")
    payload = BodyPartReaderPayload(part)
    assert payload.content_type == "application/octet-stream"
    assert await within(payload.as_bytes()) == b""
