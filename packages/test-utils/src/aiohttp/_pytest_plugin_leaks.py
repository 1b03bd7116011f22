"""What a test left behind: unclosed resources and un-awaited coroutines.

aiohttp's plugin turns the runtime warnings a test raises (above all
"coroutine ... was never awaited") into a failure. aiotide's goes one step
further and also fails a test that leaks a resource bound to its loop: a
``ClientSession``, a connector, a response or connection, a transport or a
task still pending. Those announce themselves in two ways when they are
garbage collected, and :class:`LeakWatch` listens to both:

- the loop's exception handler, called with ``"Unclosed client session"``,
  ``"Unclosed connector"``, ``"Task was destroyed but it is pending!"`` and
  the like;
- a ``ResourceWarning`` ("Unclosed client session <...>", asyncio's
  "unclosed transport <...>", "unclosed <socket.socket ...>").
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Keys of an exception handler's context that hold the leaked object.
_OBJECT_KEYS = (
    "client_session",
    "connector",
    "client_response",
    "connection",
    "transport",
    "task",
    "future",
    "handle",
)
_LEAK_MESSAGES = ("unclosed", "task was destroyed but it is pending")


def _is_leak_message(message: str) -> bool:
    return message.lower().startswith(_LEAK_MESSAGES)


def _created_at(source_traceback: Any) -> str:  # noqa: ANN401 - asyncio's context value
    """The innermost frames of where a leaked object was created."""
    if not source_traceback:
        return ""
    frames = traceback.format_list(source_traceback[-3:])
    return "\n    created at (innermost last):\n" + "".join(
        "    " + line for frame in frames for line in frame.splitlines(keepends=True)
    ).rstrip("\n")


def _loop_of(obj: object) -> object:
    for name in ("_loop", "loop"):
        loop = getattr(obj, name, None)
        if isinstance(loop, asyncio.AbstractEventLoop):
            return loop
    return None


class LeakWatch:
    """Record the resources a loop's objects leak, until :meth:`report`.

    Installed as the loop's exception handler: leak reports are kept, any
    other context goes to the handler that was there before (asyncio's
    default logs it, as with aiohttp's plugin).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        # Keyed by the leaked object's id, so the handler call and the
        # ResourceWarning of one object make one line.
        self._leaks: dict[object, str] = {}
        self._previous = loop.get_exception_handler()
        loop.set_exception_handler(self._handle)

    def _handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", ""))
        if not _is_leak_message(message):
            if self._previous is not None:
                self._previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        obj = next((context[k] for k in _OBJECT_KEYS if k in context), None)
        text = message if obj is None else f"{message}: {obj!r}"
        self._add(id(obj) if obj is not None else text, text, context)

    def _add(self, key: object, text: str, context: dict[str, Any]) -> None:
        text += _created_at(context.get("source_traceback"))
        if len(text) > len(self._leaks.get(key, "")):
            self._leaks[key] = text

    def take_warning(self, warning: warnings.WarningMessage) -> bool:
        """Keep a ``ResourceWarning`` about an object of this loop's."""
        source = warning.source
        loop = _loop_of(source) if source is not None else None
        if loop is not None and loop is not self.loop:
            return False  # another loop's garbage: not this test's doing
        key: object = id(source) if source is not None else str(warning.message)
        self._add(key, str(warning.message), {})
        return True

    def take_report(self) -> list[str]:
        """The leaks seen so far, forgetting them."""
        leaks = list(self._leaks.values())
        self._leaks.clear()
        return leaks


class WarningRecorder:
    """What :func:`record_warnings` saw: the runtime warnings, as text."""

    def __init__(self) -> None:
        self.runtime: list[str] = []


@contextmanager
def record_warnings(watch: LeakWatch) -> Iterator[WarningRecorder]:
    """Catch the warnings that tell of leaks while the block runs.

    resource warnings about ``watch``'s loop go to ``watch`` whatever
    the warning filters say (most of them come from ``__del__``, where an
    "error" filter would only make them unraisable). runtime warnings
    that the filters let through are collected; every other warning is
    shown again after the block, so pytest's own capture still sees it.
    """
    recorder = WarningRecorder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            yield recorder
        finally:
            pending = list(caught)
            caught.clear()
    for warning in pending:
        if issubclass(warning.category, ResourceWarning):
            if not watch.take_warning(warning):
                _show_quietly(warning)
        elif issubclass(warning.category, RuntimeWarning):
            recorder.runtime.append(
                f"{warning.filename}:{warning.lineno}: {warning.message}"
            )
        else:
            _show(warning)


def _show(warning: warnings.WarningMessage) -> None:
    warnings.warn_explicit(
        warning.message,
        warning.category,
        warning.filename,
        warning.lineno,
        source=warning.source,
    )


def _show_quietly(warning: warnings.WarningMessage) -> None:
    """Show another loop's resource warning; never raise it here.

    Under an "error" filter it would fail the running test for garbage an
    earlier one left (which was told already, or failed anyway).
    """
    with contextlib.suppress(Warning):
        _show(warning)


def collect_garbage() -> None:
    """Run the collector so leaked objects' ``__del__`` speak now."""
    gc.collect()


def failure_message(leaks: list[str], runtime: list[str]) -> str:
    """The text a test fails with when it leaked or warned."""
    parts: list[str] = []
    if leaks:
        count = len(leaks)
        parts.append(
            f"the test left {count} resource{'s' * (count != 1)} behind; close "
            "each one (`async with`, or cancel and await a task) before it ends:\n"
            + "\n".join(f"  - {leak}" for leak in leaks)
        )
    if runtime:
        count = len(runtime)
        parts.append(
            f"{count} RuntimeWarning{'s' * (count != 1)} during the test:\n"
            + "\n".join(f"  - {line}" for line in runtime)
        )
    return "aiohttp.pytest_plugin: " + "\n".join(parts)
