"""Client tracing: signals fired at each step of a request's life.

A :class:`TraceConfig` holds one :class:`~aiohttp._signals.Signal` per
event (``on_request_start``, ``on_dns_resolvehost_end``, ...). Give it to
``ClientSession(trace_configs=[...])``; the session freezes it and, for
every request, builds one :class:`Trace` per config with a fresh context
from ``trace_config_ctx(trace_request_ctx=...)``. The code that performs
the request calls ``Trace.send_*`` (only when there are traces, so an
untraced request pays nothing), which awaits every handler as
``handler(session, trace_config_ctx, params)`` with a frozen ``Trace*Params``
instance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from multidict import CIMultiDict
from yarl import URL

from ._signals import Signal

if TYPE_CHECKING:
    from .client import ClientSession
    from .client_reqrep import ClientResponse

__all__ = (
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
)

_T = TypeVar("_T")

# The parameters are frozen, slotted dataclasses: handlers read them but
# cannot rebind them (a mutable value such as the headers can still change).


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestStartParams:
    """Parameters of ``on_request_start``: the request about to be sent.

    ``headers`` can be mutated: the request is sent with the changes.
    """

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestChunkSentParams:
    """Parameters of ``on_request_chunk_sent``: one chunk of the request body."""

    method: str
    url: URL
    chunk: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class TraceResponseChunkReceivedParams:
    """Parameters of ``on_response_chunk_received``: one chunk of the response body."""

    method: str
    url: URL
    chunk: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestEndParams:
    """Parameters of ``on_request_end``: the request and its final response."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestExceptionParams:
    """Parameters of ``on_request_exception``: the request and what it raised."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    exception: BaseException


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestRedirectParams:
    """Parameters of ``on_request_redirect``: a request answered by a redirect."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestHeadersSentParams:
    """Parameters of ``on_request_headers_sent``: the head has been written."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionQueuedStartParams:
    """Parameters of ``on_connection_queued_start`` (none yet)."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionQueuedEndParams:
    """Parameters of ``on_connection_queued_end`` (none yet)."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionCreateStartParams:
    """Parameters of ``on_connection_create_start`` (none yet)."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionCreateEndParams:
    """Parameters of ``on_connection_create_end`` (none yet)."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionReuseconnParams:
    """Parameters of ``on_connection_reuseconn`` (none yet)."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsResolveHostStartParams:
    """Parameters of ``on_dns_resolvehost_start``: the host about to be resolved."""

    host: str


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsResolveHostEndParams:
    """Parameters of ``on_dns_resolvehost_end``: the host just resolved."""

    host: str


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsCacheHitParams:
    """Parameters of ``on_dns_cache_hit``: the host found in the DNS cache."""

    host: str


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsCacheMissParams:
    """Parameters of ``on_dns_cache_miss``: the host not in the DNS cache."""

    host: str


# The parameter-less events share one instance each: they carry nothing.
_QUEUED_START = TraceConnectionQueuedStartParams()
_QUEUED_END = TraceConnectionQueuedEndParams()
_CREATE_START = TraceConnectionCreateStartParams()
_CREATE_END = TraceConnectionCreateEndParams()
_REUSECONN = TraceConnectionReuseconnParams()


