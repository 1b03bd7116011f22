"""Reading a response's Link, Content-Disposition, Set-Cookie and charset."""

from __future__ import annotations

import logging
from types import MappingProxyType

import pytest
from yarl import URL

from aiohttp._client_response_headers import (
    ContentDisposition,
    is_expected_content_type,
    parse_content_disposition_header,
    parse_links,
    parse_set_cookies,
    resolve_charset,
)
from aiohttp.multipart import BadContentDispositionHeader

BASE = URL("http://example.com/dir/page")


def pairs(values: list[str]) -> list[tuple[str, dict[str, object]]]:
    return [
        (key, dict(link.items())) for key, link in parse_links(values, BASE).items()
    ]


def test_links_basic() -> None:
    assert pairs(['<http://example.com/page2>; rel="next"']) == [
        ("next", {"rel": "next", "url": URL("http://example.com/page2")})
    ]


def test_links_relative_targets_resolved() -> None:
    links = parse_links(["<other>; rel=a, </root>; rel=b, <?q=1>; rel=c"], BASE)
    assert links["a"]["url"] == URL("http://example.com/dir/other")
    assert links["b"]["url"] == URL("http://example.com/root")
    assert links["c"]["url"] == URL("http://example.com/dir/page?q=1")


def test_links_without_rel_keyed_by_target() -> None:
    assert pairs(["</x>"]) == [("/x", {"url": URL("http://example.com/x")})]


def test_links_commas_in_target_and_quotes() -> None:
    links = parse_links(['</a,b>; rel=x; title="one, two; three"', "</c>; rel=y"], BASE)
    assert links["x"]["url"] == URL("http://example.com/a,b")
    assert links["x"]["title"] == "one, two; three"
    assert links["y"]["url"] == URL("http://example.com/c")


def test_links_parameter_forms() -> None:
    ((_, link),) = pairs(
        ['</a>; REL=next; Title="say \\"hi\\""; x=\'single\'; crossorigin']
    )
    assert link == {
        "rel": "next",
        "title": 'say "hi"',
        "x": "single",
        "crossorigin": "",
        "url": URL("http://example.com/a"),
    }


def test_links_first_rel_wins_for_the_key() -> None:
    links = parse_links(["</a>; rel=first; rel=second"], BASE)
    assert list(links) == ["first"]
    assert links["first"].getall("rel") == ["first", "second"]


@pytest.mark.parametrize(
    "value",
    [
        "http://no-brackets; rel=x",
        "<unterminated; rel=x",
        "junk </a>; rel=x",
        "</a> junk; rel=x",
        "<http://[::1>; rel=x",
        "",
    ],
)
def test_unreadable_links_are_skipped(value: str) -> None:
    assert len(parse_links([value, "</ok>; rel=ok"], BASE)) == 1


def test_no_links() -> None:
    assert len(parse_links([], BASE)) == 0


# -- Content-Disposition ---------------------------------------------------------


def test_content_disposition_inline() -> None:
    disposition = parse_content_disposition_header("inline")
    assert disposition == ContentDisposition("inline", MappingProxyType({}), None)


def test_content_disposition_filename_star_wins() -> None:
    disposition = parse_content_disposition_header(
        "attachment; filename=plain.txt; filename*=utf-8''%E2%82%AC.txt"
    )
    assert disposition.type == "attachment"
    assert disposition.filename == "€.txt"
    assert dict(disposition.parameters) == {
        "filename": "plain.txt",
        "filename*": "€.txt",
    }


def test_content_disposition_is_frozen() -> None:
    disposition = parse_content_disposition_header("attachment")
    with pytest.raises(AttributeError):
        disposition.type = "inline"  # type: ignore[misc]


def test_malformed_content_disposition_warns() -> None:
    with pytest.warns(BadContentDispositionHeader):
        disposition = parse_content_disposition_header("attachment; filename")
    assert disposition.type is None
    assert disposition.filename is None


# -- Set-Cookie --------------------------------------------------------------------


def test_set_cookies_last_of_a_name_wins(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="aiohttp.client"):
        cookies = parse_set_cookies(
            ["a=1; Path=/x", "b=2", "a=3; Secure", "no-equals-sign", "c=\x00bad"]
        )
    assert sorted(cookies) == ["a", "b"]
    assert cookies["a"].value == "3"
    assert cookies["a"]["secure"] is True
    assert len(caplog.records) == 2


def test_set_cookie_quoted_value() -> None:
    cookies = parse_set_cookies(['q="a b"'])
    assert cookies["q"].value == "a b"
    assert cookies["q"].coded_value == '"a b"'


# -- content types and charsets -------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected", "result"),
    [
        ("application/json", "application/json", True),
        ("application/ld+json", "application/json", True),
        ("application/vnd.api+json", "application/json", True),
        ("text/json", "application/json", False),
        ("application/octet-stream", "application/json", False),
        ("text/plain", "text", True),
        ("text/html", "application/xml", False),
    ],
)
def test_expected_content_type(actual: str, expected: str, result: bool) -> None:
    assert is_expected_content_type(actual, expected) is result


@pytest.mark.parametrize(
    ("content_type", "params", "charset"),
    [
        ("text/plain", {"charset": "UTF-8"}, "utf-8"),
        ("text/plain", {"charset": "latin1"}, "iso8859-1"),
        ("text/plain", {"charset": "bogus"}, None),
        ("text/plain", {}, None),
        ("application/json", {}, "utf-8"),
        ("application/json", {"charset": "utf-16"}, "utf-16"),
        ("application/geo+json", {}, "utf-8"),
        ("application/rdap", {}, "utf-8"),
        ("application/json", {"charset": "bogus"}, "utf-8"),
    ],
)
def test_resolve_charset(
    content_type: str, params: dict[str, str], charset: str | None
) -> None:
    assert resolve_charset(content_type, params) == charset
