"""Run a benchmark worker under aiotide and under the original aiohttp.

The original (aiohttp 3.14.5) lives in a throwaway virtualenv outside the
project, never in the project's environment: both own the ``aiohttp``
package. A worker is a script that times operations with whatever aiohttp
it imports and prints a JSON object of operations per second, plus the
``implementation`` it measured (see ``_worker_tools.py``).

The three implementations - aiotide, aiohttp with its C extensions, and
aiohttp's pure Python (``AIOHTTP_NO_EXTENSIONS=1``) - run in turn, each in
its own process, for several rounds; each keeps its best figure, so a burst
of noise during one run cannot decide a ratio.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

AIOHTTP = "aiohttp==3.14.5"
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
VENV = (
    Path(tempfile.gettempdir())
    / f"aiotide-bench-{AIOHTTP.replace('==', '-')}-py{PYTHON}"
)
IMPLEMENTATIONS = ("aiotide", "aiohttp-c", "aiohttp-py")


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


def setting(detail: str) -> str:
    """The first line of a report: which Python and aiohttp, then ``detail``."""
    return f"Python {PYTHON}; {AIOHTTP} in {VENV}; {detail}"


def interpreter(implementation: str, original: Path) -> tuple[str, dict[str, str]]:
    """The Python that runs ``implementation``'s workers, and their environment.

    ``original`` is the throwaway venv's interpreter (``original_aiohttp()``).
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    python = sys.executable if implementation == "aiotide" else str(original)
    if implementation == "aiohttp-py":
        env["AIOHTTP_NO_EXTENSIONS"] = "1"
    return python, env


def run_worker(worker: Path, implementation: str, original: Path) -> dict[str, float]:
    """Run ``worker`` for ``implementation``; its figures."""
    python, env = interpreter(implementation, original)
    output = subprocess.run(
        [python, str(worker)], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float | str] = json.loads(output)
    measured = result.pop("implementation")
    if measured != implementation:
        raise RuntimeError(f"asked for {implementation}, the worker ran {measured}")
    return {name: float(value) for name, value in result.items()}


def compare(
    worker: Path, operations: Sequence[str], *, rounds: int = 3
) -> dict[str, dict[str, float]]:
    """Measure ``operations`` for each implementation; print and return the best."""
    original = original_aiohttp()
    best: dict[str, dict[str, float]] = {name: {} for name in IMPLEMENTATIONS}
    for _ in range(rounds):
        for implementation in IMPLEMENTATIONS:
            figures = run_worker(worker, implementation, original)
            for name, value in figures.items():
                best[implementation][name] = max(
                    value, best[implementation].get(name, 0.0)
                )
    print(setting(f"best of {rounds} interleaved rounds"))
    print(
        f"{'operation':<22}{'aiotide/s':>12}{'aiohttp C/s':>14}{'aiohttp py/s':>14}"
        f"{'vs py':>8}{'vs C':>8}"
    )
    ours, c_ext, pure = (best[name] for name in IMPLEMENTATIONS)
    for name in operations:
        a, c, p = ours[name], c_ext[name], pure[name]
        print(
            f"{name:<22}{a:>12,.0f}{c:>14,.0f}{p:>14,.0f}{a / p:>7.2f}x{a / c:>7.2f}x"
        )
    return best
