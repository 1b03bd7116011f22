"""How many connections a connector may hold, and who waits for a slot.

A slot is held by each connection handed out (its protocol) and by each
connection being opened (a ``Reservation``); pooled idle connections hold
none. ``limit`` bounds the slots in all, ``limit_per_host`` those of one
``ConnectionKey``; 0 (or ``None``) is no bound.

Waiting is first come, first served, and a slot is never lost:

* a slot that frees up is handed at once to the earliest waiter that may
  take it (its key under its own bound), as a ``Reservation`` set on its
  future: nobody arriving later can take it first;
* a waiter cancelled (its timeout, its task) before it was handed a slot
  leaves the queue; one cancelled after it was handed one gives it back,
  and the next waiter gets it;
* ``fail_waiters()`` (the connector closing) wakes every waiter with an
  error.

Taking a slot without waiting is O(1) and allocates nothing.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Hashable
from typing import Any

__all__ = ("Reservation", "Slots")


class Reservation:
    """Holds a slot for a connection that is not there yet.

    It stands in for the protocol among the held slots, so it answers the
    few calls the connector makes on those (``close()``, ``abort()``).
    """

    __slots__ = ()

    transport = None

    def close(self) -> None:
        """Nothing to close yet."""

    def abort(self) -> None:
        """Nothing to abort yet."""

    def is_connected(self) -> bool:
        """A reservation carries no connection."""
        return False


class Slots:
    """The held slots and the queue of waiters (see the module doc)."""

    __slots__ = (
        "_acquired",
        "_limit",
        "_limit_per_host",
        "_loop",
        "_per_host",
        "_seq",
        "_waiters",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        limit: int | None,
        limit_per_host: int | None,
    ) -> None:
        self._loop = loop
        self._limit = limit or 0
        self._limit_per_host = limit_per_host or 0
        self._acquired: set[Any] = set()
        # Only kept with a per-host bound: nothing else needs it.
        self._per_host: dict[Hashable, set[Any]] = {}
        # Per key, its waiters in arrival order; the sequence numbers order
        # waiters of different keys.
        self._waiters: dict[
            Hashable, deque[tuple[int, asyncio.Future[Reservation]]]
        ] = {}
        self._seq = itertools.count()

    @property
    def acquired(self) -> set[Any]:
        """The holders of slots (protocols and reservations)."""
        return self._acquired

    def acquired_per_host(self, key: Hashable) -> int:
        """How many slots ``key`` holds (counted only with a per-host bound)."""
        return len(self._per_host.get(key, ()))

    def waiting(self) -> int:
        """How many are waiting for a slot."""
        return sum(len(queue) for queue in self._waiters.values())

    def available(self, key: Hashable) -> int:
        """How many more slots ``key`` may take now (a large number if unbounded)."""
        free = self._limit - len(self._acquired) if self._limit else 2**31
        if self._limit_per_host:
            held = self._per_host.get(key)
            if held is not None:
                free = min(free, self._limit_per_host - len(held))
        return free

    def acquire(self, key: Hashable, holder: object) -> None:
        """Count a slot for ``holder`` (whether or not one is free)."""
        self._acquired.add(holder)
        if self._limit_per_host:
            held = self._per_host.get(key)
            if held is None:
                held = self._per_host[key] = set()
            held.add(holder)

    def reserve(self, key: Hashable) -> Reservation:
        """Take a slot for a connection about to be opened."""
        reservation = Reservation()
        self.acquire(key, reservation)
        return reservation

    def swap(self, key: Hashable, old: object, new: object) -> None:
        """Let ``new`` hold ``old``'s slot (a reservation becomes a protocol)."""
        self._acquired.discard(old)
        self._acquired.add(new)
        if self._limit_per_host:
            held = self._per_host.get(key)
            if held is None:
                held = self._per_host[key] = set()
            held.discard(old)
            held.add(new)

    def release(self, key: Hashable, holder: object) -> None:
        """Free ``holder``'s slot (if it has one) and hand it to a waiter."""
        acquired = self._acquired
        if holder not in acquired:
            return
        acquired.remove(holder)
        if self._limit_per_host:
            held = self._per_host.get(key)
            if held is not None:
                held.discard(holder)
                if not held:
                    del self._per_host[key]
        if self._waiters:
            self._hand_out()

    async def wait(self, key: Hashable) -> Reservation:
        """Wait for a slot for ``key``; return the reservation holding it."""
        future: asyncio.Future[Reservation] = self._loop.create_future()
        entry = (next(self._seq), future)
        queue = self._waiters.get(key)
        if queue is None:
            queue = self._waiters[key] = deque()
        queue.append(entry)
        try:
            return await future
        except BaseException:
            if future.done() and not future.cancelled() and future.exception() is None:
                # Handed a slot, then cancelled before taking it: pass it on.
                self.release(key, future.result())
            else:
                self._forget(key, entry)
            raise

    def fail_waiters(self, exc: BaseException) -> None:
        """Wake every waiter with ``exc``."""
        waiters, self._waiters = self._waiters, {}
        for queue in waiters.values():
            for _, future in queue:
                if not future.done():
                    future.set_exception(exc)

    def clear(self) -> None:
        """Forget every held slot."""
        self._acquired.clear()
        self._per_host.clear()

    def _forget(
        self, key: Hashable, entry: tuple[int, asyncio.Future[Reservation]]
    ) -> None:
        queue = self._waiters.get(key)
        if queue is None:
            return
        try:
            queue.remove(entry)
        except ValueError:
            return
        if not queue:
            del self._waiters[key]

    def _hand_out(self) -> None:
        """Give free slots to the earliest waiters that may take them."""
        limit = self._limit
        while self._waiters and (not limit or len(self._acquired) < limit):
            key = self._earliest_eligible()
            if key is None:
                return
            queue = self._waiters[key]
            _, future = queue.popleft()
            if not queue:
                del self._waiters[key]
            future.set_result(self.reserve(key))

    def _earliest_eligible(self) -> Hashable | None:
        best_key: Hashable | None = None
        best_seq = -1
        limit_per_host = self._limit_per_host
        emptied = []
        for key, queue in self._waiters.items():
            # A waiter cancelled in this loop iteration has not left yet.
            while queue and queue[0][1].done():
                queue.popleft()
            if not queue:
                emptied.append(key)
                continue
            if limit_per_host and self.acquired_per_host(key) >= limit_per_host:
                continue
            seq = queue[0][0]
            if best_key is None or seq < best_seq:
                best_key, best_seq = key, seq
        for key in emptied:
            del self._waiters[key]
        return best_key
