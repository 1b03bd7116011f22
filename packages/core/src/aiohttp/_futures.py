"""Completing futures that may already be done (a peer or a timeout got there first)."""

from __future__ import annotations

import asyncio
from typing import Protocol, TypeVar

from ._sentinel import _SENTINEL, sentinel

__all__ = ("ErrorableProtocol", "set_exception", "set_result")

_T = TypeVar("_T")


class ErrorableProtocol(Protocol):
    """Anything that can be failed with an exception, such as a stream."""

    def set_exception(self, exc: BaseException) -> None:
        """Fail the object with ``exc``."""


def set_result(fut: asyncio.Future[_T], result: _T) -> None:
    """Set ``fut``'s result unless it is already done (or cancelled)."""
    if not fut.done():
        fut.set_result(result)


def set_exception(
    fut: asyncio.Future[_T] | ErrorableProtocol,
    exc: BaseException,
    exc_cause: BaseException | _SENTINEL | None = sentinel,
) -> None:
    """Fail ``fut`` with ``exc`` unless it is a future that is already done.

    When ``exc_cause`` is given it becomes ``exc.__cause__`` (``None``
    suppresses the implicit context in tracebacks, as ``raise ... from None``
    does); an exception is never made its own cause.
    """
    if asyncio.isfuture(fut) and fut.done():
        return
    if exc_cause is not sentinel and exc_cause is not exc:
        exc.__cause__ = exc_cause
    fut.set_exception(exc)
