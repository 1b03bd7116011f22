"""Negotiation of the permessage-deflate extension (RFC 7692).

Both sides describe their own compressor with the same pair of values,
``(window_bits, notakeover)``: ``window_bits`` is the LZ77 window our side
compresses with (0 when compression was not agreed on) and ``notakeover``
says whether our side must reset its compression context after every
message. Decompression never needs a parameter: a 15-bit window inflates
anything the peer is allowed to send.

The server reads the client's offers and picks the first one it can honour,
silently skipping the others (RFC 7692 section 5). The client reads the
server's single answer and must fail the connection when that answer is
anything it could not have asked for (RFC 7692 section 7), so the client
side raises :class:`WSHandshakeError` where the server side skips.

Header grammar (RFC 6455 section 9.1)::

    Sec-WebSocket-Extensions = extension-list
    extension-list = 1#extension
    extension = extension-token *( ";" extension-param )
    extension-param = token [ "=" (token | quoted-string) ]
"""

from __future__ import annotations

import re
from typing import Final

from .models import WSHandshakeError

__all__ = ("ws_ext_gen", "ws_ext_parse")

_EXTENSION_NAME: Final = "permessage-deflate"
# zlib cannot compress with an 8-bit raw-deflate window (it silently widens
# it to 9, which would break a peer that asked for 8), so 8 is refused
# wherever it would bind our own compressor.
_MIN_WINDOW_BITS: Final = 9
_MAX_WINDOW_BITS: Final = 15
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 7692 section 7.1.2: a decimal integer without leading zeros.
_WINDOW_VALUE: Final = re.compile(r"[1-9][0-9]?")


class _BadOffer(Exception):
    """An extension element that this side cannot accept."""


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    """Split *text* on *separator*, except inside quoted-strings."""
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif in_quotes and char == "\\":
            escaped = True
        elif char == '"':
            in_quotes = not in_quotes
        elif char == separator and not in_quotes:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    """Return a token, or the content of a quoted-string, as a token."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    # RFC 7692 section 7.1: a quoted value must still be a token once
    # unquoted, so the two spellings mean exactly the same thing.
    if not _TOKEN.fullmatch(value):
        raise _BadOffer(f"Invalid parameter value: {value!r}")
    return value


def _parse_element(element: str) -> tuple[str, dict[str, str | None]]:
    """Split one extension element into its lowercased name and parameters.

    Raises _BadOffer on a syntax error or a repeated parameter, which
    RFC 7692 section 7 forbids in offers and answers alike.
    """
    name, *raw_params = (part.strip() for part in _split_outside_quotes(element, ";"))
    if not _TOKEN.fullmatch(name):
        raise _BadOffer(f"Invalid extension name: {name!r}")
    params: dict[str, str | None] = {}
    for raw in raw_params:
        key, sep, raw_value = raw.partition("=")
        key = key.strip().lower()
        if not _TOKEN.fullmatch(key):
            raise _BadOffer(f"Invalid extension parameter: {raw!r}")
        if key in params:
            raise _BadOffer(f"Duplicate extension parameter: {key!r}")
        params[key] = _unquote(raw_value.strip()) if sep else None
    return name.lower(), params


def _window_bits(value: str | None, lowest: int) -> int:
    """Parse a ``*_max_window_bits`` value; it must lie in lowest..15."""
    if value is None or not _WINDOW_VALUE.fullmatch(value):
        raise _BadOffer("Invalid window size")
    bits = int(value)
    if not lowest <= bits <= _MAX_WINDOW_BITS:
        raise _BadOffer("Invalid window size")
    return bits


def _accept_offer(params: dict[str, str | None]) -> tuple[int, bool]:
    """Return the server's settings for one client offer, or raise _BadOffer."""
    compress = _MAX_WINDOW_BITS
    notakeover = False
    for key, value in params.items():
        if key == "server_max_window_bits":
            compress = _window_bits(value, _MIN_WINDOW_BITS)
        elif key == "client_max_window_bits":
            # Only limits the client's compressor; we inflate with 15 bits
            # whatever it picks, so any legal value (or none) is fine.
            if value is not None:
                _window_bits(value, 8)
        elif key in {"server_no_context_takeover", "client_no_context_takeover"}:
            if value is not None:
                raise _BadOffer(f"Unexpected value for {key}")
            if key == "server_no_context_takeover":
                notakeover = True
        else:
            raise _BadOffer(f"Unsupported extension parameter: {key!r}")
    return compress, notakeover


