"""The TCP connector's host name lookups: a TTL cache, one lookup per host.

``HostResolver.resolve(host, port, traces)`` answers from the cache while
an entry is fresh (``ttl`` seconds, ``None``: forever), rotating the
addresses so that successive connections spread over them. On a miss it
starts one lookup for ``(host, port)`` and lets every concurrent caller
wait for that same lookup: a caller that is cancelled (its timeout, its
task) stops waiting, but the lookup goes on for the others and fills the
cache. Without the cache every call is a lookup of its own.

The tracing signals are sent only when ``traces`` are given: a cache hit
(also for a caller that joins a running lookup), or a miss followed by
the lookup's start and end.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING

from .abc import ResolveResult
from .client_exceptions import ClientConnectionError

if TYPE_CHECKING:
    from .tracing import Trace

__all__ = ("DNSCacheTable", "HostResolver")

HostKey = tuple[str, int]
Lookup = Callable[[str, int], Awaitable[list[ResolveResult]]]


class DNSCacheTable:
    """Resolved addresses per ``(host, port)``, each entry for ``ttl`` seconds."""

    __slots__ = ("_addrs", "_clock", "_next", "_timestamps", "_ttl")

    def __init__(self, ttl: float | None, clock: Callable[[], float]) -> None:
        self._addrs: dict[HostKey, list[ResolveResult]] = {}
        self._timestamps: dict[HostKey, float] = {}
        self._next: dict[HostKey, int] = {}
        self._ttl = ttl
        self._clock = clock

    def __contains__(self, key: object) -> bool:
        return key in self._addrs

    @property
    def mapping(self) -> MappingProxyType[HostKey, list[ResolveResult]]:
        """A read-only view of the entries."""
        return MappingProxyType(self._addrs)

    def add(self, key: HostKey, addrs: list[ResolveResult]) -> None:
        """Store ``addrs`` for ``key``; its time to live starts now."""
        self._addrs[key] = addrs
        self._next[key] = 0
        if self._ttl is not None:
            self._timestamps[key] = self._clock()

    def remove(self, key: HostKey) -> None:
        """Forget ``key`` (nothing happens if it is not there)."""
        self._addrs.pop(key, None)
        self._next.pop(key, None)
        self._timestamps.pop(key, None)

    def clear(self) -> None:
        """Forget every entry."""
        self._addrs.clear()
        self._next.clear()
        self._timestamps.clear()

    def expired(self, key: HostKey) -> bool:
        """Whether ``key``'s entry is older than the time to live."""
        if self._ttl is None:
            return False
        return self._timestamps[key] + self._ttl < self._clock()

    def next_addrs(self, key: HostKey) -> list[ResolveResult]:
        """The addresses of ``key``, starting one further than last time."""
        addrs = self._addrs[key]
        start = self._next[key]
        self._next[key] = (start + 1) % len(addrs)
        if not start:
            return list(addrs)
        return addrs[start:] + addrs[:start]


class HostResolver:
    """Lookups through ``lookup``, cached and coalesced (see the module doc)."""

    __slots__ = ("_cache", "_inflight", "_lookup", "_loop", "_use_cache")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        lookup: Lookup,
        *,
        use_cache: bool,
        ttl: float | None,
    ) -> None:
        self._loop = loop
        self._lookup = lookup
        self._use_cache = use_cache
        self._cache = DNSCacheTable(ttl, loop.time)
        self._inflight: dict[HostKey, asyncio.Task[list[ResolveResult]]] = {}

    @property
    def cache(self) -> DNSCacheTable:
        """The cache table."""
        return self._cache

    async def resolve(
        self, host: str, port: int, traces: Sequence[Trace] | None
    ) -> list[ResolveResult]:
        """The addresses of ``host``; the lookup's ``OSError`` on failure."""
        if not self._use_cache:
            return await self._uncached(host, port, traces)
        key = (host, port)
        cache = self._cache
        if key in cache and not cache.expired(key):
            # Taken before any await: the entry may expire meanwhile.
            addrs = cache.next_addrs(key)
            if traces:
                for trace in traces:
                    await trace.send_dns_cache_hit(host)
            return addrs
        task = self._inflight.get(key)
        if task is not None:
            if traces:
                for trace in traces:
                    await trace.send_dns_cache_hit(host)
            return await self._join(key, task)
        return await self._miss(key, traces)

    async def _uncached(
        self, host: str, port: int, traces: Sequence[Trace] | None
    ) -> list[ResolveResult]:
        if traces:
            for trace in traces:
                await trace.send_dns_resolvehost_start(host)
        addrs = await self._lookup(host, port)
        if traces:
            for trace in traces:
                await trace.send_dns_resolvehost_end(host)
        return addrs

    async def _miss(
        self, key: HostKey, traces: Sequence[Trace] | None
    ) -> list[ResolveResult]:
        host = key[0]
        if traces:
            for trace in traces:
                await trace.send_dns_cache_miss(host)
            for trace in traces:
                await trace.send_dns_resolvehost_start(host)
        # A trace may have let another caller start the lookup meanwhile.
        task = self._inflight.get(key) or self._start(key)
        addrs = await self._join(key, task)
        if traces:
            for trace in traces:
                await trace.send_dns_resolvehost_end(host)
        return addrs

    async def _join(
        self, key: HostKey, task: asyncio.Task[list[ResolveResult]]
    ) -> list[ResolveResult]:
        # Shielded: this caller's cancellation must not cancel the lookup the
        # others wait for; the task caches its answer whoever is left.
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled() and not _being_cancelled():
                # close() stopped the lookup, not our caller.
                raise ClientConnectionError("Connector is closed.") from None
            raise
        cache = self._cache
        return cache.next_addrs(key) if key in cache else task.result()

    def _start(self, key: HostKey) -> asyncio.Task[list[ResolveResult]]:
        task = self._loop.create_task(self._lookup_and_cache(key))
        self._inflight[key] = task
        task.add_done_callback(partial(self._finished, key))
        return task

    async def _lookup_and_cache(self, key: HostKey) -> list[ResolveResult]:
        addrs = await self._lookup(*key)
        if addrs:
            self._cache.add(key, addrs)
        return addrs

    def _finished(self, key: HostKey, task: asyncio.Task[list[ResolveResult]]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        # Nobody may be left to see a failure: mark it seen.
        if not task.cancelled():
            task.exception()

    def clear(self, host: str | None = None, port: int | None = None) -> None:
        """Forget ``(host, port)``, or everything when neither is given."""
        if host is not None and port is not None:
            self._cache.remove((host, port))
        elif host is not None or port is not None:
            raise ValueError("either both host and port or none of them are allowed")
        else:
            self._cache.clear()

    def close(self) -> list[asyncio.Task[list[ResolveResult]]]:
        """Cancel the lookups under way; return them to be waited for.

        Their waiters get ``ClientConnectionError("Connector is closed.")``.
        """
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        return tasks

    def running(self, key: HostKey) -> bool:
        """Whether a lookup for ``key`` is under way."""
        return key in self._inflight


if sys.version_info >= (3, 11):

    def _being_cancelled() -> bool:
        """Whether the current task has a cancellation request pending."""
        task = asyncio.current_task()
        return task is not None and task.cancelling() > 0

else:  # pragma: no cover - Python 3.10 does not count cancellation requests

    def _being_cancelled() -> bool:
        return False
