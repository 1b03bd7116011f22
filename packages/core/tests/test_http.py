"""aiohttp.http: protocol constants and the lazily re-exported names."""

from __future__ import annotations

import importlib.util
import re
import sys
from http import HTTPStatus

import pytest

import aiohttp
from aiohttp import http

REEXPORTED_BY_MODULE = {
    "http_exceptions": ["HttpProcessingError"],
    "http_writer": ["StreamWriter"],
    "http_parser": [
        "HeadersParser",
        "HttpParser",
        "HttpRequestParser",
        "HttpResponseParser",
        "RawRequestMessage",
        "RawResponseMessage",
    ],
    "http_websocket": [
        "WS_CLOSED_MESSAGE",
        "WS_CLOSING_MESSAGE",
        "WS_KEY",
        "WebSocketReader",
        "WebSocketWriter",
        "ws_ext_gen",
        "ws_ext_parse",
        "WSMessage",
        "WSMessageDecodeText",
        "WSMessageNoDecodeText",
        "WSMessageTextBytes",
        "WebSocketError",
        "WSMsgType",
        "WSCloseCode",
    ],
}
OWN_NAMES = [
    "RESPONSES",
    "SERVER_SOFTWARE",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
]


def _installed(module: str) -> bool:
    return importlib.util.find_spec(f"aiohttp.{module}") is not None


def test_http_version_is_a_comparable_named_pair() -> None:
    version = http.HttpVersion(1, 1)
    assert (version.major, version.minor) == (1, 1)
    assert version == (1, 1)
    assert http.HttpVersion10 == http.HttpVersion(major=1, minor=0)
    assert http.HttpVersion10 < http.HttpVersion11 < (2, 0)
    assert repr(http.HttpVersion11) == "HttpVersion(major=1, minor=1)"


def test_versions_are_the_same_objects_at_the_top_level() -> None:
    assert aiohttp.HttpVersion is http.HttpVersion
    assert aiohttp.HttpVersion11 is http.HttpVersion11
    assert aiohttp.HttpVersion10 is http.HttpVersion10


def test_responses_cover_every_known_status() -> None:
    assert http.RESPONSES[200] == ("OK", "Request fulfilled, document follows")
    assert http.RESPONSES[404][0] == "Not Found"
    assert http.RESPONSES[418][0] == "I'm a Teapot"
    assert set(http.RESPONSES) == {status.value for status in HTTPStatus}


def test_server_software_names_python_aiohttp_and_aiotide() -> None:
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert (
        f"Python/{python} aiohttp/{aiohttp.__version__} "
        f"aiotide/{aiohttp.__aiotide_version__}"
    ) == http.SERVER_SOFTWARE
    # Every part must be a valid product token (RFC 9110 section 10.2.4).
    token = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
    assert re.fullmatch(rf"{token}/{token}( {token}/{token})*", http.SERVER_SOFTWARE)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (module, name)
        for module, names in REEXPORTED_BY_MODULE.items()
        for name in names
    ],
)
def test_reexport_resolves_or_names_its_distribution(module: str, name: str) -> None:
    if _installed(module):
        defining = importlib.import_module(f"aiohttp.{module}")
        assert getattr(http, name) is getattr(defining, name)
        assert name in http.__all__
    else:
        with pytest.raises(ImportError, match=r"aiotide-(core|websocket)") as info:
            getattr(http, name)
        assert f"aiohttp.http.{name}" in str(info.value)
        assert name not in http.__all__
        assert name not in dir(http)


def test_all_lists_own_names_first_and_only_what_resolves() -> None:
    assert list(http.__all__[: len(OWN_NAMES)]) == OWN_NAMES
    for name in http.__all__:
        assert getattr(http, name) is not None
    assert set(http.__all__) <= set(dir(http))


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        http.Nope  # type: ignore[attr-defined]  # noqa: B018
