"""Benchmark aiotide's HTTP client against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/client.py [--rounds N]

``_client_peer.py`` (plain asyncio, no aiohttp) serves on 127.0.0.1 pinned
to the first core; ``_client_worker.py`` runs the client on the last core:
20,000 GETs at concurrency 32 through one ``ClientSession``, then a
100 MiB download read in 64 KiB chunks, ten times over. Each
implementation - aiotide, and aiohttp 3.14.5 with and without its C
extensions from the throwaway venv ``_compare.py`` makes - runs in turn
for several rounds against the same peer; each keeps its best figure, and
the ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from _compare import IMPLEMENTATIONS, interpreter, original_aiohttp, setting

HERE = Path(__file__).resolve().parent
PEER = HERE / "_client_peer.py"
WORKER = HERE / "_client_worker.py"
FIGURES = ("get_per_s", "get_per_cpu_s", "download_mb_s")


def run_worker(implementation: str, original: Path, port: int) -> dict[str, float]:
    python, env = interpreter(implementation, original)
    output = subprocess.run(
        [python, str(WORKER), str(port)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    result = json.loads(output)
    if result.pop("implementation") != implementation:
        raise RuntimeError(f"the worker did not run {implementation}")
    return {name: float(value) for name, value in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    original = original_aiohttp()
    peer = subprocess.Popen(
        [sys.executable, str(PEER)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert peer.stdout is not None
        port = int(peer.stdout.readline())
        best: dict[str, dict[str, float]] = {name: {} for name in IMPLEMENTATIONS}
        for _ in range(args.rounds):
            for name in IMPLEMENTATIONS:
                for figure, value in run_worker(name, original, port).items():
                    best[name][figure] = max(value, best[name].get(figure, 0.0))
    finally:
        peer.kill()
        peer.wait()
    print(setting(f"best of {args.rounds} rounds"))
    print(
        f"{'figure':<16}{'aiotide':>12}{'aiohttp C':>12}{'aiohttp py':>12}"
        f"{'vs C':>8}{'vs py':>8}"
    )
    ours, c_ext, pure = (best[name] for name in IMPLEMENTATIONS)
    for figure in FIGURES:
        a, c, p = ours[figure], c_ext[figure], pure[figure]
        print(
            f"{figure:<16}{a:>12,.0f}{c:>12,.0f}{p:>12,.0f}{a / c:>7.2f}x{a / p:>7.2f}x"
        )


if __name__ == "__main__":
    main()
