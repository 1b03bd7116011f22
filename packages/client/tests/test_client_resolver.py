"""Resolvers: ThreadedResolver for real, AsyncResolver without aiodns.

The machine has no outside DNS: names are resolved from ``/etc/hosts``
(``localhost``), as literals, or fail (``.invalid`` never resolves, RFC
6761). aiodns is not installed, so AsyncResolver can only be checked for
its refusal, plus its result handling against a stand-in for aiodns's
documented ``DNSResolver`` (``getaddrinfo``/``getnameinfo``/``close``).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

import aiohttp
from aiohttp import resolver as resolver_module
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import AsyncResolver, DefaultResolver, ThreadedResolver

RESULT_KEYS = {"hostname", "host", "port", "family", "proto", "flags"}


def loopback_interface() -> str:
    for _index, name in socket.if_nameindex():
        if name == "lo" or name.startswith("lo"):
            return name
    pytest.skip("no loopback interface name")


async def resolve(
    host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
) -> list[Any]:
    resolver = ThreadedResolver()
    try:
        return list(
            await asyncio.wait_for(resolver.resolve(host, port, family), timeout=30)
        )
    finally:
        await resolver.close()


# --- ThreadedResolver ---------------------------------------------------------


def test_resolvers_are_exported_and_abstract_resolvers() -> None:
    assert aiohttp.ThreadedResolver is ThreadedResolver
    assert aiohttp.AsyncResolver is AsyncResolver
    assert aiohttp.DefaultResolver is DefaultResolver
    assert issubclass(ThreadedResolver, AbstractResolver)
    assert issubclass(AsyncResolver, AbstractResolver)


def test_default_resolver_is_threaded_without_aiodns() -> None:
    with pytest.raises(ImportError):  # aiodns is not installed here
        __import__("aiodns")
    assert DefaultResolver is ThreadedResolver


def test_threaded_resolver_can_be_made_outside_a_loop() -> None:
    ThreadedResolver()


async def test_resolve_localhost() -> None:
    results = await resolve("localhost", 8080)
    assert results
    assert {"127.0.0.1"} <= {r["host"] for r in results}
    for result in results:
        assert set(result) == RESULT_KEYS
        assert result["hostname"] == "localhost"
        assert result["port"] == 8080
        assert result["family"] == socket.AF_INET
        # Numeric host and port: create_connection will not look them up again.
        assert result["flags"] & socket.AI_NUMERICHOST
        assert result["flags"] & socket.AI_NUMERICSERV


async def test_resolve_ipv4_literal() -> None:
    results = await resolve("127.0.0.1", 443)
    assert [(r["host"], r["port"], r["family"]) for r in results] == [
        ("127.0.0.1", 443, socket.AF_INET)
    ]
    assert results[0]["hostname"] == "127.0.0.1"


async def test_resolve_ipv6_literal() -> None:
    for family in (socket.AF_INET6, socket.AF_UNSPEC):
        results = await resolve("::1", 80, family)
        assert [(r["host"], r["port"], r["family"]) for r in results] == [
            ("::1", 80, socket.AF_INET6)
        ]


async def test_family_filters_the_answers() -> None:
    # The default family is IPv4: an IPv6 literal has no IPv4 address.
    with pytest.raises(socket.gaierror):
        await resolve("::1")
    with pytest.raises(socket.gaierror):
        await resolve("127.0.0.1", 0, socket.AF_INET6)
    any_family = await resolve("localhost", 0, socket.AF_UNSPEC)
    assert "127.0.0.1" in {r["host"] for r in any_family}
    assert {r["family"] for r in any_family} <= {socket.AF_INET, socket.AF_INET6}


async def test_link_local_ipv6_keeps_its_zone() -> None:
    zone = loopback_interface()
    results = await resolve(f"fe80::1%{zone}", 443, socket.AF_INET6)
    assert len(results) == 1
    assert results[0]["family"] == socket.AF_INET6
    assert results[0]["port"] == 443
    host = results[0]["host"]
    # getnameinfo writes the zone by name or number; either way it is there.
    assert host in (f"fe80::1%{zone}", f"fe80::1%{socket.if_nametoindex(zone)}")


async def test_unresolvable_name_raises_oserror() -> None:
    # socket.gaierror is an OSError: what the connector maps to a DNS error.
    with pytest.raises(socket.gaierror):
        await resolve("nonexistent.invalid", 80, socket.AF_UNSPEC)


@pytest.mark.parametrize(
    "host",
    ["a" * 64 + ".example", "bad\x00host", "", "exa mple.invalid"],
    ids=["label-too-long", "nul", "empty", "space"],
)
async def test_malformed_names_raise_oserror(host: str) -> None:
    with pytest.raises(socket.gaierror):
        await resolve(host, 80)


async def test_results_connect_to_a_real_server() -> None:
    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(b"hello")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        target = (await resolve("localhost", port))[0]
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                target["host"],
                target["port"],
                family=target["family"],
                proto=target["proto"],
                flags=target["flags"],
            ),
            timeout=10,
        )
        try:
            assert await asyncio.wait_for(reader.read(), timeout=10) == b"hello"
        finally:
            writer.close()
            await writer.wait_closed()
    finally:
        server.close()
        await server.wait_closed()


async def test_explicit_loop_and_concurrent_lookups() -> None:
    resolver = ThreadedResolver(loop=asyncio.get_running_loop())
    answers = await asyncio.wait_for(
        asyncio.gather(*(resolver.resolve("localhost", p) for p in range(1, 6))),
        timeout=30,
    )
    assert [a[0]["port"] for a in answers] == [1, 2, 3, 4, 5]
    await resolver.close()


# --- AsyncResolver --------------------------------------------------------------


def test_async_resolver_needs_aiodns() -> None:
    with pytest.raises(RuntimeError, match="Resolver requires aiodns library"):
        AsyncResolver()


async def test_async_resolver_needs_aiodns_with_arguments() -> None:
    with pytest.raises(RuntimeError, match="aiodns"):
        AsyncResolver(nameservers=["127.0.0.1"], timeout=1)


class FakeDNSError(Exception):
    """aiodns.error.DNSError: (c-ares error code, message)."""


class FakeDNSResolver:
    """The part of aiodns.DNSResolver (>= 3.2) that AsyncResolver uses."""

    instances: ClassVar[list[FakeDNSResolver]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        self.queries: list[tuple[str, dict[str, Any]]] = []
        self.nodes: list[Any] = []
        self.error: Exception | None = None
        self.closed = False
        FakeDNSResolver.instances.append(self)

    async def getaddrinfo(self, host: str, **kwargs: Any) -> Any:
        self.queries.append((host, kwargs))
        if self.error is not None:
            raise self.error
        return SimpleNamespace(cnames=[], nodes=self.nodes)

    async def getnameinfo(self, sockaddr: Any, flags: int = 0) -> Any:
        raise AssertionError("numeric zones are converted locally")

    async def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_aiodns(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    module = SimpleNamespace(
        DNSResolver=FakeDNSResolver, error=SimpleNamespace(DNSError=FakeDNSError)
    )
    monkeypatch.setattr(resolver_module, "aiodns", module)
    monkeypatch.setattr(resolver_module, "_AIODNS_USABLE", True)
    FakeDNSResolver.instances.clear()
    yield
    FakeDNSResolver.instances.clear()


def node(family: int, addr: tuple[Any, ...]) -> Any:
    return SimpleNamespace(
        ttl=60,
        flags=0,
        family=family,
        socktype=socket.SOCK_STREAM,
        protocol=6,
        addr=addr,
    )


async def test_async_resolver_passes_arguments_to_aiodns(fake_aiodns: None) -> None:
    loop = asyncio.get_running_loop()
    resolver = AsyncResolver(loop, nameservers=["127.0.0.1"], timeout=1)
    (dns,) = FakeDNSResolver.instances
    assert dns.kwargs == {"nameservers": ["127.0.0.1"], "timeout": 1, "loop": loop}
    await resolver.close()
    assert dns.closed


async def test_async_resolver_converts_nodes(fake_aiodns: None) -> None:
    resolver = AsyncResolver()
    (dns,) = FakeDNSResolver.instances
    zone = loopback_interface()
    dns.nodes = [
        node(socket.AF_INET, (b"192.0.2.10", 8443)),
        node(socket.AF_INET6, ("2001:db8::1", 8443, 0, 0)),
        node(socket.AF_INET6, (b"fe80::1", 8443, 0, socket.if_nametoindex(zone))),
    ]
    results = await resolver.resolve("example.test", 8443, socket.AF_UNSPEC)
    assert dns.queries[0][0] == "example.test"
    assert dns.queries[0][1]["port"] == 8443
    assert dns.queries[0][1]["family"] == socket.AF_UNSPEC
    assert dns.queries[0][1]["type"] == socket.SOCK_STREAM
    assert [(r["host"], r["port"], r["family"]) for r in results] == [
        ("192.0.2.10", 8443, socket.AF_INET),
        ("2001:db8::1", 8443, socket.AF_INET6),
        (f"fe80::1%{zone}", 8443, socket.AF_INET6),
    ]
    assert all(r["hostname"] == "example.test" for r in results)
    assert all(r["flags"] & socket.AI_NUMERICHOST for r in results)


async def test_async_resolver_maps_dns_errors(fake_aiodns: None) -> None:
    resolver = AsyncResolver()
    (dns,) = FakeDNSResolver.instances
    dns.error = FakeDNSError(4, "Domain name not found")
    with pytest.raises(OSError, match="Domain name not found") as info:
        await resolver.resolve("nonexistent.invalid")
    assert isinstance(info.value.__cause__, FakeDNSError)


async def test_async_resolver_empty_answer_is_an_error(fake_aiodns: None) -> None:
    resolver = AsyncResolver()
    with pytest.raises(OSError, match=r"empty\.test"):
        await resolver.resolve("empty.test")
