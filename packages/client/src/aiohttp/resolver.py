"""Host name resolvers for the client's connector.

- :class:`ThreadedResolver` asks the operating system (``getaddrinfo`` in
  the event loop's thread pool): ``/etc/hosts``, the system's DNS, mDNS,
  whatever the machine is configured with.
- :class:`AsyncResolver` asks DNS servers directly through the optional
  ``aiodns`` library (``pip install aiodns``; version 3.2 or newer for
  ``DNSResolver.getaddrinfo``).
- :data:`DefaultResolver` is the asynchronous one when ``aiodns`` is
  installed, the threaded one otherwise.

Each ``resolve()`` returns :class:`~aiohttp.abc.ResolveResult` dicts whose
``host`` is a numeric address (an IPv6 link-local address keeps its zone,
``fe80::1%eth0``) ready for ``loop.create_connection``, and raises an
``OSError`` when nothing resolves; the connector turns that into
``ClientConnectorDNSError``.
"""

from __future__ import annotations

import asyncio
import inspect
import socket
from collections.abc import Sequence
from typing import Any

from .abc import AbstractResolver, ResolveResult
from .helpers import is_ip_address

try:
    import aiodns  # type: ignore[import-not-found, unused-ignore]
    import pycares  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # optional dependency
    aiodns = pycares = None

__all__ = ("AsyncResolver", "DefaultResolver", "ThreadedResolver")

# The flags a ResolveResult carries: its host and port are numeric, so the
# connector's own getaddrinfo call (inside create_connection) does no lookup.
_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
# Turning a scoped IPv6 address back into text: numeric, never a lookup.
_NAMEINFO_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
# Only the address families the machine has a (non-loopback) address in:
# no point trying IPv6 addresses on an IPv4-only host. AI_MASK, where it
# exists (BSDs), lists the flags getaddrinfo accepts.
_AI_ADDRCONFIG = socket.AI_ADDRCONFIG & getattr(socket, "AI_MASK", -1)

#: Whether AsyncResolver can work: aiodns with ``DNSResolver.getaddrinfo``.
_AIODNS_USABLE = aiodns is not None and hasattr(aiodns.DNSResolver, "getaddrinfo")
# c-ares numbers its getaddrinfo flags its own way (its AI_ADDRCONFIG bit is
# the system's AI_V4MAPPED on Linux): take them from pycares.
_ARES_AI_ADDRCONFIG: int = getattr(pycares, "ARES_AI_ADDRCONFIG", 0)
_ARES_AI_NUMERICHOST: int = getattr(pycares, "ARES_AI_NUMERICHOST", 0)


def _lookup_flags(host: str, addrconfig: int, numerichost: int) -> int:
    """The getaddrinfo flags for resolving ``host``.

    AI_ADDRCONFIG ignores loopback addresses when it checks what the machine
    has, so on a machine whose only addresses are loopback it would hide
    ``localhost`` (RFC 6761: always a loopback name) and address literals;
    neither needs it. A literal is never looked up.
    """
    if is_ip_address(host):
        return numerichost
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return 0
    return addrconfig


def _ipv6_host(address: Sequence[Any]) -> tuple[str, int]:
    """The numeric host and port of an IPv6 socket address, zone kept."""
    if len(address) > 3 and address[3]:
        # A link-local address is only usable with its zone (scope id):
        # getnameinfo writes it as "fe80::1%eth0". Numeric flags: no lookup,
        # so calling it here does not block the loop.
        host, port = socket.getnameinfo(tuple(address), _NAMEINFO_FLAGS)
        return host, int(port)
    return str(address[0]), int(address[1])


def _no_address(host: str) -> socket.gaierror:
    return socket.gaierror(
        socket.EAI_NONAME, f"Could not resolve {host!r}: no usable address"
    )


