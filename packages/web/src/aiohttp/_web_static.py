"""Serving a directory tree: what ``router.add_static()`` answers with.

``StaticResource`` hands :func:`serve_static` the root directory and the
part of the path after its prefix (the ``filename`` match, percent-decoded
once). The rules, from aiohttp 3.x's documentation and security fixes:

- Nothing outside the root is ever served. The path is checked as text
  first: a NUL, a backslash (a separator on Windows, never a file name
  here), an absolute path, a drive, or a ``..`` segment is refused, whatever
  encoding it arrived in. Then, with ``follow_symlinks=False`` (the
  default), the path is resolved and must still be inside the resolved
  root: a link is followed only to somewhere inside the root. With
  ``follow_symlinks=True`` links inside the root may point anywhere (that
  is the option's documented meaning), but the path as written must still
  be inside the root.
- Every refusal is the same 404 as a missing file, so a client learns
  nothing about the file system beyond the root.
- A directory: an HTML index with ``show_index=True`` (names escaped, links
  percent-encoded, entries sorted by name, directories with a trailing
  ``/``), else 403, as aiohttp documents. A file the server may not read,
  or one that is not a regular file, is 403 as in aiohttp.
- A file: a :class:`~aiohttp.web_fileresponse.FileResponse` (validators,
  ranges, pre-compressed siblings).

The file system is only touched in the default executor.
:func:`file_version` gives the hash ``append_version=True`` puts in URLs.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import functools
import hashlib
import html
import os
import threading
from collections import OrderedDict
from pathlib import Path, PureWindowsPath
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from .web_exceptions import HTTPForbidden, HTTPNotFound
from .web_fileresponse import FileResponse, _open_regular
from .web_response import Response, StreamResponse

if TYPE_CHECKING:
    from .web_request import BaseRequest

__all__ = ("file_version", "resolve_static_path", "serve_static")

_WINDOWS: Final = os.name == "nt"
# Hashing reads this much at a time.
_HASH_BLOCK: Final = 256 * 1024
# Versions kept in memory: one per static file an application links to.
_VERSION_CACHE_SIZE: Final = 1024


class _Kind(enum.Enum):
    FILE = "file"
    INDEX = "index"
    FORBIDDEN = "forbidden"
    MISSING = "missing"


def _safe_parts(rel_path: str) -> tuple[str, ...] | None:
    """Split ``rel_path`` into path segments, or ``None`` if it must be refused.

    Refused: NUL, backslashes, absolute paths, ``..`` segments and, on
    Windows, drives and alternate data streams (``:``). Empty and ``.``
    segments are dropped.
    """
    if "\x00" in rel_path or "\\" in rel_path or rel_path.startswith("/"):
        return None
    parts = tuple(part for part in rel_path.split("/") if part and part != ".")
    for part in parts:
        if part == "..":
            return None
        if _WINDOWS and (":" in part or PureWindowsPath(part).anchor):
            return None
    return parts


@functools.lru_cache(maxsize=64)
def _resolved_root(directory: Path) -> Path:
    # StaticResource resolves its directory once; this makes the check
    # right even for a root given through a symlink (/tmp on macOS).
    return directory.resolve()


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def resolve_static_path(
    directory: Path, rel_path: str, *, follow_symlinks: bool
) -> Path | None:
    """The file system path ``rel_path`` names under ``directory``, or ``None``.

    ``None`` when the path must not be served (see the module docstring).
    The path may not exist. It touches the file system (``resolve()``): call
    it in an executor from a coroutine.
    """
    parts = _safe_parts(rel_path)
    if parts is None:
        return None
    root = _resolved_root(directory)
    candidate = root.joinpath(*parts)
    if follow_symlinks:
        return candidate  # no ".." segment: lexically inside the root
    try:
        target = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before 3.13)
        return None
    return target if _inside(target, root) else None


def _index_html(directory: Path, url_path: str, prefix: str) -> str:
    """The HTML index of ``directory``, reached at ``prefix/url_path``."""
    with os.scandir(directory) as scan:
        entries = sorted((entry.name, _is_dir(entry)) for entry in scan)
    base = f"{prefix.rstrip('/')}/{url_path}".rstrip("/")
    items = []
    for name, is_dir in entries:
        href = quote(f"{base}/{name}", safe="/", errors="surrogateescape")
        shown = _printable(name) + ("/" if is_dir else "")
        items.append(f'<li><a href="{href}">{html.escape(shown)}</a></li>')
    title = html.escape(f"Index of /{_printable(url_path)}")
    listing = "\n".join(items)
    return (
        f"<html>\n<head>\n<title>{title}</title>\n</head>\n"
        f"<body>\n<h1>{title}</h1>\n<ul>\n{listing}\n</ul>\n</body>\n</html>"
    )


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _printable(name: str) -> str:
    """``name`` for display: bytes that are not UTF-8 become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _locate(
    directory: Path,
    rel_path: str,
    show_index: bool,
    follow_symlinks: bool,
    prefix: str,
) -> tuple[_Kind, Path | str | None]:
    """Decide what to answer (in the executor): a file, an index, or an error."""
    target = resolve_static_path(directory, rel_path, follow_symlinks=follow_symlinks)
    if target is None:
        return _Kind.MISSING, None
    try:
        mode = target.stat().st_mode
    except PermissionError:
        return _Kind.FORBIDDEN, None
    except (OSError, ValueError):  # missing, ENOTDIR, ELOOP, too long...
        return _Kind.MISSING, None
    if S_ISREG(mode):
        return _Kind.FILE, target
    if S_ISDIR(mode) and show_index:
        return _index(target, "/".join(_safe_parts(rel_path) or ()), prefix)
    return _Kind.FORBIDDEN, None


