"""The pool every connector is: ``Connection`` and ``BaseConnector``.

``BaseConnector`` lends connections and takes them back:

* idle keep-alive connections are kept per ``ConnectionKey`` (host, port,
  TLS setting, proxy) and reused, the most recently released first; one
  timer, armed only while some are idle, closes those idle longer than
  ``keepalive_timeout``; with ``force_close`` every connection is closed
  when released;
* ``limit`` and ``limit_per_host`` bound the connections in use or being
  opened; beyond them callers wait their turn, first come first served,
  and a cancelled waiter never loses or leaks a slot (``_connector_slots``);
* a connection goes back to the pool only when its protocol is clean
  (``should_close`` false); anything else is closed;
* ``close()`` closes every connection and fails the waiters; the connector
  refuses work afterwards (``ClientConnectionError("Connector is closed.")``).

Taking an idle connection from the pool and giving it back is O(1) and
allocates only the ``Connection`` (and the pool entry's tuple).
Subclasses open new connections in ``_create_connection()``.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import traceback
import warnings
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Sequence
from contextlib import suppress
from http.cookies import SimpleCookie
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from ._connector_slots import Reservation, Slots
from ._sentinel import _SENTINEL, sentinel
from ._timers import call_later, ceil_timeout
from .client_exceptions import (
    ClientConnectionError,
    ConnectionTimeoutError,
    ServerTimeoutError,
)
from .client_proto import ResponseHandler

if TYPE_CHECKING:
    from .client import ClientTimeout
    from .client_reqrep import ClientRequest, ConnectionKey
    from .tracing import Trace

__all__ = (
    "HIGH_LEVEL_SCHEMA_SET",
    "HTTP_AND_EMPTY_SCHEMA_SET",
    "HTTP_SCHEMA_SET",
    "NEEDS_CLEANUP_CLOSED",
    "NO_TIMEOUT",
    "WS_SCHEMA_SET",
    "BaseConnector",
    "Connection",
)

HTTP_SCHEMA_SET: Final = frozenset({"http", "https"})
WS_SCHEMA_SET: Final = frozenset({"ws", "wss"})
HTTP_AND_EMPTY_SCHEMA_SET: Final = HTTP_SCHEMA_SET | {""}
HIGH_LEVEL_SCHEMA_SET: Final = HTTP_SCHEMA_SET | WS_SCHEMA_SET

#: Whether asyncio may leave a closed TLS transport open forever (fixed by
#: python/cpython#118960 in 3.12.7 and 3.13.1): ``enable_cleanup_closed``
#: works around it, and is ignored with a warning where it is fixed.
NEEDS_CLEANUP_CLOSED: Final = sys.version_info < (3, 12, 7) or (
    (3, 13, 0) <= sys.version_info < (3, 13, 1)
)

_CLOSED_ERROR: Final = "Connector is closed."

_ConnectorT = TypeVar("_ConnectorT", bound="BaseConnector")


class _DeprecationWaiter:
    """What ``close()`` returns: awaiting it waits for the connections to close.

    ``close()`` does its work at once; not awaiting the result is aiohttp 2
    style and warns (``DeprecationWarning``) when the result is dropped.
    """

    __slots__ = ("_awaitable", "_awaited")

    def __init__(self, awaitable: Awaitable[None]) -> None:
        self._awaitable = awaitable
        self._awaited = False

    def __await__(self) -> Generator[Any, None, None]:
        self._awaited = True
        return self._awaitable.__await__()

    def __del__(self) -> None:
        if not self._awaited:
            warnings.warn(
                "Connector.close() is a coroutine, please use await connector.close()",
                DeprecationWarning,
                stacklevel=1,
            )


class Connection:
    """One pooled connection, lent to one request at a time.

    Never created by hand: ``BaseConnector.connect()`` returns it.
    ``release()`` gives it back (kept only if clean), ``close()`` closes it.
    ``reused`` tells whether it came out of the pool rather than being
    opened for this request.
    """

    __slots__ = (
        "_callbacks",
        "_connector",
        "_key",
        "_loop",
        "_protocol",
        "_source_traceback",
        "reused",
    )

    def __init__(
        self,
        connector: BaseConnector,
        key: ConnectionKey,
        protocol: ResponseHandler,
        loop: asyncio.AbstractEventLoop,
        *,
        reused: bool = False,
    ) -> None:
        self._key = key
        self._connector = connector
        self._loop = loop
        self._protocol: ResponseHandler | None = protocol
        self._callbacks: list[Callable[[], None]] | None = None
        self.reused = reused
        self._source_traceback = (
            traceback.extract_stack(sys._getframe(1)) if loop.get_debug() else None
        )

    def __repr__(self) -> str:
        return f"Connection<{self._key}>"

    def __bool__(self) -> Literal[True]:
        """Always true, whatever a subclass defines: ``if conn:`` means "is there"."""
        return True

    def __del__(self, _warnings: Any = warnings) -> None:  # noqa: ANN401
        protocol = self._protocol
        if protocol is None:
            return
        self._protocol = None
        if self._connector.closed:
            return  # closing the connector closed the connection already
        if not self._loop.is_closed():
            # Closed before warning: with warnings as errors the warning raises.
            self._connector._release(self._key, protocol, should_close=True)
            context: dict[str, Any] = {
                "client_connection": self,
                "message": "Unclosed connection",
            }
            if self._source_traceback is not None:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)
        _warnings.warn(f"Unclosed connection {self!r}", ResourceWarning, source=self)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The connection's event loop (deprecated)."""
        warnings.warn(
            "connector.loop property is deprecated", DeprecationWarning, stacklevel=2
        )
        return self._loop

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport; ``None`` once released or closed."""
        protocol = self._protocol
        return None if protocol is None else protocol.transport

    @property
    def protocol(self) -> ResponseHandler | None:
        """The connection's protocol; ``None`` once released or closed."""
        return self._protocol

    @property
    def closed(self) -> bool:
        """Whether the connection is released, closed, or lost."""
        protocol = self._protocol
        return protocol is None or not protocol.is_connected()

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the connection is released or closed."""
        if callback is not None:
            if self._callbacks is None:
                self._callbacks = []
            self._callbacks.append(callback)

    def _notify_release(self) -> None:
        callbacks, self._callbacks = self._callbacks, None
        if callbacks:
            for callback in callbacks:
                # One failing callback must not keep the others from running.
                with suppress(Exception):
                    callback()

    def close(self) -> None:
        """Close the connection (its socket too)."""
        self._notify_release()
        protocol = self._protocol
        if protocol is not None:
            self._protocol = None
            self._connector._release(self._key, protocol, should_close=True)

    def release(self) -> None:
        """Give the connection back: pooled if clean, closed otherwise."""
        self._notify_release()
        protocol = self._protocol
        if protocol is not None:
            self._protocol = None
            self._connector._release(self._key, protocol)


class NoTimeout:
    """The timeouts of a ``connect()`` called without any."""

    connect = None
    sock_connect = None
    sock_read = None
    total = None
    ceil_threshold = 5


NO_TIMEOUT: Final = NoTimeout()


class BaseConnector:
    """The connection pool every connector is (see the module doc).

    ``keepalive_timeout`` (15 s unless ``force_close``) is how long an idle
    connection is kept; ``limit`` (100) and ``limit_per_host`` (0) bound the
    connections in use, 0 meaning no bound; ``enable_cleanup_closed`` aborts
    TLS transports still not closed 2 s after they were closed (only on the
    Pythons whose asyncio needs it).
    """

    _closed = True  # until __init__ is through: __del__ must not look further
    _source_traceback: traceback.StackSummary | None = None
    #: The schemes this connector can reach (the session checks a URL's).
    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET
    #: Seconds before a closed, unfinished TLS transport is aborted.
    _cleanup_closed_period = 2.0

    def __init__(
        self,
        *,
        keepalive_timeout: float | _SENTINEL | None = sentinel,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        if force_close:
            if keepalive_timeout is not None and keepalive_timeout is not sentinel:
                raise ValueError(
                    "keepalive_timeout cannot be set if force_close is True"
                )
            keepalive_timeout = None
        elif keepalive_timeout is sentinel:
            keepalive_timeout = 15.0
        loop = loop or asyncio.get_running_loop()
        self._loop = loop
        self._timeout_ceil_threshold = timeout_ceil_threshold
        if loop.get_debug():
            self._source_traceback = traceback.extract_stack(sys._getframe(1))

        self._limit = limit
        self._limit_per_host = limit_per_host
        self._slots = Slots(loop, limit, limit_per_host)
        self._force_close = force_close
        self._keepalive_timeout: float | None = keepalive_timeout
        # Pooling is off when connections are closed on release anyway.
        self._pooling = not force_close and keepalive_timeout != 0
        # Idle connections per key, oldest first, with the loop time of release.
        self._conns: dict[ConnectionKey, deque[tuple[ResponseHandler, float]]] = {}
        self._cleanup_handle: asyncio.TimerHandle | None = None

        if enable_cleanup_closed and not NEEDS_CLEANUP_CLOSED:
            warnings.warn(
                "enable_cleanup_closed ignored because "
                "https://github.com/python/cpython/pull/118960 is fixed "
                f"in Python version {sys.version_info}",
                DeprecationWarning,
                stacklevel=2,
            )
            enable_cleanup_closed = False
        self._cleanup_closed_disabled = not enable_cleanup_closed
        self._cleanup_closed_transports: list[asyncio.Transport] = []
        self._cleanup_closed_handle: asyncio.TimerHandle | None = None

        self._factory = functools.partial(ResponseHandler, loop=loop)
        self.cookies: SimpleCookie = SimpleCookie()
        self._closed = False

    def __del__(self, _warnings: Any = warnings) -> None:  # noqa: ANN401
        if self._closed or not self._conns:
            return
        conns = [repr(conn) for conn in self._conns.values()]
        self._close()
        context: dict[str, Any] = {
            "connector": self,
            "connections": conns,
            "message": "Unclosed connector",
        }
        if self._source_traceback is not None:
            context["source_traceback"] = self._source_traceback
        self._loop.call_exception_handler(context)
        _warnings.warn(f"Unclosed connector {self!r}", ResourceWarning, source=self)

    def __enter__(self: _ConnectorT) -> _ConnectorT:
        """Deprecated: use ``async with``."""
        warnings.warn(
            '"with Connector():" is deprecated, use "async with Connector():" instead',
            DeprecationWarning,
            stacklevel=2,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    async def __aenter__(self: _ConnectorT) -> _ConnectorT:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- properties ---------------------------------------------------------------

    @property
    def force_close(self) -> bool:
        """Whether connections are closed once released."""
        return self._force_close

    @property
    def limit(self) -> int:
        """The bound on connections in use; 0 for none."""
        return self._limit

    @property
    def limit_per_host(self) -> int:
        """The bound on connections in use per endpoint; 0 for none."""
        return self._limit_per_host

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    @property
    def _acquired(self) -> set[Any]:
        return self._slots.acquired

    def _available_connections(self, key: ConnectionKey) -> int:
        """How many more connections ``key`` may take without waiting."""
        return self._slots.available(key)

    # -- handing out --------------------------------------------------------------

    async def connect(
        self,
        req: ClientRequest,
        traces: Sequence[Trace] | None = None,
        timeout: ClientTimeout | None = None,
    ) -> Connection:
        """A connection for ``req``: from the pool, or opened for it.

        Waits (FIFO) while the limits are reached; ``timeout.connect``
        covers the wait and the opening (``ConnectionTimeoutError``).
        """
        if self._closed:
            raise ClientConnectionError(_CLOSED_ERROR)
        key = req.connection_key
        slots = self._slots
        reservation: Reservation | None = None
        if slots.available(key) > 0:
            proto = self._take_idle(key)
            if proto is not None:
                slots.acquire(key, proto)
                if traces:
                    return await self._reuse(key, proto, traces)
                return Connection(self, key, proto, self._loop, reused=True)
            reservation = slots.reserve(key)
        return await self._connect_slow(req, key, reservation, traces, timeout)

    async def _connect_slow(
        self,
        req: ClientRequest,
        key: ConnectionKey,
        reservation: Reservation | None,
        traces: Sequence[Trace] | None,
        timeout: ClientTimeout | None,
    ) -> Connection:
        timeouts = NO_TIMEOUT if timeout is None else timeout
        proto: ResponseHandler | None = None
        try:
            try:
                async with ceil_timeout(timeouts.connect, timeouts.ceil_threshold):
                    if reservation is None:
                        reservation = await self._wait_for_slot(key, traces)
                        idle = self._take_idle(key)
                        if idle is not None:
                            self._slots.swap(key, reservation, idle)
                            reservation = None
                            return await self._reuse(key, idle, traces)
                    proto = await self._open(req, traces, timeout)
            except asyncio.TimeoutError as exc:
                if isinstance(exc, ServerTimeoutError):
                    raise
                raise ConnectionTimeoutError(
                    f"Connection timeout to host {req.url}"
                ) from exc
        except BaseException:
            if proto is not None:
                proto.close()
            if reservation is not None:
                self._slots.release(key, reservation)
            raise
        assert proto is not None
        assert reservation is not None
        if self._closed:
            proto.close()
            raise ClientConnectionError(_CLOSED_ERROR)
        self._slots.swap(key, reservation, proto)
        return Connection(self, key, proto, self._loop)

    async def _wait_for_slot(
        self, key: ConnectionKey, traces: Sequence[Trace] | None
    ) -> Reservation:
        if traces:
            for trace in traces:
                await trace.send_connection_queued_start()
        reservation = await self._slots.wait(key)
        if traces:
            try:
                for trace in traces:
                    await trace.send_connection_queued_end()
            except BaseException:
                self._slots.release(key, reservation)
                raise
        return reservation

    async def _open(
        self,
        req: ClientRequest,
        traces: Sequence[Trace] | None,
        timeout: ClientTimeout | None,
    ) -> ResponseHandler:
        if traces:
            for trace in traces:
                await trace.send_connection_create_start()
        proto = await self._create_connection(req, traces or [], timeout)
        if traces:
            try:
                for trace in traces:
                    await trace.send_connection_create_end()
            except BaseException:
                proto.close()
                raise
        return proto

    async def _reuse(
        self, key: ConnectionKey, proto: ResponseHandler, traces: Sequence[Trace] | None
    ) -> Connection:
        conn = Connection(self, key, proto, self._loop, reused=True)
        if traces:
            try:
                for trace in traces:
                    await trace.send_connection_reuseconn()
            except BaseException:
                conn.release()
                raise
        return conn

    def _take_idle(self, key: ConnectionKey) -> ResponseHandler | None:
        """The most recently released usable idle connection of ``key``."""
        conns = self._conns.get(key)
        if conns is None:
            return None
        keepalive = self._keepalive_timeout
        now = self._loop.time()
        while conns:
            proto, released_at = conns.pop()
            if (
                (keepalive is None or now - released_at <= keepalive)
                and proto.is_connected()
                and not proto.should_close
            ):
                if not conns:
                    del self._conns[key]
                return proto
            self._close_protocol(key, proto)
        del self._conns[key]
        return None

    async def _create_connection(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout | None,
    ) -> ResponseHandler:
        """Open a new connection for ``req``: what each connector does its way.

        An abstract hook, as in aiohttp: ``BaseConnector`` itself pools and
        hands out connections that its subclasses open.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not open connections: "
            "a BaseConnector subclass implements _create_connection()"
        )

    # -- taking back --------------------------------------------------------------

    def _release(
        self,
        key: ConnectionKey,
        protocol: ResponseHandler,
        *,
        should_close: bool = False,
    ) -> None:
        """Take ``protocol`` back: into the pool if it is clean, else closed."""
        if self._closed:
            return  # close() closed it already
        if (
            should_close
            or not self._pooling
            or protocol.should_close
            or not protocol.is_connected()
        ):
            self._close_protocol(key, protocol)
        else:
            conns = self._conns.get(key)
            if conns is None:
                conns = self._conns[key] = deque()
            conns.append((protocol, self._loop.time()))
            if self._cleanup_handle is None and self._keepalive_timeout is not None:
                self._cleanup_handle = self._weak_timer(
                    "_cleanup", self._keepalive_timeout
                )
        self._slots.release(key, protocol)

    def _close_protocol(self, key: ConnectionKey, protocol: ResponseHandler) -> None:
        transport = protocol.transport
        protocol.close()
        if transport is not None and key.is_ssl:
            self._abort_later(transport)

    def _abort_later(self, transport: asyncio.Transport) -> None:
        """Abort a closed TLS transport soon, if ``enable_cleanup_closed``."""
        if self._cleanup_closed_disabled:
            return
        self._cleanup_closed_transports.append(transport)
        if self._cleanup_closed_handle is None:
            self._cleanup_closed_handle = self._weak_timer(
                "_cleanup_closed", self._cleanup_closed_period
            )

    def _weak_timer(self, method: str, delay: float) -> asyncio.TimerHandle | None:
        # The loop must not keep a forgotten connector alive (its __del__
        # warns about the connections left open): the timer holds it weakly.
        ref = weakref.ref(self)

        def fire() -> None:
            connector = ref()
            if connector is not None:
                getattr(connector, method)()

        return call_later(fire, delay, self._loop, self._timeout_ceil_threshold)

    def _cleanup(self) -> None:
        """Close the idle connections past their keep-alive; rearm for the rest."""
        self._cleanup_handle = None
        keepalive = self._keepalive_timeout
        if keepalive is None or self._closed:
            return
        now = self._loop.time()
        oldest: float | None = None
        for key in list(self._conns):
            kept: deque[tuple[ResponseHandler, float]] = deque()
            for proto, released_at in self._conns[key]:
                if now - released_at < keepalive and proto.is_connected():
                    kept.append((proto, released_at))
                    if oldest is None or released_at < oldest:
                        oldest = released_at
                else:
                    self._close_protocol(key, proto)
            if kept:
                self._conns[key] = kept
            else:
                del self._conns[key]
        if oldest is not None:
            self._cleanup_handle = self._weak_timer(
                "_cleanup", max(oldest + keepalive - now, 0.001)
            )

    def _cleanup_closed(self) -> None:
        """Abort the TLS transports that were closed a while ago."""
        self._cleanup_closed_handle = None
        transports, self._cleanup_closed_transports = (
            self._cleanup_closed_transports,
            [],
        )
        for transport in transports:
            transport.abort()

    # -- closing ------------------------------------------------------------------

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close every connection; await the result to wait until they are closed.

        ``abort_ssl`` drops TLS connections without the closing handshake.
        """
        if self._closed:
            return _DeprecationWaiter(self._done())
        waiters = self._close(abort_ssl=abort_ssl, collect=True)
        loop = self._loop
        if loop.is_closed() or not loop.is_running():
            return _DeprecationWaiter(self._done())
        return _DeprecationWaiter(loop.create_task(self._wait_closed(waiters)))

    def _done(self) -> asyncio.Future[None]:
        future = self._loop.create_future()
        future.set_result(None)
        return future

    async def _wait_closed(self, waiters: list[asyncio.Future[None]]) -> None:
        if waiters:
            await asyncio.gather(*waiters, return_exceptions=True)
        await self._close_more()

    async def _close_more(self) -> None:
        """What a subclass still has to close, awaited by ``close()``."""

    def _close(
        self, *, abort_ssl: bool = False, collect: bool = False
    ) -> list[asyncio.Future[None]]:
        """Close everything now; with ``collect``, return the closings to await."""
        if self._closed:
            return []
        self._closed = True
        waiters: list[asyncio.Future[None]] = []
        try:
            if self._loop.is_closed():
                return waiters
            for handle in (self._cleanup_handle, self._cleanup_closed_handle):
                if handle is not None:
                    handle.cancel()
            for conns in self._conns.values():
                for proto, _ in conns:
                    _shut(proto, abort_ssl, waiters if collect else None)
            for holder in self._slots.acquired:
                if not isinstance(holder, Reservation):
                    _shut(holder, abort_ssl, waiters if collect else None)
            for transport in self._cleanup_closed_transports:
                transport.abort()
            return waiters
        finally:
            self._conns.clear()
            self._slots.clear()
            self._slots.fail_waiters(ClientConnectionError(_CLOSED_ERROR))
            self._cleanup_closed_transports.clear()
            self._cleanup_handle = None
            self._cleanup_closed_handle = None


def _shut(
    proto: ResponseHandler, abort_ssl: bool, waiters: list[asyncio.Future[None]] | None
) -> None:
    transport = proto.transport
    if transport is None:
        return
    if waiters is not None:
        closed = proto.closed
        if closed is not None:
            waiters.append(closed)
    # Unsent bytes of a connection being torn down would only hold the close
    # up (a peer that reads nothing would hold it forever).
    if (abort_ssl and transport.get_extra_info("sslcontext") is not None) or (
        transport.get_write_buffer_size()
    ):
        proto.abort()
    else:
        proto.close()
