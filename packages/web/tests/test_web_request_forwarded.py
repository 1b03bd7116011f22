"""aiohttp._web_forwarded: RFC 7239 Forwarded headers, and garbage in them."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from aiohttp._web_forwarded import parse_forwarded


def parse(*values: str) -> list[dict[str, str]]:
    """The parsed elements as plain dicts, for comparisons."""
    return [dict(element) for element in parse_forwarded(values)]


def test_one_element() -> None:
    assert parse("for=192.0.2.60;proto=http;by=203.0.113.43") == [
        {"for": "192.0.2.60", "proto": "http", "by": "203.0.113.43"}
    ]


def test_elements_are_read_only_mappings() -> None:
    parsed = parse_forwarded(["for=a"])
    assert isinstance(parsed, tuple)
    (element,) = parsed
    assert isinstance(element, MappingProxyType)
    with pytest.raises(TypeError):
        element["for"] = "b"  # type: ignore[index]


def test_no_header_is_an_empty_tuple() -> None:
    assert parse_forwarded([]) == ()


def test_an_empty_value_is_one_empty_element() -> None:
    assert parse("") == [{}]


def test_names_are_case_insensitive_values_are_not() -> None:
    assert parse("For=Alpha;PROTO=HTTPS") == [{"for": "Alpha", "proto": "HTTPS"}]


def test_one_element_per_proxy_across_lines() -> None:
    # RFC 7239 section 7.1: a list in one line and several lines are the same.
    assert parse(
        "By=identifier1;for=identifier2, BY=identifier3",
        "By=identifier4;fOr=identifier5",
    ) == [
        {"by": "identifier1", "for": "identifier2"},
        {"by": "identifier3"},
        {"by": "identifier4", "for": "identifier5"},
    ]


def test_rfc_examples() -> None:
    # RFC 7239 sections 4 and 7.4.
    assert parse('for="_gazonk"') == [{"for": "_gazonk"}]
    assert parse('For="[2001:db8:cafe::17]:4711"') == [
        {"for": "[2001:db8:cafe::17]:4711"}
    ]
    assert parse("for=192.0.2.43, for=198.51.100.17") == [
        {"for": "192.0.2.43"},
        {"for": "198.51.100.17"},
    ]
    assert parse('for=192.0.2.43,for="[2001:db8:cafe::17]",for=unknown') == [
        {"for": "192.0.2.43"},
        {"for": "[2001:db8:cafe::17]"},
        {"for": "unknown"},
    ]


@pytest.mark.parametrize(
    ("quoted", "value"),
    [
        (r'"\"quoted\""', '"quoted"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"\a\b\c"', "abc"),
        ('"semi;colon, comma"', "semi;colon, comma"),
        ('""', ""),
        ('"tab\there"', "tab\there"),
        ('"caf\u00e9"', "caf\u00e9"),
    ],
)
def test_quoted_pairs_are_unescaped(quoted: str, value: str) -> None:
    assert parse(f"secret={quoted};for=x") == [{"secret": value, "for": "x"}]


def test_blanks_are_allowed_around_separators() -> None:
    assert parse(" for=a ; by=b ,\tfor=c ") == [{"for": "a", "by": "b"}, {"for": "c"}]


def test_empty_pairs_and_elements_are_allowed() -> None:
    assert parse(";;for=a;;, ,for=b") == [{"for": "a"}, {}, {"for": "b"}]


def test_unquoted_port_after_a_token_is_kept() -> None:
    # Not the grammar (":" ends a token) but what many proxies write.
    assert parse("for=192.0.2.43:47011;proto=https") == [
        {"for": "192.0.2.43:47011", "proto": "https"}
    ]


def test_a_repeated_parameter_keeps_the_last_value() -> None:
    assert parse("for=a;for=b") == [{"for": "b"}]


def test_injected_unterminated_quote_does_not_hide_the_next_proxy() -> None:
    # A proxy that appends its element blindly after a client's broken one.
    assert parse('for=_injected;by=", for=_real') == [
        {"for": "_injected"},
        {"for": "_real"},
    ]


def test_garbage_element_stays_as_an_empty_element() -> None:
    assert parse("very bad syntax, for=_real") == [{}, {"for": "_real"}]


def test_garbage_in_one_line_does_not_touch_the_next_line() -> None:
    assert parse("for=a;by", "for=b") == [{"for": "a"}, {"for": "b"}]


def test_pair_without_separator_is_garbage() -> None:
    # Two pairs must be separated by ";".
    assert parse("for=a by=b, for=c") == [{"for": "a"}, {"for": "c"}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("for=a:123456", {}),
        ("for=a\x00", {}),
        ("for=[::1]", {}),
        ("for=a:", {}),
        ("by=x;for=a:b", {"by": "x"}),
    ],
)
def test_a_pair_must_end_at_a_separator(value: str, expected: dict[str, str]) -> None:
    assert parse(value) == [expected]


@pytest.mark.parametrize(
    "garbage",
    [
        "=",
        "for",
        "for=",
        "=value",
        "for =a",
        "for= a",
        'for="unterminated',
        'for="bad\x00char"',
        "for=a\x00",
        "f\u00f6r=a",
        "for=[::1]",
        "for=a:",
        "for=a:123456",
        '"quoted"=name',
        "\\",
        "\x00\x01\x02",
        ",,,",
        ";=;=;",
        "for=" + "a" * 10000,
        'for="' + "\\" * 10001,
    ],
)
def test_garbage_never_raises(garbage: str) -> None:
    parsed = parse(garbage, "for=last")
    assert parsed[-1] == {"for": "last"}
    for element in parsed:
        assert all(isinstance(name, str) for name in element)
        assert all(isinstance(value, str) for value in element.values())


def test_long_quoted_string() -> None:
    value = '"' + "\\a" * 50000 + '"'
    assert parse(f"for={value}") == [{"for": "a" * 50000}]


def test_lone_backslash_at_end_of_quoted_string_is_garbage() -> None:
    assert parse('for="abc\\"') == [{}]
