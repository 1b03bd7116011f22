"""aiohttp.abc: the seams core defines, with their default behaviour."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp import abc
from aiohttp.typedefs import LooseCookies


class RecordingJar(abc.AbstractCookieJar):
    """The smallest jar: it remembers what update_cookies() was given."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[tuple[LooseCookies, URL]] = []

    @property
    def unsafe(self) -> bool:
        return False

    @property
    def quote_cookie(self) -> bool:
        return True

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], SimpleCookie]:
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        return frozenset()

    def clear(self, predicate: abc.ClearCookiePredicate | None = None) -> None:
        self.updates.clear()

    def clear_domain(self, domain: str) -> None:
        self.updates.clear()

    def update_cookies(self, cookies: LooseCookies, response_url: URL = URL()) -> None:  # noqa: B008
        self.updates.append((cookies, response_url))

    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        return SimpleCookie()

    def __len__(self) -> int:
        return len(self.updates)

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter(())


def test_set_cookie_headers_reach_update_cookies_parsed() -> None:
    jar = RecordingJar()
    url = URL("https://example.com/")
    jar.update_cookies_from_headers(
        ["session=abc; Path=/; HttpOnly", "theme=dark; Max-Age=60"], url
    )
    ((cookies, response_url),) = jar.updates
    assert response_url == url
    assert isinstance(cookies, SimpleCookie)
    assert cookies["session"].value == "abc"
    assert cookies["session"]["httponly"] is True
    assert cookies["theme"]["max-age"] == "60"


def test_no_set_cookie_headers_update_nothing() -> None:
    jar = RecordingJar()
    jar.update_cookies_from_headers([], URL("https://example.com/"))
    assert jar.updates == []
    assert jar.treat_as_secure_origin == frozenset()


def test_the_abstract_classes_cannot_be_instantiated() -> None:
    for cls in (abc.AbstractCookieJar, abc.AbstractResolver, abc.AbstractStreamWriter):
        with pytest.raises(TypeError, match="abstract"):
            cls()  # type: ignore[abstract]


class CollectingWriter(abc.AbstractStreamWriter):
    """A writer keeping the bytes: what a payload test would use."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.chunks.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.chunks.append(chunk)

    async def drain(self) -> None:
        return None

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        raise NotImplementedError  # not needed by this test

    def enable_chunking(self) -> None:
        raise NotImplementedError  # not needed by this test

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        self.chunks.append(status_line.encode())


async def test_a_writer_needs_only_the_abstract_methods() -> None:
    writer = CollectingWriter()
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    await writer.write(b"body")
    writer.send_headers()  # optional: does nothing by default
    await writer.write_eof(b"!")
    assert writer.chunks == [b"HTTP/1.1 200 OK", b"body", b"!"]
    assert writer.transport is None
    assert (writer.buffer_size, writer.output_size, writer.length) == (0, 0, 0)


def test_resolve_result_is_a_typed_dict() -> None:
    result: abc.ResolveResult = {
        "hostname": "example.com",
        "host": "93.184.216.34",
        "port": 443,
        "family": socket.AF_INET,
        "proto": 0,
        "flags": socket.AI_NUMERICHOST,
    }
    assert result["port"] == 443
