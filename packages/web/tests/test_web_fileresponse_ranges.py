"""Range requests to a FileResponse (RFC 9110 section 14), on a real socket.

The file holds 1000 bytes (``0123456789`` repeated), so every range is easy
to check by hand. Ranges the RFC lets a server ignore (malformed ones,
other units, several disjoint ranges) are answered with the whole file,
where aiohttp 3.x answers 416: a client can always use the whole file.
``FileResponse`` is served on ``aiohttp_raw_server`` and asked through
``aiohttp_client``.
"""

from __future__ import annotations

import email.utils
from pathlib import Path

import pytest
from web_file_harness import FileClient, curl, file_client, serving

from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer

CONTENT = b"0123456789" * 100
SIZE = len(CONTENT)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "digits.txt"
    path.write_bytes(CONTENT)
    return path


@pytest.fixture
async def client(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, path: Path
) -> FileClient:
    return await file_client(aiohttp_raw_server, aiohttp_client, path)


@pytest.mark.parametrize(
    ("spec", "start", "stop"),
    [
        ("bytes=0-9", 0, 10),
        ("bytes=10-19", 10, 20),
        ("bytes=0-0", 0, 1),
        ("bytes=999-999", 999, 1000),
        ("bytes=990-", 990, 1000),  # open-ended
        ("bytes=0-", 0, 1000),  # the whole file, still 206
        ("bytes=-5", 995, 1000),  # the last five
        ("bytes=-1000", 0, 1000),
        ("bytes=-5000", 0, 1000),  # a suffix longer than the file: all of it
        ("bytes=995-5000", 995, 1000),  # past the end: clamped
        ("bytes=995-99999999999999999999999", 995, 1000),
        ("Bytes=0-9", 0, 10),  # the unit is case-insensitive
        ("bytes= 0-9 ", 0, 10),
        ("bytes=0-9,", 0, 10),  # empty list elements are allowed
        ("bytes=0-4,5-9", 0, 10),  # adjacent ranges coalesce
        ("bytes=0-9,5-14", 0, 15),  # so do overlapping ones
        ("bytes=0-9,5000-", 0, 10),  # unsatisfiable members are dropped
    ],
)
async def test_satisfiable_range_is_206(
    client: FileClient, spec: str, start: int, stop: int
) -> None:
    response = await client.get("/", headers=[("Range", spec)])
    assert response.status == 206
    assert await response.read() == CONTENT[start:stop]
    assert response.headers.get("Content-Range") == f"bytes {start}-{stop - 1}/{SIZE}"
    assert response.headers.get("Content-Length") == str(stop - start)
    assert response.headers.get("Content-Type") == "text/plain"
    assert response.headers.get("ETag") is not None


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=1000-",
        "bytes=1000-1005",
        "bytes=5000-6000",
        "bytes=-0",  # a suffix of nothing
        "bytes=1000-,2000-",
    ],
)
async def test_unsatisfiable_range_is_416(client: FileClient, spec: str) -> None:
    response = await client.get("/", headers=[("Range", spec)])
    assert response.status == 416
    assert response.headers.get("Content-Range") == f"bytes */{SIZE}"
    assert response.headers.get("Content-Length") == "0"
    assert await response.read() == b""


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=5-1",  # last before first
        "bytes=-",
        "bytes=",
        "bytes=a-b",
        "bytes=1-2-3",
        "bytes 0-9",
        "0-9",
        "items=0-9",  # a unit we do not know: MUST be ignored
        "bytes=0-1,4-5",  # two disjoint ranges: whole file, no multipart
        "bytes=0-0,-1",
        "bytes=0x10-20",
        "bytes=+1-2",
    ],
)
async def test_range_to_ignore_gives_the_whole_file(
    client: FileClient, spec: str
) -> None:
    response = await client.get("/", headers=[("Range", spec)])
    assert response.status == 200
    assert await response.read() == CONTENT
    assert response.headers.get("Content-Range") is None


