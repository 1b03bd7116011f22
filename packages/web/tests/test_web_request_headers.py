"""aiohttp._web_request_headers: Cookie, Range and entity-tag list parsing."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from aiohttp._etag import ETag
from aiohttp._web_request_headers import (
    parse_cookie_header,
    parse_etag_list,
    parse_range,
)

# -- Cookie ---------------------------------------------------------------------


def test_cookie_pairs() -> None:
    assert parse_cookie_header("a=1; b=2;c=3") == {"a": "1", "b": "2", "c": "3"}


def test_cookie_blanks_around_names_and_values_are_dropped() -> None:
    assert parse_cookie_header("  a = 1 ;\tb=\t2\t") == {"a": "1", "b": "2"}


def test_cookie_empty_value() -> None:
    assert parse_cookie_header("a=; b=2") == {"a": "", "b": "2"}


def test_cookie_value_may_contain_equals_signs() -> None:
    assert parse_cookie_header("token=abc==; x=a=b") == {"token": "abc==", "x": "a=b"}


def test_cookie_quoted_value_is_unquoted() -> None:
    assert parse_cookie_header('a="hello world"; b=""') == {"a": "hello world", "b": ""}


def test_cookie_lone_quote_is_kept() -> None:
    assert parse_cookie_header('a="; b=x"') == {"a": '"', "b": 'x"'}


def test_cookie_round_trips_python_quoting() -> None:
    # What a response's SimpleCookie sends comes back as it was set.
    jar: SimpleCookie = SimpleCookie()
    value = 'semi;colon, comma "quote" back\\slash \u00e9'
    jar["x"] = value
    header_value = jar["x"].OutputString()
    assert parse_cookie_header(header_value) == {"x": value}


@pytest.mark.parametrize(
    "header",
    [
        "noequals",
        "=novalue",
        " = x",
        "a b=1",
        'a"b=1',
        "a,b=1",
        "a\\b=1",
        "a\x01=1",
    ],
)
def test_cookie_unusable_pairs_are_skipped(header: str) -> None:
    assert parse_cookie_header(f"{header}; ok=1") == {"ok": "1"}


def test_cookie_lenient_names_are_kept() -> None:
    # Not tokens, but browsers send them and SimpleCookie used to drop the
    # whole header over them.
    assert parse_cookie_header("{json}=1; a[b]=2; ok=3") == {
        "{json}": "1",
        "a[b]": "2",
        "ok": "3",
    }


def test_cookie_last_value_of_a_name_wins() -> None:
    assert parse_cookie_header("a=1; a=2") == {"a": "2"}


@pytest.mark.parametrize("header", ["", ";", ";;;", " ", "=", "==;=="])
def test_cookie_empty_or_garbage_header(header: str) -> None:
    assert parse_cookie_header(header) == {}


def test_cookie_non_ascii_value_is_kept() -> None:
    assert parse_cookie_header("name=\u00e9t\u00e9") == {"name": "\u00e9t\u00e9"}


# -- Range ------------------------------------------------------------------------


def test_no_range_is_everything() -> None:
    assert parse_range(None) == slice(None, None, 1)
    assert b"0123456789"[parse_range(None)] == b"0123456789"


@pytest.mark.parametrize(
    ("header", "expected", "selected"),
    [
        ("bytes=0-0", slice(0, 1, 1), b"0"),
        ("bytes=2-5", slice(2, 6, 1), b"2345"),
        ("bytes=5-", slice(5, None, 1), b"56789"),
        ("bytes=-3", slice(-3, None, 1), b"789"),
        ("bytes=0-", slice(0, None, 1), b"0123456789"),
        ("bytes=3-3", slice(3, 4, 1), b"3"),
        ("bytes=8-100", slice(8, 101, 1), b"89"),
    ],
)
def test_range_forms(header: str, expected: slice, selected: bytes) -> None:
    rng = parse_range(header)
    assert rng == expected
    assert b"0123456789"[rng] == selected


@pytest.mark.parametrize(
    "header",
    [
        "",
        "bytes=",
        "bytes=-",
        "bytes=5-2",
        "bytes=-0",
        "bytes=a-b",
        "bytes=1-2,4-5",
        "bytes=1-2, 4-5",
        "bytes = 1-2",
        "bytes=1 -2",
        "items=1-2",
        "Bytes=1-2",
        "bytes=+1-2",
        "bytes=1-+2",
        "bytes=\u0661-\u0662",  # Arabic-Indic digits are not DIGIT
        "bytes=1-2\n",
    ],
)
def test_range_invalid_raises_value_error(header: str) -> None:
    with pytest.raises(ValueError, match=r"range|suffix|start"):
        parse_range(header)


# -- entity-tag lists ---------------------------------------------------------------


@pytest.mark.parametrize("header", [None, ""])
def test_etag_list_absent(header: str | None) -> None:
    assert parse_etag_list(header) is None


def test_etag_any() -> None:
    assert parse_etag_list("*") == (ETag(value="*", is_weak=False),)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"abc"', (ETag("abc"),)),
        ('W/"abc"', (ETag("abc", is_weak=True),)),
        ('""', (ETag(""),)),
        (
            '"a", W/"b" ,"c",\tW/"d"',
            (ETag("a"), ETag("b", is_weak=True), ETag("c"), ETag("d", is_weak=True)),
        ),
        ('"a,b"', (ETag("a,b"),)),
        ('"*"', (ETag("*"),)),
    ],
)
def test_etag_lists(header: str, expected: tuple[ETag, ...]) -> None:
    assert parse_etag_list(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"a", garbage, "b"', (ETag("a"),)),
        ("abc", ()),
        ('w/"a"', ()),
        ('"a" "b"', ()),
        ('"a", *', (ETag("a"),)),
        ('"unterminated', ()),
    ],
)
def test_etag_list_stops_at_garbage(header: str, expected: tuple[ETag, ...]) -> None:
    assert parse_etag_list(header) == expected
