"""Properties of the HTTP/1 reader, checked on generated input (hypothesis).

- A valid request, however its bytes are split, reads back exactly: the
  same method, target, fields and body, and as many messages as were sent.
- No input whatever escapes the documented errors or hangs: every call
  returns, and a broken stream ends with an ``HttpProcessingError`` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from http1_feeding import normalize, request_reader, response_reader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiohttp._http1_reader import END, Event, Head
from aiohttp.http_exceptions import HttpProcessingError

TOKEN_CHARS = (
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
tokens = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=12)
# Visible ASCII and spaces inside, none at the edges (RFC 9110 section 5.5).
values = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30
) | st.builds(
    lambda a, b: f"{a} {b}",
    st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E),
        min_size=1,
        max_size=8,
    ),
    st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E),
        min_size=1,
        max_size=8,
    ),
)
path_chars = st.sampled_from(list("abcxyz0123456789-._~!$&'()*+,;=:@/"))
paths = st.lists(path_chars, max_size=30).map(lambda chars: "/" + "".join(chars))
reserved = {"host", "content-length", "transfer-encoding", "connection", "upgrade"}


@dataclass
class Request:
    method: str
    path: str
    fields: list[tuple[str, str]]
    body: bytes
    chunk_sizes: list[int] | None  # None: Content-Length framing

    def encode(self) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", "Host: example.com"]
        lines += [f"{name}: {value}" for name, value in self.fields]
        if self.chunk_sizes is None:
            if self.body:
                lines.append(f"Content-Length: {len(self.body)}")
            return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body
        lines.append("Transfer-Encoding: chunked")
        out = [("\r\n".join(lines) + "\r\n\r\n").encode()]
        position = 0
        for size in self.chunk_sizes:
            piece = self.body[position : position + size]
            position += size
            if piece:
                out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
        if position < len(self.body):
            rest = self.body[position:]
            out.append(b"%x\r\n" % len(rest) + rest + b"\r\n")
        out.append(b"0\r\n\r\n")
        return b"".join(out)


@st.composite
def requests(draw: st.DrawFn) -> Request:
    fields = draw(
        st.lists(
            st.tuples(tokens.filter(lambda name: name.lower() not in reserved), values),
            max_size=8,
        )
    )
    body = draw(st.binary(max_size=300))
    chunked = draw(st.booleans())
    sizes = draw(st.lists(st.integers(1, 64), max_size=10)) if chunked else None
    return Request(draw(tokens.map(str.upper)), draw(paths), fields, body, sizes)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in pairwise(edges)]


def _feed(reader_factory: object, pieces: list[bytes]) -> list[Event]:
    reader = reader_factory()  # type: ignore[operator]
    events: list[Event] = []
    for piece in pieces:
        events += reader.feed(piece)
    return events


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(requests(), min_size=1, max_size=3),
    st.lists(st.integers(0, 10**6), max_size=12),
)
def test_valid_requests_read_back_exactly(
    batch: list[Request], cuts: list[int]
) -> None:
    data = b"".join(request.encode() for request in batch)
    events = _feed(request_reader, _split(data, cuts))
    assert not any(isinstance(event, HttpProcessingError) for event in events)
    heads = [event for event in events if isinstance(event, Head)]
    assert len(heads) == len(batch), "as many messages as were sent, never more"
    merged = normalize(events)
    index = 0
    for request, head in zip(batch, heads, strict=True):
        while merged[index] is not head:
            index += 1
        message = head.message
        assert message.method == request.method  # type: ignore[union-attr]
        assert message.path == request.path  # type: ignore[union-attr]
        for name, value in request.fields:
            assert value in message.headers.getall(name)
        if request.body:
            body = b"".join(
                event
                for event in merged[index + 1 : merged.index(END, index)]
                if isinstance(event, bytes)
            )
            assert body == request.body
        else:
            assert head.has_body is bool(request.chunk_sizes is not None)


@settings(max_examples=500)
@given(st.binary(max_size=400), st.lists(st.integers(0, 10**6), max_size=8))
def test_arbitrary_bytes_only_give_documented_errors(
    data: bytes, cuts: list[int]
) -> None:
    for factory in (request_reader, response_reader):
        reader = factory()
        events: list[Event] = []
        for piece in _split(data, cuts):
            events += reader.feed(piece)  # returns; never raises
            if reader.error is not None:
                break  # a connection stops reading at the first error
        else:
            events += reader.feed_eof()
        errors = [
            i
            for i, event in enumerate(events)
            if isinstance(event, HttpProcessingError)
        ]
        if errors:
            # An error ends the stream: it comes last, once, and stays.
            assert errors == [len(events) - 1]
            assert reader.feed(b"GET / HTTP/1.1\r\n\r\n") == [events[-1]]
            assert 400 <= events[-1].code < 600  # type: ignore[union-attr]


@settings(max_examples=300)
@given(requests(), st.integers(0, 10**6), st.binary(min_size=1, max_size=3))
def test_a_corrupted_request_never_becomes_two(
    request: Request, position: int, garbage: bytes
) -> None:
    # A few bytes spliced into one request may make it unreadable or change
    # what it says, but never let a second request appear out of it.
    data = request.encode()
    at = position % len(data)
    events = _feed(request_reader, [data[:at] + garbage + data[at:]])
    assert sum(isinstance(event, Head) for event in events) <= 1
