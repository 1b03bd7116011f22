"""The pieces of static serving on their own: path checks and file versions."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path

import pytest

from aiohttp._web_static import file_version, resolve_static_path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "f.txt").write_bytes(b"file")
    (root / "sub" / "g.txt").write_bytes(b"g")
    (tmp_path / "secret").write_bytes(b"secret")
    return root.resolve()


@pytest.mark.parametrize(
    "rel_path",
    [
        "..",
        "../secret",
        "sub/../../secret",
        "sub/../f.txt",  # even when it would stay inside
        "/etc/passwd",
        "//etc/passwd",
        "..\\secret",
        "sub\\g.txt",
        "f.txt\x00",
        "\x00",
    ],
)
@pytest.mark.parametrize("follow_symlinks", [False, True])
def test_refused_paths(root: Path, rel_path: str, follow_symlinks: bool) -> None:
    assert resolve_static_path(root, rel_path, follow_symlinks=follow_symlinks) is None


@pytest.mark.parametrize(
    ("rel_path", "expected"),
    [
        ("f.txt", "f.txt"),
        ("sub/g.txt", "sub/g.txt"),
        ("./sub//g.txt", "sub/g.txt"),
        ("sub/", "sub"),
        ("", ""),
        ("missing.txt", "missing.txt"),  # existence is checked later
        ("...", "..."),  # a legal file name
        ("..foo", "..foo"),
        ("%2e%2e", "%2e%2e"),  # decoded once already: a literal name
    ],
)
@pytest.mark.parametrize("follow_symlinks", [False, True])
def test_accepted_paths(
    root: Path, rel_path: str, expected: str, follow_symlinks: bool
) -> None:
    resolved = resolve_static_path(root, rel_path, follow_symlinks=follow_symlinks)
    assert resolved == (root / expected if expected else root)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_symlinks(root: Path, tmp_path: Path) -> None:
    (root / "in").symlink_to(root / "f.txt")
    (root / "out").symlink_to(tmp_path / "secret")
    (root / "loop").symlink_to(root / "loop")
    assert resolve_static_path(root, "in", follow_symlinks=False) == root / "f.txt"
    assert resolve_static_path(root, "out", follow_symlinks=False) is None
    # A loop fails to resolve before Python 3.13, and stays itself after:
    # either way nothing outside the root comes of it (serving it is a 404).
    assert resolve_static_path(root, "loop", follow_symlinks=False) in (
        None,
        root / "loop",
    )
    # Following links is the option's point: the path is kept as written.
    assert resolve_static_path(root, "out", follow_symlinks=True) == root / "out"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_root_given_through_a_symlink(root: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    assert resolve_static_path(alias, "f.txt", follow_symlinks=False) == (
        root / "f.txt"
    )


# --- file_version ---------------------------------------------------------------------


def expected_version(content: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(content).digest()).decode()


def test_version_is_the_urlsafe_sha256_of_the_content(tmp_path: Path) -> None:
    # Bytes whose digest has "-" or "_" in URL-safe base64 are likely; any
    # content shows the form.
    content = os.urandom(700_000)
    path = tmp_path / "app.js"
    path.write_bytes(content)
    version = file_version(path)
    assert version == expected_version(content)
    assert len(version) == 44
    assert version.endswith("=")
    assert "+" not in version
    assert "/" not in version


def test_version_follows_changes(tmp_path: Path) -> None:
    path = tmp_path / "app.css"
    path.write_bytes(b"one")
    first = file_version(path)
    assert file_version(path) == first  # cached
    path.write_bytes(b"three")
    assert file_version(path) == expected_version(b"three")
    stat = path.stat()
    path.write_bytes(b"four!")  # same size: the modification time tells
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert file_version(path) == expected_version(b"four!")


def test_version_of_what_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        file_version(tmp_path / "missing")
    with pytest.raises(PermissionError):  # a directory is not a file to hash
        file_version(tmp_path)
