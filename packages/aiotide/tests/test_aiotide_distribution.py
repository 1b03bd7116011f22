"""The aiotide meta-distribution: every part, at its own version, and no code."""

from __future__ import annotations

import importlib.metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PARTS = {
    "aiotide-core",
    "aiotide-websocket",
    "aiotide-client",
    "aiotide-web",
    "aiotide-test-utils",
    "aiotide-gunicorn",
}


def _requirements() -> list[Requirement]:
    return [
        Requirement(line)
        for line in importlib.metadata.distribution("aiotide").requires or []
    ]


def test_depends_on_every_part_at_its_own_version() -> None:
    pin = f"=={importlib.metadata.version('aiotide')}"
    plain = {req.name: str(req.specifier) for req in _requirements() if not req.marker}
    assert plain == dict.fromkeys(PARTS, pin)


def test_speedups_extra_brings_the_optional_codecs_and_resolver() -> None:
    speedups = {
        canonicalize_name(req.name)
        for req in _requirements()
        if req.marker and 'extra == "speedups"' in str(req.marker)
    }
    assert speedups == {"aiodns", "brotli", "brotlicffi", "backports-zstd"}


def test_ships_no_files_besides_its_metadata() -> None:
    files = importlib.metadata.distribution("aiotide").files or []
    assert files, "an installed distribution always records its metadata"
    assert all(
        ".dist-info" in str(path.parent) or path.suffix == ".pth" for path in files
    )