class TraceConfig(Generic[_T]):
    """The signals traced requests fire, and the factory of their contexts.

    Each ``on_*`` property is a :class:`~aiohttp._signals.Signal`: append
    coroutine functions ``handler(session, trace_config_ctx, params)``
    before the config is given to a session (which freezes it).
    ``trace_config_ctx_factory`` is called once per request with the
    keyword argument ``trace_request_ctx`` to make the context the
    handlers of that request share (a :class:`types.SimpleNamespace` by
    default).
    """

    __slots__ = (
        "__weakref__",
        "_factory",
        "_on_connection_create_end",
        "_on_connection_create_start",
        "_on_connection_queued_end",
        "_on_connection_queued_start",
        "_on_connection_reuseconn",
        "_on_dns_cache_hit",
        "_on_dns_cache_miss",
        "_on_dns_resolvehost_end",
        "_on_dns_resolvehost_start",
        "_on_request_chunk_sent",
        "_on_request_end",
        "_on_request_exception",
        "_on_request_headers_sent",
        "_on_request_redirect",
        "_on_request_start",
        "_on_response_chunk_received",
    )

    @overload
    def __init__(self: TraceConfig[SimpleNamespace]) -> None: ...

    @overload
    def __init__(self, trace_config_ctx_factory: Callable[..., _T]) -> None: ...

    def __init__(
        self, trace_config_ctx_factory: Callable[..., Any] = SimpleNamespace
    ) -> None:
        """Make the signals; ``trace_config_ctx_factory`` makes the contexts."""
        self._factory = trace_config_ctx_factory
        self._on_request_start = Signal(self)
        self._on_request_chunk_sent = Signal(self)
        self._on_response_chunk_received = Signal(self)
        self._on_request_end = Signal(self)
        self._on_request_exception = Signal(self)
        self._on_request_redirect = Signal(self)
        self._on_connection_queued_start = Signal(self)
        self._on_connection_queued_end = Signal(self)
        self._on_connection_create_start = Signal(self)
        self._on_connection_create_end = Signal(self)
        self._on_connection_reuseconn = Signal(self)
        self._on_dns_resolvehost_start = Signal(self)
        self._on_dns_resolvehost_end = Signal(self)
        self._on_dns_cache_hit = Signal(self)
        self._on_dns_cache_miss = Signal(self)
        self._on_request_headers_sent = Signal(self)

    def trace_config_ctx(self, trace_request_ctx: Any = None) -> _T:  # noqa: ANN401
        """Build a new context for one request (``trace_request_ctx`` given to it)."""
        result: _T = self._factory(trace_request_ctx=trace_request_ctx)
        return result

    def _signals(self) -> tuple[Signal, ...]:
        return (
            self._on_request_start,
            self._on_request_chunk_sent,
            self._on_response_chunk_received,
            self._on_request_end,
            self._on_request_exception,
            self._on_request_redirect,
            self._on_connection_queued_start,
            self._on_connection_queued_end,
            self._on_connection_create_start,
            self._on_connection_create_end,
            self._on_connection_reuseconn,
            self._on_dns_resolvehost_start,
            self._on_dns_resolvehost_end,
            self._on_dns_cache_hit,
            self._on_dns_cache_miss,
            self._on_request_headers_sent,
        )

    def freeze(self) -> None:
        """Freeze every signal: no handler can be added or removed afterwards."""
        for signal in self._signals():
            signal.freeze()

    @property
    def on_request_start(self) -> Signal:
        """Fired when a request starts (:class:`TraceRequestStartParams`)."""
        return self._on_request_start

    @property
    def on_request_chunk_sent(self) -> Signal:
        """Fired for each request body chunk (:class:`TraceRequestChunkSentParams`)."""
        return self._on_request_chunk_sent

    @property
    def on_response_chunk_received(self) -> Signal:
        """Fired per response body chunk (:class:`TraceResponseChunkReceivedParams`)."""
        return self._on_response_chunk_received

    @property
    def on_request_end(self) -> Signal:
        """Fired when a request ends (:class:`TraceRequestEndParams`)."""
        return self._on_request_end

    @property
    def on_request_exception(self) -> Signal:
        """Fired when a request fails (:class:`TraceRequestExceptionParams`)."""
        return self._on_request_exception

    @property
    def on_request_redirect(self) -> Signal:
        """Fired for each redirect followed (:class:`TraceRequestRedirectParams`)."""
        return self._on_request_redirect

    @property
    def on_connection_queued_start(self) -> Signal:
        """Fired when a request waits for a free connection slot."""
        return self._on_connection_queued_start

    @property
    def on_connection_queued_end(self) -> Signal:
        """Fired when a queued request gets its connection slot."""
        return self._on_connection_queued_end

    @property
    def on_connection_create_start(self) -> Signal:
        """Fired when a new connection starts being opened."""
        return self._on_connection_create_start

    @property
    def on_connection_create_end(self) -> Signal:
        """Fired when a new connection is open."""
        return self._on_connection_create_end

    @property
    def on_connection_reuseconn(self) -> Signal:
        """Fired when a request reuses a pooled connection."""
        return self._on_connection_reuseconn

    @property
    def on_dns_resolvehost_start(self) -> Signal:
        """Fired before resolving a host (:class:`TraceDnsResolveHostStartParams`)."""
        return self._on_dns_resolvehost_start

    @property
    def on_dns_resolvehost_end(self) -> Signal:
        """Fired when a host is resolved (:class:`TraceDnsResolveHostEndParams`)."""
        return self._on_dns_resolvehost_end

    @property
    def on_dns_cache_hit(self) -> Signal:
        """Fired when a host is in the DNS cache (:class:`TraceDnsCacheHitParams`)."""
        return self._on_dns_cache_hit

    @property
    def on_dns_cache_miss(self) -> Signal:
        """Fired when a host is not cached (:class:`TraceDnsCacheMissParams`)."""
        return self._on_dns_cache_miss

    @property
    def on_request_headers_sent(self) -> Signal:
        """Fired once the head is written (:class:`TraceRequestHeadersSentParams`)."""
        return self._on_request_headers_sent


