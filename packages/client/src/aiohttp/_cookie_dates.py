"""The cookie-date algorithm of RFC 6265 section 5.1.1.

Servers write ``Expires`` in many shapes (``Wed, 21 Oct 2015 07:28:00 GMT``,
``Wednesday, 21-Oct-15 07:28:00 GMT``, ``Wed Oct 21 07:28:00 2015``...). The
RFC does not parse a grammar: it cuts the text into tokens at delimiter
characters and takes, in order, the first token that looks like a time, a
day of the month, a month name and a year. Anything else is ignored, and a
date that lacks one of the four parts, or names an impossible moment, is no
date at all (the caller then ignores the attribute).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from typing import Any, Final

__all__ = ("parse_cookie_date",)

# delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E; every other
# character (digits, letters, ":", controls, %x7F and up) is a token char.
_DELIMITERS: Final = re.compile("[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")

# Each production may be followed by a non-digit and anything after it; a
# further digit would make the field too long, so the look-ahead refuses it.
_TIME: Final = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?![0-9])")
_DAY_OF_MONTH: Final = re.compile(r"([0-9]{1,2})(?![0-9])")
_YEAR: Final = re.compile(r"([0-9]{2,4})(?![0-9])")

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        (
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ),
        start=1,
    )
}


def _read_time(token: str) -> tuple[int, int, int] | None:
    found = _TIME.match(token)
    return None if found is None else (int(found[1]), int(found[2]), int(found[3]))


def _read_day(token: str) -> int | None:
    found = _DAY_OF_MONTH.match(token)
    return None if found is None else int(found[1])


def _read_month(token: str) -> int | None:
    return _MONTHS.get(token[:3].lower())


def _read_year(token: str) -> int | None:
    found = _YEAR.match(token)
    if found is None:
        return None
    year = int(found[1])
    # Two-digit years: 70-99 are the 1900s, 00-69 the 2000s.
    if 70 <= year <= 99:
        return year + 1900
    if year <= 69:
        return year + 2000
    return year


# In the RFC's order: a token is the first of these it can be that is not
# found yet ("12" is a day of the month before it can be a year).
_READERS: Final[tuple[Callable[[str], object], ...]] = (
    _read_time,
    _read_day,
    _read_month,
    _read_year,
)


def parse_cookie_date(text: str) -> float | None:
    """Return the POSIX time ``text`` names, or ``None`` if it names none."""
    parts: list[Any] = [None, None, None, None]
    for token in _DELIMITERS.split(text):
        if not token:
            continue
        for slot, reader in enumerate(_READERS):
            if parts[slot] is None:
                value = reader(token)
                if value is not None:
                    parts[slot] = value
                    break
    hms, day, month, year = parts
    if hms is None or day is None or month is None or year is None:
        return None
    hour, minute, second = hms
    if year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        # Refuses a day the month does not have (31 Feb), which the RFC's
        # "day-of-month less than 1 or greater than 31" check lets through.
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return float(calendar.timegm(moment.timetuple()))
