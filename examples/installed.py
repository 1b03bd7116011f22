"""Show which aiotide distributions are installed and what ``aiohttp`` offers.

Run from the workspace root with ``uv run python examples/installed.py``.
It prints the aiohttp API level the facade reports and, for each aiotide
distribution, its installed version, how many of its ``aiohttp`` modules
are present, and how many of aiohttp's top-level names it provides resolve.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections import Counter

import aiohttp
from aiohttp import _facade

DISTRIBUTIONS = (
    "aiotide",
    _facade.CORE,
    _facade.WEBSOCKET,
    _facade.CLIENT,
    _facade.WEB,
    _facade.TEST_UTILS,
    _facade.GUNICORN,
)


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def main() -> None:
    """Print the report."""
    print(f"aiohttp API {aiohttp.__version__}, aiotide {aiohttp.__aiotide_version__}")
    print()
    exports: dict[str, str] = aiohttp._EXPORTS
    modules = Counter(_facade.MODULE_DISTRIBUTIONS.values())
    modules_here = Counter(
        owner
        for module, owner in _facade.MODULE_DISTRIBUTIONS.items()
        if importlib.util.find_spec(f"aiohttp.{module}") is not None
    )
    names = Counter(_facade.MODULE_DISTRIBUTIONS[module] for module in exports.values())
    names_here = Counter(
        _facade.MODULE_DISTRIBUTIONS[exports[name]] for name in aiohttp.__all__
    )
    print(f"{'distribution':<20} {'version':<15} {'modules':<10} top-level names")
    for distribution in DISTRIBUTIONS:
        version = installed_version(distribution) or "not installed"
        if distribution in modules:
            shipped = f"{modules_here[distribution]} of {modules[distribution]}"
            offered = f"{names_here[distribution]} of {names[distribution]}"
        else:
            shipped = offered = "-"  # the meta-distribution holds no code
        print(f"{distribution:<20} {version:<15} {shipped:<10} {offered}")
    print()
    print(f"{len(aiohttp.__all__)} of aiohttp's {len(exports)} public names resolve.")
    example = "ClientSession"  # looked up by name: it may not be installed
    try:
        getattr(aiohttp, example)
    except ImportError as exc:
        print(f"For example: {exc}")
    else:
        print(f"aiohttp.{example} is ready.")


if __name__ == "__main__":
    main()
