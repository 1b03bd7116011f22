"""Connectors: the client's connection pools (aiohttp.connector).

A connector lends a ``Connection`` to each request and takes it back
afterwards; idle keep-alive connections are reused. This module gathers
the public names; each part lives in a private module with one job:

* ``_connector_base``: ``Connection`` and ``BaseConnector`` (the pool, its
  limits and keep-alive, closing);
* ``_connector_slots``: the limits and the first-come-first-served waiters;
* ``_connector_tcp``: ``TCPConnector`` (DNS, Happy Eyeballs, TLS, proxies),
  with ``_connector_dns``, ``_connector_happy_eyeballs``,
  ``_connector_ssl`` and ``_connector_proxy``;
* ``_connector_errors``: what connecting raises (``ClientConnector*Error``);
* here: ``UnixConnector`` and ``NamedPipeConnector`` (Windows).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._connector_base import HIGH_LEVEL_SCHEMA_SET as HIGH_LEVEL_SCHEMA_SET
from ._connector_base import HTTP_AND_EMPTY_SCHEMA_SET as HTTP_AND_EMPTY_SCHEMA_SET
from ._connector_base import HTTP_SCHEMA_SET as HTTP_SCHEMA_SET
from ._connector_base import NEEDS_CLEANUP_CLOSED as NEEDS_CLEANUP_CLOSED
from ._connector_base import NO_TIMEOUT
from ._connector_base import WS_SCHEMA_SET as WS_SCHEMA_SET
from ._connector_base import BaseConnector as BaseConnector
from ._connector_base import Connection as Connection
from ._connector_errors import connect_error
from ._connector_happy_eyeballs import AddrInfoType as AddrInfoType
from ._connector_happy_eyeballs import SocketFactoryType as SocketFactoryType
from ._connector_tcp import TCPConnector as TCPConnector
from ._sentinel import _SENTINEL, sentinel
from ._timers import ceil_timeout
from .client_exceptions import UnixClientConnectorError
from .client_proto import ResponseHandler

if TYPE_CHECKING:
    from .client import ClientTimeout
    from .client_reqrep import ClientRequest
    from .tracing import Trace

__all__ = (
    "BaseConnector",
    "TCPConnector",
    "UnixConnector",
    "NamedPipeConnector",
    "AddrInfoType",
    "SocketFactoryType",
)


class _PathConnector(BaseConnector):
    """Connections to one local ``path`` (whatever the URL's host)."""

    def __init__(
        self,
        path: str,
        force_close: bool = False,
        keepalive_timeout: float | _SENTINEL | None = sentinel,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(
            force_close=force_close,
            keepalive_timeout=keepalive_timeout,
            limit=limit,
            limit_per_host=limit_per_host,
            loop=loop,
        )
        self._path = path

    @property
    def path(self) -> str:
        """The socket's or pipe's path."""
        return self._path


class UnixConnector(_PathConnector):
    """Connections over the Unix socket at ``path`` (whatever the URL's host)."""

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | frozenset(
        {"unix"}
    )

    async def _create_connection(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout | None,
    ) -> ResponseHandler:
        timeouts = NO_TIMEOUT if timeout is None else timeout
        try:
            async with ceil_timeout(timeouts.sock_connect, timeouts.ceil_threshold):
                _, proto = await self._loop.create_unix_connection(
                    self._factory, self._path
                )
        except Exception as exc:
            error = connect_error(
                req.connection_key,
                exc,
                req.url,
                functools.partial(UnixClientConnectorError, self._path),
            )
            if error is exc:
                raise
            raise error from exc
        return proto


class NamedPipeConnector(_PathConnector):
    """Connections over the Windows named pipe at ``path``.

    Needs a ``ProactorEventLoop`` (Windows): ``RuntimeError`` otherwise.
    """

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | frozenset(
        {"npipe"}
    )

    def __init__(
        self,
        path: str,
        force_close: bool = False,
        keepalive_timeout: float | _SENTINEL | None = sentinel,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(
            path,
            force_close=force_close,
            keepalive_timeout=keepalive_timeout,
            limit=limit,
            limit_per_host=limit_per_host,
            loop=loop,
        )
        proactor = getattr(asyncio, "ProactorEventLoop", None)
        if proactor is None or not isinstance(self._loop, proactor):
            raise RuntimeError(
                "Named Pipes only available in proactor loop under windows"
            )

    async def _create_connection(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout | None,
    ) -> ResponseHandler:  # pragma: no cover - Windows only
        timeouts = NO_TIMEOUT if timeout is None else timeout
        try:
            async with ceil_timeout(timeouts.sock_connect, timeouts.ceil_threshold):
                _, proto = await self._loop.create_pipe_connection(  # type: ignore[attr-defined]
                    self._factory, self._path
                )
                # connection_made() runs on the next loop iteration.
                await asyncio.sleep(0)
        except Exception as exc:
            error = connect_error(req.connection_key, exc, req.url)
            if error is exc:
                raise
            raise error from exc
        return proto  # type: ignore[no-any-return]
