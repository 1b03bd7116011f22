"""StreamResponse, Response and json_response: what they hold before sending.

Nothing here touches a socket; what goes on the wire is in
test_web_response_wire.py and the other test_web_response_* modules.
"""

from __future__ import annotations

import datetime
import json
import warnings
from http.cookies import SimpleCookie
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp import hdrs, web_response
from aiohttp.helpers import ETag
from aiohttp.payload import BytesPayload, StringPayload
from aiohttp.web_response import (
    ContentCoding,
    Response,
    ResponseKey,
    StreamResponse,
    json_response,
)

# --- the module ------------------------------------------------------------------


def test_exports() -> None:
    assert web_response.__all__ == (
        "ContentCoding",
        "StreamResponse",
        "Response",
        "json_response",
    )


def test_content_codings_have_aiohttp_values() -> None:
    assert [(c.name, c.value) for c in ContentCoding] == [
        ("deflate", "deflate"),
        ("gzip", "gzip"),
        ("identity", "identity"),
        ("br", "br"),
        ("zstd", "zstd"),
    ]
    assert ContentCoding("gzip") is ContentCoding.gzip


# --- status and reason -------------------------------------------------------------


def test_defaults() -> None:
    resp = StreamResponse()
    assert resp.status == 200
    assert resp.reason == "OK"
    assert not resp.prepared
    assert resp.task is None
    assert resp.keep_alive is None
    assert resp.body_length == 0
    assert not resp.chunked
    assert not resp.compression
    assert isinstance(resp.headers, CIMultiDict)
    assert not isinstance(resp.headers, CIMultiDictProxy)
    assert len(resp.headers) == 0
    assert resp.content_length is None
    assert resp.content_type == "application/octet-stream"
    assert resp.charset is None
    assert resp.last_modified is None
    assert resp.etag is None


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (200, "OK"),
        (201, "Created"),
        (204, "No Content"),
        (304, "Not Modified"),
        (404, "Not Found"),
        (418, "I'm a Teapot"),
        (500, "Internal Server Error"),
        (599, ""),  # no standard phrase
        (999, ""),
        (100, "Continue"),
    ],
)
def test_reason_comes_from_the_status(status: int, reason: str) -> None:
    assert StreamResponse(status=status).reason == reason


def test_custom_reason() -> None:
    resp = StreamResponse(status=200, reason="Fine\tThanks")
    assert resp.reason == "Fine\tThanks"


def test_set_status() -> None:
    resp = StreamResponse()
    resp.set_status(404)
    assert (resp.status, resp.reason) == (404, "Not Found")
    resp.set_status(404, "Nowhere")
    assert (resp.status, resp.reason) == (404, "Nowhere")
    resp.set_status(200)
    assert resp.reason == "OK"


@pytest.mark.parametrize("status", [0, 99, 1000, -1, 12345])
def test_status_out_of_range_is_refused(status: int) -> None:
    with pytest.raises(ValueError, match="100-999"):
        StreamResponse(status=status)
    with pytest.raises(ValueError, match="100-999"):
        StreamResponse().set_status(status)


@pytest.mark.parametrize(
    "reason", ["bad\r\nX-Injected: 1", "bad\nreason", "bad\rreason", "nul\x00"]
)
def test_reason_with_control_characters_is_refused(reason: str) -> None:
    with pytest.raises(ValueError, match="Control character"):
        StreamResponse(reason=reason)
    resp = StreamResponse()
    with pytest.raises(ValueError, match="Control character"):
        resp.set_status(200, reason)
    assert resp.reason == "OK"  # unchanged


def test_force_close() -> None:
    resp = StreamResponse()
    resp.force_close()
    assert resp.keep_alive is False


# --- headers ------------------------------------------------------------------------


def test_headers_argument_is_copied() -> None:
    given = {"X-A": "1"}
    resp = StreamResponse(headers=given)
    resp.headers["X-B"] = "2"
    assert given == {"X-A": "1"}
    assert resp.headers["x-a"] == "1"
    assert StreamResponse(headers=[("X-A", "1"), ("X-A", "2")]).headers.getall(
        "X-A"
    ) == ["1", "2"]


def test_content_length_setter() -> None:
    resp = StreamResponse()
    resp.content_length = 42
    assert resp.headers["Content-Length"] == "42"
    assert resp.content_length == 42
    resp.content_length = None
    assert "Content-Length" not in resp.headers
    assert resp.content_length is None
    resp.content_length = None  # removing twice is fine


