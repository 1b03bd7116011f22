"""Reading a request body under ``client_max_size``: bytes and HTML forms.

``BaseRequest.read()`` and ``post()`` delegate here. The rules:

* never hold more than the limit plus one received chunk: the body is read
  chunk by chunk and refused (413) as soon as the count passes the limit;
* a compressed body counts its decompressed bytes (the parser inflates it
  before it reaches the stream);
* an uploaded file of a ``multipart/form-data`` form lands in a
  :class:`tempfile.SpooledTemporaryFile`: in memory up to
  :data:`SPOOL_MAX_SIZE`, on disk (written from a worker thread) past it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Callable
from typing import IO, BinaryIO, Final, cast
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy, MultiDict

from . import hdrs
from .multipart import BodyPartReader, MultipartReader
from .streams import StreamReader
from .web_exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

__all__ = ("SPOOL_MAX_SIZE", "FileField")

#: Bytes of an uploaded file kept in memory before it moves to a disk file.
SPOOL_MAX_SIZE: Final = 2**18
# How much of a part one read takes.
_PART_CHUNK: Final = 2**16


@dataclasses.dataclass(frozen=True, slots=True)
class FileField:
    """A file uploaded with a ``multipart/form-data`` form.

    ``file`` is positioned at the start of the data; it is closed when the
    request is done, so copy what must outlive the handler.
    """

    #: The form field's name.
    name: str
    #: The file name the client gave.
    filename: str
    #: The data, readable (a spooled temporary file).
    file: BinaryIO
    #: The part's Content-Type, ``application/octet-stream`` when absent.
    content_type: str
    #: All of the part's headers.
    headers: CIMultiDictProxy[str]


class _MultipartTooLarge(HTTPRequestEntityTooLarge):
    """413 raised from inside a multipart reader, which knows only the limit."""

    def __init__(self, max_size: float) -> None:
        super().__init__(
            max_size=max_size,
            actual_size=max_size + 1,
            text=f"Maximum request body size {max_size} exceeded",
        )


#: What ``BaseRequest.multipart()`` hands its reader as ``max_size_error_cls``.
MULTIPART_TOO_LARGE: Final[type[Exception]] = _MultipartTooLarge

FormValue = str | bytes | FileField


async def read_limited(payload: StreamReader, limit: int) -> bytes:
    """Read the whole body, refusing it once it passes ``limit`` (0: no limit)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await payload.readany():
        size += len(chunk)
        if limit and size > limit:
            raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_urlencoded(data: bytes, charset: str, out: MultiDict[FormValue]) -> None:
    """Add the fields of an ``application/x-www-form-urlencoded`` body."""
    if data:
        text = data.rstrip().decode(charset)
        out.extend(parse_qsl(text, keep_blank_values=True, encoding=charset))


class MultipartFormReader:
    """Turns the parts of a ``multipart/form-data`` body into form fields.

    The multipart reader bounds the raw body by ``client_max_size``; the
    decoded data of a part (undoing base64 or quoted-printable; form-data
    parts have no content coding, RFC 7578 section 4.8) is never larger.
    ``track`` is told about every temporary file made, so that its owner
    can close them all, also when reading fails half-way.
    """

    __slots__ = ("_loop", "_track")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, track: Callable[[IO[bytes]], None]
    ) -> None:
        self._loop = loop
        self._track = track

    async def read(self, reader: MultipartReader, out: MultiDict[FormValue]) -> None:
        """Add every field of the form ``reader`` walks to ``out``."""
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise ValueError(
                    "To decode nested multipart you need to use custom reader"
                )
            name = part.name
            if name is None:
                # RFC 7578 section 4.2: every part names its field.
                raise HTTPBadRequest(text="A form-data part has no field name")
            content_type = part.headers.get(hdrs.CONTENT_TYPE)
            filename = part.filename
            if filename:
                file = await self._spool(part)
                out.add(
                    name,
                    FileField(
                        name,
                        filename,
                        file,
                        content_type or "application/octet-stream",
                        part.headers,
                    ),
                )
                continue
            value = await part.read(decode=True)
            if content_type is None or content_type.lower().startswith("text/"):
                out.add(name, value.decode(part.get_charset(default="utf-8")))
            else:
                out.add(name, bytes(value))

    async def _spool(self, part: BodyPartReader) -> BinaryIO:
        file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115 - closed by the request
        self._track(cast(IO[bytes], file))
        written = 0
        while chunk := await part.read_chunk(_PART_CHUNK):
            data = part.decode(chunk)
            written += len(data)
            if written <= SPOOL_MAX_SIZE:
                file.write(data)
            else:
                # On disk now (or about to roll over): keep the loop free.
                await self._loop.run_in_executor(None, file.write, data)
        file.seek(0)
        return cast(BinaryIO, file)
