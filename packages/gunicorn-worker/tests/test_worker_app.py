"""What ``gunicorn mod:NAME`` may name: an Application, or an async factory of one."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from gunicorn.errors import AppImportError  # type: ignore[import-untyped]
from gunicorn_worker_harness import start_gunicorn

from aiohttp import web
from aiohttp._worker_app import load_application


async def test_an_application_is_served_as_it_is() -> None:
    app = web.Application()
    assert await load_application(app) is app


async def test_an_async_factory_is_awaited() -> None:
    app = web.Application()

    async def make_app() -> web.Application:
        return app

    assert await load_application(make_app) is app


async def test_a_partial_of_an_async_factory_is_awaited() -> None:
    apps = {"a": web.Application()}

    async def make_app(name: str) -> web.Application:
        return apps[name]

    assert await load_application(functools.partial(make_app, "a")) is apps["a"]


async def test_a_sync_factory_is_refused() -> None:
    def make_app() -> web.Application:
        return web.Application()

    with pytest.raises(
        AppImportError, match=r"async function returning one.*is neither"
    ):
        await load_application(make_app)


async def test_a_factory_returning_something_else_is_refused() -> None:
    async def make_app() -> object:
        return "not an app"

    with pytest.raises(AppImportError, match="returned 'not an app'"):
        await load_application(make_app)


def test_real_gunicorn_serves_an_async_factory(tmp_path: Path) -> None:
    with start_gunicorn(tmp_path, "gunicorn_worker_apps:make_app") as server:
        status, body = server.get("/factory")
        assert status == 200
        assert body.startswith("pid ")


@pytest.mark.parametrize("target", ["sync_factory", "make_nothing"])
def test_real_gunicorn_stops_on_what_it_cannot_serve(
    tmp_path: Path, target: str
) -> None:
    with start_gunicorn(
        tmp_path, f"gunicorn_worker_apps:{target}", ready=False
    ) as server:
        # 4: gunicorn's APP_LOAD_ERROR, after which the arbiter stops instead
        # of forking replacement workers.
        assert server.wait_exit() == 4
        assert "aiohttp's gunicorn worker serves an aiohttp.web.Application" in (
            server.output_text()
        )
        assert "App failed to load" in server.log_text()


def test_a_failing_startup_is_a_boot_failure(tmp_path: Path) -> None:
    with start_gunicorn(tmp_path, "gunicorn_worker_apps:broken", ready=False) as server:
        # 3: gunicorn's WORKER_BOOT_ERROR: the arbiter stops, no respawn loop.
        assert server.wait_exit() == 3
        log = server.log_text()
        assert "RuntimeError: the database is down" in log
        assert "Worker failed to boot" in log
