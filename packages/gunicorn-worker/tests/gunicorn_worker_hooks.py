"""A gunicorn configuration file (``-c``) whose hooks leave files behind.

Each hook writes ``<hook>-<pid>`` into the directory named by the
``HOOK_DIR`` environment variable, so a test sees which hooks ran where.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _mark(hook: str, worker: Any) -> None:
    (Path(os.environ["HOOK_DIR"]) / f"{hook}-{worker.pid}").touch()


def worker_int(worker: Any) -> None:
    _mark("worker_int", worker)


def worker_abort(worker: Any) -> None:
    _mark("worker_abort", worker)


def post_worker_init(worker: Any) -> None:
    _mark("post_worker_init", worker)
