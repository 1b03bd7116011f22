"""The HTTP/1.1 message writer: the head, then the body, framed and compressed.

``serialize_headers`` turns a status or request line and its fields into the
bytes of a message head (RFC 9112 section 2.1), refusing anything that could
split the message or smuggle a second one: control characters (CR, LF, NUL
and the rest but HTAB) in the first line or a field value, and field names
that are not RFC 9110 tokens.

``StreamWriter`` sends one message over a ``BaseProtocol``'s transport. The
head is buffered until the first body bytes (or the end of the message) so
that a small response leaves in a single ``transport.write``; body bytes are
compressed first, then cut to ``length``, then framed as chunks when
chunking is on (RFC 9112 section 7.1).
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import Final, NoReturn, TypeAlias

from multidict import CIMultiDict

from ._http_chars import TOKEN_PATTERN, is_token
from ._http_version import HttpVersion, HttpVersion10, HttpVersion11
from .abc import AbstractStreamWriter
from .base_protocol import BaseProtocol
from .compression_utils import CompressorProtocol, compressor_for

__all__ = (
    "StreamWriter",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "serialize_headers",
)

_Bytes: TypeAlias = "bytes | bytearray | memoryview"

# Every field name at once (each an RFC 9110 token), joined by LF, which no
# token contains.
_FIELD_NAMES_RE: Final = re.compile(f"{TOKEN_PATTERN}(?:\n{TOKEN_PATTERN})*")
# Field names already found to be tokens: responses reuse a few names, and
# a set lookup is cheaper than the regex. Bounded, so names a peer chooses
# (echoed headers) cannot grow it without end.
_VALID_NAMES: Final[set[str]] = set()
_VALID_NAMES_MAX: Final = 1024
# Field values and the first line hold no control characters but HTAB
# (RFC 9110 section 5.5): CR and LF would end the line, the others are
# what our own parser, and careful peers, refuse.
_FORBIDDEN_RE: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
# Every byte a head may hold but CR and LF: HTAB, visible ASCII, and the
# bytes of UTF-8 text beyond ASCII.
_ALLOWED_BYTES: Final = bytes([0x09, *range(0x20, 0x7F), *range(0x80, 0x100)])
_CRLF: Final = b"\r\n"
# Heads whose bytes were found valid, each with its number of fields: a
# server sends the same few heads all day (Date changes once a second), and
# looking one up costs a quarter of checking its bytes. Only the same bytes
# from as many fields count as checked: a value hiding a CRLF gives the
# bytes of a valid head with one field more. (Names, all tokens, are checked
# on every call, so a line splits into name and value one way only.)
# Bounded in entries and in the size of each.
_VALID_HEADS: Final[dict[bytes, int]] = {}
_VALID_HEADS_MAX: Final = 256
_VALID_HEAD_MAX_SIZE: Final = 1024

# From this many body bytes on, Python 3.12+ sends head, size line and body
# with one sendmsg() through writelines() and saves copying the body; below
# it, joining the pieces into one bytes is faster (measured over loopback
# TCP: writelines 4-26 % slower at 32-64 KiB, even at 128 KiB, 7-28 % faster
# at 256 KiB-1 MiB). Before 3.12 writelines() only joins, so we always join.
_WRITELINES_MIN_SIZE: Final = 0x20000 if sys.version_info >= (3, 12) else sys.maxsize

_LAST_CHUNK: Final = b"0\r\n\r\n"
_CRLF_LAST_CHUNK: Final = _CRLF + _LAST_CHUNK


def serialize_headers(status_line: str, headers: Mapping[str, str]) -> bytes:
    """Return the message head: the first line, the field lines, an empty line.

    ``headers`` keeps its order and repetitions (a ``CIMultiDict``); the
    result is UTF-8. Raises ``ValueError`` naming the culprit for a control
    character (but HTAB) in ``status_line`` or a value, or a field name that
    is not a token.
    """
    # The hot path validates with one regex over all the names and one
    # C-level pass over the encoded head; only a bad head is searched field
    # by field, to name the culprit.
    if not _VALID_NAMES.issuperset(headers):
        if _FIELD_NAMES_RE.fullmatch("\n".join(headers)) is None and headers:
            _raise_invalid_head(status_line, headers)
        if len(_VALID_NAMES) < _VALID_NAMES_MAX:
            _VALID_NAMES.update(headers)
    try:
        # One C-level join per field, no Python frame: the common case.
        lines = "\r\n".join(map(": ".join, headers.items()))
    except TypeError:  # a value that is not text: written as str() makes it
        lines = "\r\n".join([f"{name}: {value}" for name, value in headers.items()])
    if lines:
        encoded = f"{status_line}\r\n{lines}\r\n\r\n".encode()
    else:
        encoded = f"{status_line}\r\n\r\n".encode()
    count = len(headers)
    if _VALID_HEADS.get(encoded) != count:
        # Deleting every allowed byte leaves the control characters: exactly
        # the CRLFs ending our own lines, or something in the status line or
        # a value (or an LF inside a name, which the names regex read as a
        # separator) that would break the message.
        if encoded.translate(None, _ALLOWED_BYTES) != _CRLF * (count + 2):
            _raise_invalid_head(status_line, headers)
        if len(encoded) <= _VALID_HEAD_MAX_SIZE:
            if len(_VALID_HEADS) >= _VALID_HEADS_MAX:
                _VALID_HEADS.clear()
            _VALID_HEADS[encoded] = count
    return encoded


def _raise_invalid_head(status_line: str, headers: Mapping[str, str]) -> NoReturn:
    if _FORBIDDEN_RE.search(status_line):
        raise ValueError(f"Newline or NUL character in status line {status_line!r}")
    for name, value in headers.items():
        if not is_token(name):
            raise ValueError(
                f"Invalid header name {name!r}: a field name must be a token"
                " (RFC 9110 section 5.1)"
            )
        if _FORBIDDEN_RE.search(value):
            raise ValueError(f"Control character in the value of header {name!r}")
    raise AssertionError("serialize_headers refused a valid head")


class StreamWriter(AbstractStreamWriter):
    """Write one HTTP/1.1 message, head and body, to a protocol's transport.

    ``length``, when set, is how many more body bytes may be sent: the rest
    of a write is cut off and ``length`` counts down (compressed bytes, as
    they go on the wire). ``buffer_size`` counts the bytes handed to the
    transport since the last ``drain()``; ``output_size`` counts them all.
    """

    # Class-level defaults: a writer is made for every response, and one
    # sets only what differs from these.
    length: int | None = None
    chunked = False
    buffer_size = 0
    output_size = 0
    _eof = False
    _compress: CompressorProtocol | None = None
    _head: bytes | None = None
    _head_written = False
    _on_chunk_sent: Callable[[bytes], Awaitable[None]] | None = None
    _on_headers_sent: Callable[[CIMultiDict[str]], Awaitable[None]] | None = None

    def __init__(
        self,
        protocol: BaseProtocol,
        loop: asyncio.AbstractEventLoop,
        on_chunk_sent: Callable[[bytes], Awaitable[None]] | None = None,
        on_headers_sent: Callable[[CIMultiDict[str]], Awaitable[None]] | None = None,
    ) -> None:
        self._protocol = protocol
        self.loop = loop
        if on_chunk_sent is not None:
            self._on_chunk_sent = on_chunk_sent
        if on_headers_sent is not None:
            self._on_headers_sent = on_headers_sent

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport, or ``None`` once it is lost."""
        return self._protocol.transport

    @property
    def protocol(self) -> BaseProtocol:
        """The protocol this writer writes through."""
        return self._protocol

    def enable_chunking(self) -> None:
        """Frame the body with the chunked transfer coding."""
        self.chunked = True

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        """Compress the body with ``encoding``: "gzip", "deflate", "br" or "zstd".

        ``strategy`` is zlib's and only applies to gzip and deflate. Raises
        ``ValueError`` for another coding and ``RuntimeError`` when the
        codec for "br" or "zstd" is not installed.
        """
        self._compress = compressor_for(encoding, strategy=strategy)

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        """Serialize the head and keep it until the first body bytes go out.

        Raises ``ValueError`` for a head that ``serialize_headers`` refuses
        and ``RuntimeError`` if this message already has a head.
        """
        if self._head_written:
            raise RuntimeError("The headers have already been written")
        head = serialize_headers(status_line, headers)
        if self._on_headers_sent is not None:
            await self._on_headers_sent(headers)
        self._head = head
        self._head_written = True

    def write_message(
        self, status_line: str, headers: CIMultiDict[str], body: bytes = b""
    ) -> bool:
        """Send a whole message, head and ``body``, in one write, at once.

        The synchronous path for a message known in full (a small
        response): it takes no await. It applies only to a writer that has
        sent nothing and transforms nothing (no compression, chunking or
        callbacks); for any other it returns False and does nothing. Raises
        like ``write_headers()`` for a bad head and ``ConnectionResetError``
        for a closed connection.
        """
        if (
            self._head_written
            or self._eof
            or self.chunked
            or self._compress is not None
            or self._on_headers_sent is not None
            or self._on_chunk_sent is not None
        ):
            return False
        head = serialize_headers(status_line, headers)
        transport = self._transport()
        if self.length is not None and len(body) > self.length:
            body = body[: self.length]
        if self.length is not None:
            self.length -= len(body)
        data = head + body if body else head
        transport.write(data)
        size = len(data)
        self.buffer_size += size
        self.output_size += size
        self._head_written = True
        self._eof = True
        return True

    def send_headers(self) -> None:
        """Send a buffered head now, without waiting for the body."""
        head = self._head
        if head is not None:
            self._send([head], 0)
            self._head = None

    async def write(
        self,
        chunk: bytes | bytearray | memoryview,
        *,
        drain: bool = True,
        LIMIT: int = 0x10000,  # noqa: N803 (aiohttp's keyword)
    ) -> None:
        """Send ``chunk`` as body bytes (with a buffered head, the first time).

        An empty chunk sends nothing: in a chunked body it would be the last
        chunk. With ``drain``, once more than ``LIMIT`` bytes went out since
        the last drain, wait for the peer to read. Raises
        ``ConnectionResetError`` if the connection is closing or gone.
        """
        if self._eof:
            raise RuntimeError("Cannot write() after write_eof() or set_eof()")
        if isinstance(chunk, memoryview) and chunk.nbytes != len(chunk):
            # Frame and count bytes, not the items of a wide or N-d view.
            chunk = chunk.cast("B")
        if not chunk:
            return
        if self._on_chunk_sent is not None or self._compress is not None:
            # Refuse before the callback reports, or the compressor takes in,
            # a chunk that cannot be sent.
            self._transport()
            data = chunk if isinstance(chunk, bytes) else bytes(chunk)
            if self._on_chunk_sent is not None:
                await self._on_chunk_sent(data)
            if self._compress is not None:
                chunk = await self._compress.compress(data)
                # The compressor holds small inputs back until it has a block.
                if not chunk:
                    return
        if self.length is not None:
            chunk = self._cut_to_length(chunk, self.length)
            if not chunk:
                return
        self._send_body(chunk, last=False)
        if drain and self.buffer_size > LIMIT:
            await self.drain()

    async def write_eof(self, chunk: bytes = b"") -> None:
        """End the body: send ``chunk``, the compressor's tail, the last chunk.

        A head still buffered goes out with these bytes, so a small message
        takes one ``transport.write``. Only the first call does anything.
        """
        if self._eof:
            return
        # Set first: a second call while this one awaits must not end the
        # body twice.
        self._eof = True
        if chunk and self._on_chunk_sent is not None:
            await self._on_chunk_sent(chunk)
        data: _Bytes = chunk
        if self._compress is not None:
            compressed = await self._compress.compress(chunk) if chunk else b""
            data = compressed + self._compress.flush()
        if self.length is not None:
            data = self._cut_to_length(data, self.length)
        if self._send_body(data, last=True):
            await self.drain()

    def set_eof(self) -> None:
        """Mark the body finished without writing anything."""
        self._eof = True

    async def drain(self) -> None:
        """Wait until the transport accepts writes again (the peer has read).

        Raises ``ConnectionResetError`` if the connection is gone.
        """
        self.buffer_size = 0
        await self._protocol._drain_helper()

    def _cut_to_length(self, data: _Bytes, remaining: int) -> _Bytes:
        if len(data) > remaining:
            data = data[:remaining]
        self.length = remaining - len(data)
        return data

    def _send_body(self, data: _Bytes, *, last: bool) -> bool:
        """Send ``data`` framed, after a buffered head; say if anything went."""
        pieces: list[_Bytes] = []
        if self._head is not None:
            pieces.append(self._head)
        if self.chunked:
            if data:
                pieces += (
                    f"{len(data):x}\r\n".encode("ascii"),
                    data,
                    _CRLF_LAST_CHUNK if last else b"\r\n",
                )
            else:
                # write() never sends nothing, so this is the end of the body:
                # the last chunk has size zero and no trailer section.
                pieces.append(_LAST_CHUNK)
        elif data:
            pieces.append(data)
        if not pieces:
            return False
        self._send(pieces, len(data))
        self._head = None
        return True

    def _send(self, pieces: list[_Bytes], body_size: int) -> None:
        transport = self._transport()
        if len(pieces) == 1:
            data = pieces[0]
            transport.write(data)
            size = len(data)
        elif body_size >= _WRITELINES_MIN_SIZE:
            transport.writelines(pieces)
            size = sum(map(len, pieces))
        else:
            joined = b"".join(pieces)
            transport.write(joined)
            size = len(joined)
        self.buffer_size += size
        self.output_size += size

    def _transport(self) -> asyncio.Transport:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        return transport
