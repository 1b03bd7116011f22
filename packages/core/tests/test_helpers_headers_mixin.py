"""aiohttp.helpers.HeadersMixin: content_type, charset and content_length."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp.helpers import HeadersMixin


class Message(HeadersMixin):
    def __init__(self, headers: CIMultiDict[str] | CIMultiDictProxy[str]) -> None:
        self._headers = headers


def message(**headers: str) -> Message:
    return Message(CIMultiDict({k.replace("_", "-"): v for k, v in headers.items()}))


def test_defaults_without_headers() -> None:
    msg = message()
    assert msg.content_type == "application/octet-stream"
    assert msg.charset is None
    assert msg.content_length is None


@pytest.mark.parametrize(
    ("value", "content_type", "charset"),
    [
        ("text/plain", "text/plain", None),
        ("Text/HTML; Charset=UTF-8", "text/html", "UTF-8"),
        ('application/json; charset="utf-8"', "application/json", "utf-8"),
        ("multipart/form-data; boundary=x", "multipart/form-data", None),
        ("nonsense", "application/octet-stream", None),
        ("", "application/octet-stream", None),
    ],
)
def test_content_type_and_charset(
    value: str, content_type: str, charset: str | None
) -> None:
    msg = message(Content_Type=value)
    assert msg.content_type == content_type
    assert msg.charset == charset


def test_read_only_headers() -> None:
    msg = Message(CIMultiDictProxy(CIMultiDict({"content-type": "image/png"})))
    assert msg.content_type == "image/png"


def test_parsed_again_only_when_the_header_changes() -> None:
    headers: CIMultiDict[str] = CIMultiDict({"Content-Type": "text/plain"})
    msg = Message(headers)
    seen = [(msg.content_type, msg.charset)]
    cached = msg._parsed_content_type
    seen.append((msg.content_type, msg.charset))
    assert msg._parsed_content_type is cached
    headers["Content-Type"] = "text/html; charset=latin-1"
    seen.append((msg.content_type, msg.charset))
    del headers["Content-Type"]
    seen.append((msg.content_type, msg.charset))
    assert seen == [
        ("text/plain", None),
        ("text/plain", None),
        ("text/html", "latin-1"),
        ("application/octet-stream", None),
    ]


@pytest.mark.parametrize(("value", "length"), [("0", 0), ("42", 42), ("007", 7)])
def test_content_length(value: str, length: int) -> None:
    assert message(Content_Length=value).content_length == length


@pytest.mark.parametrize(
    "value", ["", "-1", "+1", " 1", "1.0", "0x10", "1_000", "\u0661", "abc"]
)
def test_invalid_content_length(value: str) -> None:
    with pytest.raises(ValueError, match="Invalid Content-Length header"):
        _ = message(Content_Length=value).content_length
