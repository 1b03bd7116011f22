"""The Range parser FileResponse uses, on its own (RFC 9110 section 14.1)."""

from __future__ import annotations

import pytest

from aiohttp._web_conditional import parse_byte_ranges

SIZE = 100


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bytes=0-0", [(0, 1)]),
        ("bytes=0-99", [(0, 100)]),
        ("bytes=0-1000", [(0, 100)]),
        ("bytes=50-", [(50, 100)]),
        ("bytes=-10", [(90, 100)]),
        ("bytes=-1000", [(0, 100)]),
        ("BYTES=1-2", [(1, 3)]),
        ("bytes=1-2, 5-6", [(1, 3), (5, 7)]),  # in the order given
        ("bytes=5-6,1-2", [(5, 7), (1, 3)]),
        ("bytes=1-2,,\t,3-4", [(1, 3), (3, 5)]),
        ("bytes=100-", []),  # well formed, nothing satisfiable
        ("bytes=-0", []),
        ("bytes=100-200,300-", []),
        ("bytes=" + "9" * 5000 + "-", []),  # no int() of 5000 digits
        ("bytes=0-" + "9" * 5000, [(0, 100)]),
        ("bytes=-" + "9" * 5000, [(0, 100)]),
    ],
)
def test_parse_byte_ranges(value: str, expected: list[tuple[int, int]]) -> None:
    assert parse_byte_ranges(value, SIZE) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes=-",
        "bytes=2-1",
        "bytes=1-2,2-1",
        "bytes=a-",
        "bytes=1 - 2",
        "bytes=\u0661-\u0662",  # digits, but not ASCII ones
        "lines=1-2",
        "none",
    ],
)
def test_ranges_to_ignore(value: str) -> None:
    assert parse_byte_ranges(value, SIZE) is None


def test_empty_representation() -> None:
    assert parse_byte_ranges("bytes=0-", 0) == []
    assert parse_byte_ranges("bytes=-0", 0) == []
    assert parse_byte_ranges("bytes=-5", 0) is None  # whole (empty) file
