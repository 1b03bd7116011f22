r"""aiohttp's gunicorn workers: serve an aiohttp application in gunicorn's processes.

::

    gunicorn my_module:app --bind 127.0.0.1:8080 --workers 2 \\
        --worker-class aiohttp.GunicornWebWorker

gunicorn's arbiter binds the listening sockets, forks the workers and
watches them; each worker runs one asyncio event loop serving the
application on every socket the arbiter bound (TCP or Unix), through an
:class:`~aiohttp.web_runner.AppRunner` and one
:class:`~aiohttp.web_runner.SockSite` per socket.

A worker's life:

1. ``init_process`` (in the forked child): a fresh event loop, the signal
   handlers, then ``load_wsgi``: the application is loaded (an async factory
   is awaited, see ``_worker_app``), started (``on_startup``) and its sites
   listen. A failure here is a boot failure: gunicorn stops instead of
   forking replacement workers forever.
2. ``run``: serve, telling the arbiter every second that the worker lives
   (``notify``), until a signal, the arbiter's disappearance (``ppid``
   changed) or ``max_requests`` (plus gunicorn's random jitter) ends it.
3. Shut down: the sites stop listening; open connections drain (each
   answers its next request with ``Connection: close``, for at most
   ``keepalive`` seconds, see ``_drain``); what is idle then closes,
   ``on_shutdown`` runs, in-flight requests may finish, ``on_cleanup`` runs.

Signals, with gunicorn's meaning:

- ``TERM`` (what the arbiter sends on ``HUP`` reloads and graceful stops):
  graceful; the drain and in-flight requests get up to 95% of
  ``graceful_timeout`` together (the arbiter kills the worker at 100%).
- ``INT`` and ``QUIT`` (the arbiter's quick shutdown): the ``worker_int``
  hook runs, no drain, in-flight requests get 0.1 s before they are
  cancelled, even when a graceful stop had begun; the cleanup signals
  still run.
- ``ABRT`` (the arbiter's timeout): the ``worker_abort`` hook runs, then the
  worker exits at once with status 1.
- ``USR1``: gunicorn's log files are reopened (log rotation).

Settings honoured: ``keepalive`` (the keep-alive timeout),
``graceful_timeout``, ``max_requests`` and ``max_requests_jitter``,
``backlog``, ``accesslog`` and ``access_log_format`` (see
``_worker_access_log``), the SSL settings and ``ssl_context`` hook (see
``_worker_ssl``), ``timeout`` (the heartbeat), and the ``worker_int``,
``worker_abort``, ``post_worker_init`` and ``worker_exit`` hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from gunicorn.workers import base  # type: ignore[import-untyped]

from ._worker_access_log import (
    AIOHTTP_DEFAULT_FORMAT,
    GUNICORN_DEFAULT_FORMAT,
    access_log_format,
)
from ._worker_app import load_application
from ._worker_ssl import make_ssl_context
from .web_runner import AppRunner, SockSite

if TYPE_CHECKING:
    from ssl import SSLContext

    from .web_server import Server

__all__ = ("GunicornUVLoopWebWorker", "GunicornWebWorker")

# How often the arbiter hears from a live worker, at most (a shorter
# gunicorn ``timeout`` shortens it); also how soon the worker notices that
# the arbiter is gone or max_requests is reached.
_HEARTBEAT_SECONDS = 1.0
# The share of graceful_timeout a graceful stop may take (drain, then
# in-flight requests): the rest is for on_cleanup, before the arbiter's
# SIGKILL at graceful_timeout.
_GRACEFUL_SHARE = 0.95
# The most of graceful_timeout the drain (see _drain) may take.
_DRAIN_SHARE = 0.5
# How often the drain looks at the open connections.
_DRAIN_POLL_SECONDS = 0.05
# What INT/QUIT leave in-flight requests; gunicorn's own workers also give
# their handlers 0.1 s before exiting.
_QUICK_SHUTDOWN_SECONDS = 0.1


class GunicornWebWorker(base.Worker):  # type: ignore[misc]  # gunicorn is untyped
    """Serve an aiohttp application in a gunicorn worker process."""

    DEFAULT_AIOHTTP_LOG_FORMAT: ClassVar[str] = AIOHTTP_DEFAULT_FORMAT
    DEFAULT_GUNICORN_LOG_FORMAT: ClassVar[str] = GUNICORN_DEFAULT_FORMAT

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - gunicorn's
        super().__init__(*args, **kwargs)
        self.exit_code = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._runner: AppRunner | None = None
        self._wakeup: asyncio.Event | None = None
        self._stopping = False
        self._quick = False
        self._quick_shutdown: asyncio.Task[None] | None = None

    # -- gunicorn's Worker API ------------------------------------------------

    @classmethod
    def check_config(cls, cfg: Any, log: Any) -> None:  # noqa: ANN401 - gunicorn's
        """Refuse a configuration this worker cannot serve, before any fork.

        gunicorn calls this in the arbiter; a ``RuntimeError`` makes it print
        the message and exit with status 1.
        """
        try:
            access_log_format(cfg.access_log_format)
        except ValueError as exc:
            raise RuntimeError(str(exc)) from None

    def init_process(self) -> None:
        """Make this process's event loop, then let gunicorn boot the worker."""
        self.loop = self._new_event_loop()
        asyncio.set_event_loop(self.loop)
        self._wakeup = asyncio.Event()
        super().init_process()

    def init_signals(self) -> None:
        """Handle gunicorn's worker signals on the event loop (ABRT at once)."""
        for signum in self.SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        loop = self._loop
        loop.add_signal_handler(signal.SIGTERM, self.handle_exit, signal.SIGTERM, None)
        loop.add_signal_handler(signal.SIGINT, self.handle_quit, signal.SIGINT, None)
        loop.add_signal_handler(signal.SIGQUIT, self.handle_quit, signal.SIGQUIT, None)
        loop.add_signal_handler(signal.SIGUSR1, self.handle_usr1, signal.SIGUSR1, None)
        loop.add_signal_handler(
            signal.SIGWINCH, self.handle_winch, signal.SIGWINCH, None
        )
        # Not through the loop: a worker the arbiter aborts is usually one
        # whose loop is stuck, and worker_abort (often a stack dump) must run.
        signal.signal(signal.SIGABRT, self.handle_abort)

    def load_wsgi(self) -> None:
        """Import the application, start it and listen: all part of booting."""
        super().load_wsgi()
        self._runner = self._loop.run_until_complete(self._start(self.wsgi))

    def run(self) -> None:
        """Serve until told to stop, shut down, and exit the process."""
        loop = self._loop
        # An ABRT's SystemExit passes straight through: the arbiter wants the
        # process gone, not one more turn of a loop that may be stuck.
        loop.run_until_complete(self._serve())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        sys.exit(self.exit_code)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """TERM: stop gracefully."""
        self.alive = False
        self._wake()

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        """INT or QUIT: run ``worker_int``, then stop without waiting for requests."""
        self.alive = False
        self._quick = True
        self.cfg.worker_int(self)
        self._cut_in_flight()
        self._wake()

    def handle_usr1(self, sig: int, frame: FrameType | None) -> None:
        """USR1: reopen gunicorn's log files (after log rotation)."""
        self.log.reopen_files()

    # -- starting -------------------------------------------------------------

    def _new_event_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.new_event_loop()

    @property
    def _loop(self) -> asyncio.AbstractEventLoop:
        assert self.loop is not None, "init_process() makes the loop"
        return self.loop

    async def _start(self, target: object) -> AppRunner:
        app = await load_application(target)
        cfg = self.cfg
        runner = AppRunner(
            app,
            logger=self.log,
            keepalive_timeout=cfg.keepalive,
            # gunicorn logs access only with an accesslog: skip the work otherwise.
            access_log=self.log.access_log if cfg.accesslog else None,
            access_log_format=access_log_format(cfg.access_log_format),
            # Never 0, which would mean "no limit" to the runner.
            shutdown_timeout=max(
                _QUICK_SHUTDOWN_SECONDS,
                cfg.graceful_timeout * _GRACEFUL_SHARE - self._drain_seconds,
            ),
        )
        await runner.setup()
        try:
            ssl_context = make_ssl_context(cfg) if cfg.is_ssl else None
            for listener in self.sockets:
                await self._site(runner, listener, ssl_context).start()
        except BaseException:
            await runner.cleanup()
            raise
        return runner

    def _site(
        self,
        runner: AppRunner,
        listener: Any,  # noqa: ANN401 - gunicorn's socket wrapper (or a socket)
        ssl_context: SSLContext | None,
    ) -> SockSite:
        # gunicorn wraps each bound socket; asyncio wants the socket itself.
        sock = getattr(listener, "sock", listener)
        return SockSite(runner, sock, ssl_context=ssl_context, backlog=self.cfg.backlog)

    # -- serving and stopping ---------------------------------------------------

    @property
    def _heartbeat_seconds(self) -> float:
        # gunicorn passes half its ``timeout`` as self.timeout (0: no timeout).
        timeout = float(self.timeout or 0)
        return min(_HEARTBEAT_SECONDS, timeout) if timeout > 0 else _HEARTBEAT_SECONDS

    async def _serve(self) -> None:
        runner = self._runner
        assert runner is not None, "load_wsgi() starts the runner"
        # The heartbeat also covers the shutdown: a long drain after a HUP
        # reload must not look like a hung worker to the arbiter.
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            server = runner.server
            assert server is not None
            await self._wait_until_stopped(server)
            self._stopping = True
            if self._quick:
                self._cut_in_flight()
            else:
                await self._drain(runner, server)
            await runner.cleanup()
            if self._quick_shutdown is not None:
                await self._quick_shutdown
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    @property
    def _drain_seconds(self) -> float:
        # Idle keep-alive connections close by themselves within ``keepalive``.
        return float(min(self.cfg.keepalive, self.cfg.graceful_timeout * _DRAIN_SHARE))

    async def _drain(self, runner: AppRunner, server: Server) -> None:
        """Stop listening and let the open connections end between requests.

        Closing a kept-alive connection at an arbitrary moment loses the
        request a client may be sending on it just then; this is what a
        reload under load would otherwise fail. So first every connection
        answers its next request with ``Connection: close`` and closes
        after it, and idle ones reach their keep-alive timeout, for at most
        ``keepalive`` seconds; then the runner's cleanup closes the rest.
        Meanwhile the other workers accept the clients that reconnect.
        """
        # Stop accepting before closing the sites: asyncio makes the transport
        # of an accepted socket one loop iteration after accept(), and a
        # server closed in between drops it - a client that connected just
        # then would read a reset. So: no more accepts, two iterations for
        # those already accepted to attach, then close.
        for sock in self.sockets:
            self._loop.remove_reader(sock.fileno())
        for _ in range(2):
            await asyncio.sleep(0)
        for site in list(runner.sites):
            await site.stop()
        wakeup = self._wakeup
        assert wakeup is not None
        wakeup.clear()  # from now on set only by INT/QUIT: end the drain early
        deadline = self._loop.time() + self._drain_seconds
        while server.connections and self._loop.time() < deadline and not self._quick:
            for connection in server.connections:
                connection.keep_alive(False)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wakeup.wait(), _DRAIN_POLL_SECONDS)

    async def _heartbeat(self) -> None:
        while True:
            self.notify()
            await asyncio.sleep(self._heartbeat_seconds)

    async def _wait_until_stopped(self, server: Server) -> None:
        wakeup = self._wakeup
        assert wakeup is not None
        while self.alive:
            if os.getppid() != self.ppid:
                self.log.info("Parent changed, shutting down: %s", self)
                break
            self.nr = server.requests_count
            if self.nr >= self.max_requests:
                self.log.info("Max requests, shutting down: %s", self)
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wakeup.wait(), self._heartbeat_seconds)
        self.alive = False

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    def _cut_in_flight(self) -> None:
        """Once the shutdown began, give in-flight requests only a moment more."""
        if not self._stopping or self._quick_shutdown is not None:
            return
        server = self._runner.server if self._runner is not None else None
        if server is not None:
            self._quick_shutdown = self._loop.create_task(
                server.shutdown(_QUICK_SHUTDOWN_SECONDS)
            )


class GunicornUVLoopWebWorker(GunicornWebWorker):
    """:class:`GunicornWebWorker` on a uvloop event loop (``pip install uvloop``)."""

    @classmethod
    def check_config(cls, cfg: Any, log: Any) -> None:  # noqa: ANN401 - gunicorn's
        """Also refuse to start when uvloop is not installed."""
        super().check_config(cfg, log)
        _uvloop()

    def _new_event_loop(self) -> asyncio.AbstractEventLoop:
        return cast(asyncio.AbstractEventLoop, _uvloop().new_event_loop())


def _uvloop() -> Any:  # noqa: ANN401 - uvloop is an optional, untyped-here module
    try:
        return importlib.import_module("uvloop")
    except ImportError as exc:
        raise RuntimeError(
            "aiohttp.GunicornUVLoopWebWorker runs on uvloop, which is not "
            "installed: install it (pip install uvloop), or use "
            "aiohttp.GunicornWebWorker for asyncio's own event loop."
        ) from exc
