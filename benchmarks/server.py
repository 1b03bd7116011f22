"""Benchmark aiotide's HTTP server and web framework against the original aiohttp.

One command, from the workspace root::

    uv run python benchmarks/server.py [--duration SECONDS] [--rounds N] [--cases ...]

``_server_worker.py`` serves one case on 127.0.0.1, pinned to one core;
``wrk`` loads it from another core (``-t1 -c32 --latency``). The cases:

- ``server``: ``Hello, World!`` from a low-level ``web.Server``, in three
  variants: keep-alive, ``Connection: close`` (a new connection per
  request) and pipelined (8 requests per write);
- the framework, keep-alive: ``app-hello`` (hello world through
  ``web.Application``), ``app-json`` (``/user/{id}`` answered with
  ``json_response``), ``app-middlewares`` (the same behind three no-op
  ``@web.middleware``) and ``app-router`` (the same route among 500).

For each implementation - aiotide, aiohttp 3.14.5 with
its C extensions and aiohttp in pure Python, the latter two in the throwaway
venv ``_compare.py`` makes - it prints requests per second, requests per
second of server CPU time (user + system, read from ``/proc`` over the load
window: the figure that does not depend on how the load generator and the
server share the machine) and wrk's 99th percentile latency. Implementations
take turns for several rounds; each keeps its best figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _compare import IMPLEMENTATIONS, interpreter, original_aiohttp, setting

WORKER = Path(__file__).resolve().parent / "_server_worker.py"
CONNECTIONS = 32
PIPELINE_DEPTH = 8
# wrk's script hook: one write carries PIPELINE_DEPTH requests (of the URL's path).
PIPELINE_LUA = f"""
init = function(args)
  local batch = {{}}
  for i = 1, {PIPELINE_DEPTH} do batch[i] = wrk.format() end
  pipelined = table.concat(batch)
end
request = function() return pipelined end
"""
# name -> extra wrk arguments ({lua} is the pipelining script's path)
VARIANTS = {
    "keep-alive": [],
    "close": ["-H", "Connection: close"],
    "pipelined": ["-s", "{lua}"],
}
# case (see _server_worker.CASES) -> the variants it is loaded with
CASES = {
    "server": ("keep-alive", "close", "pipelined"),
    "app-hello": ("keep-alive",),
    "app-json": ("keep-alive",),
    "app-middlewares": ("keep-alive",),
    "app-router": ("keep-alive",),
}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
_LATENCY_99 = re.compile(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", re.MULTILINE)
_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass
class Figures:
    """One wrk run against one server."""

    requests_per_s: float
    requests_per_cpu_s: float
    p99_ms: float
    errors: int


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # Fields after the command name, which is in parentheses and may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def parse_wrk(output: str) -> tuple[int, float, float, int]:
    """Requests, seconds, p99 latency in ms and errors from ``wrk --latency``."""
    requests = _REQUESTS.search(output)
    p99 = _LATENCY_99.search(output)
    if requests is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[requests.group(3)]
    socket_errors = _SOCKET_ERRORS.search(output)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    non_2xx = _NON_2XX.search(output)
    if non_2xx is not None:
        errors += int(non_2xx.group(1))
    return (
        int(requests.group(1)),
        float(requests.group(2)) * scale,
        float(p99.group(1)) * _UNITS[p99.group(2)],
        errors,
    )


def wrk_command(
    url: str, duration: int, extra: list[str], core: int | None
) -> list[str]:
    """The wrk command line, pinned to ``core`` when there is one to spare."""
    pin = ["taskset", "-c", str(core)] if core is not None else []
    return [
        *pin,
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--latency",
        *extra,
        url,
    ]


def load(pid: int, command: list[str]) -> Figures:
    """Run wrk once; the server's CPU time is read just before and after."""
    before = cpu_seconds(pid)
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    cpu = cpu_seconds(pid) - before
    requests, seconds, p99_ms, errors = parse_wrk(output.stdout)
    return Figures(requests / seconds, requests / max(cpu, 1e-9), p99_ms, errors)


