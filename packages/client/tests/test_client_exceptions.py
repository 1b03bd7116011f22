"""The client's exception tree, as the client reference draws it."""

from __future__ import annotations

import asyncio
import errno
import pickle
import ssl
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

import aiohttp
from aiohttp import client_exceptions as ce
from aiohttp.client_reqrep import ConnectionKey, RequestInfo

# (exception, the classes the reference says it derives from)
HIERARCHY: list[tuple[type[BaseException], tuple[type[BaseException], ...]]] = [
    (ce.ClientError, (Exception,)),
    (ce.ClientPayloadError, (ce.ClientError,)),
    (ce.InvalidURL, (ce.ClientError, ValueError)),
    (ce.ClientResponseError, (ce.ClientError,)),
    (ce.WSServerHandshakeError, (ce.ClientResponseError,)),
    (ce.ContentTypeError, (ce.ClientResponseError,)),
    (ce.TooManyRedirects, (ce.ClientResponseError,)),
    (ce.ClientHttpProxyError, (ce.ClientResponseError,)),
    (ce.ClientConnectionError, (ce.ClientError,)),
    (ce.ClientConnectionResetError, (ce.ClientConnectionError, ConnectionResetError)),
    (ce.ClientOSError, (ce.ClientConnectionError, OSError)),
    (ce.ClientConnectorError, (ce.ClientOSError,)),
    (ce.ClientConnectorDNSError, (ce.ClientConnectorError,)),
    (ce.ClientProxyConnectionError, (ce.ClientConnectorError,)),
    (ce.UnixClientConnectorError, (ce.ClientConnectorError,)),
    (ce.ClientSSLError, (ce.ClientConnectorError,)),
    (ce.ClientConnectorSSLError, (ce.ClientSSLError, ssl.SSLError)),
    (ce.ClientConnectorCertificateError, (ce.ClientSSLError, ssl.CertificateError)),
    (ce.ServerConnectionError, (ce.ClientConnectionError,)),
    (ce.ServerDisconnectedError, (ce.ServerConnectionError,)),
    (ce.ServerTimeoutError, (ce.ServerConnectionError, asyncio.TimeoutError)),
    (ce.ConnectionTimeoutError, (ce.ServerTimeoutError,)),
    (ce.SocketTimeoutError, (ce.ServerTimeoutError,)),
    (ce.ServerFingerprintMismatch, (ce.ServerConnectionError,)),
    (ce.InvalidUrlClientError, (ce.InvalidURL,)),
    (ce.RedirectClientError, (ce.ClientError,)),
    (ce.NonHttpUrlClientError, (ce.ClientError,)),
    (
        ce.InvalidUrlRedirectClientError,
        (ce.InvalidUrlClientError, ce.RedirectClientError),
    ),
    (
        ce.NonHttpUrlRedirectClientError,
        (ce.NonHttpUrlClientError, ce.RedirectClientError),
    ),
    (ce.WSMessageTypeError, (TypeError,)),
]


@pytest.mark.parametrize(
    ("exception", "bases"), HIERARCHY, ids=[e.__name__ for e, _ in HIERARCHY]
)
def test_derives_from_what_the_reference_says(
    exception: type[BaseException], bases: tuple[type[BaseException], ...]
) -> None:
    for base in bases:
        assert issubclass(exception, base)
    # Every one is reachable as aiohttp.<Name> (UnixClientConnectorError is not
    # in aiohttp's top-level namespace either).
    if exception is not ce.UnixClientConnectorError:
        assert getattr(aiohttp, exception.__name__) is exception


def test_the_module_docstring_draws_every_class() -> None:
    assert ce.__doc__ is not None
    for name in ce.__all__:
        assert name in ce.__doc__


def _info(url: str = "http://example.com/x") -> RequestInfo:
    return RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url))


def _key(host: str = "example.com", port: int = 443, ssl_: Any = True) -> ConnectionKey:
    return ConnectionKey(host, port, True, ssl_, None, None, None)


def test_response_error_carries_status_message_headers_history() -> None:
    info = _info()
    headers = CIMultiDictProxy(CIMultiDict({"X": "1"}))
    err = ce.ClientResponseError(
        info, (), status=404, message="Not Found", headers=headers
    )
    assert (err.status, err.message, err.history) == (404, "Not Found", ())
    assert err.request_info is info
    assert str(err) == "404, message='Not Found', url='http://example.com/x'"
    assert repr(err).startswith("ClientResponseError(")
    assert "status=404" in repr(err)


def test_response_error_code_is_a_deprecated_alias_of_status() -> None:
    err = ce.ClientResponseError(_info(), (), status=500)
    with pytest.warns(DeprecationWarning, match="status"):
        assert err.code == 500
    with pytest.warns(DeprecationWarning, match="code argument"):
        made = ce.ClientResponseError(_info(), (), code=502)
    assert made.status == 502
    with pytest.raises(ValueError, match="code"):
        ce.ClientResponseError(_info(), (), code=1, status=2)


def test_connector_error_names_host_port_and_reason() -> None:
    os_error = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    err = ce.ClientConnectorError(_key(), os_error)
    assert (err.host, err.port, err.ssl, err.os_error) == (
        "example.com",
        443,
        True,
        os_error,
    )
    assert err.errno == errno.ECONNREFUSED
    assert str(err) == (
        "Cannot connect to host example.com:443 ssl:default [Connection refused]"
    )
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is ce.ClientConnectorError
    assert copy.host == "example.com"


def test_unix_connector_error_names_the_path() -> None:
    err = ce.UnixClientConnectorError(
        "/run/app.sock",
        _key("localhost", 80, False),
        FileNotFoundError(2, "No such file"),
    )
    assert err.path == "/run/app.sock"
    assert "unix socket /run/app.sock" in str(err)


def test_certificate_error_wraps_the_verification_error() -> None:
    cause = ssl.SSLCertVerificationError("certificate verify failed")
    err = ce.ClientConnectorCertificateError(_key(), cause)
    assert err.certificate_error is cause
    assert err.host == "example.com"
    assert "SSLCertVerificationError" in str(err)


def test_server_disconnected_has_a_default_message() -> None:
    assert ce.ServerDisconnectedError().message == "Server disconnected"
    assert str(ce.ServerDisconnectedError("gone")) == "gone"


def test_fingerprint_mismatch_reports_both_digests() -> None:
    err = ce.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "example.com", 443)
    assert (err.expected, err.got, err.host, err.port) == (
        b"a" * 32,
        b"b" * 32,
        "example.com",
        443,
    )
    assert "expected=" in repr(err)


def test_invalid_url_keeps_url_and_description() -> None:
    err = ce.InvalidURL("http:///x", "no host")
    assert (err.url, err.description) == ("http:///x", "no host")
    assert str(err) == "http:///x - no host"
    assert repr(err) == "<InvalidURL http:///x - no host>"
    assert str(ce.InvalidUrlClientError(URL("x"))) == "x"
    # A bad URL is still a ValueError, as code catching bad input expects; a
    # URL of another scheme is not malformed, so it is not one.
    assert isinstance(ce.InvalidUrlRedirectClientError("x"), ValueError)
    assert not isinstance(ce.NonHttpUrlRedirectClientError("ftp://x"), ValueError)
