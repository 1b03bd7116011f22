"""loop_context, setup_test_loop, teardown_test_loop and the port helpers."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import sys
import threading
import warnings
from collections.abc import AsyncIterator
from unittest import mock

import pytest

from aiohttp.test_utils import (
    REUSE_ADDRESS,
    get_port_socket,
    get_unused_port_socket,
    loop_context,
    setup_test_loop,
    teardown_test_loop,
    unused_port,
)


def current_loop() -> asyncio.AbstractEventLoop | None:
    """The loop set for this thread, without creating one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        policy = asyncio.get_event_loop_policy()
        try:
            return policy.get_event_loop()
        except RuntimeError:
            return None


def test_loop_context_sets_a_new_loop_and_closes_it() -> None:
    with loop_context() as loop:
        assert isinstance(loop, asyncio.AbstractEventLoop)
        assert not loop.is_closed()
        assert current_loop() is loop
        assert loop.run_until_complete(asyncio.sleep(0, result=5)) == 5
    assert loop.is_closed()
    # The loop is no longer the current one.
    assert current_loop() is not loop


def test_each_loop_context_has_its_own_loop() -> None:
    with loop_context() as first:
        pass
    with loop_context() as second:
        assert second is not first


def test_loop_context_uses_the_factory() -> None:
    made: list[asyncio.AbstractEventLoop] = []

    def factory() -> asyncio.AbstractEventLoop:
        loop = asyncio.SelectorEventLoop()
        made.append(loop)
        return loop

    with loop_context(factory) as loop:
        assert made == [loop]
        assert isinstance(loop, asyncio.SelectorEventLoop)
    assert loop.is_closed()


def test_loop_context_closes_the_loop_when_the_block_raises() -> None:
    with pytest.raises(ZeroDivisionError), loop_context() as loop:
        1 / 0  # noqa: B018
    assert loop.is_closed()


def test_teardown_cancels_pending_tasks() -> None:
    cancelled = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    with loop_context() as loop:
        task = loop.create_task(forever())
        loop.run_until_complete(asyncio.sleep(0))
    assert task.cancelled()
    assert cancelled == [True]


def test_teardown_reports_a_task_that_fails_while_cancelled() -> None:
    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ValueError("cleanup failed") from None

    handler = mock.Mock()
    with loop_context() as loop:
        loop.set_exception_handler(handler)
        loop.create_task(stubborn())
        loop.run_until_complete(asyncio.sleep(0))
    handler.assert_called_once()
    context = handler.call_args.args[1]
    assert isinstance(context["exception"], ValueError)


def test_teardown_finalises_async_generators() -> None:
    finalised = []

    async def numbers() -> AsyncIterator[int]:
        try:
            yield 1
            yield 2
        finally:
            finalised.append(True)

    generator = numbers()

    async def first() -> int:
        # Iterated inside the running loop, the generator is the loop's.
        return await generator.__anext__()

    with loop_context() as loop:
        assert loop.run_until_complete(first()) == 1
    assert finalised == [True]


def test_teardown_shuts_the_default_executor_down() -> None:
    threads: list[threading.Thread] = []
    with loop_context() as loop:
        loop.run_until_complete(
            loop.run_in_executor(
                None, lambda: threads.append(threading.current_thread())
            )
        )
    assert len(threads) == 1
    assert not threads[0].is_alive()


def test_fast_skips_the_garbage_collection() -> None:
    with mock.patch.object(gc, "collect") as collect:
        with loop_context(fast=True):
            pass
        collect.assert_not_called()
        with loop_context():
            pass
        collect.assert_called_once_with()


def test_setup_and_teardown_by_hand() -> None:
    loop = setup_test_loop()
    try:
        assert current_loop() is loop
        assert loop.run_until_complete(asyncio.sleep(0, result="ok")) == "ok"
    finally:
        teardown_test_loop(loop)
    assert loop.is_closed()
    assert current_loop() is not loop


def test_teardown_of_a_closed_loop() -> None:
    loop = setup_test_loop()
    loop.close()
    teardown_test_loop(loop, fast=True)
    assert loop.is_closed()


def test_setup_test_loop_takes_a_factory() -> None:
    loop = setup_test_loop(asyncio.SelectorEventLoop)
    try:
        assert isinstance(loop, asyncio.SelectorEventLoop)
    finally:
        teardown_test_loop(loop, fast=True)


# -- ports ------------------------------------------------------------------------------


def test_unused_port_can_be_bound() -> None:
    port = unused_port()
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_get_port_socket_binds_the_port() -> None:
    port = unused_port()
    with get_port_socket("127.0.0.1", port) as sock:
        assert sock.family == socket.AF_INET
        assert sock.type == socket.SOCK_STREAM
        assert sock.getsockname() == ("127.0.0.1", port)
        reuse = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
        assert bool(reuse) is REUSE_ADDRESS


def test_get_unused_port_socket_binds_a_free_port() -> None:
    with get_unused_port_socket("127.0.0.1") as sock:
        host, port = sock.getsockname()
        assert host == "127.0.0.1"
        assert port > 0


def test_get_port_socket_closes_the_socket_when_binding_fails() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError):  # noqa: PT011 - the address is in use
            get_port_socket("127.0.0.1", port)


def test_reuse_address_is_set_on_posix() -> None:
    assert REUSE_ADDRESS is (os.name == "posix" and sys.platform != "cygwin")
