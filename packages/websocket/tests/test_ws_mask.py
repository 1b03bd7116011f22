"""Payload masking against a byte-by-byte reference (RFC 6455 section 5.3)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiohttp._websocket.mask import websocket_mask


def reference_mask(mask: bytes, data: bytes) -> bytes:
    """RFC 6455 section 5.3, literally: octet i XOR mask octet i mod 4."""
    return bytes(octet ^ mask[i % 4] for i, octet in enumerate(data))


LENGTHS = [*range(71), 125, 126, 127, 65535, 65536, 65537]


@pytest.mark.parametrize("length", LENGTHS)
def test_matches_reference(length: int) -> None:
    data = os.urandom(length)
    mask = os.urandom(4)
    assert websocket_mask(mask, data) == reference_mask(mask, data)


@given(mask=st.binary(min_size=4, max_size=4), data=st.binary(max_size=300))
def test_matches_reference_any_mask(mask: bytes, data: bytes) -> None:
    assert websocket_mask(mask, data) == reference_mask(mask, data)


@given(mask=st.binary(min_size=4, max_size=4))
def test_all_mask_patterns_long_payload(mask: bytes) -> None:
    data = bytes(range(256)) * 256  # 65536 bytes
    assert websocket_mask(mask, data) == reference_mask(mask, data)


@given(mask=st.binary(min_size=4, max_size=4), data=st.binary(max_size=200))
def test_masking_is_its_own_inverse(mask: bytes, data: bytes) -> None:
    assert websocket_mask(mask, websocket_mask(mask, data)) == data


@given(mask=st.binary(min_size=4, max_size=4), data=st.binary(max_size=100))
def test_accepts_bytearray_and_memoryview(mask: bytes, data: bytes) -> None:
    expected = reference_mask(mask, data)
    assert websocket_mask(mask, bytearray(data)) == expected
    assert websocket_mask(mask, memoryview(data)) == expected


def test_memoryview_slice() -> None:
    buffer = bytes(range(100))
    view = memoryview(buffer)[10:50]
    mask = b"\x01\x02\x03\x04"
    assert websocket_mask(mask, view) == reference_mask(mask, buffer[10:50])


def test_leading_and_trailing_zero_bytes_kept() -> None:
    # The integer round trip must not drop zero bytes at either end.
    data = b"\x00\x00\x07\x00\x00"
    assert websocket_mask(b"\x00\x00\x00\x00", data) == data
    assert websocket_mask(b"\xff\x00\x00\xff", b"\xff\x00\x00\xff" * 3) == bytes(12)


def test_empty_payload() -> None:
    assert websocket_mask(b"abcd", b"") == b""
    assert websocket_mask(b"abcd", bytearray()) == b""
    assert websocket_mask(b"abcd", memoryview(b"")) == b""


def test_returns_bytes() -> None:
    assert type(websocket_mask(b"abcd", bytearray(b"xyz"))) is bytes


def test_rfc_example() -> None:
    # RFC 6455 section 5.7: a masked "Hello" with mask 37 fa 21 3d.
    assert websocket_mask(b"\x37\xfa\x21\x3d", b"Hello") == b"\x7f\x9f\x4d\x51\x58"


@pytest.mark.parametrize("mask", [b"", b"abc", b"abcde", b"\x00" * 8])
def test_mask_must_be_four_bytes(mask: bytes) -> None:
    with pytest.raises(ValueError, match="mask must be 4 bytes"):
        websocket_mask(mask, b"payload")
