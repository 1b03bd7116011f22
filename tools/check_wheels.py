"""Fail when the built wheels overlap or do not match the source tree.

DESIGN.md rule 2: no file ships in two wheels, because uninstalling one
distribution would delete it for the other; ``aiohttp/__init__.py`` and
``aiohttp/py.typed`` ship only in aiotide-core. Beyond that, each wheel must
hold exactly its member's ``src/aiohttp`` modules (nothing dropped by a
build setting, nothing extra), at the workspace VERSION, one per member.

Usage: ``python tools/check_wheels.py DIST_DIR [workspace root]``.
"""

from __future__ import annotations

import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from packaging.utils import parse_wheel_filename
from workspace import ROOT, Member, load_members, read_version, report

CORE_ONLY = {"aiohttp/__init__.py", "aiohttp/py.typed"}


def wheel_files(wheel: Path) -> set[str]:
    """The paths a wheel installs, without its ``.dist-info`` metadata."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    return {
        name for name in names if not name.endswith("/") and ".dist-info/" not in name
    }


def index_wheels(
    dist_dir: Path, version: str, members: Iterable[str]
) -> tuple[dict[str, Path], list[str]]:
    """One wheel per member at ``version``: the wheels found, and what is off."""
    wheels: dict[str, Path] = {}
    problems: list[str] = []
    for wheel in sorted(dist_dir.glob("*.whl")):
        name, wheel_version, _, _ = parse_wheel_filename(wheel.name)
        if str(wheel_version) != version:
            problems.append(
                f"{wheel.name}: version {wheel_version}, VERSION says {version}"
            )
        if name in wheels:
            problems.append(f"{wheel.name}: a second wheel of {name}")
        wheels[name] = wheel
    expected = set(members)
    problems += [
        f"no wheel of {name} in {dist_dir}" for name in sorted(expected - set(wheels))
    ]
    problems += [
        f"{wheels[name].name}: not a workspace member"
        for name in sorted(set(wheels) - expected)
    ]
    return wheels, problems


def source_files(member: Member) -> set[str]:
    """The paths a member's wheel must hold: its sources (and core's py.typed)."""
    files = {
        f"aiohttp/{path.relative_to(member.source).as_posix()}"
        for _, path in member.modules()
    }
    if member.name == "aiotide-core":
        files.add("aiohttp/py.typed")
    return files


def check(dist_dir: Path, root: Path = ROOT) -> list[str]:
    """All problems with the wheels in ``dist_dir``."""
    members = load_members(root)
    wheels, problems = index_wheels(dist_dir, read_version(root), members)
    shipped_by: dict[str, list[str]] = defaultdict(list)
    for name, wheel in sorted(wheels.items()):
        files = wheel_files(wheel)
        for path in files:
            shipped_by[path].append(name)
        if name in members:
            expected = source_files(members[name])
            problems += [
                f"{wheel.name}: {path} is missing" for path in sorted(expected - files)
            ]
            problems += [
                f"{wheel.name}: ships {path}, which is not its source"
                for path in sorted(files - expected)
            ]
    for path, owners in sorted(shipped_by.items()):
        if len(owners) > 1:
            problems.append(
                f"{path} ships in {len(owners)} wheels: {', '.join(owners)}"
            )
        if path in CORE_ONLY and owners != ["aiotide-core"]:
            problems.append(
                f"{path} must ship only in aiotide-core, not {', '.join(owners)}"
            )
    return problems


def main(argv: list[str]) -> int:
    """Print each problem; the exit status says whether there were any."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    dist_dir = Path(argv[1])
    root = Path(argv[2]) if len(argv) > 2 else ROOT
    count = len(list(dist_dir.glob("*.whl")))
    return report(check(dist_dir, root), f"wheels: {count} in {dist_dir}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
