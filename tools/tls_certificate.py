"""A self-signed certificate for tests that need TLS on 127.0.0.1.

Shared by the members' test suites (``tools`` is on pytest's pythonpath);
made by the openssl CLI, which ``.ci/run`` installs when missing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ("self_signed_certificate",)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for ``localhost`` and 127.0.0.1, and its key, in PEM.

    Returns (certificate, key), written in ``directory``. The certificate
    is its own CA: trust it with ``ssl.create_default_context(cafile=...)``.
    """
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key
