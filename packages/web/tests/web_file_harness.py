"""Helpers for the FileResponse and static-file tests: a client, raw requests, curl.

``file_client`` serves one file on ``aiohttp_raw_server`` for
``aiohttp_client``. For what a client would not send as is (traversal
targets, framing), raw bytes go out on a real socket to a test server's
port; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from web_raw_client import RawResponse, read_response

from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.test_utils import TestClient
from aiohttp.web_fileresponse import FileResponse
from aiohttp.web_request import BaseRequest

#: Every wait in these tests is bounded: a bug fails, never hangs.
TIMEOUT = 10.0

CURL = shutil.which("curl") or "/usr/bin/curl"

FileClient = TestClient[BaseRequest, None]


def serving(path: Path) -> Callable[[BaseRequest], Awaitable[FileResponse]]:
    """A low-level handler answering every request with ``FileResponse(path)``."""

    async def handler(request: BaseRequest) -> FileResponse:
        return FileResponse(path)

    return handler


async def file_client(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, path: Path
) -> FileClient:
    """A client of ``FileResponse(path)`` that sends only what a test gives.

    No ``Accept-Encoding`` unless the test sends one, and bodies as they came.
    """
    return await aiohttp_client(
        await aiohttp_raw_server(serving(path)),
        skip_auto_headers=["Accept-Encoding"],
        auto_decompress=False,
    )


def build_request(
    target: str = "/", *, method: str = "GET", headers: Iterable[tuple[str, str]] = ()
) -> bytes:
    """The bytes of a request with ``Host`` and ``Connection: close``."""
    lines = [f"{method} {target} HTTP/1.1", "Host: test", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send_raw(
    port: int | None, data: bytes, *, head_request: bool = False
) -> RawResponse:
    """Send ``data`` on a new connection and read one response."""
    assert port is not None, "the server is not started"
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), TIMEOUT
    )
    try:
        writer.write(data)
        return await asyncio.wait_for(
            read_response(reader, head_request=head_request), TIMEOUT
        )
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def read_all(port: int | None, data: bytes) -> bytes:
    """Send ``data`` and return every byte until the server closes."""
    assert port is not None, "the server is not started"
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), TIMEOUT
    )
    try:
        writer.write(data)
        chunks = []
        while chunk := await asyncio.wait_for(reader.read(65536), TIMEOUT):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def curl(*args: str) -> tuple[str, bytes]:
    """Run curl with ``args``; return the head it printed (``-D -``) and the body.

    ``-o`` goes to a pipe of its own so head and body do not mix.
    """
    process = await asyncio.create_subprocess_exec(
        CURL,
        "-s",
        "--max-time",
        str(TIMEOUT),
        "-D",
        "/dev/stderr",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    body, head = await asyncio.wait_for(process.communicate(), TIMEOUT + 5)
    assert process.returncode == 0, (process.returncode, head)
    return head.decode("latin-1"), body
