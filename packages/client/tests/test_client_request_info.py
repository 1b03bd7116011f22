"""Fingerprint, ConnectionKey, the ssl argument merge, and client_reqrep's names."""

from __future__ import annotations

import asyncio
import hashlib
import pathlib
import ssl
import warnings

import pytest
from client_harness import self_signed_certificate, server_tls_context
from yarl import URL

import aiohttp
from aiohttp import client_reqrep, web
from aiohttp.client_exceptions import ServerFingerprintMismatch
from aiohttp.client_reqrep import ConnectionKey, Fingerprint, _merge_ssl_params
from aiohttp.helpers import BasicAuth
from aiohttp.pytest_plugin import AiohttpServer


def test_public_names() -> None:
    assert set(client_reqrep.__all__) == {
        "ClientRequest",
        "ClientResponse",
        "ConnectionKey",
        "ContentDisposition",
        "Fingerprint",
        "RequestInfo",
        "UploadTracker",
    }
    for name in (
        "ClientRequest",
        "ClientResponse",
        "Fingerprint",
        "RequestInfo",
        "UploadTracker",
    ):
        assert getattr(aiohttp, name) is getattr(client_reqrep, name)


# -- Fingerprint ------------------------------------------------------------------------


def test_fingerprint_sha256() -> None:
    digest = hashlib.sha256(b"cert").digest()
    fingerprint = Fingerprint(digest)
    assert fingerprint.fingerprint == digest
    assert fingerprint == Fingerprint(digest)
    assert hash(fingerprint) == hash(Fingerprint(digest))
    assert fingerprint != Fingerprint(b"\x00" * 32)
    assert fingerprint != digest


@pytest.mark.parametrize(
    "digest", [hashlib.md5(b"x").digest(), hashlib.sha1(b"x").digest()]
)
def test_fingerprint_insecure_digests_refused(digest: bytes) -> None:
    with pytest.raises(
        ValueError, match=r"md5 and sha1 are insecure and not supported\. Use sha256\."
    ):
        Fingerprint(digest)


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_fingerprint_bad_length_refused(length: int) -> None:
    with pytest.raises(ValueError, match="fingerprint has invalid length"):
        Fingerprint(b"\x01" * length)


async def test_fingerprint_check_ignores_plain_transport(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(web.Application())
    assert server.port is not None
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_connection(
        asyncio.Protocol, server.host, server.port
    )
    try:
        Fingerprint(b"\x00" * 32).check(transport)
    finally:
        transport.close()


async def test_fingerprint_check_against_tls_server(
    aiohttp_server: AiohttpServer, tmp_path: pathlib.Path
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    good = Fingerprint(hashlib.sha256(der).digest())
    bad = Fingerprint(hashlib.sha256(b"another certificate").digest())
    client_context = ssl.create_default_context(cafile=str(cert))
    server = await aiohttp_server(web.Application(), ssl=server_tls_context(cert, key))
    assert server.port is not None
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_connection(
        asyncio.Protocol,
        server.host,
        server.port,
        ssl=client_context,
        server_hostname="localhost",
    )
    try:
        good.check(transport)
        with pytest.raises(ServerFingerprintMismatch) as info:
            bad.check(transport)
    finally:
        transport.close()
        await asyncio.sleep(0.05)
    error = info.value
    assert error.expected == bad.fingerprint
    assert error.got == good.fingerprint
    assert error.host == "127.0.0.1"
    assert error.port == server.port


# -- the ssl argument -------------------------------------------------------------------


def test_merge_ssl_params_defaults() -> None:
    assert _merge_ssl_params(None, None, None, None) is True
    assert _merge_ssl_params(False, None, None, None) is False
    assert _merge_ssl_params(True, True, None, None) is True


def test_merge_ssl_params_verify_ssl_deprecated() -> None:
    with pytest.warns(
        DeprecationWarning, match="verify_ssl is deprecated, use ssl=False instead"
    ):
        assert _merge_ssl_params(True, False, None, None) is False


def test_merge_ssl_params_ssl_context_deprecated() -> None:
    context = ssl.create_default_context()
    with pytest.warns(
        DeprecationWarning, match="ssl_context is deprecated, use ssl=context instead"
    ):
        assert _merge_ssl_params(None, None, context, None) is context


def test_merge_ssl_params_fingerprint_deprecated() -> None:
    digest = hashlib.sha256(b"c").digest()
    with pytest.warns(
        DeprecationWarning,
        match=r"fingerprint is deprecated, use ssl=Fingerprint\(fingerprint\) instead",
    ):
        result = _merge_ssl_params(True, None, None, digest)
    assert result == Fingerprint(digest)


@pytest.mark.parametrize(
    ("ssl_value", "verify_ssl", "fingerprint"),
    [
        (False, False, None),
        (ssl.create_default_context(), None, hashlib.sha256(b"c").digest()),
    ],
)
def test_merge_ssl_params_mutually_exclusive(
    ssl_value: object, verify_ssl: bool | None, fingerprint: bytes | None
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ValueError, match="mutually exclusive"):
            _merge_ssl_params(ssl_value, verify_ssl, None, fingerprint)  # type: ignore[arg-type]


def test_merge_ssl_params_type_checked() -> None:
    with pytest.raises(
        TypeError,
        match=r"ssl should be SSLContext, bool, Fingerprint or None, got 'x' instead\.",
    ):
        _merge_ssl_params("x", None, None, None)  # type: ignore[arg-type]


# -- ConnectionKey -------------------------------------------------------------------------


def test_connection_key_is_a_hashable_tuple() -> None:
    key = ConnectionKey("h", 80, False, True, URL("http://proxy"), BasicAuth("u"), 7)
    assert key.proxy_headers_hash == 7
    assert key._replace(port=81).port == 81
    same = ConnectionKey("h", 80, False, True, URL("http://proxy"), BasicAuth("u"), 7)
    assert {key: 1}[same] == 1
    assert tuple(key) == ("h", 80, False, True, URL("http://proxy"), BasicAuth("u"), 7)
