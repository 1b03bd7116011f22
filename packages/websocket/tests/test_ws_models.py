"""WebSocket message types, close codes, messages and errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from aiohttp._websocket import models
from aiohttp._websocket.models import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WS_KEY,
    WebSocketError,
    WSCloseCode,
    WSHandshakeError,
    WSMessage,
    WSMessageDecodeText,
    WSMessageNoDecodeText,
    WSMessageTextBytes,
    WSMsgType,
)


def test_msg_type_values() -> None:
    assert {m.name: m.value for m in WSMsgType} == {
        "CONTINUATION": 0x0,
        "TEXT": 0x1,
        "BINARY": 0x2,
        "PING": 0x9,
        "PONG": 0xA,
        "CLOSE": 0x8,
        "CLOSING": 0x100,
        "CLOSED": 0x101,
        "ERROR": 0x102,
    }


@pytest.mark.parametrize(
    ("alias", "member"),
    [
        ("text", WSMsgType.TEXT),
        ("binary", WSMsgType.BINARY),
        ("ping", WSMsgType.PING),
        ("pong", WSMsgType.PONG),
        ("close", WSMsgType.CLOSE),
        ("closing", WSMsgType.CLOSING),
        ("closed", WSMsgType.CLOSED),
        ("error", WSMsgType.ERROR),
    ],
)
def test_msg_type_lowercase_aliases(alias: str, member: WSMsgType) -> None:
    assert getattr(WSMsgType, alias) is member
    assert WSMsgType[alias] is member


def test_msg_type_aliases_are_not_extra_members() -> None:
    assert len(WSMsgType) == 9


def test_msg_type_from_opcode() -> None:
    assert WSMsgType(0x9) is WSMsgType.PING
    assert int(WSMsgType.TEXT) == 1


def test_close_code_values() -> None:
    assert {c.name: c.value for c in WSCloseCode} == {
        "OK": 1000,
        "GOING_AWAY": 1001,
        "PROTOCOL_ERROR": 1002,
        "UNSUPPORTED_DATA": 1003,
        "ABNORMAL_CLOSURE": 1006,
        "INVALID_TEXT": 1007,
        "POLICY_VIOLATION": 1008,
        "MESSAGE_TOO_BIG": 1009,
        "MANDATORY_EXTENSION": 1010,
        "INTERNAL_ERROR": 1011,
        "SERVICE_RESTART": 1012,
        "TRY_AGAIN_LATER": 1013,
        "BAD_GATEWAY": 1014,
    }


def test_close_code_is_int() -> None:
    assert int(WSCloseCode.GOING_AWAY) == 1001
    assert WSCloseCode(1009) is WSCloseCode.MESSAGE_TOO_BIG


def test_message_fields() -> None:
    msg = WSMessage(WSMsgType.CLOSE, WSCloseCode.OK, "bye")
    assert msg.type is WSMsgType.CLOSE
    assert msg.data == 1000
    assert msg.extra == "bye"
    assert msg == (WSMsgType.CLOSE, 1000, "bye")
    msg_type, data, extra = msg
    assert (msg_type, data, extra) == (WSMsgType.CLOSE, 1000, "bye")


def test_message_json_default_loads() -> None:
    msg = WSMessage(WSMsgType.TEXT, '{"a": [1, 2.5, null]}', None)
    assert msg.json() == {"a": [1, 2.5, None]}


def test_message_json_custom_loads() -> None:
    msg = WSMessage(WSMsgType.TEXT, '{"n": 1.5}', None)
    assert msg.json(loads=lambda s: json.loads(s, parse_float=Decimal)) == {
        "n": Decimal("1.5")
    }


def test_message_json_invalid_raises() -> None:
    with pytest.raises(json.JSONDecodeError):
        WSMessage(WSMsgType.TEXT, "{", None).json()


def test_message_json_is_keyword_only() -> None:
    msg = WSMessage(WSMsgType.TEXT, "1", None)
    with pytest.raises(TypeError):
        msg.json(json.loads)  # type: ignore[call-arg]


def test_text_bytes_message_json() -> None:
    msg = WSMessageTextBytes(WSMsgType.TEXT, b'{"k": "\xc3\xa9"}', None)
    assert msg.json() == {"k": "\u00e9"}
    assert msg.json(loads=lambda b: b.decode()) == '{"k": "\u00e9"}'
    assert msg.type is WSMsgType.TEXT
    assert msg.data == b'{"k": "\xc3\xa9"}'
    assert msg.extra is None


def test_message_aliases() -> None:
    assert WSMessageDecodeText is WSMessage
    msg: WSMessageNoDecodeText = WSMessageTextBytes(WSMsgType.TEXT, b"x", None)
    assert isinstance(msg, WSMessageTextBytes)
    assert isinstance(WSMessage(WSMsgType.TEXT, "x", None), WSMessageNoDecodeText)
    assert isinstance(msg, WSMessageNoDecodeText)


def test_closed_and_closing_constants() -> None:
    assert WSMessage(WSMsgType.CLOSED, None, None) == WS_CLOSED_MESSAGE
    assert WSMessage(WSMsgType.CLOSING, None, None) == WS_CLOSING_MESSAGE
    assert type(WS_CLOSED_MESSAGE) is WSMessage


def test_ws_key_is_rfc_guid() -> None:
    assert WS_KEY == b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def test_websocket_error() -> None:
    err = WebSocketError(WSCloseCode.PROTOCOL_ERROR, "Received frame with bad opcode")
    assert err.code == 1002
    assert str(err) == "Received frame with bad opcode"
    assert isinstance(err, Exception)
    with pytest.raises(WebSocketError, match="bad opcode") as info:
        raise err
    assert info.value.code == WSCloseCode.PROTOCOL_ERROR


def test_websocket_error_plain_int_code() -> None:
    err = WebSocketError(1009, "too big")
    assert err.code == 1009
    assert str(err) == "too big"
    assert err.args == (1009, "too big")


def test_handshake_error() -> None:
    err = WSHandshakeError("Invalid window size")
    assert str(err) == "Invalid window size"
    assert isinstance(err, Exception)
    assert not isinstance(err, WebSocketError)


def test_all_names_exist() -> None:
    for name in models.__all__:
        assert hasattr(models, name)
