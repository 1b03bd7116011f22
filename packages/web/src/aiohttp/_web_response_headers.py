"""The header properties a response can set: length, type, dates, entity tag.

``ResponseHeadersMixin`` adds setters to the read-only properties of
``HeadersMixin`` (which requests share), working on ``self._headers``.
Every setter refuses control characters at once (``ValueError``), so a
value that could split the response never reaches the writer, which would
refuse it too, only later.
"""

from __future__ import annotations

import datetime
import math
import re
from types import MappingProxyType
from typing import Final

from multidict import CIMultiDict

from . import hdrs
from ._etag import ETAG_ANY, QUOTED_ETAG_RE, ETag, validate_etag_value
from ._headers_mixin import HeadersMixin
from ._http_chars import is_token
from ._http_dates import format_http_date, parse_http_date

__all__ = ("ResponseHeadersMixin", "check_field_value")

# Control characters but HTAB: what no status line or field value may hold.
_CTL_RE: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def check_field_value(what: str, value: str) -> None:
    """Raise ``ValueError`` if ``value`` holds a control character but HTAB."""
    if _CTL_RE.search(value):
        raise ValueError(f"Control character (CR, LF, NUL, ...) in {what}: {value!r}")


def _param_value(value: str) -> str:
    """Quote a media type parameter value unless it is a token."""
    if is_token(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class ResponseHeadersMixin(HeadersMixin):
    """Header properties with setters, over ``self._headers``.

    ``content_length``, ``content_type``, ``charset``, ``last_modified``
    and ``etag``.
    """

    _headers: CIMultiDict[str]
    _chunked: bool

    @property
    def content_length(self) -> int | None:
        """Content-Length, or ``None``; assigning ``None`` removes it."""
        return super().content_length

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self._headers.popall(hdrs.CONTENT_LENGTH, None)
            return
        length = int(value)
        if length < 0:
            raise ValueError(f"Content length must not be negative: {length}")
        if self._chunked:
            raise RuntimeError(
                "You can't set content length when chunked encoding is enabled"
            )
        self._headers[hdrs.CONTENT_LENGTH] = str(length)

    @property
    def content_type(self) -> str:
        """The ``type/subtype`` of Content-Type; setting it keeps the parameters."""
        return super().content_type

    @content_type.setter
    def content_type(self, value: str) -> None:
        value = str(value)
        check_field_value("the content type", value)
        self._set_content_type(value, self._content_type_and_params()[1])

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type (lower-cased when set)."""
        return super().charset

    @charset.setter
    def charset(self, value: str | None) -> None:
        content_type, params = self._content_type_and_params()
        if content_type == "application/octet-stream":
            raise RuntimeError(
                "Setting charset for application/octet-stream "
                "doesn't make sense, setup content_type first"
            )
        new_params = dict(params)
        if value is None:
            new_params.pop("charset", None)
        else:
            charset = str(value).lower()
            check_field_value("the charset", charset)
            new_params["charset"] = charset
        self._set_content_type(content_type, new_params)

    def _set_content_type(
        self, content_type: str, params: MappingProxyType[str, str] | dict[str, str]
    ) -> None:
        if params:
            pairs = "; ".join(f"{k}={_param_value(v)}" for k, v in params.items())
            self._headers[hdrs.CONTENT_TYPE] = f"{content_type}; {pairs}"
        else:
            self._headers[hdrs.CONTENT_TYPE] = content_type

    @property
    def last_modified(self) -> datetime.datetime | None:
        """Last-Modified as an aware UTC datetime (``None``: absent or invalid).

        Accepts a ``datetime`` (naive means UTC), a Unix time (``int`` or
        ``float``, rounded up to the second), a ready ``str``, or ``None``
        to remove the header.
        """
        return parse_http_date(self._headers.get(hdrs.LAST_MODIFIED))

    @last_modified.setter
    def last_modified(
        self, value: int | float | datetime.datetime | str | None
    ) -> None:
        headers = self._headers
        if value is None:
            headers.popall(hdrs.LAST_MODIFIED, None)
        elif isinstance(value, (int, float)):
            headers[hdrs.LAST_MODIFIED] = format_http_date(math.ceil(value))
        elif isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            headers[hdrs.LAST_MODIFIED] = format_http_date(value.timestamp())
        elif isinstance(value, str):
            check_field_value("Last-Modified", value)
            headers[hdrs.LAST_MODIFIED] = value
        else:
            raise TypeError(
                f"Unsupported type for last_modified: {type(value).__name__}"
            )

    @property
    def etag(self) -> ETag | None:
        """The ETag as an ``ETag`` (``None``: absent or malformed).

        Accepts an ``ETag``, the opaque value as ``str`` (quoted here), the
        wildcard ``"*"``, or ``None`` to remove it. ``ValueError`` for a
        value that cannot sit between quotes.
        """
        quoted = self._headers.get(hdrs.ETAG)
        if not quoted:
            return None
        if quoted == ETAG_ANY:
            return ETag(value=ETAG_ANY)
        match = QUOTED_ETAG_RE.fullmatch(quoted)
        if match is None:
            return None
        return ETag(value=match["value"], is_weak=match["weak"] is not None)

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.popall(hdrs.ETAG, None)
        elif isinstance(value, str):
            validate_etag_value(value)
            self._headers[hdrs.ETAG] = ETAG_ANY if value == ETAG_ANY else f'"{value}"'
        elif isinstance(value, ETag) and isinstance(value.value, str):
            validate_etag_value(value.value)
            if value.value == ETAG_ANY:
                self._headers[hdrs.ETAG] = ETAG_ANY
            elif value.is_weak:
                self._headers[hdrs.ETAG] = f'W/"{value.value}"'
            else:
                self._headers[hdrs.ETAG] = f'"{value.value}"'
        else:
            raise ValueError(
                f"Unsupported etag type: {type(value).__name__}. "
                "etag must be str, ETag or None"
            )
