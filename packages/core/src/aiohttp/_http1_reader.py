"""Sans-IO reader of an HTTP/1.x byte stream: bytes in, message events out.

``MessageReader.feed(data)`` returns the events the bytes complete, in
order: a ``Head`` (the parsed message and whether a body follows), body
``bytes``, ``CHUNK_END`` after each chunk of a chunked body (the head's
``chunked`` says a body is chunked), ``END`` when a body is complete,
and ``Switch(tail)`` when the connection changes protocols (Upgrade,
CONNECT): the reader stops and ``tail`` holds the bytes that follow,
which belong to the new protocol.
Several pipelined messages in one ``feed`` give several heads. A message
without a body gives a ``Head`` whose ``has_body`` is false and no ``END``.

When the bytes break the protocol, the last event is the error itself (an
``http_exceptions`` error carrying its status), after every event that
came before it; the reader is then dead and answers every later call with
that error again. No event loop, no streams, no I/O.

Complexity: every byte is searched at most a constant number of times
however the input is split. A partial head or chunk line waits in a
buffer; the next ``feed`` searches only from where the last one stopped
(less the terminator's length), and the limits are checked on the bytes
just added, so a peer sending one byte at a time costs O(n), not O(n^2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Final, NamedTuple, NoReturn

from ._http1_head import (
    MAX_BODY_LENGTH,
    NO_BODY,
    Framing,
    Limits,
    RawRequestMessage,
    RawResponseMessage,
    parse_fields_strict,
)
from ._http_chars import TOKEN_PATTERN
from .http_exceptions import (
    BadHttpMessage,
    BadStatusLine,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    TransferEncodingError,
)

Message = RawRequestMessage | RawResponseMessage
HeadParser = Callable[[bytes, Limits], tuple[Message, Framing]]

#: The most chunk-extension bytes one message may carry: extensions are
#: ignored, so a peer could otherwise make us read megabytes of them.
MAX_CHUNK_EXTENSIONS: Final = 16384

_TOKEN = TOKEN_PATTERN.encode()
_QUOTED = rb'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
_CHUNK_LINE_RE = re.compile(
    rb"([0-9A-Fa-f]+)((?:[ \t]*;[ \t]*"
    + _TOKEN
    + rb"(?:[ \t]*=[ \t]*(?:"
    + _TOKEN
    + rb"|"
    + _QUOTED
    + rb"))?)*)"
)
_LAX_HEAD_END = re.compile(rb"\n\r?\n")
_LINE_END_BYTES: Final = frozenset(b"\r\n")
# Up to 15 hex digits stay below MAX_BODY_LENGTH; longer sizes take the
# general path, which checks the value.
_HEX_SIZE = re.compile(rb"[0-9A-Fa-f]{1,15}")


class Head(NamedTuple):
    """A parsed message head; ``has_body`` says whether body events follow."""

    message: Message
    has_body: bool


# Built with tuple.__new__ on the hot path (NamedTuple's constructor is Python).
_new_tuple: Final = tuple.__new__


class Switch(NamedTuple):
    """The connection switches protocols; ``tail`` is the new protocol's."""

    tail: bytes


class Marker(Enum):
    """Body events that carry no data."""

    CHUNK_END = "chunk end"
    END = "end"


CHUNK_END: Final = Marker.CHUNK_END
END: Final = Marker.END

Event = Head | bytes | Marker | Switch | HttpProcessingError


class _State(Enum):
    HEAD = 0
    LENGTH = 1
    CHUNK_LINE = 2
    CHUNK_DATA = 3
    CHUNK_CRLF = 4
    TRAILERS = 5
    UNTIL_CLOSE = 6
    SWITCHED = 7
    FAILED = 8


# Module constants: an Enum member looked up on its class costs three times
# as much, and the state is consulted several times per message.
_HEAD, _LENGTH, _CHUNK_LINE, _CHUNK_DATA, _CHUNK_CRLF = (
    _State.HEAD,
    _State.LENGTH,
    _State.CHUNK_LINE,
    _State.CHUNK_DATA,
    _State.CHUNK_CRLF,
)
_TRAILERS, _UNTIL_CLOSE, _SWITCHED, _FAILED = (
    _State.TRAILERS,
    _State.UNTIL_CLOSE,
    _State.SWITCHED,
    _State.FAILED,
)


