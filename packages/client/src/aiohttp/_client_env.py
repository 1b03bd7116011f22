"""What ``ClientSession(trust_env=True)`` takes from the environment.

- Credentials from a ``.netrc`` file: the one ``NETRC`` names, else
  ``~/.netrc`` (``~/_netrc`` on Windows). :func:`netrc_from_env` loads it,
  :func:`basicauth_from_netrc` picks a host's entry.
- Proxies from the ``http_proxy``/``https_proxy``/``ws_proxy``/``wss_proxy``
  variables (either case, as :func:`urllib.request.getproxies` reads them),
  with ``no_proxy`` honoured: :func:`proxies_from_env` and
  :func:`get_env_proxy_for_url`. A proxy's credentials come from its URL
  (``http://user:pass@proxy:3128``) or, failing that, from ``.netrc``.

aiohttp keeps these in ``aiohttp.helpers``; they are client-only, so they
live in aiotide-client.
"""

from __future__ import annotations

import contextlib
import netrc
import os
import sys
from pathlib import Path
from typing import NamedTuple
from urllib.request import getproxies, proxy_bypass

from yarl import URL

from .helpers import BasicAuth, strip_auth_from_url
from .log import client_logger

__all__ = (
    "ProxyInfo",
    "basicauth_from_netrc",
    "get_env_proxy_for_url",
    "netrc_from_env",
    "proxies_from_env",
)

# The proxy variables the client uses, by the scheme they serve.
_PROXY_SCHEMES = frozenset({"http", "https", "ws", "wss"})
# A proxy reached over TLS needs TLS inside TLS: not supported, as in aiohttp.
_TLS_PROXY_SCHEMES = frozenset({"https", "wss"})


class ProxyInfo(NamedTuple):
    """A proxy from the environment: its URL (no credentials) and credentials."""

    proxy: URL
    proxy_auth: BasicAuth | None


def netrc_from_env() -> netrc.netrc | None:
    """Load the ``.netrc`` file: ``$NETRC``, else the one in the home directory.

    Return ``None`` when there is none or it cannot be used; a file that
    exists (or that ``NETRC`` names) but cannot be read or parsed is
    reported with a warning on the ``aiohttp.client`` logger.
    """
    netrc_env = os.environ.get("NETRC")
    if netrc_env is not None:
        path = Path(netrc_env)
    else:
        try:
            home = Path.home()
        except RuntimeError as exc:  # no HOME and no password database entry
            client_logger.debug("Could not find the home directory for .netrc: %s", exc)
            return None
        path = home / ("_netrc" if sys.platform == "win32" else ".netrc")

    try:
        return netrc.netrc(str(path))
    except netrc.NetrcParseError as exc:
        client_logger.warning("Could not parse .netrc file: %s", exc)
    except OSError as exc:
        exists = False
        with contextlib.suppress(OSError):
            exists = path.is_file()
        # A missing default file is normal; one asked for, or one that is
        # there but unreadable, is worth a word.
        if netrc_env or exists:
            client_logger.warning("Could not read .netrc file: %s", exc)
    return None


def basicauth_from_netrc(netrc_obj: netrc.netrc | None, host: str) -> BasicAuth:
    """The credentials ``netrc_obj`` holds for ``host`` (or its ``default``).

    Raise :exc:`LookupError` when there is no file or no entry for ``host``.
    """
    if netrc_obj is None:
        raise LookupError("No .netrc file found")
    entry = netrc_obj.authenticators(host)
    if entry is None:
        raise LookupError(f"No entry for {host!s} found in the `.netrc` file.")
    login, account, password = entry
    # An entry may give "account" without "login"; Python 3.10 reports a
    # missing field as None, later versions as "".
    return BasicAuth(login or account or "", password or "")


def _proxy_url(raw: str) -> URL | None:
    # curl and most tools read "proxy:3128" as an HTTP proxy.
    if "://" not in raw:
        raw = "http://" + raw
    try:
        url = URL(raw)
    except ValueError as exc:
        client_logger.warning("Ignoring invalid proxy URL %r: %s", raw, exc)
        return None
    return url


def proxies_from_env() -> dict[str, ProxyInfo]:
    """The proxies the environment sets, by the scheme they serve.

    Only ``http``, ``https``, ``ws`` and ``wss`` are read. A proxy that
    must itself be reached over TLS (an ``https://`` or ``wss://`` proxy
    URL) is not supported: it is left out with a warning.
    """
    found: dict[str, URL] = {}
    for scheme, raw in getproxies().items():
        if scheme in _PROXY_SCHEMES and raw:
            url = _proxy_url(raw)
            if url is not None:
                found[scheme] = url
    if not found:
        return {}

    netrc_obj = netrc_from_env()
    proxies: dict[str, ProxyInfo] = {}
    for scheme, url in found.items():
        proxy, auth = strip_auth_from_url(url)
        if proxy.scheme in _TLS_PROXY_SCHEMES:
            client_logger.warning(
                "%s proxies %s are not supported, ignoring",
                proxy.scheme.upper(),
                proxy,
            )
            continue
        if auth is None and netrc_obj is not None and proxy.host is not None:
            with contextlib.suppress(LookupError):
                auth = basicauth_from_netrc(netrc_obj, proxy.host)
        proxies[scheme] = ProxyInfo(proxy, auth)
    return proxies


def get_env_proxy_for_url(url: URL) -> tuple[URL, BasicAuth | None]:
    """The environment's proxy for ``url`` and its credentials.

    Raise :exc:`LookupError` when ``no_proxy`` exempts ``url``'s host or
    no proxy is set for its scheme.
    """
    if url.host is not None and proxy_bypass(url.host):
        raise LookupError(f"Proxying is disallowed for `{url.host!r}`")
    try:
        info = proxies_from_env()[url.scheme]
    except KeyError:
        raise LookupError(f"No proxies found for `{url!s}` in the env") from None
    return info.proxy, info.proxy_auth