def worker_command(
    implementation: str, case: str, original: Path
) -> tuple[list[str], dict[str, str]]:
    """How ``_compare.py`` runs a worker for ``implementation``: argv and env."""
    python, env = interpreter(implementation, original)
    return [python, str(WORKER), case], env


def measure(
    implementation: str, case: str, original: Path, duration: int, lua: Path
) -> dict[str, Figures]:
    """Start one server, warm it up, load it with each of its variants in turn."""
    argv, env = worker_command(implementation, case, original)
    worker = subprocess.Popen(
        argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        hello = json.loads(worker.stdout.readline())
        if hello["implementation"] != implementation:
            raise RuntimeError(
                f"asked for {implementation}, the worker ran {hello['implementation']}"
            )
        port, pid = int(hello["port"]), int(hello["pid"])
        url = f"http://127.0.0.1:{port}{hello['path']}"
        server_cores = os.sched_getaffinity(pid)
        spare = sorted(set(range(os.cpu_count() or 1)) - server_cores)
        core = spare[0] if spare else None
        load(pid, wrk_command(url, 1, [], core))  # warm-up, not measured
        return {
            variant: load(
                pid,
                wrk_command(
                    url, duration, [a.format(lua=lua) for a in VARIANTS[variant]], core
                ),
            )
            for variant in CASES[case]
        }
    finally:
        if worker.stdin is not None:
            worker.stdin.close()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument(
        "--cases",
        nargs="+",
        choices=list(CASES),
        default=list(CASES),
        help="what to measure (default: every case)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk); nothing to measure")
    if not Path("/proc/self/stat").exists():
        sys.exit("this benchmark reads server CPU time from /proc (Linux only)")

    original = original_aiohttp()
    # (case, variant) -> implementation -> best figures
    best: dict[tuple[str, str], dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "pipeline.lua"
        lua.write_text(PIPELINE_LUA)
        for _ in range(args.rounds):
            for case in args.cases:
                for implementation in IMPLEMENTATIONS:
                    figures = measure(
                        implementation, case, original, args.duration, lua
                    )
                    for variant, new in figures.items():
                        kept = best.setdefault((case, variant), {})
                        old = kept.get(implementation)
                        kept[implementation] = new if old is None else better(old, new)
    report(best, args.duration, args.rounds)


def better(old: Figures, new: Figures) -> Figures:
    """The best of two runs, figure by figure."""
    return Figures(
        max(old.requests_per_s, new.requests_per_s),
        max(old.requests_per_cpu_s, new.requests_per_cpu_s),
        min(old.p99_ms, new.p99_ms),
        max(old.errors, new.errors),
    )


def report(
    best: dict[tuple[str, str], dict[str, Figures]], duration: int, rounds: int
) -> None:
    """Print the best figures and the aiotide/aiohttp ratios."""
    load = f"wrk -t1 -c{CONNECTIONS} -d{duration}s"
    print(setting(f"{load}; best of {rounds} interleaved rounds"))
    print("ratios are aiotide / other: higher is better, except p99 latency")
    print(
        f"{'figure':<36}{'aiotide':>12}{'aiohttp C':>12}{'aiohttp py':>12}"
        f"{'vs py':>8}{'vs C':>8}"
    )
    for (case, variant), figures in best.items():
        ours, c_ext, pure = (figures[name] for name in IMPLEMENTATIONS)
        rows = [
            ("req/s", "requests_per_s", ",.0f"),
            ("req/CPU-s", "requests_per_cpu_s", ",.0f"),
        ]
        # wrk times a pipelined batch, not a request: no latency to compare.
        if variant != "pipelined":
            rows.append(("p99 ms", "p99_ms", ".2f"))
        for label, field, spec in rows:
            a, c, p = (getattr(x, field) for x in (ours, c_ext, pure))
            name = f"{case} {variant} {label}"
            print(
                f"{name:<36}{a:>12{spec}}{c:>12{spec}}{p:>12{spec}}"
                f"{a / p:>7.2f}x{a / c:>7.2f}x"
            )
        errors = [x.errors for x in (ours, c_ext, pure)]
        if any(errors):
            counts = "".join(f"{n:>12}" for n in errors)
            print(f"{case + ' ' + variant + ' errors':<36}{counts}")


if __name__ == "__main__":
    main()
