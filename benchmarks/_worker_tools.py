"""What every benchmark worker needs, whichever aiohttp it imports.

Workers run under aiotide and under the original aiohttp (see
``_compare.py``), so this module may use only API both share.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

import aiohttp
from aiohttp import http_parser


def implementation() -> str:
    """``aiotide``, ``aiohttp-c`` (C extensions in use) or ``aiohttp-py``."""
    if hasattr(aiohttp, "__aiotide_version__"):
        return "aiotide"
    if http_parser.HttpRequestParser.__module__ == "aiohttp._http_parser":
        return "aiohttp-c"
    return "aiohttp-py"


def pin_to_one_core() -> None:
    """Run on the last core: the same footing for every implementation."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {(os.cpu_count() or 1) - 1})


class SinkTransport(asyncio.Transport):
    """A transport that counts what is written and drops it (no socket cost)."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += len(data)

    def writelines(self, list_of_data: object) -> None:
        pass

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0


def rate(run: Callable[[int], None], count: int, repeats: int = 5) -> float:
    """Operations per second of ``run(count)``, best of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run(count)
        best = min(best, time.perf_counter() - start)
    return count / best
