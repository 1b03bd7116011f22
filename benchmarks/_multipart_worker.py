"""Time aiohttp's public multipart API in whatever aiohttp is importable.

Run by ``multipart.py`` through ``_compare.py``, once per implementation
(aiotide; the original aiohttp with its C extensions; the original with
AIOHTTP_NO_EXTENSIONS=1), so the same code measures each. The form is what
a browser uploads: eight text fields and two 64 KiB files. Prints one JSON
object: operations per second.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable

from _worker_tools import implementation, pin_to_one_core
from multidict import CIMultiDict

from aiohttp.abc import AbstractStreamWriter
from aiohttp.base_protocol import BaseProtocol
from aiohttp.multipart import MultipartReader, MultipartWriter
from aiohttp.streams import StreamReader

BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
FIELDS = [
    ("title", "Quarterly report"),
    ("author", "Zoë Müller"),
    ("email", "zoe@example.com"),
    ("tags", "finance, q3, draft"),
    ("visibility", "internal"),
    ("notes", "Numbers are preliminary.\r\nDo not forward.\r\n" * 4),
    ("lang", "de"),
    ("csrf_token", "8f14e45fceea167a5a36dedd4bea2543"),
]
FILES = [
    ("attachment", "report.pdf", bytes(range(256)) * 256),
    ("appendix", "data.bin", bytes(255 - i % 256 for i in range(65536))),
]


class _Collector(AbstractStreamWriter):
    """Keeps the bytes written; no socket cost."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.chunks.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.chunks.append(chunk)

    async def drain(self) -> None:
        pass

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        raise AssertionError("not used")

    def enable_chunking(self) -> None:
        raise AssertionError("not used")

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise AssertionError("not used")


def build_form() -> MultipartWriter:
    writer = MultipartWriter("form-data", boundary=BOUNDARY)
    for name, value in FIELDS:
        part = writer.append(value)
        part.set_content_disposition("form-data", name=name)
    for name, filename, data in FILES:
        part = writer.append(data)
        part.set_content_disposition("form-data", name=name, filename=filename)
    return writer


async def write_form() -> bytes:
    collector = _Collector()
    await build_form().write(collector)
    return b"".join(collector.chunks)


async def read_form(body: bytes, piece: int) -> list[object]:
    loop = asyncio.get_running_loop()
    # A limit above the body: aiohttp's BaseProtocol cannot pause without a
    # parser, and flow control is not what is measured here.
    stream = StreamReader(BaseProtocol(loop), 2**20, loop=loop)
    for start in range(0, len(body), piece):
        stream.feed_data(body[start : start + piece])
    stream.feed_eof()
    reader = MultipartReader(
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}, stream
    )
    values: list[object] = []
    while (part := await reader.next()) is not None:
        assert not isinstance(part, MultipartReader)
        if part.filename is None:
            values.append(await part.text())
        else:
            values.append(bytes(await part.read()))
    return values


def _rate(
    loop: asyncio.AbstractEventLoop,
    operation: Callable[[], Awaitable[object]],
    count: int,
    repeats: int = 5,
) -> float:
    async def run() -> None:
        for _ in range(count):
            await operation()

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        loop.run_until_complete(run())
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> None:
    pin_to_one_core()
    loop = asyncio.new_event_loop()
    body = loop.run_until_complete(write_form())
    expected = [value for _, value in FIELDS] + [data for _, _, data in FILES]
    # Both implementations must read the same form back before it is timed.
    assert loop.run_until_complete(read_form(body, len(body))) == expected
    assert loop.run_until_complete(read_form(body, 1500)) == expected
    results = {
        "read_form": _rate(loop, lambda: read_form(body, len(body)), 1000),
        "read_form_mtu": _rate(loop, lambda: read_form(body, 1500), 500),
        "write_form": _rate(loop, write_form, 2000),
    }
    json.dump({"implementation": implementation(), **results}, sys.stdout)


if __name__ == "__main__":
    main()
