"""What the plugin's pytester tests share.

Each module imports ``own_rootdir`` (an autouse fixture) and ``run`` from
here, and declares ``pytest_plugins = ("pytester",)`` itself (pytest allows
that only at the top level).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def own_rootdir(pytester: pytest.Pytester) -> None:
    """An ini file of its own: the workspace's (and its conftest) stay out.

    Under nox the temporary files live inside the workspace.
    """
    pytester.makeini("[pytest]\n")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in-process, without hypothesis (slow to import afresh)."""
    return pytester.runpytest("-p", "no:hypothesispytest", *args)
