"""HTTP protocol versions, shared by the parser, the writer and both sides."""

from __future__ import annotations

from typing import NamedTuple


class HttpVersion(NamedTuple):
    """An HTTP version as ``(major, minor)``; compares and sorts as a tuple."""

    major: int
    minor: int


HttpVersion10 = HttpVersion(1, 0)
HttpVersion11 = HttpVersion(1, 1)
