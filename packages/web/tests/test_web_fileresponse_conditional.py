"""Conditional requests to a FileResponse (RFC 9110 section 13), on a real socket.

The validators are the ETag ``"<mtime ns hex>-<size hex>"`` and the
Last-Modified date; the file's modification time is set to a known second
so that dates before, at and after it are easy to write. ``FileResponse``
is served on ``aiohttp_raw_server`` and asked through ``aiohttp_client``.
"""

from __future__ import annotations

import email.utils
import os
from pathlib import Path

import pytest
from web_file_harness import FileClient, curl, file_client, serving

from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer

CONTENT = b"conditional content\n"
MTIME = 1_700_000_000  # 2023-11-14 22:13:20 UTC
MTIME_NS = MTIME * 10**9 + 250_000_000  # a fraction of a second past it
ETAG = f'"{MTIME_NS:x}-{len(CONTENT):x}"'


def http_date(seconds: float) -> str:
    return email.utils.formatdate(seconds, usegmt=True)


LAST_MODIFIED = http_date(MTIME)
BEFORE = http_date(MTIME - 1)
AFTER = http_date(MTIME + 60)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_bytes(CONTENT)
    os.utime(path, ns=(MTIME_NS, MTIME_NS))
    return path


@pytest.fixture
async def client(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient, path: Path
) -> FileClient:
    return await file_client(aiohttp_raw_server, aiohttp_client, path)


async def test_validators_are_sent(client: FileClient) -> None:
    response = await client.get("/")
    assert response.headers.get("ETag") == ETAG
    # Whole seconds, rounded down: never later than the real change.
    assert response.headers.get("Last-Modified") == LAST_MODIFIED


# --- If-None-Match / If-Modified-Since: 304 -----------------------------------------


@pytest.mark.parametrize(
    "value",
    [ETAG, f"W/{ETAG}", "*", f'"a", {ETAG}', f'"a" ,W/{ETAG}'],
)
async def test_if_none_match_matching_is_304(client: FileClient, value: str) -> None:
    response = await client.get("/", headers=[("If-None-Match", value)])
    assert response.status == 304
    assert await response.read() == b""
    assert response.headers.get("ETag") == ETAG
    assert response.headers.get("Last-Modified") == LAST_MODIFIED
    assert response.headers.get("Transfer-Encoding") is None
    assert response.headers.get("Content-Range") is None


@pytest.mark.parametrize("value", ['"other"', 'W/"other"', ETAG[:-2] + '"'])
async def test_if_none_match_not_matching_is_200(
    client: FileClient, value: str
) -> None:
    response = await client.get("/", headers=[("If-None-Match", value)])
    assert (response.status, await response.read()) == (200, CONTENT)


async def test_if_none_match_on_head_is_304(client: FileClient) -> None:
    response = await client.head("/", headers=[("If-None-Match", ETAG)])
    assert response.status == 304


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_if_none_match_on_unsafe_methods_is_412(
    client: FileClient, method: str
) -> None:
    response = await client.request(method, "/", headers=[("If-None-Match", "*")])
    assert response.status == 412


@pytest.mark.parametrize("date", [LAST_MODIFIED, AFTER])
async def test_if_modified_since_not_modified_is_304(
    client: FileClient, date: str
) -> None:
    response = await client.get("/", headers=[("If-Modified-Since", date)])
    assert response.status == 304
    assert response.headers.get("ETag") == ETAG


@pytest.mark.parametrize(
    "date", [BEFORE, "Thu, 01 Jan 1970 00:00:00 GMT", "yesterday", ""]
)
async def test_if_modified_since_modified_or_invalid_is_200(
    client: FileClient, date: str
) -> None:
    response = await client.get("/", headers=[("If-Modified-Since", date)])
    assert (response.status, await response.read()) == (200, CONTENT)


async def test_if_modified_since_is_ignored_with_if_none_match(
    client: FileClient,
) -> None:
    response = await client.get(
        "/", headers=[("If-None-Match", '"other"'), ("If-Modified-Since", AFTER)]
    )
    assert response.status == 200


async def test_if_modified_since_is_ignored_for_post(client: FileClient) -> None:
    response = await client.request("POST", "/", headers=[("If-Modified-Since", AFTER)])
    assert response.status == 200


