"""The client's timeout settings (``aiohttp.ClientTimeout``).

They live in this small module so that the connector and the request side
can import them without importing the session; ``aiohttp.client`` re-exports
them under their public name.

Where each timeout applies:

* ``total``: the whole request, from ``session.get(...)`` through every
  redirect to the last byte of the body (a timer handed to the response);
* ``connect``: getting a connection, including the wait for a free slot in
  the pool;
* ``sock_connect``: opening one new connection to the peer (each attempt);
* ``sock_read``: the longest wait for the next bytes of the response;
* ``ceil_threshold``: from this many seconds on, deadlines are rounded up to
  a whole second so that many timers share the loop's wake-ups.

``None`` (or ``0``) switches a timeout off.
"""

from __future__ import annotations

import dataclasses
from typing import Final

__all__ = ("DEFAULT_TIMEOUT", "ClientTimeout")


@dataclasses.dataclass(frozen=True, slots=True)
class ClientTimeout:
    """Timeout settings of a session or of one request (immutable).

    Derive a variant with :func:`dataclasses.replace`.
    """

    total: float | None = None
    connect: float | None = None
    sock_read: float | None = None
    sock_connect: float | None = None
    ceil_threshold: float = 5


#: A session's timeouts unless it is given others: five minutes for the
#: whole request, thirty seconds to open a connection.
DEFAULT_TIMEOUT: Final = ClientTimeout(total=5 * 60, sock_connect=30)
