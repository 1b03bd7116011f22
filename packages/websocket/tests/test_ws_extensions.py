"""permessage-deflate negotiation (RFC 7692 sections 5 and 7)."""

from __future__ import annotations

import pytest

from aiohttp._websocket.extensions import ws_ext_gen, ws_ext_parse
from aiohttp._websocket.models import WSHandshakeError

# --- server side: the client's offers -------------------------------------


@pytest.mark.parametrize("extstr", [None, "", " ", ",", " , ,"])
def test_server_nothing_offered(extstr: str | None) -> None:
    assert ws_ext_parse(extstr, isserver=True) == (0, False)


@pytest.mark.parametrize(
    ("offer", "expected"),
    [
        ("permessage-deflate", (15, False)),
        ("Permessage-Deflate", (15, False)),
        ("permessage-deflate; client_max_window_bits", (15, False)),
        ("permessage-deflate; client_max_window_bits=8", (15, False)),
        ("permessage-deflate; client_max_window_bits=10", (15, False)),
        ("permessage-deflate; client_max_window_bits=15", (15, False)),
        ("permessage-deflate; server_max_window_bits=9", (9, False)),
        ("permessage-deflate; server_max_window_bits=12", (12, False)),
        ("permessage-deflate; server_max_window_bits=15", (15, False)),
        ('permessage-deflate; server_max_window_bits="11"', (11, False)),
        ("permessage-deflate; server_max_window_bits = 10", (10, False)),
        ("permessage-deflate; client_no_context_takeover", (15, False)),
        ("permessage-deflate; server_no_context_takeover", (15, True)),
        ("permessage-deflate;server_no_context_takeover", (15, True)),
        ("permessage-deflate; SERVER_NO_CONTEXT_TAKEOVER", (15, True)),
        (
            "permessage-deflate; client_max_window_bits; server_max_window_bits=10;"
            " client_no_context_takeover; server_no_context_takeover",
            (10, True),
        ),
    ],
)
def test_server_accepts_offer(offer: str, expected: tuple[int, bool]) -> None:
    assert ws_ext_parse(offer, isserver=True) == expected


@pytest.mark.parametrize(
    "offer",
    [
        "x-webkit-deflate-frame",
        "permessage-deflate; server_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=0",
        "permessage-deflate; server_max_window_bits=09",
        "permessage-deflate; server_max_window_bits=+9",
        "permessage-deflate; server_max_window_bits=100",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; server_max_window_bits=",
        "permessage-deflate; server_max_window_bits",
        'permessage-deflate; server_max_window_bits="1 0"',
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; client_no_context_takeover=1",
        "permessage-deflate; server_no_context_takeover=yes",
        "permessage-deflate; unknown_param",
        "permessage-deflate; unknown_param=1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; server_max_window_bits=10; server_max_window_bits=11",
        "permessage-deflate; ",
        "permessage-deflate; =10",
        "permessage deflate",
        "permessage-deflate; bad param=1",
        '"permessage-deflate"',
    ],
)
def test_server_skips_unacceptable_offer(offer: str) -> None:
    assert ws_ext_parse(offer, isserver=True) == (0, False)
    # ... and takes the next acceptable one.
    fallback = "permessage-deflate; server_max_window_bits=11"
    assert ws_ext_parse(f"{offer}, {fallback}", isserver=True) == (11, False)


def test_server_takes_first_acceptable_offer() -> None:
    offers = (
        "foo; bar=1, "
        "permessage-deflate; server_max_window_bits=8, "
        "permessage-deflate; server_max_window_bits=12; server_no_context_takeover, "
        "permessage-deflate"
    )
    assert ws_ext_parse(offers, isserver=True) == (12, True)


def test_server_ignores_empty_list_elements() -> None:
    offers = ", ,permessage-deflate; server_max_window_bits=10,,"
    assert ws_ext_parse(offers, isserver=True) == (10, False)


def test_server_comma_inside_quoted_string_of_other_extension() -> None:
    offers = 'foo; note="a, b; c \\" d", permessage-deflate; server_max_window_bits=13'
    assert ws_ext_parse(offers, isserver=True) == (13, False)


def test_server_escaped_quoted_value() -> None:
    offer = 'permessage-deflate; server_max_window_bits="1\\2"'
    assert ws_ext_parse(offer, isserver=True) == (12, False)


# --- client side: the server's answer --------------------------------------


