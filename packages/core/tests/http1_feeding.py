"""Feed the sans-IO HTTP/1 reader three ways and insist on one answer.

Every parser test feeds its input whole, one byte at a time, and with the
start of a further message after it (STYLE.md example 3): buffer-boundary
bugs show up as a difference between the three.
"""

from __future__ import annotations

from functools import partial

from aiohttp._http1_head import Limits, parse_request_head, parse_response_head
from aiohttp._http1_reader import Event, MessageReader, Switch
from aiohttp.http_exceptions import HttpProcessingError

# The first bytes of another message: they complete nothing, so they must
# change nothing.
TRAILING_REQUEST = b"GET /next HTTP/1.1\r\nHost: exam"
TRAILING_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Len"


def request_reader(limits: Limits | None = None) -> MessageReader:
    limits = limits or Limits()
    return MessageReader(parse_request_head, limits, lax=False)


def response_reader(
    limits: Limits | None = None,
    *,
    request_method: str | None = None,
    read_until_eof: bool = True,
) -> MessageReader:
    limits = limits or Limits()
    parse = partial(
        parse_response_head,
        request_method=request_method,
        read_until_eof=read_until_eof,
    )
    return MessageReader(parse, limits, lax=True)


def normalize(events: list[Event]) -> list[object]:
    """Merge adjacent body bytes; describe an error by its type and status."""
    merged: list[object] = []
    for event in events:
        if isinstance(event, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += event
        elif isinstance(event, HttpProcessingError):
            merged.append((type(event), event.code))
        else:
            merged.append(event)
    return merged


def feed_three_ways(
    data: bytes,
    *,
    response: bool = False,
    eof: bool = False,
    make: object = None,
) -> list[object]:
    """The normalized events of ``data``, the same whichever way it is fed."""
    factory = (
        make if callable(make) else (response_reader if response else request_reader)
    )
    trailing = TRAILING_RESPONSE if response else TRAILING_REQUEST

    def run(pieces: list[bytes], *, at_eof: bool) -> list[object]:
        reader = factory()
        events: list[Event] = []
        for piece in pieces:
            events += reader.feed(piece)
            if events and isinstance(events[-1], HttpProcessingError):
                return normalize(events)  # a dead reader: the peer gets closed
        if at_eof:
            events += reader.feed_eof()
        return normalize(events)

    whole = run([data], at_eof=eof)
    bytewise = run([data[i : i + 1] for i in range(len(data))], at_eof=eof)
    assert bytewise == whole, "fed one byte at a time, the events differ"
    if not eof:
        # Trailing bytes go after the data; an error already ended the stream.
        with_tail = run([data + trailing], at_eof=False)
        if with_tail and with_tail[-1] == Switch(trailing):
            with_tail.pop()  # after a protocol switch the bytes are the tail
        assert with_tail == whole, "with trailing bytes, the events differ"
    return whole