class Trace:
    """One request's view of one :class:`TraceConfig`: fires its signals.

    Internal: the session makes one per trace config for each request; the
    request, the connector and the response call the ``send_*`` methods.
    """

    __slots__ = ("_config", "_ctx", "_session")

    def __init__(
        self,
        session: ClientSession,
        trace_config: TraceConfig[Any],
        trace_config_ctx: Any,  # noqa: ANN401 - whatever the factory made
    ) -> None:
        """Tie ``trace_config`` to ``session`` with this request's context."""
        self._session = session
        self._config = trace_config
        self._ctx = trace_config_ctx

    async def send_request_start(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        """Fire ``on_request_start``."""
        await self._config.on_request_start.send(
            self._session, self._ctx, TraceRequestStartParams(method, url, headers)
        )

    async def send_request_chunk_sent(
        self, method: str, url: URL, chunk: bytes
    ) -> None:
        """Fire ``on_request_chunk_sent``."""
        signal = self._config.on_request_chunk_sent
        if signal:  # once per chunk: skip building parameters nobody reads
            await signal.send(
                self._session,
                self._ctx,
                TraceRequestChunkSentParams(method, url, chunk),
            )

    async def send_response_chunk_received(
        self, method: str, url: URL, chunk: bytes
    ) -> None:
        """Fire ``on_response_chunk_received``."""
        signal = self._config.on_response_chunk_received
        if signal:  # once per chunk: skip building parameters nobody reads
            await signal.send(
                self._session,
                self._ctx,
                TraceResponseChunkReceivedParams(method, url, chunk),
            )

    async def send_request_end(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        response: ClientResponse,
    ) -> None:
        """Fire ``on_request_end``."""
        await self._config.on_request_end.send(
            self._session,
            self._ctx,
            TraceRequestEndParams(method, url, headers, response),
        )

    async def send_request_exception(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        exception: BaseException,
    ) -> None:
        """Fire ``on_request_exception``."""
        await self._config.on_request_exception.send(
            self._session,
            self._ctx,
            TraceRequestExceptionParams(method, url, headers, exception),
        )

    async def send_request_redirect(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        response: ClientResponse,
    ) -> None:
        """Fire ``on_request_redirect``."""
        await self._config.on_request_redirect.send(
            self._session,
            self._ctx,
            TraceRequestRedirectParams(method, url, headers, response),
        )

    async def send_connection_queued_start(self) -> None:
        """Fire ``on_connection_queued_start``."""
        await self._config.on_connection_queued_start.send(
            self._session, self._ctx, _QUEUED_START
        )

    async def send_connection_queued_end(self) -> None:
        """Fire ``on_connection_queued_end``."""
        await self._config.on_connection_queued_end.send(
            self._session, self._ctx, _QUEUED_END
        )

    async def send_connection_create_start(self) -> None:
        """Fire ``on_connection_create_start``."""
        await self._config.on_connection_create_start.send(
            self._session, self._ctx, _CREATE_START
        )

    async def send_connection_create_end(self) -> None:
        """Fire ``on_connection_create_end``."""
        await self._config.on_connection_create_end.send(
            self._session, self._ctx, _CREATE_END
        )

    async def send_connection_reuseconn(self) -> None:
        """Fire ``on_connection_reuseconn``."""
        await self._config.on_connection_reuseconn.send(
            self._session, self._ctx, _REUSECONN
        )

    async def send_dns_resolvehost_start(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_start``."""
        await self._config.on_dns_resolvehost_start.send(
            self._session, self._ctx, TraceDnsResolveHostStartParams(host)
        )

    async def send_dns_resolvehost_end(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_end``."""
        await self._config.on_dns_resolvehost_end.send(
            self._session, self._ctx, TraceDnsResolveHostEndParams(host)
        )

    async def send_dns_cache_hit(self, host: str) -> None:
        """Fire ``on_dns_cache_hit``."""
        await self._config.on_dns_cache_hit.send(
            self._session, self._ctx, TraceDnsCacheHitParams(host)
        )

    async def send_dns_cache_miss(self, host: str) -> None:
        """Fire ``on_dns_cache_miss``."""
        await self._config.on_dns_cache_miss.send(
            self._session, self._ctx, TraceDnsCacheMissParams(host)
        )

    async def send_request_headers(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        """Fire ``on_request_headers_sent``."""
        await self._config.on_request_headers_sent.send(
            self._session,
            self._ctx,
            TraceRequestHeadersSentParams(method, url, headers),
        )
