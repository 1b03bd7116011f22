"""Check, inside an environment, that what is installed behaves as promised.

Run by ``nox -s install_alone`` with the interpreter of a fresh virtual
environment holding one aiotide wheel and its declared dependencies only.
It uses the standard library alone, so it needs nothing installed beside
them. It checks that:

- every module the installed aiotide wheels ship imports;
- every public name of the ``aiohttp`` facade resolves when its module is
  installed, and otherwise raises the ``ImportError`` that names its
  distribution (``pip install X`` when X is absent);
- ``from aiohttp import web`` (and each other distribution's entry module)
  either works or raises that same error;
- ``from aiohttp import *`` and ``dir(aiohttp)`` list exactly what resolves.

Usage: ``python check_install.py DISTRIBUTION``; prints a summary line and
exits 1 on the first batch of failures.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys

ENTRY_MODULES = ("web", "client", "http_websocket", "test_utils", "worker")


def installed_aiotide() -> dict[str, set[str]]:
    """Each installed aiotide distribution and the aiohttp modules it ships."""
    shipped: dict[str, set[str]] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name.startswith("aiotide"):
            continue
        modules = set()
        for path in dist.files or []:
            parts = path.parts
            if parts[0] == "aiohttp" and path.suffix == ".py":
                dotted = ".".join((*parts[1:-1], path.stem))
                modules.add("" if dotted == "__init__" else dotted)
        shipped[name] = modules
    return shipped


def expected_error(wanted: str, distribution: str, installed: set[str]) -> str:
    """The start of the message the facade must give for ``wanted``."""
    if distribution in installed:
        return f"{wanted} is provided by {distribution}, but "
    return (
        f"{wanted} is provided by {distribution}, which is not installed: "
        f"pip install {distribution}"
    )


def import_everything(shipped: dict[str, set[str]]) -> list[str]:
    """Import each module the installed wheels ship; report what fails."""
    failures = []
    for name, modules in sorted(shipped.items()):
        for module in sorted(modules):
            qualified = f"aiohttp.{module}" if module else "aiohttp"
            try:
                importlib.import_module(qualified)
            except Exception as exc:
                failures.append(f"{qualified} (from {name}) fails to import: {exc!r}")
    return failures


def check_names(shipped: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """Ask the facade for every public name: the resolvable ones, and failures."""
    import aiohttp  # noqa: PLC0415 - only once the import sweep has run
    from aiohttp import _facade  # noqa: PLC0415

    exports: dict[str, str] = aiohttp._EXPORTS
    available = {module for modules in shipped.values() for module in modules}
    wanted = list(exports.items())
    wanted += [(module, module) for module in ENTRY_MODULES]
    resolvable, failures = [], []
    for attribute, module in wanted:
        qualified = f"aiohttp.{attribute}"
        owner = _facade.MODULE_DISTRIBUTIONS[module]
        try:
            getattr(aiohttp, attribute)
        except ImportError as exc:
            if module in available:
                failures.append(f"{qualified} is installed but raised {exc!r}")
            elif not str(exc).startswith(
                expected_error(qualified, owner, set(shipped))
            ):
                failures.append(f"{qualified}: unexpected message {str(exc)!r}")
            continue
        if module not in available:
            failures.append(f"{qualified} resolved though {module} is not installed")
        elif attribute in exports:
            resolvable.append(attribute)
    return resolvable, failures


def check_listings(resolvable: list[str]) -> list[str]:
    """``from aiohttp import *`` and ``dir(aiohttp)`` list what resolves."""
    import aiohttp  # noqa: PLC0415

    failures = []
    namespace: dict[str, object] = {}
    exec("from aiohttp import *", namespace)  # noqa: S102 - the form under test
    star = sorted(name for name in namespace if not name.startswith("__"))
    if star != sorted(resolvable):
        failures.append(
            f"from aiohttp import * gave {star}, expected {sorted(resolvable)}"
        )
    listed = set(dir(aiohttp)) & set(aiohttp._EXPORTS)
    if listed != set(resolvable):
        failures.append(
            f"dir(aiohttp) is wrong about {sorted(listed ^ set(resolvable))}"
        )
    return failures


def check(distribution: str) -> list[str]:
    """Every broken promise in the running environment."""
    shipped = installed_aiotide()
    if distribution not in shipped:
        return [f"{distribution} is not installed here"]
    failures = import_everything(shipped)
    resolvable, name_failures = check_names(shipped)
    failures += name_failures + check_listings(resolvable)
    modules = sum(len(modules) for modules in shipped.values())
    print(
        f"install_alone {distribution}: {len(shipped)} aiotide distribution(s), "
        f"{modules} module(s), {len(resolvable)} public name(s) resolve, "
        f"{len(failures)} failure(s)"
    )
    return failures


def main(argv: list[str]) -> int:
    """Print each failure; the exit status says whether there were any."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    failures = check(argv[1])
    for failure in failures:
        print(f"  FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
