"""The loggers aiohttp writes to, by their well-known names."""

from __future__ import annotations

import logging

__all__ = (
    "access_logger",
    "client_logger",
    "internal_logger",
    "server_logger",
    "web_logger",
    "ws_logger",
)

access_logger = logging.getLogger("aiohttp.access")
client_logger = logging.getLogger("aiohttp.client")
internal_logger = logging.getLogger("aiohttp.internal")
server_logger = logging.getLogger("aiohttp.server")
web_logger = logging.getLogger("aiohttp.web")
ws_logger = logging.getLogger("aiohttp.websocket")
