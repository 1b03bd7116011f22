"""``TCPConnector``: connections over TCP, TLS for https and wss, HTTP proxies.

Opening a connection: the host name is resolved (``_connector_dns``: a TTL
cache, one lookup per host at a time); the addresses are raced with Happy
Eyeballs (``_connector_happy_eyeballs``), all of it within ``sock_connect``;
TLS is set up on the connected socket, and a pinned certificate checked.
When TLS or the pin fails on one address, the other addresses are tried;
when the round times out, the next round skips the first address of each
family. Through a proxy (``_connector_proxy``) plain HTTP goes to the
proxy, HTTPS through a CONNECT tunnel.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import warnings
from collections.abc import Awaitable, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import hdrs
from ._connector_base import (
    HIGH_LEVEL_SCHEMA_SET,
    NO_TIMEOUT,
    BaseConnector,
)
from ._connector_dns import HostResolver
from ._connector_errors import ConnectErrorFactory, connect_error
from ._connector_happy_eyeballs import (
    AddrInfoType,
    SocketFactoryType,
    addr_to_addr_infos,
    remove_addr_info,
    start_connection,
)
from ._connector_proxy import open_tunnel, proxy_authorization, start_tls
from ._connector_ssl import fingerprint_for, ssl_context_for
from ._sentinel import _SENTINEL, sentinel
from ._timers import ceil_timeout
from .abc import AbstractResolver, ResolveResult
from .client_exceptions import (
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientProxyConnectionError,
    ConnectionTimeoutError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
)
from .client_proto import ResponseHandler
from .client_reqrep import ConnectionKey, Fingerprint, _merge_ssl_params
from .helpers import is_ip_address
from .resolver import DefaultResolver

if TYPE_CHECKING:
    import ssl

    from yarl import URL

    from .client import ClientTimeout
    from .client_reqrep import ClientRequest
    from .tracing import Trace

__all__ = ("TCPConnector",)


class TCPConnector(BaseConnector):
    """Connections over TCP, with TLS for https and wss, possibly via a proxy.

    ``ssl`` is the default TLS setting (a request's own ``ssl`` wins unless
    it is ``True``): ``True`` verifies, ``False`` does not, an
    ``SSLContext`` is used as is, a ``Fingerprint`` pins the certificate.
    Host names go through ``resolver`` (``DefaultResolver``), cached
    ``ttl_dns_cache`` seconds unless ``use_dns_cache`` is false; ``family``
    restricts the addresses (0: IPv4 and IPv6), ``local_addr`` binds the
    socket. Addresses are raced with Happy Eyeballs (RFC 8305):
    ``happy_eyeballs_delay`` between attempts (``None``: one after the
    other), ``interleave`` the family interleaving; ``socket_factory``
    makes the sockets.
    """

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | frozenset(
        {"tcp"}
    )

    def __init__(
        self,
        *,
        ssl: ssl.SSLContext | bool | Fingerprint = True,
        verify_ssl: bool = True,
        fingerprint: bytes | None = None,
        use_dns_cache: bool = True,
        ttl_dns_cache: float | None = 10,
        family: socket.AddressFamily = socket.AddressFamily.AF_UNSPEC,
        ssl_context: ssl.SSLContext | None = None,
        local_addr: tuple[str, int] | None = None,
        resolver: AbstractResolver | None = None,
        keepalive_timeout: float | _SENTINEL | None = sentinel,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
        happy_eyeballs_delay: float | None = 0.25,
        interleave: int | None = None,
        socket_factory: SocketFactoryType | None = None,
        ssl_shutdown_timeout: float | _SENTINEL | None = sentinel,
    ) -> None:
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            enable_cleanup_closed=enable_cleanup_closed,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
        )
        self._ssl = _merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
        self._ssl_shutdown_timeout = _ssl_shutdown_timeout(ssl_shutdown_timeout)
        if resolver is None:
            resolver = DefaultResolver(loop=self._loop)
            self._resolver_owner = True
        else:
            self._resolver_owner = False
        self._resolver: AbstractResolver = resolver
        self._use_dns_cache = use_dns_cache
        self._dns = HostResolver(
            self._loop, self._lookup, use_cache=use_dns_cache, ttl=ttl_dns_cache
        )
        self._family = family
        self._local_addr_infos = addr_to_addr_infos(local_addr)
        self._happy_eyeballs_delay = happy_eyeballs_delay
        self._interleave = interleave
        self._socket_factory = socket_factory

    # -- properties and the DNS cache ---------------------------------------------

    @property
    def family(self) -> int:
        """The address family connections use (0: any)."""
        return self._family

    @property
    def use_dns_cache(self) -> bool:
        """Whether resolved addresses are cached."""
        return self._use_dns_cache

    @property
    def dns_cache(self) -> bool:
        """Whether resolved addresses are cached."""
        return self._use_dns_cache

    @property
    def cached_hosts(self) -> MappingProxyType[tuple[str, int], list[ResolveResult]]:
        """The DNS cache: ``(host, port)`` to its resolved addresses (read-only)."""
        return self._dns.cache.mapping

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget ``(host, port)`` in the DNS cache, or everything without both."""
        self._dns.clear(host, port)

    async def _lookup(self, host: str, port: int) -> list[ResolveResult]:
        return await self._resolver.resolve(host, port, family=self._family)

    async def _resolve_host(
        self, host: str, port: int, traces: Sequence[Trace] | None = None
    ) -> list[ResolveResult]:
        """The addresses of ``host`` (an IP address is its own)."""
        if is_ip_address(host):
            return [
                {
                    "hostname": host,
                    "host": host,
                    "port": port,
                    "family": self._family,
                    "proto": 0,
                    "flags": 0,
                }
            ]
        return await self._dns.resolve(host, port, traces)

    # -- closing ------------------------------------------------------------------

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close every connection and stop the lookups under way.

        TLS connections are aborted rather than shut down gracefully unless
        an ``ssl_shutdown_timeout`` was given.
        """
        return super().close(abort_ssl=abort_ssl or self._ssl_shutdown_timeout == 0)

    def _close(
        self, *, abort_ssl: bool = False, collect: bool = False
    ) -> list[asyncio.Future[None]]:
        if not self._closed:
            for task in self._dns.close():
                task.add_done_callback(_consume)
        return super()._close(abort_ssl=abort_ssl, collect=collect)

    async def _close_more(self) -> None:
        if self._resolver_owner:
            await self._resolver.close()

    # -- opening ------------------------------------------------------------------

    def _get_ssl_context(self, req: ClientRequest) -> ssl.SSLContext | None:
        """The TLS context of ``req``'s connection; ``None`` without TLS."""
        if not req.is_ssl():
            return None
        return ssl_context_for(req.ssl, self._ssl)

    def _get_fingerprint(self, req: ClientRequest) -> Fingerprint | None:
        """The certificate pin of ``req``, if any."""
        return fingerprint_for(req.ssl, self._ssl)

    async def _create_connection(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout | None,
    ) -> ResponseHandler:
        if req.proxy:
            _, proto = await self._create_proxy_connection(req, traces, timeout)
        else:
            _, proto = await self._create_direct_connection(req, traces, timeout)
        return proto

    async def _create_direct_connection(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout | None,
        *,
        client_error: ConnectErrorFactory = ClientConnectorError,
    ) -> tuple[asyncio.Transport, ResponseHandler]:
        host = req.host
        if host.endswith(".."):
            host = host.rstrip(".") + "."
        port = req.port
        assert port is not None
        sslcontext = self._get_ssl_context(req)
        return await self._connect_host(
            host,
            port,
            key=req.connection_key,
            url=req.url,
            sslcontext=sslcontext,
            # Certificates name hosts without the trailing dot.
            server_hostname=(
                (req.server_hostname or host).rstrip(".") if sslcontext else None
            ),
            fingerprint=self._get_fingerprint(req) if sslcontext else None,
            traces=traces,
            timeout=timeout,
            client_error=client_error,
        )

    async def _connect_host(
        self,
        host: str,
        port: int,
        *,
        key: ConnectionKey,
        url: URL,
        sslcontext: ssl.SSLContext | None,
        server_hostname: str | None,
        fingerprint: Fingerprint | None,
        traces: Sequence[Trace] | None,
        timeout: ClientTimeout | None,
        client_error: ConnectErrorFactory,
    ) -> tuple[asyncio.Transport, ResponseHandler]:
        """Resolve ``host``, connect to one of its addresses, set TLS up."""
        try:
            hosts = await self._resolve_host(host, port, traces)
        except OSError as exc:
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise
            # Even for a proxy: the name did not resolve, nothing was reached.
            raise ClientConnectorDNSError(key, exc) from exc
        addr_infos = self._addr_infos(hosts)
        if not addr_infos:
            raise ClientConnectorDNSError(
                key, OSError(f"No address of {host!r} fits family {self._family}")
            )
        tls: dict[str, Any] = {}
        if sslcontext is not None:
            tls = {"ssl": sslcontext, "server_hostname": server_hostname}
            if self._ssl_shutdown_timeout and sys.version_info >= (3, 11):
                tls["ssl_shutdown_timeout"] = self._ssl_shutdown_timeout
        while True:
            try:
                return await self._connect_addrs(
                    addr_infos, key, url, tls, fingerprint, timeout, client_error
                )
            except _UnusablePeer as failure:
                # Connected, but TLS or the pin failed: try the other addresses.
                last: BaseException = failure.error
                remove_addr_info(addr_infos, failure.peer)
            except ConnectionTimeoutError as exc:
                # Too slow: the next round skips the first of each family.
                last = exc
                _drop_first(addr_infos, self._interleave or 1)
            if not addr_infos:
                raise last

    def _addr_infos(self, hosts: list[ResolveResult]) -> list[AddrInfoType]:
        infos: list[AddrInfoType] = []
        for entry in hosts:
            address = entry["host"]
            if ":" in address:
                family: int = socket.AF_INET6
                sockaddr: tuple[Any, ...] = (address, entry["port"], 0, 0)
            else:
                family = socket.AF_INET
                sockaddr = (address, entry["port"])
            if self._family and self._family != family:
                continue
            infos.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
        return infos

    async def _connect_addrs(
        self,
        addr_infos: list[AddrInfoType],
        key: ConnectionKey,
        url: URL,
        tls: dict[str, Any],
        fingerprint: Fingerprint | None,
        timeout: ClientTimeout | None,
        client_error: ConnectErrorFactory,
    ) -> tuple[asyncio.Transport, ResponseHandler]:
        """One round: race the addresses (``sock_connect`` bounds it), then TLS."""
        timeouts = NO_TIMEOUT if timeout is None else timeout
        peer: tuple[Any, ...] | None = None
        try:
            async with ceil_timeout(timeouts.sock_connect, timeouts.ceil_threshold):
                sock = await start_connection(
                    addr_infos,
                    local_addr_infos=self._local_addr_infos,
                    happy_eyeballs_delay=self._happy_eyeballs_delay,
                    interleave=self._interleave,
                    loop=self._loop,
                    socket_factory=self._socket_factory,
                )
                try:
                    peer = sock.getpeername()
                    transport, proto = await self._loop.create_connection(
                        self._factory, sock=sock, **tls
                    )
                except BaseException:
                    sock.close()
                    raise
        except Exception as exc:
            error = connect_error(key, exc, url, client_error)
            if error is exc:
                raise
            if peer is not None and tls and not isinstance(error, ServerTimeoutError):
                raise _UnusablePeer(peer, error) from exc
            raise error from exc
        if fingerprint is not None:
            try:
                fingerprint.check(transport)
            except ServerFingerprintMismatch as exc:
                transport.close()
                self._abort_later(transport)
                assert peer is not None
                raise _UnusablePeer(peer, exc) from exc
        return transport, proto

    async def _create_proxy_connection(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout | None,
    ) -> tuple[asyncio.Transport, ResponseHandler]:
        """A connection to the proxy; for https, a TLS tunnel through it."""
        proxy = req.proxy
        assert proxy is not None
        proxy_host = proxy.raw_host
        proxy_port = proxy.port
        if proxy_host is None or proxy_port is None:
            raise ValueError(f"Invalid proxy URL {proxy}")
        proxy_tls = proxy.scheme == "https"
        proxy_key = ConnectionKey(
            proxy_host, proxy_port, proxy_tls, req.ssl, None, None, None
        )
        sslcontext = ssl_context_for(req.ssl, self._ssl) if proxy_tls else None
        transport, proto = await self._connect_host(
            proxy_host,
            proxy_port,
            key=proxy_key,
            url=proxy,
            sslcontext=sslcontext,
            server_hostname=proxy_host.rstrip(".") if proxy_tls else None,
            fingerprint=None,
            traces=None,
            timeout=timeout,
            client_error=ClientProxyConnectionError,
        )
        if not req.is_ssl():
            auth = proxy_authorization(req)
            if auth is not None:
                req.headers[hdrs.PROXY_AUTHORIZATION] = auth
            return transport, proto

        timeouts = NO_TIMEOUT if timeout is None else timeout
        try:
            await open_tunnel(proto, req, timeouts.ceil_threshold)
        except BaseException:
            transport.close()
            raise
        tls_context = self._get_ssl_context(req)
        assert tls_context is not None
        return await start_tls(
            self._loop,
            transport,
            req,
            sslcontext=tls_context,
            fingerprint=self._get_fingerprint(req),
            sock_connect=timeouts.sock_connect,
            ceil_threshold=timeouts.ceil_threshold,
            ssl_shutdown_timeout=self._ssl_shutdown_timeout,
        )


