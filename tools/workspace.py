"""Read the aiotide workspace: its members, their dependencies and modules.

The checkers in this folder (imports, versions, wheels) share this one view
of the tree, taken from the files themselves rather than from a list kept
by hand: ``packages/*/pyproject.toml`` says what each distribution is and
depends on, and ``packages/*/src/aiohttp`` says which modules it owns.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "aiotide"


@dataclass(frozen=True)
class Member:
    """One distribution of the workspace."""

    folder: Path
    name: str  # canonical distribution name
    static_version: str | None  # [project] version, which must stay unset
    version_path: str | None  # [tool.hatch.version] path
    cache_keys: tuple[str, ...]  # files named by [tool.uv] cache-keys
    requirements: tuple[Requirement, ...]

    @property
    def source(self) -> Path:
        """The member's ``src/aiohttp`` folder (it may not exist: the meta)."""
        return self.folder / "src" / "aiohttp"

    @property
    def siblings(self) -> dict[str, Requirement]:
        """The member's requirements on other workspace members."""
        return {
            canonicalize_name(req.name): req
            for req in self.requirements
            if canonicalize_name(req.name).startswith(PREFIX)
        }

    @property
    def third_party(self) -> set[str]:
        """Canonical names of the member's other runtime dependencies."""
        names = {canonicalize_name(req.name) for req in self.requirements}
        return {name for name in names if not name.startswith(PREFIX)}

    def modules(self) -> Iterator[tuple[str, Path]]:
        """Each ``aiohttp`` module the member owns: dotted name and file."""
        if not self.source.is_dir():
            return
        for path in sorted(self.source.rglob("*.py")):
            relative = path.relative_to(self.source).with_suffix("")
            parts = relative.parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts) or "__init__", path


def read_version(root: Path = ROOT) -> str:
    """The one version of every distribution."""
    return (root / "VERSION").read_text(encoding="utf-8").strip()


def load_member(folder: Path) -> Member:
    """Read one member's ``pyproject.toml``."""
    data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    tool = data.get("tool", {})
    cache_keys = tool.get("uv", {}).get("cache-keys", [])
    return Member(
        folder=folder,
        name=canonicalize_name(project["name"]),
        static_version=project.get("version"),
        version_path=tool.get("hatch", {}).get("version", {}).get("path"),
        cache_keys=tuple(key["file"] for key in cache_keys if "file" in key),
        requirements=tuple(Requirement(line) for line in project["dependencies"]),
    )


def load_members(root: Path = ROOT) -> dict[str, Member]:
    """Every member of the workspace, by distribution name."""
    members = [
        load_member(pyproject.parent)
        for pyproject in sorted((root / "packages").glob("*/pyproject.toml"))
    ]
    return {member.name: member for member in members}


def reachable(start: str, neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    """``start`` and every node reachable from it through ``neighbours``."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(neighbours(current))
    return seen


def closure(name: str, members: dict[str, Member]) -> set[str]:
    """``name`` and every workspace member it depends on, directly or not."""
    # An unknown sibling is the versions check's to report; here it is a leaf.
    return reachable(
        name, lambda current: members[current].siblings if current in members else ()
    )


def report(problems: Sequence[object], summary: str) -> int:
    """Print a checker's problems and its summary line; return its exit status."""
    for problem in problems:
        print(problem)
    print(f"{summary}: {len(problems)} problem(s)")
    return 1 if problems else 0
