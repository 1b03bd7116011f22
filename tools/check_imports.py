"""Fail when a module imports what its distribution does not depend on.

DESIGN.md's import graph: core imports nothing of ours; websocket imports
core; client and web import core and websocket, never each other;
test-utils and gunicorn-worker sit on top. So a module may import another
``aiohttp`` module only if the distribution that owns it is its own or one
its own depends on (directly or not); ownership comes from the file tree.
Public modules not written yet count too: the facade's table
(``aiohttp/_facade.py``, ``MODULE_DISTRIBUTIONS``) says which distribution
each belongs to, and a module in the tree must sit where that table says.
The one exception is the facades' ``if TYPE_CHECKING:`` re-exports in
``aiohttp/__init__.py`` and ``aiohttp/http.py``, which name higher modules
without importing them.

Third-party imports follow the same rule against each distribution's
declared runtime dependencies, except imports guarded by
``try: ... except ImportError:``, which are optional by construction.

Usage: ``python tools/check_imports.py [workspace root]``; exit status 1
and one line per violation when the graph is broken.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from workspace import ROOT, Member, closure, load_members, report

PACKAGE = "aiohttp"
# Modules every type checker ships with (typeshed's stdlib), so a
# TYPE_CHECKING-only import of them needs nothing installed.
TYPE_CHECKER_BUILTINS = frozenset({"typing_extensions", "_typeshed"})
# The facade modules whose TYPE_CHECKING blocks may name any distribution.
FACADES = {"__init__", "abc", "http", "typedefs"}
CORE = "aiotide-core"


@dataclass(frozen=True)
class Import:
    """One import statement's target, as the checker sees it."""

    line: int
    ours: str | None  # top-level aiohttp module ("web", "_websocket"), or None
    foreign: str | None  # top-level name of a third-party module, or None
    type_checking: bool
    optional: bool


