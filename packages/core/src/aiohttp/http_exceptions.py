"""Errors of HTTP message processing, each carrying the status to answer with.

::

    HttpProcessingError(code, message, headers)
    └── BadHttpMessage                      400 unless the instance says otherwise
        ├── HttpBadRequest                  400
        ├── LineTooLong                     400, 414 (request line), 431 (header field)
        ├── InvalidHeader                   400, 431 (too many fields)
        ├── BadStatusLine                   400, 505 (unsupported HTTP version)
        │   └── BadHttpMethod               400
        ├── InvalidURLError                 400
        └── PayloadEncodingError            400
            ├── ContentLengthError          400
            ├── TransferEncodingError       400, 501 (unsupported coding)
            ├── ContentEncodingError        400
            └── DecompressSizeError         413

The parsers raise these; the server's request handler alone turns one into
a response (``code``) followed by closing the connection, and the client
into a ``ClientPayloadError`` or ``ClientResponseError``.
"""

from __future__ import annotations

from multidict import CIMultiDict

__all__ = (
    "BadHttpMessage",
    "BadHttpMethod",
    "BadStatusLine",
    "ContentEncodingError",
    "ContentLengthError",
    "DecompressSizeError",
    "HttpBadRequest",
    "HttpProcessingError",
    "InvalidHeader",
    "InvalidURLError",
    "LineTooLong",
    "PayloadEncodingError",
    "TransferEncodingError",
)


class HttpProcessingError(Exception):
    """An HTTP error with the status ``code`` and ``headers`` to answer with."""

    code = 0
    message = ""
    headers: CIMultiDict[str] | None = None

    def __init__(
        self,
        *,
        code: int | None = None,
        message: str = "",
        headers: CIMultiDict[str] | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.headers = headers
        self.message = message
        super().__init__(code, message)

    def __str__(self) -> str:
        return f"{self.code}, message={self.message!r}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self}>"


class BadHttpMessage(HttpProcessingError):
    """A message that breaks the HTTP syntax or framing rules."""

    code = 400
    message = "Bad Request"

    def __init__(
        self,
        message: str,
        *,
        headers: CIMultiDict[str] | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(code=code, message=message, headers=headers)
        self.args = (message,)


class HttpBadRequest(BadHttpMessage):
    """A request the server refuses to process."""


class PayloadEncodingError(BadHttpMessage):
    """The message body is not framed or encoded as its headers say."""


class ContentEncodingError(PayloadEncodingError):
    """A body that its Content-Encoding cannot decode (corrupt or unknown)."""


class TransferEncodingError(PayloadEncodingError):
    """A chunked body that breaks the chunked coding, or an unsupported coding."""


class ContentLengthError(PayloadEncodingError):
    """A body shorter than its Content-Length, or an invalid Content-Length."""


class DecompressSizeError(PayloadEncodingError):
    """A body whose decompressed size passes the configured limit."""

    code = 413


class LineTooLong(BadHttpMessage):
    """A start line or header field longer than its limit."""

    def __init__(
        self,
        line: str | bytes,
        limit: str | int = "Unknown",
        actual_size: str | int = "Unknown",
        *,
        code: int | None = None,
    ) -> None:
        shown = line.decode("latin-1") if isinstance(line, bytes) else line
        super().__init__(
            f"Got more than {limit} bytes ({actual_size}) when reading {shown}.",
            code=code,
        )
        self.args = (line, limit, actual_size)


class InvalidHeader(BadHttpMessage):
    """A header field that breaks the syntax or the rules of its field."""

    def __init__(self, hdr: bytes | str, *, code: int | None = None) -> None:
        shown = (
            hdr.decode("utf-8", "surrogateescape") if isinstance(hdr, bytes) else hdr
        )
        super().__init__(f"Invalid HTTP header: {shown!r}", code=code)
        self.hdr = shown
        self.args = (hdr,)


class BadStatusLine(BadHttpMessage):
    """A request line or status line that cannot be parsed."""

    def __init__(
        self, line: str = "", error: str | None = None, *, code: int | None = None
    ) -> None:
        super().__init__(error or f"Bad status line {line!r}", code=code)
        self.args = (line,)
        self.line = line


class BadHttpMethod(BadStatusLine):
    """A request method that is not an HTTP token."""

    def __init__(self, line: str = "", error: str | None = None) -> None:
        super().__init__(line, error or f"Bad HTTP method in status line {line!r}")


class InvalidURLError(BadHttpMessage):
    """A request-target that is not a valid URI reference for its method."""
