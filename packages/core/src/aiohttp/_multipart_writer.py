"""Writing multipart bodies, encoding parts as they go (see ``aiohttp.multipart``)."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Final, NamedTuple
from urllib.parse import urlencode

from multidict import CIMultiDict

from ._http_chars import is_token
from ._multipart_body import (
    _CRLF,
    _WRITABLE_CODINGS,
    _WRITABLE_TRANSFERS,
    _check_boundary,
)
from .abc import AbstractStreamWriter
from .compression_utils import (
    ZLibCompressor,
)
from .hdrs import (
    CONTENT_DISPOSITION,
    CONTENT_ENCODING,
    CONTENT_LENGTH,
    CONTENT_TRANSFER_ENCODING,
)
from .payload import JsonPayload, Payload, StringPayload, get_payload
from .payload import LookupError as PayloadLookupError
from .typedefs import Byteish

# -- writing -----------------------------------------------------------------------


class _Part(NamedTuple):
    """A part of a ``MultipartWriter``: its payload and how it is encoded."""

    payload: Payload
    encoding: str | None
    te_encoding: str | None

    @property
    def headers(self) -> CIMultiDict[str]:
        """The part's header fields (its payload's)."""
        return self.payload.headers


_FORBIDDEN_HEADER_CHARS_RE: Final = re.compile(r"[\x00\r\n]")


def _part_encodings(payload: Payload) -> tuple[str | None, str | None]:
    """The content coding and transfer encoding a part's headers ask for.

    RuntimeError for one that cannot be written.
    """
    headers = payload.headers
    encoding = headers.get(CONTENT_ENCODING, "").lower() or None
    if encoding == "identity":
        encoding = None
    elif encoding is not None and encoding not in _WRITABLE_CODINGS:
        raise RuntimeError(f"unknown content encoding: {encoding}")
    te_encoding = headers.get(CONTENT_TRANSFER_ENCODING, "").lower() or None
    if te_encoding == "binary":
        te_encoding = None
    elif te_encoding is not None and te_encoding not in _WRITABLE_TRANSFERS:
        raise RuntimeError(f"unknown content transfer encoding: {te_encoding}")
    return encoding, te_encoding


def _serialize_headers(headers: CIMultiDict[str], *, encoded: bool) -> bytes:
    lines = []
    for name, value in headers.items():
        if encoded and name.lower() == "content-length":
            # The size of the data before encoding says nothing of the part.
            continue
        if _FORBIDDEN_HEADER_CHARS_RE.search(f"{name}{value}"):
            raise ValueError(
                f"Forbidden control character in multipart part header {name!r}"
            )
        lines.append(f"{name}: {value}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("utf-8")


class MultipartWriter(Payload):
    """A multipart body built from payloads, itself a payload.

    ``boundary`` defaults to a random one; a given one must follow RFC 2046
    (1 to 70 characters of a limited set) and is quoted in the Content-Type
    when it is not a token. The Content-Encoding and
    Content-Transfer-Encoding of each part are read from its headers when
    the body is written, so they may be set after ``append()``.
    """

    _value: None

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        if not is_token(subtype):
            raise ValueError(f"invalid multipart subtype {subtype!r}")
        if boundary is None:
            boundary = uuid.uuid4().hex
        try:
            boundary.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("boundary should contain ASCII only chars") from None
        self._boundary = _check_boundary(boundary)
        super().__init__(
            None, content_type=f"multipart/{subtype}; boundary={self._boundary_value}"
        )
        self._parts: list[Payload] = []
        self._is_form_data = subtype == "form-data"

    def __enter__(self) -> MultipartWriter:
        """Return the writer: ``with`` only shapes nested writers in code."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        """Do nothing."""

    def __iter__(self) -> Iterator[_Part]:
        """Iterate over the parts: ``(payload, encoding, te_encoding)``."""
        for payload in self._parts:
            yield _Part(payload, *_part_encodings(payload))

    def __len__(self) -> int:
        """The number of parts."""
        return len(self._parts)

    def __bool__(self) -> bool:
        """Always true, even without parts: a writer is a body."""
        return True

    @property
    def _boundary_value(self) -> str:
        """The boundary as the Content-Type's parameter value."""
        value = self._boundary.decode("ascii")
        if is_token(value):
            return value
        # Boundary characters never need a backslash in a quoted-string.
        return f'"{value}"'

    @property
    def boundary(self) -> str:
        """The boundary, without the leading dashes."""
        return self._boundary.decode("ascii")

    @property
    def autoclose(self) -> bool:
        """Whether every part holds nothing that ``close()`` must release."""
        return all(part.autoclose for part in self._parts)

    @property
    def consumed(self) -> bool:
        """Whether a part can no longer produce its data."""
        return any(part.consumed for part in self._parts)

    def append(self, obj: object, headers: Mapping[str, str] | None = None) -> Payload:
        """Add a part made from ``obj`` (see ``get_payload()``); return its payload.

        ``headers`` are added to the part's own; a payload (another writer,
        to nest) is added as it is.
        """
        if isinstance(obj, Payload):
            if headers:
                obj.headers.update(headers)
            return self.append_payload(obj)
        try:
            payload = get_payload(obj, headers=headers)
        except PayloadLookupError:
            raise TypeError(f"Cannot create payload from {obj!r}") from None
        return self.append_payload(payload)

    def append_payload(self, payload: Payload) -> Payload:
        """Add ``payload`` as a part; return it.

        A Content-Encoding (gzip, deflate, identity) or
        Content-Transfer-Encoding (base64, quoted-printable, binary) in its
        headers is applied when it is written (RuntimeError for others);
        otherwise the part gets a Content-Length when its size is known.
        Form-data parts may have neither (RFC 7578 sections 4.7 and 4.8)
        and get a default ``form-data; name="section-N"`` disposition.
        """
        headers = payload.headers
        if self._is_form_data:
            refused = [
                name
                for name in (
                    CONTENT_ENCODING,
                    CONTENT_LENGTH,
                    CONTENT_TRANSFER_ENCODING,
                )
                if name in headers
            ]
            if refused:
                raise ValueError(
                    "multipart/form-data parts cannot have "
                    f"{', '.join(refused)} (RFC 7578 sections 4.7, 4.8)"
                )
            if CONTENT_DISPOSITION not in headers:
                payload.set_content_disposition(
                    "form-data", name=f"section-{len(self._parts)}"
                )
        elif payload.size is not None and _part_encodings(payload) == (None, None):
            headers[CONTENT_LENGTH] = str(payload.size)
        self._parts.append(payload)
        return payload

    def append_json(
        self, obj: object, headers: Mapping[str, str] | None = None
    ) -> Payload:
        """Add a part with ``obj`` as JSON."""
        return self.append_payload(JsonPayload(obj, headers=headers))

    def append_form(
        self,
        obj: Sequence[tuple[str, str]] | Mapping[str, str],
        headers: Mapping[str, str] | None = None,
    ) -> Payload:
        """Add a part with ``obj`` as ``application/x-www-form-urlencoded``."""
        pairs = list(obj.items()) if isinstance(obj, Mapping) else obj
        data = urlencode(pairs, doseq=True)
        return self.append_payload(
            StringPayload(
                data, headers=headers, content_type="application/x-www-form-urlencoded"
            )
        )

    @property
    def size(self) -> int | None:
        """The exact size of the body, or None when a part's is not known.

        Encoding a part makes its size unknown.
        """
        total = 0
        for part, encoding, te_encoding in self:
            size = part.size
            if encoding or te_encoding or size is None:
                return None
            total += len(self._part_head(part, encoded=False)) + size + 2
        return total + len(self._closing())

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text, from the parts' own ``decode()``.

        An encoded part is encoded from its text in ``encoding``.
        """
        pieces = []
        for part, content_encoding, te_encoding in self:
            encoded = bool(content_encoding or te_encoding)
            pieces.append(self._part_head(part, encoded=encoded).decode("utf-8"))
            text = part.decode(encoding, errors)
            if encoded:
                encoder = _PartEncoder(content_encoding, te_encoding)
                data = encoder.encode_sync(text.encode(encoding, errors))
                text = (data + encoder.finish()).decode(encoding, errors)
            pieces.append(text)
            pieces.append("\r\n")
        pieces.append(self._closing().decode("ascii"))
        return "".join(pieces)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The body as bytes, from the parts' own ``as_bytes()``.

        Unlike ``write()`` this leaves file parts open and readable again.
        """
        pieces = []
        for part, content_encoding, te_encoding in self:
            encoded = bool(content_encoding or te_encoding)
            pieces.append(self._part_head(part, encoded=encoded))
            data = await part.as_bytes(encoding, errors)
            if encoded:
                encoder = _PartEncoder(content_encoding, te_encoding)
                data = await encoder.encode(data) + encoder.finish()
            pieces.append(data)
            pieces.append(_CRLF)
        pieces.append(self._closing())
        return b"".join(pieces)

    async def write(
        self, writer: AbstractStreamWriter, close_boundary: bool = True
    ) -> None:
        """Write the body; without ``close_boundary``, leave out the last line."""
        for part, encoding, te_encoding in self:
            encoded = bool(encoding or te_encoding)
            await writer.write(self._part_head(part, encoded=encoded))
            if encoded:
                part_writer = MultipartPayloadWriter(writer)
                if encoding:
                    part_writer.enable_compression(encoding)
                if te_encoding:
                    part_writer.enable_encoding(te_encoding)
                await part.write(part_writer)
                await part_writer.write_eof()
            else:
                # The part's Content-Length promised this many bytes.
                await part.write_with_length(writer, part.size)
            await writer.write(_CRLF)
        if close_boundary:
            await writer.write(self._closing())

    async def close(self) -> None:
        """Close every part."""
        for part in self._parts:
            await part.close()

    def _part_head(self, part: Payload, *, encoded: bool) -> bytes:
        headers = _serialize_headers(part.headers, encoded=encoded)
        return b"--" + self._boundary + _CRLF + headers

    def _closing(self) -> bytes:
        return b"--" + self._boundary + b"--\r\n"


