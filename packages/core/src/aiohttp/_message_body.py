"""Which responses have no body (RFC 9110 sections 6.4.1 and 8.6, RFC 9112 6.3)."""

from __future__ import annotations

from typing import Final

from . import hdrs

__all__ = (
    "EMPTY_BODY_METHODS",
    "EMPTY_BODY_STATUS_CODES",
    "must_be_empty_body",
    "should_remove_content_length",
)

#: Status codes whose responses never carry content: 1xx, 204 and 304.
EMPTY_BODY_STATUS_CODES: Final = frozenset({204, 304, *range(100, 200)})
#: Request methods whose responses never carry content.
EMPTY_BODY_METHODS: Final = frozenset({hdrs.METH_HEAD})


def must_be_empty_body(method: str, code: int) -> bool:
    """Tell whether a response to ``method`` with status ``code`` has no content.

    That is a response to HEAD, a 1xx, 204 or 304, or a 2xx to CONNECT (the
    connection becomes a tunnel).
    """
    return (
        code in EMPTY_BODY_STATUS_CODES
        or method in EMPTY_BODY_METHODS
        or (200 <= code < 300 and method == hdrs.METH_CONNECT)
    )


def should_remove_content_length(method: str, code: int) -> bool:
    """Tell whether a response must not send Content-Length (RFC 9110 8.6).

    That is a 1xx or 204, or a 2xx to CONNECT. A 304 and a response to HEAD
    may carry the length the content would have had.
    """
    return (
        code == 204
        or 100 <= code < 200
        or (200 <= code < 300 and method == hdrs.METH_CONNECT)
    )
