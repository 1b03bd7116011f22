"""Telling IP address literals from host names."""

from __future__ import annotations

import functools
import ipaddress

__all__ = ("is_ip_address",)


def is_ip_address(host: str | None) -> bool:
    """Tell whether ``host`` is an IPv4 or IPv6 address rather than a name.

    The rules are :mod:`ipaddress`'s: no brackets around IPv6 (``"[::1]"`` is
    not an address), an IPv6 zone id (``"fe80::1%eth0"``) is fine. Called
    for every connection, hence the cache.
    """
    return _is_ip_address(host)


# lru_cache erases the signature for type checkers: is_ip_address keeps it.
@functools.lru_cache(maxsize=512)
def _is_ip_address(host: str | None) -> bool:
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
