"""aiohttp.helpers: ETag, ETAG_ANY, the entity-tag regexes and validate_etag_value.

RFC 9110 section 8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/";
opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text.
"""

from __future__ import annotations

import dataclasses

import pytest

from aiohttp.helpers import (
    ETAG_ANY,
    LIST_QUOTED_ETAG_RE,
    QUOTED_ETAG_RE,
    ETag,
    validate_etag_value,
)


def test_etag() -> None:
    assert ETag("abc") == ETag(value="abc", is_weak=False)
    assert ETag("abc", is_weak=True).is_weak
    assert ETag("abc") != ETag("abc", is_weak=True)
    assert hash(ETag("abc")) == hash(ETag("abc"))
    assert repr(ETag("abc")) == "ETag(value='abc', is_weak=False)"


def test_etag_is_frozen() -> None:
    etag = ETag("abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        etag.value = "other"  # type: ignore[misc]


def test_etag_any() -> None:
    assert ETAG_ANY == "*"


@pytest.mark.parametrize(
    ("text", "weak", "value"),
    [
        ('"xyzzy"', None, "xyzzy"),
        ('W/"xyzzy"', "W/", "xyzzy"),
        ('""', None, ""),
        ('"a!#~\x80\xff"', None, "a!#~\x80\xff"),
    ],
)
def test_quoted_etag_re(text: str, weak: str | None, value: str) -> None:
    match = QUOTED_ETAG_RE.fullmatch(text)
    assert match is not None
    assert match.group(1, 2, 3) == (text, weak, value)
    assert match.group("tag", "weak", "value") == (text, weak, value)


@pytest.mark.parametrize(
    "text",
    ["xyzzy", '"xy"zy"', 'w/"xyzzy"', '"xy zzy"', '"\x7f"', '"\u0100"', '"a'],
)
def test_quoted_etag_re_rejects(text: str) -> None:
    # The weak prefix is case-sensitive (%s"W/").
    assert QUOTED_ETAG_RE.fullmatch(text) is None


def _scan(header: str) -> list[ETag | str]:
    """Read an If-None-Match list the way a server should, stopping at garbage."""
    result: list[ETag | str] = []
    for match in LIST_QUOTED_ETAG_RE.finditer(header):
        weak, value, garbage = match.group(2, 3, 4)
        if garbage:
            result.append(f"garbage {garbage!r}")
            break
        result.append(ETag(value, is_weak=bool(weak)))
    return result


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"xyzzy"', [ETag("xyzzy")]),
        (
            '"xyzzy", "r2d2xxxx", "c3piozzzz"',
            [ETag("xyzzy"), ETag("r2d2xxxx"), ETag("c3piozzzz")],
        ),
        ('W/"a",W/"b" ,\t"c"', [ETag("a", True), ETag("b", True), ETag("c")]),
        ('"a", "b" ', [ETag("a"), ETag("b")]),
        ('"a,b"', [ETag("a,b")]),
        # A tag must be followed by a comma or the end: "a" is not taken.
        ('"a" "b"', ["garbage '\"'"]),
        ('"a", "b" "c"', [ETag("a"), "garbage '\"'"]),
        ('"a", b', [ETag("a"), "garbage 'b'"]),
        ("*", ["garbage '*'"]),
        ("", []),
    ],
)
def test_list_quoted_etag_re(header: str, expected: list[ETag | str]) -> None:
    assert _scan(header) == expected


@pytest.mark.parametrize("value", ["", "xyzzy", "*", "a/b", "W/x", "\x80\xff", "!~"])
def test_validate_etag_value(value: str) -> None:
    validate_etag_value(value)


@pytest.mark.parametrize(
    "value", ['a"b', "a b", "tab\t", "\x7f", "\u0100", "new\nline"]
)
def test_validate_etag_value_rejects(value: str) -> None:
    with pytest.raises(ValueError, match="is not a valid etag"):
        validate_etag_value(value)
