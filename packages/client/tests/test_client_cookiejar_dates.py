"""The cookie-date algorithm (RFC 6265 section 5.1.1) behind ``Expires``."""

from __future__ import annotations

import calendar

import pytest

from aiohttp._cookie_dates import parse_cookie_date


def utc(*fields: int) -> float:
    return float(calendar.timegm((*fields, 0, 0, 0)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 1123, the preferred form.
        ("Wed, 21 Oct 2015 07:28:00 GMT", utc(2015, 10, 21, 7, 28, 0)),
        # RFC 850, with a two-digit year and dashes.
        ("Wednesday, 21-Oct-15 07:28:00 GMT", utc(2015, 10, 21, 7, 28, 0)),
        # asctime(): month before day, year last.
        ("Wed Oct 21 07:28:00 2015", utc(2015, 10, 21, 7, 28, 0)),
        # Order and case do not matter; the weekday is ignored.
        ("2015 OCT 21 7:28:00", utc(2015, 10, 21, 7, 28, 0)),
        ("Thursday, 21 october 2015 07:28:00", utc(2015, 10, 21, 7, 28, 0)),
        # One-digit fields; trailing non-digits after a field.
        ("1 Jan 2020 1:2:3", utc(2020, 1, 1, 1, 2, 3)),
        ("1st Jan 2020 01:02:03Z", utc(2020, 1, 1, 1, 2, 3)),
        # Two-digit years: 70-99 -> 19xx, 00-69 -> 20xx.
        ("01 Jan 70 00:00:00", utc(1970, 1, 1, 0, 0, 0)),
        ("31 Dec 99 23:59:59", utc(1999, 12, 31, 23, 59, 59)),
        ("01 Jan 00 00:00:00", utc(2000, 1, 1, 0, 0, 0)),
        ("31 Dec 69 00:00:00", utc(2069, 12, 31, 0, 0, 0)),
        # Before the epoch and far in the future.
        ("01 Jan 1601 00:00:00", utc(1601, 1, 1, 0, 0, 0)),
        ("31 Dec 9999 23:59:59", utc(9999, 12, 31, 23, 59, 59)),
        # Leap day.
        ("29 Feb 2024 12:00:00", utc(2024, 2, 29, 12, 0, 0)),
        # The first token of each kind wins.
        ("01 Jan 2020 00:00:00 02 Feb 2021 11:11:11", utc(2020, 1, 1, 0, 0, 0)),
    ],
)
def test_dates_that_parse(text: str, expected: float) -> None:
    assert parse_cookie_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a date",
        "Wed, 21 Oct 2015",  # no time
        "Wed, Oct 2015 07:28:00",  # no day of month
        "Wed, 21 2015 07:28:00",  # no month
        "Wed, 21 Oct 07:28:00",  # no year
        "21 Oct 1600 07:28:00",  # before 1601
        "21 Oct 2015 24:00:00",  # hour out of range
        "21 Oct 2015 23:60:00",
        "21 Oct 2015 23:59:60",
        "32 Oct 2015 07:28:00",  # no such day (a token too long for a day)
        "0 Oct 2015 07:28:00",
        "30 Feb 2015 07:28:00",  # not a day of February
        "29 Feb 2023 07:28:00",  # not a leap year
        "21 Oct 20155 07:28:00",  # five-digit year
        "21 Oct 2015 007:28:00",  # three-digit hour
    ],
)
def test_dates_that_do_not(text: str) -> None:
    assert parse_cookie_date(text) is None
