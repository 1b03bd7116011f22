"""The event loops ``--aiohttp-loop`` can choose (part of aiohttp.pytest_plugin).

``pyloop`` is asyncio's own loop; ``uvloop`` and ``tokio`` are third-party
loops used when installed. The option takes a comma-separated list (or
``all``, which is ``pyloop,uvloop?,tokio?``); a name ending in ``?`` is
dropped quietly when its package is missing, any other missing name is an
error, as in aiohttp.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from typing import Any

import pytest

LoopFactory = Callable[[], asyncio.AbstractEventLoop]

KNOWN_LOOPS = ("pyloop", "uvloop", "tokio")
ALL_LOOPS = "pyloop,uvloop?,tokio?"


def _third_party_factory(module_name: str) -> LoopFactory | None:
    try:
        module: Any = importlib.import_module(module_name)
    except ImportError:
        return None
    factory = getattr(module, "new_event_loop", None)
    if callable(factory):
        return factory  # type: ignore[no-any-return]
    policy = getattr(module, "EventLoopPolicy", None)
    if policy is None:
        return None
    return policy().new_event_loop  # type: ignore[no-any-return]


def available_loops() -> dict[str, LoopFactory]:
    """The loops installed here, by their ``--aiohttp-loop`` name."""
    loops: dict[str, LoopFactory] = {"pyloop": asyncio.new_event_loop}
    for name in KNOWN_LOOPS[1:]:
        factory = _third_party_factory(name)
        if factory is not None:
            loops[name] = factory
    return loops


def select_loops(spec: str) -> dict[str, LoopFactory]:
    """The loops an ``--aiohttp-loop`` value names, in its order.

    Raises :class:`pytest.UsageError` for an unknown name, or a required
    one that is not installed.
    """
    if spec.strip() == "all":
        spec = ALL_LOOPS
    available = available_loops()
    chosen: dict[str, LoopFactory] = {}
    for item in spec.split(","):
        name = item.strip()
        optional = name.endswith("?")
        name = name.rstrip("?").strip()
        if not name:
            continue
        if name in available:
            chosen[name] = available[name]
        elif name not in KNOWN_LOOPS:
            raise pytest.UsageError(
                f"--aiohttp-loop: unknown loop {name!r}; "
                f"known loops: {', '.join(KNOWN_LOOPS)} (or all)"
            )
        elif not optional:
            raise pytest.UsageError(
                f"--aiohttp-loop: the {name} loop is not installed "
                f"(installed: {', '.join(available)}); "
                f"write {name}? to use it only where it is installed"
            )
    if not chosen:
        raise pytest.UsageError(f"--aiohttp-loop={spec!r} names no installed loop")
    return chosen
