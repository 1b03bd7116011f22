"""HTML form bodies: ``application/x-www-form-urlencoded`` or ``multipart/form-data``.

A ``FormData`` collects fields and, when called, turns them into a payload:
a urlencoded ``BytesPayload`` while every field is plain text, a
``multipart/form-data`` ``MultipartWriter`` (RFC 7578) as soon as one is a
file or asks for a file name or a content type.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlencode

from multidict import MultiDict

from .hdrs import CONTENT_LENGTH, CONTENT_TYPE
from .helpers import guess_filename
from .multipart import MultipartWriter
from .payload import BytesPayload, Payload, get_payload

__all__ = ("FormData",)

# A line break or NUL in a name, file name or content type would end (or
# split) the part's header line: refuse it where it is given.
_FORBIDDEN_RE: Final = re.compile(r"[\x00\r\n]")
_BYTES_FIELD_DEPRECATED: Final = (
    "In v4, passing bytes will no longer create a file field. Please explicitly "
    "use the filename parameter or pass a BytesIO object."
)
_TRANSFER_ENCODING_DEPRECATED: Final = (
    "content_transfer_encoding is deprecated. To maintain compatibility with v4 "
    "please pass a BytesPayload."
)


def _check_header_text(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be an instance of str. Got: {value!r}")
    if _FORBIDDEN_RE.search(value):
        raise ValueError(
            "Forbidden control character detected in headers. "
            "Potential header injection attack."
        )
    return value


class FormData:
    """Fields for an HTML form body, sent urlencoded or as multipart/form-data.

    ``fields`` may be a dict, a ``MultiDict``, ``(name, value)`` pairs or
    file objects (see ``add_fields()``). ``quote_fields`` chooses how
    multipart names are written (see ``content_disposition_header()``);
    ``charset`` encodes text fields (UTF-8 by default).
    ``default_to_multipart`` sends multipart even without files.
    """

    def __init__(
        self,
        fields: Iterable[Any] = (),
        quote_fields: bool = True,
        charset: str | None = None,
        *,
        default_to_multipart: bool = False,
    ) -> None:
        self._writer = MultipartWriter("form-data")
        self._fields: list[tuple[MultiDict[str], dict[str, str], object]] = []
        self._is_multipart = default_to_multipart
        self._quote_fields = quote_fields
        self._charset = charset
        self._parts_made = 0  # how many fields the writer has parts for
        if isinstance(fields, dict):
            fields = list(fields.items())
        elif not isinstance(fields, (list, tuple)):
            fields = (fields,)
        self.add_fields(*fields)

    @property
    def is_multipart(self) -> bool:
        """Whether the form goes as ``multipart/form-data``."""
        return self._is_multipart

    def add_field(
        self,
        name: str,
        value: object,
        *,
        content_type: str | None = None,
        filename: str | None = None,
        content_transfer_encoding: str | None = None,
    ) -> None:
        """Add a field.

        A file object, a ``filename`` or a ``content_type`` makes the form
        multipart. Bytes without a file name are sent as a file named after
        the field (deprecated: pass ``filename`` or a ``BytesIO``).
        ``content_transfer_encoding`` is deprecated: multipart/form-data
        parts have none (RFC 7578 section 4.7), so it only makes the form
        multipart.
        """
        _check_header_text("name", name)
        if isinstance(value, io.IOBase):
            self._is_multipart = True
        elif (
            isinstance(value, (bytes, bytearray, memoryview))
            and filename is None
            and content_transfer_encoding is None
        ):
            warnings.warn(_BYTES_FIELD_DEPRECATED, DeprecationWarning, stacklevel=2)
            filename = name

        type_options: MultiDict[str] = MultiDict({"name": name})
        if filename is None and isinstance(value, io.IOBase):
            filename = guess_filename(value, name)
        if filename is not None:
            type_options["filename"] = _check_header_text("filename", filename)
            self._is_multipart = True

        headers: dict[str, str] = {}
        if content_type is not None:
            headers[CONTENT_TYPE] = _check_header_text("content_type", content_type)
            self._is_multipart = True
        if content_transfer_encoding is not None:
            _check_header_text("content_transfer_encoding", content_transfer_encoding)
            warnings.warn(
                _TRANSFER_ENCODING_DEPRECATED, DeprecationWarning, stacklevel=2
            )
            self._is_multipart = True
        self._fields.append((type_options, headers, value))

    def add_fields(self, *fields: Any) -> None:  # noqa: ANN401
        """Add several fields.

        Each may be a file object (named after its file, else ``unknown``),
        a mapping or ``MultiDict`` of fields, or a ``(name, value)`` pair.
        """
        pending = list(fields)
        while pending:
            field = pending.pop(0)
            if isinstance(field, io.IOBase):
                self.add_field(guess_filename(field, "unknown") or "unknown", field)
            elif isinstance(field, Mapping):
                # Its fields come next, in their order.
                pending[0:0] = field.items()
            elif isinstance(field, (list, tuple)) and len(field) == 2:
                name, value = field
                self.add_field(name, value)
            else:
                raise TypeError(
                    "Only io.IOBase, multidict and (name, file) pairs allowed, "
                    "use .add_field() for passing more complex parameters, "
                    f"got {field!r}"
                )

    def __call__(self) -> Payload:
        """Return the form as a payload.

        Urlencoded forms give a new payload each call; a multipart form
        gives the same ``MultipartWriter`` each time, with parts for the
        fields added since the last call, so a request can be sent again,
        as after a redirect.
        """
        if self._is_multipart:
            return self._gen_form_data()
        return self._gen_form_urlencoded()

    def _gen_form_urlencoded(self) -> Payload:
        charset = self._charset or "utf-8"
        pairs = [(options["name"], value) for options, _, value in self._fields]
        content_type = "application/x-www-form-urlencoded"
        if charset != "utf-8":
            content_type += f"; charset={charset}"
        data = urlencode(pairs, doseq=True, encoding=charset)
        return BytesPayload(data.encode(), content_type=content_type)

    def _gen_form_data(self) -> MultipartWriter:
        for options, headers, value in self._fields[self._parts_made :]:
            # Without a content type the payload picks its own default.
            extra = {}
            if CONTENT_TYPE in headers:
                extra["content_type"] = headers[CONTENT_TYPE]
            try:
                part = get_payload(
                    value, headers=headers, encoding=self._charset, **extra
                )
            except Exception as exc:
                raise TypeError(
                    f"Can not serialize value type: {type(value)!r}\n "
                    f"headers: {headers!r}\n value: {value!r}"
                ) from exc
            part.set_content_disposition(
                "form-data", quote_fields=self._quote_fields, **options
            )
            # RFC 7578 section 4.8: no Content-Length in form-data parts.
            part.headers.popall(CONTENT_LENGTH, None)
            self._writer.append_payload(part)
            self._parts_made += 1
        return self._writer
