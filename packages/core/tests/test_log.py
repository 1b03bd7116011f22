"""aiohttp.log: the loggers applications configure by their names."""

from __future__ import annotations

import logging

import pytest

from aiohttp import log


@pytest.mark.parametrize(
    ("attribute", "name"),
    [
        ("access_logger", "aiohttp.access"),
        ("client_logger", "aiohttp.client"),
        ("internal_logger", "aiohttp.internal"),
        ("server_logger", "aiohttp.server"),
        ("web_logger", "aiohttp.web"),
        ("ws_logger", "aiohttp.websocket"),
    ],
)
def test_loggers_are_the_named_ones(attribute: str, name: str) -> None:
    logger = getattr(log, attribute)
    assert logger is logging.getLogger(name)
