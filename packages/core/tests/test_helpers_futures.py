"""aiohttp.helpers: set_result and set_exception on futures that may be done."""

from __future__ import annotations

import asyncio

import pytest

from aiohttp.base_protocol import BaseProtocol
from aiohttp.helpers import set_exception, set_result
from aiohttp.streams import StreamReader


async def test_set_result() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    set_result(fut, 1)
    assert fut.result() == 1


async def test_set_result_when_done_is_ignored() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    fut.set_result(1)
    set_result(fut, 2)
    assert fut.result() == 1


async def test_set_result_when_cancelled_is_ignored() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    fut.cancel()
    set_result(fut, 2)
    assert fut.cancelled()


async def test_set_exception() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    exc = ValueError("x")
    set_exception(fut, exc)
    assert fut.exception() is exc
    assert exc.__cause__ is None
    assert not exc.__suppress_context__


async def test_set_exception_with_cause() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    cause = OSError("reset")
    exc = ConnectionError("lost")
    set_exception(fut, exc, cause)
    assert fut.exception() is exc
    assert exc.__cause__ is cause


async def test_set_exception_with_none_cause() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    exc = ValueError("x")
    set_exception(fut, exc, None)
    assert exc.__cause__ is None
    assert exc.__suppress_context__


async def test_set_exception_never_causes_itself() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    exc = ValueError("x")
    set_exception(fut, exc, exc)
    assert exc.__cause__ is None


async def test_set_exception_when_done_is_ignored() -> None:
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    fut.set_result(1)
    exc = ValueError("x")
    set_exception(fut, exc, OSError())
    assert fut.result() == 1
    assert exc.__cause__ is None


class Failable:
    """Not a future: has set_exception and nothing else."""

    def __init__(self) -> None:
        self.exceptions: list[BaseException] = []

    def set_exception(self, exc: BaseException) -> None:
        self.exceptions.append(exc)


def test_set_exception_on_any_failable() -> None:
    target = Failable()
    cause = OSError()
    first, second = ValueError("1"), ValueError("2")
    set_exception(target, first, cause)
    set_exception(target, second)
    assert target.exceptions == [first, second]
    assert first.__cause__ is cause
    assert second.__cause__ is None


async def test_set_exception_on_a_stream() -> None:
    loop = asyncio.get_running_loop()
    stream = StreamReader(BaseProtocol(loop), 2**16, loop=loop)
    exc = ConnectionResetError("gone")
    set_exception(stream, exc)
    with pytest.raises(ConnectionResetError):
        await stream.read()