class ThreadedResolver(AbstractResolver):
    """Resolve with the operating system's ``getaddrinfo`` (in a thread).

    ``loop`` defaults to the running loop at the time of each ``resolve()``.
    """

    __slots__ = ("_loop",)

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Use ``loop`` (default: the running loop when resolving)."""
        self._loop = loop

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the addresses ``host`` has in ``family`` (``0``: any family).

        Raise ``socket.gaierror`` (an ``OSError``) when it has none.
        """
        loop = self._loop or asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(
                host,
                port,
                type=socket.SOCK_STREAM,
                family=family,
                flags=_lookup_flags(host, _AI_ADDRCONFIG, socket.AI_NUMERICHOST),
            )
        except (UnicodeError, ValueError) as exc:
            # A name the idna codec refuses (a label over 63 characters) or
            # one with a NUL: no lookup can succeed.
            raise socket.gaierror(
                socket.EAI_NONAME, f"Could not resolve {host!r}: {exc}"
            ) from exc
        results: list[ResolveResult] = []
        for info_family, _type, proto, _canonname, address in infos:
            if info_family == socket.AF_INET:
                numeric_host, numeric_port = str(address[0]), int(address[1])
            elif len(address) < 3:  # pragma: no cover
                # IPv6 from a Python built without it: a bare pair, unusable.
                continue
            else:  # AF_INET6: SOCK_STREAM lookups give only these two
                numeric_host, numeric_port = _ipv6_host(address)
            results.append(
                ResolveResult(
                    hostname=host,
                    host=numeric_host,
                    port=numeric_port,
                    family=info_family,
                    proto=proto,
                    flags=_NUMERIC_FLAGS,
                )
            )
        if not results:
            raise _no_address(host)
        return results

    async def close(self) -> None:
        """Nothing to release: the loop's thread pool is the loop's."""


class AsyncResolver(AbstractResolver):
    """Resolve through ``aiodns`` (c-ares): DNS queries without threads.

    The extra arguments go to ``aiodns.DNSResolver`` (``nameservers=[...]``,
    ``timeout=``, ``tries=``, ...). Raise ``RuntimeError`` when ``aiodns``
    is not installed.
    """

    __slots__ = ("_resolver",)

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop | None = None,
        *args: Any,  # noqa: ANN401 - aiodns.DNSResolver's arguments
        **kwargs: Any,  # noqa: ANN401
    ) -> None:
        """Make the ``aiodns.DNSResolver`` with the given arguments."""
        if aiodns is None:
            raise RuntimeError("Resolver requires aiodns library")
        if not _AIODNS_USABLE:
            raise RuntimeError("Resolver requires aiodns library 3.2 or newer")
        self._resolver = aiodns.DNSResolver(*args, loop=loop, **kwargs)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the addresses ``host`` has in ``family`` (``0``: any family).

        Raise ``OSError`` when the lookup fails or finds nothing.
        """
        try:
            answer = await self._resolver.getaddrinfo(
                host,
                port=port,
                type=socket.SOCK_STREAM,
                family=family,
                flags=_lookup_flags(host, _ARES_AI_ADDRCONFIG, _ARES_AI_NUMERICHOST),
            )
        except aiodns.error.DNSError as exc:
            raise OSError(None, _dns_error_message(exc, host)) from exc
        results: list[ResolveResult] = []
        for node in answer.nodes:
            # pycares gives the address as bytes in some releases, str in others.
            address = (_text(node.addr[0]), *node.addr[1:])
            if node.family == socket.AF_INET6:
                numeric_host, numeric_port = _ipv6_host(address)
            elif node.family == socket.AF_INET:
                numeric_host, numeric_port = address[0], int(address[1])
            else:  # pragma: no cover - c-ares answers IP families only
                continue
            results.append(
                ResolveResult(
                    hostname=host,
                    host=numeric_host,
                    port=numeric_port,
                    family=node.family,
                    proto=0,
                    flags=_NUMERIC_FLAGS,
                )
            )
        if not results:
            raise _no_address(host)
        return results

    async def close(self) -> None:
        """Stop the resolver, cancelling its pending queries."""
        close = getattr(self._resolver, "close", None)
        if close is None:  # aiodns before 3.3 has only cancel()
            self._resolver.cancel()
            return
        result = close()
        if inspect.isawaitable(result):
            await result


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii")
    return str(value)


def _dns_error_message(exc: BaseException, host: str) -> str:
    # aiodns errors carry (c-ares code, message).
    detail = exc.args[1] if len(exc.args) > 1 else "DNS lookup failed"
    return f"Could not resolve {host!r}: {detail}"


#: The resolver a ``TCPConnector`` uses unless given one.
DefaultResolver: type[AsyncResolver] | type[ThreadedResolver] = (
    AsyncResolver if _AIODNS_USABLE else ThreadedResolver
)
