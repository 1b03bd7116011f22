"""The workspace's checks, one nox session each (uv backend).

- ``tests``: each member's tests in a venv holding only that member, its
  declared dependencies and the test tools (one session per member, plus
  the checkers' own tests as ``part='tools'``). The current Python by
  default; ``-p 3.10 3.11 3.12 3.13`` runs the others found on the machine.
- ``integration``: the sample user projects in tests-integration/, which
  load the pytest plugin by conftest and by entry point.
- ``lint``, ``typecheck``: ruff and mypy --strict over everything.
- ``imports``, ``versions``: the DESIGN.md import graph and version rules.
- ``build``: sdists and wheels into dist/, then a wheel from each sdist.
- ``wheels_disjoint``, ``install_alone``: what the built wheels hold, and
  each distribution installed alone in a fresh venv.

Third-party versions come from uv.lock (exported as constraints), so every
session tests what the lock file pins.
"""

from __future__ import annotations

import os
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "tools"))

from workspace import Member, closure, load_members, reachable  # noqa: E402

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
CURRENT = f"{sys.version_info[0]}.{sys.version_info[1]}"
DIST = ROOT / "dist"
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
MEMBERS = load_members(ROOT)
BY_FOLDER = {member.folder.name: member for member in MEMBERS.values()}
# Siblings a member's tests use as test tools (DESIGN.md): the client's tests
# talk to our own web server, and both test through aiohttp.test_utils and
# the pytest plugin, as users do. They never become runtime dependencies.
TEST_TOOLS = {"client": ("web", "test-utils"), "web": ("test-utils",)}

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True
nox.options.reuse_venv = "yes"
# Only the current interpreter unless -p names others: a developer's
# ``nox -s tests`` stays quick, CI passes every version it has.
nox.options.pythons = [CURRENT]
nox.options.sessions = ["tests", "lint", "typecheck", "imports", "versions"]
# Interpreters come from the machine; never fetch one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


def _constraints(session: nox.Session) -> list[str]:
    """``-c FILE`` pinning every third-party package to uv.lock."""
    path = Path(session.create_tmp()) / "constraints.txt"
    session.run_install(
        "uv",
        "export",
        "--frozen",
        "--all-packages",
        "--all-groups",
        "--all-extras",
        "--no-emit-workspace",
        "--no-hashes",
        "--no-header",
        "--quiet",
        "--output-file",
        str(path),
        external=True,
    )
    return ["-c", str(path)]


def _editable(*members: Member) -> list[str]:
    """``-e`` arguments for ``members`` and every sibling they depend on."""
    names = set().union(*(closure(member.name, MEMBERS) for member in members))
    return [arg for name in sorted(names) for arg in ("-e", str(MEMBERS[name].folder))]


def _install_everything(session: nox.Session, *groups: str) -> None:
    extra = [req for group in groups for req in _group(group)]
    session.install(*_constraints(session), *_editable(*MEMBERS.values()), *extra)


@nox.session(python=PYTHONS)
@nox.parametrize("part", [*sorted(BY_FOLDER), "tools"])
def tests(session: nox.Session, part: str) -> None:
    """Run one member's tests with only that member and its dependencies."""
    if part == "tools":
        # The checkers read the installed workspace, as the sessions using them do.
        _install_everything(session, "test")
        session.run("pytest", "tools/tests", *session.posargs)
        return
    member = BY_FOLDER[part]
    tools = [BY_FOLDER[folder] for folder in TEST_TOOLS.get(part, ())]
    session.install(*_constraints(session), *_editable(member, *tools), *_group("test"))
    coverage_file = Path(session.create_tmp()) / ".coverage"
    env = {"COVERAGE_FILE": str(coverage_file)}
    session.run(
        "coverage",
        "run",
        f"--source={member.source}",
        "-m",
        "pytest",
        str(member.folder / "tests"),
        *session.posargs,
        env=env,
    )
    if any(member.modules()):
        session.run("coverage", "report", env=env)


INTEGRATION = ROOT / "tests-integration"


@nox.session(python=CURRENT)
def integration(session: nox.Session) -> None:
    """Run the projects in tests-integration/, each as its own rootdir.

    The sample user projects use the pytest plugin; ``deployment`` runs real
    gunicorn and nginx (``.ci/run`` installs nginx) in front of our server.

    ``plugin_by_conftest`` runs twice: as installed, then with pytest's plugin
    autoloading off, so that only its conftest's ``pytest_plugins`` loads ours.
    """
    _install_everything(session)  # aiotide-test-utils brings pytest
    for project in ("plugin_by_conftest", "plugin_by_entry_point", "deployment"):
        with session.chdir(INTEGRATION / project):
            session.run("pytest", "-p", "no:cacheprovider", *session.posargs)
    with session.chdir(INTEGRATION / "plugin_by_conftest"):
        session.run(
            "pytest",
            "-p",
            "no:cacheprovider",
            *session.posargs,
            env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        )


