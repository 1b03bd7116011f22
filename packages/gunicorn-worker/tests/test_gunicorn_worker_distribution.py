"""The installed distribution: its dependencies and the modules it provides."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util

import pytest
from packaging.requirements import Requirement

import aiohttp
from aiohttp import _facade

DISTRIBUTION = "aiotide-gunicorn"
SIBLINGS = {"aiotide-web"}
THIRD_PARTY = {"gunicorn"}
MODULES = sorted(
    module
    for module, owner in _facade.MODULE_DISTRIBUTIONS.items()
    if owner == DISTRIBUTION
)


def test_depends_on_exactly_its_siblings_at_its_own_version() -> None:
    requirements = [
        Requirement(line)
        for line in importlib.metadata.distribution(DISTRIBUTION).requires or []
    ]
    pin = f"=={importlib.metadata.version(DISTRIBUTION)}"
    assert {
        req.name: str(req.specifier) for req in requirements if req.name in SIBLINGS
    } == dict.fromkeys(SIBLINGS, pin)
    assert {req.name for req in requirements} == SIBLINGS | THIRD_PARTY


@pytest.mark.parametrize("module", MODULES)
def test_its_modules_import_or_are_reported_missing_from_it(module: str) -> None:
    if importlib.util.find_spec(f"aiohttp.{module}") is not None:
        assert getattr(aiohttp, module) is importlib.import_module(f"aiohttp.{module}")
    else:
        version = importlib.metadata.version(DISTRIBUTION)
        with pytest.raises(ImportError, match=f"installed {DISTRIBUTION} {version}"):
            getattr(aiohttp, module)
