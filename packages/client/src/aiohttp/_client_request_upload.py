"""``UploadTracker``: watching a request body go out.

A tracker is given to one request (``ClientRequest(upload_tracker=...)``;
the session passes its caller's). Every ``send()`` of that request is an
attempt (a middleware may send a request more than once): it counts in
``attempts`` and restarts ``bytes_written``, the body bytes handed to the
connection so far (before compression and framing).

``upload_complete`` is a future that settles once per attempt's end: its
result is ``None`` when the whole body went out, and it fails with
``UploadAbortedError`` when the attempt stopped early (a write error, the
connection closing, the response arriving before the upload finished). A
new attempt after a settled one gets a fresh future.
"""

from __future__ import annotations

import asyncio

from .client_exceptions import UploadAbortedError

__all__ = ("UploadTracker",)


def _retrieve(future: asyncio.Future[None]) -> None:
    # Nobody may be awaiting it: an abort must not be reported as an
    # exception that was never retrieved.
    if not future.cancelled():
        future.exception()


class UploadTracker:
    """Progress of one request's upload: bytes written, attempts, completion.

    Create it inside a running event loop. It observes exactly one request:
    giving it to a second one raises ``RuntimeError``.
    """

    __slots__ = ("_loop", "_owner", "attempts", "bytes_written", "upload_complete")

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._owner: object | None = None
        self.bytes_written = 0
        self.attempts = 0
        self.upload_complete: asyncio.Future[None] = self._new_future()

    def _new_future(self) -> asyncio.Future[None]:
        future: asyncio.Future[None] = self._loop.create_future()
        future.add_done_callback(_retrieve)
        return future

    def _attach(self, request: object) -> None:
        if self._owner is not None and self._owner is not request:
            raise RuntimeError("An UploadTracker observes one request only")
        self._owner = request

    def _start(self) -> None:
        self.attempts += 1
        self.bytes_written = 0
        if self.upload_complete.done():
            self.upload_complete = self._new_future()

    def _sent(self, size: int) -> None:
        self.bytes_written += size

    def _finished(self) -> None:
        if not self.upload_complete.done():
            self.upload_complete.set_result(None)

    def _aborted(self, reason: BaseException | None = None) -> None:
        future = self.upload_complete
        if not future.done():
            error = UploadAbortedError(
                f"The upload stopped after {self.bytes_written} bytes"
            )
            error.__cause__ = reason
            future.set_exception(error)

    def __repr__(self) -> str:
        state = "done" if self.upload_complete.done() else "pending"
        return (
            f"<UploadTracker attempts={self.attempts} "
            f"bytes_written={self.bytes_written} {state}>"
        )
