"""Reading multipart bodies part by part (see ``aiohttp.multipart``)."""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar, NamedTuple, Protocol
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy

from ._multipart_body import (
    _CONTENT_CODINGS,
    _CRLF,
    _LWSP,
    _MAX_CHARSET_FIELD,
    _SPLITTERS,
    DEFAULT_MAX_PARTS,
    _check_boundary,
    _size_error,
    _Source,
)
from ._multipart_disposition import (
    content_disposition_filename,
    parse_content_disposition,
)
from ._sentinel import _SENTINEL
from .abc import AbstractStreamWriter
from .compression_utils import (
    DecompressionBaseHandler,
    decompressor_for,
)
from .hdrs import (
    CONTENT_DISPOSITION,
    CONTENT_ENCODING,
    CONTENT_LENGTH,
    CONTENT_TRANSFER_ENCODING,
    CONTENT_TYPE,
)
from .helpers import DEFAULT_CHUNK_SIZE, parse_mimetype, reify, sentinel
from .http_exceptions import BadHttpMessage
from .http_parser import HeadersParser
from .payload import Payload, payload_type
from .streams import AsyncStreamIterator, StreamReader
from .typedefs import Byteish, LooseHeaders

# -- one part --------------------------------------------------------------------


class BodyPartReader:
    """Reads one part of a multipart body: its headers and its data.

    ``boundary`` is the dash-boundary, ``--`` included. Parts come from
    ``MultipartReader.next()``; on its own, a part reader reads ``content``
    up to the next ``CRLF--boundary``.
    """

    chunk_size: ClassVar[int] = 8192

    def __init__(
        self,
        boundary: bytes,
        headers: CIMultiDictProxy[str],
        content: StreamReader,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        max_decompress_size: int = DEFAULT_CHUNK_SIZE,
        client_max_size: int = sys.maxsize,
        max_size_error_cls: type[Exception] = ValueError,
    ) -> None:
        self.headers = headers
        self._boundary = boundary
        self._delimiter = _CRLF + boundary
        self._content = content
        self._is_form_data = subtype == "form-data"
        self._default_charset = default_charset
        self._max_decompress_size = max_decompress_size
        self._client_max_size = client_max_size
        self._max_size_error_cls = max_size_error_cls
        self._source = _Source(content, client_max_size, max_size_error_cls)
        # RFC 7578 section 4.8: form-data parts have no Content-Length.
        length = None if self._is_form_data else headers.get(CONTENT_LENGTH)
        self._length = _parse_length(length)
        self._read_bytes = 0
        self._body_done = False
        # Nothing of the body read yet: it may start with the dash-boundary.
        self._at_line_start = True
        self._delimiter_at = -1  # where the delimiter starts in the buffer
        self._clean = 0  # leading buffered bytes known not to start it
        transfer = headers.get(CONTENT_TRANSFER_ENCODING, "").lower()
        self._split = _SPLITTERS.get(transfer)
        self._carry = b""  # what read_chunk() holds back to keep chunks whole
        self._cache: dict[str, Any] = {}

    def _share(self, source: _Source) -> None:
        """Read from the body shared with the multipart reader of this part."""
        self._source = source

    def __aiter__(self) -> AsyncStreamIterator[bytes]:
        """Iterate over the part's data in ``read_chunk()`` pieces."""
        return AsyncStreamIterator(self.read_chunk)

    async def next(self) -> bytes | None:
        """Return the rest of the data, or None when there is none."""
        data = await self.read()
        return bytes(data) if data else None

    async def read(self, *, decode: bool = False) -> bytearray:
        """Read the rest of the data, decoded when ``decode`` is true.

        Decoding undoes the Content-Transfer-Encoding and Content-Encoding
        (see ``decode()``); the decoded size is bounded by
        ``client_max_size``.
        """
        data = bytearray(self._carry)
        self._carry = b""
        while size := await self._available():
            self._take_into(data, size)
        if not decode:
            return data
        decompressor = self._decompressor()
        transferred = self._decode_transfer(data)
        if decompressor is None:
            return bytearray(transferred) if transferred is not data else data
        decoded = bytearray()
        async for piece in self._decompress(decompressor, transferred):
            decoded += piece
            if len(decoded) > self._client_max_size:
                raise self._too_large()
        return decoded

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """Read up to ``size`` bytes of the data; ``b""`` at its end.

        With a base64 or quoted-printable Content-Transfer-Encoding, every
        chunk decodes on its own: an encoded unit cut at a chunk's end is
        held back for the next chunk (and a base64 chunk may carry its line
        breaks ahead of the last characters).
        """
        split = self._split
        if split is None:
            return await self._read_some(size)
        while True:
            carry = self._carry
            data = await self._read_some(max(1, size - len(carry)))
            if not data:
                self._carry = b""
                return carry
            chunk, self._carry = split(carry + data)
            if chunk:
                return chunk

    async def readline(self) -> bytes:
        """Read one line of the data, ending with its LF (the last may not)."""
        pieces = [self._carry]
        self._carry = b""
        while size := await self._available():
            newline = self._source.buffer.find(b"\n", 0, size)
            if newline != -1:
                pieces.append(self._take(newline + 1))
                break
            pieces.append(self._take(size))
        return b"".join(pieces)

    async def release(self) -> None:
        """Read the rest of the data and drop it."""
        self._carry = b""
        while size := await self._available():
            self._drop(size)

    async def text(self, *, encoding: str | None = None) -> str:
        """Read the data as text, in ``encoding`` or the part's charset (UTF-8)."""
        data = await self.read(decode=True)
        return data.decode(encoding or self.get_charset(default="utf-8"))

    async def json(self, *, encoding: str | None = None) -> Any:  # noqa: ANN401
        """Read the data as JSON; None when the part is empty."""
        data = await self.read(decode=True)
        if not data:
            return None
        return json.loads(data.decode(encoding or self.get_charset(default="utf-8")))

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """Read the data as ``application/x-www-form-urlencoded`` pairs."""
        data = await self.read(decode=True)
        if not data:
            return []
        real_encoding = encoding or self.get_charset(default="utf-8")
        try:
            text = data.rstrip().decode(real_encoding)
        except UnicodeDecodeError:
            raise ValueError(
                f"data cannot be decoded with {real_encoding} encoding"
            ) from None
        return parse_qsl(text, keep_blank_values=True, encoding=real_encoding)

    def at_eof(self) -> bool:
        """Whether all of the part's data has been read."""
        return self._body_done and not self._carry

    def decode(self, data: Byteish) -> bytes:
        """Undo the part's Content-Transfer-Encoding, then its Content-Encoding.

        Transfer encodings: base64, quoted-printable, binary, 8bit, 7bit;
        content codings (not for form-data parts, RFC 7578 section 4.8):
        gzip, deflate, identity (and br, zstd when their codec is
        installed). Raises RuntimeError for any other. The output is bounded
        by ``client_max_size``.
        """
        result = self._decode_transfer(data)
        decompressor = self._decompressor()
        if decompressor is None:
            return bytes(result)
        step = self._max_decompress_size
        out = bytearray(decompressor.decompress_sync(bytes(result), step))
        while decompressor.data_available:
            # Step by step, so that a bomb stops near the limit.
            if len(out) > self._client_max_size:
                raise self._too_large()
            out += decompressor.decompress_sync(b"", step)
        out += decompressor.flush()
        if len(out) > self._client_max_size:
            raise self._too_large()
        return bytes(out)

    async def decode_iter(self, data: Byteish) -> AsyncIterator[bytes]:
        """Like ``decode()``, yielding pieces of at most ``max_decompress_size``.

        A small compressed input cannot make one piece large: decompression
        goes step by step as the pieces are taken.
        """
        result = self._decode_transfer(data)
        decompressor = self._decompressor()
        if decompressor is None:
            yield bytes(result)
            return
        async for piece in self._decompress(decompressor, result):
            yield piece

    def get_charset(self, default: str) -> str:
        """The charset of the part's Content-Type, else the form's, else ``default``."""
        mimetype = parse_mimetype(self.headers.get(CONTENT_TYPE, ""))
        return mimetype.parameters.get("charset", self._default_charset or default)

    @reify
    def name(self) -> str | None:
        """The ``name`` parameter of the Content-Disposition, if any."""
        _, params = parse_content_disposition(self.headers.get(CONTENT_DISPOSITION))
        return content_disposition_filename(params, "name")

    @reify
    def filename(self) -> str | None:
        """The ``filename`` parameter of the Content-Disposition, if any."""
        _, params = parse_content_disposition(self.headers.get(CONTENT_DISPOSITION))
        return content_disposition_filename(params, "filename")

    # -- decoding ------------------------------------------------------------

    async def _decompress(
        self, decompressor: DecompressionBaseHandler, data: Byteish
    ) -> AsyncIterator[bytes]:
        step = self._max_decompress_size
        yield await decompressor.decompress(bytes(data), step)
        while decompressor.data_available:
            yield await decompressor.decompress(b"", step)
        yield decompressor.flush()

    def _decode_transfer(self, data: Byteish) -> Byteish:
        """Undo the transfer encoding; the data itself when there is none."""
        encoding = self.headers.get(CONTENT_TRANSFER_ENCODING, "").lower()
        if encoding == "base64":
            return base64.b64decode(data)
        if encoding == "quoted-printable":
            return binascii.a2b_qp(data)
        if encoding in ("", "binary", "8bit", "7bit"):
            return data
        raise RuntimeError(f"unknown content transfer encoding: {encoding}")

    def _decompressor(self) -> DecompressionBaseHandler | None:
        if self._is_form_data:
            return None
        encoding = self.headers.get(CONTENT_ENCODING, "").lower()
        if encoding in ("", "identity"):
            return None
        if encoding in _CONTENT_CODINGS:
            return decompressor_for(encoding)
        raise RuntimeError(f"unknown content encoding: {encoding}")

    # -- the data in the shared buffer ---------------------------------------

    async def _read_some(self, size: int) -> bytes:
        available = await self._available()
        return self._take(min(available, size)) if available else b""

    async def _available(self) -> int:
        """How many bytes of data lie at the head of the buffer (0: the end)."""
        if self._body_done:
            return 0
        if self._length is not None:
            return await self._available_counted()
        return await self._available_delimited()

    async def _available_delimited(self) -> int:
        source = self._source
        buffer = source.buffer
        delimiter = self._delimiter
        while True:
            if self._at_line_start:
                dash = self._boundary
                if buffer.startswith(dash):
                    # An empty part: the CRLF before its dash-boundary was
                    # the one that ended the headers.
                    del buffer[: len(dash)]
                    self._finish()
                    return 0
                if len(buffer) < len(dash) and dash.startswith(buffer):
                    if not await source.fill():
                        raise self._unterminated()
                    continue
                self._at_line_start = False
            position = self._delimiter_at
            if position == -1:
                position = buffer.find(delimiter, self._clean)
                if position == -1:
                    self._clean = max(self._clean, len(buffer) - len(delimiter) + 1)
                else:
                    self._delimiter_at = position
            if position == 0:
                del buffer[: len(delimiter)]
                self._finish()
                return 0
            available = position if position > 0 else self._clean
            if available > 0:
                return available
            if not await source.fill():
                raise self._unterminated()

    async def _available_counted(self) -> int:
        assert self._length is not None
        source = self._source
        remaining = self._length - self._read_bytes
        if remaining == 0:
            await self._expect_delimiter()
            return 0
        if not source.buffer and not await source.fill():
            raise self._unterminated()
        return min(remaining, len(source.buffer))

    async def _expect_delimiter(self) -> None:
        """Consume the delimiter that must follow a part's Content-Length bytes."""
        buffer = self._source.buffer
        delimiter = self._delimiter
        if self._read_bytes == 0:
            await self._source.ensure(len(self._boundary))
            if buffer.startswith(self._boundary):
                del buffer[: len(self._boundary)]
                self._finish()
                return
        await self._source.ensure(len(delimiter))
        if not buffer.startswith(delimiter):
            raise ValueError(
                f"multipart part does not end after its Content-Length "
                f"({self._length} bytes): expected {delimiter!r}, "
                f"got {bytes(buffer[: len(delimiter)])!r}"
            )
        del buffer[: len(delimiter)]
        self._finish()

    def _take(self, size: int) -> bytes:
        buffer = self._source.buffer
        data = bytes(buffer[:size])
        self._drop(size)
        return data

    def _take_into(self, out: bytearray, size: int) -> None:
        # The view must be gone before the buffer can shrink.
        with memoryview(self._source.buffer) as view:
            out += view[:size]
        self._drop(size)

    def _drop(self, size: int) -> None:
        """Forget the first ``size`` data bytes; finish if the delimiter follows."""
        buffer = self._source.buffer
        del buffer[:size]
        self._at_line_start = False
        if self._length is not None:
            self._read_bytes += size
            remaining = self._length - self._read_bytes
            if remaining == 0 and buffer.startswith(self._delimiter):
                del buffer[: len(self._delimiter)]
                self._finish()
            return
        self._clean = max(0, self._clean - size)
        if self._delimiter_at != -1:
            self._delimiter_at -= size
            if self._delimiter_at == 0:
                del buffer[: len(self._delimiter)]
                self._finish()

    def _finish(self) -> None:
        self._body_done = True
        self._delimiter_at = -1
        self._clean = 0

    def _too_large(self) -> Exception:
        return _size_error(self._max_size_error_cls, self._client_max_size)

    def _unterminated(self) -> ValueError:
        return ValueError(
            f"multipart body ended inside a part: no {self._delimiter!r} delimiter"
        )


