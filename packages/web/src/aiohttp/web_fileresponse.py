"""FileResponse: a file from disk as a response, with validators and ranges.

``FileResponse(path)`` is returned from a handler like any response; the
work happens in ``prepare()``:

- The file is opened (and its metadata read) in the default executor, so a
  slow disk never stalls the event loop. A missing file gives an empty
  404, an unreadable one or one that is not a regular file (a directory, a
  FIFO, a device) an empty 403, as in aiohttp.
- Pre-compressed siblings: when the request's Accept-Encoding allows it,
  ``name.br``, ``name.zst`` or ``name.gz`` is sent instead, with its
  Content-Encoding and ``Vary: Accept-Encoding``, and the original's
  content type. Weights are honoured (``gzip;q=0`` never gets the ``.gz``);
  among equal weights ``.br`` comes first, then ``.zst``, then ``.gz``. A
  sibling that is a symbolic link, or not a regular file, is never used: a
  link could lead out of a static directory the original was checked
  against (aiohttp's CVE-2024-42367).
- Validators: ``ETag: "<mtime in ns, hex>-<size, hex>"`` (aiohttp's form, a
  strong validator) and ``Last-Modified``; If-Match, If-None-Match,
  If-Modified-Since and If-Unmodified-Since give 304 and 412 as RFC 9110
  section 13.2.2 orders them (see ``_web_conditional``).
- Ranges: ``Accept-Ranges: bytes``; one range (or ranges that coalesce into
  one) gives 206 with Content-Range; none satisfiable gives 416 with
  ``Content-Range: bytes */<size>``; If-Range is honoured, with an
  entity-tag or a date.
- The body goes out with ``loop.sendfile()`` on a plain connection (the
  kernel copies the file to the socket), else in ``chunk_size`` pieces read
  in the executor: on TLS, with ``enable_compression()``, with
  ``AIOHTTP_NOSENDFILE=1`` in the environment, or where the loop has no
  sendfile. A file that shrinks while it is sent closes the connection
  (the promised Content-Length can no longer be met).

Preconditions and ranges apply only when the response would be a 200
(RFC 9110 section 13.2.1): a ``FileResponse(path, status=404)`` error page
is sent as it is.
"""

from __future__ import annotations

import asyncio
import functools
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from mimetypes import MimeTypes
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from multidict import CIMultiDict

from . import hdrs
from ._web_accept_encoding import choose_coding
from ._web_conditional import (
    Precondition,
    RangeNotSatisfiable,
    evaluate_preconditions,
    select_range,
)
from .abc import AbstractStreamWriter
from .typedefs import LooseHeaders, PathLike
from .web_response import StreamResponse

if TYPE_CHECKING:
    from .web_request import BaseRequest

__all__ = ("FileResponse",)

#: ``AIOHTTP_NOSENDFILE=1`` turns the sendfile system call off (aiohttp's switch).
NOSENDFILE: Final[bool] = bool(os.environ.get("AIOHTTP_NOSENDFILE"))

#: The content type of a file whose name says nothing.
FALLBACK_CONTENT_TYPE: Final = "application/octet-stream"

#: Pre-compressed sibling suffix -> its content coding, in the order of
#: preference among equally weighted codings (aiohttp has ``.br`` before
#: ``.gz``; smaller files first).
ENCODING_EXTENSIONS: Final = MappingProxyType(
    {".br": "br", ".zst": "zstd", ".gz": "gzip"}
)
_CODING_SUFFIXES: Final = {coding: ext for ext, coding in ENCODING_EXTENSIONS.items()}
_CODINGS: Final = tuple(ENCODING_EXTENSIONS.values())

#: Types for compressed files requested as such (``archive.tar.gz`` is an
#: ``application/gzip`` file, not a tar with Content-Encoding: gzip).
ADDITIONAL_CONTENT_TYPES: Final = MappingProxyType(
    {
        "application/gzip": ".gz",
        "application/x-brotli": ".br",
        "application/zstd": ".zst",
        "application/x-bzip2": ".bz2",
        "application/x-compress": ".Z",
        "application/x-xz": ".xz",
    }
)

#: The guesser: the system's types plus ours, with no "encodings", so a
#: compressed file's type is its own (as aiohttp 3.x does).
CONTENT_TYPES: Final = MimeTypes()
CONTENT_TYPES.encodings_map.clear()
for _type, _extension in ADDITIONAL_CONTENT_TYPES.items():
    CONTENT_TYPES.add_type(_type, _extension)

_OPEN_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    # A FIFO opened without it would block the executor thread until a
    # writer shows up; regular files ignore it.
    | getattr(os, "O_NONBLOCK", 0)
)
_O_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)
_HAS_PREAD: Final = hasattr(os, "pread")


