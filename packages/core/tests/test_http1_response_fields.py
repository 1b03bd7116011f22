"""A response head's fields read as one block, or line by line: one answer.

``parse_response_head`` reads the usual field block in one pass and leaves
anything unusual (obs-fold, stray whitespace or control characters, bare
CRs, limits reached) to ``parse_fields_lax``, which reads line by line. The
two must agree on every input: the same headers and raw headers, or the
same error. Checked on generated input (hypothesis).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiohttp._http1_head import Limits, parse_fields_lax, parse_response_head

STATUS_LINE = b"HTTP/1.1 200 OK\r\n"

# No field that frames the body (Content-Length and the like): its own
# checks come after the fields are read, whichever way they were.
pieces = st.sampled_from(
    [
        b"X-Length",
        b"X-A",
        b"a",
        b":",
        b": ",
        b" ",
        b"\t",
        b"\r",
        b"\x00",
        b"\x01",
        b"13",
        b"text/plain",
        b"caf\xc3\xa9",
        b"\xff",
        b",",
        b"\x0b",
    ]
)
raw_lines = st.lists(pieces, max_size=8).map(b"".join)
usual_lines = st.builds(
    lambda name, sep, value, trail: name + sep + value + trail,
    st.sampled_from([b"Content-Type", b"X-Id", b"Server", b"a"]),
    st.sampled_from([b":", b": ", b":\t", b" : "]),
    st.sampled_from([b"", b"x", b"a b", b"caf\xc3\xa9", b"1, 2", b"\x01"]),
    st.sampled_from([b"", b" ", b"\t", b" \t"]),
)
lines = st.lists(
    st.tuples(usual_lines | raw_lines, st.sampled_from([b"\r\n", b"\n"])),
    max_size=6,
)
limits = st.builds(
    Limits,
    max_line_size=st.just(8190),
    max_field_size=st.integers(1, 60),
    max_headers=st.integers(0, 8),
)


def one_pass(block: bytes, limits: Limits) -> object:
    try:
        message, _ = parse_response_head(STATUS_LINE + block, limits)
    except Exception as exc:
        return (type(exc), str(exc))
    return (list(message.headers.items()), message.raw_headers)


def line_by_line(block: bytes, limits: Limits) -> object:
    fields = [line.removesuffix(b"\r") for line in block.split(b"\n")]
    if fields and not fields[-1]:
        fields.pop()  # what the head's last line ending leaves
    try:
        headers, raw = parse_fields_lax(fields, limits)
    except Exception as exc:
        return (type(exc), str(exc))
    return (list(headers.items()), raw)


@settings(max_examples=1000, suppress_health_check=list(HealthCheck), deadline=None)
@given(lines, limits)
def test_one_pass_and_line_by_line_agree(
    field_lines: list[tuple[bytes, bytes]], limits: Limits
) -> None:
    block = b"".join(line + end for line, end in field_lines)
    assert one_pass(block, limits) == line_by_line(block, limits)


def test_the_usual_block_reads_as_expected() -> None:
    block = b"Content-Length: 13\r\nContent-Type:  text/plain \r\nX-E: caf\xc3\xa9\r\n"
    message, _ = parse_response_head(STATUS_LINE + block, Limits())
    assert list(message.headers.items()) == [
        ("Content-Length", "13"),
        ("Content-Type", "text/plain"),
        ("X-E", "café"),
    ]
    assert message.raw_headers == (
        (b"Content-Length", b"13"),
        (b"Content-Type", b"text/plain"),
        (b"X-E", b"caf\xc3\xa9"),
    )
