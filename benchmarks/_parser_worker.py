"""Time aiohttp's public parser and writer API in whatever aiohttp is importable.

Run by ``parser.py`` once per implementation (aiotide; the original aiohttp
with its C extensions; the original with AIOHTTP_NO_EXTENSIONS=1), so the
same code measures each. Prints one JSON object: operations per second.
"""

from __future__ import annotations

import asyncio
import json
import sys

from _worker_tools import SinkTransport, implementation, pin_to_one_core, rate
from multidict import CIMultiDict

from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_parser import HttpRequestParser
from aiohttp.http_writer import StreamWriter

BROWSER_GET = (
    b"GET /articles/2026/11/http-parsing?utm_source=feed&page=2 HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"Sec-Fetch-Dest: document\r\n"
    b"Sec-Fetch-Mode: navigate\r\n"
    b"Sec-Fetch-Site: none\r\n"
    b"Priority: u=0, i\r\n"
    b"\r\n"
)
CHUNK = b"x" * 4096
CHUNKED_POST = (
    b"POST /upload HTTP/1.1\r\nHost: www.example.com\r\n"
    b"Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"".join(b"1000\r\n" + CHUNK + b"\r\n" for _ in range(16))
    + b"0\r\n\r\n"
)
RESPONSE_HEADERS = CIMultiDict(
    {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": "1256",
        "Date": "Sat, 21 Nov 2026 20:00:00 GMT",
        "Server": "Python/3.11 aiohttp",
        "Cache-Control": "no-cache",
        "X-Request-ID": "3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c",
    }
)
RESPONSE_BODY = b"<html>" + b"x" * 1244 + b"</html>"


def main() -> None:
    pin_to_one_core()
    loop = asyncio.new_event_loop()
    protocol = BaseProtocol(loop)
    parser = HttpRequestParser(protocol, loop, 2**16)
    assert len(parser.feed_data(BROWSER_GET)[0]) == 1
    assert len(parser.feed_data(CHUNKED_POST)[0]) == 1

    def parse_get(count: int) -> None:
        feed = HttpRequestParser(protocol, loop, 2**16).feed_data
        for _ in range(count):
            feed(BROWSER_GET)

    def parse_chunked(count: int) -> None:
        feed = HttpRequestParser(protocol, loop, 2**16).feed_data
        for _ in range(count):
            feed(CHUNKED_POST)

    protocol.connection_made(SinkTransport())

    async def serialize(count: int) -> None:
        for _ in range(count):
            writer = StreamWriter(protocol, loop)
            writer.length = len(RESPONSE_BODY)
            await writer.write_headers("HTTP/1.1 200 OK", RESPONSE_HEADERS)
            await writer.write_eof(RESPONSE_BODY)

    results = {
        "parse_get": rate(parse_get, 20000),
        "parse_chunked_64k": rate(parse_chunked, 2000),
        "serialize_response": rate(
            lambda n: loop.run_until_complete(serialize(n)), 20000
        ),
    }
    json.dump({"implementation": implementation(), **results}, sys.stdout)


if __name__ == "__main__":
    main()
