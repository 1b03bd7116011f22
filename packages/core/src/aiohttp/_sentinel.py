"""A marker for "argument not given" where ``None`` is a meaningful value."""

from __future__ import annotations

import enum
from typing import Final

__all__ = ("_SENTINEL", "sentinel")


class _SENTINEL(enum.Enum):
    """The type of :data:`sentinel`.

    An enum with one member lets type checkers narrow ``x is sentinel``
    (``x: int | _SENTINEL`` becomes ``int`` in the other branch).
    """

    sentinel = enum.auto()

    def __repr__(self) -> str:
        return "<sentinel>"


#: The one "not given" marker shared by the aiohttp modules.
sentinel: Final = _SENTINEL.sentinel