# -- encoding a part as it is written --------------------------------------------

_BASE64_LINE: Final = 76
# RFC 2045 section 6.7: what quoted-printable may leave as it is. Blanks are
# encoded too: they would be trailing whitespace at a line's end.
_QP_LITERAL: Final = frozenset(range(33, 127)) - {ord("=")}
_QP_TOKENS: Final = tuple(
    bytes([byte]) if byte in _QP_LITERAL else b"=%02X" % byte for byte in range(256)
)
_QP_LINE: Final = 75  # and the "=" of a soft line break makes 76


class _PartEncoder:
    """Compresses, then transfer-encodes, one part's data as it streams."""

    def __init__(
        self,
        encoding: str | None,
        te_encoding: str | None,
        strategy: int | None = None,
    ) -> None:
        self._compressor = (
            ZLibCompressor(
                encoding=encoding, suppress_deflate_header=True, strategy=strategy
            )
            if encoding
            else None
        )
        self._te_encoding = te_encoding
        self._base64_rest = b""
        self._column = 0

    async def encode(self, data: bytes) -> bytes:
        """Encode ``data`` (compressing in an executor when it is large)."""
        if self._compressor is not None:
            data = await self._compressor.compress(data)
        return self._transfer(data)

    def encode_sync(self, data: bytes) -> bytes:
        """Encode ``data`` without leaving the thread."""
        if self._compressor is not None:
            data = self._compressor.compress_sync(data)
        return self._transfer(data)

    def finish(self) -> bytes:
        """Return the rest of the encoded data."""
        data = b""
        if self._compressor is not None:
            data = self._compressor.flush()
        out = self._transfer(data)
        if self._te_encoding == "base64" and self._base64_rest:
            out += self._wrap(base64.b64encode(self._base64_rest))
            self._base64_rest = b""
        return out

    def _transfer(self, data: bytes) -> bytes:
        if not data:
            return b""
        if self._te_encoding == "base64":
            data = self._base64_rest + data
            whole = len(data) - len(data) % 3
            self._base64_rest = data[whole:]
            return self._wrap(base64.b64encode(data[:whole]))
        if self._te_encoding == "quoted-printable":
            return self._quoted_printable(data)
        return data

    def _wrap(self, encoded: bytes) -> bytes:
        """Cut base64 text into lines of 76 (RFC 2045 section 6.8)."""
        pieces = []
        position = 0
        while position < len(encoded):
            if self._column == _BASE64_LINE:
                pieces.append(_CRLF)
                self._column = 0
            piece = encoded[position : position + _BASE64_LINE - self._column]
            pieces.append(piece)
            self._column += len(piece)
            position += len(piece)
        return b"".join(pieces)

    def _quoted_printable(self, data: bytes) -> bytes:
        # Every byte that is not printable (line breaks too) is escaped, so
        # binary data comes back exactly; lines end with soft breaks.
        pieces = []
        column = self._column
        for token in map(_QP_TOKENS.__getitem__, data):
            if column + len(token) > _QP_LINE:
                pieces.append(b"=\r\n")
                column = 0
            pieces.append(token)
            column += len(token)
        self._column = column
        return b"".join(pieces)


