"""Event loops and ports for tests (part of aiohttp.test_utils).

A test gets a fresh event loop, installed as the current one, and closes it
at the end the way ``asyncio.run()`` closes its own: the tasks still
pending are cancelled and run to their end, asynchronous generators are
finalised and the default executor is shut down, so nothing a test started
outlives it. ``unused_port()`` and the socket helpers pick ports for test
servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import socket
import sys
from collections.abc import Callable, Iterator
from typing import Final

__all__ = (
    "REUSE_ADDRESS",
    "get_port_socket",
    "get_unused_port_socket",
    "loop_context",
    "setup_test_loop",
    "teardown_test_loop",
    "unused_port",
)

#: Whether test sockets set ``SO_REUSEADDR``: on POSIX it lets a test bind
#: a port that an earlier test's connections still hold in TIME_WAIT (on
#: Windows the option means something else, and Cygwin emulates it badly).
REUSE_ADDRESS: Final = os.name == "posix" and sys.platform != "cygwin"

_LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def setup_test_loop(
    loop_factory: _LoopFactory = asyncio.new_event_loop,
) -> asyncio.AbstractEventLoop:
    """Create an event loop with ``loop_factory`` and make it the current one.

    The previous current loop is not restored: call
    :func:`teardown_test_loop` with the result when the test is done.
    """
    loop = loop_factory()
    asyncio.set_event_loop(loop)
    return loop


def teardown_test_loop(loop: asyncio.AbstractEventLoop, fast: bool = False) -> None:
    """Close a loop made by :func:`setup_test_loop` and unset the current loop.

    Pending tasks are cancelled and awaited, asynchronous generators are
    closed and the default executor is shut down before the loop closes. A
    loop that is closed already is left as it is. Unless ``fast``, a garbage
    collection follows, so objects the test leaked are finalised (and warn
    about it) now, while their test is still the one running.
    """
    if not loop.is_closed():
        try:
            _cancel_pending_tasks(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()
    if not fast:
        gc.collect()
    asyncio.set_event_loop(None)


def _cancel_pending_tasks(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not tasks:
        # One turn of the loop still runs the callbacks already scheduled
        # (a closed transport's connection_lost, say).
        loop.run_until_complete(asyncio.sleep(0))
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if task.cancelled():
            continue
        error = task.exception()
        if error is not None:
            # Nobody awaits these tasks any more: report, as asyncio.run does.
            loop.call_exception_handler(
                {
                    "message": "unhandled exception while closing the test loop",
                    "exception": error,
                    "task": task,
                }
            )


@contextlib.contextmanager
def loop_context(
    loop_factory: _LoopFactory = asyncio.new_event_loop, fast: bool = False
) -> Iterator[asyncio.AbstractEventLoop]:
    """Run a block with a fresh current event loop, closed on the way out.

    ``with loop_context() as loop:`` is :func:`setup_test_loop` and then
    :func:`teardown_test_loop` (with ``fast``) around the block.
    """
    loop = setup_test_loop(loop_factory)
    try:
        yield loop
    finally:
        teardown_test_loop(loop, fast=fast)


def unused_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago.

    Another process may take it before the test binds it; a server that
    can bind port 0 itself (as the test servers do) avoids that race.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get_port_socket(
    host: str, port: int, family: socket.AddressFamily = socket.AF_INET
) -> socket.socket:
    """Return a TCP socket bound to ``host`` and ``port`` (0: a free port).

    It is not listening yet; ``SO_REUSEADDR`` is set where
    :data:`REUSE_ADDRESS` says so. The test servers' default socket factory.
    """
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if REUSE_ADDRESS:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def get_unused_port_socket(
    host: str, family: socket.AddressFamily = socket.AF_INET
) -> socket.socket:
    """Return a TCP socket bound to a free port of ``host``."""
    return get_port_socket(host, 0, family)
