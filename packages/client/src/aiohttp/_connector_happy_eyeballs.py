"""Happy Eyeballs (RFC 8305): connect a socket to the first address that answers.

Given the addresses a host name resolved to, ``start_connection()`` returns
a connected non-blocking socket. With a ``happy_eyeballs_delay`` the
attempts are staggered: the next one starts when the previous one fails or
the delay passes, whichever comes first, and attempts overlap. The first
to connect wins; the others are cancelled and their sockets closed. When
every attempt fails, the error names every failure.

``interleave`` is RFC 8305's "First Address Family Count": the addresses
are reordered so that the families alternate, after that many of the first
family. Without it (and without a delay) the resolver's order is kept.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

__all__ = (
    "AddrInfoType",
    "SocketFactoryType",
    "addr_to_addr_infos",
    "interleave_addr_infos",
    "remove_addr_info",
    "start_connection",
)

#: One address to connect to, as ``socket.getaddrinfo()`` gives them:
#: ``(family, type, proto, canonname, sockaddr)``.
AddrInfoType: TypeAlias = tuple[
    int | socket.AddressFamily,
    int | socket.SocketKind,
    int,
    str,
    tuple[Any, ...],
]
#: Makes the socket for one attempt (to set options before connecting).
SocketFactoryType: TypeAlias = Callable[[AddrInfoType], socket.socket]


def addr_to_addr_infos(addr: tuple[str, int] | None) -> list[AddrInfoType] | None:
    """Turn a ``local_addr`` ``(host, port)`` into the address to bind to."""
    if addr is None:
        return None
    host, port = addr[0], addr[1]
    if ":" in host:
        return [
            (
                socket.AF_INET6,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (host, port, 0, 0),
            )
        ]
    return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port))]


def interleave_addr_infos(
    addr_infos: Sequence[AddrInfoType], first_family_count: int = 1
) -> list[AddrInfoType]:
    """Reorder so address families alternate, ``first_family_count`` first.

    The first family is the first address's; the order within a family is
    kept (RFC 8305 section 4).
    """
    by_family: dict[int, list[AddrInfoType]] = {}
    for info in addr_infos:
        by_family.setdefault(info[0], []).append(info)
    queues = list(by_family.values())
    ordered: list[AddrInfoType] = []
    if first_family_count > 1:
        head = first_family_count - 1
        ordered.extend(queues[0][:head])
        queues[0] = queues[0][head:]
    position = 0
    while any(position < len(queue) for queue in queues):
        ordered.extend(queue[position] for queue in queues if position < len(queue))
        position += 1
    return ordered


def remove_addr_info(addr_infos: list[AddrInfoType], peer: tuple[Any, ...]) -> None:
    """Drop the address ``peer`` (a ``getpeername()`` result) from the list.

    Used when a connection to that address succeeded but could not be used
    (TLS failed, the certificate did not match): the others are tried.
    """
    wanted = _normalized(peer)
    addr_infos[:] = [info for info in addr_infos if _normalized(info[4]) != wanted]


def _normalized(address: tuple[Any, ...]) -> tuple[object, int]:
    host, port = address[0], address[1]
    try:
        return ipaddress.ip_address(str(host).partition("%")[0]), port
    except ValueError:
        return host, port


async def start_connection(
    addr_infos: Sequence[AddrInfoType],
    *,
    local_addr_infos: Sequence[AddrInfoType] | None = None,
    happy_eyeballs_delay: float | None = None,
    interleave: int | None = None,
    loop: asyncio.AbstractEventLoop | None = None,
    socket_factory: SocketFactoryType | None = None,
) -> socket.socket:
    """Return a socket connected to one of ``addr_infos`` (see the module doc).

    Raises ``OSError`` when every attempt fails: the one error, or one whose
    message lists them all (its ``errno`` kept when they all share it).
    """
    if not addr_infos:
        raise OSError("no address to connect to")
    if loop is None:
        loop = asyncio.get_running_loop()
    if interleave is None and happy_eyeballs_delay is not None:
        interleave = 1
    infos = list(addr_infos)
    if interleave:
        infos = interleave_addr_infos(infos, interleave)
    attempt = _Attempt(loop, local_addr_infos, socket_factory)
    if happy_eyeballs_delay is None or len(infos) == 1:
        return await _one_by_one(infos, attempt)
    return await _staggered(loop, infos, happy_eyeballs_delay, attempt)


class _Attempt:
    """One connection attempt: make the socket, bind it, connect it."""

    __slots__ = ("_local", "_loop", "_socket_factory")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        local_addr_infos: Sequence[AddrInfoType] | None,
        socket_factory: SocketFactoryType | None,
    ) -> None:
        self._loop = loop
        self._local = local_addr_infos
        self._socket_factory = socket_factory

    async def __call__(self, info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, address = info
        sock = None
        try:
            if self._socket_factory is not None:
                sock = self._socket_factory(info)
            else:
                sock = socket.socket(family, type_, proto)
            sock.setblocking(False)
            if self._local is not None:
                self._bind(sock, family)
            await self._loop.sock_connect(sock, address)
        except BaseException:
            if sock is not None:
                sock.close()
            raise
        return sock

    def _bind(self, sock: socket.socket, family: int) -> None:
        assert self._local is not None
        error: OSError | None = None
        for local in self._local:
            if local[0] != family:
                continue
            try:
                sock.bind(local[4])
            except OSError as exc:
                reason = (exc.strerror or str(exc)).lower()
                error = OSError(
                    exc.errno,
                    f"error while attempting to bind on address {local[4]!r}: {reason}",
                )
            else:
                return
        if error is None:
            error = OSError(f"no matching local address with family={family} found")
        raise error


async def _one_by_one(infos: list[AddrInfoType], attempt: _Attempt) -> socket.socket:
    errors: list[OSError] = []
    for info in infos:
        try:
            return await attempt(info)
        except OSError as exc:  # noqa: PERF203 - one failure, try the next
            errors.append(exc)
    raise _all_failed(errors)


async def _staggered(
    loop: asyncio.AbstractEventLoop,
    infos: list[AddrInfoType],
    delay: float,
    attempt: _Attempt,
) -> socket.socket:
    started: dict[asyncio.Task[socket.socket], int] = {}
    failures: list[tuple[int, OSError]] = []
    pending: set[asyncio.Task[socket.socket]] = set()
    try:
        while True:
            if len(started) < len(infos):
                task = loop.create_task(attempt(infos[len(started)]))
                started[task] = len(started)
                pending.add(task)
            if not pending:
                failures.sort(key=lambda failure: failure[0])
                raise _all_failed([exc for _, exc in failures])
            # Wait for the delay to start the next attempt, or (once all are
            # started) for as long as it takes; a failure starts the next at once.
            more = len(started) < len(infos)
            done, pending = await asyncio.wait(
                pending,
                timeout=delay if more else None,
                return_when=asyncio.FIRST_COMPLETED,
            )
            winner = _collect(done, started, failures)
            if winner is not None:
                return winner
    finally:
        for task in pending:
            _abandon(task)


def _collect(
    done: set[asyncio.Task[socket.socket]],
    started: dict[asyncio.Task[socket.socket], int],
    failures: list[tuple[int, OSError]],
) -> socket.socket | None:
    winner = None
    # In start order, so that the earliest attempt wins a tie.
    for task in sorted(done, key=started.__getitem__):
        exc = task.exception()
        if exc is None:
            if winner is None:
                winner = task.result()
            else:
                task.result().close()
        elif isinstance(exc, OSError):
            failures.append((started[task], exc))
        else:
            raise exc
    return winner


def _abandon(task: asyncio.Task[socket.socket]) -> None:
    """Cancel a losing attempt; close its socket should it connect anyway."""
    task.cancel()
    task.add_done_callback(_close_if_connected)


def _close_if_connected(task: asyncio.Task[socket.socket]) -> None:
    if not task.cancelled() and task.exception() is None:
        task.result().close()


def _all_failed(errors: list[OSError]) -> OSError:
    if len(errors) == 1:
        return errors[0]
    first = str(errors[0])
    if all(str(exc) == first for exc in errors):
        return errors[0]
    message = "Multiple exceptions: " + ", ".join(str(exc) for exc in errors)
    errnos = {exc.errno for exc in errors}
    if len(errnos) == 1 and None not in errnos:
        return OSError(errnos.pop(), message)
    return OSError(message)
