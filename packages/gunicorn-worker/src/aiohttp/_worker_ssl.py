"""The ``SSLContext`` a gunicorn worker serves with, from gunicorn's settings.

gunicorn's own workers wrap each accepted socket; ours hand one context to
asyncio instead, made from the same settings:

- ``certfile`` / ``keyfile``: the certificate chain and its private key;
- ``ca_certs``: the CAs client certificates are checked against;
- ``cert_reqs``: ``0`` no client certificate, ``1`` optional, ``2`` required;
- ``ciphers``: an OpenSSL cipher list (Python's default list when unset);
- the ``ssl_context(config, default_ssl_context_factory)`` server hook
  (gunicorn 21+), which receives a factory for the context above and
  returns the context to use, so a configuration file can tune it.

``ssl_version`` is deprecated and ignored by gunicorn itself; so is it here.
``do_handshake_on_connect`` and ``suppress_ragged_eofs`` configure
``wrap_socket``, which asyncio does not use.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

__all__ = ("default_ssl_context", "make_ssl_context")


def default_ssl_context(cfg: Any) -> ssl.SSLContext:  # noqa: ANN401 - gunicorn's untyped Config
    """A server-side context from gunicorn's SSL settings alone."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=cfg.ca_certs)
    context.load_cert_chain(certfile=cfg.certfile, keyfile=cfg.keyfile)
    context.verify_mode = ssl.VerifyMode(cfg.cert_reqs)
    if cfg.ciphers:
        context.set_ciphers(cfg.ciphers)
    return context


def make_ssl_context(cfg: Any) -> ssl.SSLContext:  # noqa: ANN401 - gunicorn's untyped Config
    """The context to serve with: the ``ssl_context`` hook's, or the default one."""

    def factory() -> ssl.SSLContext:
        return default_ssl_context(cfg)

    hook: Callable[[Any, Callable[[], ssl.SSLContext]], object] | None = getattr(
        cfg, "ssl_context", None
    )
    if hook is None:
        return factory()
    context = hook(cfg, factory)
    if not isinstance(context, ssl.SSLContext):
        raise TypeError(
            "gunicorn's ssl_context hook must return an ssl.SSLContext, "
            f"got {context!r}"
        )
    return context