class MessageReader:
    """Turns the bytes of one connection into message events.

    ``parse_head(head, limits)`` parses a complete head (see ``_http1_head``); ``lax``
    accepts bare-LF line endings, which only the response side allows.
    """

    __slots__ = (
        "_chunk_extensions",
        "_declined",
        "_error",
        "_lax",
        "_limits",
        "_line_start",
        "_lines",
        "_parse_head",
        "_pending",
        "_remaining",
        "_scanned",
        "_state",
        "_switch_after",
    )

    def __init__(self, parse_head: HeadParser, limits: Limits, *, lax: bool) -> None:
        self._parse_head = parse_head
        self._limits = limits
        self._lax = lax
        self._state = _HEAD
        self._pending = bytearray()  # an incomplete head, chunk line or trailers
        self._scanned = 0  # how far _pending was searched for its terminator
        self._line_start = 0  # where _pending's current (head) line begins
        self._lines = 0  # complete lines in a pending head
        self._remaining = 0  # body or chunk bytes still to come
        self._chunk_extensions = 0
        self._switch_after = False
        self._error: HttpProcessingError | None = None
        # The switching head feed_head() parsed and declined, with its bytes:
        # feed() is handed those very bytes next and reuses the parse.
        self._declined: tuple[bytes, Message, Framing] | None = None

    @property
    def switched(self) -> bool:
        """Whether the connection has switched protocols."""
        return self._state is _SWITCHED

    @property
    def head_pending(self) -> bool:
        """Whether part of a message head has arrived and the rest has not."""
        return self._state is _HEAD and bool(self._pending)

    @property
    def between_messages(self) -> bool:
        """Whether the stream is at a message boundary with nothing buffered."""
        return self._state is _HEAD and not self._pending

    @property
    def error(self) -> HttpProcessingError | None:
        """The error that ended the stream, if one did."""
        return self._error

    # -- feeding ---------------------------------------------------------------

    def feed(self, data: bytes) -> list[Event]:  # noqa: PLR0911 - early exits, hot path
        """Take the next bytes of the stream; return the events they complete."""
        if self._error is not None:
            return [self._error]
        if self._state is _SWITCHED:
            return [Switch(data)] if data else []
        declined = self._declined  # by the caller's own feed_head(data)?
        if declined is None:
            try:
                head = self.feed_head(data)
            except HttpProcessingError as exc:
                return [exc]
            if head is not None:
                return [head]
            declined = self._declined
        if declined is not None:
            self._declined = None
            # The same bytes at the same place in the stream (a caller may
            # have fed others in between): the same head, parsed once.
            if declined[0] is data and self._state is _HEAD and not self._pending:
                events: list[Event] = []
                self._start_body(declined[1], declined[2], events)
                return events
        events = []
        try:
            if self._pending:
                if not self._complete_pending(data):
                    return events
                data = bytes(self._pending)
                self._pending.clear()
            self._run(data, events)
        except HttpProcessingError as exc:
            self._fail(exc, events)
        return events

    def feed_head(self, data: bytes) -> Head | None:
        """``feed`` for the usual request: one whole head, alone in ``data``.

        A request mostly arrives so, at a message boundary. Then this
        returns the head's event and leaves the reader as ``feed`` would
        (reading the body the head announces, if any); for anything else,
        and for a head that switches protocols, it returns ``None`` and
        consumes nothing: ``feed`` must take ``data`` (and, for the
        switching head, takes this parse of it). A broken head fails the
        reader, as in ``feed``, and is raised.
        """
        if (
            self._state is not _HEAD
            or self._pending
            or self._lax
            or (end := data.find(b"\r\n\r\n")) <= 0
            or end != len(data) - 4
            or data[0] in _LINE_END_BYTES
        ):
            return None
        try:
            message, framing = self._parse_head(data[:-2], self._limits)
        except HttpProcessingError as exc:
            self._fail(exc, [])
            raise
        if framing is NO_BODY:
            return _new_tuple(Head, (message, False))
        if framing.switch:
            # Rare (Upgrade, CONNECT): the caller must learn of the switch
            # from feed(), which takes this parse instead of repeating it.
            self._declined = (data, message, framing)
            return None
        events: list[Event] = []
        self._start_body(message, framing, events)
        return events[0]  # type: ignore[return-value]

    def _fail(self, error: HttpProcessingError, events: list[Event]) -> None:
        self._state = _FAILED
        self._error = error
        self._pending.clear()
        events.append(error)

    def feed_eof(self) -> list[Event]:
        """The peer closed the connection: end a body that runs until then.

        An incomplete message gives its error as the event.
        """
        self._declined = None
        if self._error is not None:
            return [self._error]
        state = self._state
        if state is _UNTIL_CLOSE:
            self._state = _HEAD
            return [END]
        if state is _LENGTH:
            error: HttpProcessingError = ContentLengthError(
                "Not enough data to satisfy content length header."
            )
        elif state in (
            _CHUNK_LINE,
            _CHUNK_DATA,
            _CHUNK_CRLF,
            _TRAILERS,
        ):
            error = TransferEncodingError(
                "Not enough data to satisfy transfer length header."
            )
        elif state is _HEAD and self._pending.strip(b"\r\n"):
            error = BadHttpMessage("Connection closed in the middle of a message head")
        else:
            return []
        events: list[Event] = []
        self._fail(error, events)
        return events

    # -- the state machine -------------------------------------------------------

    def _run(self, data: bytes, events: list[Event]) -> None:  # noqa: PLR0912
        """Consume ``data`` from the start, appending events; keep leftovers."""
        pos = 0
        end = len(data)
        while pos < end:
            state = self._state
            if state is _HEAD:
                pos = self._read_head(data, pos, events)
                if pos < 0:
                    return
            elif state is _LENGTH:
                take = min(self._remaining, end - pos)
                events.append(
                    data if take == end and pos == 0 else data[pos : pos + take]
                )
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._finish_message(events)
            elif state is _CHUNK_DATA:
                take = min(self._remaining, end - pos)
                events.append(data[pos : pos + take])
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._state = _CHUNK_CRLF
            elif state is _CHUNK_LINE:
                pos = self._read_chunk_line(data, pos, events)
                if pos < 0:
                    return
            elif state is _CHUNK_CRLF:
                if data.startswith(b"\r\n", pos):
                    pos += 2
                elif self._lax and data.startswith(b"\n", pos):
                    pos += 1
                elif end - pos == 1 and data[pos] == 0x0D:
                    self._wait(data, pos, 0)
                    return
                else:
                    raise TransferEncodingError("A chunk does not end with CRLF")
                events.append(CHUNK_END)
                self._state = _CHUNK_LINE
            elif state is _TRAILERS:
                pos = self._read_trailers(data, pos, events)
                if pos < 0:
                    return
            elif state is _UNTIL_CLOSE:
                events.append(data if pos == 0 else data[pos:])
                return
            else:  # SWITCHED: the rest belongs to the next protocol
                events.append(Switch(data[pos:]))
                return

    def _wait(self, data: bytes, pos: int, scanned: int) -> None:
        """Keep ``data[pos:]`` until more arrives; it was searched to ``scanned``."""
        self._pending += data[pos:]
        self._scanned = scanned

    def _complete_pending(self, data: bytes) -> bool:
        """Add ``data`` to a pending line; whether its terminator has arrived."""
        pending = self._pending
        start = len(pending)
        pending += data
        state = self._state
        if state is _CHUNK_CRLF:
            return len(pending) >= 2
        if state is _CHUNK_LINE:
            if pending.find(b"\n", start) >= 0:
                return True
            if len(pending) > self._limits.max_line_size:
                raise LineTooLong("chunk size line", self._limits.max_line_size)
            return False
        # A head or a trailer section: both end with an empty line.
        if state is _TRAILERS and (
            pending.startswith(b"\r\n") or (self._lax and pending.startswith(b"\n"))
        ):
            return True
        if self._section_end(pending, max(self._scanned - 3, 0)) >= 0:
            return True
        self._scanned = len(pending)
        if state is _HEAD:
            self._check_partial_head(start)
        elif len(pending) > self._max_trailers_size():
            raise BadHttpMessage("Trailer section is too large", code=431)
        return False

    def _section_end(self, buffer: bytes | bytearray, start: int) -> int:
        """Where the empty line ending a head or trailers starts, or -1."""
        if self._lax:
            match = _LAX_HEAD_END.search(buffer, start)
            return -1 if match is None else match.start()
        return buffer.find(b"\r\n\r\n", start)

    def _check_partial_head(self, start: int) -> None:
        """Enforce the head limits on a head still waiting for its end."""
        pending = self._pending
        limits = self._limits
        newlines = pending.count(b"\n", start)
        # A bare LF can never end a strict head: refuse now, not at the
        # header timeout (a CR just before ``start`` pairs with an LF at it).
        if (
            newlines
            and not self._lax
            and newlines != pending.count(b"\r\n", max(start - 1, 0))
        ):
            self._refuse_bare_lf()
        if newlines:
            self._lines += newlines
            self._line_start = pending.rfind(b"\n", start) + 1
        if self._lines == 0:
            if len(pending) > limits.max_line_size:
                code = 400 if self._lax else 414
                raise LineTooLong(
                    "start line", limits.max_line_size, len(pending), code=code
                )
            return
        # 431 is a server's answer; a response's faults are plain 400s.
        code = 400 if self._lax else 431
        if self._lines > limits.max_headers + 1:
            raise BadHttpMessage("Too many header fields received", code=code)
        if len(pending) - self._line_start > limits.max_field_size:
            raise LineTooLong("header field", limits.max_field_size, code=code)

    def _refuse_bare_lf(self) -> NoReturn:
        # The same error the complete head would get: a broken request line
        # or a broken field line.
        pending = self._pending
        first = pending.find(b"\n")
        if first == 0 or pending[first - 1] != 0x0D:
            line = pending[:first].decode("latin-1")
            raise BadStatusLine(line, f"Bare LF ending the request line {line!r}")
        raise InvalidHeader(bytes(pending[first + 1 :]))

    def _max_trailers_size(self) -> int:
        return self._limits.max_headers * (self._limits.max_field_size + 2)

    def _read_head(self, data: bytes, pos: int, events: list[Event]) -> int:
        """Parse a head at ``pos``; return the position after it, or -1."""
        # A server should ignore empty lines before a request-line (RFC 9112 2.2).
        while data[pos] in _LINE_END_BYTES:  # rare: compare a byte, not a slice
            if data.startswith(b"\r\n", pos):
                pos += 2
            elif self._lax and data[pos] == 0x0A:
                pos += 1
            else:
                break
            if pos == len(data):
                return pos
        if pos >= len(data):
            return len(data)
        if self._lax:
            match = _LAX_HEAD_END.search(data, pos)
            if match is None:
                return self._wait_for_head(data, pos)
            head, after = data[pos : match.start() + 1], match.end()
        else:
            found = data.find(b"\r\n\r\n", pos)
            if found < 0:
                return self._wait_for_head(data, pos)
            head, after = data[pos : found + 2], found + 4
        message, framing = self._parse_head(head, self._limits)
        length = framing.length
        if length and not framing.switch and after + length <= len(data):
            # The usual small message: its whole body came with its head.
            end = after + length
            events += (_new_tuple(Head, (message, True)), data[after:end], END)
            return end
        self._start_body(message, framing, events)
        return after

    def _wait_for_head(self, data: bytes, pos: int) -> int:
        self._pending += data[pos:]
        self._scanned = len(self._pending)
        self._lines = 0
        self._line_start = 0
        self._check_partial_head(0)
        return -1

    def _start_body(
        self, message: Message, framing: Framing, events: list[Event]
    ) -> None:
        if framing is NO_BODY:  # the usual request: nothing more to read
            events.append(_new_tuple(Head, (message, False)))
        elif framing.chunked:
            events.append(_new_tuple(Head, (message, True)))
            self._state = _CHUNK_LINE
            self._chunk_extensions = 0
            self._switch_after = framing.switch
        elif framing.length:
            events.append(_new_tuple(Head, (message, True)))
            self._state = _LENGTH
            self._remaining = framing.length
            self._switch_after = framing.switch
        elif framing.until_close:
            events.append(Head(message, True))
            self._state = _UNTIL_CLOSE
        else:
            events.append(Head(message, False))
            if framing.switch:
                self._state = _SWITCHED

    def _finish_message(self, events: list[Event]) -> None:
        events.append(END)
        self._state = _SWITCHED if self._switch_after else _HEAD
        self._switch_after = False

    def _read_chunk_line(self, data: bytes, pos: int, events: list[Event]) -> int:
        """Read chunks from ``pos``: every complete one in a tight loop.

        Returns the position after what was consumed (or -1 when a partial
        chunk line waits for more) with the state set to go on from there.
        """
        end = len(data)
        append = events.append
        while True:
            newline = data.find(b"\n", pos)
            if newline < 0:
                if end - pos > self._limits.max_line_size:
                    raise LineTooLong("chunk size line", self._limits.max_line_size)
                self._wait(data, pos, end - pos)
                return -1
            size = self._chunk_size(data, pos, newline)
            if not size:
                self._state = _TRAILERS
                return newline + 1
            start = newline + 1
            stop = start + size
            if stop + 2 > end or data[stop] != 0x0D or data[stop + 1] != 0x0A:
                # A chunk that ends beyond these bytes, or an irregular end:
                # the general states take it from here.
                self._remaining = size
                self._state = _CHUNK_DATA
                return start
            append(data[start:stop])
            append(CHUNK_END)
            pos = stop + 2
            if pos == end:
                return pos

    def _chunk_size(self, data: bytes, pos: int, newline: int) -> int:
        """The size on the chunk line ``data[pos:newline]`` (RFC 9112 7.1)."""
        if newline > pos and data[newline - 1] == 0x0D:
            line = data[pos : newline - 1]
        elif self._lax:
            line = data[pos:newline]
        else:
            raise TransferEncodingError("A chunk size line does not end with CRLF")
        if _HEX_SIZE.fullmatch(line):  # the usual case: hex digits alone
            return int(line, 16)
        if len(line) > self._limits.max_line_size:
            raise LineTooLong("chunk size line", self._limits.max_line_size, len(line))
        match = _CHUNK_LINE_RE.fullmatch(line)
        if match is None:
            raise TransferEncodingError(f"Invalid chunk size line {line[:100]!r}")
        size_hex, extensions = match.groups()
        if extensions:
            self._chunk_extensions += len(extensions)
            if self._chunk_extensions > MAX_CHUNK_EXTENSIONS:
                raise TransferEncodingError("Chunk extensions are too long")
        size = int(size_hex, 16)
        if size > MAX_BODY_LENGTH:
            raise TransferEncodingError("Chunk size is too large", code=413)
        return size

    def _read_trailers(self, data: bytes, pos: int, events: list[Event]) -> int:
        """Read the trailer section after the last chunk (and ignore it)."""
        if data.startswith(b"\r\n", pos):
            after = pos + 2
        elif self._lax and data.startswith(b"\n", pos):
            after = pos + 1
        else:
            if self._lax:
                match = _LAX_HEAD_END.search(data, pos)
                found, after = (match.start(), match.end()) if match else (-1, -1)
            else:
                found = data.find(b"\r\n\r\n", pos)
                after = found + 4
            if found < 0:
                if len(data) - pos > self._max_trailers_size():
                    raise BadHttpMessage("Trailer section is too large", code=431)
                self._wait(data, pos, len(data) - pos)
                return -1
            if not self._lax:
                # Trailers are field lines: the same rules as the head's.
                parse_fields_strict(data[pos : found + 2], self._limits)
        self._finish_message(events)
        return after
