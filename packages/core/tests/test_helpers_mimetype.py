"""aiohttp.helpers: parse_mimetype and parse_content_type (RFC 9110 section 8.3.1)."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from multidict import MultiDict, MultiDictProxy

from aiohttp.helpers import MimeType, parse_content_type, parse_mimetype


def _mime(type_: str, subtype: str, suffix: str = "", **params: str) -> MimeType:
    return MimeType(type_, subtype, suffix, MultiDictProxy(MultiDict(params)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", _mime("", "")),
        ("*", _mime("*", "*")),
        ("*/*", _mime("*", "*")),
        ("text/plain", _mime("text", "plain")),
        ("TEXT/HTML", _mime("text", "html")),
        ("application/rss+xml", _mime("application", "rss", "xml")),
        ("Application/LD+JSON", _mime("application", "ld", "json")),
        ("text/html; charset=utf-8", _mime("text", "html", charset="utf-8")),
        ("text/html;charset=UTF-8", _mime("text", "html", charset="UTF-8")),
        ("text/html ; Charset = utf-8 ", _mime("text", "html", charset="utf-8")),
        ('text/html; charset="utf-8"', _mime("text", "html", charset="utf-8")),
        (
            "application/json; charset=utf-8; q=0.5",
            _mime("application", "json", charset="utf-8", q="0.5"),
        ),
        (
            "application/activity+json; charset=utf-8",
            _mime("application", "activity", "json", charset="utf-8"),
        ),
        (" text/plain ", _mime("text", "plain")),
        ("text", _mime("text", "")),
        ("text/plain;", _mime("text", "plain")),
        ("text/plain;;;", _mime("text", "plain")),
        ("text/plain; flag", _mime("text", "plain", flag="")),
        ("text/plain; =value", _mime("text", "plain")),
        ("text / plain", _mime("text", "plain")),
    ],
)
def test_parse_mimetype(raw: str, expected: MimeType) -> None:
    assert parse_mimetype(raw) == expected


def test_quoted_values_are_unquoted() -> None:
    # RFC 9110 section 5.6.4: a quoted-pair stands for the escaped octet,
    # and a ";" inside a quoted-string does not end the parameter.
    result = parse_mimetype(r'multipart/form-data; boundary="a;b \"c\\d"; x=1')
    assert result.parameters["boundary"] == 'a;b "c\\d'
    assert result.parameters["x"] == "1"


def test_unterminated_quote_is_kept() -> None:
    result = parse_mimetype('text/plain; a="b; c=d')
    assert result.parameters["a"] == '"b; c=d'


def test_lone_quote_is_kept() -> None:
    assert parse_mimetype('text/plain; a="').parameters["a"] == '"'


def test_escape_outside_quotes_is_ordinary() -> None:
    result = parse_mimetype(r"text/plain; a=b\; c=d")
    assert result.parameters["a"] == "b\\"
    assert result.parameters["c"] == "d"


def test_repeated_parameters_are_all_kept() -> None:
    result = parse_mimetype("text/plain; a=1; A=2")
    assert result.parameters.getall("a") == ["1", "2"]


def test_parameters_are_read_only() -> None:
    result = parse_mimetype("text/plain; a=1")
    assert isinstance(result.parameters, MultiDictProxy)
    with pytest.raises(TypeError):
        result.parameters["a"] = "2"  # type: ignore[index]


def test_mimetype_is_frozen() -> None:
    result = parse_mimetype("text/plain")
    with pytest.raises(AttributeError):
        result.type = "image"  # type: ignore[misc]


def test_parse_mimetype_is_cached() -> None:
    assert parse_mimetype("image/png; x=1") is parse_mimetype("image/png; x=1")


@pytest.mark.parametrize(
    ("raw", "content_type", "params"),
    [
        ("text/plain", "text/plain", {}),
        ("Text/HTML; Charset=UTF-8", "text/html", {"charset": "UTF-8"}),
        ('text/html; charset="utf-8"', "text/html", {"charset": "utf-8"}),
        ("application/hal+json", "application/hal+json", {}),
        ("text/plain; a=1; a=2", "text/plain", {"a": "1"}),
        ("", "application/octet-stream", {}),
        ("text", "application/octet-stream", {}),
        ("text/", "application/octet-stream", {}),
        ("/plain", "application/octet-stream", {}),
        ("text/plain/x", "application/octet-stream", {}),
        ("text /plain", "application/octet-stream", {}),
        ("te(xt/plain", "application/octet-stream", {}),
        ("bogus; charset=utf-8", "application/octet-stream", {"charset": "utf-8"}),
        ("text/pl\u00e4in", "application/octet-stream", {}),
    ],
)
def test_parse_content_type(
    raw: str, content_type: str, params: dict[str, str]
) -> None:
    result = parse_content_type(raw)
    assert result == (content_type, MappingProxyType(params))
    assert isinstance(result[1], MappingProxyType)
