"""aiohttp.hdrs: method names and header field names as case-insensitive keys."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict, istr

from aiohttp import hdrs

# aiohttp 3.14's public hdrs names: plugins import these by name.
AIOHTTP_FIELD_NAMES = """
ACCEPT ACCEPT_CHARSET ACCEPT_ENCODING ACCEPT_LANGUAGE ACCEPT_RANGES AGE ALLOW
ALT_SVC ALT_USED AUTHENTICATION_INFO AUTHORIZATION CACHE_CONTROL CACHE_STATUS
CDN_CACHE_CONTROL CDN_LOOP CONNECTION CONTENT_DIGEST CONTENT_DISPOSITION
CONTENT_ENCODING CONTENT_ID CONTENT_LANGUAGE CONTENT_LENGTH CONTENT_LOCATION
CONTENT_MD5 CONTENT_RANGE CONTENT_TRANSFER_ENCODING CONTENT_TYPE COOKIE DATE
DESTINATION DIGEST EARLY_DATA ETAG EXPECT EXPIRES FORWARDED FROM HOST IF_MATCH
IF_MODIFIED_SINCE IF_NONE_MATCH IF_RANGE IF_UNMODIFIED_SINCE KEEP_ALIVE
LAST_MODIFIED LINK LOCATION MAX_FORWARDS ORIGIN PRAGMA PRIORITY
PROXY_AUTHENTICATE PROXY_AUTHENTICATION_INFO PROXY_AUTHORIZATION RANGE REFERER
REPR_DIGEST RETRY_AFTER SEC_WEBSOCKET_ACCEPT SEC_WEBSOCKET_EXTENSIONS
SEC_WEBSOCKET_KEY SEC_WEBSOCKET_KEY1 SEC_WEBSOCKET_PROTOCOL SEC_WEBSOCKET_VERSION
SERVER SET_COOKIE STRICT_TRANSPORT_SECURITY TE TRAILER TRANSFER_ENCODING UPGRADE
URI USER_AGENT VARY VIA WANT_CONTENT_DIGEST WANT_DIGEST WANT_REPR_DIGEST WARNING
WWW_AUTHENTICATE ACCEPT_CH ACCESS_CONTROL_ALLOW_CREDENTIALS
ACCESS_CONTROL_ALLOW_HEADERS ACCESS_CONTROL_ALLOW_METHODS
ACCESS_CONTROL_ALLOW_ORIGIN ACCESS_CONTROL_EXPOSE_HEADERS ACCESS_CONTROL_MAX_AGE
ACCESS_CONTROL_REQUEST_HEADERS ACCESS_CONTROL_REQUEST_METHOD BAGGAGE
CLEAR_SITE_DATA CONTENT_SECURITY_POLICY CONTENT_SECURITY_POLICY_REPORT_ONLY
CROSS_ORIGIN_EMBEDDER_POLICY CROSS_ORIGIN_OPENER_POLICY
CROSS_ORIGIN_RESOURCE_POLICY LAST_EVENT_ID NEL ORIGIN_AGENT_CLUSTER
PERMISSIONS_POLICY REFERRER_POLICY REPORTING_ENDPOINTS REPORT_TO SEC_CH_UA
SEC_CH_UA_MOBILE SEC_CH_UA_PLATFORM SEC_FETCH_DEST SEC_FETCH_MODE SEC_FETCH_SITE
SEC_FETCH_USER SEC_GPC SEC_PURPOSE SERVER_TIMING TIMING_ALLOW_ORIGIN TRACEPARENT
TRACESTATE UPGRADE_INSECURE_REQUESTS X_CONTENT_TYPE_OPTIONS X_FRAME_OPTIONS
X_FORWARDED_FOR X_FORWARDED_HOST X_FORWARDED_PORT X_FORWARDED_PROTO X_REAL_IP
X_REQUEST_ID X_CORRELATION_ID X_POWERED_BY X_RATELIMIT_LIMIT
X_RATELIMIT_REMAINING X_RATELIMIT_RESET X_REQUESTED_WITH X_XSS_PROTECTION
""".split()

FIELD_CONSTANTS = {
    name: value for name, value in vars(hdrs).items() if isinstance(value, istr)
}


def test_every_aiohttp_field_name_is_defined() -> None:
    assert sorted(FIELD_CONSTANTS) == sorted(AIOHTTP_FIELD_NAMES)


@pytest.mark.parametrize(("name", "value"), sorted(FIELD_CONSTANTS.items()))
def test_constant_name_spells_its_field(name: str, value: istr) -> None:
    # A typo in either the name or the registered spelling shows here.
    assert name == value.upper().replace("-", "_")


@pytest.mark.parametrize(
    ("constant", "spelling"),
    [
        (hdrs.ETAG, "ETag"),
        (hdrs.WWW_AUTHENTICATE, "WWW-Authenticate"),
        (hdrs.SEC_WEBSOCKET_ACCEPT, "Sec-WebSocket-Accept"),
        (hdrs.CONTENT_MD5, "Content-MD5"),
        (hdrs.TE, "TE"),
    ],
)
def test_fields_keep_their_registered_casing(constant: istr, spelling: str) -> None:
    # Responses write the constant as given, so it must read as registered.
    assert str(constant) == spelling


def test_field_constants_look_up_any_casing() -> None:
    headers = CIMultiDict([("content-TYPE", "text/plain"), ("x-forwarded-for", "a")])
    assert headers[hdrs.CONTENT_TYPE] == "text/plain"
    assert headers[hdrs.X_FORWARDED_FOR] == "a"
    assert hdrs.CONTENT_LENGTH not in headers


def test_methods() -> None:
    assert hdrs.METH_ANY == "*"
    assert {
        "CONNECT",
        "HEAD",
        "GET",
        "DELETE",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
        "TRACE",
    } == hdrs.METH_ALL
    assert hdrs.METH_ANY not in hdrs.METH_ALL
    for name in hdrs.METH_ALL:
        assert getattr(hdrs, f"METH_{name}") == name


def test_method_set_is_immutable() -> None:
    with pytest.raises(AttributeError):
        hdrs.METH_ALL.add("BREW")  # type: ignore[attr-defined]


def test_host_all_holds_every_casing_of_host() -> None:
    assert len(hdrs.HOST_ALL) == 2 ** len("host")
    assert {"Host", "host", "HOST", "hOsT"} <= hdrs.HOST_ALL
    assert all(spelling.lower() == "host" for spelling in hdrs.HOST_ALL)