def test_negative_content_length_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        StreamResponse().content_length = -1


def test_content_length_and_chunked_exclude_each_other() -> None:
    resp = StreamResponse()
    resp.enable_chunked_encoding()
    assert resp.chunked
    with pytest.raises(RuntimeError, match="chunked"):
        resp.content_length = 10
    resp = StreamResponse()
    resp.content_length = 10
    with pytest.raises(RuntimeError, match="content length"):
        resp.enable_chunked_encoding()
    assert not resp.chunked


def test_chunk_size_is_deprecated() -> None:
    resp = StreamResponse()
    with pytest.warns(DeprecationWarning, match="Chunk size"):
        resp.enable_chunked_encoding(chunk_size=100)
    assert resp.chunked


def test_content_type_setter() -> None:
    resp = StreamResponse()
    resp.content_type = "text/html"
    assert resp.headers["Content-Type"] == "text/html"
    assert resp.content_type == "text/html"
    resp.charset = "UTF-8"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.charset == "utf-8"
    # A new type keeps the parameters.
    resp.content_type = "text/plain"
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    resp.charset = None
    assert resp.headers["Content-Type"] == "text/plain"
    assert resp.charset is None


def test_content_type_setter_keeps_header_parameters() -> None:
    resp = StreamResponse(headers={"Content-Type": 'multipart/mixed; boundary="a b"'})
    assert resp.content_type == "multipart/mixed"
    resp.content_type = "multipart/related"
    assert resp.headers["Content-Type"] == 'multipart/related; boundary="a b"'


def test_charset_needs_a_content_type() -> None:
    with pytest.raises(RuntimeError, match="application/octet-stream"):
        StreamResponse().charset = "utf-8"


@pytest.mark.parametrize("value", ["text/html\r\nX-Injected: 1", "text/\nhtml"])
def test_content_type_with_control_characters_is_refused(value: str) -> None:
    resp = StreamResponse()
    with pytest.raises(ValueError, match="Control character"):
        resp.content_type = value
    assert "Content-Type" not in resp.headers


def test_charset_with_control_characters_is_refused() -> None:
    resp = StreamResponse()
    resp.content_type = "text/plain"
    with pytest.raises(ValueError, match="Control character"):
        resp.charset = "utf-8\r\nX-Injected: 1"
    assert resp.headers["Content-Type"] == "text/plain"


def test_last_modified_from_each_type() -> None:
    resp = StreamResponse()
    expected = datetime.datetime(2024, 2, 29, 12, 30, 5, tzinfo=datetime.timezone.utc)
    resp.last_modified = expected.timestamp()
    assert resp.headers["Last-Modified"] == "Thu, 29 Feb 2024 12:30:05 GMT"
    assert resp.last_modified == expected
    resp.last_modified = int(expected.timestamp())
    assert resp.last_modified == expected
    # A fraction of a second rounds up.
    resp.last_modified = expected.timestamp() + 0.25
    assert resp.headers["Last-Modified"] == "Thu, 29 Feb 2024 12:30:06 GMT"
    resp.last_modified = expected
    assert resp.headers["Last-Modified"] == "Thu, 29 Feb 2024 12:30:05 GMT"
    # A naive datetime is taken as UTC.
    resp.last_modified = expected.replace(tzinfo=None)
    assert resp.last_modified == expected
    # An aware one in another zone is converted.
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    resp.last_modified = expected.astimezone(plus_two)
    assert resp.headers["Last-Modified"] == "Thu, 29 Feb 2024 12:30:05 GMT"
    resp.last_modified = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert resp.last_modified == datetime.datetime(
        2001, 1, 1, tzinfo=datetime.timezone.utc
    )
    resp.last_modified = None
    assert "Last-Modified" not in resp.headers
    assert resp.last_modified is None


def test_last_modified_invalid() -> None:
    resp = StreamResponse()
    resp.last_modified = "not a date"
    assert resp.last_modified is None
    with pytest.raises(TypeError, match="Unsupported type for last_modified"):
        resp.last_modified = [1]  # type: ignore[assignment]
    with pytest.raises(ValueError, match="Control character"):
        resp.last_modified = "Mon, 01 Jan 2001 00:00:00 GMT\r\nX: y"


