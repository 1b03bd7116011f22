"""aiohttp.formdata.FormData: urlencoded and multipart/form-data bodies."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from multidict import MultiDict, MultiDictProxy
from test_multipart import fed, read_all

from aiohttp import hdrs
from aiohttp.formdata import FormData
from aiohttp.multipart import MultipartReader, MultipartWriter
from aiohttp.payload import BytesPayload

SOURCE = Path(__file__).read_bytes()
BYTES_WARNING = "passing bytes will no longer create a file field"


async def test_urlencoded() -> None:
    form = FormData({"key1": "value1", "key2": "é x"})
    assert not form.is_multipart
    payload = form()
    assert isinstance(payload, BytesPayload)
    assert payload.content_type == "application/x-www-form-urlencoded"
    assert await payload.as_bytes() == b"key1=value1&key2=%C3%A9+x"
    assert payload.size == 25
    # A fresh payload each time.
    assert form() is not payload


async def test_urlencoded_charset() -> None:
    payload = FormData([("a", "é")], charset="latin-1")()
    assert payload.headers[hdrs.CONTENT_TYPE] == (
        "application/x-www-form-urlencoded; charset=latin-1"
    )
    assert await payload.as_bytes() == b"a=%E9"


async def test_urlencoded_values() -> None:
    form = FormData([("n", 1), ("l", ["a", "b"]), ("o", None)])
    assert await form().as_bytes() == b"n=1&l=a&l=b&o=None"


async def test_empty() -> None:
    assert await FormData()().as_bytes() == b""
    writer = FormData(default_to_multipart=True)()
    assert isinstance(writer, MultipartWriter)
    assert len(writer) == 0


async def test_multipart_by_default() -> None:
    form = FormData({"a": "1", "b": "é"}, default_to_multipart=True)
    assert form.is_multipart
    writer = form()
    assert isinstance(writer, MultipartWriter)
    assert writer.content_type is not None
    assert writer.content_type.startswith("multipart/form-data; boundary=")
    body = await writer.as_bytes()
    assert b"Content-Length" not in body
    async with fed(body) as stream:
        parts = await read_all(MultipartReader(writer.headers, stream))
    assert parts == [
        (
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Disposition", 'form-data; name="a"'),
            ],
            b"1",
        ),
        (
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Disposition", 'form-data; name="b"'),
            ],
            "é".encode(),
        ),
    ]


@pytest.mark.parametrize(
    ("kwargs", "value"),
    [
        ({"filename": "f.txt"}, "text"),
        ({"content_type": "text/csv"}, "a,b"),
        ({}, io.BytesIO(b"io")),
        ({}, io.StringIO("io")),
    ],
)
def test_what_makes_it_multipart(kwargs: dict[str, str], value: object) -> None:
    form = FormData({"plain": "x"})
    assert not form.is_multipart
    form.add_field("field", value, **kwargs)
    assert form.is_multipart


async def test_files() -> None:
    form = FormData()
    form.add_field("text", "é")
    form.add_field("upload", io.BytesIO(b"data"), filename="report.xls")
    form.add_field(
        "typed",
        io.BytesIO(b"x"),
        filename="a.bin",
        content_type="application/vnd.ms-excel",
    )
    form.add_field("csv", "a,b", content_type="text/csv; charset=latin-1")
    writer = form()
    async with fed(await writer.as_bytes(), "bytewise") as stream:
        reader = MultipartReader(writer.headers, stream)
        found = []
        async for part in reader:
            assert not isinstance(part, MultipartReader)
            found.append(
                (
                    part.name,
                    part.filename,
                    part.headers[hdrs.CONTENT_TYPE],
                    bytes(await part.read()),
                )
            )
    assert found == [
        ("text", None, "text/plain; charset=utf-8", "é".encode()),
        ("upload", "report.xls", "application/octet-stream", b"data"),
        ("typed", "a.bin", "application/vnd.ms-excel", b"x"),
        ("csv", None, "text/csv; charset=latin-1", b"a,b"),
    ]


async def test_quickstart_files_dict() -> None:
    # The client quickstart's "POST a Multipart-Encoded File": data={"file": f}.
    with open(__file__, "rb") as file:  # noqa: ASYNC230 - a local test file
        form = FormData({"file": file})
        assert form.is_multipart
        writer = form()
        async with fed(await writer.as_bytes()) as stream:
            parts = await read_all(MultipartReader(writer.headers, stream))
    ((headers, data),) = parts
    assert dict(headers)[hdrs.CONTENT_DISPOSITION] == (
        f'form-data; name="file"; filename="{Path(__file__).name}"'
    )
    assert data == SOURCE


async def test_file_object_name() -> None:
    form = FormData()
    with open(__file__, "rb") as file:  # noqa: ASYNC230 - a local test file
        form.add_field("source", file)
        writer = form()
        body = await writer.as_bytes()
    assert f'name="source"; filename="{Path(__file__).name}"'.encode() in body
    assert SOURCE in body


async def test_charset_for_text_parts() -> None:
    form = FormData(charset="latin-1", default_to_multipart=True)
    form.add_field("a", "é")
    body = await form().as_bytes()
    assert b"Content-Type: text/plain; charset=latin-1\r\n" in body
    assert b"\r\n\r\n\xe9\r\n" in body


@pytest.mark.parametrize(
    ("quote_fields", "disposition"),
    [
        (True, 'form-data; name="a b\\"c"; filename="f\\\\x.txt"'),
        (False, 'form-data; name="a b\\"c"; filename="f\\\\x.txt"'),
    ],
)
async def test_quote_fields(quote_fields: bool, disposition: str) -> None:
    form = FormData(quote_fields=quote_fields)
    form.add_field('a b"c', io.BytesIO(b""), filename="f\\x.txt")
    body = await form().as_bytes()
    assert f"Content-Disposition: {disposition}\r\n".encode() in body


async def test_quote_fields_non_ascii() -> None:
    quoted = FormData(quote_fields=True)
    quoted.add_field("é", io.BytesIO(b""), filename="é.txt")
    assert b"name*=utf-8''%C3%A9" in await quoted().as_bytes()
    raw = FormData(quote_fields=False)
    raw.add_field("é", io.BytesIO(b""), filename="é.txt")
    assert 'name="é"; filename="é.txt"'.encode() in await raw().as_bytes()


async def test_bytes_value_is_a_deprecated_file() -> None:
    form = FormData()
    with pytest.warns(DeprecationWarning, match=BYTES_WARNING):
        form.add_field("blob", b"\x00\x01")
    assert form.is_multipart
    body = await form().as_bytes()
    assert b'form-data; name="blob"; filename="blob"\r\n' in body
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FormData().add_field("blob", b"x", filename="named.bin")


async def test_content_transfer_encoding_is_deprecated() -> None:
    form = FormData()
    with pytest.warns(DeprecationWarning, match="content_transfer_encoding"):
        form.add_field("blob", b"xyz", content_transfer_encoding="base64")
    assert form.is_multipart
    body = await form().as_bytes()
    # RFC 7578 section 4.7: form-data parts have no transfer encoding.
    assert b"Content-Transfer-Encoding" not in body
    assert b"\r\n\r\nxyz\r\n" in body


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": 1}, "name must be an instance of str"),
        ({"content_type": 1}, "content_type must be an instance of str"),
        ({"filename": 1}, "filename must be an instance of str"),
        ({"content_transfer_encoding": 1}, "content_transfer_encoding must be"),
    ],
)
def test_add_field_type_errors(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"name": "a", "value": "x", **kwargs}
    with pytest.raises(TypeError, match=message):
        FormData().add_field(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("argument", ["name", "filename", "content_type"])
@pytest.mark.parametrize("text", ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"])
def test_add_field_refuses_line_breaks(argument: str, text: str) -> None:
    arguments = {"name": "a", "value": "x", argument: text}
    with pytest.raises(ValueError, match="Forbidden control character"):
        FormData().add_field(**arguments)


async def test_add_fields() -> None:
    form = FormData()
    form.add_fields(
        ("a", "1"),
        MultiDict([("b", "2"), ("b", "3")]),
        MultiDictProxy(MultiDict(c="4")),
        {"d": "5"},
        [("e", "6")][0],
        ["f", "7"],
    )
    assert not form.is_multipart
    assert await form().as_bytes() == b"a=1&b=2&b=3&c=4&d=5&e=6&f=7"


async def test_add_fields_file_objects() -> None:
    form = FormData()
    anonymous = io.BytesIO(b"anon")
    form.add_fields(anonymous)
    with open(__file__, "rb") as file:  # noqa: ASYNC230 - a local test file
        form.add_fields(file)
        body = await form().as_bytes()
    assert b'form-data; name="unknown"; filename="unknown"\r\n' in body
    name = Path(__file__).name
    assert f'form-data; name="{name}"; filename="{name}"\r\n'.encode() in body


@pytest.mark.parametrize("field", [1, ("a",), ("a", "b", "c"), "ab"])
def test_add_fields_type_errors(field: object) -> None:
    with pytest.raises(TypeError, match=r"Only io\.IOBase, multidict and"):
        FormData().add_fields(field)


def test_fields_argument_forms() -> None:
    assert FormData([("a", "1")])._fields[0][0]["name"] == "a"
    assert FormData((("a", "1"),))._fields[0][2] == "1"
    assert FormData(MultiDict(a="1"))._fields[0][2] == "1"
    file = io.BytesIO(b"x")
    assert FormData(file).is_multipart


async def test_unserializable_value() -> None:
    form = FormData(default_to_multipart=True)
    form.add_field("a", object())
    with pytest.raises(TypeError, match="Can not serialize value type"):
        form()


async def test_multipart_is_made_once() -> None:
    form = FormData()
    file = io.BytesIO(b"data")
    form.add_field("f", file, filename="x.txt")
    writer = form()
    assert isinstance(writer, MultipartWriter)
    assert form() is writer
    first = await writer.as_bytes()
    assert await writer.as_bytes() == first
    assert len(writer) == 1
    form.add_field("late", "field")
    assert form() is writer
    assert len(writer) == 2
