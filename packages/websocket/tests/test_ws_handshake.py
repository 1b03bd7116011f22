"""Opening handshake keys and checks (RFC 6455 sections 1.3 and 4)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp._websocket.handshake import (
    accept_value,
    check_accept,
    choose_protocol,
    generate_key,
    validate_request_headers,
)
from aiohttp._websocket.models import WS_KEY, WSHandshakeError

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def good_headers(**overrides: str | None) -> CIMultiDict[str]:
    values: dict[str, str | None] = {
        "Host": "server.example.com",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": RFC_KEY,
        "Sec-WebSocket-Version": "13",
    }
    values.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return CIMultiDict({k: v for k, v in values.items() if v is not None})


# --- keys --------------------------------------------------------------------


def test_accept_value_rfc_example() -> None:
    assert accept_value(RFC_KEY) == RFC_ACCEPT


def test_accept_value_definition() -> None:
    key = "AQIDBAUGBwgJCgsMDQ4PEA=="
    expected = base64.b64encode(hashlib.sha1(key.encode() + WS_KEY).digest()).decode()
    assert accept_value(key) == expected


def test_generate_key_is_16_random_bytes() -> None:
    key = generate_key()
    assert len(base64.b64decode(key, validate=True)) == 16
    assert len(key) == 24
    assert generate_key() != key


def test_generate_key_uses_the_random_source() -> None:
    calls: list[int] = []

    def fake(n: int) -> bytes:
        calls.append(n)
        return b"the sample nonce"

    assert generate_key(fake) == RFC_KEY
    assert calls == [16]


def test_generated_key_passes_validation() -> None:
    key = generate_key()
    assert validate_request_headers(good_headers(Sec_WebSocket_Key=key)) == key


def test_check_accept() -> None:
    assert check_accept(RFC_KEY, RFC_ACCEPT)
    assert not check_accept(RFC_KEY, RFC_ACCEPT.lower())
    assert not check_accept(RFC_KEY, "")
    assert not check_accept(RFC_KEY, RFC_ACCEPT + " ")
    assert not check_accept("AQIDBAUGBwgJCgsMDQ4PEA==", RFC_ACCEPT)


def test_check_accept_non_ascii() -> None:
    assert not check_accept(RFC_KEY, "s3pPLMBiTxaQ9kYGzzhZRbK+xOé=")


# --- request validation --------------------------------------------------------


def test_valid_request_returns_key() -> None:
    assert validate_request_headers(good_headers()) == RFC_KEY


def test_valid_request_read_only_proxy() -> None:
    assert validate_request_headers(CIMultiDictProxy(good_headers())) == RFC_KEY


@pytest.mark.parametrize(
    "overrides",
    [
        {"Upgrade": "WebSocket"},
        {"Upgrade": "WEBSOCKET"},
        {"Upgrade": "h2c, websocket"},
        {"Connection": "keep-alive, Upgrade"},
        {"Connection": "upgrade"},
        {"Connection": "UPGRADE ,keep-alive"},
        {"Sec-WebSocket-Version": " 13 "},
        {"Sec-WebSocket-Key": f" {RFC_KEY} "},
    ],
)
def test_valid_request_variants(overrides: dict[str, str]) -> None:
    headers = good_headers()
    headers.update(overrides)
    assert validate_request_headers(headers) == RFC_KEY


def test_plain_dict_with_canonical_names() -> None:
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": RFC_KEY,
        "Sec-WebSocket-Version": "13",
    }
    assert validate_request_headers(headers) == RFC_KEY


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"Upgrade": None}, "No WebSocket Upgrade header: None"),
        ({"Upgrade": "h2c"}, "No WebSocket Upgrade header: 'h2c'"),
        ({"Upgrade": "websocket2"}, "No WebSocket Upgrade header"),
        ({"Upgrade": ""}, "No WebSocket Upgrade header"),
        ({"Connection": None}, "No upgrade token in the Connection header: None"),
        ({"Connection": "keep-alive"}, "No upgrade token in the Connection header"),
        ({"Connection": "upgraded"}, "No upgrade token in the Connection header"),
        ({"Sec-WebSocket-Version": None}, "Unsupported Sec-WebSocket-Version: None"),
        ({"Sec-WebSocket-Version": "8"}, "Unsupported Sec-WebSocket-Version: '8'"),
        ({"Sec-WebSocket-Version": "13, 8"}, "Unsupported Sec-WebSocket-Version"),
        ({"Sec-WebSocket-Version": ""}, "Unsupported Sec-WebSocket-Version"),
        ({"Sec-WebSocket-Key": None}, "Missing Sec-WebSocket-Key header"),
        ({"Sec-WebSocket-Key": ""}, "must encode 16 bytes, not 0"),
        ({"Sec-WebSocket-Key": "not base64!"}, "not base64"),
        ({"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ"}, "not base64"),
        ({"Sec-WebSocket-Key": "dGhlIHNh bXBsZSBub25jZQ=="}, "not base64"),
        ({"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQé="}, "not base64"),
        ({"Sec-WebSocket-Key": "YWJj"}, "must encode 16 bytes, not 3"),
        (
            {"Sec-WebSocket-Key": base64.b64encode(bytes(17)).decode()},
            "must encode 16 bytes, not 17",
        ),
        (
            {"Sec-WebSocket-Key": base64.b64encode(bytes(15)).decode()},
            "must encode 16 bytes, not 15",
        ),
    ],
)
def test_invalid_request_rejected(
    overrides: dict[str, str | None], message: str
) -> None:
    headers = good_headers()
    for name, value in overrides.items():
        headers.popall(name, None)
        if value is not None:
            headers[name] = value
    with pytest.raises(WSHandshakeError, match=message.replace("(", r"\(")):
        validate_request_headers(headers)


@pytest.mark.parametrize("name", ["Sec-WebSocket-Key", "Sec-WebSocket-Version"])
def test_repeated_header_rejected(name: str) -> None:
    headers = good_headers()
    headers.add(name, headers[name])
    with pytest.raises(WSHandshakeError, match=f"{name} header must not be repeated"):
        validate_request_headers(headers)


def test_checks_run_in_order() -> None:
    # With everything wrong, the Upgrade header is reported first.
    with pytest.raises(WSHandshakeError, match="Upgrade"):
        validate_request_headers(CIMultiDict())


# --- subprotocols ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "supported", "expected"),
    [
        (None, ["chat"], None),
        ("", ["chat"], None),
        ("chat", [], None),
        ("chat", ["chat"], "chat"),
        ("chat, superchat", ["superchat", "chat"], "chat"),
        ("superchat,chat", ["chat", "superchat"], "superchat"),
        ("  a ,  b  ", ["b"], "b"),
        ("a, , b", ["b"], "b"),
        ("x, y", ["chat"], None),
        ("Chat", ["chat"], None),
        ("chat", ("chat",), "chat"),
    ],
)
def test_choose_protocol(
    offered: str | None, supported: list[str], expected: str | None
) -> None:
    assert choose_protocol(offered, supported) == expected


def test_choose_protocol_never_matches_empty_name() -> None:
    assert choose_protocol(" , ", ["", "chat"]) is None
