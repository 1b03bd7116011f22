"""Benchmark aiotide's WebSocket reader and writer against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/websocket.py

``_websocket_worker.py`` parses a buffer of 1000 small masked text frames
(``parse_frames``, frames/s), writes 1000 small masked text frames
(``build_frames``, frames/s) and writes 64 KiB masked binary frames
(``mask_64k``, in MB/s of payload: neither implementation has a public
masking function, so the writer's masking path is measured). ``_compare.py``
runs it under aiotide and under aiohttp 3.14.5 (C and pure Python) and
prints the figures and the ratios.
"""

from __future__ import annotations

from pathlib import Path

from _compare import compare

WORKER = Path(__file__).resolve().parent / "_websocket_worker.py"

if __name__ == "__main__":
    compare(WORKER, ("parse_frames", "build_frames", "mask_64k"))
