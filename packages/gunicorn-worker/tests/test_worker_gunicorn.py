"""The worker under a real gunicorn arbiter: restarts and the hooks around signals."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from gunicorn_worker_harness import TESTS, WAIT, start_gunicorn, wait_for


def _pid(body: str) -> int:
    return int(body.split()[1])


def test_max_requests_makes_the_arbiter_fork_a_new_worker(tmp_path: Path) -> None:
    with start_gunicorn(
        tmp_path, "gunicorn_worker_apps:app", "--max-requests", "3"
    ) as server:
        first = _pid(server.get()[1])
        pids = {first}
        deadline = time.monotonic() + WAIT
        # The worker leaves after 3 requests (at its next heartbeat); the
        # arbiter forks its replacement. Requests in between still succeed.
        while len(pids) == 1 and time.monotonic() < deadline:
            status, body = server.get()
            assert status == 200
            pids.add(_pid(body))
            time.sleep(0.05)
        assert len(pids) == 2, server.log_text()
        assert "Max requests, shutting down" in server.log_text()


def test_quit_runs_worker_int_in_every_worker(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    with start_gunicorn(
        tmp_path,
        "gunicorn_worker_apps:app",
        "--config",
        str(TESTS / "gunicorn_worker_hooks.py"),
        "--workers",
        "2",
        env={"HOOK_DIR": str(hooks)},
    ) as server:
        wait_for(
            lambda: len(list(hooks.glob("post_worker_init-*"))) == 2,
            "both workers to boot",
        )
        booted = {path.name.split("-")[1] for path in hooks.glob("post_worker_init-*")}
        server.signal(signal.SIGQUIT)
        assert server.wait_exit() == 0
    interrupted = {path.name.split("-")[1] for path in hooks.glob("worker_int-*")}
    assert interrupted == booted
