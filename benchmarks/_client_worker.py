"""Time the client (aiotide or the original aiohttp) against ``_client_peer``.

``python _client_worker.py PORT`` prints one JSON object:
``get_per_s`` (20,000 GETs at concurrency 32 through one ClientSession,
each body read), ``get_per_cpu_s`` (the same per second of this process's
CPU time) and ``download_mb_s`` (a 100 MiB body read with
``iter_chunked(64 KiB)``, ``DOWNLOADS`` times over: one takes only some
20 ms, too short to measure alone). Uses only API both implementations
share.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from _worker_tools import implementation, pin_to_one_core

import aiohttp

REQUESTS = 20_000
CONCURRENCY = 32
DOWNLOADS = 10


async def _gets(session: aiohttp.ClientSession, url: str, count: int) -> None:
    for _ in range(count):
        async with session.get(url) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"unexpected status {response.status}")


async def _download(session: aiohttp.ClientSession, url: str) -> int:
    received = 0
    async with session.get(url) as response:
        async for chunk in response.content.iter_chunked(64 * 1024):
            received += len(chunk)
    return received


async def main(port: int) -> dict[str, float | str]:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        await _gets(session, base + "/", 200)  # warm the pool and caches
        per_task = REQUESTS // CONCURRENCY
        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(
            *(_gets(session, base + "/", per_task) for _ in range(CONCURRENCY))
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        done = per_task * CONCURRENCY
        await _download(session, base + "/big")  # warm the buffers
        received = 0
        start = time.perf_counter()
        for _ in range(DOWNLOADS):
            received += await _download(session, base + "/big")
        seconds = time.perf_counter() - start
    return {
        "implementation": implementation(),
        "get_per_s": done / wall,
        "get_per_cpu_s": done / cpu,
        "download_mb_s": received / seconds / 1e6,
    }


if __name__ == "__main__":
    pin_to_one_core()
    print(json.dumps(asyncio.run(main(int(sys.argv[1])))))