class _NotRegularFile(PermissionError):
    """A directory, FIFO, socket or device: never sent (403)."""


@dataclass(frozen=True, slots=True)
class _OpenFile:
    file: io.FileIO
    stat: os.stat_result
    coding: str | None  # the content coding of a pre-compressed sibling


def _open_regular(path: str, *, follow: bool) -> tuple[io.FileIO, os.stat_result]:
    """Open a regular file for reading; ``follow=False`` refuses a symlink."""
    flags = _OPEN_FLAGS
    if not follow:
        if _O_NOFOLLOW:
            flags |= _O_NOFOLLOW  # atomic: the open fails on a link
        elif S_ISLNK(os.lstat(path).st_mode):
            raise _NotRegularFile(f"{path} is a symbolic link")
    fd = os.open(path, flags)
    try:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):
            raise _NotRegularFile(f"{path} is not a regular file")
        file = io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return file, stat


def _open_file(path: Path, codings: tuple[str, ...]) -> _OpenFile:
    """Open the best acceptable pre-compressed sibling, else ``path`` itself.

    Runs in the executor: it stats and opens files.
    """
    name = os.fspath(path)
    if path.name:
        for coding in codings:
            try:
                file, stat = _open_regular(
                    name + _CODING_SUFFIXES[coding], follow=False
                )
            except OSError:
                continue
            return _OpenFile(file, stat, coding)
    file, stat = _open_regular(name, follow=True)
    return _OpenFile(file, stat, None)


@functools.lru_cache(maxsize=256)
def _sibling_codings(accept_encoding: str) -> tuple[str, ...]:
    """The sibling codings ``accept_encoding`` allows, best first."""
    if not accept_encoding:
        return ()
    chosen: list[str] = []
    remaining = _CODINGS
    while remaining:
        coding = choose_coding(accept_encoding, remaining)
        if coding is None:
            break
        chosen.append(coding)
        remaining = tuple(c for c in remaining if c != coding)
    return tuple(chosen)


def _guess_content_type(path: Path) -> str:
    guess: Callable[[str], tuple[str | None, str | None]]
    if sys.version_info >= (3, 13):
        guess = CONTENT_TYPES.guess_file_type
    else:
        guess = CONTENT_TYPES.guess_type
    return guess(path.name)[0] or FALLBACK_CONTENT_TYPE


def _read_at(file: io.FileIO, offset: int, size: int) -> bytes:
    """Read up to ``size`` bytes at ``offset`` (in the executor)."""
    if _HAS_PREAD:
        return os.pread(file.fileno(), size, offset)
    file.seek(offset)
    return file.read(size) or b""


def _close_opened(future: asyncio.Future[_OpenFile]) -> None:
    """Close a file opened for a request that was cancelled meanwhile."""
    if not future.cancelled() and future.exception() is None:
        future.result().file.close()


def _add_vary(headers: CIMultiDict[str], value: str) -> None:
    """Add ``value`` to the Vary field, keeping what the handler put there."""
    vary = headers.get(hdrs.VARY)
    if vary is None:
        headers[hdrs.VARY] = value
    elif value.lower() not in {v.strip().lower() for v in vary.split(",")}:
        headers[hdrs.VARY] = f"{vary}, {value}"


