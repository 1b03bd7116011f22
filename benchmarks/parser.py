"""Benchmark aiotide's HTTP/1 parser and writer against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/parser.py

``_parser_worker.py`` parses a typical browser GET and a request with a
64 KiB chunked body, and serializes a typical response, through aiohttp's
public API; ``_compare.py`` runs it under aiotide and under aiohttp 3.14.5
(C and pure Python) and prints operations per second and the ratios.
"""

from __future__ import annotations

from pathlib import Path

from _compare import compare

WORKER = Path(__file__).resolve().parent / "_parser_worker.py"

if __name__ == "__main__":
    compare(WORKER, ("parse_get", "parse_chunked_64k", "serialize_response"))
