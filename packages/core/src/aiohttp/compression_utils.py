"""Compression codecs for HTTP bodies: gzip, deflate, Brotli and Zstandard.

Compression goes through :class:`ZLibCompressor`, :class:`BrotliCompressor`
and :class:`ZSTDCompressor`, which share one interface
(:class:`CompressorProtocol`); :func:`compressor_for` picks one by content
coding. Decompression goes through
one streaming contract, :class:`DecompressionBaseHandler`, which the HTTP
parser drives the same way for every codec::

    decompressor = decompressor_for(content_encoding)
    for chunk in body:
        out = decompressor.decompress_sync(chunk, max_length)
        ...                                    # at most max_length bytes
        while decompressor.data_available:     # more output, no new input
            out = decompressor.decompress_sync(b"", max_length)
            ...
    out = decompressor.flush()                 # end of body: the rest

Bounding each call's output with ``max_length`` is what keeps a
decompression bomb (a few KiB that inflate to GiBs) from exhausting memory:
unconsumed input stays inside the decompressor until the caller asks again.

Every codec failure (corrupt data, a stream cut short, trailing bytes that
start no further gzip member or zstd frame, too many members) surfaces as
:class:`~aiohttp.http_exceptions.ContentEncodingError`, chained from the
underlying cause; callers never see ``zlib.error`` and friends.

Brotli (``Brotli`` or ``brotlicffi``) and Zstandard (``compression.zstd`` on
Python 3.14+, else ``backports.zstd``) are optional: :data:`HAS_BROTLI` and
:data:`HAS_ZSTD` say whether they are installed.

Work on inputs larger than ``max_sync_chunk_size`` bytes runs in an executor
thread (``loop.run_in_executor``) so that it does not block the event loop.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from types import ModuleType
from typing import Generic, NoReturn, Protocol, TypeVar

from .http_exceptions import ContentEncodingError

__all__ = (
    "MAX_SYNC_CHUNK_SIZE",
    "ZLIB_MAX_LENGTH_UNLIMITED",
    "HAS_BROTLI",
    "HAS_ZSTD",
    "ZLibBackendProtocol",
    "ZLibCompressObjProtocol",
    "ZLibDecompressObjProtocol",
    "set_zlib_backend",
    "zlib_backend",
    "zlib_backend_error",
    "encoding_to_mode",
    "CompressorProtocol",
    "ZLibCompressor",
    "BrotliCompressor",
    "ZSTDCompressor",
    "BROTLI_DEFAULT_QUALITY",
    "compressor_for",
    "DecompressionBaseHandler",
    "ZLibDecompressor",
    "BrotliDecompressor",
    "ZSTDDecompressor",
    "decompressor_for",
)

#: Inputs longer than this many bytes are (de)compressed in an executor thread.
MAX_SYNC_CHUNK_SIZE = 4096
#: ``max_length`` meaning "no limit on the output of one call".
ZLIB_MAX_LENGTH_UNLIMITED = 0

# Real servers concatenate gzip members (and zstd frames); each one costs a
# fresh decoder, so their number is bounded to bound the work per body.
_MAX_MEMBERS = 1024


def _import_brotli() -> ModuleType | None:
    # Brotli is Google's C binding; brotlicffi is the same API for PyPy.
    try:
        return importlib.import_module("brotli")
    except ImportError:
        pass
    try:
        return importlib.import_module("brotlicffi")
    except ImportError:
        return None


_brotli = _import_brotli()
#: Whether a Brotli codec (``Brotli`` or ``brotlicffi``) is installed.
HAS_BROTLI: bool = _brotli is not None

#: Whether a Zstandard codec is installed (``compression.zstd`` or the backport).
HAS_ZSTD: bool
try:
    if sys.version_info >= (3, 14):  # pragma: no cover
        from compression.zstd import ZstdCompressor as _ZstdEncoder
        from compression.zstd import ZstdDecompressor as _ZstdDecoder
        from compression.zstd import ZstdError as _ZstdError
    else:
        from backports.zstd import ZstdCompressor as _ZstdEncoder
        from backports.zstd import ZstdDecompressor as _ZstdDecoder
        from backports.zstd import ZstdError as _ZstdError
    HAS_ZSTD = True
except ImportError:
    HAS_ZSTD = False


# --- zlib backends --------------------------------------------------------


class ZLibCompressObjProtocol(Protocol):
    """A compression object, as ``zlib.compressobj()`` returns."""

    def compress(self, data: bytes, /) -> bytes: ...

    def flush(self, mode: int = ..., /) -> bytes: ...


class ZLibDecompressObjProtocol(Protocol):
    """A decompression object, as ``zlib.decompressobj()`` returns."""

    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    @property
    def unconsumed_tail(self) -> bytes: ...

    def decompress(self, data: bytes, /, max_length: int = ...) -> bytes: ...

    def flush(self, length: int = ..., /) -> bytes: ...


class ZLibBackendProtocol(Protocol):
    """What aiohttp uses of a zlib module: stdlib ``zlib``, zlib-ng, isal, ...

    A backend may also define ``error``, the exception its objects raise on
    corrupt data; without it ``zlib.error`` is assumed.
    """

    @property
    def MAX_WBITS(self) -> int: ...  # noqa: N802 (zlib's constant names)

    @property
    def Z_FULL_FLUSH(self) -> int: ...  # noqa: N802

    @property
    def Z_SYNC_FLUSH(self) -> int: ...  # noqa: N802

    @property
    def Z_BEST_SPEED(self) -> int: ...  # noqa: N802

    @property
    def Z_FINISH(self) -> int: ...  # noqa: N802

    def compressobj(
        self,
        level: int = ...,
        method: int = ...,
        wbits: int = ...,
        memLevel: int = ...,  # noqa: N803 (zlib's keyword)
        strategy: int = ...,
    ) -> ZLibCompressObjProtocol: ...

    def decompressobj(self, wbits: int = ...) -> ZLibDecompressObjProtocol: ...

    def compress(self, data: bytes, /, level: int = ...) -> bytes: ...

    def decompress(
        self, data: bytes, /, wbits: int = ..., bufsize: int = ...
    ) -> bytes: ...


class _ZLibBackend:
    """Holds the backend that compressors and decompressors are built with."""

    current: ZLibBackendProtocol = zlib


def set_zlib_backend(new_zlib_backend: ZLibBackendProtocol) -> None:
    """Build every compressor and decompressor created from now on with this module.

    Pass a module with zlib's API, for instance ``zlib_ng.zlib_ng`` or
    ``isal.isal_zlib``, for faster (de)compression; pass ``zlib`` to go back
    to the standard library. Existing objects keep the backend they were
    created with.
    """
    _ZLibBackend.current = new_zlib_backend


def zlib_backend() -> ZLibBackendProtocol:
    """The module new compressors and decompressors are built with.

    Other protocols that deflate (WebSocket's permessage-deflate) build
    their own objects from it, so ``set_zlib_backend`` reaches them too.
    """
    return _ZLibBackend.current


def zlib_backend_error(backend: ZLibBackendProtocol) -> type[Exception]:
    """The exception ``backend`` raises for corrupt data (``zlib.error`` if unnamed)."""
    error: type[Exception] = getattr(backend, "error", zlib.error)
    return error


def encoding_to_mode(
    encoding: str | None = None, suppress_deflate_header: bool = False
) -> int:
    """Return zlib's ``wbits`` for a content coding.

    ``gzip`` (and its alias ``x-gzip``) selects the gzip wrapper; anything
    else is deflate: zlib-wrapped (RFC 1950), or raw (RFC 1951) when
    ``suppress_deflate_header`` is true, as WebSocket's permessage-deflate
    wants.
    """
    max_wbits = _ZLibBackend.current.MAX_WBITS
    if encoding is not None and encoding.lower() in ("gzip", "x-gzip"):
        return 16 + max_wbits
    return -max_wbits if suppress_deflate_header else max_wbits


# --- executor offloading ----------------------------------------------------


class _Offload:
    """Runs a codec call inline, or in an executor when its input is large.

    Codec objects are not thread-safe and their output must keep the input's
    order, so calls are serialized by a lock (FIFO, hence ordered) even when
    several coroutines overlap.
    """

    __slots__ = ("_executor", "_lock", "_max_sync_chunk_size")

    def __init__(
        self, executor: Executor | None, max_sync_chunk_size: int | None
    ) -> None:
        self._executor = executor
        self._max_sync_chunk_size = max_sync_chunk_size
        self._lock = asyncio.Lock()

    async def run(self, size: int, call: Callable[[], bytes]) -> bytes:
        async with self._lock:
            limit = self._max_sync_chunk_size
            if limit is not None and size > limit:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._executor, call)
            return call()


# --- compression --------------------------------------------------------------


class CompressorProtocol(Protocol):
    """What every streaming compressor offers (gzip/deflate, Brotli, zstd).

    ``compress()`` may be awaited by overlapping coroutines: their outputs
    come out in call order, and large inputs are compressed in an executor.
    ``compress_sync()`` and ``flush()`` are synchronous; call them only while
    no ``compress()`` is pending. ``flush()`` with no mode (or ``Z_FINISH``)
    ends the stream; ``Z_SYNC_FLUSH`` or ``Z_FULL_FLUSH`` pushes out what is
    buffered and lets the stream go on.
    """

    def compress_sync(self, data: bytes) -> bytes:
        """Compress ``data``; the output may lag behind until ``flush()``."""
        ...

    async def compress(self, data: bytes) -> bytes:
        """Compress ``data``, in the executor when it is large."""
        ...

    def flush(self, mode: int | None = None) -> bytes:
        """Return the pending output; with no ``mode``, end the stream."""
        ...


class ZLibCompressor:
    """A streaming gzip or deflate compressor.

    ``compress()`` may be awaited by overlapping coroutines: their outputs
    come out in call order. ``compress_sync()`` and ``flush()`` are
    synchronous; call them only while no ``compress()`` is pending. A caller
    that needs compress-then-flush as one unit (a WebSocket message) must
    serialize those pairs itself.
    """

    __slots__ = ("_compressobj", "_finish", "_offload")

    def __init__(
        self,
        encoding: str | None = None,
        suppress_deflate_header: bool = False,
        level: int | None = None,
        wbits: int | None = None,
        strategy: int | None = None,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        backend = _ZLibBackend.current
        if wbits is None:
            wbits = encoding_to_mode(encoding, suppress_deflate_header)
        # Only what the caller chose is passed: backends differ in defaults
        # and in the levels they accept (isal has 0-3).
        options = {"wbits": wbits}
        if level is not None:
            options["level"] = level
        if strategy is not None:
            options["strategy"] = strategy
        self._compressobj = backend.compressobj(**options)
        self._finish = backend.Z_FINISH
        self._offload = _Offload(executor, max_sync_chunk_size)

    def compress_sync(self, data: bytes) -> bytes:
        """Compress ``data``; the output may lag behind until ``flush()``."""
        return self._compressobj.compress(data)

    async def compress(self, data: bytes) -> bytes:
        """Compress ``data``, in the executor when it is large."""
        return await self._offload.run(
            len(data), partial(self._compressobj.compress, data)
        )

    def flush(self, mode: int | None = None) -> bytes:
        """Return the pending output; ``mode`` defaults to ``Z_FINISH``."""
        return self._compressobj.flush(self._finish if mode is None else mode)


#: Brotli quality used when none is given: as fast as gzip's default level
#: or faster, for a similar size; the library's own default (11) is meant
#: for static files and takes about 40 times as long.
BROTLI_DEFAULT_QUALITY = 4

_BROTLI_COMPRESS_MISSING = (
    "Brotli compression needs the Brotli package: "
    "pip install Brotli (or pip install brotlicffi on PyPy)"
)
_ZSTD_COMPRESS_MISSING = (
    "Zstandard compression needs the backports.zstd package on Python < 3.14: "
    "pip install backports.zstd"
)


def _ends_stream(mode: int | None) -> bool:
    # zlib's modes name the flushes for every codec: Z_FINISH (or none)
    # ends the stream, any other mode only pushes out what is buffered.
    return mode is None or mode == zlib.Z_FINISH


class BrotliCompressor:
    """A streaming Brotli compressor (needs ``Brotli`` or ``brotlicffi``).

    ``level`` is Brotli's quality, 0 (fastest) to 11 (smallest);
    :data:`BROTLI_DEFAULT_QUALITY` when not given. Same interface and
    ordering guarantees as :class:`ZLibCompressor`. Once the stream is
    ended, ``flush()`` returns ``b""``.
    """

    __slots__ = ("_compressor", "_finished", "_offload")

    def __init__(
        self,
        level: int | None = None,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        if _brotli is None:
            raise RuntimeError(_BROTLI_COMPRESS_MISSING)
        quality = BROTLI_DEFAULT_QUALITY if level is None else level
        self._compressor = _brotli.Compressor(quality=quality)
        self._finished = False
        self._offload = _Offload(executor, max_sync_chunk_size)

    def compress_sync(self, data: bytes) -> bytes:
        """Compress ``data``; the output may lag behind until ``flush()``."""
        out: bytes = self._compressor.process(data)
        return out

    async def compress(self, data: bytes) -> bytes:
        """Compress ``data``, in the executor when it is large."""
        return await self._offload.run(len(data), partial(self.compress_sync, data))

    def flush(self, mode: int | None = None) -> bytes:
        """Return the pending output; ends the stream unless ``mode`` says not."""
        if self._finished:
            return b""
        if _ends_stream(mode):
            self._finished = True
            out: bytes = self._compressor.finish()
        else:
            out = self._compressor.flush()
        return out


class ZSTDCompressor:
    """A streaming Zstandard compressor (``compression.zstd`` or the backport).

    ``level`` is zstd's compression level (the library default, 3, when not
    given). Same interface and ordering guarantees as
    :class:`ZLibCompressor`. Ending the stream closes a zstd frame; data
    compressed afterwards starts a new frame, which decoders accept.
    """

    __slots__ = ("_compressor", "_offload")

    def __init__(
        self,
        level: int | None = None,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        if not HAS_ZSTD:
            raise RuntimeError(_ZSTD_COMPRESS_MISSING)
        # The backport's stub types the constructor through typing.Self,
        # which mypy cannot see for Python 3.10; name the type here.
        self._compressor: _ZstdEncoder = _ZstdEncoder(level=level)
        self._offload = _Offload(executor, max_sync_chunk_size)

    def compress_sync(self, data: bytes) -> bytes:
        """Compress ``data``; the output may lag behind until ``flush()``."""
        return self._compressor.compress(data)

    async def compress(self, data: bytes) -> bytes:
        """Compress ``data``, in the executor when it is large."""
        return await self._offload.run(len(data), partial(self.compress_sync, data))

    def flush(self, mode: int | None = None) -> bytes:
        """Return the pending output; ends the frame unless ``mode`` says not."""
        if _ends_stream(mode):
            return self._compressor.flush(_ZstdEncoder.FLUSH_FRAME)
        return self._compressor.flush(_ZstdEncoder.FLUSH_BLOCK)


def compressor_for(
    encoding: str,
    *,
    level: int | None = None,
    strategy: int | None = None,
    executor: Executor | None = None,
    max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
) -> CompressorProtocol:
    """Return a compressor for a Content-Encoding value.

    Knows ``gzip`` (and ``x-gzip``), ``deflate``, ``br`` and ``zstd``, in
    any case. ``level`` is the codec's own scale; ``strategy`` is zlib's and
    only applies to gzip and deflate. Raises ``ValueError`` for any other
    coding and ``RuntimeError`` naming the package to install when the
    codec for ``br`` or ``zstd`` is missing.
    """
    coding = encoding.lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        return ZLibCompressor(
            encoding=coding,
            level=level,
            strategy=strategy,
            executor=executor,
            max_sync_chunk_size=max_sync_chunk_size,
        )
    if coding == "br":
        return BrotliCompressor(level, executor, max_sync_chunk_size)
    if coding == "zstd":
        return ZSTDCompressor(level, executor, max_sync_chunk_size)
    raise ValueError(
        f"Unknown content coding {encoding!r}: expected gzip, deflate, br or zstd"
    )


# --- decompression ------------------------------------------------------------


class DecompressionBaseHandler(ABC):
    """The streaming contract every decompressor follows.

    ``decompress_sync(data, max_length)`` returns at most ``max_length``
    bytes (0 means no limit) and keeps whatever input it could not consume
    yet. ``data_available`` then says whether calling again with ``b""``
    may yield more; ``flush()`` returns the rest at the end of the body and
    raises if the compressed stream was cut short.
    """

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        self._offload = _Offload(executor, max_sync_chunk_size)

    @abstractmethod
    def decompress_sync(
        self, data: bytes, max_length: int = ZLIB_MAX_LENGTH_UNLIMITED
    ) -> bytes:
        """Feed ``data``; return at most ``max_length`` decompressed bytes."""

    @property
    @abstractmethod
    def data_available(self) -> bool:
        """Whether ``decompress_sync(b"", max_length)`` may return more output.

        It can be true when the input left turns out to produce nothing
        (only a gzip trailer, say); that call then returns ``b""`` and this
        becomes false, so a ``while data_available`` loop always ends.
        """

    @property
    @abstractmethod
    def eof(self) -> bool:
        """Whether the end of the compressed stream has been seen."""

    @abstractmethod
    def flush(self) -> bytes:
        """Return all remaining output at the end of the body.

        Raises ContentEncodingError when input was received but the
        compressed stream did not end. A body with no input at all is empty.
        """

    async def decompress(
        self, data: bytes, max_length: int = ZLIB_MAX_LENGTH_UNLIMITED
    ) -> bytes:
        """Like ``decompress_sync()``, in the executor when ``data`` is large."""
        return await self._offload.run(
            len(data), partial(self.decompress_sync, data, max_length)
        )


class _FrameDecoder(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...


_DecoderT = TypeVar("_DecoderT", bound=_FrameDecoder)


class _MemberDecompressor(DecompressionBaseHandler, Generic[_DecoderT]):
    """Decodes a stream of one or more members (gzip members, zstd frames).

    Subclasses say how to make a decoder and how to feed it; this class
    starts a new decoder for the bytes after each member's end, up to
    ``max_members``, and turns codec errors into ContentEncodingError.
    """

    def __init__(
        self,
        encoding: str,
        max_members: int,
        errors: tuple[type[Exception], ...],
        executor: Executor | None,
        max_sync_chunk_size: int | None,
    ) -> None:
        super().__init__(executor, max_sync_chunk_size)
        self._encoding = encoding
        self._decoder: _DecoderT | None = None
        self._max_members = max_members
        self._errors = errors
        self._members = 1
        # Input not yet given to a decoder: the head of a stream whose
        # decoder is still undecided, or the start of the next member when
        # the last call's output was already full.
        self._pending = b""
        self._received = False

    def _first_decoder(self, head: bytes) -> _DecoderT | None:
        """Return the decoder for a stream starting with ``head``, None if unsure."""
        return self._new_decoder()

    @abstractmethod
    def _new_decoder(self) -> _DecoderT:
        """Return a decoder for the next member."""

    @abstractmethod
    def _feed(self, decoder: _DecoderT, data: bytes, max_length: int) -> bytes:
        """Decode ``data`` (may be empty) into at most ``max_length`` bytes."""

    @abstractmethod
    def _has_output(self, decoder: _DecoderT) -> bool:
        """Whether ``decoder`` may yield output without new input."""

    def _fail(self, cause: Exception) -> NoReturn:
        message = f"Can not decode content-encoding: {self._encoding}"
        raise ContentEncodingError(message) from cause

    def _next_member(self) -> _DecoderT:
        if self._members >= self._max_members:
            if self._max_members == 1:
                self._fail(ValueError("data after the end of the compressed stream"))
            self._fail(ValueError(f"more than {self._max_members} members"))
        self._members += 1
        self._decoder = decoder = self._new_decoder()
        return decoder

    def decompress_sync(
        self, data: bytes, max_length: int = ZLIB_MAX_LENGTH_UNLIMITED
    ) -> bytes:
        """Feed ``data``; return at most ``max_length`` decompressed bytes."""
        try:
            return self._decompress(data, max_length)
        except self._errors as exc:
            self._fail(exc)

    def _decompress(self, data: bytes, max_length: int) -> bytes:
        if data:
            self._received = True
        if self._pending:
            data = self._pending + data if data else self._pending
            self._pending = b""
        decoder = self._decoder
        if decoder is None:
            decoder = self._first_decoder(data)
            if decoder is None:
                self._pending = data
                return b""
            self._decoder = decoder
        if decoder.eof:
            if not data:
                return b""
            # The last call ended exactly at a member's end.
            decoder = self._next_member()
        out = self._feed(decoder, data, max_length)
        while decoder.eof and decoder.unused_data:
            rest = decoder.unused_data
            decoder = self._next_member()
            room = max_length - len(out) if max_length else ZLIB_MAX_LENGTH_UNLIMITED
            if max_length and room <= 0:
                self._pending = rest
                break
            more = self._feed(decoder, rest, room)
            out = out + more if out else more
        return out

    @property
    def data_available(self) -> bool:
        """Whether ``decompress_sync(b"", max_length)`` may return more output."""
        decoder = self._decoder
        if decoder is None:
            return False
        return bool(self._pending) or self._has_output(decoder)

    @property
    def eof(self) -> bool:
        """Whether the end of the compressed stream has been seen."""
        decoder = self._decoder
        return decoder is not None and decoder.eof and not self._pending

    def flush(self) -> bytes:
        """Return all remaining output; raise if the stream was cut short."""
        out = self.decompress_sync(b"", ZLIB_MAX_LENGTH_UNLIMITED)
        if self._received and not self.eof:
            self._fail(EOFError("compressed stream ended early"))
        return out


def _deflate_wbits(head: bytes, max_wbits: int) -> int | None:
    """Tell a zlib-wrapped deflate stream from a raw one by its first bytes.

    RFC 1950: the first byte (CMF) has compression method 8 in its low
    nibble and a window size (CINFO) of at most 7 in its high nibble, and
    ``CMF * 256 + FLG`` is a multiple of 31. Anything else is raw deflate,
    which some servers send as "deflate". None: not enough bytes to tell.
    """
    if not head:
        return None
    cmf = head[0]
    if cmf & 0x0F != 8 or cmf >> 4 > 7:
        return -max_wbits
    if len(head) < 2:
        return None
    return max_wbits if (cmf << 8 | head[1]) % 31 == 0 else -max_wbits


class ZLibDecompressor(_MemberDecompressor[ZLibDecompressObjProtocol]):
    """A streaming gzip or deflate decompressor.

    ``gzip`` (or ``x-gzip``) accepts several concatenated members, as real
    servers send. ``deflate`` accepts both the zlib-wrapped stream that RFC
    9110 means and the raw deflate some servers send instead, told apart by
    the stream's first two bytes. With ``suppress_deflate_header`` (or no
    encoding) the mode is fixed, as for WebSocket's permessage-deflate.
    """

    def __init__(
        self,
        encoding: str | None = None,
        suppress_deflate_header: bool = False,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        backend = self._backend = _ZLibBackend.current
        coding = encoding.lower() if encoding is not None else None
        self._wbits = encoding_to_mode(coding, suppress_deflate_header)
        gzip = coding in ("gzip", "x-gzip")
        self._detect = coding == "deflate" and not suppress_deflate_header
        errors: tuple[type[Exception], ...] = (zlib_backend_error(backend),)
        super().__init__(
            encoding if encoding is not None else "deflate",
            _MAX_MEMBERS if gzip else 1,
            errors,
            executor,
            max_sync_chunk_size,
        )
        # zlib has no way to tell whether it holds output it could not
        # return; a call that filled max_length may have left some.
        self._filled = False

    def _first_decoder(self, head: bytes) -> ZLibDecompressObjProtocol | None:
        if not self._detect:
            return self._new_decoder()
        wbits = _deflate_wbits(head, self._backend.MAX_WBITS)
        if wbits is None:
            return None
        return self._backend.decompressobj(wbits=wbits)

    def _new_decoder(self) -> ZLibDecompressObjProtocol:
        return self._backend.decompressobj(wbits=self._wbits)

    def _feed(
        self, decoder: ZLibDecompressObjProtocol, data: bytes, max_length: int
    ) -> bytes:
        # zlib hands back the input it could not consume; it goes first.
        tail = decoder.unconsumed_tail
        if tail:
            data = tail + data if data else tail
        out = decoder.decompress(data, max_length)
        self._filled = bool(max_length) and len(out) >= max_length
        return out

    def _has_output(self, decoder: ZLibDecompressObjProtocol) -> bool:
        if decoder.eof:
            return False
        return self._filled or bool(decoder.unconsumed_tail)


_BROTLI_MISSING = (
    "Brotli decompression needs the Brotli package: "
    "pip install Brotli (or pip install brotlicffi on PyPy)"
)
_ZSTD_MISSING = (
    "Zstandard decompression needs the backports.zstd package on Python < 3.14: "
    "pip install backports.zstd"
)


class BrotliDecompressor(DecompressionBaseHandler):
    """A streaming Brotli decompressor (needs ``Brotli`` or ``brotlicffi``).

    Brotli 1.2+ and brotlicffi 1.2+ can bound a call's output
    (``output_buffer_limit``), though Brotli only roughly: a call may
    overshoot by one internal block. Older versions cannot bound it at all.
    Either way the output beyond ``max_length`` is kept here and returned
    by the next calls, so each call honours ``max_length`` exactly; with an
    old codec, though, the whole output of one input chunk is in memory at
    once.

    The decoder may also stop early and hold back output that a call with
    empty input then releases, so ``data_available`` stays true after every
    call that produced output until a call produces none.
    """

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        if _brotli is None:
            raise RuntimeError(_BROTLI_MISSING)
        super().__init__(executor, max_sync_chunk_size)
        decoder = _brotli.Decompressor()
        self._error: type[Exception] = _brotli.error
        self._decoder = decoder
        self._process: Callable[..., bytes] = decoder.process
        # Brotli and brotlicffi 1.2 added output limiting with this method.
        self._can_limit = hasattr(decoder, "can_accept_more_data")
        self._input = b""  # input the decoder cannot take yet
        self._output = b""  # decoded output beyond what a call could return
        self._output_pos = 0
        self._more = False  # the decoder may hold output back
        self._received = False

    def decompress_sync(
        self, data: bytes, max_length: int = ZLIB_MAX_LENGTH_UNLIMITED
    ) -> bytes:
        """Feed ``data``; return at most ``max_length`` decompressed bytes."""
        try:
            return self._decompress(data, max_length)
        except self._error as exc:
            raise ContentEncodingError("Can not decode content-encoding: br") from exc

    def _decompress(self, data: bytes, max_length: int) -> bytes:
        if data:
            self._received = True
            self._input = self._input + data if self._input else data
        if self._output_pos < len(self._output):
            if max_length:
                return self._take(max_length)
            return self._take(len(self._output)) + self._decode_all()
        if not max_length:
            return self._decode_all()
        out = self._decode_step(max_length)
        if len(out) > max_length:
            self._output, self._output_pos = out, 0
            return self._take(max_length)
        return out

    def _take(self, size: int) -> bytes:
        """Return up to ``size`` bytes of the output held back."""
        start = self._output_pos
        end = start + size
        chunk = self._output[start:end]
        if end >= len(self._output):
            self._output, self._output_pos = b"", 0
        else:
            self._output_pos = end
        return chunk

    def _decode_step(self, max_length: int) -> bytes:
        # A decoder that stopped at its output limit with input left over
        # must be drained before it takes more: feeding it raises.
        if self._can_limit and not self._decoder.can_accept_more_data():
            data = b""
        else:
            data, self._input = self._input, b""
        if max_length and self._can_limit:
            out = self._process(data, output_buffer_limit=max_length)
        else:
            out = self._process(data)
        self._more = bool(out)
        return out

    def _decode_all(self) -> bytes:
        # Until a call yields nothing and no input waits to go in.
        parts = []
        while True:
            out = self._decode_step(ZLIB_MAX_LENGTH_UNLIMITED)
            parts.append(out)
            if not out and not self._input:
                return b"".join(parts)

    @property
    def data_available(self) -> bool:
        """Whether ``decompress_sync(b"", max_length)`` may return more output."""
        return (
            self._output_pos < len(self._output)
            or bool(self._input)
            or (self._more and not self._decoder.is_finished())
        )

    @property
    def eof(self) -> bool:
        """Whether the end of the compressed stream has been seen."""
        return bool(self._decoder.is_finished())

    def flush(self) -> bytes:
        """Return all remaining output; raise if the stream was cut short."""
        out = self.decompress_sync(b"", ZLIB_MAX_LENGTH_UNLIMITED)
        if self._received and not self._decoder.is_finished():
            raise ContentEncodingError(
                "Can not decode content-encoding: br"
            ) from EOFError("compressed stream ended early")
        return out


class ZSTDDecompressor(_MemberDecompressor["_ZstdDecoder"]):
    """A streaming Zstandard decompressor; accepts several concatenated frames.

    Needs ``compression.zstd`` (Python 3.14+) or ``backports.zstd``.
    """

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        if not HAS_ZSTD:
            raise RuntimeError(_ZSTD_MISSING)
        super().__init__(
            "zstd",
            _MAX_MEMBERS,
            (_ZstdError,),
            executor,
            max_sync_chunk_size,
        )

    def _new_decoder(self) -> _ZstdDecoder:
        # The backport's stub types the constructor through typing.Self,
        # which mypy cannot see for Python 3.10; name the type here.
        decoder: _ZstdDecoder = _ZstdDecoder()
        return decoder

    def _feed(self, decoder: _ZstdDecoder, data: bytes, max_length: int) -> bytes:
        # zstd keeps unconsumed input itself; for it -1, not 0, is "no limit".
        return decoder.decompress(data, max_length or -1)

    def _has_output(self, decoder: _ZstdDecoder) -> bool:
        return not decoder.eof and not decoder.needs_input


def decompressor_for(
    encoding: str, *, executor: Executor | None = None
) -> DecompressionBaseHandler:
    """Return a decompressor for a Content-Encoding value.

    Knows ``gzip``, ``x-gzip``, ``deflate``, ``br`` and ``zstd``, in any
    case. Raises ContentEncodingError for any other coding, and for ``br``
    or ``zstd`` when their codec is not installed.
    """
    coding = encoding.lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        return ZLibDecompressor(coding, executor=executor)
    if coding == "br":
        if not HAS_BROTLI:
            raise ContentEncodingError(
                f"Can not decode content-encoding: br; {_BROTLI_MISSING}"
            )
        return BrotliDecompressor(executor=executor)
    if coding == "zstd":
        if not HAS_ZSTD:
            raise ContentEncodingError(
                f"Can not decode content-encoding: zstd; {_ZSTD_MISSING}"
            )
        return ZSTDDecompressor(executor=executor)
    raise ContentEncodingError(f"Can not decode content-encoding: {encoding}")