def _parse_length(value: str | None) -> int | None:
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"invalid Content-Length {value!r} in a multipart part")
    return int(value)


@payload_type(BodyPartReader)
class BodyPartReaderPayload(Payload):
    """A part being read, sent on as a body (its data decoded as it goes).

    The part's ``name`` and ``filename`` become an ``attachment``
    Content-Disposition; its Content-Type is kept unless another is given.
    """

    _value: BodyPartReader

    def __init__(
        self,
        value: BodyPartReader,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        if content_type is sentinel:
            content_type = value.headers.get(CONTENT_TYPE, sentinel)
        super().__init__(value, headers, content_type, filename, encoding, **kwargs)
        params = {}
        if value.name is not None:
            params["name"] = value.name
        if value.filename is not None:
            params["filename"] = value.filename
        if params:
            self.set_content_disposition("attachment", True, **params)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Refuse: a part being read can only be read asynchronously."""
        raise TypeError("Unable to decode: read the part with await as_bytes()")

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the part's decoded data to ``writer`` as it is read."""
        self._consumed = True
        field = self._value
        while chunk := await field.read_chunk(size=2**16):
            async for piece in field.decode_iter(chunk):
                if piece:
                    await writer.write(piece)


# -- the whole body ----------------------------------------------------------------


class _MultipartResponse(Protocol):
    """What ``MultipartReader.from_response()`` uses of a client response."""

    @property
    def headers(self) -> CIMultiDictProxy[str]: ...

    @property
    def content(self) -> StreamReader: ...

    def release(self) -> object: ...


class MultipartResponseWrapper:
    """A ``MultipartReader`` over a client response, releasing it at the end."""

    def __init__(self, resp: _MultipartResponse, stream: MultipartReader) -> None:
        self.resp = resp
        self.stream = stream

    def __aiter__(self) -> MultipartResponseWrapper:
        """Iterate over the parts."""
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        """Return the next part."""
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    def at_eof(self) -> bool:
        """Whether the last part has been read."""
        return self.stream.at_eof()

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """Return the next part; release the response after the last one."""
        item = await self.stream.next()
        if self.stream.at_eof():
            await self.release()
        return item

    async def release(self) -> None:
        """Release the response's connection (its rest is read or dropped)."""
        result = self.resp.release()
        if inspect.isawaitable(result):
            await result


class _Delimiter(NamedTuple):
    """What follows a dash-boundary: another part, the end, or neither."""

    close: bool
    valid: bool


class MultipartReader:
    """Reads a multipart body part by part.

    ``headers`` must have a ``multipart/*`` Content-Type with a boundary.
    ``next()`` returns a ``BodyPartReader`` per part, a nested
    ``MultipartReader`` (of ``multipart_reader_cls``, this class by
    default) for a ``multipart/*`` part, and None after the last one.
    The limits are described in the module documentation.
    """

    response_wrapper_cls: ClassVar[type[MultipartResponseWrapper]] = (
        MultipartResponseWrapper
    )
    multipart_reader_cls: ClassVar[type[MultipartReader] | None] = None
    part_reader_cls: ClassVar[type[BodyPartReader]] = BodyPartReader

    def __init__(
        self,
        headers: Mapping[str, str],
        content: StreamReader,
        *,
        client_max_size: int = sys.maxsize,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_size_error_cls: type[Exception] = ValueError,
        max_parts: int = DEFAULT_MAX_PARTS,
    ) -> None:
        content_type = headers.get(CONTENT_TYPE, "")
        self._mimetype = parse_mimetype(content_type)
        if self._mimetype.type != "multipart":
            raise ValueError(f"multipart/* content type expected, got {content_type!r}")
        boundary = self._mimetype.parameters.get("boundary")
        if boundary is None:
            raise ValueError(f"boundary missed for Content-Type: {content_type}")
        self._boundary = b"--" + _check_boundary(boundary)
        self.headers = headers
        self._content = content
        self._client_max_size = client_max_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_size_error_cls = max_size_error_cls
        self._source = _Source(content, client_max_size, max_size_error_cls, max_parts)
        self._nested = False
        self._default_charset: str | None = None
        self._last_part: MultipartReader | BodyPartReader | None = None
        self._at_eof = False
        self._at_bof = True

    def _share(self, source: _Source) -> None:
        """Read a nested body from the source of the enclosing one."""
        self._source = source
        self._nested = True

    @classmethod
    def from_response(cls, response: _MultipartResponse) -> MultipartResponseWrapper:
        """Read the body of a client response; release it after the last part."""
        return cls.response_wrapper_cls(
            response, cls(response.headers, response.content)
        )

    def __aiter__(self) -> MultipartReader:
        """Iterate over the parts."""
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        """Return the next part."""
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    def at_eof(self) -> bool:
        """Whether the closing delimiter has been read."""
        return self._at_eof

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """Return the next part, after dropping what is left of the previous one.

        None once the closing delimiter has been read.
        """
        if self._at_eof:
            return None
        await self._maybe_release_last_part()
        first = self._at_bof
        if first:
            await self._read_until_first_boundary()
            self._at_bof = False
        else:
            await self._read_boundary()
        if self.at_eof():
            return None
        part = await self.fetch_next_part()
        if first and self._is_charset_field(part):
            # RFC 7578 section 4.6: the form's default charset, not a field.
            assert isinstance(part, BodyPartReader)
            self._default_charset = await self._read_charset(part)
            self._last_part = part
            return await self.next()
        self._last_part = part
        return part

    async def release(self) -> None:
        """Read every remaining part and drop it."""
        while not self._at_eof:
            part = await self.next()
            if part is None:
                break
            await part.release()

    async def fetch_next_part(self) -> MultipartReader | BodyPartReader:
        """Read the next part's headers and return its reader."""
        headers = await self._read_headers()
        return self._get_part_reader(headers)

    def _get_part_reader(
        self, headers: CIMultiDictProxy[str]
    ) -> MultipartReader | BodyPartReader:
        mimetype = parse_mimetype(headers.get(CONTENT_TYPE, ""))
        if mimetype.type == "multipart":
            reader_cls = self.multipart_reader_cls or type(self)
            reader = reader_cls(
                headers,
                self._content,
                client_max_size=self._client_max_size,
                max_field_size=self._max_field_size,
                max_headers=self._max_headers,
                max_size_error_cls=self._max_size_error_cls,
            )
            reader._share(self._source)
            return reader
        part = self.part_reader_cls(
            self._boundary,
            headers,
            self._content,
            subtype=self._mimetype.subtype,
            default_charset=self._default_charset,
            client_max_size=self._client_max_size,
            max_size_error_cls=self._max_size_error_cls,
        )
        part._share(self._source)
        return part

    def _get_boundary(self) -> str:
        return self._boundary[2:].decode("ascii")

    def _is_charset_field(self, part: MultipartReader | BodyPartReader) -> bool:
        return (
            self._mimetype.subtype == "form-data"
            and isinstance(part, BodyPartReader)
            and part.name == "_charset_"
        )

    async def _read_charset(self, part: BodyPartReader) -> str:
        data = b""
        while chunk := await part.read_chunk(_MAX_CHARSET_FIELD + 1 - len(data)):
            data += chunk
            if len(data) > _MAX_CHARSET_FIELD:
                raise ValueError("invalid _charset_ field: too long")
        try:
            return data.strip().decode("ascii")
        except UnicodeDecodeError:
            raise ValueError(f"invalid _charset_ field: {data!r}") from None

    async def _maybe_release_last_part(self) -> None:
        part = self._last_part
        if part is None:
            return
        self._last_part = None
        if isinstance(part, MultipartReader):
            await part.release()
            # The nested body's epilogue runs up to our next delimiter.
            await self._skip_to(_CRLF + self._boundary, at_line_start=False)
        elif not part.at_eof():
            await part.release()

    async def _read_until_first_boundary(self) -> None:
        """Skip the preamble: everything before the first delimiter line."""
        at_line_start = True
        while True:
            await self._skip_to(_CRLF + self._boundary, at_line_start=at_line_start)
            delimiter = await self._read_delimiter_end()
            if delimiter.valid:
                break
            # "--boundary" followed by something else: preamble text.
            at_line_start = False
        if delimiter.close:
            await self._end()

    async def _read_boundary(self) -> None:
        """Read the rest of the delimiter line after a part."""
        delimiter = await self._read_delimiter_end()
        if not delimiter.valid:
            got = bytes(self._source.buffer[:40])
            raise ValueError(
                f"Invalid boundary {self._boundary + got!r}, "
                f"expected {self._boundary!r}"
            )
        if delimiter.close:
            await self._end()

    async def _skip_to(self, delimiter: bytes, *, at_line_start: bool) -> None:
        """Drop bytes up to and including ``delimiter``.

        With ``at_line_start`` the buffer's head counts as the start of a
        line, so the delimiter's dash-boundary alone may be there.
        """
        source = self._source
        buffer = source.buffer
        dash = delimiter[2:]
        while True:
            if at_line_start:
                if buffer.startswith(dash):
                    del buffer[: len(dash)]
                    return
                if len(buffer) >= len(dash) or not dash.startswith(buffer):
                    at_line_start = False
            if not at_line_start:
                position = buffer.find(delimiter)
                if position != -1:
                    del buffer[: position + len(delimiter)]
                    return
                # Only a delimiter's beginning can be of use later.
                keep = len(delimiter) - 1
                if len(buffer) > keep:
                    del buffer[: len(buffer) - keep]
            if not await source.fill():
                raise ValueError(
                    f"Could not find starting boundary {self._boundary!r}"
                    if self._at_bof
                    else f"multipart body ended before the {self._boundary!r} delimiter"
                )

    async def _read_delimiter_end(self) -> _Delimiter:
        """Read what follows a dash-boundary: ``--`` or padding, then CRLF."""
        source = self._source
        buffer = source.buffer
        await source.ensure(2)
        close = buffer.startswith(b"--")
        position = 2 if close else 0
        # Transport padding (RFC 2046 section 5.1.1) is bounded like a line.
        limit = position + self._max_field_size
        while True:
            while position < len(buffer) and buffer[position] in _LWSP:
                position += 1
            if len(buffer) >= position + 2 or position > limit:
                break
            if not await source.fill():
                break
        if position > limit:
            return _Delimiter(close, valid=False)
        if buffer.startswith(_CRLF, position):
            # After the last part the CRLF opens the epilogue, which may be
            # where an enclosing body's delimiter starts: leave it.
            del buffer[: position if close else position + 2]
            return _Delimiter(close, valid=True)
        if close and position == len(buffer):
            del buffer[:position]
            return _Delimiter(close, valid=True)
        return _Delimiter(close, valid=False)

    async def _end(self) -> None:
        """The closing delimiter was read: the epilogue is dropped, unread."""
        self._at_eof = True
        if self._nested:
            return
        source = self._source
        source.buffer.clear()
        while await source.fill():
            source.buffer.clear()

    async def _read_headers(self) -> CIMultiDictProxy[str]:
        source = self._source
        source.count_part()
        lines: list[bytes] = []
        while line := await source.readline(self._max_field_size):
            if len(lines) >= self._max_headers:
                raise BadHttpMessage("Too many headers received", code=431)
            lines.append(line)
        parser = HeadersParser(
            max_line_size=self._max_field_size,
            max_headers=self._max_headers,
            max_field_size=self._max_field_size,
        )
        headers, _ = parser.parse_headers(lines)
        return headers
