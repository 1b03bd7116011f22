"""Turning a request's ``data`` into a payload that can be sent again.

A request body may have to go out more than once: after a 307 or 308
redirect, on a retry over a fresh connection, or when a middleware sends
the request a second time. What makes that possible depends on the body:

* bytes, text, JSON and urlencoded forms (``BytesPayload`` and its kind)
  are held in memory and can be written any number of times;
* a seekable file (a regular file, ``BytesIO``) remembers where its data
  starts: each write seeks back there. aiotide-core's file payloads close
  their file once written; the ones made here keep a seekable file open
  after writing, so it can be sent again, and close it when the request's
  owner calls ``close()`` on the payload (once the redirect chain is over),
  or at the latest when the payload is garbage collected;
* an async iterable (an async generator, a ``StreamReader``) or a file that
  cannot seek yields its data once: the payload is ``consumed`` after its
  first write, and sending it again sends nothing. Multipart forms hold
  parts of all these kinds, with the same limits per part.
"""

from __future__ import annotations

import contextlib
from typing import Any

from .abc import AbstractStreamWriter
from .formdata import FormData
from .payload import (
    PAYLOAD_REGISTRY,
    BufferedReaderPayload,
    BytesIOPayload,
    IOBasePayload,
    LookupError,
    Payload,
    TextIOPayload,
)

__all__ = ("payload_from_data",)


class _RewindableFileMixin(IOBasePayload):
    """Keep a seekable file open after a write, so it can be written again.

    Core's file payloads close their file at the end of every write; a file
    that can seek back (``_start`` known) stays open here until ``close()``
    is called from outside a write.
    """

    _writing: bool = False

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write the file's data from its start; keep a seekable file open."""
        self._writing = True
        try:
            await super().write_with_length(writer, content_length)
        finally:
            self._writing = False

    async def close(self) -> None:
        """Close the file, unless a write is ending and it can be sent again."""
        if self._writing and self._start is not None:
            return
        await super().close()

    def __del__(self) -> None:
        # Nobody can send the body any more: close the file it kept open
        # (the request's owner may never have called close()).
        value = getattr(self, "_value", None)
        if value is not None and not value.closed:
            with contextlib.suppress(Exception):  # best effort at collection
                value.close()


class _RewindableIOBasePayload(_RewindableFileMixin):
    """An ``IOBasePayload`` that survives being written."""


class _RewindableBufferedReaderPayload(_RewindableFileMixin, BufferedReaderPayload):
    """A ``BufferedReaderPayload`` that survives being written."""


class _RewindableBytesIOPayload(_RewindableFileMixin, BytesIOPayload):
    """A ``BytesIOPayload`` that survives being written."""


class _RewindableTextIOPayload(_RewindableFileMixin, TextIOPayload):
    """A ``TextIOPayload`` that survives being written."""


_REWINDABLE: dict[type[Payload], type[Payload]] = {
    IOBasePayload: _RewindableIOBasePayload,
    BufferedReaderPayload: _RewindableBufferedReaderPayload,
    BytesIOPayload: _RewindableBytesIOPayload,
    TextIOPayload: _RewindableTextIOPayload,
}


def payload_from_data(data: Any) -> Payload:  # noqa: ANN401 - any body a caller gives
    """Wrap a request's ``data`` in a payload.

    A ``FormData`` gives its payload; anything ``PAYLOAD_REGISTRY`` knows
    (bytes, text, files, async iterables, any ``Payload``) gets its
    registered payload, without Content-Disposition; anything else (a dict,
    a ``MultiDict``, a list of pairs) is sent as a form. A payload passed in
    is used as it is.
    """
    if isinstance(data, FormData):
        return data()
    try:
        payload = PAYLOAD_REGISTRY.get(data, disposition=None)
    except LookupError:
        return FormData(data)()
    rewindable = _REWINDABLE.get(type(payload))
    if rewindable is not None and payload is not data:
        # Core chose a file payload for a file: use its rewindable twin.
        payload = rewindable(data, disposition=None)
    return payload
