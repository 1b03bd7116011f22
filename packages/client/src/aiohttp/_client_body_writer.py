"""The task writing a request's body, which the request and its response track.

The request starts the task; its response takes it over, so that reading
or releasing the response can wait for the upload or cut it short.
"""

from __future__ import annotations

import asyncio

__all__ = ("BodyWriterTracking",)


class BodyWriterTracking:
    """``_writer``: the body-writing task while it runs, ``None`` once done."""

    _writer_task: asyncio.Task[None] | None = None

    @property
    def _writer(self) -> asyncio.Task[None] | None:
        """The task still writing the request body, if any."""
        return self._writer_task

    @_writer.setter
    def _writer(self, writer: asyncio.Task[None] | None) -> None:
        old = self._writer_task
        if old is not None:
            old.remove_done_callback(self._writer_done)
        if writer is not None and writer.done():
            writer = None
        self._writer_task = writer
        if writer is not None:
            writer.add_done_callback(self._writer_done)

    def _writer_done(self, task: asyncio.Task[None]) -> None:
        if self._writer_task is task:
            self._writer_task = None
