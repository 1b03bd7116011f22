"""gunicorn's SSL settings become the SSLContext the worker serves with."""

from __future__ import annotations

import os
import signal
import ssl
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config  # type: ignore[import-untyped]
from gunicorn_worker_harness import (
    http_get,
    run_worker,
    self_signed_certificate,
    start_gunicorn,
)

from aiohttp import web
from aiohttp._worker_ssl import default_ssl_context, make_ssl_context
from aiohttp.worker import GunicornWebWorker


def _config(**settings: Any) -> Any:
    cfg = Config()
    for name, value in settings.items():
        cfg.set(name, value)
    return cfg


def _client(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cert)


def test_context_from_certfile_keyfile_cert_reqs_ciphers(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    cfg = _config(
        certfile=str(cert),
        keyfile=str(key),
        ca_certs=str(cert),
        cert_reqs=ssl.CERT_REQUIRED,
        ciphers="ECDHE+AESGCM",
    )
    context = make_ssl_context(cfg)
    assert context.verify_mode is ssl.CERT_REQUIRED
    # ca_certs loaded: the certificate is now a trusted CA.
    assert [ca["subject"] for ca in context.get_ca_certs()] == [
        ((("commonName", "localhost"),),)
    ]
    names = {cipher["name"] for cipher in context.get_ciphers()}
    tls12 = {c["name"] for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"}
    assert tls12
    assert all("GCM" in name for name in tls12), names


def test_defaults_need_no_client_certificate(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    context = default_ssl_context(_config(certfile=str(cert), keyfile=str(key)))
    assert context.verify_mode is ssl.CERT_NONE
    assert context.get_ca_certs() == []


def test_ssl_context_hook_gets_the_default_factory(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    seen: list[ssl.SSLContext] = []

    def hook(config: Any, factory: Any) -> ssl.SSLContext:
        context: ssl.SSLContext = factory()
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        seen.append(context)
        return context

    cfg = _config(certfile=str(cert), keyfile=str(key), ssl_context=hook)
    context = make_ssl_context(cfg)
    assert seen == [context]
    assert context.minimum_version is ssl.TLSVersion.TLSv1_3


def test_a_hook_must_return_a_context(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    cfg = _config(
        certfile=str(cert), keyfile=str(key), ssl_context=lambda config, factory: None
    )
    with pytest.raises(TypeError, match=r"must return an ssl\.SSLContext, got None"):
        make_ssl_context(cfg)


def test_without_the_hook_setting_the_default_is_used(tmp_path: Path) -> None:
    # gunicorn before 21 has no ssl_context setting.
    cert, key = self_signed_certificate(tmp_path)

    class OldConfig:
        certfile, keyfile, ca_certs, cert_reqs, ciphers = (
            str(cert),
            str(key),
            None,
            0,
            None,
        )

    assert make_ssl_context(OldConfig()).verify_mode is ssl.CERT_NONE


def test_worker_serves_https_and_checks_client_certificates(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    app = web.Application()

    async def index(request: web.Request) -> web.Response:
        peer = (
            request.transport.get_extra_info("peercert") if request.transport else None
        )
        return web.Response(text=f"{request.scheme} {request.secure} {bool(peer)}")

    app.router.add_get("/", index)

    def drive(worker: GunicornWebWorker, port: int, results: dict[str, Any]) -> None:
        plain = _client(cert)
        # CERT_REQUIRED: a client without a certificate is refused (with
        # TLS 1.3 the client may see the refusal as a closed connection).
        with pytest.raises((ssl.SSLError, ConnectionError)):
            http_get("127.0.0.1", port, context=plain)
        with_cert = _client(cert)
        with_cert.load_cert_chain(cert, key)
        results["get"] = http_get("127.0.0.1", port, context=with_cert)
        os.kill(os.getpid(), signal.SIGTERM)

    run = run_worker(
        tmp_path,
        app,
        drive,
        certfile=str(cert),
        keyfile=str(key),
        ca_certs=str(cert),
        cert_reqs=ssl.CERT_REQUIRED,
    )
    assert run.driver_error is None
    assert run.results["get"] == (200, "https True True")


def test_real_gunicorn_serves_https(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    with start_gunicorn(
        tmp_path,
        "gunicorn_worker_apps:app",
        "--certfile",
        str(cert),
        "--keyfile",
        str(key),
        context=_client(cert),
    ) as server:
        status, body = server.get(context=_client(cert))
        assert status == 200
        assert body.startswith("pid ")
        with pytest.raises((ConnectionError, OSError)):
            # Plain HTTP to a TLS port: no HTTP answer.
            server.get()
