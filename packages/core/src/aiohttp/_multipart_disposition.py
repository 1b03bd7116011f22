"""Content-Disposition parameters of multipart parts (RFC 6266, RFC 8187, RFC 2231)."""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Mapping
from typing import Final
from urllib.parse import unquote, unquote_to_bytes

from ._http_chars import is_token, split_unquoted

# -- Content-Disposition (RFC 6266, RFC 8187, RFC 2231 continuations) ---------


class BadContentDispositionHeader(RuntimeWarning):
    """A Content-Disposition value that cannot be parsed: it is ignored."""


class BadContentDispositionParam(RuntimeWarning):
    """A Content-Disposition parameter that cannot be parsed: it is dropped."""


_QUOTED_RE: Final = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_QUOTED_PAIR_RE: Final = re.compile(r"\\(.)", re.DOTALL)
# RFC 2231 section 3: name*0, name*1, ... and name*0*, ... (extended).
_CONTINUATION_RE: Final = re.compile(r"[^*]+\*(0|[1-9][0-9]*)\*?")
# RFC 8187 section 3.2.1: ext-value = charset "'" [ language ] "'" value-chars.
_VALUE_CHARS: Final = r"(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+\-.^_`|~])*"
_VALUE_CHARS_RE: Final = re.compile(_VALUE_CHARS)
_EXT_VALUE_RE: Final = re.compile(
    rf"([A-Za-z0-9!#$%&+\-^_`{{}}~]+)'([A-Za-z0-9\-]*)'({_VALUE_CHARS})"
)


class _BadHeader(Exception):
    """The whole Content-Disposition value is unusable."""


def _decode_ext_value(value: str) -> str | None:
    """The text of an RFC 8187 ext-value, or None when it is not one."""
    match = _EXT_VALUE_RE.fullmatch(value)
    if match is None:
        return None
    charset, _, encoded = match.groups()
    try:
        codecs.lookup(charset)
        return unquote(encoded, charset, "strict")
    except (LookupError, UnicodeDecodeError):  # the builtin: unknown charset
        return None


def parse_content_disposition(
    header: str | None,
) -> tuple[str | None, dict[str, str]]:
    r"""Split a Content-Disposition value into its type and parameters.

    The type and parameter names are lower-cased; quoted values are
    unquoted (and a plain quoted value loses leading ``/`` and ``\\``, so a
    file name cannot climb out of a directory). ``name*=charset''value``
    parameters (RFC 8187) are decoded and kept under their ``name*`` key;
    RFC 2231 continuations (``name*0``, ``name*1*``) are kept as they come
    for :func:`content_disposition_filename` to join.

    A value that cannot be parsed warns ``BadContentDispositionHeader`` and
    gives ``(None, {})``; a parameter that cannot be parsed warns
    ``BadContentDispositionParam`` and is left out.
    """
    if not header:
        return None, {}
    disptype, *items = split_unquoted(header, ";")
    disptype = disptype.strip()
    if not is_token(disptype):
        warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
        return None, {}
    params: dict[str, str] = {}
    warned_empty = False
    for raw in items:
        item = raw.strip()
        if not item:
            # "attachment;" and "a;;b": nothing to parse, but not well-formed.
            if not warned_empty:
                warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
                warned_empty = True
            continue
        name, eq, value = item.partition("=")
        name = name.strip().lower()
        value = value.strip()
        if not eq or name in params:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        if not is_token(name):
            warnings.warn(BadContentDispositionParam(raw), stacklevel=2)
            continue
        try:
            parsed = _parse_param(name, value)
        except _BadHeader:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        if parsed is None:
            warnings.warn(BadContentDispositionParam(raw), stacklevel=2)
            continue
        params[name] = parsed
    return disptype.lower(), params


def _parse_param(name: str, value: str) -> str | None:
    """A parameter's value, or None to drop it; _BadHeader drops everything."""
    quoted = _QUOTED_RE.fullmatch(value)
    if _CONTINUATION_RE.fullmatch(name):
        if name.endswith("*"):
            # Kept encoded: the segments are percent-decoded once joined,
            # with the charset of the first one.
            valid = _EXT_VALUE_RE.fullmatch(value) or _VALUE_CHARS_RE.fullmatch(value)
            return value if valid else None
        if quoted is not None:
            return _QUOTED_PAIR_RE.sub(r"\1", quoted.group(1))
        return value if is_token(value) else None
    if name.endswith("*"):
        return _decode_ext_value(value)
    if quoted is not None:
        return _QUOTED_PAIR_RE.sub(r"\1", quoted.group(1)).lstrip("\\/")
    if is_token(value):
        return value
    raise _BadHeader


def content_disposition_filename(
    params: Mapping[str, str], name: str = "filename"
) -> str | None:
    """The value of parameter ``name`` from ``parse_content_disposition()``.

    ``name*`` (RFC 8187) wins over ``name``; without either, RFC 2231
    continuations ``name*0``, ``name*1``, ... are joined (percent-decoding
    the extended ones, ``name*N*``). None when there is no such parameter.
    """
    if not params:
        return None
    extended = f"{name}*"
    if extended in params:
        return params[extended]
    if name in params:
        return params[name]
    return _join_continuations(params, name)


def _join_continuations(params: Mapping[str, str], name: str) -> str | None:
    segments: list[tuple[bool, str]] = []  # (percent-encoded, text)
    charset = "utf-8"
    while True:
        key = f"{name}*{len(segments)}"
        if key in params:
            segments.append((False, params[key]))
        elif f"{key}*" in params:
            value = params[f"{key}*"]
            if not segments and "'" in value:
                charset, _, value = value.split("'", 2)
            segments.append((True, value))
        else:
            break
    if not segments:
        return None
    try:
        # Percent-encoded octets of one character may span segments.
        data = b"".join(
            unquote_to_bytes(text) if encoded else text.encode(charset)
            for encoded, text in segments
        )
        return data.decode(charset)
    except (LookupError, UnicodeError):  # the builtin: unknown charset
        warnings.warn(
            BadContentDispositionParam(f"{name}*0 to {name}*{len(segments) - 1}"),
            stacklevel=3,
        )
        return None
