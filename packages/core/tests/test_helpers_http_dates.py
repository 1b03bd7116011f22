"""aiohttp.helpers: parse_http_date and rfc822_formatted_time (RFC 9110 5.6.7)."""

from __future__ import annotations

import datetime
import email.utils
import re
import time

import pytest

from aiohttp import _http_dates
from aiohttp.helpers import parse_http_date, rfc822_formatted_time

UTC = datetime.timezone.utc
RFC_EXAMPLE = datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        # The three forms of RFC 9110 section 5.6.7, its own examples.
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        # Names are case-insensitive; surrounding whitespace is ignored.
        "sun, 06 nov 1994 08:49:37 gmt",
        "SUNDAY, 06-NOV-94 08:49:37 GMT",
        "  Sun, 06 Nov 1994 08:49:37 GMT\t",
        "Sun Nov 06 08:49:37 1994",
        # The day name is redundant: a wrong one is not an error.
        "Mon, 06 Nov 1994 08:49:37 GMT",
    ],
)
def test_parse(text: str) -> None:
    parsed = parse_http_date(text)
    assert parsed == RFC_EXAMPLE
    assert parsed is not None
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not a date",
        "Sun, 06 Nov 1994 08:49:37",  # no zone
        "Sun, 06 Nov 1994 08:49:37 +0000",  # not GMT
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",  # day must have two digits
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",  # not a day name
        "Sunny, 06-Nov-94 08:49:37 GMT",
        "Xyz Nov  6 08:49:37 1994",
        "Sun, 06 Foo 1994 08:49:37 GMT",  # not a month
        "Sun, 31 Nov 1994 08:49:37 GMT",  # no such day
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, \u0660\u0666 Nov 1994 08:49:37 GMT",  # Arabic-Indic digits
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
    ],
)
def test_unparseable(text: str | None) -> None:
    assert parse_http_date(text) is None


def test_leap_second() -> None:
    parsed = parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT")
    assert parsed == datetime.datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_rfc850_two_digit_year() -> None:
    # RFC 9110: a year that appears more than 50 years in the future is the
    # most recent past year with the same last two digits.
    this_year = datetime.datetime.now(UTC).year
    for offset in (-99, -60, -1, 0, 1, 49, 50, 51, 99):
        year = this_year + offset
        text = f"Sunday, 06-Nov-{year % 100:02d} 08:49:37 GMT"
        parsed = parse_http_date(text)
        assert parsed is not None
        expected = (
            year if -50 < offset <= 50 else year + 100 if offset < 0 else year - 100
        )
        assert parsed.year == expected, text


def test_asctime_single_digit_day() -> None:
    parsed = parse_http_date("Thu Feb  1 00:00:00 2024")
    assert parsed == datetime.datetime(2024, 2, 1, tzinfo=UTC)


IMF_FIXDATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT"
)


def test_rfc822_formatted_time() -> None:
    before = int(time.time())
    formatted = rfc822_formatted_time()
    after = int(time.time())
    assert IMF_FIXDATE.fullmatch(formatted)
    parsed = parse_http_date(formatted)
    assert parsed is not None
    assert before <= parsed.timestamp() <= after
    assert formatted in {
        email.utils.formatdate(second, usegmt=True) for second in (before, after)
    }


def test_rfc822_formatted_time_is_cached_per_second() -> None:
    first = rfc822_formatted_time()
    second = rfc822_formatted_time()
    if first == second:
        assert first is second


def test_rfc822_formatted_time_follows_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_http_dates, "_last_formatted", (-1, ""))
    clock = iter([784111777.2, 784111777.9, 784111778.0])
    monkeypatch.setattr(time, "time", lambda: next(clock))
    assert rfc822_formatted_time() == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert rfc822_formatted_time() == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert rfc822_formatted_time() == "Sun, 06 Nov 1994 08:49:38 GMT"


@pytest.mark.parametrize("timestamp", [0, 951782400, 1709164800, 4102444799])
def test_rfc822_formatted_time_matches_email_utils(
    monkeypatch: pytest.MonkeyPatch, timestamp: int
) -> None:
    monkeypatch.setattr(time, "time", lambda: float(timestamp))
    assert rfc822_formatted_time() == email.utils.formatdate(timestamp, usegmt=True)
