"""Benchmark aiotide's HTTP/1 parser and writer against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/parser.py

It installs aiohttp 3.14.5 into a throwaway virtualenv outside the project
(never into the project's environment: both own the ``aiohttp`` package),
then runs ``_parser_worker.py`` three times in one go - with aiotide, with
aiohttp and its C extensions, and with aiohttp's pure-Python code
(``AIOHTTP_NO_EXTENSIONS=1``) - each in its own process on the same
interpreter version, and prints operations per second and the ratios.
Compare ratios from one run, not absolute figures across runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

AIOHTTP = "aiohttp==3.14.5"
HERE = Path(__file__).resolve().parent
WORKER = HERE / "_parser_worker.py"
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
VENV = (
    Path(tempfile.gettempdir())
    / f"aiotide-bench-{AIOHTTP.replace('==', '-')}-py{PYTHON}"
)


def original_aiohttp() -> Path:
    """The throwaway venv's interpreter, with the original aiohttp in it."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(
            ["uv", "venv", "--quiet", "--python", sys.executable, str(VENV)], check=True
        )
        subprocess.run(
            ["uv", "pip", "install", "--quiet", "--python", str(python), AIOHTTP],
            check=True,
        )
    return python


def measure(
    python: Path | str, *, no_extensions: bool = False
) -> dict[str, float | str]:
    """Run the worker under ``python``; its figures."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if no_extensions:
        env["AIOHTTP_NO_EXTENSIONS"] = "1"
    output = subprocess.run(
        [str(python), str(WORKER)], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float | str] = json.loads(output)
    return result


def main() -> None:
    """Measure the three and print the table."""
    original = original_aiohttp()
    ours = measure(sys.executable)
    c_ext = measure(original)
    pure = measure(original, no_extensions=True)
    assert ours["parser_module"] == "aiohttp.http_parser", ours["parser_module"]
    assert c_ext["parser_module"] == "aiohttp._http_parser", (
        "aiohttp's C parser is not in use"
    )
    assert pure["parser_module"] == "aiohttp.http_parser"
    print(f"Python {PYTHON}; {AIOHTTP} in {VENV}")
    print(
        f"{'operation':<22}{'aiotide/s':>12}{'aiohttp C/s':>14}{'aiohttp py/s':>14}"
        f"{'vs py':>8}{'vs C':>8}"
    )
    for name in ("parse_get", "parse_chunked_64k", "serialize_response"):
        a, c, p = float(ours[name]), float(c_ext[name]), float(pure[name])
        print(
            f"{name:<22}{a:>12,.0f}{c:>14,.0f}{p:>14,.0f}{a / p:>7.2f}x{a / c:>7.2f}x"
        )


if __name__ == "__main__":
    main()
