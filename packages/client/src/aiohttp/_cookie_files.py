"""The file format of ``CookieJar.save()`` and ``CookieJar.load()``: JSON.

aiohttp before 3.13 pickled its jar, and unpickling a file runs whatever
code the file asks for; a cookie file is often copied between machines,
so this format is plain data, checked field by field when read. A file is
one object::

    {"format": "aiotide-cookiejar", "version": 1, "cookies": [
        {"name": "sid", "value": "abc", "coded_value": "abc",
         "domain": "example.com", "path": "/", "host_only": true,
         "expires_at": 1767225600.0,
         "attributes": {"secure": true, "httponly": true, "samesite": "Lax"}}
    ]}

``expires_at`` is the absolute deadline (POSIX time) or ``null`` for a
session cookie: ``Max-Age`` counts from when the cookie arrived, so it is
not written. Anything else is refused with a ``ValueError`` that says what
is wrong, before the jar is touched.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass
from http.cookies import CookieError, Morsel
from pathlib import Path
from typing import Any, Final, TypeVar

from .typedefs import PathLike

__all__ = ("SavedCookie", "read_cookie_file", "write_cookie_file")

_T = TypeVar("_T")

FORMAT: Final = "aiotide-cookiejar"
VERSION: Final = 1

# What a Morsel knows (a fresh one holds every attribute name, empty).
_ATTRIBUTES: Final = frozenset(Morsel())
_FLAGS: Final = frozenset(("secure", "httponly"))
# Kept by fields of their own, or (max-age) meaningless once saved.
_NOT_ATTRIBUTES: Final = frozenset(("domain", "path", "max-age"))
# What would let a stored value break the Cookie header it is sent in.
_CONTROL: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class SavedCookie:
    """One cookie as a file holds it: the morsel and the jar's bookkeeping."""

    morsel: Morsel[str]
    host_only: bool
    expires_at: float | None


def write_cookie_file(file_path: PathLike, cookies: list[SavedCookie]) -> None:
    """Write ``cookies`` to ``file_path``, replacing it whole or not at all."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "cookies": [_to_record(cookie) for cookie in cookies],
    }
    target = Path(file_path)
    # A temporary file beside the target, renamed over it: a crash leaves
    # the old file, never half a new one. mkstemp makes it owner-only (0600),
    # which suits a file full of session secrets.
    fd, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            # ASCII escapes carry the lone surrogates that undecodable header
            # bytes become, which UTF-8 text could not.
            json.dump(document, file, indent=1)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _to_record(cookie: SavedCookie) -> dict[str, Any]:
    morsel = cookie.morsel
    attributes: dict[str, str | bool] = {}
    for key in _ATTRIBUTES - _NOT_ATTRIBUTES:
        value = morsel.get(key)
        if value:
            attributes[key] = bool(value) if key in _FLAGS else str(value)
    return {
        "name": morsel.key,
        "value": morsel.value,
        "coded_value": morsel.coded_value,
        "domain": morsel["domain"],
        "path": morsel["path"],
        "host_only": cookie.host_only,
        "expires_at": cookie.expires_at,
        "attributes": dict(sorted(attributes.items())),
    }


def read_cookie_file(file_path: PathLike) -> list[SavedCookie]:
    """Read a file ``write_cookie_file`` wrote; ``ValueError`` for anything else."""
    data = Path(file_path).read_bytes()
    where = f"cannot load cookies from {os.fspath(file_path)!r}"
    if data[:1] == b"\x80":
        raise ValueError(
            f"{where}: it looks like a pickled jar (aiohttp before 3.13); pickles"
            " are not loaded because unpickling can run code. Save it again"
            " with this version."
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{where}: not a JSON cookie file ({exc!r})") from None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("cookies"), list)
    ):
        raise ValueError(f"{where}: not a file written by CookieJar.save()")
    if document.get("version") != VERSION:
        raise ValueError(
            f"{where}: unsupported format version {document.get('version')!r}"
        )
    try:
        return [
            _from_record(index, record)
            for index, record in enumerate(document["cookies"])
        ]
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _from_record(index: int, record: object) -> SavedCookie:
    try:
        return _parse_record(record)
    except ValueError as exc:
        raise ValueError(f"cookie #{index}: {exc}") from None


def _parse_record(record: object) -> SavedCookie:
    if not isinstance(record, dict):
        raise ValueError("not an object")
    name = _field(record, "name", str)
    value = _field(record, "value", str)
    coded_value = _field(record, "coded_value", str)
    domain = _field(record, "domain", str)
    path = _field(record, "path", str)
    host_only = _field(record, "host_only", bool)
    expires_at = record.get("expires_at")
    attributes = _field(record, "attributes", dict)

    if _CONTROL.search(coded_value):
        raise ValueError("control character in 'coded_value'")
    if not path.startswith("/"):
        raise ValueError(f"'path' must start with '/', got {path!r}")
    if domain != domain.lower() or domain.startswith("."):
        raise ValueError(f"'domain' is not canonical: {domain!r}")
    if host_only and not domain:
        raise ValueError("a host-only cookie needs a 'domain'")
    if expires_at is not None and (
        isinstance(expires_at, bool)
        or not isinstance(expires_at, (int, float))
        or not math.isfinite(expires_at)
    ):
        raise ValueError(f"'expires_at' must be a number or null, got {expires_at!r}")

    morsel: Morsel[str] = Morsel()
    try:
        morsel.set(name, value, coded_value)
    except CookieError as exc:
        raise ValueError(f"bad cookie name {name!r} ({exc})") from None
    morsel["domain"] = domain
    morsel["path"] = path
    for key, attribute in attributes.items():
        if key not in _ATTRIBUTES or key in _NOT_ATTRIBUTES:
            raise ValueError(f"unknown attribute {key!r}")
        expected = bool if key in _FLAGS else str
        if type(attribute) is not expected:
            raise ValueError(f"attribute {key!r} must be a {expected.__name__}")
        morsel[key] = attribute
    return SavedCookie(
        morsel,
        host_only,
        None if expires_at is None else float(expires_at),
    )


def _field(record: dict[str, Any], key: str, kind: type[_T]) -> _T:
    value = record.get(key)
    if type(value) is not kind:
        raise ValueError(f"{key!r} must be a {kind.__name__}, got {value!r}")
    return value