@nox.session(python=CURRENT)
def lint(session: nox.Session) -> None:
    """Run ruff's lint rules and its format check."""
    session.install(*_constraints(session), *_group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=CURRENT)
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict over every member, the tests and the tooling."""
    _install_everything(session, "typecheck", "test")
    session.run("mypy", *session.posargs)


@nox.session(python=CURRENT)
def imports(session: nox.Session) -> None:
    """No module imports a distribution its own does not depend on."""
    _install_everything(session)
    session.run("python", "tools/check_imports.py")


@nox.session(python=CURRENT)
def versions(session: nox.Session) -> None:
    """Every member's version and every sibling pin equal VERSION."""
    _install_everything(session)
    session.run("python", "tools/check_versions.py")


@nox.session(python=CURRENT, venv_backend="none")
def build(session: nox.Session) -> None:
    """Build all sdists and wheels into dist/, then a wheel from each sdist."""
    shutil.rmtree(DIST, ignore_errors=True)
    session.run("uv", "build", "--all-packages", "--out-dir", str(DIST), external=True)
    sdists = sorted(DIST.glob("*.tar.gz"))
    wheels = sorted(DIST.glob("*.whl"))
    if len(sdists) != len(MEMBERS) or len(wheels) != len(MEMBERS):
        session.error(
            f"expected {len(MEMBERS)} sdists and wheels, "
            f"got {len(sdists)} and {len(wheels)}"
        )
    scratch = Path(session.create_tmp()) / "from-sdist"
    shutil.rmtree(scratch, ignore_errors=True)
    for sdist in sdists:
        name, version = parse_sdist_filename(sdist.name)
        with tarfile.open(sdist) as archive:
            archive.extractall(scratch, filter="data")
        source = scratch / sdist.name.removesuffix(".tar.gz")
        out = scratch / "wheels" / name
        session.run(
            "uv",
            "build",
            "--wheel",
            "--out-dir",
            str(out),
            str(source),
            external=True,
        )
        (rebuilt,) = out.glob("*.whl")
        if _names(rebuilt) != _names(DIST / rebuilt.name):
            session.error(f"{name} {version}: the wheel built from its sdist differs")
    session.log(
        f"built {len(sdists)} sdists and {len(wheels)} wheels; each sdist builds"
    )


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(archive.namelist())


def _wheels(session: nox.Session) -> dict[str, Path]:
    wheels: dict[str, Path] = {
        canonicalize_name(path.name.split("-")[0]): path
        for path in sorted(DIST.glob("*.whl"))
    }
    if not wheels:
        session.error("dist/ holds no wheels: run `nox -s build` first")
    return wheels


@nox.session(python=CURRENT)
def wheels_disjoint(session: nox.Session) -> None:
    """No path in two wheels; __init__.py and py.typed only from core."""
    _wheels(session)
    session.install(*_constraints(session), "packaging")
    session.run("python", "tools/check_wheels.py", str(DIST))


def _required_siblings(wheel: Path, wheels: dict[str, Path]) -> list[str]:
    """The aiotide distributions a wheel's metadata requires unconditionally."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        )
        lines = archive.read(metadata).decode().splitlines()
    requirements = [
        Requirement(line.removeprefix("Requires-Dist:").strip())
        for line in lines
        if line.startswith("Requires-Dist:")
    ]
    return [
        canonicalize_name(req.name)
        for req in requirements
        if canonicalize_name(req.name) in wheels and req.marker is None
    ]


@nox.session(python=CURRENT, venv_backend="none")
def install_alone(session: nox.Session) -> None:
    """Each distribution alone in a fresh venv: imports, facade errors, pip check."""
    wheels = _wheels(session)
    constraints = _constraints(session)
    base = Path(session.create_tmp()) / "alone"
    shutil.rmtree(base, ignore_errors=True)
    for name in sorted(wheels):
        venv = base / name
        python = venv / "bin" / "python"
        session.run(
            "uv", "venv", "--quiet", "--python", CURRENT, str(venv), external=True
        )
        parts = reachable(name, lambda dist: _required_siblings(wheels[dist], wheels))
        needed = sorted(str(wheels[dist]) for dist in parts)
        session.run(
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            *constraints,
            *needed,
            external=True,
        )
        session.run(str(python), "tools/check_install.py", name, external=True)
        session.run("uv", "pip", "check", "--python", str(python), external=True)
