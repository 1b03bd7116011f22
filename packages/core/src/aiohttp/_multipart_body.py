"""What multipart readers and writers share: limits, boundaries, the body source."""

from __future__ import annotations

import re
from typing import Final

from .http_exceptions import BadHttpMessage, LineTooLong
from .streams import StreamReader

DEFAULT_MAX_PARTS: Final = 1000

# How much one read takes from the body stream.
_READ_SIZE: Final = 2**16
# The longest value a form-data "_charset_" field may have (RFC 7578 4.6):
# the longest encoding label the WHATWG registry knows is 19 characters.
_MAX_CHARSET_FIELD: Final = 32
_CRLF: Final = b"\r\n"
_LWSP: Final = b" \t"
_CONTENT_CODINGS: Final = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd"})
_WRITABLE_CODINGS: Final = frozenset({"gzip", "deflate"})
_WRITABLE_TRANSFERS: Final = frozenset({"base64", "quoted-printable"})


# -- boundaries (RFC 2046 section 5.1.1) --------------------------------------

_BOUNDARY_RE: Final = re.compile(
    r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]"
)


def _check_boundary(boundary: str) -> bytes:
    """Return ``boundary`` as bytes; ValueError unless RFC 2046 allows it.

    A boundary is 1 to 70 characters: digits, letters and ``'()+_,-./:=?``
    and spaces, but not ending with a space.
    """
    if len(boundary) > 70:
        raise ValueError(f"boundary {boundary!r} is too long (70 chars max)")
    if not _BOUNDARY_RE.fullmatch(boundary):
        raise ValueError(
            f"invalid boundary {boundary!r}: RFC 2046 allows 1 to 70 letters, "
            "digits, spaces and '()+_,-./:=? not ending with a space"
        )
    return boundary.encode("ascii")


# -- the shared body stream ------------------------------------------------------


def _size_error(error_cls: type[Exception], limit: int) -> Exception:
    """The error for a body over ``limit``, made as aiohttp makes it."""
    if error_cls is ValueError:
        # aiohttp calls the class with the limit alone; say what it means.
        return ValueError(f"Maximum multipart body size {limit} exceeded")
    return error_cls(limit)


class _Source:
    """A body stream and the bytes taken from it that no reader has used yet."""

    __slots__ = (
        "buffer",
        "consumed",
        "error_cls",
        "limit",
        "max_parts",
        "parts",
        "stream",
    )

    def __init__(
        self,
        stream: StreamReader,
        limit: int,
        error_cls: type[Exception],
        max_parts: int = DEFAULT_MAX_PARTS,
    ) -> None:
        self.stream = stream
        self.buffer = bytearray()
        self.limit = limit
        self.consumed = 0  # bytes taken from the stream
        self.error_cls = error_cls
        self.max_parts = max_parts
        self.parts = 0

    async def fill(self) -> bool:
        """Take more of the body into the buffer; False at its end.

        Never takes more than one byte past ``limit``: that byte only tells
        a body that is too large from one that ends there.
        """
        room = self.limit - self.consumed
        data = await self.stream.read(min(_READ_SIZE, room + 1))
        if not data:
            return False
        self.consumed += len(data)
        if self.consumed > self.limit:
            raise self.too_large()
        self.buffer += data
        return True

    async def ensure(self, size: int) -> bool:
        """Buffer at least ``size`` bytes; False if the body ends first."""
        while len(self.buffer) < size:
            if not await self.fill():
                return False
        return True

    async def readline(self, limit: int) -> bytes:
        """Take one CRLF-terminated line (without the CRLF) of at most ``limit``."""
        buffer = self.buffer
        start = 0
        while True:
            end = buffer.find(_CRLF, start)
            if end != -1:
                if end > limit:
                    raise LineTooLong(bytes(buffer[:100]), limit, end)
                line = bytes(buffer[:end])
                del buffer[: end + 2]
                return line
            if len(buffer) > limit + 1:
                raise LineTooLong(bytes(buffer[:100]), limit, len(buffer))
            start = max(0, len(buffer) - 1)
            if not await self.fill():
                raise ValueError("multipart body ended inside a part's headers")

    def too_large(self) -> Exception:
        return _size_error(self.error_cls, self.limit)

    def count_part(self) -> None:
        self.parts += 1
        if self.parts > self.max_parts:
            raise BadHttpMessage(
                f"Too many multipart parts: more than {self.max_parts}", code=413
            )


# -- chunks that decode on their own -----------------------------------------

_BASE64_CHARS: Final = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
)
_BASE64_ALPHABET: Final = bytes(sorted(_BASE64_CHARS))
_NON_BASE64: Final = bytes(b for b in range(256) if b not in _BASE64_CHARS)


def _split_base64(data: bytes) -> tuple[bytes, bytes]:
    """Split ``data`` into whole 4-character groups and the characters left.

    What is not a base64 character (line breaks) stays in the first part,
    moved before the leftover characters: it decodes to nothing anyway.
    """
    leftover = len(data.translate(None, _NON_BASE64)) % 4
    if not leftover:
        return data, b""
    position = len(data)
    seen = 0
    while seen < leftover:
        position -= 1
        if data[position] in _BASE64_CHARS:
            seen += 1
    tail = data[position:]
    return (
        data[:position] + tail.translate(None, _BASE64_ALPHABET),
        tail.translate(None, _NON_BASE64),
    )


def _split_quoted_printable(data: bytes) -> tuple[bytes, bytes]:
    """Hold back an escape (``=XX``) or soft line break cut at the end."""
    if data.endswith(b"="):
        return data[:-1], b"="
    if len(data) >= 2 and data[-2] == 0x3D:  # "="
        return data[:-2], data[-2:]
    return data, b""


_SPLITTERS: Final = {
    "base64": _split_base64,
    "quoted-printable": _split_quoted_printable,
}
