"""Utilities for testing aiohttp applications (aiohttp.test_utils).

* Test servers on real sockets: :class:`TestServer` runs an
  :class:`aiohttp.web.Application`, :class:`RawTestServer` a low-level
  handler (both :class:`BaseTestServer`).
* :class:`TestClient`: a client session for one test server, which closes
  everything it opened.
* :class:`AioHTTPTestCase`: a :class:`unittest.IsolatedAsyncioTestCase`
  with an application, its server and a client ready in every test.
* Event loops: :func:`loop_context`, :func:`setup_test_loop`,
  :func:`teardown_test_loop`; ports: :func:`unused_port`,
  :func:`get_port_socket`, :func:`get_unused_port_socket`.
* Mocks: :func:`make_mocked_request`, :func:`make_mocked_coro`.

The pytest plugin (``aiohttp.pytest_plugin``) builds its fixtures on these.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import TypeVar
from unittest import IsolatedAsyncioTestCase

from ._test_utils_client import TestClient as TestClient
from ._test_utils_loop import REUSE_ADDRESS as REUSE_ADDRESS
from ._test_utils_loop import get_port_socket as get_port_socket
from ._test_utils_loop import get_unused_port_socket as get_unused_port_socket
from ._test_utils_loop import loop_context as loop_context
from ._test_utils_loop import setup_test_loop as setup_test_loop
from ._test_utils_loop import teardown_test_loop as teardown_test_loop
from ._test_utils_loop import unused_port as unused_port
from ._test_utils_mocks import make_mocked_coro as make_mocked_coro
from ._test_utils_mocks import make_mocked_request as make_mocked_request
from ._test_utils_servers import BaseTestServer as BaseTestServer
from ._test_utils_servers import RawTestServer as RawTestServer
from ._test_utils_servers import TestServer as TestServer
from .web_app import Application
from .web_request import Request

__all__ = (
    "AioHTTPTestCase",
    "BaseTestServer",
    "RawTestServer",
    "TestClient",
    "TestServer",
    "REUSE_ADDRESS",
    "get_port_socket",
    "get_unused_port_socket",
    "loop_context",
    "make_mocked_coro",
    "make_mocked_request",
    "setup_test_loop",
    "teardown_test_loop",
    "unittest_run_loop",
    "unused_port",
)

_F = TypeVar("_F")


class AioHTTPTestCase(IsolatedAsyncioTestCase):
    """A :class:`unittest.IsolatedAsyncioTestCase` for an aiohttp application.

    Override :meth:`get_application`; every test (``async def test_...``)
    then finds, ready and started:

    * ``self.app``: the application :meth:`get_application` returned;
    * ``self.server``: the :class:`TestServer` serving it
      (:meth:`get_server`);
    * ``self.client``: a :class:`TestClient` for that server
      (:meth:`get_client`), closed after the test (with the server);
    * ``self.loop``: the event loop the test runs in.

    Override :meth:`setUpAsync` and :meth:`tearDownAsync` for more set-up,
    or ``asyncSetUp`` and ``asyncTearDown`` calling ``super()``.
    """

    app: Application
    server: TestServer
    client: TestClient[Request, Application]
    loop: asyncio.AbstractEventLoop

    async def get_application(self) -> Application:
        """Return the application to test: override this."""
        return self.get_app()

    def get_app(self) -> Application:
        """Return the application (the obsolete synchronous hook)."""
        raise RuntimeError("Did you forget to define get_application()?")

    async def get_server(self, app: Application) -> TestServer:
        """Return the (not yet started) test server for ``app``."""
        return TestServer(app, loop=self.loop)

    async def get_client(self, server: TestServer) -> TestClient[Request, Application]:
        """Return the test client for ``server``; set-up starts it."""
        return TestClient(server, loop=self.loop)

    async def asyncSetUp(self) -> None:
        """Make the application, its server and client, and start them."""
        self.loop = asyncio.get_running_loop()
        self.app = await self.get_application()
        self.server = await self.get_server(self.app)
        self.client = await self.get_client(self.server)
        try:
            await self.client.start_server()
            await self.setUpAsync()
        except BaseException:
            # unittest skips asyncTearDown when set-up fails.
            await self.client.close()
            raise

    async def setUpAsync(self) -> None:  # noqa: N802 - aiohttp's name
        """More set-up, run after the client started (nothing by default)."""

    async def asyncTearDown(self) -> None:
        """Run :meth:`tearDownAsync`, then close the client and the server."""
        try:
            await self.tearDownAsync()
        finally:
            await self.client.close()

    async def tearDownAsync(self) -> None:  # noqa: N802 - aiohttp's name
        """More tear-down, run before the client closes (nothing by default)."""


def unittest_run_loop(func: _F) -> _F:
    """Return ``func`` unchanged: a no-op since aiohttp 3.8 (deprecated).

    :class:`AioHTTPTestCase` runs ``async def`` tests by itself.
    """
    warnings.warn(
        "Decorator `@unittest_run_loop` is no longer needed in aiohttp 3.8+",
        DeprecationWarning,
        stacklevel=2,
    )
    return func
