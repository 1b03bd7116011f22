"""Content-Type and Content-Length properties shared by requests and responses."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from . import hdrs
from ._mimetype import parse_content_type

__all__ = ("HeadersMixin",)

_NO_CONTENT_TYPE: Final[tuple[str, MappingProxyType[str, str]]] = (
    "application/octet-stream",
    MappingProxyType({}),
)


class HeadersMixin:
    """Read ``content_type``, ``charset`` and ``content_length`` from ``_headers``.

    The Content-Type is parsed on first use and again only when the header
    changes; the result is kept on the instance.
    """

    _headers: CIMultiDictProxy[str] | CIMultiDict[str]
    # (raw header value, type/subtype, parameters)
    _parsed_content_type: tuple[str | None, str, MappingProxyType[str, str]]

    def _content_type_and_params(self) -> tuple[str, MappingProxyType[str, str]]:
        raw = self._headers.get(hdrs.CONTENT_TYPE)
        cached = getattr(self, "_parsed_content_type", None)
        if cached is not None and cached[0] == raw:
            return cached[1], cached[2]
        content_type, params = (
            _NO_CONTENT_TYPE if raw is None else parse_content_type(raw)
        )
        self._parsed_content_type = (raw, content_type, params)
        return content_type, params

    @property
    def content_type(self) -> str:
        """The lower-cased ``type/subtype`` of Content-Type.

        ``application/octet-stream`` when the header is missing or invalid
        (RFC 9110 section 8.3).
        """
        return self._content_type_and_params()[0]

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, or ``None``."""
        return self._content_type_and_params()[1].get("charset")

    @property
    def content_length(self) -> int | None:
        """The Content-Length as an ``int``, or ``None`` when absent.

        :exc:`ValueError` is raised for a value that is not a string of
        decimal digits (RFC 9110 section 8.6).
        """
        value = self._headers.get(hdrs.CONTENT_LENGTH)
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"Invalid Content-Length header: {value!r}")
        return int(value)
