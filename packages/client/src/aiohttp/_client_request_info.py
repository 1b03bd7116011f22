"""The small value types a request is described by.

``ConnectionKey`` is what the pool files a connection under; ``RequestInfo``
is what a response (and a ``ClientResponseError``) remembers of its request;
``Fingerprint`` pins a server certificate by its SHA-256 digest.
``merge_ssl_params`` folds aiohttp 2's ``verify_ssl``/``ssl_context``/
``fingerprint`` arguments into the one ``ssl`` argument, with their
deprecation warnings.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import warnings
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeAlias

from multidict import CIMultiDictProxy
from yarl import URL

from ._sentinel import _SENTINEL, sentinel
from .client_exceptions import ServerFingerprintMismatch
from .helpers import BasicAuth

if TYPE_CHECKING:
    SSLContext = ssl.SSLContext

__all__ = (
    "SSL_ALLOWED_TYPES",
    "SSLSetting",
    "ConnectionKey",
    "Fingerprint",
    "RequestInfo",
    "merge_ssl_params",
)

# A digest's length tells the hash it came from; only SHA-256 is accepted,
# the others are named so the error can say why.
_SHA256_LENGTH: Final = 32
_INSECURE_LENGTHS: Final = frozenset({16, 20})  # MD5, SHA-1


class Fingerprint:
    """Pin a server certificate by the SHA-256 digest of its DER form.

    Pass it as ``ssl=`` to a request or to ``TCPConnector``: the connection
    is refused with ``ServerFingerprintMismatch`` when the certificate the
    server presents hashes to anything else. MD5 and SHA-1 digests are
    refused with ``ValueError``: they are not safe for pinning.
    """

    __slots__ = ("_fingerprint",)

    def __init__(self, fingerprint: bytes) -> None:
        length = len(fingerprint)
        if length in _INSECURE_LENGTHS:
            raise ValueError("md5 and sha1 are insecure and not supported. Use sha256.")
        if length != _SHA256_LENGTH:
            raise ValueError("fingerprint has invalid length")
        self._fingerprint = bytes(fingerprint)

    @property
    def fingerprint(self) -> bytes:
        """The expected SHA-256 digest."""
        return self._fingerprint

    def check(self, transport: asyncio.Transport) -> None:
        """Raise ``ServerFingerprintMismatch`` unless the peer's certificate matches.

        A transport without TLS has nothing to check.
        """
        if not transport.get_extra_info("sslcontext"):
            return
        sslobj = transport.get_extra_info("ssl_object")
        cert: bytes | None = sslobj.getpeercert(binary_form=True)
        got = hashlib.sha256(cert or b"").digest()
        if got != self._fingerprint:
            host, port, *_ = transport.get_extra_info("peername")
            raise ServerFingerprintMismatch(self._fingerprint, got, host, port)

    # Equal digests pin the same certificate: requests that give equal
    # fingerprints may share pooled connections.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return self._fingerprint == other._fingerprint

    def __hash__(self) -> int:
        return hash(self._fingerprint)

    def __repr__(self) -> str:
        return f"<Fingerprint {self._fingerprint.hex()}>"


#: A request's TLS setting: verify (True), don't (False), a context, a pin.
SSLSetting: TypeAlias = "SSLContext | bool | Fingerprint"
#: What ``ssl=`` accepts (besides ``None``, read as ``True``).
SSL_ALLOWED_TYPES: Final[tuple[type, ...]] = (ssl.SSLContext, bool, Fingerprint)


def merge_ssl_params(
    ssl: SSLSetting | None,
    verify_ssl: bool | None,
    ssl_context: SSLContext | None,
    fingerprint: bytes | None,
    *,
    stacklevel: int = 3,
) -> SSLSetting:
    """Fold the deprecated TLS arguments into one ``ssl`` value.

    Each deprecated argument warns (``DeprecationWarning``, attributed
    ``stacklevel`` frames up) and may only be used when ``ssl`` is left at
    its default; ``TypeError`` for an ``ssl`` of another type.
    """
    if ssl is None:
        ssl = True
    if verify_ssl is not None and not verify_ssl:
        warnings.warn(
            "verify_ssl is deprecated, use ssl=False instead",
            DeprecationWarning,
            stacklevel=stacklevel,
        )
        ssl = _only_one(ssl, False)
    if ssl_context is not None:
        warnings.warn(
            "ssl_context is deprecated, use ssl=context instead",
            DeprecationWarning,
            stacklevel=stacklevel,
        )
        ssl = _only_one(ssl, ssl_context)
    if fingerprint is not None:
        warnings.warn(
            "fingerprint is deprecated, use ssl=Fingerprint(fingerprint) instead",
            DeprecationWarning,
            stacklevel=stacklevel,
        )
        ssl = _only_one(ssl, Fingerprint(fingerprint))
    if not isinstance(ssl, SSL_ALLOWED_TYPES):
        raise TypeError(
            f"ssl should be SSLContext, bool, Fingerprint or None, got {ssl!r} instead."
        )
    return ssl


def _only_one(current: SSLSetting, new: SSLSetting) -> SSLSetting:
    if current is not True:
        raise ValueError(
            "verify_ssl, ssl_context, fingerprint and ssl "
            "parameters are mutually exclusive"
        )
    return new


class ConnectionKey(NamedTuple):
    """What a pooled connection is filed under: only an equal key may reuse it.

    A tuple, so the pool's dict lookups use the fast native hash and
    equality. ``proxy_headers_hash`` is the hash of the proxy headers' items.
    """

    host: str
    port: int | None
    is_ssl: bool
    ssl: SSLSetting
    proxy: URL | None
    proxy_auth: BasicAuth | None
    proxy_headers_hash: int | None


class _RequestInfoFields(NamedTuple):
    url: URL
    method: str
    headers: CIMultiDictProxy[str]
    real_url: URL


class RequestInfo(_RequestInfoFields):
    """The request a response answers: URL, method, headers and real URL.

    ``url`` has no fragment; ``real_url`` is the URL as given, fragment
    included, and defaults to ``url``.
    """

    __slots__ = ()

    def __new__(
        cls,
        url: URL,
        method: str,
        headers: CIMultiDictProxy[str],
        real_url: URL | _SENTINEL = sentinel,
    ) -> RequestInfo:
        """Build the info; ``real_url`` defaults to ``url``."""
        if real_url is sentinel:
            real_url = url
        return tuple.__new__(cls, (url, method, headers, real_url))

    def __getnewargs__(self) -> tuple[Any, ...]:
        # pickle and copy rebuild through __new__ with every field.
        return tuple(self)