def _index(target: Path, url_path: str, prefix: str) -> tuple[_Kind, str | None]:
    try:
        return _Kind.INDEX, _index_html(target, url_path, prefix)
    except PermissionError:
        return _Kind.FORBIDDEN, None
    except OSError:
        return _Kind.MISSING, None


async def serve_static(
    request: BaseRequest,
    directory: Path,
    rel_path: str,
    *,
    show_index: bool,
    follow_symlinks: bool,
    chunk_size: int,
    prefix: str,
) -> StreamResponse:
    """Answer a request for ``rel_path`` under the static root ``directory``.

    ``rel_path`` is the path after the resource's ``prefix``, percent-decoded
    once (``%2F`` is a ``/`` in it, ``%252e`` the text ``%2e``). Raises
    ``HTTPNotFound`` (missing or refused) or ``HTTPForbidden`` (a directory
    without ``show_index``, or an unreadable or special file); returns a
    ``FileResponse`` or, for a directory, an HTML ``Response``.
    """
    loop = asyncio.get_running_loop()
    kind, value = await loop.run_in_executor(
        None, _locate, directory, rel_path, show_index, follow_symlinks, prefix
    )
    if kind is _Kind.FILE:
        assert isinstance(value, Path)
        return FileResponse(value, chunk_size=chunk_size)
    if kind is _Kind.INDEX:
        assert isinstance(value, str)
        return Response(text=value, content_type="text/html")
    if kind is _Kind.FORBIDDEN:
        raise HTTPForbidden()
    raise HTTPNotFound()


# -- append_version ---------------------------------------------------------------

_versions: OrderedDict[str, tuple[tuple[int, int, int], str]] = OrderedDict()
_versions_lock = threading.Lock()


def file_version(path: Path) -> str:
    """The version ``append_version=True`` adds to a static URL (``?v=...``).

    As aiohttp: the SHA-256 of the file's content, URL-safe base64 (with its
    ``=`` padding). Computed once per file and kept while the file's
    modification time, size and inode stay the same. Raises ``OSError``
    when ``path`` is not a readable regular file (``FileNotFoundError``;
    ``PermissionError`` for a directory or a special file, too). It reads
    the file: call it where blocking is acceptable (``url_for()`` is
    synchronous, as in aiohttp).
    """
    key = os.fspath(path)
    file, stat = _open_regular(key, follow=True)
    with file:
        identity = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with _versions_lock:
            cached = _versions.get(key)
            if cached is not None and cached[0] == identity:
                _versions.move_to_end(key)
                return cached[1]
        digest = hashlib.sha256()
        while block := file.read(_HASH_BLOCK):
            digest.update(block)
    version = base64.urlsafe_b64encode(digest.digest()).decode("ascii")
    with _versions_lock:
        _versions[key] = (identity, version)
        _versions.move_to_end(key)
        while len(_versions) > _VERSION_CACHE_SIZE:
            _versions.popitem(last=False)
    return version
