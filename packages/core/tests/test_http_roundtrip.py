"""What our writer sends, our parser reads back identically (hypothesis).

Each generated request is written by ``StreamWriter`` through a real
socket pair: framed by Content-Length or chunked, compressed or not, in
writes of random sizes. The bytes that arrive are fed to
``HttpRequestParser`` cut at random places, and the message and body that
come out must be the ones that went in.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict

from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_parser import HttpRequestParser
from aiohttp.http_writer import StreamWriter

TOKEN_CHARS = (
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
RESERVED = {
    "host",
    "content-length",
    "transfer-encoding",
    "content-encoding",
    "connection",
}
names = st.text(TOKEN_CHARS, min_size=1, max_size=10).filter(
    lambda n: n.lower() not in RESERVED
)
# Printable text, non-ASCII included, inner spaces and tabs; no whitespace
# at the edges, which is not part of a field value (RFC 9110 section 5.5).
_inner = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x7f"
    ),
    max_size=20,
)
values = _inner.map(lambda text: text.strip(" \t\u00a0\u3000").strip())
paths = st.text("abcxyz0123456789-._~!$&'()*+,;=:@/", max_size=20).map(
    lambda p: "/" + p
)


@dataclass
class Message:
    method: str
    path: str
    fields: list[tuple[str, str]]
    body: bytes
    chunked: bool
    compression: str | None
    writes: list[int]  # sizes of the body writes


@st.composite
def messages(draw: st.DrawFn) -> Message:
    body = draw(
        st.binary(max_size=2000)
        | st.integers(0, 300).map(lambda n: b"hello world " * n)
    )
    return Message(
        method=draw(
            st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND"])
        ),
        path=draw(paths),
        fields=draw(st.lists(st.tuples(names, values), max_size=6)),
        body=body,
        chunked=draw(st.booleans()),
        compression=draw(st.sampled_from([None, "gzip", "deflate"])),
        writes=draw(st.lists(st.integers(1, 700), max_size=8)),
    )


async def _send(message: Message) -> bytes:
    """Write ``message`` with StreamWriter over a socket pair; the bytes sent."""
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    transport, protocol = await loop.create_connection(
        lambda: BaseProtocol(loop), sock=ours
    )
    try:
        writer = StreamWriter(protocol, loop)
        headers = CIMultiDict([("Host", "example.com"), *message.fields])
        if message.compression:
            headers["Content-Encoding"] = message.compression
            writer.enable_compression(message.compression)
        if message.chunked or message.compression:
            headers["Transfer-Encoding"] = "chunked"
            writer.enable_chunking()
        else:
            headers["Content-Length"] = str(len(message.body))
        await writer.write_headers(f"{message.method} {message.path} HTTP/1.1", headers)
        position = 0
        for size in message.writes:
            await writer.write(message.body[position : position + size])
            position += size
        await writer.write_eof(message.body[position:])
        transport.close()
        received = bytearray()
        while True:
            chunk = await asyncio.wait_for(loop.sock_recv(theirs, 65536), timeout=5)
            if not chunk:
                return bytes(received)
            received += chunk
    finally:
        theirs.close()


async def _parse(data: bytes, cuts: list[int]) -> tuple[object, bytes]:
    loop = asyncio.get_running_loop()
    parser = HttpRequestParser(BaseProtocol(loop), loop, 2**16)
    edges = [0, *sorted({cut % (len(data) + 1) for cut in cuts}), len(data)]
    found = []
    for start, stop in pairwise(edges):
        batch, upgraded, tail = parser.feed_data(data[start:stop])
        assert (upgraded, tail) == (False, b"")
        found += batch
    assert len(found) == 1, "one message written, one message read"
    ((head, payload),) = found
    return head, await payload.read()


@settings(max_examples=150, deadline=None)
@given(messages(), st.lists(st.integers(0, 10**6), max_size=10))
def test_what_the_writer_sends_the_parser_reads_back(
    message: Message, cuts: list[int]
) -> None:
    async def round_trip() -> None:
        data = await _send(message)
        head, body = await _parse(data, cuts)
        assert head.method == message.method  # type: ignore[attr-defined]
        assert head.path == message.path  # type: ignore[attr-defined]
        received = list(head.headers.items())  # type: ignore[attr-defined]
        for field in message.fields:
            assert field in received
        assert body == message.body
        assert head.compression == message.compression  # type: ignore[attr-defined]

    asyncio.run(round_trip())
