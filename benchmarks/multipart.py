"""Benchmark aiotide's multipart reader and writer against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/multipart.py

It uses the throwaway virtualenv of ``parser.py`` (aiohttp 3.14.5, outside
the project), then runs ``_multipart_worker.py`` three times - with
aiotide, with aiohttp and its C extensions, and with aiohttp's pure-Python
code (``AIOHTTP_NO_EXTENSIONS=1``) - each in its own process on the same
interpreter version, and prints operations per second and the ratios.
The form is eight text fields and two 64 KiB files (about 132 KiB);
``read_form`` feeds it to the stream in one piece, ``read_form_mtu`` in
1500-byte pieces, ``write_form`` builds and writes it. Compare ratios from
one run, not absolute figures across runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# parser.py sits next to this script, which Python puts first on sys.path.
from parser import AIOHTTP, PYTHON, VENV, original_aiohttp  # type: ignore[import-not-found,unused-ignore]

WORKER = Path(__file__).resolve().parent / "_multipart_worker.py"
OPERATIONS = ("read_form", "read_form_mtu", "write_form")


def measure(
    python: Path | str, *, no_extensions: bool = False
) -> dict[str, float | bool]:
    """Run the worker under ``python``; its figures."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if no_extensions:
        env["AIOHTTP_NO_EXTENSIONS"] = "1"
    output = subprocess.run(
        [str(python), str(WORKER)], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float | bool] = json.loads(output)
    return result


def main() -> None:
    """Measure the three and print the table."""
    original = original_aiohttp()
    ours = measure(sys.executable)
    c_ext = measure(original)
    pure = measure(original, no_extensions=True)
    assert ours["aiotide"], "the project's environment does not import aiotide"
    assert not c_ext["aiotide"]
    assert not pure["aiotide"]
    print(f"Python {PYTHON}; {AIOHTTP} in {VENV}")
    print(f"form body: {int(ours['body_size']):,} bytes, 10 parts")
    print(
        f"{'operation':<16}{'aiotide/s':>12}{'aiohttp C/s':>14}{'aiohttp py/s':>14}"
        f"{'vs py':>8}{'vs C':>8}"
    )
    for name in OPERATIONS:
        a, c, p = float(ours[name]), float(c_ext[name]), float(pure[name])
        print(
            f"{name:<16}{a:>12,.0f}{c:>14,.0f}{p:>14,.0f}{a / p:>7.2f}x{a / c:>7.2f}x"
        )


if __name__ == "__main__":
    main()
