"""TLS for the TCP connector: the default contexts and the choice per request.

``ssl=True`` means a verifying context (``ssl.create_default_context()``),
``ssl=False`` and ``ssl=Fingerprint(...)`` a context that verifies nothing
(the fingerprint is checked after the handshake instead), and an
``SSLContext`` is used as given. A request's own ``ssl`` wins over the
connector's unless it is the default ``True``. The two default contexts are
made on first use (loading the CA store takes a while) and then shared.
"""

from __future__ import annotations

import ssl
from functools import cache

from .client_reqrep import Fingerprint

__all__ = (
    "fingerprint_for",
    "ssl_context_for",
    "verified_context",
    "unverified_context",
)

SSLSetting = ssl.SSLContext | bool | Fingerprint


def _alpn(context: ssl.SSLContext) -> ssl.SSLContext:
    # We speak HTTP/1.1 only; saying so keeps an HTTP/2 server from choosing h2.
    context.set_alpn_protocols(("http/1.1",))
    return context


@cache
def verified_context() -> ssl.SSLContext:
    """The shared context that verifies certificates and host names."""
    return _alpn(ssl.create_default_context())


@cache
def unverified_context() -> ssl.SSLContext:
    """The shared context that accepts any certificate (``ssl=False``)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.options |= ssl.OP_NO_COMPRESSION
    context.set_default_verify_paths()
    return _alpn(context)


def ssl_context_for(
    request_ssl: SSLSetting, connector_ssl: SSLSetting
) -> ssl.SSLContext:
    """The context for a TLS connection of a request (see the module doc)."""
    chosen = request_ssl if request_ssl is not True else connector_ssl
    if isinstance(chosen, ssl.SSLContext):
        return chosen
    if chosen is True:
        return verified_context()
    return unverified_context()


def fingerprint_for(
    request_ssl: SSLSetting, connector_ssl: SSLSetting
) -> Fingerprint | None:
    """The certificate pin that applies to a request, if any."""
    if isinstance(request_ssl, Fingerprint):
        return request_ssl
    if isinstance(connector_ssl, Fingerprint):
        return connector_ssl
    return None
