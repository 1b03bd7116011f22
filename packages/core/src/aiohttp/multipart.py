"""Reading and writing multipart bodies (RFC 2046 section 5.1, RFC 7578).

Reading
    ``MultipartReader`` walks a body part by part; each part is a
    ``BodyPartReader`` (or a nested ``MultipartReader`` for a ``multipart/*``
    part) that streams its own data. All readers of one body share a
    ``_Source``: the body's ``StreamReader`` plus the bytes already taken from
    it that nobody has used yet. A part reader that reads past its end
    leaves those bytes there for the next reader, so nothing is ever pushed
    back into the stream.

Delimiters
    RFC 2046 makes the CRLF before ``--boundary`` part of the delimiter, not
    of the data: a part ends where ``CRLF--boundary`` starts. A part reader
    consumes its data and that delimiter; its multipart reader then reads
    the rest of the delimiter line (``--`` for the last part, else optional
    blanks and CRLF). The CRLF that ends a part's header section may also be
    the start of the delimiter (an empty part without a blank line).

Cost
    A part reader remembers how far it has searched for the delimiter, so a
    body that arrives one byte at a time costs O(n), not O(n**2). It holds
    at most one read (64 KiB) plus a delimiter's length beyond what it has
    handed out.

Limits
    ``client_max_size`` bounds the bytes taken from the stream for the whole
    body (preamble and epilogue included): passing it raises
    ``max_size_error_cls``. Part header sections are bounded by
    ``max_field_size`` per line and ``max_headers`` lines (``LineTooLong``,
    ``BadHttpMessage``), the number of parts by ``max_parts`` (across nested
    readers too). A body that ends early raises ``ValueError``; nothing waits
    for data that cannot come.

Writing
    ``MultipartWriter`` is a ``Payload`` of payloads. A part whose headers
    ask for a Content-Encoding (gzip, deflate) or Content-Transfer-Encoding
    (base64, quoted-printable) is encoded while it is written, through a
    ``MultipartPayloadWriter``.
"""

from __future__ import annotations

from ._multipart_body import DEFAULT_MAX_PARTS as DEFAULT_MAX_PARTS
from ._multipart_disposition import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    content_disposition_filename,
    parse_content_disposition,
)
from ._multipart_reader import BodyPartReader, MultipartReader
from ._multipart_reader import BodyPartReaderPayload as BodyPartReaderPayload
from ._multipart_reader import MultipartResponseWrapper as MultipartResponseWrapper
from ._multipart_writer import MultipartPayloadWriter as MultipartPayloadWriter
from ._multipart_writer import MultipartWriter

# aiohttp's __all__; the "X as X" imports above are public too.
__all__ = (
    "MultipartReader",
    "MultipartWriter",
    "BodyPartReader",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "parse_content_disposition",
    "content_disposition_filename",
)
