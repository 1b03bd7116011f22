"""aiohttp.helpers: quoted_string, content_disposition_header, guess_filename.

Every header built here is checked against the grammar of RFC 6266 section
4.1 and RFC 8187 section 3.2, then read back.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from aiohttp.helpers import (
    TOKEN,
    content_disposition_header,
    guess_filename,
    quoted_string,
)

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED_STRING = r'"(?:[\t \x21\x23-\x5b\x5d-\x7e]|\\[\t \x21-\x7e])*"'
_ATTR_CHAR = r"[A-Za-z0-9!#$&+\-.^_`|~]"
_EXT_VALUE = (
    rf"(?P<charset>{_TOKEN})'(?:{_TOKEN})?'(?P<chars>(?:%[0-9A-F]{{2}}|{_ATTR_CHAR})*)"
)
_PARAM_RE = re.compile(
    rf";[ \t]*(?:(?P<ext_name>{_TOKEN})\*=(?P<ext_value>{_EXT_VALUE})"
    rf"|(?P<name>{_TOKEN})=(?P<value>{_TOKEN}|{_QUOTED_STRING}))[ \t]*"
)


def read_header(header: str) -> tuple[str, list[tuple[str, str]]]:
    """Parse a Content-Disposition value strictly; return type and parameters.

    ``filename*``-style parameters come back with their trailing ``*`` and
    their value decoded.
    """
    match = re.match(rf"({_TOKEN})[ \t]*", header)
    assert match, header
    disptype, position, params = match[1], match.end(), []
    while position < len(header):
        param = _PARAM_RE.match(header, position)
        assert param, f"{header!r} is invalid at {position}"
        position = param.end()
        if param["ext_name"]:
            text = unquote(param["chars"], encoding=param["charset"], errors="strict")
            params.append((param["ext_name"] + "*", text))
        else:
            value = param["value"]
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            params.append((param["name"], value))
    return disptype, params


def test_read_header_rejects_invalid_values() -> None:
    with pytest.raises(AssertionError):
        read_header('attachment; filename="a"b"')
    with pytest.raises(AssertionError):
        read_header("")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ""),
        ("plain", "plain"),
        ("with space\tand tab", "with space\tand tab"),
        ('say "hi"', 'say \\"hi\\"'),
        ("back\\slash", "back\\\\slash"),
        ("(),/:;<=>?@[]{}", "(),/:;<=>?@[]{}"),
    ],
)
def test_quoted_string(content: str, expected: str) -> None:
    assert quoted_string(content) == expected
    assert re.fullmatch(_QUOTED_STRING, f'"{expected}"')


@pytest.mark.parametrize(
    "content", ["new\nline", "cr\r", "nul\x00", "del\x7f", "caf\u00e9"]
)
def test_quoted_string_rejects(content: str) -> None:
    with pytest.raises(ValueError, match="bad content for quoted-string"):
        quoted_string(content)


def test_disptype_only() -> None:
    assert content_disposition_header("attachment") == "attachment"
    assert content_disposition_header("form-data") == "form-data"


@pytest.mark.parametrize("disptype", ["", "attach ment", "inline;", 'a"b', "caf\u00e9"])
def test_disptype_must_be_a_token(disptype: str) -> None:
    with pytest.raises(ValueError, match="bad content disposition type"):
        content_disposition_header(disptype)


@pytest.mark.parametrize("name", ["", "file name", "a;b", "n\u00e4me"])
def test_parameter_name_must_be_a_token(name: str) -> None:
    params: dict[str, Any] = {name: "x"}
    with pytest.raises(ValueError, match="bad content disposition parameter"):
        content_disposition_header("attachment", **params)


def test_token_values_are_quoted_too() -> None:
    header = content_disposition_header("form-data", name="field", filename="a.txt")
    assert header == 'form-data; name="field"; filename="a.txt"'
    assert read_header(header) == (
        "form-data",
        [("name", "field"), ("filename", "a.txt")],
    )


@pytest.mark.parametrize("quote_fields", [True, False])
def test_ascii_value_is_quoted(quote_fields: bool) -> None:
    header = content_disposition_header(
        "attachment", quote_fields, filename='my "report" v1.pdf', title="a\\b"
    )
    assert header == ('attachment; filename="my \\"report\\" v1.pdf"; title="a\\\\b"')
    assert read_header(header)[1] == [
        ("filename", 'my "report" v1.pdf'),
        ("title", "a\\b"),
    ]


def test_empty_value_is_quoted() -> None:
    header = content_disposition_header("form-data", name="")
    assert header == 'form-data; name=""'
    assert read_header(header)[1] == [("name", "")]


@pytest.mark.parametrize(
    "filename",
    [
        "\u20ac rates.txt",  # RFC 6266 section 5's example
        "R\u00e9sum\u00e9.pdf",
        "\u0444\u0430\u0439\u043b.txt",
        "\U0001f600 emoji.png",
        "\u65e5\u672c\u8a9e",
        'caf\u00e9 "quote" 100%.txt',
        "tab\tand\nnewline",
    ],
)
def test_non_ascii_filename(filename: str) -> None:
    header = content_disposition_header("attachment", filename=filename)
    disptype, params = read_header(header)
    assert disptype == "attachment"
    # RFC 6266 appendix D: filename first, then filename*.
    assert [name for name, _ in params] == ["filename", "filename*"]
    fallback, extended = params[0][1], params[1][1]
    assert extended == filename
    assert fallback.isascii()
    assert fallback
    assert "filename*=utf-8''" in header


def test_filename_fallback_keeps_what_ascii_can_say() -> None:
    header = content_disposition_header(
        "attachment", filename="R\u00e9sum\u00e9 \u20ac.pdf"
    )
    assert header == (
        'attachment; filename="Resume _.pdf"; '
        "filename*=utf-8''R%C3%A9sum%C3%A9%20%E2%82%AC.pdf"
    )


def test_a_token_fallback_is_quoted_too() -> None:
    header = content_disposition_header("attachment", filename="\u00e9t\u00e9.txt")
    assert (
        header == "attachment; filename=\"ete.txt\"; filename*=utf-8''%C3%A9t%C3%A9.txt"
    )


def test_attr_chars_are_not_percent_encoded() -> None:
    value = "\u00e9!#$&+-.^_`|~"
    header = content_disposition_header("inline", title=value)
    assert header == "inline; title*=utf-8''%C3%A9!#$&+-.^_`|~"
    assert read_header(header)[1] == [("title*", value)]


def test_non_ascii_other_parameter_has_no_fallback() -> None:
    header = content_disposition_header("form-data", name="\u043f\u043e\u043b\u0435")
    assert header == "form-data; name*=utf-8''%D0%BF%D0%BE%D0%BB%D0%B5"
    assert read_header(header)[1] == [("name*", "\u043f\u043e\u043b\u0435")]


def test_control_characters_are_percent_encoded() -> None:
    header = content_disposition_header("inline", title="a\r\nb")
    assert header == "inline; title*=utf-8''a%0D%0Ab"
    assert "\r" not in header
    assert "\n" not in header


def test_charset() -> None:
    header = content_disposition_header(
        "attachment", _charset="iso-8859-1", filename="caf\u00e9.txt"
    )
    assert (
        header == "attachment; filename=\"cafe.txt\"; filename*=iso-8859-1''caf%E9.txt"
    )
    assert read_header(header)[1][1] == ("filename*", "caf\u00e9.txt")


def test_without_quote_fields_text_is_only_escaped() -> None:
    # The form browsers send in multipart/form-data (RFC 7578 section 4.2).
    header = content_disposition_header(
        "form-data", False, name="\u043f\u043e\u043b\u0435", filename='\u0444"\\.txt'
    )
    assert header == (
        'form-data; name="\u043f\u043e\u043b\u0435"; filename="\u0444\\"\\\\.txt"'
    )


def test_without_quote_fields_tab_is_allowed() -> None:
    header = content_disposition_header("form-data", False, name="a\tb")
    assert header == 'form-data; name="a\tb"'


@pytest.mark.parametrize("value", ["a\r\nb", "a\nb", "nul\x00"])
def test_without_quote_fields_controls_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="bad content disposition parameter"):
        content_disposition_header("form-data", False, name=value)


def test_token_set_matches_rfc_9110_tchar() -> None:
    assert re.fullmatch(_TOKEN, "".join(sorted(TOKEN)))


class _Named:
    def __init__(self, name: object) -> None:
        self.name = name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("/tmp/dir/report.pdf", "report.pdf"),
        ("report.pdf", "report.pdf"),
        ("dir/sub/", "sub"),
        ("<stdin>", None),
        ("<fdopen>", None),
        ("", None),
        (3, None),
        (b"/tmp/x.bin", None),
        (None, None),
    ],
)
def test_guess_filename(name: object, expected: str | None) -> None:
    assert guess_filename(_Named(name)) == expected


def test_guess_filename_any_bracket_is_a_pseudo_name() -> None:
    assert guess_filename(_Named("<a")) is None
    assert guess_filename(_Named("a>")) is None
    assert guess_filename(_Named("a<b>c")) == "a<b>c"


def test_guess_filename_default() -> None:
    assert guess_filename(object(), "default") == "default"
    assert guess_filename(_Named("<stdin>"), "default") == "default"
    assert guess_filename(object()) is None


def test_guess_filename_real_file(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"x")
    with path.open("rb") as file:
        assert guess_filename(file) == "data.bin"
    assert guess_filename(io.BytesIO(b"x"), "fallback") == "fallback"