class FileResponse(StreamResponse):
    """A response whose body is the file at ``path``.

    ``chunk_size`` is how much is read at a time when the file cannot go
    out with sendfile. ``status``, ``reason`` and ``headers`` are
    ``StreamResponse``'s; a Content-Type in ``headers`` wins over the one
    guessed from the file name (no charset is added, as in aiohttp).
    """

    def __init__(
        self,
        path: PathLike,
        chunk_size: int = 256 * 1024,
        status: int = 200,
        reason: str | None = None,
        headers: LooseHeaders | None = None,
    ) -> None:
        super().__init__(status=status, reason=reason, headers=headers)
        self._path = Path(path)
        self._chunk_size = chunk_size
        self._pending_read: asyncio.Future[bytes] | None = None

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        """Open the file, settle status and headers, and send the response.

        The whole body is written before this returns; ``write_eof()``
        then ends the message.
        """
        if self.prepared:
            return await super().prepare(request)
        accept = request.headers.getall(hdrs.ACCEPT_ENCODING, ())
        codings = _sibling_codings(accept[0] if len(accept) == 1 else ",".join(accept))
        loop = asyncio.get_running_loop()
        opening = loop.run_in_executor(None, _open_file, self._path, codings)
        try:
            opened = await asyncio.shield(opening)
        except asyncio.CancelledError:
            opening.add_done_callback(_close_opened)
            raise
        except PermissionError:
            return await self._empty(request, 403)
        except OSError:
            # Missing, or a path through a non-directory or a symlink loop.
            return await self._empty(request, 404)
        try:
            return await self._send_file(request, opened)
        finally:
            self._close(opened.file)

    async def _empty(
        self, request: BaseRequest, status: int
    ) -> AbstractStreamWriter | None:
        """Send a response with no content: an error, a 304."""
        self.set_status(status)
        # Nothing to compress: a Content-Encoding would only mislead.
        self._compression = False
        if status != 304 and not self._chunked:
            self.content_length = 0
        return await super().prepare(request)

    async def _send_file(
        self, request: BaseRequest, opened: _OpenFile
    ) -> AbstractStreamWriter | None:
        stat = opened.stat
        size = stat.st_size
        etag = f"{stat.st_mtime_ns:x}-{size:x}"
        # Whole seconds, rounded down: never later than the Date field.
        last_modified = stat.st_mtime_ns // 1_000_000_000
        headers = self._headers
        if opened.coding is not None:
            # A 304 must say it too: the validators belong to this variant.
            _add_vary(headers, hdrs.ACCEPT_ENCODING)
        status = self._status
        if 200 <= status < 300:
            outcome = evaluate_preconditions(request, etag, last_modified)
            if outcome is Precondition.NOT_MODIFIED:
                self.etag = etag
                self.last_modified = last_modified
                return await self._empty(request, 304)
            if outcome is Precondition.FAILED:
                return await self._empty(request, 412)
        start, count = 0, size
        # A body compressed on the fly has other bytes than the file: its
        # ranges would be of an unknown representation.
        if status == 200 and (not self._compression or opened.coding is not None):
            headers[hdrs.ACCEPT_RANGES] = "bytes"
            if request.method == hdrs.METH_GET:
                try:
                    selected = select_range(request, size, etag, last_modified)
                except RangeNotSatisfiable:
                    headers[hdrs.CONTENT_RANGE] = f"bytes */{size}"
                    return await self._empty(request, 416)
                if selected is not None:
                    start, stop = selected
                    count = stop - start
                    self.set_status(206)
                    headers[hdrs.CONTENT_RANGE] = f"bytes {start}-{stop - 1}/{size}"
        if opened.coding is not None:
            headers[hdrs.CONTENT_ENCODING] = opened.coding
        if hdrs.CONTENT_TYPE not in headers:
            headers[hdrs.CONTENT_TYPE] = _guess_content_type(self._path)
        self.etag = etag
        self.last_modified = last_modified
        if not self._chunked:
            self.content_length = count
        writer = await super().prepare(request)
        if writer is None or count == 0 or self._must_be_empty_body:
            return writer
        await self._send_body(request, writer, opened.file, start, count)
        return writer

    async def _send_body(
        self,
        request: BaseRequest,
        writer: AbstractStreamWriter,
        file: io.FileIO,
        offset: int,
        count: int,
    ) -> None:
        transport = request.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        if (
            not NOSENDFILE
            and not self._compression
            and not self._chunked
            and transport.get_extra_info("sslcontext") is None
        ):
            loop = asyncio.get_running_loop()
            try:
                sent = await loop.sendfile(transport, file, offset, count)
            except NotImplementedError:
                pass  # a loop without sendfile (uvloop): read and write
            else:
                writer.output_size += sent
                if sent < count:
                    raise RuntimeError(f"{self._path} shrank while it was sent")
                return
        await self._send_chunks(writer, file, offset, count)

    async def _send_chunks(
        self, writer: AbstractStreamWriter, file: io.FileIO, offset: int, count: int
    ) -> None:
        loop = asyncio.get_running_loop()
        chunk_size = self._chunk_size
        while count > 0:
            self._pending_read = reading = loop.run_in_executor(
                None, _read_at, file, offset, min(chunk_size, count)
            )
            # Shielded: if the task is cancelled, ``reading`` still tells
            # when the thread is done with the file (see _close).
            chunk = await asyncio.shield(reading)
            self._pending_read = None
            if not chunk:
                raise RuntimeError(f"{self._path} shrank while it was sent")
            await writer.write(chunk)
            offset += len(chunk)
            count -= len(chunk)

    def _close(self, file: io.FileIO) -> None:
        """Close ``file`` now, or once a read still running in a thread ends."""
        reading = self._pending_read
        self._pending_read = None
        if reading is not None and not reading.done():
            reading.add_done_callback(lambda _: file.close())
        else:
            file.close()
