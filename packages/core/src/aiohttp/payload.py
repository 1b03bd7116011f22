"""Message bodies: a value, the headers that describe it, and how to send it.

A ``Payload`` wraps what an application hands over as a body (bytes, text,
JSON, a file, an async iterable, a ``StreamReader``) and writes it to an
``AbstractStreamWriter``. ``size`` says how many bytes it will write, when
that is known up front; ``None`` makes the message go chunked.

``get_payload()`` picks the payload class for a value from
``PAYLOAD_REGISTRY``: the first factory registered for a type the value is an
instance of, looking at ``Order.try_first`` factories before the normal ones
and those before ``Order.try_last``. Applications add their own types with
``register_payload()`` or the ``payload_type()`` class decorator.

Resources: payloads over bytes and text hold nothing that needs closing
(``autoclose`` is true) and can be written any number of times. A file
payload reads its file in ``DEFAULT_CHUNK_SIZE`` pieces in the loop's default
executor, so a slow disk never blocks the event loop, and closes the file
once it has written it. An async iterable can be read only once. Payloads
that can no longer produce their data say so through ``consumed``.
"""

from __future__ import annotations

import asyncio
import codecs
import enum
import io
import json
import mimetypes
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Callable
from functools import partial
from typing import IO, TYPE_CHECKING, Any, ClassVar, Final, TextIO, TypeVar

from multidict import CIMultiDict

from . import hdrs
from .abc import AbstractStreamWriter
from .helpers import (
    DEFAULT_CHUNK_SIZE,
    content_disposition_header,
    guess_filename,
    parse_mimetype,
    sentinel,
)
from .streams import StreamReader
from .typedefs import Byteish, JSONBytesEncoder, JSONEncoder, LooseHeaders

if TYPE_CHECKING:
    # The type of helpers.sentinel, for annotations only.
    from ._sentinel import _SENTINEL

__all__ = (
    "PAYLOAD_REGISTRY",
    "get_payload",
    "payload_type",
    "register_payload",
    "Order",
    "LookupError",
    "PayloadRegistry",
    "Payload",
    "BytesPayload",
    "StringPayload",
    "StringIOPayload",
    "IOBasePayload",
    "BytesIOPayload",
    "BufferedReaderPayload",
    "TextIOPayload",
    "JsonPayload",
    "JsonBytesPayload",
    "AsyncIterablePayload",
    "StreamReaderPayload",
)

_T = TypeVar("_T")
_Factory = TypeVar("_Factory", bound="Callable[..., Payload]")
# What isinstance() accepts as its second argument.
_ClassInfo = type | tuple[Any, ...]

# mimetypes.guess_type() reads its argument as a URL; Python 3.13 added a
# function for file names (and soft-deprecated passing paths to the other).
_guess_file_type: Callable[[str], tuple[str | None, str | None]] = getattr(
    mimetypes, "guess_file_type", mimetypes.guess_type
)


class LookupError(Exception):  # aiohttp's name: it shadows the builtin here
    """No payload factory is registered for the value's type."""


class Order(str, enum.Enum):
    """When a registered payload factory is tried, relative to the others."""

    normal = "normal"
    try_first = "try_first"
    try_last = "try_last"


class PayloadRegistry:
    """Payload factories by the type of value each one wraps."""

    __slots__ = ("_chain", "_first", "_last", "_normal")

    def __init__(self) -> None:
        self._first: list[tuple[Callable[..., Payload], _ClassInfo]] = []
        self._normal: list[tuple[Callable[..., Payload], _ClassInfo]] = []
        self._last: list[tuple[Callable[..., Payload], _ClassInfo]] = []
        # The normal and try_last entries in lookup order, rebuilt on register.
        self._chain: tuple[tuple[Callable[..., Payload], _ClassInfo], ...] = ()

    def get(self, data: object, *args: object, **kwargs: object) -> Payload:
        """Wrap ``data`` with the first factory registered for its type.

        ``args`` and ``kwargs`` go to the factory. A ``Payload`` that no
        try_first factory claims is returned as it is. Raises
        ``aiohttp.payload.LookupError`` when no factory matches.
        """
        for factory, cls in self._first:
            if isinstance(data, cls):
                return factory(data, *args, **kwargs)
        if isinstance(data, Payload):
            return data
        for factory, cls in self._chain:
            if isinstance(data, cls):
                return factory(data, *args, **kwargs)
        raise LookupError(f"No payload is registered for {type(data).__name__!r}")

    def register(
        self,
        factory: Callable[..., Payload],
        type: _ClassInfo,
        *,
        order: Order = Order.normal,
    ) -> None:
        """Use ``factory(value, ...)`` for values that are instances of ``type``.

        Within one ``order``, earlier registrations win. Raises
        ``ValueError`` for an unknown order.
        """
        entry = (factory, type)
        order = Order(order)
        if order is Order.try_first:
            self._first.append(entry)
        elif order is Order.normal:
            self._normal.append(entry)
        else:
            self._last.append(entry)
        self._chain = (*self._normal, *self._last)