class MultipartPayloadWriter(AbstractStreamWriter):
    """Encodes a part's data on its way to the message's writer.

    ``enable_compression()`` (gzip, deflate) comes first, then
    ``enable_encoding()`` (base64, quoted-printable); ``write_eof()``
    flushes both but does not end the message.
    """

    def __init__(self, writer: AbstractStreamWriter) -> None:
        self._writer = writer
        self._content_encoding: str | None = None
        self._te_encoding: str | None = None
        self._strategy: int | None = None
        self._encoder: _PartEncoder | None = None

    def enable_encoding(self, encoding: str) -> None:
        """Transfer-encode with ``base64`` or ``quoted-printable``."""
        if encoding not in _WRITABLE_TRANSFERS:
            raise RuntimeError(f"unknown content transfer encoding: {encoding}")
        self._te_encoding = encoding
        self._encoder = None

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        """Compress with ``gzip`` or ``deflate`` (raw, as aiohttp sends it)."""
        if encoding not in _WRITABLE_CODINGS:
            raise RuntimeError(f"unknown content encoding: {encoding}")
        self._content_encoding = encoding
        self._strategy = strategy
        self._encoder = None

    def enable_chunking(self) -> None:
        """Do nothing: a part is framed by its delimiters."""

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        """Refuse: a part's headers are written by its ``MultipartWriter``."""
        raise RuntimeError("a multipart part has no message head")

    async def drain(self) -> None:
        """Drain the message's writer."""
        await self._writer.drain()

    async def write(self, chunk: Byteish) -> None:
        """Encode ``chunk`` and pass on what is ready."""
        data = await self._get_encoder().encode(bytes(chunk))
        if data:
            await self._writer.write(data)

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Encode the last bytes and flush the encoders."""
        if chunk:
            await self.write(chunk)
        data = self._get_encoder().finish()
        if data:
            await self._writer.write(data)

    def _get_encoder(self) -> _PartEncoder:
        if self._encoder is None:
            self._encoder = _PartEncoder(
                self._content_encoding, self._te_encoding, self._strategy
            )
        return self._encoder
