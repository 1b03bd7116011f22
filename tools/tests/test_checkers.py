"""Each workspace checker passes a sound tree and fails when its rule breaks."""

from __future__ import annotations

from pathlib import Path

import check_imports
import check_versions
import check_wheels
import pytest
from synthetic import VERSION, make_wheels, make_workspace, write_module, write_wheel


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def _messages(problems: list[check_imports.Violation]) -> list[str]:
    return [problem.message for problem in problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


# -- imports ---------------------------------------------------------------


def test_imports_accepts_the_design_graph(root: Path) -> None:
    assert check_imports.check(root) == []


@pytest.mark.parametrize(
    ("folder", "relative", "source", "expected"),
    [
        (
            "core",
            "helpers.py",
            "from .web import x\n",
            "aiotide-core imports aiohttp.web of aiotide-web, which it does not depend on",
        ),
        (
            "core",
            "helpers.py",
            "import aiohttp.client\n",
            "aiotide-core imports aiohttp.client of aiotide-client, which it does not depend on",
        ),
        (
            "core",
            "helpers.py",
            "from aiohttp import http_websocket\n",
            "aiotide-core imports aiohttp.http_websocket of aiotide-websocket, which it does not depend on",
        ),
        (
            "client",
            "client_ws.py",
            "from aiohttp.web import x\n",
            "aiotide-client imports aiohttp.web of aiotide-web, which it does not depend on",
        ),
        (
            "web",
            "web_app.py",
            "from . import client\n",
            "aiotide-web imports aiohttp.client of aiotide-client, which it does not depend on",
        ),
        (
            "websocket",
            "_websocket/writer.py",
            "from ..web import x\n",
            "aiotide-websocket imports aiohttp.web of aiotide-web, which it does not depend on",
        ),
        (
            "core",
            "helpers.py",
            "def f():\n    from .web import x\n",
            "aiotide-core imports aiohttp.web of aiotide-web, which it does not depend on",
        ),
        (
            "core",
            "helpers.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .web import x\n",
            "aiotide-core imports aiohttp.web of aiotide-web, which it does not depend on",
        ),
        (
            "web",
            "web_app.py",
            "from .nowhere import x\n",
            "imports aiohttp.nowhere, which no distribution provides",
        ),
    ],
)
def test_imports_rejects_an_edge_the_design_forbids(
    root: Path, folder: str, relative: str, source: str, expected: str
) -> None:
    write_module(root, folder, relative, source)
    assert _messages(check_imports.check(root)) == [expected]


def test_imports_knows_planned_modules_from_the_facade_table(root: Path) -> None:
    # web_app is not written yet, but it will belong to aiotide-web.
    write_module(root, "client", "client_ws.py", "from aiohttp import web_app\n")
    write_module(root, "web", "web_runner.py", "from . import web_app\n")
    assert _messages(check_imports.check(root)) == [
        "aiotide-client imports aiohttp.web_app of aiotide-web, which it does not depend on"
    ]


def test_imports_rejects_a_module_in_the_wrong_distribution(root: Path) -> None:
    (root / "packages/web/src/aiohttp/web.py").rename(
        root / "packages/client/src/aiohttp/web.py"
    )
    assert _messages(check_imports.check(root)) == [
        "aiohttp.web is in aiotide-client, but the facade "
        "(_facade.MODULE_DISTRIBUTIONS) assigns it to aiotide-web",
    ]


def test_imports_lets_only_the_facades_name_higher_modules_for_type_checkers(
    root: Path,
) -> None:
    lazy = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .web import Application\n"
    write_module(root, "core", "__init__.py", lazy)
    write_module(root, "core", "http.py", lazy.replace(".web", ".http_websocket"))
    assert check_imports.check(root) == []


def test_imports_rejects_init_outside_core_and_shared_modules(root: Path) -> None:
    write_module(root, "web", "__init__.py", "")
    write_module(root, "client", "hdrs.py", "")
    assert sorted(_messages(check_imports.check(root))) == [
        "aiohttp.hdrs is shipped by aiotide-client and aiotide-core",
        "only aiotide-core may ship aiohttp/__init__.py",
    ]


def test_imports_checks_third_party_against_declared_dependencies(root: Path) -> None:
    write_module(root, "core", "helpers.py", "import pytest\n")
    assert _messages(check_imports.check(root)) == [
        "aiotide-core imports pytest (pytest) without declaring it as a dependency"
    ]


def test_imports_lets_type_checkers_have_typing_extensions(root: Path) -> None:
    only_typed = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from typing_extensions import Unpack\n"
    )
    write_module(root, "core", "helpers.py", only_typed)
    assert check_imports.check(root) == []
    # At run time it is a dependency like any other (whether or not this
    # environment happens to have it installed).
    write_module(root, "core", "helpers.py", "from typing_extensions import Unpack\n")
    (problem,) = _messages(check_imports.check(root))
    assert problem.startswith(
        ("aiotide-core imports typing_extensions", "imports typing_extensions")
    )


