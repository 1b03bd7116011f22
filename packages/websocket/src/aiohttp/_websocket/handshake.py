"""The opening handshake's keys and checks (RFC 6455 sections 1.3 and 4).

The client sends a random ``Sec-WebSocket-Key``; the server proves it
understood the WebSocket request by answering with
``base64(sha1(key + GUID))`` in ``Sec-WebSocket-Accept``. These helpers hold
that arithmetic and the server's request checks, so the client and the
server share one implementation and neither needs the other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from multidict import MultiMapping

from aiohttp import hdrs

from .models import WS_KEY, WSHandshakeError

__all__ = (
    "accept_value",
    "check_accept",
    "choose_protocol",
    "generate_key",
    "validate_request_headers",
)

_KEY_BYTES: Final = 16
_VERSION: Final = "13"


def generate_key(random_bytes: Callable[[int], bytes] = os.urandom) -> str:
    """Return a new ``Sec-WebSocket-Key``: 16 random bytes in base64.

    *random_bytes* is a seam for deterministic tests; RFC 6455 section 4.1
    requires the nonce to be freshly and randomly chosen for each
    connection, which ``os.urandom`` provides.
    """
    return base64.b64encode(random_bytes(_KEY_BYTES)).decode("ascii")


def accept_value(key: str) -> str:
    """Return the ``Sec-WebSocket-Accept`` value that answers *key*."""
    # SHA-1 is what RFC 6455 prescribes; it is a fingerprint, not security.
    digest = hashlib.sha1(key.encode("utf-8") + WS_KEY).digest()  # noqa: S324
    return base64.b64encode(digest).decode("ascii")


def check_accept(key: str, accept: str) -> bool:
    """Tell whether *accept* is the right answer to the *key* we sent."""
    # compare_digest keeps the comparison time independent of where the
    # values differ; bytes because it rejects non-ASCII str.
    return hmac.compare_digest(
        accept_value(key).encode("utf-8"), accept.encode("utf-8")
    )


def _tokens(value: str) -> set[str]:
    """Lowercased elements of a comma-separated header list."""
    return {item.strip().lower() for item in value.split(",")}


def _single(headers: Mapping[str, str], name: str) -> str | None:
    """The one value of header *name*; None when absent.

    RFC 6455 section 11.3 forbids repeating the key or the version in a
    request, which only a multi-valued mapping can reveal.
    """
    if isinstance(headers, MultiMapping):
        values = headers.getall(name, [])
        if len(values) > 1:
            raise WSHandshakeError(f"{name} header must not be repeated")
    return headers.get(name)


def validate_request_headers(headers: Mapping[str, str]) -> str:
    """Check a client's opening handshake (RFC 6455 section 4.2.1).

    *headers* should look names up case-insensitively, as
    ``CIMultiDictProxy`` does.

    Returns:
        The ``Sec-WebSocket-Key`` to answer with :func:`accept_value`.

    Raises:
        WSHandshakeError: naming the first header that is missing or wrong.
    """
    upgrade = headers.get(hdrs.UPGRADE)
    if upgrade is None or "websocket" not in _tokens(upgrade):
        raise WSHandshakeError(
            f'No WebSocket Upgrade header: {upgrade!r}; can only upgrade to "websocket"'
        )
    connection = headers.get(hdrs.CONNECTION)
    if connection is None or "upgrade" not in _tokens(connection):
        raise WSHandshakeError(
            f"No upgrade token in the Connection header: {connection!r}"
        )
    version = _single(headers, hdrs.SEC_WEBSOCKET_VERSION)
    if version is None or version.strip() != _VERSION:
        raise WSHandshakeError(
            f"Unsupported Sec-WebSocket-Version: {version!r}; only {_VERSION}"
        )
    key = _single(headers, hdrs.SEC_WEBSOCKET_KEY)
    if key is None:
        raise WSHandshakeError("Missing Sec-WebSocket-Key header")
    key = key.strip()
    try:
        decoded = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WSHandshakeError(f"Sec-WebSocket-Key is not base64: {key!r}") from exc
    if len(decoded) != _KEY_BYTES:
        raise WSHandshakeError(
            f"Sec-WebSocket-Key must encode {_KEY_BYTES} bytes, not {len(decoded)}"
        )
    return key


def choose_protocol(offered: str | None, supported: Sequence[str]) -> str | None:
    """Pick the subprotocol to answer in ``Sec-WebSocket-Protocol``.

    *offered* is the client's comma-separated list. The first offered
    protocol that appears in *supported* wins, so the client's order of
    preference decides, as in aiohttp. Returns None when nothing matches.
    """
    if not offered:
        return None
    for protocol in offered.split(","):
        candidate = protocol.strip()
        if candidate and candidate in supported:
            return candidate
    return None
