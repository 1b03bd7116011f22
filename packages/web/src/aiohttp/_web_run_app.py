"""``run_app`` and the ``python -m aiohttp.web`` command line.

``run_app(app)`` is the blocking way to serve an application: it makes an
event loop, starts an :class:`~aiohttp.web_runner.AppRunner` with one site
per host, Unix path and socket asked for, prints where it listens, and
serves until SIGINT or SIGTERM (``GracefulExit``) or ``KeyboardInterrupt``.
Then it shuts down gracefully - the sites stop listening, ``on_shutdown``
runs, requests in flight get ``shutdown_timeout`` seconds to finish,
``on_cleanup`` runs - cancels whatever tasks are left, closes the loop and
returns normally, so a script that ends with ``run_app`` exits with status 0.

``main(argv)`` is the CLI::

    python -m aiohttp.web [-H HOST] [-P PORT] [-U PATH] package.module:init_func [ARGS]

``init_func(argv)`` receives the arguments the CLI did not consume and
returns the application (or an awaitable of it).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import inspect
import logging
import os
import socket
import sys
from argparse import ArgumentParser
from collections.abc import Awaitable, Callable, Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .log import access_logger
from .typedefs import PathLike
from .web_app import Application
from .web_log import AccessLogger
from .web_runner import AppRunner, BaseSite, GracefulExit, SockSite, TCPSite, UnixSite

if TYPE_CHECKING:
    from ssl import SSLContext

    from ._web_abc import AbstractAccessLogger, AbstractAsyncAccessLogger

__all__ = ("main", "run_app")

_Print = Callable[..., None]


def run_app(
    app: Application | Awaitable[Application],
    *,
    debug: bool = False,
    host: str | Iterable[str] | None = None,
    port: int | None = None,
    path: PathLike | Iterable[PathLike] | None = None,
    sock: socket.socket | Iterable[socket.socket] | None = None,
    shutdown_timeout: float = 60.0,
    keepalive_timeout: float = 75.0,
    ssl_context: SSLContext | None = None,
    print: _Print | None = print,
    backlog: int = 128,
    access_log_class: type[
        AbstractAccessLogger | AbstractAsyncAccessLogger
    ] = AccessLogger,
    access_log_format: str = AccessLogger.LOG_FORMAT,
    access_log: logging.Logger | None = access_logger,
    handle_signals: bool = True,
    reuse_address: bool | None = None,
    reuse_port: bool | None = None,
    handler_cancellation: bool = False,
    loop: asyncio.AbstractEventLoop | None = None,
) -> None:
    """Serve ``app`` until interrupted, then shut down gracefully.

    ``app`` is an :class:`Application` or an awaitable (such as a coroutine)
    that returns one, awaited on the loop run_app runs. Where to listen:

    - ``host``: a host, or an iterable of hosts (one TCP site each), on
      ``port`` (8080, or 8443 with an ``ssl_context``);
    - ``path``: a Unix socket path, or an iterable of them;
    - ``sock``: a socket the caller bound, or an iterable of them.

    With no ``host`` the TCP site listens on every interface, but only when
    neither ``path`` nor ``sock`` is given, or ``port`` is.

    ``print`` announces the sites (``None``: silence). ``debug`` puts the
    loop in debug mode; then, if ``access_log`` is aiohttp's own
    ``aiohttp.access`` logger, it gets level DEBUG when it has no level and a
    stderr handler when no handler would see its records. The other
    arguments go to the runner, its server and its sites. The loop
    (``loop``, or a new one) is closed at the end.
    """
    if loop is None:
        loop = asyncio.new_event_loop()
    loop.set_debug(debug)
    if loop.get_debug() and access_log is not None and access_log is access_logger:
        if access_log.level == logging.NOTSET:
            access_log.setLevel(logging.DEBUG)
        if not access_log.hasHandlers():
            access_log.addHandler(logging.StreamHandler())

    main_task = loop.create_task(
        _serve(
            app,
            host=host,
            port=port,
            path=path,
            sock=sock,
            ssl_context=ssl_context,
            print=print,
            backlog=backlog,
            reuse_address=reuse_address,
            reuse_port=reuse_port,
            runner_options={
                "handle_signals": handle_signals,
                "access_log_class": access_log_class,
                "access_log_format": access_log_format,
                "access_log": access_log,
                "keepalive_timeout": keepalive_timeout,
                "shutdown_timeout": shutdown_timeout,
                "handler_cancellation": handler_cancellation,
            },
        )
    )
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(main_task)
    except (GracefulExit, KeyboardInterrupt):
        pass  # the way out: the graceful shutdown follows
    finally:
        try:
            # Cancelling _serve runs its runner.cleanup(): the graceful part.
            main_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(main_task)
        finally:
            _cancel_tasks(asyncio.all_tasks(loop), loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            asyncio.set_event_loop(None)


async def _serve(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None,
    port: int | None,
    path: PathLike | Iterable[PathLike] | None,
    sock: socket.socket | Iterable[socket.socket] | None,
    ssl_context: SSLContext | None,
    print: _Print | None,
    backlog: int,
    reuse_address: bool | None,
    reuse_port: bool | None,
    runner_options: dict[str, Any],
) -> None:
    """Start the runner and its sites, announce them, serve until cancelled."""
    if not isinstance(app, Application) and inspect.isawaitable(app):
        app = await app
    runner = AppRunner(app, **runner_options)
    await runner.setup()
    try:
        sites: list[BaseSite] = []
        if host is not None:
            hosts = [host] if isinstance(host, str) else list(host)
            sites.extend(
                TCPSite(
                    runner,
                    name,
                    port,
                    ssl_context=ssl_context,
                    backlog=backlog,
                    reuse_address=reuse_address,
                    reuse_port=reuse_port,
                )
                for name in hosts
            )
        elif (path is None and sock is None) or port is not None:
            sites.append(
                TCPSite(
                    runner,
                    port=port,
                    ssl_context=ssl_context,
                    backlog=backlog,
                    reuse_address=reuse_address,
                    reuse_port=reuse_port,
                )
            )
        if path is not None:
            paths = [path] if isinstance(path, (str, bytes, os.PathLike)) else path
            sites.extend(
                UnixSite(runner, p, ssl_context=ssl_context, backlog=backlog)
                for p in paths
            )
        if sock is not None:
            socks = [sock] if isinstance(sock, socket.socket) else sock
            sites.extend(
                SockSite(runner, s, ssl_context=ssl_context, backlog=backlog)
                for s in socks
            )
        for site in sites:
            await site.start()
        if print is not None:
            names = ", ".join(sorted(site.name for site in runner.sites))
            print(f"======== Running on {names} ========\n(Press CTRL+C to quit)")
            if print is builtins.print and sys.stdout is not None:
                # A pipe or a file buffers stdout: a supervisor waiting for
                # the banner should see it now, not when the server stops.
                sys.stdout.flush()
        # Serve until cancelled: run_app cancels this task to stop.
        await asyncio.get_running_loop().create_future()
    finally:
        await runner.cleanup()


def _cancel_tasks(
    tasks: set[asyncio.Task[Any]], loop: asyncio.AbstractEventLoop
) -> None:
    """Cancel ``tasks`` and wait for them; report the ones that failed."""
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception during run_app() shutdown",
                    "exception": task.exception(),
                    "task": task,
                }
            )


def main(argv: list[str] | None = None) -> None:
    """``python -m aiohttp.web``: serve the application an entry function makes.

    ``argv`` defaults to ``sys.argv[1:]``. The arguments the CLI does not
    know go to ``init_func``. Errors in the entry function's spelling or
    import exit with argparse's usage message and status 2; a server
    stopped by a signal exits with ``Stopped`` and status 0.
    """
    parser = ArgumentParser(
        description="aiohttp.web Application server", prog="aiohttp.web"
    )
    parser.add_argument(
        "entry_func",
        help=(
            "Callable returning the `aiohttp.web.Application` instance to "
            "run. Should be specified in the 'module:function' syntax."
        ),
        metavar="entry-func",
    )
    parser.add_argument(
        "-H",
        "--hostname",
        help="TCP/IP hostname to serve on (default: localhost)",
        default=None,
    )
    parser.add_argument(
        "-P",
        "--port",
        help="TCP/IP port to serve on (default: %(default)r)",
        type=int,
        default=8080,
    )
    parser.add_argument(
        "-U",
        "--path",
        help=(
            "Unix file system path to serve on. Serves on TCP/IP too only "
            "when a hostname is given."
        ),
    )
    args, extra_argv = parser.parse_known_args(sys.argv[1:] if argv is None else argv)

    module_name, _, func_name = args.entry_func.partition(":")
    if not module_name or not func_name:
        parser.error("'entry-func' not in 'module:function' syntax")
    if module_name.startswith("."):
        parser.error("relative module names not supported")
    try:
        module = import_module(module_name)
    except ImportError as exc:
        parser.error(f"unable to import {module_name}: {exc}")
    try:
        init_func = getattr(module, func_name)
    except AttributeError:
        parser.error(f"module {module_name!r} has no attribute {func_name!r}")

    if args.path is not None and not hasattr(socket, "AF_UNIX"):
        parser.error("file system paths not supported by your operating environment")

    logging.basicConfig(level=logging.DEBUG)

    if args.path is not None and args.hostname is None:
        host, port = None, None  # the Unix socket alone
    else:
        host, port = args.hostname or "localhost", args.port
    app = init_func(extra_argv)
    run_app(app, host=host, port=port, path=args.path)
    parser.exit(message="Stopped\n")


if __name__ == "__main__":  # pragma: no cover (python -m aiohttp._web_run_app)
    main()
