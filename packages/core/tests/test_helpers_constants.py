"""aiohttp.helpers: its public surface, constants, sentinel, empty bodies, hosts."""

from __future__ import annotations

import importlib
import os
import string
import subprocess
import sys

import pytest

from aiohttp import helpers
from aiohttp.helpers import (
    CHAR,
    CTL,
    DEFAULT_CHUNK_SIZE,
    EMPTY_BODY_METHODS,
    EMPTY_BODY_STATUS_CODES,
    NO_EXTENSIONS,
    SEPARATORS,
    TOKEN,
    is_ip_address,
    must_be_empty_body,
    sentinel,
    should_remove_content_length,
)

EXPECTED_ALL = {
    "DEFAULT_CHUNK_SIZE",
    "NO_EXTENSIONS",
    "CHAR",
    "CTL",
    "SEPARATORS",
    "TOKEN",
    "EMPTY_BODY_METHODS",
    "EMPTY_BODY_STATUS_CODES",
    "sentinel",
    "BasicAuth",
    "encode_basic_auth",
    "strip_auth_from_url",
    "MimeType",
    "parse_mimetype",
    "parse_content_type",
    "quoted_string",
    "content_disposition_header",
    "guess_filename",
    "ETag",
    "ETAG_ANY",
    "QUOTED_ETAG_RE",
    "LIST_QUOTED_ETAG_RE",
    "validate_etag_value",
    "parse_http_date",
    "rfc822_formatted_time",
    "BaseKey",
    "ChainMapProxy",
    "reify",
    "HeadersMixin",
    "must_be_empty_body",
    "should_remove_content_length",
    "is_ip_address",
    "ErrorableProtocol",
    "set_result",
    "set_exception",
    "BaseTimerContext",
    "TimerNoop",
    "TimerContext",
    "TimeoutHandle",
    "call_later",
    "calculate_timeout_when",
    "ceil_timeout",
}


def test_all_is_the_public_surface() -> None:
    assert len(helpers.__all__) == len(set(helpers.__all__))
    assert set(helpers.__all__) == EXPECTED_ALL
    for name in helpers.__all__:
        assert hasattr(helpers, name), name


def test_star_import() -> None:
    namespace: dict[str, object] = {}
    exec("from aiohttp.helpers import *", namespace)
    assert set(namespace) - {"__builtins__"} == EXPECTED_ALL


def test_helpers_imports_no_client_or_web_module() -> None:
    code = (
        "import sys, aiohttp.helpers\n"
        "bad = [m for m in sys.modules if m.startswith(('aiohttp.client', "
        "'aiohttp.web', 'aiohttp.http_websocket', 'aiohttp.connector'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_facade_names() -> None:
    aiohttp = importlib.import_module("aiohttp")
    assert aiohttp.BasicAuth is helpers.BasicAuth
    assert aiohttp.ChainMapProxy is helpers.ChainMapProxy
    assert aiohttp.ETag is helpers.ETag
    assert aiohttp.encode_basic_auth is helpers.encode_basic_auth


def test_chunk_size() -> None:
    assert DEFAULT_CHUNK_SIZE == 2**18


def test_no_extensions_reads_the_environment() -> None:
    assert NO_EXTENSIONS is bool(os.environ.get("AIOHTTP_NO_EXTENSIONS"))
    for value, expected in (("1", "True"), ("", "False")):
        env = {**os.environ, "AIOHTTP_NO_EXTENSIONS": value}
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import aiohttp.helpers as h; print(h.NO_EXTENSIONS)",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected


def test_character_classes() -> None:
    assert len(CHAR) == 128
    assert {chr(i) for i in (*range(32), 127)} == CTL
    assert set('()<>@,;:\\"/[]?={} \t') == SEPARATORS
    # RFC 9110 section 5.6.2: tchar.
    assert set("!#$%&'*+-.^_`|~" + string.digits + string.ascii_letters) == TOKEN
    assert TOKEN | CTL | SEPARATORS == CHAR
    assert not TOKEN & SEPARATORS


def test_sentinel() -> None:
    assert repr(sentinel) == "<sentinel>"
    assert sentinel is helpers._SENTINEL.sentinel
    assert sentinel is not None
    assert bool(sentinel)


def test_sentinel_narrows() -> None:
    def pick(value: int | helpers._SENTINEL = sentinel) -> int:
        if value is sentinel:
            return -1
        return value + 1

    assert pick() == -1
    assert pick(1) == 2


def test_empty_body_constants() -> None:
    assert frozenset({204, 304, *range(100, 200)}) == EMPTY_BODY_STATUS_CODES
    assert frozenset({"HEAD"}) == EMPTY_BODY_METHODS


@pytest.mark.parametrize(
    ("method", "code", "empty", "no_length"),
    [
        ("GET", 200, False, False),
        ("POST", 201, False, False),
        ("HEAD", 200, True, False),
        ("HEAD", 404, True, False),
        ("GET", 100, True, True),
        ("GET", 101, True, True),
        ("GET", 199, True, True),
        ("GET", 204, True, True),
        ("GET", 304, True, False),
        ("GET", 205, False, False),
        ("CONNECT", 200, True, True),
        ("CONNECT", 299, True, True),
        ("CONNECT", 300, False, False),
        ("CONNECT", 407, False, False),
        ("connect", 200, False, False),  # methods are case-sensitive
        ("head", 200, False, False),
    ],
)
def test_empty_body_rules(method: str, code: int, empty: bool, no_length: bool) -> None:
    assert must_be_empty_body(method, code) is empty
    assert should_remove_content_length(method, code) is no_length


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "::1",
        "::",
        "2001:db8::8a2e:370:7334",
        "::ffff:192.0.2.1",
        "fe80::1%eth0",
        "fe80::1%1",
    ],
)
def test_is_ip_address(host: str) -> None:
    assert is_ip_address(host)


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "localhost",
        "example.com",
        "[::1]",
        "127.0.0.1:80",
        "256.0.0.1",
        "1.2.3",
        "01.2.3.4",
        "::1::",
        "abcd",
        "1.2.3.4.",
        " 127.0.0.1",
    ],
)
def test_is_not_ip_address(host: str | None) -> None:
    assert not is_ip_address(host)
