"""Conditional and range requests against a file (RFC 9110 sections 13 and 14).

A file response knows two validators of what it would send: a strong
entity-tag and the Last-Modified time, in whole seconds. These functions
decide, from the request alone, what its preconditions and its Range ask
for, in the order of RFC 9110 section 13.2.2:

1. ``If-Match`` (or, without it, ``If-Unmodified-Since``) is false: 412.
2. ``If-None-Match`` (or, without it and for GET/HEAD only,
   ``If-Modified-Since``) is false: 304 for GET and HEAD, 412 otherwise.
3. For a GET with ``Range``: ``If-Range``, when present, must match the
   current validator, or the range is ignored (the whole file, 200).
4. ``Range``: a satisfiable byte range gives 206; a well-formed range set
   with nothing satisfiable gives 416; anything else is ignored (200).

Where aiohttp 3.x answers 416 to a Range it cannot parse (another unit,
several ranges, ``5-1``), these follow RFC 9110 section 14.2: an unknown
unit MUST be ignored and a malformed or multi-range header MAY be, which
is what a client can always cope with. Ranges that overlap or touch are
coalesced; a set that stays more than one range is served whole rather
than as ``multipart/byteranges``.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING, Final

from . import hdrs
from ._etag import ETAG_ANY, QUOTED_ETAG_RE, ETag

if TYPE_CHECKING:
    from .web_request import BaseRequest

__all__ = (
    "Precondition",
    "RangeNotSatisfiable",
    "evaluate_preconditions",
    "parse_byte_ranges",
    "select_range",
)

_SAFE_METHODS: Final = frozenset({hdrs.METH_GET, hdrs.METH_HEAD})
# int-range / suffix-range; the digits are checked for length separately.
_RANGE_SPEC_RE: Final = re.compile(r"([0-9]*)-([0-9]*)", re.ASCII)
# Longer positions are larger than any file: no need to parse them (and
# int() refuses strings of thousands of digits on recent Pythons).
_MAX_DIGITS: Final = 18
_HUGE: Final = 10**_MAX_DIGITS


class Precondition(enum.Enum):
    """What a request's preconditions make of the response."""

    PASSED = "passed"  # send the representation
    NOT_MODIFIED = "not modified"  # 304
    FAILED = "failed"  # 412


class RangeNotSatisfiable(ValueError):
    """The Range is well formed, but none of its ranges overlaps the file (416)."""


def _strong_match(tags: tuple[ETag, ...], etag: str) -> bool:
    return any(
        tag.value == ETAG_ANY or (not tag.is_weak and tag.value == etag) for tag in tags
    )


def _weak_match(tags: tuple[ETag, ...], etag: str) -> bool:
    return any(tag.value in (ETAG_ANY, etag) for tag in tags)


def evaluate_preconditions(
    request: BaseRequest, etag: str, last_modified: int
) -> Precondition:
    """Evaluate If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since.

    ``etag`` is the opaque value of the current strong entity-tag;
    ``last_modified`` its modification time in whole seconds since the
    epoch. Dates that do not parse are ignored, as RFC 9110 asks.
    """
    headers = request.headers
    if_match = request.if_match
    if if_match is not None:
        if not _strong_match(if_match, etag):
            return Precondition.FAILED
    elif hdrs.IF_MATCH not in headers:
        unmodified_since = request.if_unmodified_since
        if unmodified_since is not None and last_modified > (
            unmodified_since.timestamp()
        ):
            return Precondition.FAILED
    safe = request.method in _SAFE_METHODS
    if_none_match = request.if_none_match
    if if_none_match is not None:
        if _weak_match(if_none_match, etag):
            return Precondition.NOT_MODIFIED if safe else Precondition.FAILED
    elif safe and hdrs.IF_NONE_MATCH not in headers:
        modified_since = request.if_modified_since
        if modified_since is not None and last_modified <= (modified_since.timestamp()):
            return Precondition.NOT_MODIFIED
    return Precondition.PASSED


def _position(digits: str) -> int:
    return int(digits) if len(digits) <= _MAX_DIGITS else _HUGE


def parse_byte_ranges(value: str, size: int) -> list[tuple[int, int]] | None:
    """Parse a Range value against a representation of ``size`` bytes.

    Returns ``None`` when the header is to be ignored (a unit other than
    ``bytes``, or anything malformed: ``5-1``, ``-``, ``abc``), else the
    satisfiable ranges as ``(start, stop)`` offsets (``stop`` exclusive),
    clamped to the representation, in the order given: an empty list means
    that none is satisfiable (RFC 9110 section 14.1.1).
    """
    unit, equals, range_set = value.partition("=")
    if not equals or unit.strip(" \t").lower() != "bytes":
        return None
    ranges: list[tuple[int, int]] = []
    seen = False
    for element in range_set.split(","):
        spec = element.strip(" \t")
        if not spec:
            continue  # empty list elements are allowed (RFC 9110 5.6.1)
        match = _RANGE_SPEC_RE.fullmatch(spec)
        if match is None:
            return None
        first, last = match.groups()
        seen = True
        if first:
            start = _position(first)
            end = _position(last) if last else _HUGE
            if end < start:
                return None
            if start < size:
                ranges.append((start, min(end + 1, size)))
        elif last:
            suffix = _position(last)
            if suffix and not size:
                # The one satisfiable range of an empty file selects
                # nothing, which no Content-Range can say: send it whole.
                return None
            if suffix:
                ranges.append((max(size - suffix, 0), size))
        else:
            return None
    return ranges if seen else None


def _coalesce(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if stop > merged[-1][1]:
                merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _if_range_matches(
    request: BaseRequest, value: str, etag: str, last_modified: int
) -> bool:
    """Whether If-Range names the current representation (RFC 9110 13.1.5).

    An entity-tag must match strongly (a weak one never does); a date must
    be exactly the Last-Modified time.
    """
    value = value.strip(" \t")
    if value.startswith(('"', "W/")):
        match = QUOTED_ETAG_RE.fullmatch(value)
        return match is not None and match["weak"] is None and match["value"] == etag
    date = request.if_range
    return date is not None and int(date.timestamp()) == last_modified


def select_range(
    request: BaseRequest, size: int, etag: str, last_modified: int
) -> tuple[int, int] | None:
    """Return the byte range a GET asks of the file as ``(start, stop)``.

    ``None`` means the whole file (no Range, a Range to ignore, an If-Range
    that does not match, or several disjoint ranges). Raises
    :exc:`RangeNotSatisfiable` for a 416. Only call it for GET: RFC 9110
    defines range requests for no other method.
    """
    value = request.headers.get(hdrs.RANGE)
    if value is None:
        return None
    if_range = request.headers.get(hdrs.IF_RANGE)
    if if_range is not None and not _if_range_matches(
        request, if_range, etag, last_modified
    ):
        return None
    ranges = parse_byte_ranges(value, size)
    if ranges is None:
        return None
    if not ranges:
        raise RangeNotSatisfiable(f"no satisfiable range in {value!r}")
    if len(ranges) > 1:
        ranges = _coalesce(ranges)
        if len(ranges) > 1:
            return None
    return ranges[0]
