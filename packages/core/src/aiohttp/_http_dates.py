"""HTTP-date parsing and formatting (RFC 9110 section 5.6.7)."""

from __future__ import annotations

import datetime
import re
import time
from typing import Final

__all__ = ("format_http_date", "parse_http_date", "rfc822_formatted_time")

_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LONG_DAY_NAMES: Final = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_MONTH_NAMES: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_MONTHS: Final = {name.lower(): number for number, name in enumerate(_MONTH_NAMES, 1)}
_DAY: Final = "(?P<day_name>[a-z]{3})"
_TIME: Final = r"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)"
_MONTH: Final = "(?P<month>[a-z]{3})"
# ASCII: \d and [a-z] must not match other scripts' digits and letters.
_FLAGS: Final = re.IGNORECASE | re.ASCII
# The three forms a recipient must accept; names are matched case-insensitively.
# IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
_IMF_FIXDATE_RE: Final = re.compile(
    rf"{_DAY}, (?P<day>\d\d) {_MONTH} (?P<year>\d{{4}}) {_TIME} GMT", _FLAGS
)
# rfc850-date (obsolete): Sunday, 06-Nov-94 08:49:37 GMT
_RFC850_DATE_RE: Final = re.compile(
    rf"(?P<day_name>[a-z]{{6,9}}), (?P<day>\d\d)-{_MONTH}-(?P<year>\d\d) {_TIME} GMT",
    _FLAGS,
)
# asctime-date (obsolete): Sun Nov  6 08:49:37 1994
_ASCTIME_DATE_RE: Final = re.compile(
    rf"{_DAY} {_MONTH} (?P<day>[ \d]\d) {_TIME} (?P<year>\d{{4}})", _FLAGS
)


def _full_year(two_digits: int) -> int:
    """Read an rfc850-date year as RFC 9110 requires.

    A two-digit year that would be more than 50 years in the future is the
    most recent past year with the same last two digits.
    """
    this_year = datetime.datetime.now(datetime.timezone.utc).year
    year = this_year - this_year % 100 + two_digits
    if year > this_year + 50:
        year -= 100
    return year


def parse_http_date(date_str: str | None) -> datetime.datetime | None:
    """Parse an HTTP-date into an aware UTC datetime, or return ``None``.

    IMF-fixdate and the two obsolete forms (rfc850-date, asctime-date) are
    accepted; anything else, including impossible dates, gives ``None``.
    The day name is checked to be a day name but, being redundant, not
    against the date.
    """
    if not date_str:
        return None
    text = date_str.strip()
    if match := _IMF_FIXDATE_RE.fullmatch(text):
        valid_day_name = match["day_name"].title() in _DAY_NAMES
        year = int(match["year"])
    elif match := _RFC850_DATE_RE.fullmatch(text):
        valid_day_name = match["day_name"].lower() in _LONG_DAY_NAMES
        year = _full_year(int(match["year"]))
    elif match := _ASCTIME_DATE_RE.fullmatch(text):
        valid_day_name = match["day_name"].title() in _DAY_NAMES
        year = int(match["year"])
    else:
        return None
    month = _MONTHS.get(match["month"].lower())
    if not valid_day_name or month is None:
        return None
    # A leap second (second 60) is valid in HTTP but not in datetime.
    second = min(int(match["second"]), 59)
    try:
        return datetime.datetime(
            year,
            month,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            second,
            tzinfo=datetime.timezone.utc,
        )
    except ValueError:
        return None


# (second, formatted): one tuple, so that threads never see a torn pair.
_last_formatted: tuple[int, str] = (-1, "")


def format_http_date(timestamp: float) -> str:
    """Format a Unix timestamp as an IMF-fixdate (RFC 9110 section 5.6.7)."""
    year, month, day, hour, minute, second, weekday, _, _ = time.gmtime(timestamp)
    return (
        f"{_DAY_NAMES[weekday]}, {day:02d} {_MONTH_NAMES[month - 1]} {year:04d} "
        f"{hour:02d}:{minute:02d}:{second:02d} GMT"
    )


def rfc822_formatted_time() -> str:
    """Return the current time as an IMF-fixdate, for the Date header.

    Servers call this for every response; the string is rebuilt only when
    the second changes.
    """
    global _last_formatted  # noqa: PLW0603 -- a one-entry cache
    now = int(time.time())
    cached_second, formatted = _last_formatted
    if now != cached_second:
        formatted = format_http_date(now)
        _last_formatted = (now, formatted)
    return formatted
