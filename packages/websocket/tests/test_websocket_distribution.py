"""aiotide-websocket as installed: its dependencies and the aiohttp modules it provides."""

from __future__ import annotations

from collections.abc import Callable


def test_matches_the_design(distribution_contract: Callable[..., None]) -> None:
    distribution_contract("aiotide-websocket", {"aiotide-core"}, set())
