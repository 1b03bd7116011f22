"""Body streams and message queues.

``StreamReader`` sits between the HTTP parser, which feeds it a body as the
bytes arrive (``feed_data()``, ``feed_eof()``, ``set_exception()``), and the
application, which reads it (``read()``, ``readline()``, ``readchunk()``,
async iteration). ``DataQueue`` does the same for whole messages, such as
WebSocket frames.

Buffer
    A deque of the chunks as they were fed plus an offset into the first
    one. A read slices only what it returns, a whole chunk leaves the deque
    without a copy, and the buffer is never joined as a whole.

Flow control
    With ``limit`` L the low-water mark is L and the high-water mark 2 * L.
    ``feed_data()`` pauses the protocol's reading once more than 2 * L bytes
    are buffered; a read that leaves fewer than L resumes it. A reader that
    waits for more than is buffered (``readexactly(n)`` with n > 2 * L, a
    line longer than that) resumes reading while it waits: nothing else could
    drain the buffer, and its own bound caps what it makes us hold.

HTTP chunk boundaries
    With the chunked transfer coding the parser marks where each chunk ends
    so that ``readchunk()`` can return whole chunks. Marks are kept only for
    bytes still buffered (other reads drop the ones they pass) and at most
    ``max(4, L // 16)`` of them before reading pauses (4096 for the default
    64 KiB), resuming below half that: a peer sending one-byte chunks cannot
    grow the list faster than the application reads.

Line search
    ``readuntil()`` remembers how far it searched before it waited, so a line
    that arrives one byte at a time costs O(n), not O(n**2); a separator split
    across chunks is found.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager
from itertools import islice
from typing import Final, Generic, TypeVar

from ._sentinel import _SENTINEL, sentinel
from .base_protocol import BaseProtocol

__all__ = (
    "EMPTY_PAYLOAD",
    "EofStream",
    "StreamReader",
    "DataQueue",
    "FlowControlDataQueue",
    "EmptyStreamReader",
    "AsyncStreamIterator",
    "ChunkTupleAsyncStreamIterator",
)

_internal_logger: Final = logging.getLogger("aiohttp.internal")

_T = TypeVar("_T")


class EofStream(Exception):
    """Raised by ``DataQueue.read()`` once the queue has reached its end."""


class AsyncStreamIterator(Generic[_T]):
    """Async iterator over the results of a read coroutine function.

    Iteration ends when the function raises ``EofStream`` or returns ``b""``.
    """

    __slots__ = ("read_func",)

    def __init__(self, read_func: Callable[[], Awaitable[_T]]) -> None:
        self.read_func = read_func

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return self

    async def __anext__(self) -> _T:
        try:
            rv = await self.read_func()
        except EofStream:
            raise StopAsyncIteration from None
        if rv == b"":
            raise StopAsyncIteration
        return rv


class ChunkTupleAsyncStreamIterator:
    """Async iterator over ``stream.readchunk()``, ending at ``(b"", False)``."""

    __slots__ = ("_stream",)

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    def __aiter__(self) -> ChunkTupleAsyncStreamIterator:
        return self

    async def __anext__(self) -> tuple[bytes, bool]:
        rv = await self._stream.readchunk()
        if rv == (b"", False):
            raise StopAsyncIteration
        return rv


class _ExhaustedChunkIterator(ChunkTupleAsyncStreamIterator):
    """``iter_chunks()`` of a stream that has nothing, not even a chunk end."""

    __slots__ = ()

    async def __anext__(self) -> tuple[bytes, bool]:
        raise StopAsyncIteration


class _SeparatorSearch:
    """Where a separator ends in a reader's buffer, searched incrementally.

    Between scans the buffer only grows at its end, so each scan searches
    just the chunks fed since the previous one; the last ``len(separator) -
    1`` bytes searched are kept to find a separator straddling chunks.
    """

    __slots__ = (
        "_limit",
        "_position",
        "_searched",
        "_searched_chunks",
        "_separator",
        "_tail",
    )

    def __init__(self, separator: bytes, limit: int) -> None:
        self._separator = separator
        self._limit = limit
        self._position = -1  # the reader's read position the state is for
        self._searched = 0  # bytes searched from the head of the buffer
        self._searched_chunks = 0  # whole chunks among them
        self._tail = b""

    def scan(self, buffer: deque[bytes], offset: int, position: int) -> int:
        """Return how many buffered bytes end with the separator, or -1.

        ``offset`` is how much of ``buffer[0]`` was read, ``position`` the
        reader's read position. Gives up (-1) once more than the limit was
        searched.
        """
        if position != self._position:
            # First scan, or someone else read or unread data meanwhile.
            self._position = position
            self._searched = self._searched_chunks = 0
            self._tail = b""
        separator = self._separator
        seplen = len(separator)
        chunks: Iterable[bytes]
        if self._searched_chunks:
            # Only the chunks fed since the last scan, oldest first, without
            # walking the whole deque.
            fresh = len(buffer) - self._searched_chunks
            chunks = reversed(list(islice(reversed(buffer), fresh)))
        else:
            chunks = buffer
        for chunk in chunks:
            start = offset if self._searched_chunks == 0 else 0
            tail = self._tail
            if tail:
                found = (tail + chunk[start : start + seplen - 1]).find(separator)
                if found != -1:
                    return self._searched - len(tail) + found + seplen
            found = chunk.find(separator, start)
            if found != -1:
                return self._searched + found - start + seplen
            self._searched += len(chunk) - start
            self._searched_chunks += 1
            if seplen > 1:
                kept = chunk[max(start, len(chunk) - seplen + 1) :]
                self._tail = (tail + kept)[1 - seplen :]
            if self._searched > self._limit:
                break
        return -1


class StreamReader:
    """The body of an HTTP request or response, read as it arrives.

    Applications get one as ``web.Request.content`` or
    ``ClientResponse.content`` and never create it themselves. One
    coroutine at a time may wait for data; a second one gets
    ``RuntimeError``. Once an exception is set, every read raises it.
    """

    __slots__ = (
        "_buffer",
        "_eof",
        "_eof_callbacks",
        "_eof_waiter",
        "_exception",
        "_high_water",
        "_high_water_chunks",
        "_http_chunk_splits",
        "_last_chunk_end",
        "_loop",
        "_low_water",
        "_low_water_chunks",
        "_offset",
        "_protocol",
        "_size",
        "_timer",
        "_waiter",
        "total_bytes",
    )

    def __init__(
        self,
        protocol: BaseProtocol,
        limit: int,
        *,
        timer: AbstractContextManager[object] | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._protocol = protocol
        self._loop = protocol._loop if loop is None else loop
        self._timer = timer
        self._init_state(limit)

    def _init_state(self, limit: int) -> None:
        self._low_water = limit
        self._high_water = limit * 2
        self._high_water_chunks = max(4, limit // 16)
        self._low_water_chunks = self._high_water_chunks // 2
        self._buffer: deque[bytes] = deque()
        self._offset = 0  # how much of _buffer[0] was already read
        self._size = 0  # bytes buffered and not read yet
        self.total_bytes = 0
        self._eof = False
        self._exception: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._eof_callbacks: list[Callable[[], None]] = []
        # Stream positions (in total_bytes) where an HTTP chunk ends; None
        # until the body turns out to be chunked.
        self._http_chunk_splits: deque[int] | None = None
        self._last_chunk_end = 0

    def __repr__(self) -> str:
        info = [type(self).__name__]
        if self._size:
            info.append(f"{self._size} bytes")
        if self._eof:
            info.append("eof")
        info.append(f"low={self._low_water} high={self._high_water}")
        if self._waiter is not None:
            info.append(f"w={self._waiter!r}")
        if self._exception is not None:
            info.append(f"e={self._exception!r}")
        return f"<{' '.join(info)}>"

    def get_read_buffer_limits(self) -> tuple[int, int]:
        """Return the low- and high-water marks of the buffer, in bytes."""
        return (self._low_water, self._high_water)

    # -- state ---------------------------------------------------------------

    def exception(self) -> BaseException | None:
        """Return the exception set on the stream, if any."""
        return self._exception

    def is_eof(self) -> bool:
        """Return True once EOF was fed; data may still be buffered."""
        return self._eof

    def at_eof(self) -> bool:
        """Return True once EOF was fed and every byte has been read."""
        return self._eof and not self._buffer

    async def wait_eof(self) -> None:
        """Wait until EOF is fed; the data stays buffered for later reads.

        Raises the stream's exception if one is set before EOF.
        """
        while not self._eof:
            if self._exception is not None:
                raise self._exception
            waiter = self._eof_waiter
            if waiter is None:
                waiter = self._eof_waiter = self._loop.create_future()
            # Shielded: several coroutines may wait, and one being cancelled
            # must not cancel the future the others wait on.
            if self._timer is None:
                await asyncio.shield(waiter)
            else:
                with self._timer:
                    await asyncio.shield(waiter)

    def on_eof(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` at EOF, or now if EOF was already fed.

        An exception from the callback is logged, not raised. Callbacks
        still pending when an exception is set are dropped.
        """
        if self._eof:
            self._run_eof_callback(callback)
        else:
            self._eof_callbacks.append(callback)

    # -- producer side -------------------------------------------------------

    def feed_data(self, data: bytes, size: int = 0) -> None:
        """Append ``data`` to the buffer (``size`` is ignored, for aiohttp).

        Pauses the protocol's reading once the buffer passes its high-water
        mark.
        """
        if not data:
            return
        if self._eof:
            raise RuntimeError("feed_data() called after feed_eof()")
        length = len(data)
        self._buffer.append(data)
        self._size += length
        self.total_bytes += length
        # Checked before the call here and below: mostly nobody waits.
        if self._waiter is not None:
            self._wake_waiter()
        if self._size > self._high_water and not self._protocol._reading_paused:
            self._protocol.pause_reading()

    def feed_eof(self) -> None:
        """Mark the end of the body: wake readers and run the EOF callbacks."""
        self._eof = True
        if self._waiter is not None:
            self._wake_waiter()
        if self._eof_waiter is not None:
            self._wake_eof_waiter()
        callbacks = self._eof_callbacks
        if callbacks:
            self._eof_callbacks = []
            for callback in callbacks:
                self._run_eof_callback(callback)

    def set_exception(
        self,
        exc: BaseException,
        exc_cause: BaseException | _SENTINEL | None = sentinel,
    ) -> None:
        """Fail the stream: the waiting read and every later read raise ``exc``.

        ``exc_cause``, when given, becomes ``exc.__cause__``.
        """
        if exc_cause is not sentinel:  # not given: leave __cause__ alone
            exc.__cause__ = exc_cause
        self._exception = exc
        self._eof_callbacks.clear()
        if self._waiter is not None:
            self._wake_waiter()
        if self._eof_waiter is not None:
            self._wake_eof_waiter()

    def begin_http_chunk_receiving(self) -> None:
        """Note that the body uses the chunked transfer coding.

        Called by the parser before the first chunk's data.
        """
        if self._http_chunk_splits is None:
            if self.total_bytes:
                raise RuntimeError(
                    "Called begin_http_chunk_receiving when some data was already fed"
                )
            self._http_chunk_splits = deque()

    def end_http_chunk_receiving(self) -> None:
        """Mark the end of an HTTP chunk at the current end of the buffer."""
        splits = self._http_chunk_splits
        if splits is None:
            raise RuntimeError(
                "Called end_chunk_receiving without calling begin_chunk_receiving first"
            )
        # An empty chunk (the last one, or a repeated call) ends nothing new.
        if self.total_bytes == self._last_chunk_end:
            return
        self._last_chunk_end = self.total_bytes
        splits.append(self.total_bytes)
        # A reader waiting in readchunk() with nothing buffered can now
        # report the chunk's end.
        self._wake_waiter()
        if len(splits) > self._high_water_chunks and not self._protocol._reading_paused:
            self._protocol.pause_reading()

    # -- consumer side -------------------------------------------------------

    async def readline(self, *, max_line_length: int | None = None) -> bytes:
        """Read one line, ending with a newline byte.

        At EOF without a newline the rest is returned, ``b""`` when nothing
        is left. A line (newline included) longer than ``max_line_length``,
        by default the high-water mark, raises ``ValueError``.
        """
        return await self._read_until(
            b"\n", max_line_length, "Line is too long", "readline"
        )

    async def readuntil(
        self, separator: bytes = b"\n", *, max_size: int | None = None
    ) -> bytes:
        """Read up to and including ``separator``.

        At EOF without the separator the rest is returned, ``b""`` when
        nothing is left. Data (separator included) longer than ``max_size``,
        by default the high-water mark, raises ``ValueError``.
        """
        return await self._read_until(separator, max_size, "Chunk too big", "readuntil")

    async def _read_until(
        self, separator: bytes, max_size: int | None, too_long: str, func_name: str
    ) -> bytes:
        if not separator:
            raise ValueError("Separator should be at least one-byte string")
        limit = self._high_water if max_size is None else max_size
        search: _SeparatorSearch | None = None
        while True:
            if self._exception is not None:
                raise self._exception
            if search is None:
                # Most lines end within the first chunk: no search state then.
                if self._buffer:
                    found = self._buffer[0].find(separator, self._offset)
                    end = found - self._offset + len(separator)
                    if found != -1 and end <= limit:
                        return self._take_chunk(end)
                search = _SeparatorSearch(separator, limit)
            end = search.scan(self._buffer, self._offset, self.total_bytes - self._size)
            if end != -1:
                if end > limit:
                    raise ValueError(too_long)
                return self._take(end)
            if self._size > limit:
                raise ValueError(too_long)
            if self._eof:
                return self._take(-1)
            await self._wait(func_name)

    async def read(self, n: int = -1) -> bytes:
        """Read up to ``n`` bytes, or everything up to EOF when ``n`` is -1.

        Returns ``b""`` at EOF.
        """
        if self._exception is not None:
            raise self._exception
        if n == 0:
            return b""
        if n < 0:
            # Take chunks as they come: holding the whole body in the buffer
            # would pause reading and never see EOF.
            blocks: list[bytes] = []
            while True:
                while self._buffer:
                    blocks.append(self._take_chunk(-1))
                if self._eof:
                    return b"".join(blocks)
                await self._wait("read")
                if self._exception is not None:
                    raise self._exception
        while True:
            if self._buffer:
                return self._take(n)
            if self._eof:
                return b""
            await self._wait("read")
            if self._exception is not None:
                raise self._exception

    async def readany(self) -> bytes:
        """Read the next buffered chunk, waiting only if nothing is buffered.

        Returns ``b""`` at EOF.
        """
        while True:
            if self._exception is not None:
                raise self._exception
            if self._buffer:
                return self._take_chunk(-1)
            if self._eof:
                return b""
            await self._wait("readany")

    async def readchunk(self) -> tuple[bytes, bool]:
        """Read data as received, with whether it ends an HTTP chunk.

        With the chunked transfer coding, returns each chunk's data with
        True (a chunk still arriving comes as pieces with False, then its
        end). Otherwise returns pieces with False. At EOF returns
        ``(b"", False)``.
        """
        while True:
            if self._exception is not None:
                raise self._exception
            splits = self._http_chunk_splits
            if splits:
                # Reads drop the marks they pass, so this one is ahead of us.
                end = splits.popleft()
                return (self._take(end - (self.total_bytes - self._size)), True)
            if self._buffer:
                return (self._take_chunk(-1), False)
            if self._eof:
                return (b"", False)
            await self._wait("readchunk")

    async def readexactly(self, n: int) -> bytes:
        """Read exactly ``n`` bytes.

        Raises ``asyncio.IncompleteReadError``, with the bytes that did come
        as ``partial``, if EOF comes first.
        """
        if n < 0:
            raise ValueError("readexactly size can not be less than zero")
        while True:
            if self._exception is not None:
                raise self._exception
            if self._size >= n:
                return self._take(n)
            if self._eof:
                raise asyncio.IncompleteReadError(self._take(-1), n)
            await self._wait("readexactly")

    def read_nowait(self, n: int = -1) -> bytes:
        """Return up to ``n`` buffered bytes (-1: all of them) without waiting.

        Raises ``RuntimeError`` while a coroutine waits for data.
        """
        if self._exception is not None:
            raise self._exception
        if self._waiter is not None:
            raise RuntimeError(
                "Called while some coroutine is waiting for incoming data."
            )
        return self._take(n)

    def unread_data(self, data: bytes) -> None:
        """Push ``data`` back to the head of the buffer (deprecated).

        Does not wake a waiting reader.
        """
        warnings.warn(
            "unread_data() is deprecated and will be removed in a future release",
            DeprecationWarning,
            stacklevel=2,
        )
        if not data:
            return
        if self._offset:
            self._buffer[0] = self._buffer[0][self._offset :]
            self._offset = 0
        self._buffer.appendleft(data)
        self._size += len(data)

    # -- iteration -----------------------------------------------------------

    def __aiter__(self) -> AsyncStreamIterator[bytes]:
        return AsyncStreamIterator(self.readline)

    def iter_chunked(self, n: int) -> AsyncStreamIterator[bytes]:
        """Iterate over the body in pieces of at most ``n`` bytes."""
        return AsyncStreamIterator(lambda: self.read(n))

    def iter_any(self) -> AsyncStreamIterator[bytes]:
        """Iterate over the body in the pieces it arrived in."""
        return AsyncStreamIterator(self.readany)

    def iter_chunks(self) -> ChunkTupleAsyncStreamIterator:
        """Iterate over ``readchunk()``'s ``(data, end_of_http_chunk)`` pairs."""
        return ChunkTupleAsyncStreamIterator(self)

    # -- internals -----------------------------------------------------------

    def _take_chunk(self, n: int) -> bytes:
        """Up to ``n`` bytes (all if negative) from the first chunk only."""
        chunk = self._buffer[0]
        offset = self._offset
        length = len(chunk)
        if offset == 0 and (n < 0 or n >= length):
            self._buffer.popleft()
            data = chunk
        else:
            end = length if n < 0 else min(length, offset + n)
            data = chunk[offset:end]
            if end == length:
                self._buffer.popleft()
                self._offset = 0
            else:
                self._offset = end
        self._size -= len(data)
        self._after_read()
        return data

    def _take(self, n: int) -> bytes:
        """Up to ``n`` bytes (all if negative), across chunks if need be."""
        if n < 0 or n > self._size:
            n = self._size
        if n == 0:
            return b""
        buffer = self._buffer
        if n <= len(buffer[0]) - self._offset:
            return self._take_chunk(n)
        pieces = []
        remaining = n
        offset = self._offset
        while remaining:
            chunk = buffer[0]
            available = len(chunk) - offset
            if available <= remaining:
                pieces.append(chunk[offset:] if offset else chunk)
                buffer.popleft()
                remaining -= available
                offset = 0
            else:
                pieces.append(chunk[offset : offset + remaining])
                offset += remaining
                remaining = 0
        self._offset = offset
        self._size -= n
        self._after_read()
        return b"".join(pieces)

    def _after_read(self) -> None:
        splits = self._http_chunk_splits
        if splits:
            # Marks behind the read position would only pile up when the
            # application reads a chunked body with something other than
            # readchunk(); one at the position is kept for readchunk().
            position = self.total_bytes - self._size
            while splits and splits[0] < position:
                splits.popleft()
        if (
            self._protocol._reading_paused
            and self._size < self._low_water
            and (not splits or len(splits) < self._low_water_chunks)
        ):
            self._protocol.resume_reading()

    async def _wait(self, func_name: str) -> None:
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is "
                "already waiting for incoming data"
            )
        # This reader needs more than is buffered, so only new data can
        # satisfy it: keeping reading paused would wait forever.
        if self._protocol._reading_paused:
            self._protocol.resume_reading()
        waiter = self._waiter = self._loop.create_future()
        try:
            if self._timer is None:
                await waiter
            else:
                with self._timer:
                    await waiter
        finally:
            self._waiter = None

    def _wake_waiter(self) -> None:
        waiter = self._waiter
        # Done already if fed twice before the reader ran, or cancelled.
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_eof_waiter(self) -> None:
        waiter = self._eof_waiter
        if waiter is not None:
            self._eof_waiter = None
            waiter.set_result(None)

    def _run_eof_callback(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            _internal_logger.exception("Exception in eof callback")


class EmptyStreamReader(StreamReader):
    """The stream of a message without a body: always at EOF, always empty.

    It has no protocol and no loop, so the shared ``EMPTY_PAYLOAD`` can be
    built at import time; feeding it, failing it or pushing data back into it
    does nothing, as every message without a body shares it.
    """

    __slots__ = ()

    def __init__(self) -> None:
        # No protocol, loop or timer: nothing here ever waits or pauses.
        self._init_state(0)
        self._eof = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def feed_data(self, data: bytes, size: int = 0) -> None:
        """Ignore ``data``: this stream stays empty."""

    def set_exception(
        self,
        exc: BaseException,
        exc_cause: BaseException | _SENTINEL | None = sentinel,
    ) -> None:
        """Ignore ``exc``: this stream is shared and never fails."""

    def begin_http_chunk_receiving(self) -> None:
        """Do nothing: this stream has no chunks."""

    def end_http_chunk_receiving(self) -> None:
        """Do nothing: this stream has no chunks."""

    async def readchunk(self) -> tuple[bytes, bool]:
        """Return ``(b"", True)``."""
        return (b"", True)

    def iter_chunks(self) -> ChunkTupleAsyncStreamIterator:
        """Return an iterator that yields nothing."""
        return _ExhaustedChunkIterator(self)

    def unread_data(self, data: bytes) -> None:
        """Warn as ``StreamReader.unread_data()`` does, and keep nothing."""
        warnings.warn(
            "unread_data() is deprecated and will be removed in a future release",
            DeprecationWarning,
            stacklevel=2,
        )


EMPTY_PAYLOAD: Final = EmptyStreamReader()


class DataQueue(Generic[_T]):
    """A queue of items with one reader, ended by EOF or an exception.

    Items fed before an exception are still read; then ``read()`` raises
    the exception, or ``EofStream`` at a plain end.
    """

    __slots__ = ("_buffer", "_eof", "_exception", "_loop", "_size", "_waiter")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._buffer: deque[tuple[_T, int]] = deque()
        self._size = 0  # the sum of the buffered items' sizes

    def __len__(self) -> int:
        return len(self._buffer)

    def is_eof(self) -> bool:
        """Return True once EOF was fed or an exception set."""
        return self._eof

    def at_eof(self) -> bool:
        """Return True at EOF with every item read."""
        return self._eof and not self._buffer

    def exception(self) -> BaseException | None:
        """Return the exception set on the queue, if any."""
        return self._exception

    def set_exception(
        self,
        exc: BaseException,
        exc_cause: BaseException | _SENTINEL | None = sentinel,
    ) -> None:
        """End the queue with ``exc``, raised once the buffered items are read.

        ``exc_cause``, when given, becomes ``exc.__cause__``.
        """
        if exc_cause is not sentinel:  # not given: leave __cause__ alone
            exc.__cause__ = exc_cause
        self._eof = True
        self._exception = exc
        self._wake_waiter()

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Append an item; ``size`` is what it counts for flow control."""
        self._size += size
        self._buffer.append((data, size))
        self._wake_waiter()

    def feed_eof(self) -> None:
        """End the queue: once the buffered items are read, ``EofStream``."""
        self._eof = True
        self._wake_waiter()

    async def read(self) -> _T:
        """Return the next item, waiting for one if need be.

        Raises the queue's exception or ``EofStream`` once it is empty and
        ended.
        """
        if not self._buffer and not self._eof:
            if self._waiter is not None:
                raise RuntimeError(
                    "read() called while another coroutine is already "
                    "waiting for incoming data"
                )
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self._buffer:
            data, size = self._buffer.popleft()
            self._size -= size
            return data
        if self._exception is not None:
            raise self._exception
        raise EofStream

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return AsyncStreamIterator(self.read)

    def _wake_waiter(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class FlowControlDataQueue(DataQueue[_T]):
    """A ``DataQueue`` that pauses the protocol's reading while it is full.

    Reading pauses when the buffered items' sizes add up to more than
    ``limit`` and resumes when a read brings them below it.
    """

    __slots__ = ("_limit", "_protocol")

    def __init__(
        self, protocol: BaseProtocol, limit: int, *, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__(loop=loop)
        self._protocol = protocol
        self._limit = limit

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Append an item and pause reading if the queue is over its limit."""
        super().feed_data(data, size)
        if self._size > self._limit and not self._protocol._reading_paused:
            self._protocol.pause_reading()

    async def read(self) -> _T:
        """Return the next item and resume reading once below the limit."""
        data = await super().read()
        if self._size < self._limit and self._protocol._reading_paused:
            self._protocol.resume_reading()
        return data
