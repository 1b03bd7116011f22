"""FileResponse on a real socket: the body, its headers, errors, siblings.

Each test serves ``FileResponse(path)`` on ``aiohttp_raw_server`` and asks
for it through ``aiohttp_client``; raw bytes only where framing is the
point (what follows a head, keep-alive after a file, a short body).
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from web_file_harness import TIMEOUT, build_request, read_all

from aiohttp import web_fileresponse
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_fileresponse import FileResponse
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

CONTENT = bytes(range(256)) * 40  # 10240 bytes, every byte value
BIG = os.urandom(3 * 1024 * 1024 + 17)

# The client sends what a test gives and no more (no Accept-Encoding of its
# own), and hands bodies over as they came (no decompression).
AS_SENT: dict[str, Any] = {
    "skip_auto_headers": ["Accept-Encoding"],
    "auto_decompress": False,
}


def etag_of(path: Path) -> str:
    stat = path.stat()
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def serving(path: Path | str, **kwargs: Any) -> Callable[[BaseRequest], Any]:
    async def handler(request: BaseRequest) -> StreamResponse:
        return FileResponse(path, **kwargs)

    return handler


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    return path


async def test_whole_file_with_its_headers(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, data_file: Path
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(data_file)), **AS_SENT
    )
    response = await client.get("/")
    assert response.status == 200
    assert await response.read() == CONTENT
    assert response.headers.get("Content-Length") == str(len(CONTENT))
    assert response.headers.get("Content-Type") == "application/octet-stream"
    assert response.headers.get("Accept-Ranges") == "bytes"
    assert response.headers.get("Transfer-Encoding") is None
    assert response.headers.get("ETag") == etag_of(data_file)
    last_modified = response.headers.get("Last-Modified")
    assert last_modified is not None
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", last_modified)


async def test_path_may_be_a_string(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, data_file: Path
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(str(data_file))), **AS_SENT
    )
    response = await client.get("/")
    assert await response.read() == CONTENT


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("page.html", "text/html"),
        ("notes.txt", "text/plain"),
        ("style.css", "text/css"),
        ("image.png", "image/png"),
        ("no-extension", "application/octet-stream"),
        ("archive.tar.gz", "application/gzip"),
        ("archive.tgz", "application/gzip"),
        ("data.xz", "application/x-xz"),
    ],
)
async def test_content_type_is_guessed_from_the_name(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tmp_path: Path,
    name: str,
    content_type: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    client = await aiohttp_client(await aiohttp_raw_server(serving(path)), **AS_SENT)
    response = await client.get("/")
    # No charset is added, and a compressed file is not "Content-Encoded".
    assert response.headers.get("Content-Type") == content_type
    assert response.headers.get("Content-Encoding") is None


async def test_a_content_type_given_wins(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>")
    handler = serving(path, headers={"Content-Type": "text/plain; charset=utf-8"})
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/")
    assert response.headers.get("Content-Type") == "text/plain; charset=utf-8"


async def test_head_sends_the_headers_without_the_body(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, data_file: Path
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(data_file)), **AS_SENT
    )
    response = await client.head("/")
    raw = await read_all(client.port, build_request(method="HEAD"))
    assert response.status == 200
    assert response.headers.get("Content-Length") == str(len(CONTENT))
    assert raw.endswith(b"\r\n\r\n")  # nothing after the head


async def test_empty_file(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    client = await aiohttp_client(await aiohttp_raw_server(serving(path)), **AS_SENT)
    response = await client.get("/")
    assert response.status == 200
    assert response.headers.get("Content-Length") == "0"
    assert await response.read() == b""


async def test_missing_file_is_an_empty_404(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(tmp_path / "missing")), **AS_SENT
    )
    response = await client.get("/")
    assert response.status == 404
    assert response.headers.get("Content-Length") == "0"
    assert response.headers.get("ETag") is None


async def test_path_through_a_file_is_404(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, data_file: Path
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(data_file / "below")), **AS_SENT
    )
    response = await client.get("/")
    assert response.status == 404


async def test_directory_is_an_empty_403(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(tmp_path)), **AS_SENT
    )
    response = await client.get("/")
    assert response.status == 403
    assert response.headers.get("Content-Length") == "0"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_fifo_is_403_without_blocking(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    client = await aiohttp_client(await aiohttp_raw_server(serving(fifo)), **AS_SENT)
    response = await client.get("/")
    assert response.status == 403


@pytest.fixture
def unreadable(data_file: Path) -> Iterator[Path]:
    data_file.chmod(0)
    yield data_file
    data_file.chmod(0o644)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything"
)
async def test_unreadable_file_is_403(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    unreadable: Path,
) -> None:
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(unreadable)), **AS_SENT
    )
    response = await client.get("/")
    assert response.status == 403


async def test_permission_denied_is_403(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    data_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Also when running as root, who may read anything.
    def denied(*args: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(web_fileresponse, "_open_file", denied)
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(data_file)), **AS_SENT
    )
    response = await client.get("/")
    assert (response.status, response.headers.get("Content-Length")) == (403, "0")


async def test_a_symlinked_file_is_served(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tmp_path: Path,
    data_file: Path,
) -> None:
    # FileResponse itself trusts its path; the static route does the checks.
    link = tmp_path / "link.bin"
    link.symlink_to(data_file)
    client = await aiohttp_client(await aiohttp_raw_server(serving(link)), **AS_SENT)
    response = await client.get("/")
    assert await response.read() == CONTENT


async def test_status_and_reason_given(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, data_file: Path
) -> None:
    handler = serving(data_file, status=404, reason="Gone Fishing")
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/", headers=[("If-None-Match", "*")])
    # Not a 200: preconditions and ranges do not apply (RFC 9110 13.2.1).
    assert (response.status, response.reason) == (404, "Gone Fishing")
    assert await response.read() == CONTENT


# --- how the body goes out ----------------------------------------------------------


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(BIG)
    return path


async def test_sendfile_sends_a_big_file(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, big_file: Path
) -> None:
    loop = asyncio.get_running_loop()
    calls: list[tuple[int, int | None]] = []
    original = loop.sendfile

    async def spy(transport: Any, file: Any, offset: int = 0, count: Any = None) -> int:
        calls.append((offset, count))
        return await original(transport, file, offset, count)

    loop.sendfile = spy  # type: ignore[method-assign,assignment]
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(big_file)), **AS_SENT
    )
    response = await client.get("/")
    assert await response.read() == BIG
    assert calls == [(0, len(BIG))]


@pytest.mark.parametrize("chunk_size", [100_003, 256 * 1024])
async def test_chunks_without_sendfile(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    big_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk_size: int,
) -> None:
    monkeypatch.setattr(web_fileresponse, "NOSENDFILE", True)
    loop = asyncio.get_running_loop()

    async def refuse(*args: Any, **kwargs: Any) -> int:
        raise AssertionError("sendfile used")

    loop.sendfile = refuse  # type: ignore[method-assign]
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(big_file, chunk_size=chunk_size)), **AS_SENT
    )
    response = await client.get("/")
    assert await response.read() == BIG


async def test_small_chunks(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    data_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(web_fileresponse, "NOSENDFILE", True)
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(data_file, chunk_size=1000)), **AS_SENT
    )
    whole = await client.get("/")
    ranged = await client.get("/", headers=[("Range", "bytes=999-5000")])
    assert await whole.read() == CONTENT
    assert await ranged.read() == CONTENT[999:5001]


async def test_a_loop_without_sendfile_falls_back_to_chunks(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, big_file: Path
) -> None:
    loop = asyncio.get_running_loop()

    async def unsupported(*args: Any, **kwargs: Any) -> int:
        raise NotImplementedError

    loop.sendfile = unsupported  # type: ignore[method-assign]
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(big_file)), **AS_SENT
    )
    response = await client.get("/")
    assert await response.read() == BIG


@pytest.mark.parametrize("nosendfile", [False, True])
async def test_a_client_leaving_mid_body_is_no_error(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    nosendfile: bool,
) -> None:
    monkeypatch.setattr(web_fileresponse, "NOSENDFILE", nosendfile)
    huge = tmp_path / "huge.bin"
    # Larger than loopback socket buffers, so the server is still sending.
    with huge.open("wb") as file:
        file.truncate(64 * 1024 * 1024)
    small = tmp_path / "small.txt"
    small.write_bytes(b"still serving")

    async def handler(request: BaseRequest) -> StreamResponse:
        return FileResponse(huge if request.path == "/huge" else small)

    # The handler is not cancelled when its client leaves: it goes on writing.
    server = await aiohttp_raw_server(handler, handler_cancellation=False)
    client = await aiohttp_client(server, **AS_SENT)
    # Raw socket: this client reads a little of the body, then drops the
    # connection mid-body.
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(build_request("/huge"))
    await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
    await asyncio.wait_for(reader.readexactly(100_000), TIMEOUT)
    writer.transport.abort()
    response = await client.get("/small")
    assert await response.read() == b"still serving"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors


async def test_keep_alive_after_a_file(
    aiohttp_raw_server: AiohttpRawServer, data_file: Path
) -> None:
    one = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    last = build_request()
    server = await aiohttp_raw_server(serving(data_file))
    raw = await read_all(server.port, one + one + last)
    assert raw.count(b"HTTP/1.1 200 OK") == 3
    assert raw.count(CONTENT) == 3


async def test_a_file_that_shrinks_closes_the_connection(
    aiohttp_raw_server: AiohttpRawServer,
    data_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(web_fileresponse, "NOSENDFILE", True)
    monkeypatch.setattr(web_fileresponse, "_read_at", lambda *args: b"")
    keep_alive = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    server = await aiohttp_raw_server(serving(data_file))
    # The head promised 10240 bytes: the only honest end is a close.
    raw = await read_all(server.port, keep_alive)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert len(body) < len(CONTENT)


async def test_enable_compression_compresses_the_file(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"compress me " * 1000)

    async def handler(request: BaseRequest) -> StreamResponse:
        response = FileResponse(path)
        response.enable_compression()
        return response

    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/", headers=[("Accept-Encoding", "gzip")])
    ranged = await client.get(
        "/", headers=[("Accept-Encoding", "gzip"), ("Range", "bytes=0-9")]
    )
    assert response.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(await response.read()) == path.read_bytes()
    # A body compressed on the fly has no byte ranges to offer.
    assert response.headers.get("Accept-Ranges") is None
    assert ranged.status == 200


# --- pre-compressed siblings -----------------------------------------------------


@pytest.fixture
def with_siblings(tmp_path: Path) -> Path:
    path = tmp_path / "app.js"
    path.write_bytes(b"plain")
    (tmp_path / "app.js.gz").write_bytes(b"gzip bytes")
    (tmp_path / "app.js.br").write_bytes(b"brotli bytes")
    (tmp_path / "app.js.zst").write_bytes(b"zstd bytes")
    return path


@pytest.mark.parametrize(
    ("accept", "body", "coding"),
    [
        (None, b"plain", None),
        ("identity", b"plain", None),
        ("gzip", b"gzip bytes", "gzip"),
        ("x-gzip", b"gzip bytes", "gzip"),
        ("GZIP", b"gzip bytes", "gzip"),
        ("zstd", b"zstd bytes", "zstd"),
        ("gzip, deflate, br", b"brotli bytes", "br"),
        ("gzip, zstd", b"zstd bytes", "zstd"),
        ("gzip, deflate, br, zstd", b"brotli bytes", "br"),
        ("br;q=0.5, gzip", b"gzip bytes", "gzip"),
        ("gzip;q=0", b"plain", None),
        ("br;q=0, *", b"zstd bytes", "zstd"),
        ("deflate", b"plain", None),
        ("gzip;q=0.5, identity", b"plain", None),
    ],
)
async def test_precompressed_sibling_follows_accept_encoding(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    with_siblings: Path,
    accept: str | None,
    body: bytes,
    coding: str | None,
) -> None:
    headers = [] if accept is None else [("Accept-Encoding", accept)]
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(with_siblings)), **AS_SENT
    )
    response = await client.get("/", headers=headers)
    assert response.status == 200
    assert await response.read() == body
    assert response.headers.get("Content-Encoding") == coding
    # The original's type, whichever variant goes out.
    assert response.headers.get("Content-Type") in (
        "application/javascript",
        "text/javascript",
    )
    if coding is None:
        assert response.headers.get("Vary") is None
    else:
        assert response.headers.get("Vary") == "Accept-Encoding"
        sibling = with_siblings.parent / f"app.js{_SUFFIX[coding]}"
        assert response.headers.get("ETag") == etag_of(sibling)
        assert response.headers.get("Content-Length") == str(len(body))


_SUFFIX = {"gzip": ".gz", "br": ".br", "zstd": ".zst"}


async def test_accept_encoding_on_several_lines(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    with_siblings: Path,
) -> None:
    headers = [("Accept-Encoding", "identity"), ("Accept-Encoding", "zstd")]
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(with_siblings)), **AS_SENT
    )
    response = await client.get("/", headers=headers)
    assert await response.read() == b"zstd bytes"


async def test_only_existing_siblings_are_used(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    path = tmp_path / "app.js"
    path.write_bytes(b"plain")
    (tmp_path / "app.js.gz").write_bytes(b"gzip bytes")
    client = await aiohttp_client(await aiohttp_raw_server(serving(path)), **AS_SENT)
    response = await client.get("/", headers=[("Accept-Encoding", "br, gzip")])
    assert await response.read() == b"gzip bytes"


async def test_a_vary_given_is_kept(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    with_siblings: Path,
) -> None:
    handler = serving(with_siblings, headers={"Vary": "Cookie"})
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/", headers=[("Accept-Encoding", "gzip")])
    assert response.headers.get("Vary") == "Cookie, Accept-Encoding"


async def test_a_symlinked_sibling_is_never_used(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"SECRET")
    public = tmp_path / "public"
    public.mkdir()
    path = public / "f.txt"
    path.write_bytes(b"plain")
    (public / "f.txt.gz").symlink_to(secret)
    (public / "f.txt.br").symlink_to(public / "f.txt")
    client = await aiohttp_client(await aiohttp_raw_server(serving(path)), **AS_SENT)
    response = await client.get("/", headers=[("Accept-Encoding", "gzip, br")])
    assert await response.read() == b"plain"
    assert response.headers.get("Content-Encoding") is None


async def test_a_sibling_that_is_a_directory_is_not_used(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"plain")
    (tmp_path / "f.txt.gz").mkdir()
    client = await aiohttp_client(await aiohttp_raw_server(serving(path)), **AS_SENT)
    response = await client.get("/", headers=[("Accept-Encoding", "gzip")])
    assert await response.read() == b"plain"


async def test_sibling_with_enable_compression_is_not_compressed_twice(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    with_siblings: Path,
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        response = FileResponse(with_siblings)
        response.enable_compression()
        return response

    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    response = await client.get("/", headers=[("Accept-Encoding", "gzip")])
    assert response.headers.get("Content-Encoding") == "gzip"
    assert await response.read() == b"gzip bytes"


async def test_a_sibling_of_a_missing_file_is_served(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    # As in aiohttp: only the compressed copy needs to exist.
    (tmp_path / "only.css.gz").write_bytes(b"gzip bytes")
    client = await aiohttp_client(
        await aiohttp_raw_server(serving(tmp_path / "only.css")), **AS_SENT
    )
    gzipped = await client.get("/", headers=[("Accept-Encoding", "gzip")])
    plain = await client.get("/")
    assert await gzipped.read() == b"gzip bytes"
    assert gzipped.headers.get("Content-Type") == "text/css"
    assert plain.status == 404


async def test_bodiless_answers_with_compression_enabled(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"compress me " * 1000)

    async def handler(request: BaseRequest) -> StreamResponse:
        response = FileResponse(path if request.path == "/" else tmp_path / "no")
        response.enable_compression()
        return response

    gzip_ok = ("Accept-Encoding", "gzip")
    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    etag = (await client.get("/", headers=[gzip_ok])).headers.get("ETag")
    assert etag is not None
    not_modified = await client.get("/", headers=[gzip_ok, ("If-None-Match", etag)])
    failed = await client.get("/", headers=[gzip_ok, ("If-Match", '"x"')])
    missing = await client.get("/missing", headers=[gzip_ok])
    assert not_modified.status == 304
    for response in (not_modified, failed, missing):
        assert response.headers.get("Content-Encoding") is None
    assert (failed.status, failed.headers.get("Content-Length")) == (412, "0")
    assert (missing.status, missing.headers.get("Content-Length")) == (404, "0")


async def test_chunked_encoding_asked_for(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    data_file: Path,
    tmp_path: Path,
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        response = FileResponse(data_file if request.path == "/" else tmp_path / "no")
        response.enable_chunked_encoding()
        return response

    client = await aiohttp_client(await aiohttp_raw_server(handler), **AS_SENT)
    found = await client.get("/")
    missing = await client.get("/missing")
    assert found.headers.get("Transfer-Encoding") == "chunked"
    assert await found.read() == CONTENT
    assert missing.status == 404