class _UnusablePeer(Exception):
    """A connection to ``peer`` was made but is no good (TLS, certificate pin)."""

    def __init__(self, peer: tuple[Any, ...], error: BaseException) -> None:
        super().__init__(peer, error)
        self.peer = peer
        self.error = error


def _drop_first(addr_infos: list[AddrInfoType], count: int) -> None:
    """Remove the first ``count`` addresses of each family."""
    seen: dict[int, int] = {}
    kept: list[AddrInfoType] = []
    for info in addr_infos:
        taken = seen.get(info[0], 0)
        if taken < count:
            seen[info[0]] = taken + 1
        else:
            kept.append(info)
    addr_infos[:] = kept


def _ssl_shutdown_timeout(value: float | _SENTINEL | None) -> float:
    if value is sentinel:
        return 0
    warnings.warn(
        "The ssl_shutdown_timeout parameter is deprecated and will be removed in "
        "aiohttp 4.0",
        DeprecationWarning,
        stacklevel=3,
    )
    if value and sys.version_info < (3, 11):
        warnings.warn(
            f"ssl_shutdown_timeout={value} is ignored on Python < 3.11; "
            "only ssl_shutdown_timeout=0 is supported. The timeout will be ignored.",
            RuntimeWarning,
            stacklevel=3,
        )
    return value or 0


def _consume(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
