"""aiotide under a real gunicorn: 2 workers of aiohttp.GunicornWebWorker on 127.0.0.1.

Each test starts its own gunicorn (``gunicorn_harness``) and drives it with
curl and with our own client. The application answers with the pid of the
worker that served the request, which is how the tests tell workers apart.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from pathlib import Path
from typing import Any

from gunicorn_harness import TIMEOUT, curl, gunicorn, short_tmp_dir, wait_until

from aiohttp import ClientSession, ClientTimeout, UnixConnector

_TIMEOUT = ClientTimeout(total=TIMEOUT)
# aiohttp's default access log format, '%a %t "%r" %s %b "%{Referer}i"
# "%{User-Agent}i"', as one line of the log.
_AIOHTTP_LINE = re.compile(
    r"127\.0\.0\.1 \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "
    r'"(?P<line>[^"]*)" (?P<status>\d{3}) (?P<size>\d+) '
    r'"(?P<referer>[^"]*)" "(?P<agent>[^"]*)"'
)


async def _get_json(session: ClientSession, url: str) -> dict[str, Any]:
    async with session.get(url) as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


async def _pids_serving(session: ClientSession, url: str) -> set[int]:
    """Whichever workers answer while one of them is held busy.

    ``/block`` holds one worker's event loop for a moment; the request sent
    meanwhile can only be accepted by another worker.
    """
    blocked = asyncio.ensure_future(_get_json(session, f"{url}/block?s=0.6"))
    await asyncio.sleep(0.2)
    meanwhile = json.loads(await asyncio.to_thread(curl, f"{url}/"))
    return {(await blocked)["pid"], meanwhile["pid"]}


async def test_both_workers_serve(tmp_path: Path) -> None:
    with gunicorn(tmp_path) as server:
        workers = server.worker_pids()
        assert len(workers) == 2
        seen: set[int] = set()
        async with ClientSession(timeout=_TIMEOUT) as session:
            for _ in range(10):
                seen |= await _pids_serving(session, server.url)
                if seen == workers:
                    break
            answer = await _get_json(session, f"{server.url}/")
        assert seen == workers
        assert answer["ppid"] == server.pid
        assert answer["pid"] in workers


async def test_hup_reloads_workers_while_requests_are_served(tmp_path: Path) -> None:
    with gunicorn(tmp_path) as server:
        old = server.worker_pids()
        statuses: list[int] = []
        async with ClientSession(timeout=_TIMEOUT) as session:
            server.signal(signal.SIGHUP)
            # Requests keep being answered through the reload.
            deadline = time.monotonic() + TIMEOUT
            while server.worker_pids() & old or len(server.worker_pids()) != 2:
                assert time.monotonic() < deadline, server.log_text()
                async with session.get(f"{server.url}/") as response:
                    statuses.append(response.status)
                await asyncio.sleep(0.02)
            new = server.wait_for_workers(2, excluding=old)
            after = {
                (await _get_json(session, f"{server.url}/"))["pid"] for _ in range(10)
            }
        assert statuses
        assert set(statuses) == {200}
        assert not new & old
        assert after <= new
        assert "Handling signal: hup" in server.log_text()


async def test_a_killed_worker_is_respawned(tmp_path: Path) -> None:
    with gunicorn(tmp_path) as server:
        old = server.worker_pids()
        victim = min(old)
        os.kill(victim, signal.SIGKILL)
        now = server.wait_for_workers(2, excluding={victim})
        assert len(now & old) == 1  # the survivor keeps serving
        (newcomer,) = now - old
        async with ClientSession(timeout=_TIMEOUT) as session:
            seen: set[int] = set()
            for _ in range(10):
                seen |= await _pids_serving(session, server.url)
                if newcomer in seen:
                    break
        assert newcomer in seen
        assert victim not in seen


async def test_term_lets_an_in_flight_request_finish(tmp_path: Path) -> None:
    with gunicorn(tmp_path) as server:
        marks = tmp_path / "marks"
        async with ClientSession(timeout=_TIMEOUT) as session:
            in_flight = asyncio.ensure_future(
                _get_json(session, f"{server.url}/slow?s=2&name=in-flight")
            )
            await asyncio.to_thread(
                wait_until, (marks / "in-flight").exists, "the slow request to start"
            )
            server.signal(signal.SIGTERM)
            answer = await in_flight
        assert answer["slow"] == "done"
        assert await asyncio.to_thread(server.wait_exit) == 0
        assert server.worker_pids() == set()
        assert "Handling signal: term" in server.log_text()


async def test_access_log_is_in_aiohttp_format(tmp_path: Path) -> None:
    with gunicorn(tmp_path) as server:
        curl("-e", "http://referer.test/", "-A", "curl-deploy/1", f"{server.url}/?q=1")
        async with ClientSession(timeout=_TIMEOUT) as session:
            await _get_json(session, f"{server.url}/")
        wait_until(lambda: len(server.access_lines()) >= 3, "the access log lines")
        lines = server.access_lines()
    matches = [_AIOHTTP_LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    by_line = {match["line"]: match for match in matches if match}
    from_curl = by_line["GET /?q=1 HTTP/1.1"]
    assert from_curl["status"] == "200"
    assert from_curl["referer"] == "http://referer.test/"
    assert from_curl["agent"] == "curl-deploy/1"
    ours = [m for m in matches if m and m["agent"].startswith("Python/")]
    assert ours, lines


async def test_an_async_factory_is_served(tmp_path: Path) -> None:
    with gunicorn(tmp_path, "gunicorn_app:make_app") as server:
        assert curl(f"{server.url}/made-by") == "make_app"
        async with (
            ClientSession(timeout=_TIMEOUT) as session,
            session.get(f"{server.url}/made-by") as response,
        ):
            assert await response.text() == "make_app"


async def test_a_unix_socket_bind() -> None:
    with short_tmp_dir() as directory:
        await _serve_on_a_unix_socket(directory)


async def _serve_on_a_unix_socket(directory: Path) -> None:
    path = directory / "gunicorn.sock"
    with gunicorn(directory, bind=f"unix:{path}") as server:
        answer = json.loads(curl("--unix-socket", str(path), "http://localhost/"))
        assert answer["ppid"] == server.pid
        connector = UnixConnector(path=str(path))
        async with ClientSession(connector=connector, timeout=_TIMEOUT) as session:
            ours = await _get_json(session, "http://localhost/")
        assert ours["pid"] in server.worker_pids()
