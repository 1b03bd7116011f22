"""What the manual's example tests share: serving an app, raw requests, curl."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

CURL = "/usr/bin/curl"


@contextlib.asynccontextmanager
async def served(app: web.Application, **kwargs: Any) -> AsyncIterator[int]:
    """Serve ``app`` with AppRunner and TCPSite on a free port."""
    runner = web.AppRunner(app, **kwargs)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield runner.addresses[0][1]
    finally:
        await asyncio.wait_for(runner.cleanup(), 10)


def raw(method: str, path: str, *headers: str, body: bytes = b"") -> bytes:
    """A request's bytes; POST and PUT always say their Content-Length."""
    lines = "".join(f"{header}\r\n" for header in headers)
    if body or method in ("POST", "PUT"):
        lines += f"Content-Length: {len(body)}\r\n"
    return f"{method} {path} HTTP/1.1\r\nHost: test\r\n{lines}\r\n".encode() + body


def get(path: str, *headers: str) -> bytes:
    """A GET request's bytes."""
    return raw("GET", path, *headers)


async def curl(*args: str) -> tuple[int, str]:
    """Run curl; return its exit code and stdout."""
    proc = await asyncio.create_subprocess_exec(
        CURL,
        "-s",
        "--max-time",
        "5",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode is not None
    return proc.returncode, out.decode()