def test_etag() -> None:
    resp = StreamResponse()
    resp.etag = "abc"
    assert resp.headers["ETag"] == '"abc"'
    assert resp.etag == ETag(value="abc", is_weak=False)
    resp.etag = ETag(value="xyz", is_weak=True)
    assert resp.headers["ETag"] == 'W/"xyz"'
    assert resp.etag == ETag(value="xyz", is_weak=True)
    resp.etag = ETag(value="strong")
    assert resp.headers["ETag"] == '"strong"'
    resp.etag = "*"
    assert resp.headers["ETag"] == "*"
    assert resp.etag == ETag(value="*")
    resp.etag = ETag(value="*", is_weak=True)
    assert resp.headers["ETag"] == "*"
    resp.etag = ""
    assert resp.headers["ETag"] == '""'
    assert resp.etag == ETag(value="")
    resp.etag = None
    assert "ETag" not in resp.headers
    assert resp.etag is None


@pytest.mark.parametrize("value", ['a"b', "a\r\nb", "with space", "\x00"])
def test_invalid_etag_is_refused(value: str) -> None:
    resp = StreamResponse()
    with pytest.raises(ValueError, match="is not a valid etag"):
        resp.etag = value
    with pytest.raises(ValueError, match="is not a valid etag"):
        resp.etag = ETag(value=value)
    assert "ETag" not in resp.headers


def test_etag_of_another_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported etag type"):
        StreamResponse().etag = 123  # type: ignore[assignment]


def test_malformed_etag_header_reads_as_none() -> None:
    resp = StreamResponse(headers={"ETag": "unquoted"})
    assert resp.etag is None


# --- compression settings -------------------------------------------------------------


def test_enable_compression() -> None:
    resp = StreamResponse()
    resp.enable_compression()
    assert resp.compression
    resp = StreamResponse()
    resp.enable_compression(ContentCoding.gzip, strategy=1)
    assert resp.compression


def test_boolean_force_is_deprecated() -> None:
    resp = StreamResponse()
    with pytest.warns(DeprecationWarning, match="boolean for force"):
        resp.enable_compression(True)
    assert resp.compression


def test_force_must_be_a_content_coding() -> None:
    with pytest.raises(TypeError, match="ContentCoding"):
        StreamResponse().enable_compression("gzip")  # type: ignore[arg-type]


def test_forcing_a_missing_codec_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(web_response._INSTALLED, ContentCoding.br, False)
    monkeypatch.setattr("aiohttp.compression_utils._brotli", None)
    with pytest.raises(RuntimeError, match="pip install Brotli"):
        StreamResponse().enable_compression(ContentCoding.br)


# --- dict-like storage ------------------------------------------------------------------


def test_mapping_storage() -> None:
    resp = StreamResponse()
    assert len(resp) == 0
    resp["key"] = "value"
    assert resp["key"] == "value"
    assert "key" in resp
    assert list(resp) == ["key"]
    assert resp.get("key") == "value"
    assert resp.get("missing") is None
    assert resp.get("missing", 1) == 1
    del resp["key"]
    assert len(resp) == 0
    with pytest.raises(KeyError):
        resp["key"]


def test_response_keys() -> None:
    counter = ResponseKey("counter", int)
    other = ResponseKey("counter", int)
    resp = StreamResponse()
    resp[counter] = 1
    resp["counter"] = "a string key is different"
    assert resp[counter] == 1
    assert other not in resp  # keys compare by identity
    assert resp.get(other) is None
    assert resp.get(counter, 0) == 1
    assert len(resp) == 2
    assert "ResponseKey" in repr(counter)
    assert "counter" in repr(counter)


def test_response_is_true_and_compared_by_identity() -> None:
    a, b = StreamResponse(), StreamResponse()
    assert a
    assert len(a) == 0
    assert a != b
    assert a == a  # noqa: PLR0124 - identity is the point
    assert len({a, b, a}) == 2
    a["x"] = 1
    b["x"] = 1
    assert a != b


def test_repr_before_prepare() -> None:
    assert repr(StreamResponse()) == "<StreamResponse OK not prepared>"
    assert repr(Response(status=404)) == "<Response Not Found not prepared>"


# --- cookies (details in test_web_response_cookies.py) ----------------------------


def test_cookies_is_a_simple_cookie() -> None:
    resp = StreamResponse()
    assert isinstance(resp.cookies, SimpleCookie)
    assert resp.cookies is resp.cookies
    assert len(resp.cookies) == 0


