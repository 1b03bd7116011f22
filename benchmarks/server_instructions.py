"""Count the instructions the server spends per request, against aiohttp.

One command, from the workspace root (needs valgrind, from Debian)::

    uv run python benchmarks/server_instructions.py [--requests N] [--cases ...]

A shared two-core VM makes ``server.py``'s per-CPU-second figures swing by
20-40 % from run to run, more than most changes move them. This script
measures the same work deterministically: ``_server_cycle_worker.py``
serves a case's requests through an in-memory connection under valgrind's
cachegrind, and the instructions of a run with N more requests, less
those of a run without them, divided by N, are that implementation's
instructions per request (the event loop's share included, no kernel
work). aiohttp 3.14.5 runs from the throwaway venv of ``_compare.py``,
with and without its C extensions. Fewer instructions is not the same as
less time (a cache miss or a slow C loop can cost more than a hundred
cheap instructions) but it moves with it, and it does not wobble, but
for one thing: string hashes, and so dict layouts, change with each
process's hash seed, which moves a count by about 1 %. Each figure is
therefore the median over ``--seeds`` fixed seeds (both runs of a pair
share theirs), the same seeds for every implementation.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from _compare import IMPLEMENTATIONS, interpreter, original_aiohttp, setting

WORKER = Path(__file__).resolve().parent / "_server_cycle_worker.py"
CASES = ("server", "app-hello", "app-json", "app-middlewares", "app-router")
_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(python: str, case: str, count: int, env: dict[str, str]) -> int:
    """The instructions of one worker run under cachegrind."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            python,
            str(WORKER),
            case,
            str(count),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    match = _TOTAL.search(result.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{result.stderr}")
    return int(match.group(1).replace(",", ""))


def per_request(
    implementation: str, case: str, count: int, original: Path, seeds: int
) -> float:
    python, env = interpreter(implementation, original)
    figures = []
    for seed in range(seeds):
        env["PYTHONHASHSEED"] = str(seed)
        base = instructions(python, case, 0, env)
        loaded = instructions(python, case, count, env)
        figures.append((loaded - base) / count)
    return statistics.median(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--seeds", type=int, default=3, help="hash seeds per figure")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed: apt-get install valgrind")
    original = original_aiohttp()
    detail = f"{args.requests} requests a case, median of {args.seeds} hash seeds"
    print(setting(detail))
    print("instructions per request (cachegrind); ratios are other / aiotide:")
    print("higher means aiotide does less work")
    print(f"{'case':<18}{'aiotide':>10}{'aiohttp C':>11}{'aiohttp py':>12}", end="")
    print(f"{'vs py':>8}{'vs C':>8}")
    for case in args.cases:
        figures = {
            name: per_request(name, case, args.requests, original, args.seeds)
            for name in IMPLEMENTATIONS
        }
        ours, c, py = (figures[name] for name in IMPLEMENTATIONS)
        print(
            f"{case:<18}{ours:>10,.0f}{c:>11,.0f}{py:>12,.0f}"
            f"{py / ours:>7.2f}x{c / ours:>7.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