async def test_ranges_of_an_empty_file(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    client = await aiohttp_client(await aiohttp_raw_server(serving(empty)))
    unsatisfiable = await client.get("/", headers={"Range": "bytes=0-"})
    suffix = await client.get("/", headers={"Range": "bytes=-5"})
    assert unsatisfiable.status == 416
    assert unsatisfiable.headers.get("Content-Range") == "bytes */0"
    # The one satisfiable form selects nothing: the whole (empty) file.
    assert (suffix.status, await suffix.read()) == (200, b"")


@pytest.mark.parametrize("method", ["HEAD", "POST"])
async def test_range_applies_to_get_only(client: FileClient, method: str) -> None:
    response = await client.request(method, "/", headers=[("Range", "bytes=0-9")])
    assert response.status == 200
    assert response.headers.get("Content-Length") == str(SIZE)
    assert response.headers.get("Content-Range") is None


# --- If-Range --------------------------------------------------------------------


def _etag(path: Path) -> str:
    stat = path.stat()
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def _last_modified(path: Path) -> str:
    return email.utils.formatdate(int(path.stat().st_mtime), usegmt=True)


async def test_if_range_with_the_current_etag_gives_the_range(
    client: FileClient, path: Path
) -> None:
    response = await client.get(
        "/", headers=[("Range", "bytes=0-9"), ("If-Range", _etag(path))]
    )
    assert (response.status, await response.read()) == (206, CONTENT[:10])


async def test_if_range_with_another_etag_gives_the_whole_file(
    client: FileClient,
) -> None:
    response = await client.get(
        "/", headers=[("Range", "bytes=0-9"), ("If-Range", '"other"')]
    )
    assert (response.status, await response.read()) == (200, CONTENT)


async def test_if_range_with_a_weak_etag_never_matches(
    client: FileClient, path: Path
) -> None:
    weak = "W/" + _etag(path)
    response = await client.get(
        "/", headers=[("Range", "bytes=0-9"), ("If-Range", weak)]
    )
    assert response.status == 200


async def test_if_range_with_the_last_modified_date(
    client: FileClient, path: Path
) -> None:
    date = _last_modified(path)
    response = await client.get(
        "/", headers=[("Range", "bytes=0-9"), ("If-Range", date)]
    )
    assert (response.status, await response.read()) == (206, CONTENT[:10])


@pytest.mark.parametrize(
    "validator",
    [
        "Thu, 01 Jan 1970 00:00:00 GMT",  # older: the file changed since
        "Fri, 31 Dec 9999 23:59:59 GMT",  # not the exact date either
        "not a date",
    ],
)
async def test_if_range_with_another_date_gives_the_whole_file(
    client: FileClient, validator: str
) -> None:
    response = await client.get(
        "/", headers=[("Range", "bytes=0-9"), ("If-Range", validator)]
    )
    assert (response.status, await response.read()) == (200, CONTENT)


async def test_if_range_with_a_mismatch_skips_even_an_unsatisfiable_range(
    client: FileClient,
) -> None:
    response = await client.get(
        "/", headers=[("Range", "bytes=5000-"), ("If-Range", '"other"')]
    )
    assert response.status == 200


async def test_if_range_without_range_is_ignored(client: FileClient) -> None:
    response = await client.get("/", headers=[("If-Range", '"other"')])
    assert (response.status, await response.read()) == (200, CONTENT)


# --- with curl ------------------------------------------------------------------


async def test_curl_range(aiohttp_raw_server: AiohttpRawServer, path: Path) -> None:
    server = await aiohttp_raw_server(serving(path))
    url = str(server.make_url("/"))
    head, body = await curl("-H", "Range: bytes=0-9", url)
    suffix_head, suffix = await curl("-r", "-3", url)
    assert head.startswith("HTTP/1.1 206 Partial Content")
    assert f"Content-Range: bytes 0-9/{SIZE}" in head
    assert body == CONTENT[:10]
    assert suffix_head.startswith("HTTP/1.1 206")
    assert suffix == CONTENT[-3:]


async def test_curl_resumes_a_download(
    aiohttp_raw_server: AiohttpRawServer, path: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "download"
    partial.write_bytes(CONTENT[:400])
    server = await aiohttp_raw_server(serving(path))
    url = str(server.make_url("/"))
    head, _ = await curl("-C", "-", "-o", str(partial), url)
    assert f"Content-Range: bytes 400-999/{SIZE}" in head
    assert partial.read_bytes() == CONTENT
