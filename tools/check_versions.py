"""Fail when a distribution's version or a sibling pin strays from VERSION.

DESIGN.md rule 5: one version for all, in the root ``VERSION`` file, read
by each member's ``[tool.hatch.version]`` and listed in its uv cache keys;
sibling pins are exact. uv does not check pins inside a workspace, so this
does. Where a member is installed in the running environment, its installed
version must match too (a stale editable install shows here).

Usage: ``python tools/check_versions.py [workspace root]``.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version
from workspace import ROOT, Member, load_members, read_version, report


def check_member(
    member: Member, version: str, root: Path, *, compare_installed: bool
) -> list[str]:
    """What is wrong with one member's version configuration and pins."""
    problems: list[str] = []
    where = member.folder.relative_to(root)
    version_file = (root / "VERSION").resolve()
    if member.static_version is not None:
        problems.append(f"{where}: a static version; it must come from VERSION")
    if member.version_path is None:
        problems.append(f"{where}: no [tool.hatch.version] path")
    elif (member.folder / member.version_path).resolve() != version_file:
        problems.append(
            f"{where}: [tool.hatch.version] path {member.version_path!r} "
            f"is not the workspace VERSION"
        )
    if not any(
        (member.folder / key).resolve() == version_file for key in member.cache_keys
    ):
        problems.append(f"{where}: [tool.uv] cache-keys does not list VERSION")
    for _, requirement in sorted(member.siblings.items()):
        if str(requirement.specifier) != f"=={version}":
            problems.append(
                f"{where}: pins {requirement}; siblings are pinned =={version}"
            )
    if not compare_installed:
        return problems
    try:
        installed = importlib.metadata.version(member.name)
    except importlib.metadata.PackageNotFoundError:
        return problems
    if installed != version:
        problems.append(
            f"{where}: installed {member.name} is {installed}, VERSION says {version}"
        )
    return problems


def check(root: Path = ROOT, *, compare_installed: bool = True) -> list[str]:
    """All version problems of the workspace at ``root``.

    With ``compare_installed``, members installed in the running environment
    must report VERSION too.
    """
    version = read_version(root)
    try:
        Version(version)
    except InvalidVersion:
        return [f"VERSION: {version!r} is not a PEP 440 version"]
    members = load_members(root)
    problems = [
        f"{member.folder.relative_to(root)}: depends on {name}, which is not a member"
        for member in members.values()
        for name in member.siblings
        if name not in members
    ]
    for member in members.values():
        problems.extend(
            check_member(member, version, root, compare_installed=compare_installed)
        )
    return problems


def main(argv: list[str]) -> int:
    """Print each problem; the exit status says whether there were any."""
    root = Path(argv[1]) if len(argv) > 1 else ROOT
    count, version = len(load_members(root)), read_version(root)
    return report(check(root), f"versions of {count} distribution(s) at {version}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
