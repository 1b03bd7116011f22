"""Benchmark aiotide's multipart reader and writer against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/multipart.py

``_multipart_worker.py`` reads a 10-part multipart/form-data body (eight
text fields and two 64 KiB files, about 132 KiB) from a stream fed in one
piece (``read_form``) or in 1500-byte pieces (``read_form_mtu``), and
writes the same form (``write_form``), through aiohttp's public API;
``_compare.py`` runs it under aiotide and under aiohttp 3.14.5 (C and pure
Python) and prints operations per second and the ratios.
"""

from __future__ import annotations

from pathlib import Path

from _compare import compare

WORKER = Path(__file__).resolve().parent / "_multipart_worker.py"

if __name__ == "__main__":
    compare(WORKER, ("read_form", "read_form_mtu", "write_form"))
