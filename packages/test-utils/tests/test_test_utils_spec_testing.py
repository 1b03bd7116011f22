"""The manual's Testing chapter (12.2.7): its unittest and framework-agnostic examples.

Each example is kept as printed, with these changes for aiohttp 3.x, noted
where they happen: ``@unittest_run_loop`` now warns that it is no longer
needed (the examples still run); ``TestClient`` takes a ``TestServer``
(an application still works, as the 3.0 manual shows); the manual's
granular example reads ``port``, which it never defines (``client.port`` is
meant). The pytest examples are the pytest plugin's tests.
"""

from __future__ import annotations

import unittest

import pytest

from aiohttp import web
from aiohttp.test_utils import (
    AioHTTPTestCase,
    TestClient,
    TestServer,
    loop_context,
    make_mocked_request,
    unittest_run_loop,
)


def run(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.TestLoader().loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def test_unittest_example() -> None:
    # 3.x: the decorator warns that it is no longer needed.
    with pytest.warns(DeprecationWarning, match="unittest_run_loop"):

        class MyAppTestCase(AioHTTPTestCase):
            async def get_application(self) -> web.Application:
                """
                Override the get_app method to return your application.
                """

                async def hello(request: web.Request) -> web.Response:
                    return web.Response(text="Hello, world")

                app = web.Application()
                app.router.add_get("/", hello)
                return app

            # the unittest_run_loop decorator can be used in tandem with
            # the AioHTTPTestCase to simplify running
            # tests that are asynchronous
            @unittest_run_loop
            async def test_example(self) -> None:
                request = await self.client.request("GET", "/")
                assert request.status == 200
                text = await request.text()
                assert "Hello, world" in text

            # a vanilla example
            def test_example_vanilla(self) -> None:
                async def test_get_route() -> None:
                    url = "/"
                    resp = await self.client.request("GET", url)
                    assert resp.status == 200
                    text = await resp.text()
                    assert "Hello, world" in text

                self.loop.run_until_complete(test_get_route())

    result = run(MyAppTestCase)
    assert result.errors == []
    assert result.failures == []
    assert result.testsRun == 2


def test_unittest_example_without_the_decorator() -> None:
    # What the 3.x manual writes instead: a plain async test method.
    class MyAppTestCase(AioHTTPTestCase):
        async def get_application(self) -> web.Application:
            async def hello(request: web.Request) -> web.Response:
                return web.Response(text="Hello, world")

            app = web.Application()
            app.router.add_get("/", hello)
            return app

        async def test_example(self) -> None:
            async with self.client.request("GET", "/") as resp:
                assert resp.status == 200
                text = await resp.text()
            assert "Hello, world" in text

    result = run(MyAppTestCase)
    assert result.errors == []
    assert result.failures == []
    assert result.testsRun == 1


def test_basic_test_class_note() -> None:
    # "A basic test class wraps every test method by unittest_run_loop()".
    with pytest.warns(DeprecationWarning, match="unittest_run_loop"):

        class TestA(AioHTTPTestCase):
            async def get_application(self) -> web.Application:
                return web.Application()

            @unittest_run_loop
            async def test_f(self) -> None:
                resp = await self.client.get("/")
                assert resp.status == 404

    result = run(TestA)
    assert result.errors == []
    assert result.failures == []
    assert result.testsRun == 1


def test_faking_request_object_example() -> None:
    def handler(request: web.Request) -> web.Response:
        assert request.headers.get("token") == "x"
        return web.Response(body=b"data")

    def test_handler() -> None:
        req = make_mocked_request("GET", "/", headers={"token": "x"})
        resp = handler(req)
        assert resp.body == b"data"

    test_handler()


def _create_example_app() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello, world")

    app = web.Application()
    app.router.add_get("/", hello)
    return app


def test_framework_agnostic_high_level_example() -> None:
    # loop_context is provided as a utility. You can use any
    # asyncio.BaseEventLoop class in it's place.
    with loop_context() as loop:
        app = _create_example_app()
        with TestClient(app, loop=loop) as client:

            async def test_get_route() -> None:
                nonlocal client
                resp = await client.get("/")
                assert resp.status == 200
                text = await resp.text()
                assert "Hello, world" in text

            loop.run_until_complete(test_get_route())


def test_framework_agnostic_high_level_example_with_a_test_server() -> None:
    # The 3.x spelling: the client takes a TestServer.
    with loop_context() as loop:
        app = _create_example_app()
        with TestClient(TestServer(app), loop=loop) as client:

            async def test_get_route() -> None:
                nonlocal client
                resp = await client.get("/")
                assert resp.status == 200
                text = await resp.text()
                assert "Hello, world" in text

            loop.run_until_complete(test_get_route())


def test_framework_agnostic_granular_example() -> None:
    with loop_context() as loop:
        app = _create_example_app()
        client = TestClient(TestServer(app), loop=loop)
        loop.run_until_complete(client.start_server())
        root = "http://127.0.0.1:{}".format(client.port)  # noqa: UP032 - the manual: port

        async def test_get_route() -> None:
            resp = await client.get("/")
            assert resp.status == 200
            text = await resp.text()
            assert "Hello, world" in text
            assert str(resp.url) == root + "/"

        loop.run_until_complete(test_get_route())
        loop.run_until_complete(client.close())
