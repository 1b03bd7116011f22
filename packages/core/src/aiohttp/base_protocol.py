"""The asyncio protocol base shared by the server and client connections.

It owns the two directions of flow control: the transport tells it to
pause and resume *writing* (``drain()`` waits while paused), and the body
streams tell it to pause and resume *reading* when their buffers pass the
high- and low-water marks.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import cast

__all__ = ("BaseProtocol",)

_FLOW_CONTROL_ERRORS = (AttributeError, NotImplementedError, RuntimeError)


def _settle_malloc_for_reads() -> None:
    """Have glibc's malloc serve the transports' read buffers from its heap.

    A selector transport allocates 256 KiB for every read, then shrinks the
    block to what came. glibc maps a block that large on its own (mmap) and
    unmaps it once freed, until the process frees one such block: only then
    does it raise its threshold and serve them from the heap. Until then
    every read of a small request or response paid some 15 microseconds
    for the two system calls, more than the rest of the read. Freeing one
    larger block settles it now; elsewhere it costs one allocation.
    """
    bytes(2**19)


_settle_malloc_for_reads()


class BaseProtocol(asyncio.Protocol):
    """Connection state and flow control for an HTTP connection.

    ``parser`` is the connection's HTTP parser, if any: while reading is
    paused it must not be fed either (it buffers nothing of its own).
    """

    __slots__ = (
        "_drain_waiter",
        "_loop",
        "_parser",
        "_reading_paused",
        "_writing_paused",
        "transport",
    )

    def __init__(
        self, loop: asyncio.AbstractEventLoop, parser: object | None = None
    ) -> None:
        self._loop = loop
        self._parser = parser
        self._writing_paused = False
        self._reading_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self.transport: asyncio.Transport | None = None

    @property
    def connected(self) -> bool:
        """Whether the transport is still there."""
        return self.transport is not None

    @property
    def writing_paused(self) -> bool:
        """Whether the transport asked us to stop writing."""
        return self._writing_paused

    def pause_writing(self) -> None:
        """Called by the transport when its write buffer passes its high mark."""
        self._writing_paused = True

    def resume_writing(self) -> None:
        """Called by the transport when its write buffer drains."""
        self._writing_paused = False
        self._wake_drain_waiter(None)

    def pause_reading(self) -> None:
        """Stop receiving data until ``resume_reading()``."""
        if not self._reading_paused and self.transport is not None:
            # Some transports (SSL during shutdown, for one) cannot pause.
            with suppress(*_FLOW_CONTROL_ERRORS):
                self.transport.pause_reading()
            self._reading_paused = True

    def resume_reading(self, resume_parser: bool = True) -> None:
        """Receive data again (``resume_parser`` is kept for aiohttp's signature)."""
        if self._reading_paused and self.transport is not None:
            with suppress(*_FLOW_CONTROL_ERRORS):
                self.transport.resume_reading()
            self._reading_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport; it carries the connection from now on."""
        self.transport = cast("asyncio.Transport", transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        """Forget the transport and release a writer waiting in ``drain()``."""
        self.transport = None
        # A writer waiting for the peer to read must not write on afterwards.
        self._wake_drain_waiter(exc or ConnectionResetError("Connection lost"))

    async def _drain_helper(self) -> None:
        """Wait until the transport accepts writes again.

        Raises ``ConnectionResetError`` if the connection is gone, so a
        writer never waits on a peer that cannot read any more.
        """
        if self.transport is None:
            raise ConnectionResetError("Connection lost")
        if not self._writing_paused:
            return
        waiter = self._drain_waiter
        if waiter is None:
            waiter = self._drain_waiter = self._loop.create_future()
        await asyncio.shield(waiter)

    def _wake_drain_waiter(self, exc: BaseException | None) -> None:
        waiter = self._drain_waiter
        if waiter is None:
            return
        self._drain_waiter = None
        if waiter.done():
            return
        if exc is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(exc)
            # The writer that awaited it may have been cancelled meanwhile;
            # retrieve the error so asyncio does not log it as unhandled.
            waiter.add_done_callback(_retrieve_exception)


def _retrieve_exception(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()