# --- Response -------------------------------------------------------------------------


def test_response_defaults() -> None:
    resp = Response()
    assert resp.body is None
    assert resp.text is None
    assert resp.content_length == 0
    assert resp.status == 200
    assert "Content-Type" not in resp.headers


def test_response_text() -> None:
    resp = Response(text="héllo")
    assert resp.text == "héllo"
    assert resp.body == "héllo".encode()
    assert resp.content_type == "text/plain"
    assert resp.charset == "utf-8"
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert resp.content_length == len("héllo".encode())


def test_response_text_with_content_type_and_charset() -> None:
    resp = Response(text="héllo", content_type="text/html", charset="latin-1")
    assert resp.headers["Content-Type"] == "text/html; charset=latin-1"
    assert resp.body == "héllo".encode("latin-1")
    assert resp.text == "héllo"


def test_response_text_with_a_content_type_header() -> None:
    resp = Response(text="hi", headers={"Content-Type": "text/html"})
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.body == b"hi"
    resp = Response(text="hi", headers={"Content-Type": "text/html; charset=koi8-r"})
    assert resp.charset == "koi8-r"
    assert resp.body == b"hi"


def test_response_body() -> None:
    resp = Response(body=b"data")
    assert resp.body == b"data"
    assert resp.content_length == 4
    assert "Content-Type" not in resp.headers  # the default comes at prepare()
    resp = Response(body=bytearray(b"abc"), content_type="application/x-thing")
    assert resp.body == bytearray(b"abc")
    assert resp.headers["Content-Type"] == "application/x-thing"
    resp = Response(body=b"x", content_type="text/csv", charset="utf-8")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_response_body_setter_recalculates_the_length() -> None:
    resp = Response(body=b"12345")
    resp.body = b"12"
    assert resp.content_length == 2
    resp.body = None
    assert resp.content_length == 0
    assert resp.body is None


def test_response_text_setter() -> None:
    resp = Response()
    resp.text = "abc"
    assert resp.body == b"abc"
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    resp = Response(content_type="text/html")
    resp.text = "<p>"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    resp.text = None
    assert resp.body is None
    with pytest.raises(TypeError, match="must be str"):
        resp.text = b"bytes"  # type: ignore[assignment]


def test_response_text_decodes_with_the_charset() -> None:
    resp = Response(body="añb".encode("latin-1"), content_type="text/plain")
    resp.charset = "latin-1"
    assert resp.text == "añb"


def test_response_body_payloads() -> None:
    resp = Response(body="a string body")
    assert isinstance(resp.body, StringPayload)
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert resp.text == "a string body"
    assert resp.content_length is None  # from the payload at prepare()
    payload = BytesPayload(b"xyz", content_type="image/png", headers={"X-P": "1"})
    resp = Response(body=payload)
    assert resp.body is payload
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["X-P"] == "1"
    # The response's own headers win over the payload's.
    resp = Response(body=payload, headers={"X-P": "mine", "Content-Type": "a/b"})
    assert resp.headers["X-P"] == "mine"
    assert resp.headers["Content-Type"] == "a/b"
    assert Response(body=memoryview(b"mv")).content_length is None


def test_response_unsupported_body() -> None:
    with pytest.raises(ValueError, match="Unsupported body type"):
        Response(body=object())


