"""aiohttp.payload_streamer: the deprecated streamer decorator and its payloads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import pytest
from multidict import CIMultiDict

from aiohttp import hdrs, payload_streamer
from aiohttp.abc import AbstractStreamWriter
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_writer import StreamWriter
from aiohttp.payload import Payload, get_payload
from aiohttp.payload_streamer import StreamPayload, StreamWrapperPayload, streamer
from aiohttp.typedefs import Byteish

T = TypeVar("T")
TIMEOUT = 10.0
DEPRECATED = "streamer is deprecated, use async generators instead"


async def within(awaitable: Awaitable[T]) -> T:
    """Await with a bound, so that a bug fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, TIMEOUT)


class Sink(AbstractStreamWriter):
    """Collects the body bytes a payload writes."""

    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, chunk: Byteish) -> None:
        self.data += chunk

    async def write_eof(self, chunk: bytes = b"") -> None:
        raise AssertionError("a payload does not end the message")

    async def drain(self) -> None:
        """Nothing to wait for."""

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        raise AssertionError("not called by payloads")

    def enable_chunking(self) -> None:
        raise AssertionError("not called by payloads")

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise AssertionError("not called by payloads")


def make_sender() -> streamer:
    """The spec's file_sender, as an async function, decorated."""
    with pytest.warns(DeprecationWarning, match=DEPRECATED):

        @streamer
        async def sender(
            writer: AbstractStreamWriter, name: str = "world", *, times: int = 1
        ) -> None:
            """Write a greeting."""
            for _ in range(times):
                await writer.write(f"hello {name}\n".encode())
                await writer.drain()

    return sender


def test_exports() -> None:
    assert payload_streamer.__all__ == ("streamer",)


def test_decorating_is_deprecated() -> None:
    async def sender(writer: AbstractStreamWriter) -> None:
        """Nothing."""

    with pytest.warns(DeprecationWarning, match=DEPRECATED) as records:
        streamer(sender)
    # The warning points at the code that decorates, not at this module.
    assert records[0].filename == __file__


def test_decorated_function_keeps_its_name_and_doc() -> None:
    sender = make_sender()
    assert sender.__name__ == "sender"  # type: ignore[attr-defined]
    assert sender.__doc__ == "Write a greeting."


async def test_called_streamer_is_a_payload_with_its_arguments() -> None:
    sender = make_sender()
    body = get_payload(sender("you", times=2), content_type="text/plain")
    assert type(body) is StreamWrapperPayload
    assert body.size is None
    assert body.content_type == "text/plain"
    sink = Sink()
    await body.write(sink)
    assert sink.data == b"hello you\nhello you\n"


async def test_uncalled_streamer_is_called_without_arguments() -> None:
    body = get_payload(make_sender())
    assert type(body) is StreamPayload
    assert isinstance(body, StreamWrapperPayload)
    assert body.content_type == "application/octet-stream"
    sink = Sink()
    await body.write(sink)
    assert sink.data == b"hello world\n"


async def test_streamer_payload_write_with_length_and_as_bytes() -> None:
    sender = make_sender()
    sink = Sink()
    await get_payload(sender(times=3)).write_with_length(sink, 15)
    assert sink.data == b"hello world\nhel"
    assert await get_payload(sender("x")).as_bytes() == b"hello x\n"


def test_streamer_payload_cannot_decode() -> None:
    body: Payload = get_payload(make_sender()())
    with pytest.raises(TypeError, match="Unable to decode"):
        body.decode()


async def test_streamer_over_tcp_is_chunked() -> None:
    body = get_payload(make_sender()("tcp", times=3))
    loop = asyncio.get_running_loop()
    received: asyncio.Future[bytes] = loop.create_future()

    class Peer(asyncio.Protocol):
        def __init__(self) -> None:
            self.data = bytearray()

        def data_received(self, data: bytes) -> None:
            self.data += data

        def connection_lost(self, exc: Exception | None) -> None:
            received.set_result(bytes(self.data))

    server = await loop.create_server(Peer, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        transport, protocol = await within(
            loop.create_connection(lambda: BaseProtocol(loop), "127.0.0.1", port)
        )
        writer = StreamWriter(protocol, loop)
        writer.enable_chunking()
        headers = CIMultiDict(body.headers)
        headers[hdrs.TRANSFER_ENCODING] = "chunked"
        await writer.write_headers("POST / HTTP/1.1", headers)
        await within(body.write(writer))
        await within(writer.write_eof())
        transport.close()
        raw = await within(received)
    head, _, chunks = raw.partition(b"\r\n\r\n")
    assert b"\r\nTransfer-Encoding: chunked" in head
    assert chunks == (
        b"a\r\nhello tcp\n\r\n" * 3  # one chunk per write
        + b"0\r\n\r\n"
    )
