"""Building Content-Disposition values (RFC 6266, RFC 8187) and quoted-strings."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Final
from urllib.parse import quote

from ._http_chars import is_token

__all__ = ("content_disposition_header", "guess_filename", "quoted_string")

# RFC 9110 section 5.6.4: qdtext and quoted-pair allow HTAB, SP and VCHAR
# (obs-text too, but it is deprecated and its meaning depends on the peer,
# so non-ASCII text goes through RFC 8187's ext-value instead).
_QUOTABLE_RE: Final = re.compile(r"[\t\x20-\x7e]*")
_NEEDS_ESCAPE_RE: Final = re.compile(r'(["\\])')
# RFC 8187 section 3.2.1 attr-char, beyond the letters, digits and "_.-~"
# that urllib.parse.quote never encodes.
_ATTR_CHAR_EXTRA: Final = "!#$&+^`|"
# What a percent-encoded ext-value cannot carry into a quoted fallback.
_CONTROLS_RE: Final = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_FALLBACK_RE: Final = re.compile(r"[^\t\x20-\x7e]")


def quoted_string(content: str) -> str:
    r"""Escape ``content`` for use between the double quotes of a quoted-string.

    Only ``"`` and ``\`` need a backslash (RFC 9110 section 5.6.4). The
    surrounding quotes are not added. :exc:`ValueError` is raised for what a
    quoted-string cannot hold: control characters other than HTAB, and
    non-ASCII text.
    """
    if not _QUOTABLE_RE.fullmatch(content):
        raise ValueError(f"bad content for quoted-string {content!r}")
    return _escape(content)


def _escape(text: str) -> str:
    # Most values hold neither character: skip the substitution for them.
    if '"' not in text and "\\" not in text:
        return text
    return _NEEDS_ESCAPE_RE.sub(r"\\\1", text)


def _ascii_fallback(value: str) -> str:
    """Approximate ``value`` in printable ASCII for RFC 6266's plain ``filename``."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _ASCII_FALLBACK_RE.sub("_", stripped)


def _format_parameter(name: str, value: str, quote_fields: bool, charset: str) -> str:
    # Quoted even when a token would do: browsers and aiohttp always quote,
    # and some servers' parsers only read the quoted form.
    if not quote_fields:
        # The caller wants the text as is (what browsers send in form-data),
        # but a line break would end the header: refuse control characters.
        if _CONTROLS_RE.search(value.replace("\t", "")):
            raise ValueError(f"bad content disposition parameter {name!r}={value!r}")
        return f'{name}="{_escape(value)}"'
    try:
        return f'{name}="{quoted_string(value)}"'
    except ValueError:
        pass
    # RFC 8187 section 3.2: ext-value = charset "'" [ language ] "'" value-chars.
    encoded = quote(value, safe=_ATTR_CHAR_EXTRA, encoding=charset)
    extended = f"{name}*={charset}''{encoded}"
    if name.lower() == "filename":
        # RFC 6266 appendix D: also send a plain filename, first, for agents
        # that do not understand filename*.
        fallback = _format_parameter(name, _ascii_fallback(value), True, charset)
        return f"{fallback}; {extended}"
    return extended


def content_disposition_header(
    disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
) -> str:
    """Build a Content-Disposition value such as ``attachment; filename="a b.txt"``.

    ``disptype`` and every parameter name must be tokens (RFC 6266 section 4.1),
    otherwise :exc:`ValueError` is raised. ASCII values are written as
    quoted-strings (tokens too, as browsers do). Text a quoted-string
    cannot hold (non-ASCII, control characters) is written as RFC 8187's
    ``name*=utf-8''percent-encoded`` (in ``_charset``), and for ``filename``
    an ASCII approximation is sent first as a plain ``filename``.

    With ``quote_fields=False`` a non-token value is only backslash-escaped
    and quoted, even when not ASCII: the form browsers use in
    ``multipart/form-data`` (RFC 7578 section 4.2).
    """
    if not is_token(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    parts = [disptype]
    for name, value in params.items():
        if not is_token(name):
            raise ValueError(f"bad content disposition parameter {name!r}={value!r}")
        parts.append(_format_parameter(name, value, quote_fields, _charset))
    return "; ".join(parts)


def guess_filename(obj: object, default: str | None = None) -> str | None:
    """Return the base name of ``obj.name`` (an open file's path), else ``default``.

    Names such as ``"<stdin>"`` are not paths and are ignored.
    """
    name = getattr(obj, "name", None)
    if name and isinstance(name, str) and name[0] != "<" and name[-1] != ">":
        return Path(name).name
    return default