def test_imports_allows_optional_and_inherited_third_party(root: Path) -> None:
    optional = "try:\n    import pytest\nexcept ImportError:\n    pytest = None\n"
    write_module(root, "core", "helpers.py", optional)
    # multidict is declared by core, which test-utils depends on transitively.
    write_module(
        root, "test-utils", "pytest_plugin.py", "import multidict\nimport os\n"
    )
    assert check_imports.check(root) == []


def test_imports_main_reports_and_fails(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_module(root, "core", "helpers.py", "from .web import x\n")
    assert check_imports.main(["check_imports.py", str(root)]) == 1
    output = capsys.readouterr().out
    assert "helpers.py:1: aiotide-core imports aiohttp.web" in output
    assert "imports of 11 module(s): 1 problem(s)" in output


# -- versions --------------------------------------------------------------


def _versions(root: Path) -> list[str]:
    return check_versions.check(root, compare_installed=False)


def test_versions_accepts_one_version_everywhere(root: Path) -> None:
    assert _versions(root) == []


def test_versions_rejects_a_stray_pin(root: Path) -> None:
    _edit(
        root / "packages/web/pyproject.toml",
        f"aiotide-core=={VERSION}",
        "aiotide-core>=1.0",
    )
    assert _versions(root) == [
        f"packages/web: pins aiotide-core>=1.0; siblings are pinned =={VERSION}"
    ]


def test_versions_rejects_a_pin_after_a_bump(root: Path) -> None:
    (root / "VERSION").write_text("1.3.0\n")
    problems = _versions(root)
    assert len(problems) == 7  # every sibling pin in the layout
    assert all("siblings are pinned ==1.3.0" in problem for problem in problems)


def test_versions_rejects_a_static_or_unshared_version(root: Path) -> None:
    pyproject = root / "packages/client/pyproject.toml"
    _edit(pyproject, 'dynamic = ["version"]', 'version = "1.2.3"')
    _edit(pyproject, 'path = "../../VERSION"', 'path = "VERSION"')
    _edit(pyproject, '{ file = "../../VERSION" }', '{ file = "README.md" }')
    assert _versions(root) == [
        "packages/client: a static version; it must come from VERSION",
        "packages/client: [tool.hatch.version] path 'VERSION' is not the workspace VERSION",
        "packages/client: [tool.uv] cache-keys does not list VERSION",
    ]


def test_versions_rejects_unknown_siblings_and_bad_versions(root: Path) -> None:
    _edit(root / "packages/web/pyproject.toml", "aiotide-core==", "aiotide-kore==")
    assert _versions(root) == [
        "packages/web: depends on aiotide-kore, which is not a member"
    ]
    (root / "VERSION").write_text("one point two\n")
    assert _versions(root) == ["VERSION: 'one point two' is not a PEP 440 version"]


def test_versions_main_fails_on_a_problem(root: Path) -> None:
    (root / "VERSION").write_text("2.0.0\n")
    assert check_versions.main(["check_versions.py", str(root)]) == 1


# -- wheels ----------------------------------------------------------------


def test_wheels_accepts_a_clean_build(root: Path, tmp_path: Path) -> None:
    dist = make_wheels(root, tmp_path / "dist")
    assert check_wheels.check(dist, root) == []


def test_wheels_rejects_a_file_in_two_wheels(root: Path, tmp_path: Path) -> None:
    dist = make_wheels(root, tmp_path / "dist")
    write_wheel(
        dist, "aiotide-web", VERSION, {"aiohttp/web.py": "", "aiohttp/hdrs.py": ""}
    )
    assert check_wheels.check(dist, root) == [
        "aiotide_web-1.2.3-py3-none-any.whl: ships aiohttp/hdrs.py, which is not its source",
        "aiohttp/hdrs.py ships in 2 wheels: aiotide-core, aiotide-web",
    ]


def test_wheels_keep_init_and_py_typed_to_core(root: Path, tmp_path: Path) -> None:
    dist = make_wheels(root, tmp_path / "dist")
    write_wheel(
        dist, "aiotide-web", VERSION, {"aiohttp/web.py": "", "aiohttp/py.typed": ""}
    )
    assert check_wheels.check(dist, root)[-1] == (
        "aiohttp/py.typed must ship only in aiotide-core, not aiotide-core, aiotide-web"
    )


def test_wheels_reject_missing_files_wheels_and_versions(
    root: Path, tmp_path: Path
) -> None:
    dist = make_wheels(root, tmp_path / "dist")
    write_wheel(dist, "aiotide-web", VERSION, {})
    (dist / f"aiotide_client-{VERSION}-py3-none-any.whl").unlink()
    (dist / f"aiotide_test_utils-{VERSION}-py3-none-any.whl").rename(
        dist / "aiotide_test_utils-9.9.9-py3-none-any.whl"
    )
    assert check_wheels.check(dist, root) == [
        "aiotide_test_utils-9.9.9-py3-none-any.whl: version 9.9.9, VERSION says 1.2.3",
        "no wheel of aiotide-client in " + str(dist),
        "aiotide_web-1.2.3-py3-none-any.whl: aiohttp/web.py is missing",
    ]
