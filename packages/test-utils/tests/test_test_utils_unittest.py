"""AioHTTPTestCase and unittest_run_loop, run by unittest inside these tests.

The test case classes are made inside the tests (pytest would otherwise
collect them itself) and run with a plain ``unittest.TestResult``, so the
warning filters stay pytest's (warnings are errors).
"""

from __future__ import annotations

import asyncio
import unittest

import pytest

import aiohttp
from aiohttp import web
from aiohttp.test_utils import (
    AioHTTPTestCase,
    TestClient,
    TestServer,
    unittest_run_loop,
)


def run(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.TestLoader().loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def assert_passed(result: unittest.TestResult, count: int) -> None:
    problems = [text for _, text in result.errors + result.failures]
    assert problems == []
    assert result.testsRun == count


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


def hello_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


def test_every_test_gets_app_server_client_and_loop() -> None:
    seen: list[tuple[object, ...]] = []

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            return hello_app()

        async def test_one(self) -> None:
            assert isinstance(self.app, web.Application)
            assert isinstance(self.server, TestServer)
            assert self.server.app is self.app
            assert isinstance(self.client, TestClient)
            assert self.client.server is self.server
            assert self.client.app is self.app
            assert self.server.started
            assert self.loop is asyncio.get_running_loop()
            response = await self.client.get("/")
            assert await response.text() == "Hello, world"
            seen.append((self.app, self.server, self.client))

        async def test_two(self) -> None:
            seen.append((self.app, self.server, self.client))

    assert_passed(run(Case), 2)
    (app1, server1, client1), (app2, server2, client2) = seen
    assert app1 is not app2
    assert server1 is not server2
    assert client1 is not client2
    for server, client in ((server1, client1), (server2, client2)):
        assert isinstance(server, TestServer)
        assert server.closed
        assert isinstance(client, TestClient)
        assert client.session.closed


def test_get_application_must_be_defined() -> None:
    class Case(AioHTTPTestCase):
        async def test_nothing(self) -> None:
            pass  # pragma: no cover

    result = run(Case)
    assert result.testsRun == 1
    [(_, text)] = result.errors
    assert "RuntimeError: Did you forget to define get_application()?" in text


def test_the_obsolete_get_app_still_works() -> None:
    class Case(AioHTTPTestCase):
        def get_app(self) -> web.Application:
            return hello_app()

        async def test_get(self) -> None:
            response = await self.client.get("/")
            assert response.status == 200

    assert_passed(run(Case), 1)


def test_get_server_and_get_client_can_be_overridden() -> None:
    seen: list[object] = []

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            return hello_app()

        async def get_server(self, app: web.Application) -> TestServer:
            return TestServer(app, host="localhost")

        async def get_client(
            self, server: TestServer
        ) -> TestClient[web.Request, web.Application]:
            return TestClient(server, headers={"X-Test": "1"})

        async def test_get(self) -> None:
            assert self.client.make_url("/").host == "localhost"
            assert self.client.session.headers["X-Test"] == "1"
            seen.append(self.server)

    assert_passed(run(Case), 1)
    [server] = seen
    assert isinstance(server, TestServer)
    assert server.closed


def test_set_up_async_and_tear_down_async_surround_the_test() -> None:
    events: list[str] = []

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            events.append("get_application")
            return hello_app()

        async def setUpAsync(self) -> None:  # noqa: N802
            assert self.server.started
            response = await self.client.get("/")
            events.append(f"setUpAsync {response.status}")

        async def test_it(self) -> None:
            events.append("test")

        async def tearDownAsync(self) -> None:  # noqa: N802
            assert not self.client.session.closed
            events.append("tearDownAsync")

    assert_passed(run(Case), 1)
    assert events == ["get_application", "setUpAsync 200", "test", "tearDownAsync"]


def test_async_set_up_and_tear_down_overrides_calling_super() -> None:
    events: list[str] = []

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            return hello_app()

        async def asyncSetUp(self) -> None:
            await super().asyncSetUp()
            events.append(f"set up, started={self.server.started}")

        async def asyncTearDown(self) -> None:
            await super().asyncTearDown()
            events.append(f"torn down, closed={self.server.closed}")

        async def test_it(self) -> None:
            events.append("test")

    assert_passed(run(Case), 1)
    assert events == ["set up, started=True", "test", "torn down, closed=True"]


def test_a_failing_test_is_reported_and_still_cleaned_up() -> None:
    clients: list[TestClient[web.Request, web.Application]] = []

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            return hello_app()

        async def test_fails(self) -> None:
            clients.append(self.client)
            response = await self.client.get("/")
            assert response.status == 404, "wrong status"

    result = run(Case)
    assert result.testsRun == 1
    [(_, text)] = result.failures
    assert "wrong status" in text
    [client] = clients
    assert client.session.closed
    assert client.server.closed


def test_a_failing_set_up_async_closes_the_client() -> None:
    clients: list[TestClient[web.Request, web.Application]] = []

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            return hello_app()

        async def setUpAsync(self) -> None:  # noqa: N802
            clients.append(self.client)
            raise ValueError("set-up failed")

        async def test_never_runs(self) -> None:
            pass  # pragma: no cover

    result = run(Case)
    [(_, text)] = result.errors
    assert "ValueError: set-up failed" in text
    [client] = clients
    assert client.session.closed
    assert client.server.closed


def test_websockets_and_cookies_in_a_test_case() -> None:
    async def login(request: web.Request) -> web.Response:
        response = web.Response()
        response.set_cookie("user", "ann")
        return response

    async def websocket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(request.cookies["user"])
        async for _ in ws:
            pass  # pragma: no cover
        return ws

    class Case(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            app = web.Application()
            app.router.add_get("/login", login)
            app.router.add_get("/ws", websocket)
            return app

        async def test_it(self) -> None:
            await (await self.client.get("/login")).release()
            ws = await self.client.ws_connect("/ws")
            assert await ws.receive_str() == "ann"
            # Left open on purpose: tear-down closes it.

    assert_passed(run(Case), 1)


def test_unittest_run_loop_is_deprecated_and_changes_nothing() -> None:
    async def method(self: object) -> None:
        pass  # pragma: no cover

    with pytest.warns(DeprecationWarning, match="no longer needed in aiohttp 3.8"):
        decorated = unittest_run_loop(method)
    assert decorated is method


def test_a_decorated_test_still_runs() -> None:
    ran: list[bool] = []

    with pytest.warns(DeprecationWarning, match="unittest_run_loop"):

        class Case(AioHTTPTestCase):
            async def get_application(self) -> web.Application:
                return hello_app()

            @unittest_run_loop
            async def test_get(self) -> None:
                response = await self.client.get("/")
                assert isinstance(response, aiohttp.ClientResponse)
                ran.append(True)

    assert_passed(run(Case), 1)
    assert ran == [True]