@pytest.mark.parametrize("extstr", [None, "", " ", " , "])
def test_client_nothing_accepted(extstr: str | None) -> None:
    assert ws_ext_parse(extstr) == (0, False)
    assert ws_ext_parse(extstr, isserver=False) == (0, False)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("permessage-deflate", (15, False)),
        ("permessage-deflate; client_max_window_bits=9", (9, False)),
        ("permessage-deflate; client_max_window_bits=15", (15, False)),
        ('permessage-deflate; client_max_window_bits="10"', (10, False)),
        ("permessage-deflate; server_max_window_bits=8", (15, False)),
        ("permessage-deflate; server_max_window_bits=12", (15, False)),
        ("permessage-deflate; client_no_context_takeover", (15, True)),
        ("permessage-deflate; server_no_context_takeover", (15, False)),
        (
            "permessage-deflate; server_max_window_bits=10; client_max_window_bits=11;"
            " server_no_context_takeover; client_no_context_takeover",
            (11, True),
        ),
        (" permessage-deflate ;client_max_window_bits=12 ", (12, False)),
    ],
)
def test_client_accepts_answer(answer: str, expected: tuple[int, bool]) -> None:
    assert ws_ext_parse(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; client_max_window_bits=8",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; client_max_window_bits=010",
        "permessage-deflate; client_max_window_bits=x",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
    ],
)
def test_client_rejects_bad_window(answer: str) -> None:
    with pytest.raises(WSHandshakeError, match=r"^Invalid window size$"):
        ws_ext_parse(answer)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("permessage-deflate; foo", "Unsupported extension parameter"),
        ("permessage-deflate; foo=1", "Unsupported extension parameter"),
        ("permessage-deflate; client_no_context_takeover=1", "Unexpected value"),
        ("permessage-deflate; server_no_context_takeover=1", "Unexpected value"),
        (
            "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
            "Duplicate extension parameter",
        ),
        ("permessage-deflate, permessage-deflate", "more than one extension"),
        ("permessage-deflate, foo", "more than one extension"),
        ("x-webkit-deflate-frame", "never offered"),
        ("permessage deflate", "Invalid extension name"),
        ("permessage-deflate; a b", "Invalid extension parameter"),
        ('permessage-deflate; client_max_window_bits="', "Invalid parameter value"),
    ],
)
def test_client_rejects_bad_answer(answer: str, message: str) -> None:
    with pytest.raises(WSHandshakeError, match=message):
        ws_ext_parse(answer)


# --- generation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "permessage-deflate; client_max_window_bits"),
        ((15, False), "permessage-deflate; client_max_window_bits"),
        (
            (10, False),
            "permessage-deflate; client_max_window_bits; server_max_window_bits=10",
        ),
        (
            (15, False, True),
            "permessage-deflate; client_max_window_bits; server_no_context_takeover",
        ),
        ((15, True), "permessage-deflate"),
        ((9, True), "permessage-deflate; server_max_window_bits=9"),
        ((15, True, True), "permessage-deflate; server_no_context_takeover"),
        (
            (12, True, True),
            "permessage-deflate; server_max_window_bits=12; server_no_context_takeover",
        ),
    ],
)
def test_gen(args: tuple[int, bool, bool], expected: str) -> None:
    assert ws_ext_gen(*args) == expected


def test_gen_keywords() -> None:
    assert ws_ext_gen(compress=11, isserver=True, server_notakeover=True) == (
        "permessage-deflate; server_max_window_bits=11; server_no_context_takeover"
    )


@pytest.mark.parametrize("compress", [-1, 0, 1, 8, 16, 100])
def test_gen_rejects_window_outside_9_15(compress: int) -> None:
    with pytest.raises(ValueError, match="between 9 and 15"):
        ws_ext_gen(compress)
    with pytest.raises(ValueError, match="between 9 and 15"):
        ws_ext_gen(compress, isserver=True)


@pytest.mark.parametrize("compress", range(9, 16))
@pytest.mark.parametrize("notakeover", [False, True])
def test_round_trip_client_offer_to_server(compress: int, notakeover: bool) -> None:
    offer = ws_ext_gen(compress, isserver=False, server_notakeover=notakeover)
    assert ws_ext_parse(offer, isserver=True) == (compress, notakeover)


@pytest.mark.parametrize("compress", range(9, 16))
@pytest.mark.parametrize("notakeover", [False, True])
def test_round_trip_server_answer_to_client(compress: int, notakeover: bool) -> None:
    # The server's window and takeover bind only the server's compressor:
    # the client keeps its full window and its context.
    answer = ws_ext_gen(compress, isserver=True, server_notakeover=notakeover)
    assert ws_ext_parse(answer) == (15, False)


@pytest.mark.parametrize("compress", range(9, 16))
@pytest.mark.parametrize("notakeover", [False, True])
def test_full_negotiation(compress: int, notakeover: bool) -> None:
    offer = ws_ext_gen(compress, server_notakeover=notakeover)
    agreed, server_notakeover = ws_ext_parse(offer, isserver=True)
    answer = ws_ext_gen(agreed, isserver=True, server_notakeover=server_notakeover)
    # The server's answer, read back on the server side, means the same.
    assert ws_ext_parse(answer, isserver=True) == (compress, notakeover)
    assert ws_ext_parse(answer) == (15, False)
