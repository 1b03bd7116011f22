"""Which aiohttp a benchmark worker is running: aiotide's or the original."""

from __future__ import annotations

import aiohttp
from aiohttp import http_parser


def implementation() -> str:
    """``aiotide``, ``aiohttp-c`` (C extensions in use) or ``aiohttp-py``."""
    if hasattr(aiohttp, "__aiotide_version__"):
        return "aiotide"
    if http_parser.HttpRequestParser.__module__ == "aiohttp._http_parser":
        return "aiohttp-c"
    return "aiohttp-py"
