"""aiohttp's HTTP/1.x parsers: the sans-IO reader wired to body streams.

``HttpRequestParser`` and ``HttpResponseParser`` keep aiohttp's interface:
``feed_data(data)`` returns ``(messages, upgraded, tail)`` where each
message comes with the ``StreamReader`` its body is fed into. The parsing
itself happens in ``_http1_reader`` and ``_http1_head`` (bytes in, events
out); this module only turns events into stream calls and decompresses
bodies when asked to.

An error in a head is raised from ``feed_data`` (the server answers it
with its ``code`` and closes). An error inside a body goes to that body's
stream, where the reader of the body meets it, wrapped in
``payload_exception`` when one is given (the client passes its
``ClientPayloadError``); the parser is dead afterwards.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import ClassVar, Final, Generic, TypeVar

from multidict import CIMultiDictProxy

from ._http1_head import (
    Limits,
    RawHeaders,
    RawRequestMessage,
    RawResponseMessage,
    parse_fields_lax,
    parse_fields_strict,
    parse_request_head,
    parse_response_head,
    response_head_parser,
)
from ._http1_reader import CHUNK_END, END, Head, MessageReader, Switch
from .base_protocol import BaseProtocol
from .compression_utils import DecompressionBaseHandler, decompressor_for
from .http_exceptions import DecompressSizeError, HttpProcessingError
from .streams import EMPTY_PAYLOAD, StreamReader

__all__ = (
    "DEFAULT_MAX_DECOMPRESS_SIZE",
    "HeadersParser",
    "HttpParser",
    "HttpRequestParser",
    "HttpResponseParser",
    "RawRequestMessage",
    "RawResponseMessage",
)

_MsgT = TypeVar("_MsgT", RawRequestMessage, RawResponseMessage)

#: The most bytes one message body may decompress to, unless configured:
#: a few kilobytes of gzip can otherwise claim gigabytes of memory.
DEFAULT_MAX_DECOMPRESS_SIZE: Final = 2**28


class HeadersParser:
    """Parse field lines (without their line endings) into headers.

    Used for the head of a multipart part and anything shaped like a head;
    ``lax`` accepts what the response side accepts (obs-fold and friends).
    """

    def __init__(
        self,
        max_line_size: int = 8190,
        max_headers: int = 32768,
        max_field_size: int = 8190,
        lax: bool = False,
    ) -> None:
        self._limits = Limits(max_line_size, max_field_size, max_headers)
        self._lax = lax

    def parse_headers(
        self, lines: list[bytes]
    ) -> tuple[CIMultiDictProxy[str], RawHeaders]:
        """Parse ``lines``; an empty line ends them (and what follows is ignored)."""
        fields = []
        for line in lines:
            if not line:
                break
            fields.append(line)
        if self._lax:
            return parse_fields_lax(fields, self._limits)
        block = b"".join(line + b"\r\n" for line in fields)
        return parse_fields_strict(block, self._limits)


class _DecodingSink:
    """Decompresses a body into its stream, in bounded steps and sizes."""

    __slots__ = ("_decoder", "_limit", "_out", "_size", "_step")

    def __init__(
        self, out: StreamReader, encoding: str, limit: int | None, step: int
    ) -> None:
        self._out = out
        self._decoder: DecompressionBaseHandler = decompressor_for(encoding)
        self._limit = limit
        self._step = step
        self._size = 0

    def feed_data(self, data: bytes) -> None:
        decoder = self._decoder
        chunk = decoder.decompress_sync(data, self._step)
        while True:
            if chunk:
                self._emit(chunk)
            if not decoder.data_available:
                return
            chunk = decoder.decompress_sync(b"", self._step)

    def feed_eof(self) -> None:
        tail = self._decoder.flush()
        if tail:
            self._emit(tail)
        self._out.feed_eof()

    def _emit(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._limit is not None and self._size > self._limit:
            raise DecompressSizeError(
                f"Decompressed body is larger than {self._limit} bytes"
            )
        self._out.feed_data(chunk)


class HttpParser(ABC, Generic[_MsgT]):
    """The parts both directions share: events to streams, errors to bodies."""

    #: Whether this direction tolerates sloppy syntax (only responses do).
    lax: ClassVar[bool] = False

    def __init__(
        self,
        protocol: BaseProtocol | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        limit: int = 2**16,
        max_line_size: int = 8190,
        max_headers: int = 128,
        max_field_size: int = 8190,
        timer: AbstractContextManager[object] | None = None,
        code: int | None = None,
        method: str | None = None,
        payload_exception: type[BaseException] | None = None,
        response_with_body: bool = True,
        read_until_eof: bool = False,
        auto_decompress: bool = True,
        max_decompress_size: int | None = DEFAULT_MAX_DECOMPRESS_SIZE,
    ) -> None:
        self.protocol = protocol
        self.loop = loop
        self.limit = limit
        self.max_line_size = max_line_size
        self.max_headers = max_headers
        self.max_field_size = max_field_size
        self.timer = timer
        self.code = code
        self.method = method
        self.payload_exception = payload_exception
        self.response_with_body = response_with_body
        self.read_until_eof = read_until_eof
        self.auto_decompress = auto_decompress
        self.max_decompress_size = max_decompress_size
        self._limits = Limits(max_line_size, max_field_size, max_headers)
        self._reader = self._make_reader()
        self._payload: StreamReader | None = None  # the body being read
        self._sink: StreamReader | _DecodingSink | None = None  # where its bytes go
        self._upgraded = False
        #: A head error met after complete messages in the same ``feed_data``
        #: call: those messages are returned, and the error is left here (and
        #: raised by the next call) for the caller to answer after them.
        self.pending_error: HttpProcessingError | None = None

    @abstractmethod
    def _make_reader(self) -> MessageReader:
        """The sans-IO reader for this direction."""

    @abstractmethod
    def parse_message(self, lines: list[bytes]) -> _MsgT:
        """Parse a head given as its lines (without line endings)."""

    def parse_headers(
        self, lines: list[bytes]
    ) -> tuple[CIMultiDictProxy[str], RawHeaders]:
        """Parse field lines with this parser's limits."""
        parser = HeadersParser(
            self.max_line_size, self.max_headers, self.max_field_size, lax=self.lax
        )
        return parser.parse_headers(lines)

    @property
    def head_pending(self) -> bool:
        """Whether a message head has begun to arrive but is not complete.

        A server times this state, so a peer that trickles its head byte
        by byte cannot hold the connection forever.
        """
        return self._reader.head_pending

    @property
    def between_messages(self) -> bool:
        """Whether the last message is complete and nothing of the next arrived.

        A connection's parser can then read the next message as a new one
        would (the client reuses it for the next response).
        """
        return (
            self._payload is None
            and not self._upgraded
            and self.pending_error is None
            and self._reader.between_messages
        )

    def set_upgraded(self, val: bool) -> None:
        """Mark the connection as switched to another protocol (or not)."""
        self._upgraded = val

    def feed_data(  # noqa: PLR0912 - one flat dispatch loop on the hot path
        self, data: bytes
    ) -> tuple[list[tuple[_MsgT, StreamReader]], bool, bytes]:
        """Parse ``data``; return ``(messages, upgraded, tail)``.

        ``messages`` are the heads ``data`` completed, each with its body
        stream; ``upgraded`` says the connection switched protocols, and
        ``tail`` holds the bytes after the switch (the new protocol's).
        A broken head raises its ``HttpProcessingError``, unless complete
        messages came before it in ``data``: then see ``pending_error``.
        """
        if self._upgraded:
            return [], True, data
        messages: list[tuple[_MsgT, StreamReader]] = []
        tail = b""
        # Identity and exact-type checks first: body events are the many.
        for event in self._reader.feed(data):
            if type(event) is bytes:
                sink = self._sink
                if sink is not None:
                    try:
                        sink.feed_data(event)
                    except HttpProcessingError as exc:
                        self._fail(exc)
            elif event is CHUNK_END:
                if self._sink is not None:
                    self._payload.end_http_chunk_receiving()  # type: ignore[union-attr]
            elif event is END:
                self._end()
            elif isinstance(event, Head):
                self._start(event, messages)
            elif isinstance(event, Switch):
                tail = event.tail
            elif self._payload is None and messages:
                # A broken head after complete ones: hand those over first,
                # so a server answers them in order before the error.
                self.pending_error = event  # type: ignore[assignment]
                break
            else:
                self._fail(event)  # type: ignore[arg-type]
        if self._reader.switched:
            self._upgraded = True
        return messages, self._upgraded, tail

    def feed_head(self, data: bytes) -> tuple[_MsgT, StreamReader] | None:
        """``feed_data`` for the usual request: one whole head, alone in ``data``.

        Returns that message with its body stream (``feed_data``'s one
        message) when ``data`` is exactly one complete head at a message
        boundary that keeps the connection HTTP; ``None`` for anything
        else, having consumed nothing: ``feed_data`` must take ``data``.
        It skips ``feed_data``'s event loop, which a server pays for on
        every request. A broken head is raised, as by ``feed_data``.
        """
        if self._payload is not None or self._upgraded or self.pending_error:
            return None
        head = self._reader.feed_head(data)
        if head is None:
            return None
        if not head.has_body:
            return head.message, EMPTY_PAYLOAD  # type: ignore[return-value]
        messages: list[tuple[_MsgT, StreamReader]] = []
        self._start(head, messages)
        return messages[0]

    def feed_eof(self) -> _MsgT | None:
        """The connection closed: finish a body that runs until the close."""
        for event in self._reader.feed_eof():
            if event is END:
                self._end()
            elif isinstance(event, HttpProcessingError):
                if self._payload is None:
                    return None  # an incomplete head: nothing to deliver
                self._fail(event)
        return None

    # -- events to streams ---------------------------------------------------------

    def _start(self, head: Head, messages: list[tuple[_MsgT, StreamReader]]) -> None:
        message: _MsgT = head.message  # type: ignore[assignment]
        if not head.has_body:
            messages.append((message, EMPTY_PAYLOAD))
            return
        if self.protocol is None:
            raise TypeError("a parser needs its connection's protocol to read bodies")
        payload = StreamReader(
            self.protocol, self.limit, timer=self.timer, loop=self.loop
        )
        encoding = message.compression
        if encoding and self.auto_decompress:
            try:
                self._sink = _DecodingSink(
                    payload, encoding, self.max_decompress_size, self.limit
                )
            except HttpProcessingError as exc:
                payload.set_exception(self._wrap(exc))
                self._sink = None
        else:
            self._sink = payload
        self._payload = payload
        if message.chunked:
            payload.begin_http_chunk_receiving()
        messages.append((message, payload))

    def _end(self) -> None:
        payload, sink = self._payload, self._sink
        self._payload = self._sink = None
        if payload is not None and sink is not None:
            try:
                sink.feed_eof()
            except HttpProcessingError as exc:
                payload.set_exception(self._wrap(exc))

    def _fail(self, error: HttpProcessingError) -> None:
        payload = self._payload
        if payload is None:
            raise error
        self._sink = None
        payload.set_exception(self._wrap(error))

    def _wrap(self, error: HttpProcessingError) -> BaseException:
        if self.payload_exception is None:
            return error
        wrapped = self.payload_exception(str(error))
        wrapped.__cause__ = error
        return wrapped


class HttpRequestParser(HttpParser[RawRequestMessage]):
    """Parse the requests a client sends (strictly: RFC 9112)."""

    def _make_reader(self) -> MessageReader:
        return MessageReader(parse_request_head, self._limits, lax=self.lax)

    def parse_message(self, lines: list[bytes]) -> RawRequestMessage:
        """Parse a request head given as its lines."""
        head = b"".join(line + b"\r\n" for line in lines if line)
        message, _ = parse_request_head(head, self._limits)
        return message


class HttpResponseParser(HttpParser[RawResponseMessage]):
    """Parse the responses a server sends (leniently, framing strictly)."""

    lax = True

    def _make_reader(self) -> MessageReader:
        parse = response_head_parser(
            self.method, self.response_with_body, self.read_until_eof
        )
        return MessageReader(parse, self._limits, lax=self.lax)

    def parse_message(self, lines: list[bytes]) -> RawResponseMessage:
        """Parse a response head given as its lines."""
        message, _ = parse_response_head(b"\n".join(lines), self._limits)
        return message