def _accept_answer(params: dict[str, str | None]) -> tuple[int, bool]:
    """Return the client's settings from the server's answer, or raise _BadOffer."""
    compress = _MAX_WINDOW_BITS
    notakeover = False
    for key, value in params.items():
        if key == "client_max_window_bits":
            # Binds our compressor, so it needs a value zlib can honour.
            compress = _window_bits(value, _MIN_WINDOW_BITS)
        elif key == "server_max_window_bits":
            # Binds the server's compressor only; our 15-bit inflater copes.
            _window_bits(value, 8)
        elif key in {"server_no_context_takeover", "client_no_context_takeover"}:
            if value is not None:
                raise _BadOffer(f"Unexpected value for {key}")
            if key == "client_no_context_takeover":
                notakeover = True
        else:
            raise _BadOffer(f"Unsupported extension parameter: {key!r}")
    return compress, notakeover


def _parse_offers(extstr: str) -> tuple[int, bool]:
    """Server side: the first acceptable permessage-deflate offer, or (0, False)."""
    for element in _split_outside_quotes(extstr, ","):
        if not element.strip():
            # RFC 9110 section 5.6.1: empty list elements are ignored.
            continue
        try:
            name, params = _parse_element(element)
            if name != _EXTENSION_NAME:
                continue
            return _accept_offer(params)
        except _BadOffer:
            # RFC 7692 section 5: decline this offer, consider the next one.
            continue
    return 0, False


def _parse_answer(extstr: str) -> tuple[int, bool]:
    """Client side: the settings from the server's answer; raise if it is bad."""
    elements = [e for e in _split_outside_quotes(extstr, ",") if e.strip()]
    if not elements:
        return 0, False
    if len(elements) > 1:
        raise WSHandshakeError(f"Server accepted more than one extension: {extstr!r}")
    try:
        name, params = _parse_element(elements[0])
        if name != _EXTENSION_NAME:
            raise WSHandshakeError(
                f"Server accepted an extension never offered: {name!r}"
            )
        return _accept_answer(params)
    except _BadOffer as exc:
        raise WSHandshakeError(str(exc)) from exc


def ws_ext_parse(extstr: str | None, isserver: bool = False) -> tuple[int, bool]:
    """Parse a ``Sec-WebSocket-Extensions`` value for permessage-deflate.

    With ``isserver=True`` *extstr* is the client's list of offers; the
    first acceptable permessage-deflate offer wins and unacceptable ones
    are skipped. Otherwise *extstr* is the server's answer, which must
    hold exactly one valid permessage-deflate element.

    Returns:
        ``(window_bits, notakeover)`` for our own compressor:
        ``window_bits`` is 9..15, or 0 when compression is off, and
        ``notakeover`` is true when the compression context must be reset
        after each message.

    Raises:
        WSHandshakeError: client side only, when the server's answer is
            invalid (RFC 7692 section 7 requires failing the connection).
    """
    if not extstr:
        return 0, False
    if isserver:
        return _parse_offers(extstr)
    return _parse_answer(extstr)


def ws_ext_gen(
    compress: int = 15, isserver: bool = False, server_notakeover: bool = False
) -> str:
    """Build a ``Sec-WebSocket-Extensions`` value for permessage-deflate.

    The client's offer always announces ``client_max_window_bits`` (we can
    compress with any window the server picks) and, when *compress* is
    below 15, asks the server to use that smaller window. The server's
    answer states the window it will compress with. *server_notakeover*
    adds ``server_no_context_takeover`` on either side.

    Raises:
        ValueError: if *compress* is outside 9..15.
    """
    if not _MIN_WINDOW_BITS <= compress <= _MAX_WINDOW_BITS:
        raise ValueError(
            "Compress wbits must be between 9 and 15; "
            "zlib does not support a window of 8 bits"
        )
    params = [_EXTENSION_NAME]
    if not isserver:
        params.append("client_max_window_bits")
    if compress < _MAX_WINDOW_BITS:
        params.append(f"server_max_window_bits={compress}")
    if server_notakeover:
        params.append("server_no_context_takeover")
    return "; ".join(params)
