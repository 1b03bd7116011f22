"""GunicornUVLoopWebWorker: uvloop's event loop, or a clear error without uvloop."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config  # type: ignore[import-untyped]
from gunicorn_worker_harness import http_get, run_worker, start_gunicorn

from aiohttp import web
from aiohttp.worker import GunicornUVLoopWebWorker

HAS_UVLOOP = importlib.util.find_spec("uvloop") is not None


def test_check_config_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop fails
    with pytest.raises(RuntimeError, match=r"pip install uvloop") as refused:
        GunicornUVLoopWebWorker.check_config(Config(), None)
    assert "aiohttp.GunicornWebWorker" in str(refused.value)
    assert isinstance(refused.value.__cause__, ImportError)


@pytest.mark.skipif(HAS_UVLOOP, reason="uvloop is installed here")
def test_real_gunicorn_refuses_to_start_without_uvloop(tmp_path: Path) -> None:
    with start_gunicorn(
        tmp_path,
        "gunicorn_worker_apps:app",
        worker_class="aiohttp.GunicornUVLoopWebWorker",
        ready=False,
    ) as server:
        assert server.wait_exit() == 1
        assert "uvloop, which is not installed: install it (pip install uvloop)" in (
            server.output_text()
        )
        assert "Booting worker" not in server.log_text()


@pytest.mark.skipif(not HAS_UVLOOP, reason="uvloop is not installed here")
def test_real_gunicorn_serves_on_uvloop(tmp_path: Path) -> None:  # pragma: no cover
    with start_gunicorn(
        tmp_path,
        "gunicorn_worker_apps:app",
        worker_class="aiohttp.GunicornUVLoopWebWorker",
    ) as server:
        assert server.get()[0] == 200


def test_the_worker_runs_on_the_loop_uvloop_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvloop is not a dependency of the test environment: a stand-in module
    # with uvloop's new_event_loop() shows the worker asks it for its loop.
    made: list[asyncio.AbstractEventLoop] = []

    def new_event_loop() -> asyncio.AbstractEventLoop:
        made.append(asyncio.new_event_loop())
        return made[-1]

    stand_in = types.ModuleType("uvloop")
    stand_in.new_event_loop = new_event_loop  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "uvloop", stand_in)
    running: list[asyncio.AbstractEventLoop] = []
    app = web.Application()

    async def index(request: web.Request) -> web.Response:
        running.append(asyncio.get_running_loop())
        return web.Response(text="ok")

    app.router.add_get("/", index)

    def drive(worker: Any, port: int, results: dict[str, Any]) -> None:
        results["get"] = http_get("127.0.0.1", port)
        os.kill(os.getpid(), signal.SIGTERM)

    run = run_worker(tmp_path, app, drive, worker_class=GunicornUVLoopWebWorker)
    assert run.driver_error is None
    assert run.results["get"] == (200, "ok")
    assert running == made
    assert len(made) == 1