def test_response_content_length_is_automatic() -> None:
    resp = Response(body=b"abc")
    with pytest.raises(RuntimeError, match="set automatically"):
        resp.content_length = 1
    resp = Response(body=b"abc", headers={"Content-Length": "10"})
    assert resp.content_length == 10  # an explicit header wins
    resp = Response(body=b"abc")
    resp.enable_chunked_encoding()
    assert resp.content_length is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": b"a", "text": "b"}, "body and text are not allowed together"),
        (
            {"text": "a", "content_type": "text/plain; charset=utf-8"},
            "charset must not be in content_type",
        ),
        (
            {"text": "a", "headers": {"Content-Type": "a/b"}, "content_type": "c/d"},
            "passing both Content-Type header",
        ),
        (
            {"body": b"a", "headers": {"Content-Type": "a/b"}, "charset": "utf-8"},
            "passing both Content-Type header",
        ),
        ({"text": "a", "content_type": "text/html\r\nX: y"}, "Control character"),
        ({"text": "a", "charset": "utf-8\r\nX: y"}, "Control character"),
    ],
)
def test_response_argument_conflicts(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Response(**kwargs)


def test_response_text_must_be_str() -> None:
    with pytest.raises(TypeError, match="text argument must be str"):
        Response(text=b"bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize("content_type", [None, "text/html", "application/x-made-up"])
def test_a_repeated_text_response_is_made_as_the_first(
    content_type: str | None,
) -> None:
    # The first response of a kind leaves its headers as a template for the next.
    first = Response(text="héllo", content_type=content_type)
    first.headers["X-Mine"] = "1"  # changing one response changes no other
    first.content_type = "image/png"
    second = Response(text="wörld", content_type=content_type, status=201)
    expected = f"{content_type or 'text/plain'}; charset=utf-8"
    assert dict(second.headers) == {"Content-Type": expected}
    assert (second.body, second.text, second.status) == (
        "wörld".encode(),
        "wörld",
        201,
    )
    assert second.headers is not Response(text="x", content_type=content_type).headers


def test_a_text_response_after_a_templated_one_still_honours_its_arguments() -> None:
    Response(text="x")
    Response(text="x", content_type="text/html")
    with pytest.raises(TypeError, match="text argument must be str"):
        Response(text=b"bytes")  # type: ignore[arg-type]
    latin = Response(text="é", content_type="text/html", charset="latin-1")
    assert (latin.headers["Content-Type"], latin.body) == (
        "text/html; charset=latin-1",
        b"\xe9",
    )
    given = Response(text="é", headers={"X-A": "1"})
    assert dict(given.headers) == {
        "X-A": "1",
        "Content-Type": "text/plain; charset=utf-8",
    }
    header = Response(text="é", headers={"Content-Type": "text/csv; charset=latin-1"})
    assert header.body == b"\xe9"


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("text/plain; charset=utf-8", "charset must not be in content_type"),
        ("text/html\r\nX-Evil: 1", "Control character"),
    ],
)
def test_a_refused_content_type_is_refused_every_time(
    content_type: str, message: str
) -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match=message):
            Response(text="x", content_type=content_type)


def test_text_response_templates_stay_bounded() -> None:
    for n in range(web_response._CHECKED_CONTENT_TYPES_MAX + 50):
        assert Response(text="x", content_type=f"text/x-{n}").content_type == (
            f"text/x-{n}"
        )
    assert (
        len(web_response._TEXT_HEADERS) <= web_response._CHECKED_CONTENT_TYPES_MAX + 1
    )


def test_response_status_and_reason() -> None:
    resp = Response(status=201, reason="Made", text="x")
    assert (resp.status, resp.reason) == (201, "Made")


# --- json_response -------------------------------------------------------------------------


def test_json_response() -> None:
    resp = json_response({"a": [1, 2]})
    assert isinstance(resp, Response)
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(resp.text or "") == {"a": [1, 2]}
    assert resp.status == 200


def test_json_response_options() -> None:
    resp = json_response(
        [1],
        status=202,
        reason="Queued",
        headers={"X-A": "1"},
        content_type="application/vnd.api+json",
        dumps=lambda data: json.dumps(data, indent=2),
    )
    assert (resp.status, resp.reason) == (202, "Queued")
    assert resp.headers["X-A"] == "1"
    assert resp.content_type == "application/vnd.api+json"
    assert resp.text == "[\n  1\n]"


def test_json_response_from_text_or_body() -> None:
    assert json_response(text='{"x": 1}').body == b'{"x": 1}'
    resp = json_response(body=b'{"y": 2}')
    assert resp.body == b'{"y": 2}'
    assert resp.content_type == "application/json"
    assert json_response(None).text == "null"  # None is data, not "missing"


def test_json_response_data_and_text_conflict() -> None:
    with pytest.raises(ValueError, match="only one of data, text, or body"):
        json_response({}, text="{}")
    with pytest.raises(ValueError, match="only one of data, text, or body"):
        json_response({}, body=b"{}")


def test_json_response_without_anything_is_empty() -> None:
    resp = json_response()
    assert resp.body is None
    assert resp.content_type == "application/json"


def test_no_warnings_on_the_common_paths() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resp = Response(text="x")
        resp.set_cookie("a", "b")
        resp.enable_compression()
        resp.headers[hdrs.CACHE_CONTROL] = "no-store"