async def test_304_with_a_precompressed_sibling_keeps_vary(
    client: FileClient, tmp_path: Path
) -> None:
    gz = tmp_path / "page.txt.gz"
    gz.write_bytes(b"gzipped")
    stat = gz.stat()
    gz_etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    response = await client.get(
        "/", headers=[("Accept-Encoding", "gzip"), ("If-None-Match", gz_etag)]
    )
    assert response.status == 304
    assert response.headers.get("Vary") == "Accept-Encoding"
    assert response.headers.get("Content-Encoding") is None
    # The plain file's tag names another variant: it does not match.
    plain = await client.get(
        "/", headers=[("Accept-Encoding", "gzip"), ("If-None-Match", ETAG)]
    )
    assert (plain.status, await plain.read()) == (200, b"gzipped")


# --- If-Match / If-Unmodified-Since: 412 -------------------------------------------------


@pytest.mark.parametrize("value", [ETAG, "*", f'"a", {ETAG}'])
async def test_if_match_matching_is_200(client: FileClient, value: str) -> None:
    response = await client.get("/", headers=[("If-Match", value)])
    assert (response.status, await response.read()) == (200, CONTENT)


@pytest.mark.parametrize("value", ['"other"', f"W/{ETAG}", "garbage"])
async def test_if_match_not_matching_is_412(client: FileClient, value: str) -> None:
    # A weak tag never matches: If-Match compares strongly.
    response = await client.get("/", headers=[("If-Match", value)])
    assert response.status == 412
    assert response.headers.get("Content-Length") == "0"
    assert await response.read() == b""


@pytest.mark.parametrize("date", [LAST_MODIFIED, AFTER])
async def test_if_unmodified_since_unmodified_is_200(
    client: FileClient, date: str
) -> None:
    response = await client.get("/", headers=[("If-Unmodified-Since", date)])
    assert (response.status, await response.read()) == (200, CONTENT)


async def test_if_unmodified_since_modified_is_412(client: FileClient) -> None:
    response = await client.get("/", headers=[("If-Unmodified-Since", BEFORE)])
    assert response.status == 412


async def test_if_unmodified_since_invalid_is_ignored(client: FileClient) -> None:
    response = await client.get("/", headers=[("If-Unmodified-Since", "not a date")])
    assert response.status == 200


async def test_if_unmodified_since_is_ignored_with_if_match(client: FileClient) -> None:
    response = await client.get(
        "/", headers=[("If-Match", ETAG), ("If-Unmodified-Since", BEFORE)]
    )
    assert response.status == 200


# --- the order of evaluation (RFC 9110 13.2.2) -------------------------------------------


async def test_if_match_is_evaluated_before_if_none_match(client: FileClient) -> None:
    response = await client.get(
        "/", headers=[("If-Match", '"other"'), ("If-None-Match", ETAG)]
    )
    assert response.status == 412


async def test_if_unmodified_since_is_evaluated_before_if_none_match(
    client: FileClient,
) -> None:
    response = await client.get(
        "/", headers=[("If-Unmodified-Since", BEFORE), ("If-None-Match", ETAG)]
    )
    assert response.status == 412


async def test_preconditions_come_before_ranges(client: FileClient) -> None:
    not_modified = await client.get(
        "/", headers=[("If-None-Match", ETAG), ("Range", "bytes=0-1")]
    )
    failed = await client.get(
        "/", headers=[("If-Match", '"x"'), ("Range", "bytes=5000-")]
    )
    assert not_modified.status == 304
    assert failed.status == 412


async def test_passing_preconditions_then_range(client: FileClient) -> None:
    response = await client.get(
        "/", headers=[("If-Match", ETAG), ("Range", "bytes=0-3")]
    )
    assert (response.status, await response.read()) == (206, CONTENT[:4])


# --- with curl ----------------------------------------------------------------------


async def test_curl_conditional_requests(
    aiohttp_raw_server: AiohttpRawServer, path: Path
) -> None:
    server = await aiohttp_raw_server(serving(path))
    url = str(server.make_url("/"))
    etag_head, _ = await curl("-H", f"If-None-Match: {ETAG}", url)
    # curl -z sends If-Modified-Since with the date given.
    date_head, _ = await curl("-z", LAST_MODIFIED, url)
    modified_head, body = await curl("-z", BEFORE, url)
    assert etag_head.startswith("HTTP/1.1 304 Not Modified")
    assert date_head.startswith("HTTP/1.1 304")
    assert modified_head.startswith("HTTP/1.1 200")
    assert body == CONTENT
