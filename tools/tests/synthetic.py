"""A small synthetic workspace for the checkers' tests, built in a tmp dir."""

from __future__ import annotations

import zipfile
from pathlib import Path

VERSION = "1.2.3"

# folder -> (distribution, sibling dependencies, third-party dependencies)
LAYOUT = {
    "core": ("aiotide-core", [], ["multidict>=6"]),
    "websocket": ("aiotide-websocket", ["aiotide-core"], []),
    "client": ("aiotide-client", ["aiotide-core", "aiotide-websocket"], []),
    "web": ("aiotide-web", ["aiotide-core", "aiotide-websocket"], []),
    "test-utils": ("aiotide-test-utils", ["aiotide-client", "aiotide-web"], ["pytest"]),
}

MODULES = {
    "core": {
        "__init__.py": "from pkgutil import extend_path\n",
        # The facade's table also names modules no member has written yet.
        "_facade.py": (
            "MODULE_DISTRIBUTIONS = {'hdrs': 'aiotide-core', 'http': 'aiotide-core',"
            " 'http_websocket': 'aiotide-websocket', 'client': 'aiotide-client',"
            " 'web': 'aiotide-web', 'web_app': 'aiotide-web',"
            " 'test_utils': 'aiotide-test-utils'}\n"
        ),
        "hdrs.py": "from multidict import istr\n",
        "http.py": "from . import hdrs\n",
    },
    "websocket": {
        "http_websocket.py": "from .hdrs import istr\nfrom ._websocket import reader\n",
        "_websocket/__init__.py": "",
        "_websocket/reader.py": "from .. import hdrs\nfrom ..http import x\n",
    },
    "client": {
        "client.py": "import aiohttp.http_websocket\nfrom aiohttp import hdrs\n"
    },
    "web": {"web.py": "from .http_websocket import WSMsgType\n"},
    "test-utils": {"test_utils.py": "import pytest\nfrom aiohttp import web, client\n"},
}


def pyproject(name: str, siblings: list[str], third_party: list[str]) -> str:
    """A member's pyproject.toml, configured as the real ones are."""
    dependencies = [f"{sibling}=={VERSION}" for sibling in siblings] + third_party
    quoted = ", ".join(f'"{dependency}"' for dependency in dependencies)
    return (
        f'[project]\nname = "{name}"\ndynamic = ["version"]\n'
        f"dependencies = [{quoted}]\n\n"
        '[tool.hatch.version]\npath = "../../VERSION"\n\n'
        '[tool.uv]\ncache-keys = [{ file = "pyproject.toml" }, { file = "../../VERSION" }]\n'
    )


def make_workspace(root: Path) -> Path:
    """Write the synthetic workspace under ``root`` and return ``root``."""
    root.mkdir(parents=True)
    (root / "VERSION").write_text(f"{VERSION}\n")
    for folder, (name, siblings, third_party) in LAYOUT.items():
        member = root / "packages" / folder
        (member / "src" / "aiohttp").mkdir(parents=True)
        (member / "pyproject.toml").write_text(pyproject(name, siblings, third_party))
        for relative, text in MODULES[folder].items():
            write_module(root, folder, relative, text)
    return root


def write_module(root: Path, folder: str, relative: str, text: str) -> Path:
    """Add or replace one module of a member."""
    path = root / "packages" / folder / "src" / "aiohttp" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_wheels(root: Path, dist: Path) -> Path:
    """Wheels holding exactly each member's sources, as a good build makes."""
    dist.mkdir()
    for folder, (name, _, _) in LAYOUT.items():
        files = {
            f"aiohttp/{relative}": text for relative, text in MODULES[folder].items()
        }
        if folder == "core":
            files["aiohttp/py.typed"] = ""
        write_wheel(dist, name, VERSION, files)
    return dist


def write_wheel(dist: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """One wheel file with ``files`` and a minimal dist-info."""
    stem = f"{name.replace('-', '_')}-{version}"
    path = dist / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for relative, text in files.items():
            archive.writestr(relative, text)
        archive.writestr(
            f"{stem}.dist-info/METADATA", f"Name: {name}\nVersion: {version}\n"
        )
    return path
