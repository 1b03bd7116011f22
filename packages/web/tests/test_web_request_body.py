"""aiohttp.web_request: reading the body, its limits, forms and 100-continue.

Requests come from raw bytes through a real parser on a real connection
(``web_request_harness``); the client end of the connection shows what the
request wrote (``100 Continue``).
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import zlib
from typing import IO

import pytest
from multidict import CIMultiDict, MultiDictProxy
from web_request_harness import bounded, connection

from aiohttp._web_request_body import SPOOL_MAX_SIZE
from aiohttp.http_writer import StreamWriter
from aiohttp.multipart import BodyPartReader, MultipartReader
from aiohttp.web_exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from aiohttp.web_request import BaseRequest, FileField

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
BOUNDARY = "----aiotide-boundary"


def post_head(*headers: str, method: str = "POST", version: str = "1.1") -> bytes:
    lines = [f"{method} /form HTTP/{version}", "Host: example.com", *headers, "", ""]
    return "\r\n".join(lines).encode()


def with_body(body: bytes, *headers: str, method: str = "POST") -> bytes:
    return post_head(f"Content-Length: {len(body)}", *headers, method=method) + body


def chunked(*pieces: bytes, last: bool = True) -> bytes:
    out = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces)
    return out + (b"0\r\n\r\n" if last else b"")


def form_data(*parts: tuple[list[str], bytes], boundary: str = BOUNDARY) -> bytes:
    """A multipart/form-data body from (header lines, data) pairs."""
    out = b""
    for headers, data in parts:
        out += f"--{boundary}\r\n".encode()
        out += "".join(f"{line}\r\n" for line in headers).encode("utf-8")
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def field(name: str, value: bytes, *extra: str) -> tuple[list[str], bytes]:
    return ([f'Content-Disposition: form-data; name="{name}"', *extra], value)


def file_part(
    name: str, filename: str, data: bytes, *extra: str
) -> tuple[list[str], bytes]:
    disposition = (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
    )
    return ([disposition, *extra], data)


MULTIPART = f"Content-Type: multipart/form-data; boundary={BOUNDARY}"
URLENCODED = "Content-Type: application/x-www-form-urlencoded"


# -- read, text, json -------------------------------------------------------------------


async def test_read_returns_the_body_and_keeps_it() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"hello world"))
        assert await request.read() == b"hello world"
        assert await request.read() == b"hello world"
        assert request.can_read_body is False


async def test_read_of_a_body_arriving_later() -> None:
    async with connection() as conn:
        request = conn.request(post_head("Transfer-Encoding: chunked"))
        reader = asyncio.ensure_future(request.read())
        await asyncio.sleep(0)
        conn.feed(chunked(b"abc", last=False))
        conn.feed(chunked(b"def", b"ghi"))
        async with bounded():
            assert await reader == b"abcdefghi"


async def test_read_without_body() -> None:
    async with connection() as conn:
        request = conn.request(post_head("Content-Length: 0"))
        assert await request.read() == b""
        assert request.body_exists is False


async def test_text_decodes_with_the_charset() -> None:
    async with connection() as conn:
        body = "caf\u00e9".encode("latin-1")
        request = conn.request(
            with_body(body, "Content-Type: text/plain; charset=latin-1")
        )
        assert await request.text() == "caf\u00e9"


async def test_text_defaults_to_utf8() -> None:
    async with connection() as conn:
        request = conn.request(
            with_body("caf\u00e9".encode(), "Content-Type: text/plain")
        )
        assert await request.text() == "caf\u00e9"


async def test_text_with_bad_bytes_raises() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"\xff\xfe", "Content-Type: text/plain"))
        with pytest.raises(UnicodeDecodeError):
            await request.text()


async def test_json() -> None:
    async with connection() as conn:
        request = conn.request(
            with_body(b'{"a": [1, 2]}', "Content-Type: application/json")
        )
        assert await request.json() == {"a": [1, 2]}
        # Stored: a second call reads nothing.
        assert await request.json() == {"a": [1, 2]}


async def test_json_custom_loads() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"[1]"))
        assert await request.json(loads=lambda text: ("loaded", text)) == (
            "loaded",
            "[1]",
        )


async def test_json_does_not_check_the_content_type_by_default() -> None:
    # aiohttp 3.x behaviour.
    async with connection() as conn:
        request = conn.request(with_body(b'"x"', "Content-Type: text/plain"))
        assert await request.json() == "x"


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/vnd.api+json"],
)
async def test_json_content_type_check_passes(content_type: str) -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"1", f"Content-Type: {content_type}"))
        assert await request.json(content_type="application/json") == 1


@pytest.mark.parametrize("header", ["Content-Type: text/plain", "X-None: 1"])
async def test_json_content_type_check_fails_before_reading(header: str) -> None:
    async with connection() as conn:
        request = conn.request(post_head("Content-Length: 1", header))
        with pytest.raises(HTTPBadRequest) as info:
            await request.json(content_type="application/json")
        assert info.value.status == 400
        assert "unexpected mimetype" in (info.value.text or "")
        assert request.can_read_body is True


async def test_json_content_type_check_of_another_type() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"1", "Content-Type: text/x-json"))
        assert await request.json(content_type="text/x-json") == 1
        request = conn.request(with_body(b"1", "Content-Type: application/json"))
        with pytest.raises(HTTPBadRequest):
            await request.json(content_type="text/x-json")


async def test_json_invalid_raises_value_error() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"{nope"))
        with pytest.raises(json.JSONDecodeError):
            await request.json()


# -- client_max_size ---------------------------------------------------------------------


async def test_body_of_exactly_the_limit_is_accepted() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"x" * 10), client_max_size=10)
        assert await request.read() == b"x" * 10


async def test_declared_length_over_the_limit_is_refused_without_reading() -> None:
    async with connection() as conn:
        # The body never comes: the refusal must not wait for it.
        request = conn.request(post_head("Content-Length: 11"), client_max_size=10)
        async with bounded():
            with pytest.raises(HTTPRequestEntityTooLarge) as info:
                await request.read()
        assert info.value.status == 413
        assert info.value.text == (
            "Maximum request body size 10 exceeded, actual body size 11"
        )


async def test_received_bytes_over_the_limit_are_refused_at_once() -> None:
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked"), client_max_size=100
        )
        reader = asyncio.ensure_future(request.read())
        conn.feed(chunked(b"a" * 60, last=False))
        await asyncio.sleep(0)
        assert not reader.done()
        # Past the limit: refused now, without waiting for the body's end.
        conn.feed(chunked(b"b" * 60, last=False))
        async with bounded():
            with pytest.raises(HTTPRequestEntityTooLarge) as info:
                await reader
        assert info.value.text == (
            "Maximum request body size 100 exceeded, actual body size 120"
        )


async def test_refused_after_the_first_chunk_past_the_limit() -> None:
    piece = 2**16  # what one socket read delivers at most (read_bufsize)
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked") + b"40000\r\n", client_max_size=1000
        )
        for _ in range(4):
            conn.feed(b"z" * piece)
        with pytest.raises(HTTPRequestEntityTooLarge) as info:
            await request.read()
        # One chunk was taken from the stream, the rest left alone.
        assert info.value.text == (
            f"Maximum request body size 1000 exceeded, actual body size {piece}"
        )
        assert request.content.total_bytes == 4 * piece
        assert len(await request.content.read(4 * piece)) == 3 * piece


async def test_compressed_body_counts_its_decompressed_bytes() -> None:
    body = gzip.compress(b"\0" * 200_000)
    assert len(body) < 1000
    async with connection() as conn:
        request = conn.request(
            with_body(body, "Content-Encoding: gzip"), client_max_size=1000
        )
        with pytest.raises(HTTPRequestEntityTooLarge):
            await request.read()


async def test_compressed_body_under_the_limit_is_decompressed() -> None:
    body = zlib.compress(b"data" * 100)
    async with connection() as conn:
        request = conn.request(with_body(body, "Content-Encoding: deflate"))
        assert await request.read() == b"data" * 100


async def test_zero_limit_means_no_limit() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"x" * 100_000), client_max_size=0)
        assert len(await request.read()) == 100_000


async def test_clone_with_an_unparsable_content_length_reads_what_comes() -> None:
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked") + chunked(b"abc")
        )
        clone = request.clone(
            headers={"Content-Length": "many", "Expect": "100-continue"}
        )
        with pytest.raises(ValueError, match="Invalid Content-Length"):
            clone.content_length  # noqa: B018
        assert await clone.read() == b"abc"


async def test_clone_with_a_larger_limit() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"x" * 20), client_max_size=10)
        assert len(await request.clone(client_max_size=100).read()) == 20


# -- post(): urlencoded -----------------------------------------------------------------------


async def test_post_urlencoded() -> None:
    body = b"a=1&b=two+words&a=%C3%A9&empty=&flag\n"
    async with connection() as conn:
        request = conn.request(with_body(body, URLENCODED))
        form = await request.post()
        assert isinstance(form, MultiDictProxy)
        assert list(form.items()) == [
            ("a", "1"),
            ("b", "two words"),
            ("a", "\u00e9"),
            ("empty", ""),
            ("flag", ""),
        ]
        assert await request.post() is form


async def test_post_urlencoded_with_a_charset() -> None:
    body = b"name=caf%E9"
    async with connection() as conn:
        request = conn.request(
            with_body(
                body, "Content-Type: application/x-www-form-urlencoded; charset=latin-1"
            )
        )
        assert dict(await request.post()) == {"name": "caf\u00e9"}


async def test_post_urlencoded_over_the_limit() -> None:
    async with connection() as conn:
        request = conn.request(
            with_body(b"a=" + b"x" * 100, URLENCODED), client_max_size=50
        )
        with pytest.raises(HTTPRequestEntityTooLarge):
            await request.post()


async def test_post_urlencoded_empty_body() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"", URLENCODED))
        assert len(await request.post()) == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
async def test_post_reads_forms_of_these_methods(method: str) -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"a=1", URLENCODED, method=method))
        assert dict(await request.post()) == {"a": "1"}


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "CUSTOM"])
async def test_post_of_other_methods_is_empty(method: str) -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"a=1", URLENCODED, method=method))
        form = await request.post()
        assert len(form) == 0
        assert request.can_read_body is True


@pytest.mark.parametrize(
    "headers", [("Content-Type: application/json",), ("Content-Type: text/plain",), ()]
)
async def test_post_of_other_content_types_is_empty(headers: tuple[str, ...]) -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"a=1", *headers))
        assert len(await request.post()) == 0


# -- post(): multipart/form-data ------------------------------------------------------------


async def test_post_multipart_fields_and_files() -> None:
    body = form_data(
        field("text", "caf\u00e9".encode()),
        field("text", b"second"),
        field(
            "latin",
            "caf\u00e9".encode("latin-1"),
            "Content-Type: text/plain; charset=latin-1",
        ),
        field("blob", b"\x00\x01", "Content-Type: application/octet-stream"),
        file_part("upload", "a.txt", b"file data", "Content-Type: text/plain"),
        file_part("raw", "b.bin", b"\xff" * 10),
    )
    async with connection() as conn:
        request = conn.request(with_body(body, MULTIPART))
        form = await request.post()
        assert form.getall("text") == ["caf\u00e9", "second"]
        assert form["latin"] == "caf\u00e9"
        assert form["blob"] == b"\x00\x01"
        upload = form["upload"]
        assert isinstance(upload, FileField)
        assert upload.name == "upload"
        assert upload.filename == "a.txt"
        assert upload.content_type == "text/plain"
        assert upload.headers["Content-Type"] == "text/plain"
        assert upload.file.read() == b"file data"
        raw = form["raw"]
        assert isinstance(raw, FileField)
        assert raw.content_type == "application/octet-stream"
        assert raw.file.read() == b"\xff" * 10
        assert await request.post() is form
        request._finish()
        assert upload.file.closed
        assert raw.file.closed


async def test_post_multipart_charset_field_sets_the_default() -> None:
    # RFC 7578 section 4.6: _charset_ names the charset of the text fields.
    body = form_data(
        field("_charset_", b"iso-8859-1"),
        field("name", "caf\u00e9".encode("latin-1")),
        field("own", "caf\u00e9".encode(), "Content-Type: text/plain; charset=utf-8"),
    )
    async with connection() as conn:
        request = conn.request(with_body(body, MULTIPART))
        form = await request.post()
        assert dict(form) == {"name": "caf\u00e9", "own": "caf\u00e9"}


async def test_post_multipart_transfer_encoded_file() -> None:
    body = form_data(
        file_part(
            "f", "x.bin", b"aGVsbG8gd29y\r\nbGQ=", "Content-Transfer-Encoding: base64"
        )
    )
    async with connection() as conn:
        request = conn.request(with_body(body, MULTIPART))
        upload = (await request.post())["f"]
        assert isinstance(upload, FileField)
        assert upload.file.read() == b"hello world"
        request._finish()


async def test_small_upload_stays_in_memory_big_one_goes_to_disk() -> None:
    small = b"s" * 1000
    big = bytes(range(256)) * (SPOOL_MAX_SIZE // 256 * 2 + 1)
    body = form_data(file_part("small", "s", small), file_part("big", "b", big))
    async with connection() as conn:
        request = conn.request(
            with_body(body, MULTIPART), client_max_size=len(body) + 1
        )
        form = await request.post()
        small_field, big_field = form["small"], form["big"]
        assert isinstance(small_field, FileField)
        assert isinstance(big_field, FileField)
        assert small_field.file._rolled is False  # type: ignore[attr-defined]
        assert big_field.file._rolled is True  # type: ignore[attr-defined]
        assert not isinstance(big_field.file._file, io.BytesIO)  # type: ignore[attr-defined]
        assert big_field.file.read() == big
        assert small_field.file.read() == small
        request._finish()
        assert big_field.file.closed
        assert small_field.file.closed


async def test_post_multipart_over_the_limit_closes_its_files() -> None:
    body = form_data(file_part("a", "a", b"a" * 3000), file_part("b", "b", b"b" * 3000))
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked", MULTIPART), client_max_size=4000
        )
        files: list[IO[bytes]] = []
        track = request._track_temp_file

        def spy(file: IO[bytes]) -> None:
            files.append(file)
            track(file)

        # Through __dict__: in debug mode, setattr would warn about it.
        vars(request)["_track_temp_file"] = spy
        poster = asyncio.ensure_future(request.post())
        conn.feed(chunked(body[:3200], last=False))
        async with bounded():
            while not files:  # noqa: ASYNC110 - waiting for the first upload
                await asyncio.sleep(0)
        conn.feed(chunked(body[3200:]))
        async with bounded():
            with pytest.raises(HTTPRequestEntityTooLarge) as info:
                await poster
        assert info.value.status == 413
        assert all(file.closed for file in files)
        request._finish()


async def test_post_multipart_streamed_over_the_limit() -> None:
    body = form_data(file_part("a", "a", b"a" * 5000))
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked", MULTIPART), client_max_size=1000
        )
        poster = asyncio.ensure_future(request.post())
        conn.feed(chunked(body[:900], last=False))
        await asyncio.sleep(0)
        assert not poster.done()
        conn.feed(chunked(body[900:2000], last=False))
        async with bounded():
            with pytest.raises(HTTPRequestEntityTooLarge):
                await poster


async def test_post_multipart_part_without_a_name() -> None:
    body = form_data((["Content-Disposition: form-data"], b"x"))
    async with connection() as conn:
        request = conn.request(with_body(body, MULTIPART))
        with pytest.raises(HTTPBadRequest):
            await request.post()


async def test_post_nested_multipart_needs_a_custom_reader() -> None:
    inner = form_data(field("x", b"1"), boundary="inner")
    body = form_data(
        (
            [
                'Content-Disposition: form-data; name="n"',
                "Content-Type: multipart/mixed; boundary=inner",
            ],
            inner,
        )
    )
    async with connection() as conn:
        request = conn.request(with_body(body, MULTIPART))
        with pytest.raises(ValueError, match="nested multipart"):
            await request.post()


async def test_post_empty_multipart_form() -> None:
    async with connection() as conn:
        request = conn.request(with_body(form_data(), MULTIPART))
        assert len(await request.post()) == 0


# -- multipart() --------------------------------------------------------------------------------


async def test_multipart_reader_walks_the_parts() -> None:
    body = form_data(field("a", b"1"), file_part("f", "f.txt", b"data"))
    async with connection() as conn:
        request = conn.request(with_body(body, MULTIPART))
        reader = await request.multipart()
        assert isinstance(reader, MultipartReader)
        first = await reader.next()
        assert isinstance(first, BodyPartReader)
        assert first.name == "a"
        assert await first.read() == b"1"
        second = await reader.next()
        assert isinstance(second, BodyPartReader)
        assert second.filename == "f.txt"
        assert await second.read() == b"data"
        assert await reader.next() is None


async def test_multipart_streams_past_client_max_size_as_aiohttp_does() -> None:
    # multipart() is how handlers stream large uploads: the limit is theirs.
    body = form_data(file_part("f", "f", b"x" * 5000))
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked", MULTIPART) + chunked(body),
            client_max_size=1000,
        )
        reader = await request.multipart()
        sizes = []
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            sizes.append(len(await part.read()))
        assert sizes == [5000]


async def test_post_refuses_a_declared_multipart_length_over_the_limit() -> None:
    async with connection() as conn:
        request = conn.request(
            post_head("Content-Length: 5000", MULTIPART), client_max_size=100
        )
        with pytest.raises(HTTPRequestEntityTooLarge):
            await request.post()


async def test_post_refuses_a_streamed_multipart_body_over_the_limit() -> None:
    body = form_data(file_part("f", "f", b"x" * 5000))
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked", MULTIPART) + chunked(body),
            client_max_size=1000,
        )
        with pytest.raises(HTTPRequestEntityTooLarge) as info:
            await request.post()
        assert info.value.status == 413


async def test_multipart_of_another_content_type() -> None:
    async with connection() as conn:
        request = conn.request(with_body(b"x", "Content-Type: text/plain"))
        with pytest.raises(ValueError, match="multipart"):
            await request.multipart()


# -- body state and release -----------------------------------------------------------------


async def test_body_flags() -> None:
    async with connection() as conn:
        get = conn.request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        assert get.body_exists is False
        assert get.can_read_body is False
        post = conn.request(with_body(b"abc"))
        assert post.body_exists is True
        assert post.can_read_body is True
        with pytest.warns(DeprecationWarning, match="can_read_body"):
            assert post.has_body is True
        await post.read()
        assert post.body_exists is True
        assert post.can_read_body is False


async def test_release_drops_the_rest_of_the_body() -> None:
    async with connection() as conn:
        request = conn.request(
            post_head("Transfer-Encoding: chunked") + chunked(b"a", b"b")
        )
        await request.release()
        assert request.can_read_body is False
        assert await request.content.read() == b""


# -- 100-continue ----------------------------------------------------------------------------


def continue_sent(request: BaseRequest) -> bool:
    """Whether a 100 Continue went out (a call, so checks are not narrowed)."""
    return request._continue_sent


def expecting(length: int = 5, *extra: str, version: str = "1.1") -> bytes:
    return post_head(
        f"Content-Length: {length}", "Expect: 100-continue", *extra, version=version
    )


async def test_continue_is_sent_when_the_body_is_first_read() -> None:
    async with connection() as conn:
        request = conn.request(expecting())
        assert await conn.nothing_received()
        assert not continue_sent(request)
        reader = asyncio.ensure_future(request.read())
        assert await conn.received() == CONTINUE
        assert continue_sent(request)
        conn.feed(b"hello")
        async with bounded():
            assert await reader == b"hello"
        assert await conn.nothing_received()


async def test_continue_is_sent_once() -> None:
    async with connection() as conn:
        request = conn.request(expecting(3, URLENCODED))
        request.content  # noqa: B018
        request.content  # noqa: B018
        clone = request.clone()
        clone.content  # noqa: B018
        assert await conn.received() == CONTINUE
        conn.feed(b"a=1")
        assert dict(await request.post()) == {"a": "1"}
        await request.text()
        assert await conn.nothing_received()
        assert continue_sent(clone)


async def test_continue_sent_by_a_clone_counts_for_the_original() -> None:
    async with connection() as conn:
        request = conn.request(expecting())
        clone = request.clone(headers={"Expect": "100-continue", "Content-Length": "5"})
        clone.content  # noqa: B018
        assert await conn.received() == CONTINUE
        assert continue_sent(request)
        request.content  # noqa: B018
        assert await conn.nothing_received()


@pytest.mark.parametrize(
    "access",
    ["content", "read", "text", "json", "post", "multipart"],
)
async def test_every_body_access_sends_continue(access: str) -> None:
    async with connection() as conn:
        request = conn.request(expecting(2, MULTIPART))
        if access == "content":
            request.content  # noqa: B018
            assert await conn.received() == CONTINUE
            return
        task = asyncio.ensure_future(getattr(request, access)())
        assert await conn.received() == CONTINUE
        conn.feed(b"ab")
        async with bounded():
            # What the two bytes mean (or fail to) does not matter here.
            await asyncio.gather(task, return_exceptions=True)


async def test_continue_expectation_is_case_insensitive() -> None:
    async with connection() as conn:
        request = conn.request(post_head("Content-Length: 1", "Expect: 100-Continue"))
        request.content  # noqa: B018
        assert await conn.received() == CONTINUE


async def test_no_continue_without_the_expectation() -> None:
    async with connection() as conn:
        request = conn.request(post_head("Content-Length: 1", "Expect: something-else"))
        request.content  # noqa: B018
        assert await conn.nothing_received()
        assert not continue_sent(request)


async def test_no_continue_for_http10() -> None:
    # RFC 9110 section 10.1.1: a 1.0 client cannot understand it.
    async with connection() as conn:
        request = conn.request(expecting(version="1.0"))
        request.content  # noqa: B018
        assert await conn.nothing_received()


async def test_no_continue_when_the_declared_body_is_too_large() -> None:
    async with connection() as conn:
        request = conn.request(expecting(5000), client_max_size=100)
        request.content  # noqa: B018
        with pytest.raises(HTTPRequestEntityTooLarge):
            await request.read()
        assert await conn.nothing_received()
        assert not continue_sent(request)


async def test_no_continue_when_the_body_is_already_here() -> None:
    async with connection() as conn:
        request = conn.request(expecting(5) + b"hello")
        assert await request.read() == b"hello"
        assert await conn.nothing_received()


async def test_no_continue_once_the_response_has_started() -> None:
    async with connection() as conn:
        request = conn.request(expecting())
        writer = request._payload_writer
        assert isinstance(writer, StreamWriter)
        await writer.write_headers(
            "HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "2"})
        )
        await writer.write(b"ok")
        assert (
            await conn.received() == b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        )
        request.content  # noqa: B018
        assert await conn.nothing_received()
        assert not continue_sent(request)


async def test_no_continue_on_a_closing_connection() -> None:
    async with connection() as conn:
        request = conn.request(expecting())
        conn.transport.close()
        request.content  # noqa: B018
        assert not continue_sent(request)


async def test_no_continue_when_the_body_is_never_asked_for() -> None:
    async with connection() as conn:
        request = conn.request(expecting())
        request.method, request.headers, request.path  # noqa: B018
        request._finish()
        assert await conn.nothing_received()
        assert not continue_sent(request)