@dataclass(frozen=True)
class Violation:
    """One broken rule, located."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class _ImportCollector(ast.NodeVisitor):
    """Collect a module's imports with the context they appear in."""

    def __init__(self, package_parts: list[str], our_modules: set[str]) -> None:
        self.package_parts = package_parts
        self.our_modules = our_modules
        self.imports: list[Import] = []
        self._type_checking = 0
        self._optional = 0

    def _add(self, line: int, ours: str | None, foreign: str | None) -> None:
        self.imports.append(
            Import(line, ours, foreign, self._type_checking > 0, self._optional > 0)
        )

    def _our_target(self, parts: list[str], *, named_module: bool) -> str:
        # ``import aiohttp.x`` and ``from .x import y`` name module x, known or
        # not; ``from aiohttp import x`` names a module only if x is one, and
        # otherwise an object of the package's __init__.
        if parts and (named_module or parts[0] in self.our_modules):
            return parts[0]
        return "__init__"

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        is_type_checking = (
            isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
        ) or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
        if is_type_checking:
            self._type_checking += 1
            for child in node.body:
                self.visit(child)
            self._type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(handler.type) for handler in node.handlers)
        self._optional += guarded
        for child in node.body:
            self.visit(child)
        self._optional -= guarded
        rest: list[ast.AST] = [*node.handlers, *node.orelse, *node.finalbody]
        for other in rest:
            self.visit(other)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == PACKAGE:
                target = self._our_target(parts[1:], named_module=True)
                self._add(node.lineno, target, None)
            else:
                self._add(node.lineno, None, parts[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module_parts = node.module.split(".") if node.module else []
        if node.level:
            keep = len(self.package_parts) - (node.level - 1)
            base = self.package_parts[: max(keep, 0)]
        elif module_parts and module_parts[0] == PACKAGE:
            base, module_parts = [], module_parts[1:]
        else:
            self._add(node.lineno, None, module_parts[0] if module_parts else None)
            return
        target = base + module_parts
        if target:
            self._add(node.lineno, self._our_target(target, named_module=True), None)
        else:  # ``from aiohttp import a, b`` or ``from . import a, b``
            for alias in node.names:
                found = self._our_target([alias.name], named_module=False)
                self._add(node.lineno, found, None)


def _catches_import_error(handler_type: ast.expr | None) -> bool:
    names = {"ImportError", "ModuleNotFoundError"}
    if handler_type is None:
        return False
    if isinstance(handler_type, ast.Tuple):
        return any(_catches_import_error(element) for element in handler_type.elts)
    return isinstance(handler_type, ast.Name) and handler_type.id in names


def ownership(members: dict[str, Member]) -> tuple[dict[str, str], list[Violation]]:
    """Map each top-level ``aiohttp`` module to the distribution owning it.

    A module found in two members is reported and left out of the map, so
    it does not also surface as a wrong edge in every module importing it.
    """
    owners: dict[str, set[str]] = {"__init__": {CORE}}
    first_file: dict[str, Path] = {}
    problems: list[Violation] = []
    for member in members.values():
        for module, path in member.modules():
            top = module.split(".")[0]
            if module == "__init__" and member.name != CORE:
                problems.append(
                    Violation(path, 1, "only aiotide-core may ship aiohttp/__init__.py")
                )
                continue
            owners.setdefault(top, set()).add(member.name)
            first_file.setdefault(top, path)
    for top, names in sorted(owners.items()):
        if len(names) > 1:
            problems.append(
                Violation(
                    first_file[top],
                    1,
                    f"aiohttp.{top} is shipped by {' and '.join(sorted(names))}",
                )
            )
    unique = {top: names.pop() for top, names in owners.items() if len(names) == 1}
    return unique, problems


def planned_ownership(members: dict[str, Member]) -> dict[str, str]:
    """The facade's table of public modules and their distributions.

    ``_facade.py`` imports only the standard library, so it loads on its
    own, straight from the tree being checked.
    """
    core = members.get(CORE)
    path = core.source / "_facade.py" if core else None
    if path is None or not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location("_checked_facade", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    facade = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(facade)
    return dict(facade.MODULE_DISTRIBUTIONS)


def misplaced(
    owners: dict[str, str], planned: dict[str, str], members: dict[str, Member]
) -> Iterator[Violation]:
    """Modules the tree puts in another distribution than the facade says."""
    for member in members.values():
        for module, path in member.modules():
            top = module.split(".")[0]
            expected = planned.get(top)
            if expected and owners.get(top) == member.name != expected:
                yield Violation(
                    path,
                    1,
                    f"aiohttp.{top} is in {member.name}, but the facade "
                    f"(_facade.MODULE_DISTRIBUTIONS) assigns it to {expected}",
                )


def _package_parts(module: str, path: Path) -> list[str]:
    parts = [] if module == "__init__" else module.split(".")
    return parts if path.name == "__init__.py" else parts[:-1]


def _distributions_of_imports() -> dict[str, set[str]]:
    return {
        name: {canonicalize_name(dist) for dist in dists}
        for name, dists in importlib.metadata.packages_distributions().items()
    }


def check_member(
    member: Member,
    members: dict[str, Member],
    owners: dict[str, str],
    shared: set[str],
    providers: dict[str, set[str]],
) -> Iterator[Violation]:
    """Every import in one member that its dependencies do not allow."""
    known = set(owners) | shared
    allowed = closure(member.name, members)
    allowed_foreign = set().union(
        *(members[name].third_party for name in allowed if name in members)
    )
    for module, path in member.modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        collector = _ImportCollector(_package_parts(module, path), known)
        collector.visit(tree)
        for found in collector.imports:
            if found.ours is not None:
                owner = owners.get(found.ours)
                exempt = (
                    found.type_checking and module in FACADES and member.name == CORE
                )
                if found.ours in shared:
                    continue  # already reported by ownership()
                if owner is None and not exempt:
                    yield Violation(
                        path,
                        found.line,
                        f"imports aiohttp.{found.ours}, which no distribution provides",
                    )
                elif owner is not None and owner not in allowed and not exempt:
                    yield Violation(
                        path,
                        found.line,
                        f"{member.name} imports aiohttp.{found.ours} of {owner}, "
                        f"which it does not depend on",
                    )
            elif found.foreign and not found.optional:
                if found.foreign in sys.stdlib_module_names:
                    continue
                if found.type_checking and found.foreign in TYPE_CHECKER_BUILTINS:
                    continue
                dists = providers.get(found.foreign)
                if not dists:
                    yield Violation(
                        path,
                        found.line,
                        f"imports {found.foreign}, which no installed distribution "
                        f"provides (run uv sync)",
                    )
                elif not dists & allowed_foreign:
                    yield Violation(
                        path,
                        found.line,
                        f"{member.name} imports {found.foreign} "
                        f"({', '.join(sorted(dists))}) without declaring it "
                        f"as a dependency",
                    )


def check(root: Path = ROOT) -> list[Violation]:
    """All import-graph violations in the workspace at ``root``."""
    members = load_members(root)
    owners, problems = ownership(members)
    planned = planned_ownership(members)
    problems.extend(misplaced(owners, planned, members))
    shared = {
        member_module.split(".")[0]
        for member in members.values()
        for member_module, _ in member.modules()
    } - set(owners)
    providers = _distributions_of_imports()
    # Where the tree and the table disagree, the tree (what ships) decides.
    owners = {**planned, **owners}
    for member in members.values():
        problems.extend(check_member(member, members, owners, shared, providers))
    return problems


def main(argv: list[str]) -> int:
    """Print each violation; the exit status says whether there were any."""
    root = Path(argv[1]) if len(argv) > 1 else ROOT
    modules = sum(1 for m in load_members(root).values() for _ in m.modules())
    return report(check(root), f"imports of {modules} module(s)")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
