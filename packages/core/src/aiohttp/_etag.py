"""Entity tags (RFC 9110 section 8.8.3)."""

from __future__ import annotations

import dataclasses
import re
from typing import Final

__all__ = (
    "ETAG_ANY",
    "LIST_QUOTED_ETAG_RE",
    "QUOTED_ETAG_RE",
    "ETag",
    "validate_etag_value",
)

#: The ``*`` of ``If-Match: *`` and ``If-None-Match: *``: any current entity.
ETAG_ANY: Final = "*"

# etagc = %x21 / %x23-7E / obs-text: visible characters except DQUOTE.
_ETAGC: Final = r"[\x21\x23-\x7e\x80-\xff]"
_ETAGC_RE: Final = re.compile(f"{_ETAGC}*")
_ENTITY_TAG: Final = rf'(?P<tag>(?P<weak>W/)?"(?P<value>{_ETAGC}*)")'

#: One entity-tag: ``[ W/ ] DQUOTE *etagc DQUOTE``. Groups: 1 or ``tag`` the
#: whole entity-tag, 2 or ``weak`` the ``W/`` prefix (``None`` if strong),
#: 3 or ``value`` the opaque text between the quotes.
QUOTED_ETAG_RE: Final = re.compile(_ENTITY_TAG)
#: Scans a comma-separated list of entity-tags with ``finditer``: each match
#: has the groups of :data:`QUOTED_ETAG_RE`, or else group 4 (``garbage``)
#: holds the first character that does not fit, where a parser should stop.
LIST_QUOTED_ETAG_RE: Final = re.compile(
    rf"{_ENTITY_TAG}(?:[ \t]*,[ \t]*|[ \t]*$)|(?P<garbage>.)"
)


@dataclasses.dataclass(frozen=True, slots=True)
class ETag:
    """An entity-tag: its opaque ``value`` (without quotes) and its weakness."""

    value: str
    is_weak: bool = False


def validate_etag_value(value: str) -> None:
    """Raise :exc:`ValueError` unless ``value`` may sit between an ETag's quotes.

    ``*`` is accepted too, since it stands for any entity-tag.
    """
    if value != ETAG_ANY and not _ETAGC_RE.fullmatch(value):
        raise ValueError(
            f"Value {value!r} is not a valid etag. Maybe it contains '\"'?"
        )
