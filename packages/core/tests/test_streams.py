"""aiohttp.streams: StreamReader, EmptyStreamReader, DataQueue and iterators."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TypeVar

import pytest

from aiohttp import streams
from aiohttp.base_protocol import BaseProtocol
from aiohttp.streams import (
    EMPTY_PAYLOAD,
    AsyncStreamIterator,
    ChunkTupleAsyncStreamIterator,
    DataQueue,
    EmptyStreamReader,
    EofStream,
    FlowControlDataQueue,
    StreamReader,
)

T = TypeVar("T")
TIMEOUT = 5.0
DEPRECATED = "unread_data\\(\\) is deprecated"


async def within(awaitable: Awaitable[T]) -> T:
    """Await with a bound, so that a bug fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, TIMEOUT)


async def until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` (a transport's state has no event to wait on)."""
    for _ in range(int(TIMEOUT / 0.001)):
        if condition():
            return
        await asyncio.sleep(0.001)
    pytest.fail("condition not met in time")


def make_stream(
    limit: int = 2**16,
    *,
    timer: contextlib.AbstractContextManager[object] | None = None,
) -> StreamReader:
    """A stream on a protocol without a transport (flow control is a no-op)."""
    return StreamReader(BaseProtocol(asyncio.get_running_loop()), limit, timer=timer)


async def waiting(coroutine: Awaitable[T]) -> asyncio.Task[T]:
    """Start a read as a task and let it reach its wait."""
    task: asyncio.Task[T] = asyncio.ensure_future(coroutine)
    await asyncio.sleep(0)
    assert not task.done()
    return task


# -- a real loopback connection ---------------------------------------------


class _Client(BaseProtocol):
    """Feeds what it receives into its own stream."""

    def __init__(self, loop: asyncio.AbstractEventLoop, limit: int) -> None:
        super().__init__(loop)
        self.stream = StreamReader(self, limit, loop=loop)

    def data_received(self, data: bytes) -> None:
        self.stream.feed_data(data)

    def eof_received(self) -> bool | None:
        self.stream.feed_eof()
        return None


class _Sender(asyncio.Protocol):
    """Sends ``payload`` (then EOF, if asked) to whoever connects."""

    def __init__(self, payload: bytes, eof: bool, closed: asyncio.Future[None]) -> None:
        self._payload = payload
        self._eof = eof
        self._closed = closed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        if self._payload:
            transport.write(self._payload)
        if self._eof:
            transport.write_eof()

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self._closed.done():
            self._closed.set_result(None)


@contextlib.asynccontextmanager
async def loopback(
    payload: bytes = b"", *, limit: int = 2**16, eof: bool = False
) -> AsyncIterator[tuple[_Client, asyncio.Transport]]:
    """A client connected over 127.0.0.1 to a server that sends ``payload``."""
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()
    server = await loop.create_server(
        lambda: _Sender(payload, eof, closed), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    transport, client = await within(
        loop.create_connection(lambda: _Client(loop, limit), "127.0.0.1", port)
    )
    try:
        yield client, transport
    finally:
        transport.close()
        await within(closed)
        server.close()
        await within(server.wait_closed())


# -- the module --------------------------------------------------------------


def test_all_names_the_public_api() -> None:
    assert set(streams.__all__) == {
        "EMPTY_PAYLOAD",
        "EofStream",
        "StreamReader",
        "DataQueue",
        "FlowControlDataQueue",
        "EmptyStreamReader",
        "AsyncStreamIterator",
        "ChunkTupleAsyncStreamIterator",
    }
    for name in streams.__all__:
        assert hasattr(streams, name)


def test_eof_stream_is_an_exception() -> None:
    assert issubclass(EofStream, Exception)


# -- state -------------------------------------------------------------------


async def test_new_stream_is_empty_and_open() -> None:
    stream = make_stream()
    assert not stream.is_eof()
    assert not stream.at_eof()
    assert stream.exception() is None
    assert stream.total_bytes == 0
    assert stream.get_read_buffer_limits() == (2**16, 2**17)
    assert make_stream(10).get_read_buffer_limits() == (10, 20)


async def test_eof_fed_with_data_buffered_is_eof_but_not_at_eof() -> None:
    stream = make_stream()
    stream.feed_data(b"data")
    stream.feed_eof()
    assert stream.is_eof()
    assert not stream.at_eof()
    assert await stream.read() == b"data"
    assert stream.at_eof()


async def test_total_bytes_counts_everything_fed() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_data(b"de", 2)
    await stream.read(4)
    assert stream.total_bytes == 5


async def test_feed_empty_data_is_ignored() -> None:
    stream = make_stream()
    stream.feed_data(b"")
    task = await waiting(stream.readany())
    stream.feed_data(b"")
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_data(b"x")
    assert await within(task) == b"x"
    assert stream.total_bytes == 1


async def test_feed_data_after_eof_is_an_error() -> None:
    stream = make_stream()
    stream.feed_eof()
    with pytest.raises(RuntimeError, match="after feed_eof"):
        stream.feed_data(b"late")


async def test_repr_shows_buffer_eof_waiter_and_exception() -> None:
    stream = make_stream(8)
    assert repr(stream) == "<StreamReader low=8 high=16>"
    stream.feed_data(b"abc")
    stream.feed_eof()
    assert repr(stream) == "<StreamReader 3 bytes eof low=8 high=16>"

    stream = make_stream(8)
    task = await waiting(stream.read())
    assert "w=<Future pending" in repr(stream)
    stream.set_exception(ValueError("boom"))
    assert "e=ValueError('boom')" in repr(stream)
    with pytest.raises(ValueError, match="boom"):
        await within(task)


# -- read() ------------------------------------------------------------------


async def test_read_all_until_eof() -> None:
    stream = make_stream()
    stream.feed_data(b"line1\n")
    stream.feed_data(b"line2\n")
    stream.feed_eof()
    assert await stream.read() == b"line1\nline2\n"
    assert await stream.read() == b""


async def test_read_all_waits_for_eof_across_feeds() -> None:
    stream = make_stream()
    task = await waiting(stream.read())
    stream.feed_data(b"abc")
    await asyncio.sleep(0)
    stream.feed_data(b"def")
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_eof()
    assert await within(task) == b"abcdef"


async def test_read_all_returns_the_single_chunk_itself() -> None:
    stream = make_stream()
    data = bytes(range(200))
    stream.feed_data(data)
    stream.feed_eof()
    assert await stream.read(-1) is data


async def test_read_n_returns_at_most_n_across_chunks() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_data(b"def")
    assert await stream.read(2) == b"ab"
    assert await stream.read(2) == b"cd"
    assert await stream.read(10) == b"ef"
    stream.feed_eof()
    assert await stream.read(10) == b""


async def test_read_n_returns_what_is_buffered_without_waiting_for_n() -> None:
    stream = make_stream()
    stream.feed_data(b"ab")
    assert await stream.read(100) == b"ab"


async def test_read_n_waits_for_data() -> None:
    stream = make_stream()
    task = await waiting(stream.read(5))
    stream.feed_data(b"abc")
    assert await within(task) == b"abc"


async def test_read_n_at_eof_after_wait_returns_empty() -> None:
    stream = make_stream()
    task = await waiting(stream.read(5))
    stream.feed_eof()
    assert await within(task) == b""


async def test_read_zero_returns_empty_without_waiting() -> None:
    stream = make_stream()
    assert await stream.read(0) == b""


# -- readany() ---------------------------------------------------------------


async def test_readany_returns_whole_chunks_without_copying() -> None:
    stream = make_stream()
    first = b"first chunk " * 3
    second = b"second chunk " * 3
    stream.feed_data(first)
    stream.feed_data(second)
    assert await stream.readany() is first
    assert await stream.readany() is second


async def test_readany_after_a_partial_read_returns_the_rest_of_the_chunk() -> None:
    stream = make_stream()
    stream.feed_data(b"abcdef")
    stream.feed_data(b"ghi")
    assert await stream.read(2) == b"ab"
    assert await stream.readany() == b"cdef"
    assert await stream.readany() == b"ghi"


async def test_readany_waits_and_returns_empty_at_eof() -> None:
    stream = make_stream()
    task = await waiting(stream.readany())
    stream.feed_data(b"x")
    assert await within(task) == b"x"
    task = await waiting(stream.readany())
    stream.feed_eof()
    assert await within(task) == b""


# -- readline() and readuntil() ----------------------------------------------


async def test_readline_splits_lines_across_chunks() -> None:
    stream = make_stream()
    stream.feed_data(b"li")
    stream.feed_data(b"ne1\nline2\nre")
    stream.feed_data(b"st")
    assert await stream.readline() == b"line1\n"
    assert await stream.readline() == b"line2\n"
    stream.feed_eof()
    assert await stream.readline() == b"rest"
    assert await stream.readline() == b""


async def test_readline_waits_for_the_newline() -> None:
    stream = make_stream()
    task = await waiting(stream.readline())
    stream.feed_data(b"ab")
    await asyncio.sleep(0)
    stream.feed_data(b"c")
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_data(b"d\nnext")
    assert await within(task) == b"abcd\n"
    assert await stream.read(4) == b"next"


async def test_readline_after_partial_read_starts_at_the_read_position() -> None:
    stream = make_stream()
    stream.feed_data(b"\nab\ncd\n")
    assert await stream.read(1) == b"\n"
    assert await stream.readline() == b"ab\n"
    assert await stream.readline() == b"cd\n"


async def test_readline_longer_than_max_line_length_raises() -> None:
    stream = make_stream()
    stream.feed_data(b"abcdef\n")
    with pytest.raises(ValueError, match="Line is too long"):
        await stream.readline(max_line_length=5)


async def test_readline_of_exactly_max_line_length_is_read() -> None:
    stream = make_stream()
    stream.feed_data(b"abcd\nefgh")
    assert await stream.readline(max_line_length=5) == b"abcd\n"
    stream.feed_eof()
    assert await stream.readline(max_line_length=5) == b"efgh"


async def test_readline_without_newline_past_the_high_water_mark_raises() -> None:
    stream = make_stream(4)
    stream.feed_data(b"12345678")
    task = await waiting(stream.readline())
    stream.feed_data(b"9")
    with pytest.raises(ValueError, match="Line is too long"):
        await within(task)


async def test_readline_gives_up_searching_once_past_the_limit() -> None:
    stream = make_stream()
    for _ in range(100):
        stream.feed_data(b"xxxx")
    with pytest.raises(ValueError, match="Line is too long"):
        await stream.readline(max_line_length=10)


async def test_readuntil_multibyte_separator_split_across_feeds() -> None:
    stream = make_stream()
    stream.feed_data(b"abc\r")
    task = await waiting(stream.readuntil(b"\r\n"))
    stream.feed_data(b"\ndef")
    assert await within(task) == b"abc\r\n"
    assert await stream.read(3) == b"def"


async def test_readuntil_separator_spanning_three_chunks() -> None:
    stream = make_stream()
    stream.feed_data(b"a-")
    stream.feed_data(b"-")
    stream.feed_data(b"bc")
    assert await stream.readuntil(b"--b") == b"a--b"
    assert await stream.read(1) == b"c"


async def test_readuntil_fed_one_byte_at_a_time_with_near_misses() -> None:
    stream = make_stream()
    data = b"xx--bound--boundary!tail"
    task = await waiting(stream.readuntil(b"--boundary"))
    for byte in data:
        stream.feed_data(bytes([byte]))
        await asyncio.sleep(0)
    assert await within(task) == b"xx--bound--boundary"
    assert await stream.read(5) == b"!tail"


async def test_readuntil_separator_straddling_a_partly_read_chunk() -> None:
    stream = make_stream()
    stream.feed_data(b"0123ab=")
    assert await stream.read(4) == b"0123"
    stream.feed_data(b"=cd")
    assert await stream.readuntil(b"==") == b"ab=="
    assert await stream.read(2) == b"cd"


async def test_readuntil_at_eof_returns_the_rest() -> None:
    stream = make_stream()
    stream.feed_data(b"ab\r")
    stream.feed_eof()
    assert await stream.readuntil(b"\r\n") == b"ab\r"
    assert await stream.readuntil(b"\r\n") == b""


async def test_readuntil_wakes_at_eof() -> None:
    stream = make_stream()
    task = await waiting(stream.readuntil(b"|"))
    stream.feed_data(b"abc")
    await asyncio.sleep(0)
    stream.feed_eof()
    assert await within(task) == b"abc"


async def test_readuntil_empty_separator_is_rejected() -> None:
    stream = make_stream()
    with pytest.raises(
        ValueError, match="Separator should be at least one-byte string"
    ):
        await stream.readuntil(b"")


async def test_readuntil_past_max_size_raises_chunk_too_big() -> None:
    stream = make_stream()
    stream.feed_data(b"0123456789|")
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readuntil(b"|", max_size=10)
    stream = make_stream(4)
    stream.feed_data(b"0123456789")
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readuntil(b"|")


async def test_readuntil_sees_data_another_reader_took_meanwhile() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    task = await waiting(stream.readuntil(b"\n"))
    # readany() has data, so it does not wait and does not collide.
    assert await stream.readany() == b"abc"
    stream.feed_data(b"d\n")
    assert await within(task) == b"d\n"


# -- readexactly() -----------------------------------------------------------


async def test_readexactly_across_chunks() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_data(b"de")
    stream.feed_data(b"fgh")
    assert await stream.read(1) == b"a"
    assert await stream.readexactly(6) == b"bcdefg"
    assert await stream.readexactly(1) == b"h"


async def test_readexactly_waits_for_enough() -> None:
    stream = make_stream()
    stream.feed_data(b"ab")
    task = await waiting(stream.readexactly(5))
    stream.feed_data(b"cd")
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_data(b"efg")
    assert await within(task) == b"abcde"
    assert stream.read_nowait() == b"fg"


async def test_readexactly_at_early_eof_raises_incomplete_read() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    task = await waiting(stream.readexactly(5))
    stream.feed_eof()
    with pytest.raises(asyncio.IncompleteReadError) as info:
        await within(task)
    assert info.value.partial == b"abc"
    assert info.value.expected == 5
    assert stream.at_eof()


async def test_readexactly_zero_and_negative() -> None:
    stream = make_stream()
    assert await stream.readexactly(0) == b""
    with pytest.raises(ValueError, match="less than zero"):
        await stream.readexactly(-1)


# -- readchunk() and HTTP chunk boundaries ------------------------------------


async def test_readchunk_without_chunk_marks_returns_pieces_with_false() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_data(b"de")
    assert await stream.readchunk() == (b"abc", False)
    assert await stream.readchunk() == (b"de", False)
    task = await waiting(stream.readchunk())
    stream.feed_data(b"f")
    assert await within(task) == (b"f", False)
    task = await waiting(stream.readchunk())
    stream.feed_eof()
    assert await within(task) == (b"", False)


async def test_readchunk_returns_http_chunks_with_their_ends() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"ab")
    stream.feed_data(b"c")
    stream.end_http_chunk_receiving()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"de")
    stream.end_http_chunk_receiving()
    stream.feed_eof()
    assert await stream.readchunk() == (b"abc", True)
    assert await stream.readchunk() == (b"de", True)
    assert await stream.readchunk() == (b"", False)


async def test_readchunk_of_a_chunk_still_arriving_then_its_end() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"ab")
    assert await stream.readchunk() == (b"ab", False)
    task = await waiting(stream.readchunk())
    stream.end_http_chunk_receiving()
    assert await within(task) == (b"", True)
    stream.feed_eof()
    assert await stream.readchunk() == (b"", False)


async def test_empty_and_repeated_chunk_ends_are_ignored() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.end_http_chunk_receiving()
    stream.feed_data(b"a")
    stream.end_http_chunk_receiving()
    stream.end_http_chunk_receiving()
    stream.feed_data(b"b")
    stream.end_http_chunk_receiving()
    stream.feed_eof()
    assert [chunk async for chunk in stream.iter_chunks()] == [
        (b"a", True),
        (b"b", True),
    ]


async def test_begin_chunk_receiving_after_data_is_an_error() -> None:
    stream = make_stream()
    stream.feed_data(b"x")
    with pytest.raises(RuntimeError, match="already fed"):
        stream.begin_http_chunk_receiving()


async def test_end_chunk_receiving_without_begin_is_an_error() -> None:
    stream = make_stream()
    with pytest.raises(RuntimeError, match="without calling"):
        stream.end_http_chunk_receiving()


async def test_other_reads_drop_the_chunk_marks_they_pass() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    for piece in (b"ab", b"cd", b"ef"):
        stream.feed_data(piece)
        stream.end_http_chunk_receiving()
    assert await stream.read(3) == b"abc"
    assert await stream.readchunk() == (b"d", True)
    assert await stream.read(2) == b"ef"
    # A read ending on a chunk end leaves that end for readchunk().
    assert await stream.readchunk() == (b"", True)
    stream.feed_eof()
    assert await stream.readchunk() == (b"", False)


# -- read_nowait() and unread_data() ------------------------------------------


async def test_read_nowait() -> None:
    stream = make_stream()
    assert stream.read_nowait() == b""
    stream.feed_data(b"abc")
    stream.feed_data(b"def")
    assert stream.read_nowait(2) == b"ab"
    assert stream.read_nowait(-1) == b"cdef"


async def test_read_nowait_while_a_reader_waits_is_an_error() -> None:
    stream = make_stream()
    task = await waiting(stream.read())
    with pytest.raises(
        RuntimeError, match="Called while some coroutine is waiting for incoming data"
    ):
        stream.read_nowait()
    stream.feed_eof()
    assert await within(task) == b""


async def test_unread_data_is_deprecated_and_pushes_back_at_the_head() -> None:
    stream = make_stream()
    stream.feed_data(b"abcdef")
    assert await stream.read(3) == b"abc"
    with pytest.warns(DeprecationWarning, match=DEPRECATED):
        stream.unread_data(b"XY")
    assert stream.read_nowait() == b"XYdef"
    with pytest.warns(DeprecationWarning, match=DEPRECATED):
        stream.unread_data(b"")
    assert stream.read_nowait() == b""
    with pytest.warns(DeprecationWarning, match=DEPRECATED):
        stream.unread_data(b"again")
    assert await stream.readany() == b"again"


# -- iteration ---------------------------------------------------------------


async def test_async_for_iterates_over_lines() -> None:
    stream = make_stream()
    stream.feed_data(b"one\ntw")
    stream.feed_data(b"o\nthree")
    stream.feed_eof()
    assert [line async for line in stream] == [b"one\n", b"two\n", b"three"]


async def test_iter_chunked_limits_the_piece_size() -> None:
    stream = make_stream()
    stream.feed_data(b"abcdefg")
    stream.feed_data(b"h")
    stream.feed_eof()
    assert [data async for data in stream.iter_chunked(3)] == [b"abc", b"def", b"gh"]


async def test_iter_any_yields_chunks_as_fed() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_data(b"de")
    stream.feed_eof()
    assert [data async for data in stream.iter_any()] == [b"abc", b"de"]


async def test_iter_chunks_without_chunk_marks() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_eof()
    iterator = stream.iter_chunks()
    assert isinstance(iterator, ChunkTupleAsyncStreamIterator)
    assert iterator.__aiter__() is iterator
    assert [chunk async for chunk in iterator] == [(b"abc", False)]


async def test_async_stream_iterator_stops_at_eof_stream_or_empty_bytes() -> None:
    results: list[object] = [b"a", b"", b"b"]

    async def read() -> object:
        if not results:
            raise EofStream
        return results.pop(0)

    iterator = AsyncStreamIterator(read)
    assert iterator.__aiter__() is iterator
    assert [item async for item in iterator] == [b"a"]
    assert [item async for item in AsyncStreamIterator(read)] == [b"b"]


# -- exceptions --------------------------------------------------------------

READS: list[Callable[[StreamReader], Awaitable[object]]] = [
    lambda stream: stream.read(),
    lambda stream: stream.read(3),
    lambda stream: stream.readany(),
    lambda stream: stream.readline(),
    lambda stream: stream.readuntil(b"--"),
    lambda stream: stream.readexactly(3),
    lambda stream: stream.readchunk(),
    lambda stream: stream.wait_eof(),
]
READ_IDS = [
    "read",
    "read_n",
    "readany",
    "readline",
    "readuntil",
    "readexactly",
    "readchunk",
    "wait_eof",
]


@pytest.mark.parametrize("read", READS, ids=READ_IDS)
async def test_exception_set_before_a_read_is_raised(
    read: Callable[[StreamReader], Awaitable[object]],
) -> None:
    stream = make_stream()
    stream.feed_data(b"buffered")
    error = ValueError("broken body")
    stream.set_exception(error)
    assert stream.exception() is error
    with pytest.raises(ValueError, match="broken body"):
        await read(stream)
    with pytest.raises(ValueError, match="broken body"):
        await read(stream)


@pytest.mark.parametrize("read", READS, ids=READ_IDS)
async def test_exception_set_during_a_wait_wakes_the_reader(
    read: Callable[[StreamReader], Awaitable[object]],
) -> None:
    stream = make_stream()
    task = await waiting(read(stream))
    stream.set_exception(ValueError("broken body"))
    with pytest.raises(ValueError, match="broken body"):
        await within(task)


async def test_read_nowait_raises_the_exception() -> None:
    stream = make_stream()
    stream.set_exception(ValueError("broken body"))
    with pytest.raises(ValueError, match="broken body"):
        stream.read_nowait()


async def test_set_exception_with_a_cause() -> None:
    stream = make_stream()
    cause = OSError("reset")
    error = ValueError("broken body")
    stream.set_exception(error, cause)
    assert error.__cause__ is cause

    earlier = KeyError("earlier")
    error = ValueError("no cause")
    error.__cause__ = earlier
    make_stream().set_exception(error)
    assert error.__cause__ is earlier
    make_stream().set_exception(error, exc_cause=None)
    assert error.__cause__ is None


async def test_two_readers_waiting_at_once_is_an_error() -> None:
    stream = make_stream()
    task = await waiting(stream.readline())
    with pytest.raises(RuntimeError, match=r"readany\(\) called while another"):
        await stream.readany()
    stream.feed_data(b"line\n")
    assert await within(task) == b"line\n"


async def test_a_cancelled_reader_does_not_break_the_stream() -> None:
    stream = make_stream()
    task = await waiting(stream.readany())
    task.cancel()
    # Fed before the cancelled task ran again: its waiter is already done.
    stream.feed_data(b"x")
    stream.feed_data(b"y")
    with pytest.raises(asyncio.CancelledError):
        await within(task)
    assert await stream.read(2) == b"xy"


# -- timer -------------------------------------------------------------------


class RecordingTimer:
    """Records when a read enters and leaves it."""

    def __init__(self) -> None:
        self.entered = 0
        self.active = False

    def __enter__(self) -> RecordingTimer:
        self.entered += 1
        self.active = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.active = False


class CancelAfter:
    """Cancels the waiting task after ``delay`` and turns that into a timeout."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._handle: asyncio.TimerHandle | None = None
        self._fired = False

    def __enter__(self) -> CancelAfter:
        task = asyncio.current_task()
        assert task is not None

        def fire() -> None:
            self._fired = True
            task.cancel()

        self._handle = asyncio.get_running_loop().call_later(self._delay, fire)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._handle is not None
        self._handle.cancel()
        if exc_type is asyncio.CancelledError and self._fired:
            self._fired = False
            raise asyncio.TimeoutError from None


async def test_timer_is_entered_around_each_wait_only() -> None:
    timer = RecordingTimer()
    stream = make_stream(timer=timer)
    stream.feed_data(b"ready")
    assert await stream.readany() == b"ready"
    assert timer.entered == 0
    task = await waiting(stream.readany())
    assert timer.active
    stream.feed_data(b"later")
    assert await within(task) == b"later"
    assert timer.entered == 1
    assert not timer.active


async def test_timer_is_entered_around_wait_eof() -> None:
    timer = RecordingTimer()
    stream = make_stream(timer=timer)
    task = await waiting(stream.wait_eof())
    assert timer.active
    stream.feed_eof()
    await within(task)
    assert not timer.active


async def test_timer_can_time_a_read_out_and_the_stream_stays_usable() -> None:
    stream = make_stream(timer=CancelAfter(0.01))
    with pytest.raises(asyncio.TimeoutError):
        await within(stream.readline())
    stream.feed_data(b"line\n")
    assert await within(stream.readline()) == b"line\n"


# -- EOF waiting and callbacks -----------------------------------------------


async def test_wait_eof() -> None:
    stream = make_stream()
    first = await waiting(stream.wait_eof())
    second = await waiting(stream.wait_eof())
    stream.feed_data(b"kept")
    await asyncio.sleep(0)
    assert not first.done()
    stream.feed_eof()
    await within(asyncio.gather(first, second))
    await within(stream.wait_eof())
    assert await stream.read() == b"kept"


async def test_a_cancelled_wait_eof_does_not_cancel_the_others() -> None:
    stream = make_stream()
    first = await waiting(stream.wait_eof())
    second = await waiting(stream.wait_eof())
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await within(first)
    stream.feed_eof()
    await within(second)


async def test_on_eof_callbacks() -> None:
    stream = make_stream()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("first"))
    stream.on_eof(lambda: calls.append("second"))
    assert calls == []
    stream.feed_eof()
    assert calls == ["first", "second"]
    stream.on_eof(lambda: calls.append("late"))
    assert calls == ["first", "second", "late"]
    stream.feed_eof()
    assert calls == ["first", "second", "late"]


async def test_failing_eof_callback_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream = make_stream()
    calls: list[str] = []

    def broken() -> None:
        raise ZeroDivisionError

    stream.on_eof(broken)
    stream.on_eof(lambda: calls.append("after"))
    with caplog.at_level(logging.ERROR, logger="aiohttp.internal"):
        stream.feed_eof()
        stream.on_eof(broken)
    assert calls == ["after"]
    records = [r for r in caplog.records if r.name == "aiohttp.internal"]
    assert len(records) == 2
    assert all(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in records)


async def test_eof_callbacks_are_dropped_when_the_stream_fails() -> None:
    stream = make_stream()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("eof"))
    stream.set_exception(ValueError())
    stream.feed_eof()
    assert calls == []


# -- flow control over a real connection --------------------------------------


async def test_reading_pauses_above_high_water_and_resumes_below_low_water() -> None:
    async with loopback(b"x" * 100, limit=16) as (client, transport):
        stream = client.stream
        await until(lambda: not transport.is_reading())
        assert stream.total_bytes == 100
        assert await stream.readexactly(70) == b"x" * 70
        assert not transport.is_reading()  # 30 left: not below 16
        assert await stream.readexactly(15) == b"x" * 15
        assert transport.is_reading()  # 15 left
        assert await stream.read(100) == b"x" * 15


async def test_no_pause_up_to_the_high_water_mark() -> None:
    async with loopback(b"x" * 32, limit=16) as (client, transport):
        await until(lambda: client.stream.total_bytes == 32)
        assert transport.is_reading()


async def test_a_reader_wanting_more_than_high_water_resumes_reading() -> None:
    payload = bytes(range(256)) * 4096  # 1 MiB, far above 2 * 1024
    async with loopback(payload, limit=1024) as (client, _):
        assert await within(client.stream.readexactly(len(payload))) == payload


async def test_a_long_line_with_a_larger_max_is_read_despite_flow_control() -> None:
    payload = b"x" * 100_000 + b"\n"
    async with loopback(payload, limit=1024) as (client, _):
        line = await within(client.stream.readline(max_line_length=200_000))
        assert line == payload


async def test_read_all_of_a_large_body_with_flow_control() -> None:
    payload = bytes(range(256)) * 4096
    async with loopback(payload, limit=1024, eof=True) as (client, _):
        assert await within(client.stream.read()) == payload
        assert client.stream.at_eof()


async def test_iterating_a_large_body_with_flow_control() -> None:
    payload = bytes(range(256)) * 1024
    async with loopback(payload, limit=1024, eof=True) as (client, _):
        pieces = [data async for data in client.stream.iter_chunked(1000)]
        assert all(len(data) <= 1000 for data in pieces)
        assert b"".join(pieces) == payload


async def test_many_tiny_http_chunks_pause_reading() -> None:
    async with loopback(limit=64) as (client, transport):
        stream = client.stream
        # max(4, 64 // 16) = 4 marks before pausing, resume below 2.
        stream.begin_http_chunk_receiving()
        for _ in range(4):
            stream.feed_data(b"x")
            stream.end_http_chunk_receiving()
        assert transport.is_reading()
        stream.feed_data(b"x")
        stream.end_http_chunk_receiving()
        assert not transport.is_reading()
        for _ in range(3):
            assert await stream.readchunk() == (b"x", True)
            assert not transport.is_reading()
        assert await stream.readchunk() == (b"x", True)
        assert transport.is_reading()


async def test_reading_a_chunked_body_with_read_releases_the_chunk_marks() -> None:
    async with loopback(limit=64) as (client, transport):
        stream = client.stream
        stream.begin_http_chunk_receiving()
        for _ in range(10):
            stream.feed_data(b"x")
            stream.end_http_chunk_receiving()
        assert not transport.is_reading()
        assert await stream.read(10) == b"x" * 10
        assert transport.is_reading()
        assert await stream.readchunk() == (b"", True)


async def test_bytes_above_low_water_keep_reading_paused_despite_few_marks() -> None:
    async with loopback(limit=8) as (client, transport):
        stream = client.stream
        stream.feed_data(b"x" * 17)
        assert not transport.is_reading()
        assert await stream.read(5) == b"x" * 5
        assert not transport.is_reading()
        assert await stream.read(5) == b"x" * 5
        assert transport.is_reading()


# -- EmptyStreamReader -------------------------------------------------------


def test_empty_stream_reader_needs_no_event_loop() -> None:
    reader = EmptyStreamReader()
    assert isinstance(EMPTY_PAYLOAD, EmptyStreamReader)
    assert isinstance(EMPTY_PAYLOAD, StreamReader)
    assert reader.at_eof()
    assert reader.is_eof()
    assert reader.total_bytes == 0
    assert reader.exception() is None
    assert repr(reader) == "<EmptyStreamReader>"


async def test_empty_payload_reads_return_nothing() -> None:
    assert await EMPTY_PAYLOAD.read() == b""
    assert await EMPTY_PAYLOAD.read(10) == b""
    assert await EMPTY_PAYLOAD.readany() == b""
    assert await EMPTY_PAYLOAD.readline() == b""
    assert await EMPTY_PAYLOAD.readuntil(b"--") == b""
    assert await EMPTY_PAYLOAD.readchunk() == (b"", True)
    assert await EMPTY_PAYLOAD.readexactly(0) == b""
    with pytest.raises(asyncio.IncompleteReadError):
        await EMPTY_PAYLOAD.readexactly(1)
    assert EMPTY_PAYLOAD.read_nowait() == b""
    await within(EMPTY_PAYLOAD.wait_eof())


async def test_empty_payload_iterators_yield_nothing() -> None:
    assert [line async for line in EMPTY_PAYLOAD] == []
    assert [data async for data in EMPTY_PAYLOAD.iter_any()] == []
    assert [data async for data in EMPTY_PAYLOAD.iter_chunked(4)] == []
    assert [chunk async for chunk in EMPTY_PAYLOAD.iter_chunks()] == []


async def test_empty_payload_cannot_be_changed() -> None:
    reader = EmptyStreamReader()
    reader.feed_data(b"data")
    reader.begin_http_chunk_receiving()
    reader.end_http_chunk_receiving()
    reader.set_exception(ValueError(), None)
    reader.feed_eof()
    with pytest.warns(DeprecationWarning, match=DEPRECATED):
        reader.unread_data(b"back")
    assert reader.exception() is None
    assert reader.at_eof()
    assert await reader.read() == b""


async def test_empty_payload_calls_eof_callbacks_at_once() -> None:
    calls: list[int] = []
    EMPTY_PAYLOAD.on_eof(lambda: calls.append(1))
    assert calls == [1]


# -- DataQueue and FlowControlDataQueue ---------------------------------------


async def test_data_queue_delivers_items_in_order_then_eof_stream() -> None:
    queue: DataQueue[str] = DataQueue(asyncio.get_running_loop())
    assert not queue.is_eof()
    queue.feed_data("one", 3)
    queue.feed_data("two")
    assert len(queue) == 2
    queue.feed_eof()
    assert queue.is_eof()
    assert not queue.at_eof()
    assert await queue.read() == "one"
    assert await queue.read() == "two"
    assert queue.at_eof()
    with pytest.raises(EofStream):
        await queue.read()


async def test_data_queue_read_waits_for_an_item_or_eof() -> None:
    queue: DataQueue[bytes] = DataQueue(asyncio.get_running_loop())
    task = await waiting(queue.read())
    queue.feed_data(b"item")
    assert await within(task) == b"item"
    task = await waiting(queue.read())
    queue.feed_eof()
    with pytest.raises(EofStream):
        await within(task)


async def test_data_queue_delivers_items_before_the_exception() -> None:
    queue: DataQueue[int] = DataQueue(asyncio.get_running_loop())
    queue.feed_data(1)
    cause = OSError("reset")
    error = ValueError("bad frame")
    queue.set_exception(error, cause)
    assert error.__cause__ is cause
    assert queue.exception() is error
    assert queue.is_eof()
    assert await queue.read() == 1
    with pytest.raises(ValueError, match="bad frame"):
        await queue.read()


async def test_data_queue_exception_wakes_the_reader() -> None:
    queue: DataQueue[int] = DataQueue(asyncio.get_running_loop())
    task = await waiting(queue.read())
    error = ValueError("bad frame")
    queue.set_exception(error)
    assert error.__cause__ is None
    with pytest.raises(ValueError, match="bad frame"):
        await within(task)


async def test_data_queue_two_readers_is_an_error() -> None:
    queue: DataQueue[int] = DataQueue(asyncio.get_running_loop())
    task = await waiting(queue.read())
    with pytest.raises(RuntimeError, match="another coroutine"):
        await queue.read()
    queue.feed_data(1)
    queue.feed_data(2)  # the waiter was woken already
    assert await within(task) == 1


async def test_data_queue_async_iteration_stops_at_eof() -> None:
    queue: DataQueue[str] = DataQueue(asyncio.get_running_loop())
    queue.feed_data("a")
    queue.feed_data("b")
    queue.feed_eof()
    assert [item async for item in queue] == ["a", "b"]


async def test_flow_control_data_queue_pauses_and_resumes_reading() -> None:
    async with loopback() as (client, transport):
        queue: FlowControlDataQueue[str] = FlowControlDataQueue(
            client, 10, loop=asyncio.get_running_loop()
        )
        queue.feed_data("a", 6)
        assert transport.is_reading()
        queue.feed_data("b", 6)
        assert not transport.is_reading()
        queue.feed_data("c", 6)
        assert not transport.is_reading()
        assert await queue.read() == "a"
        assert not transport.is_reading()  # 12 left
        assert await queue.read() == "b"
        assert transport.is_reading()  # 6 left
        assert await queue.read() == "c"
        assert transport.is_reading()


# -- memory ------------------------------------------------------------------


async def test_instances_have_no_dict() -> None:
    loop = asyncio.get_running_loop()
    objects: list[object] = [
        make_stream(),
        make_stream().iter_any(),
        EMPTY_PAYLOAD,
        EMPTY_PAYLOAD.iter_chunks(),
        DataQueue[int](loop),
        FlowControlDataQueue[int](BaseProtocol(loop), 1, loop=loop),
    ]
    assert not any(hasattr(obj, "__dict__") for obj in objects)
