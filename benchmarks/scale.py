"""How aiotide scales across gunicorn workers, and whether a reload loses requests.

One command, from the workspace root::

    uv run python benchmarks/scale.py [--duration SECONDS] [--rounds N]

Two measurements, on 127.0.0.1, with ``wrk -t1 -c32`` as the load:

1. **Scaling.** ``gunicorn _scale_app:app --worker-class
   aiohttp.GunicornWebWorker`` (hello world through ``web.Application``)
   with 1 worker, then with 2, taking turns for ``--rounds`` rounds (each
   keeps its best requests per second). Printed: requests per second for
   each, the 2-worker / 1-worker ratio, and the CPU seconds each of the 2
   workers spent in the best run (wrk opens its 32 connections at once,
   and the worker that wakes first may accept most of them). On a 2-core
   machine wrk shares the cores with the workers, so the ratio stays well
   below 2.
2. **Reload under load.** 2 workers under wrk for ``--duration`` seconds
   plus 4, with a ``HUP`` to the arbiter a third and two thirds of the way
   through (each replaces both workers: gunicorn forks new ones and TERMs
   the old ones, which stop listening and finish what is in flight).
   Printed: requests, failed requests (non-2xx responses plus wrk's socket
   errors; the bar is 0) and the worker pids before and after.

Every gunicorn runs in its own process group and is stopped (TERM, then
KILL of the group) however the run ends; every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from server import cpu_seconds, parse_wrk

BENCHMARKS = Path(__file__).resolve().parent
CONNECTIONS = 32
WAIT = 20.0  # seconds any start, stop or wait may take
_LISTENING = re.compile(r"Listening at: http://(\S+) \(")
_BOOTED = re.compile(r"Booting worker with pid: (\d+)")


@dataclass
class Gunicorn:
    """A running arbiter: its process, its port and its error log."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def worker_pids(self) -> set[int]:
        """The arbiter's live children (its workers), from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def replaced(self, previous: set[int]) -> bool:
        """Whether 2 workers run and none of them is in ``previous``."""
        now = self.worker_pids()
        return len(now) == 2 and not now & previous


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def gunicorn(workers: int, directory: Path) -> Iterator[Gunicorn]:
    """``workers`` aiohttp workers behind one arbiter on a free loopback port."""
    log = directory / f"gunicorn-{workers}-{time.monotonic_ns()}.log"
    log.touch()
    script = Path(sys.executable).with_name("gunicorn")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]
    command += [
        "_scale_app:app",
        "--chdir",
        str(BENCHMARKS),
        "--bind",
        "127.0.0.1:0",
        "--workers",
        str(workers),
        "--worker-class",
        "aiohttp.GunicornWebWorker",
        "--error-logfile",
        str(log),
        "--no-control-socket",
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:

        def listening() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
            text = log.read_text()
            return bool(_LISTENING.search(text)) and len(_BOOTED.findall(text)) >= (
                workers
            )

        _wait(listening, "gunicorn to start")
        match = _LISTENING.search(log.read_text())
        assert match is not None
        port = int(match[1].rsplit(":", 1)[1])
        _wait(lambda: _answers(port), "gunicorn to answer")
        yield Gunicorn(process, port, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(WAIT)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(WAIT)


def wrk(port: int, duration: int) -> list[str]:
    """The wrk command line loading hello world for ``duration`` seconds."""
    return [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--latency",
        f"http://127.0.0.1:{port}/",
    ]


def _run_wrk(command: list[str], duration: int) -> str:
    return subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=duration + WAIT
    ).stdout


@dataclass
class Load:
    """One measured wrk run: requests per second, and each worker's CPU seconds."""

    requests_per_s: float
    worker_cpu_s: list[float]


def measure(workers: int, duration: int, directory: Path) -> Load:
    """Hello world under wrk with ``workers`` workers (after a warm-up)."""
    with gunicorn(workers, directory) as server:
        _run_wrk(wrk(server.port, 1), 1)
        pids = sorted(server.worker_pids())
        before = [cpu_seconds(pid) for pid in pids]
        output = _run_wrk(wrk(server.port, duration), duration)
        used = [
            cpu_seconds(pid) - start for pid, start in zip(pids, before, strict=True)
        ]
        requests, seconds, _, errors = parse_wrk(output)
        if errors:
            raise RuntimeError(f"{errors} failed requests with {workers} worker(s)")
        return Load(requests / seconds, used)


@dataclass
class Reload:
    """What a load run with HUPs in the middle saw."""

    requests: int
    failed: int
    reloads: int
    before: set[int]
    after: set[int]


def reload_under_load(duration: int, directory: Path) -> Reload:
    """Load 2 workers, HUP the arbiter twice meanwhile, count what failed."""
    total = duration + 4
    with gunicorn(2, directory) as server:
        before = server.worker_pids()
        load = subprocess.Popen(
            wrk(server.port, total),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            started = time.monotonic()
            reloads = 0
            for moment in (total / 3, 2 * total / 3):
                time.sleep(max(0.0, started + moment - time.monotonic()))
                previous = server.worker_pids()
                server.process.send_signal(signal.SIGHUP)
                reloads += 1
                _wait(
                    functools.partial(server.replaced, previous),
                    "the reload to replace both workers",
                )
            output, _ = load.communicate(timeout=total + WAIT)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait(WAIT)
        after = server.worker_pids()
    requests, _, _, failed = parse_wrk(output)
    return Reload(requests, failed, reloads, before, after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk); nothing to measure")
    if not Path("/proc/self/stat").exists():
        sys.exit("this benchmark reads gunicorn's workers from /proc (Linux only)")

    best: dict[int, Load] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for _ in range(args.rounds):
            for workers in (1, 2):
                load = measure(workers, args.duration, directory)
                kept = best.get(workers)
                if kept is None or load.requests_per_s > kept.requests_per_s:
                    best[workers] = load
        reload = reload_under_load(args.duration, directory)

    print(
        f"gunicorn + aiohttp.GunicornWebWorker, hello world; {os.cpu_count()} cores; "
        f"wrk -t1 -c{CONNECTIONS} -d{args.duration}s; best of {args.rounds} "
        "interleaved rounds"
    )
    one, two = best[1].requests_per_s, best[2].requests_per_s
    print(f"{'1 worker req/s':<28}{one:>12,.0f}")
    print(f"{'2 workers req/s':<28}{two:>12,.0f}")
    print(f"{'2 workers / 1 worker':<28}{two / one:>11.2f}x")
    # wrk opens its connections at once and one worker may accept most of
    # them: how the CPU time split between the workers shows it.
    split = " + ".join(f"{cpu:.2f}" for cpu in best[2].worker_cpu_s)
    print(f"{'2 workers CPU-s (best run)':<28}{split:>12}")
    print(
        f"reload under load: {reload.reloads} HUPs during wrk -d{args.duration + 4}s, "
        f"{reload.requests:,} requests, {reload.failed} failed "
        "(non-2xx + socket errors; the bar is 0)"
    )
    print(f"{'workers before':<28}{sorted(reload.before)}")
    print(f"{'workers after':<28}{sorted(reload.after)}")
    if reload.failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