PAYLOAD_REGISTRY: Final = PayloadRegistry()


def get_payload(data: object, *args: object, **kwargs: object) -> Payload:
    """Wrap ``data`` in the payload ``PAYLOAD_REGISTRY`` has for its type."""
    return PAYLOAD_REGISTRY.get(data, *args, **kwargs)


def register_payload(
    factory: Callable[..., Payload],
    type: _ClassInfo,
    *,
    order: Order = Order.normal,
) -> None:
    """Register ``factory`` for ``type`` in ``PAYLOAD_REGISTRY``."""
    PAYLOAD_REGISTRY.register(factory, type, order=order)


def payload_type(
    type: _ClassInfo,
    *,
    order: Order = Order.normal,
) -> Callable[[_Factory], _Factory]:
    """Class decorator: register the payload class for values of ``type``."""

    def register(factory: _Factory) -> _Factory:
        PAYLOAD_REGISTRY.register(factory, type, order=order)
        return factory

    return register


class Payload(ABC):
    """A message body: a value, its headers, and how to write it.

    ``content_type`` left out means: guessed from ``filename``, else the
    class's default (``application/octet-stream`` here); ``None`` means no
    Content-Type at all. Fields in ``headers`` replace those the payload
    sets itself. Extra keyword arguments are accepted and ignored, so one
    call can build any payload class.
    """

    _default_content_type: ClassVar[str] = "application/octet-stream"
    # Whether the payload holds nothing that close() must release.
    _autoclose: ClassVar[bool] = False
    _size: int | None = None
    _consumed: bool = False

    def __init__(
        self,
        value: object,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        self._value = value
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict()
        if content_type is sentinel:
            content_type = self._default_content_type
            if filename is not None:
                content_type = _guess_file_type(filename)[0] or content_type
        if content_type is not None:
            self._headers[hdrs.CONTENT_TYPE] = content_type
        if headers:
            self._headers.update(headers)

    @property
    def size(self) -> int | None:
        """How many bytes ``write()`` sends, or ``None`` when unknown."""
        return self._size

    @property
    def filename(self) -> str | None:
        """The file name the payload was given or guessed, if any."""
        return self._filename

    @property
    def headers(self) -> CIMultiDict[str]:
        """The payload's own header fields, Content-Type included."""
        return self._headers

    @property
    def encoding(self) -> str | None:
        """The character encoding of text payloads; ``None`` for binary ones."""
        return self._encoding

    @property
    def content_type(self) -> str | None:
        """The Content-Type field, or ``None`` when the payload has none."""
        return self._headers.get(hdrs.CONTENT_TYPE)

    @property
    def consumed(self) -> bool:
        """Whether the payload can no longer produce its data."""
        return self._consumed

    @property
    def autoclose(self) -> bool:
        """Whether the payload holds nothing that ``close()`` must release."""
        return self._autoclose

    def set_content_disposition(
        self,
        disptype: str,
        quote_fields: bool = True,
        _charset: str = "utf-8",
        **params: str,
    ) -> None:
        """Set the Content-Disposition field (RFC 6266) from its parts."""
        self._headers[hdrs.CONTENT_DISPOSITION] = content_disposition_header(
            disptype, quote_fields=quote_fields, _charset=_charset, **params
        )

    @abstractmethod
    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return the value as text."""

    @abstractmethod
    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the whole body to ``writer``."""

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` bytes of the body (all if ``None``).

        This version cuts what ``write()`` sends; subclasses that can stop
        reading early do so instead.
        """
        if content_length is None:
            await self.write(writer)
        else:
            await self.write(_LimitedWriter(writer, content_length))

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Return the bytes ``write()`` sends.

        Text payloads encode with their own ``encoding``; ``encoding`` and
        ``errors`` are kept for aiohttp's signature.
        """
        collector = _CollectingWriter()
        await self.write(collector)
        return collector.getvalue()

    async def close(self) -> None:  # noqa: B027 - most payloads hold nothing
        """Release what the payload holds (a file, an iterator)."""


class BytesPayload(Payload):
    """A body of bytes, a bytearray or a memoryview, sent as it is (no copy)."""

    _value: Byteish
    _autoclose = True

    def __init__(
        self,
        value: Byteish,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(
                "value must be bytes, bytearray or memoryview, "
                f"not {type(value).__name__}"
            )
        if isinstance(value, memoryview) and (value.ndim != 1 or value.itemsize != 1):
            # Count and cut bytes, not the items of a wide or N-d view.
            value = value.cast("B")
        super().__init__(value, headers, content_type, filename, encoding, **kwargs)
        self._size = len(value)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return the bytes decoded with ``encoding``."""
        return str(self._value, encoding, errors)

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the bytes to ``writer``."""
        if self._value:
            await writer.write(self._value)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` of the bytes (all if ``None``)."""
        value: Byteish = self._value
        if content_length is not None and content_length < len(value):
            value = memoryview(value)[: max(content_length, 0)]
        if value:
            await writer.write(value)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Return the value as bytes (itself, when it is bytes)."""
        value = self._value
        return value if isinstance(value, bytes) else bytes(value)


def _text_encoding(
    content_type: str | _SENTINEL | None, encoding: str | None
) -> tuple[str, str | None]:
    """The encoding of a text body, and its Content-Type with the default.

    A charset in ``content_type`` wins over ``encoding``, so the body is
    what its Content-Type says it is.
    """
    charset = None
    if isinstance(content_type, str):
        charset = parse_mimetype(content_type).parameters.get("charset")
    real_encoding = charset or encoding or "utf-8"
    if content_type is sentinel:
        return real_encoding, f"text/plain; charset={real_encoding}"
    return real_encoding, content_type


class StringPayload(BytesPayload):
    """A str body, encoded once when the payload is made.

    The encoding is the charset of ``content_type``, else ``encoding``,
    else UTF-8; the default Content-Type is ``text/plain`` with that charset.
    """

    def __init__(
        self,
        value: str,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        if not isinstance(value, str):
            raise TypeError(f"value must be a str, not {type(value).__name__}")
        real_encoding, real_content_type = _text_encoding(content_type, encoding)
        super().__init__(
            value.encode(real_encoding),
            headers,
            real_content_type,
            filename,
            real_encoding,
            **kwargs,
        )


class StringIOPayload(StringPayload):
    """The text of an ``io.StringIO`` from its current position."""

    def __init__(
        self,
        value: io.StringIO,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(
            value.read(), headers, content_type, filename, encoding, **kwargs
        )


class JsonPayload(BytesPayload):
    """A value serialized as JSON text by ``dumps`` and encoded."""

    def __init__(
        self,
        value: object,
        encoding: str = "utf-8",
        content_type: str | None = "application/json",
        dumps: JSONEncoder = json.dumps,
        headers: LooseHeaders | None = None,
        filename: str | None = None,
        **kwargs: object,
    ) -> None:
        text = dumps(value)
        if not isinstance(text, str):
            raise TypeError(
                f"dumps returned {type(text).__name__}, not str;"
                " use JsonBytesPayload for an encoder that returns bytes"
            )
        super().__init__(
            text.encode(encoding), headers, content_type, filename, encoding, **kwargs
        )


class JsonBytesPayload(BytesPayload):
    """A value serialized as JSON by a ``dumps`` that returns bytes (orjson)."""

    def __init__(
        self,
        value: object,
        dumps: JSONBytesEncoder,
        content_type: str | None = "application/json",
        headers: LooseHeaders | None = None,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(
            dumps(value), headers, content_type, filename, encoding, **kwargs
        )


class IOBasePayload(Payload):
    """A binary file object, streamed in ``DEFAULT_CHUNK_SIZE`` pieces.

    The file is read from its position when the payload is made, in the
    loop's default executor, and closed once the payload has written it.
    ``size`` is what remains of a seekable regular file or in-memory
    stream, else ``None``. With a file name (given, or guessed from the
    file's ``name``) the Content-Type is guessed from it, and unless
    ``disposition`` is ``None`` a Content-Disposition field carries it.
    """

    _value: IO[Any]
    # Whether reads may block, and so go to the executor.
    _blocking: ClassVar[bool] = True

    def __init__(
        self,
        value: IO[Any],
        disposition: str | None = "attachment",
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | _SENTINEL | None = sentinel,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        if filename is sentinel:
            filename = guess_filename(value)
        super().__init__(value, headers, content_type, filename, encoding, **kwargs)
        if (
            self._filename is not None
            and disposition is not None
            and hdrs.CONTENT_DISPOSITION not in self._headers
        ):
            self.set_content_disposition(disposition, filename=self._filename)
        self._start, self._size = _position_and_size(value)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Read the data (blocking) and return it decoded with ``encoding``."""
        data: bytes = self._read_all()
        return data.decode(encoding, errors)

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Stream the file to ``writer``, then close it."""
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Stream at most ``content_length`` bytes of the file, then close it.

        Never more than ``size`` bytes, when that is known: the message was
        framed for that many even if the file has grown since.
        """
        remaining = self._size
        if content_length is not None:
            remaining = max(content_length, 0)
            if self._size is not None:
                remaining = min(remaining, self._size)
        try:
            rewind = True
            while remaining is None or remaining > 0:
                size = DEFAULT_CHUNK_SIZE
                if remaining is not None:
                    size = min(size, remaining)
                chunk = await self._call(partial(self._read_chunk, size, rewind))
                rewind = False
                if not chunk:
                    break
                if remaining is not None:
                    if len(chunk) > remaining:
                        # Text payloads read characters, which encode to more.
                        chunk = chunk[:remaining]
                    remaining -= len(chunk)
                await writer.write(chunk)
        finally:
            await self.close()

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Read the data (in the executor) and return it; the file stays open."""
        return await self._call(self._read_all)

    async def close(self) -> None:
        """Close the file (in the executor: a read may still hold its lock)."""
        self._consumed = True
        if not self._value.closed:
            await self._call(self._value.close)

    async def _call(self, function: Callable[[], _T]) -> _T:
        if self._blocking:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, function)
        return function()

    def _rewind(self) -> None:
        """Go back to where the data starts, if the stream can seek."""
        if self._start is None:
            # Reading a stream that cannot seek uses it up.
            self._consumed = True
        else:
            self._value.seek(self._start)

    def _read_chunk(self, size: int, rewind: bool) -> bytes:
        if rewind:
            self._rewind()
        data: bytes = self._value.read(size)
        return data

    def _read_all(self) -> bytes:
        self._rewind()
        data: bytes = self._value.read(-1 if self._size is None else self._size)
        return data


def _position_and_size(value: IO[Any]) -> tuple[int | None, int | None]:
    """Where a stream's data starts and how many bytes remain, when known."""
    try:
        if not value.seekable():
            return None, None
        start = value.tell()
    except (OSError, ValueError):  # closed, or telling is disabled
        return None, None
    try:
        fd = value.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation: in memory
        end = value.seek(0, os.SEEK_END)
        value.seek(start)
    else:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            # A device's st_size is not what reading it yields.
            return start, None
        end = status.st_size
    return start, max(end - start, 0)


class BytesIOPayload(IOBasePayload):
    """An ``io.BytesIO``, read in place: memory never blocks the loop."""

    _value: io.BytesIO
    _blocking = False


class BufferedReaderPayload(IOBasePayload):
    """A binary file opened for reading, as ``open(path, "rb")`` returns."""

    _value: io.BufferedReader | io.BufferedRandom


class TextIOPayload(IOBasePayload):
    """A text file, encoded as it streams.

    The encoding is the charset of ``content_type``, else ``encoding``,
    else UTF-8; the default Content-Type is ``text/plain`` with that
    charset. ``size`` is ``None``: how many bytes the text encodes to is
    known only once it has been read.
    """

    _value: TextIO

    def __init__(
        self,
        value: TextIO,
        disposition: str | None = "attachment",
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | _SENTINEL | None = sentinel,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        real_encoding, real_content_type = _text_encoding(content_type, encoding)
        super().__init__(
            value,
            disposition,
            headers,
            real_content_type,
            filename,
            real_encoding,
            **kwargs,
        )
        self._size = None
        self._encoder = codecs.getincrementalencoder(real_encoding)()

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Read the text (blocking) and return it."""
        self._rewind()
        return self._value.read()

    def _read_chunk(self, size: int, rewind: bool) -> bytes:
        if rewind:
            self._rewind()
            # A fresh encoder: stateful ones (UTF-16) start with a BOM.
            self._encoder.reset()
        text = self._value.read(size)
        return self._encoder.encode(text, final=not text)

    def _read_all(self) -> bytes:
        assert self._encoding is not None
        return self.decode().encode(self._encoding)


class AsyncIterablePayload(Payload):
    """The bytes an async iterable yields, sent as they come (chunked).

    The iterable is read once: the first ``write()`` consumes it. After
    ``as_bytes()`` the payload keeps what it read and can be written again.
    """

    _iter: AsyncIterator[Byteish] | None

    def __init__(
        self,
        value: AsyncIterable[Byteish],
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(
                f"value must be an async iterable, not {type(value).__name__}"
            )
        super().__init__(value, headers, content_type, filename, encoding, **kwargs)
        self._iter = value.__aiter__()
        self._cache: bytes | None = None

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return what ``as_bytes()`` read, decoded; raises ``TypeError`` before."""
        if self._cache is None:
            raise TypeError("Unable to decode an async iterable: await as_bytes()")
        return self._cache.decode(encoding, errors)

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write every chunk the iterable yields to ``writer``."""
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write chunks until ``content_length`` bytes (all if ``None``)."""
        if self._cache is not None:
            await BytesPayload(self._cache).write_with_length(writer, content_length)
            return
        self._consumed = True
        await self._drain_into(writer, content_length)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Read the rest of the iterable and return it (kept for later writes)."""
        if self._cache is None:
            collector = _CollectingWriter()
            # Consumed unless every chunk makes it into the cache.
            self._consumed = True
            await self._drain_into(collector, None)
            self._cache = collector.getvalue()
            self._consumed = False
        return self._cache

    async def close(self) -> None:
        """Close the iterator (an async generator runs its ``finally``)."""
        self._consumed = True
        self._cache = None
        await self._close_iterator()

    async def _drain_into(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        iterator = self._iter
        if iterator is None:
            return
        remaining = content_length
        try:
            if remaining is not None and remaining <= 0:
                return
            async for chunk in iterator:
                if remaining is not None:
                    view = memoryview(chunk).cast("B")
                    if view.nbytes >= remaining:
                        await writer.write(view[:remaining])
                        return
                    remaining -= view.nbytes
                await writer.write(chunk)
        finally:
            await self._close_iterator()

    async def _close_iterator(self) -> None:
        iterator, self._iter = self._iter, None
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()


class StreamReaderPayload(AsyncIterablePayload):
    """A ``StreamReader`` (another message's body), sent as its data arrives."""

    def __init__(
        self,
        value: StreamReader,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(
            value.iter_any(), headers, content_type, filename, encoding, **kwargs
        )


class _LimitedWriter(AbstractStreamWriter):
    """Pass body bytes on to another writer, up to a limit."""

    def __init__(self, writer: AbstractStreamWriter, limit: int) -> None:
        self._writer = writer
        self._remaining = limit

    @property
    def transport(self) -> asyncio.Transport | None:
        """The inner writer's transport."""
        return self._writer.transport

    async def write(self, chunk: Byteish) -> None:
        """Pass on what still fits under the limit."""
        if self._remaining <= 0:
            return
        view = memoryview(chunk).cast("B")
        if view.nbytes > self._remaining:
            view = view[: self._remaining]
        self._remaining -= view.nbytes
        await self._writer.write(view)

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Pass on the last bytes; ending the message is the caller's job."""
        await self.write(chunk)

    async def drain(self) -> None:
        """Drain the inner writer."""
        await self._writer.drain()

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        """Compress in the inner writer."""
        self._writer.enable_compression(encoding, strategy)

    def enable_chunking(self) -> None:
        """Chunk in the inner writer."""
        self._writer.enable_chunking()

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        """Write the head through the inner writer."""
        await self._writer.write_headers(status_line, headers)


class _CollectingWriter(AbstractStreamWriter):
    """Collect the body bytes a payload writes (for ``as_bytes()``)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def getvalue(self) -> bytes:
        """Return everything written so far."""
        return b"".join(self._chunks)

    async def write(self, chunk: Byteish) -> None:
        """Keep a copy of ``chunk`` (a bytearray may change afterwards)."""
        self._chunks.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Keep the last bytes."""
        self._chunks.append(chunk)

    async def drain(self) -> None:
        """Nothing waits on memory."""

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        """Collect the bytes as the payload gives them."""

    def enable_chunking(self) -> None:
        """Collect the bytes unframed."""

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        """A body has no head to collect."""


PAYLOAD_REGISTRY.register(BytesPayload, (bytes, bytearray, memoryview))
PAYLOAD_REGISTRY.register(StringPayload, str)
PAYLOAD_REGISTRY.register(StringIOPayload, io.StringIO)
PAYLOAD_REGISTRY.register(TextIOPayload, io.TextIOBase)
PAYLOAD_REGISTRY.register(BytesIOPayload, io.BytesIO)
PAYLOAD_REGISTRY.register(BufferedReaderPayload, (io.BufferedReader, io.BufferedRandom))
PAYLOAD_REGISTRY.register(IOBasePayload, io.IOBase, order=Order.try_last)
PAYLOAD_REGISTRY.register(StreamReaderPayload, StreamReader)
# Any async iterable, but after StreamReader (which iterates by lines).
PAYLOAD_REGISTRY.register(AsyncIterablePayload, AsyncIterable, order=Order.try_last)
