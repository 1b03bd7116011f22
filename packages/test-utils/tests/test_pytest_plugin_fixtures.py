"""The plugin's fixtures, options and test ids, run through ``pytester``."""

from __future__ import annotations

import sys

import pytest

# own_rootdir is an autouse fixture: importing it applies it to this module.
from pytest_plugin_harness import own_rootdir as own_rootdir
from pytest_plugin_harness import run

# Loaded here: each in-process run unloads the modules it imported itself.
import aiohttp.web  # noqa: F401

pytest_plugins = ("pytester",)


def test_options_in_help(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(
        ["*--aiohttp-fast*", "*--aiohttp-loop=*", "*--aiohttp-enable-loop-debug*"]
    )


def test_loop_is_fresh_current_and_closed_after(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        seen = []

        def test_first(loop):
            assert isinstance(loop, asyncio.AbstractEventLoop)
            assert not loop.is_closed() and not loop.is_running()
            assert asyncio.get_event_loop_policy().get_event_loop() is loop
            assert not loop.get_debug()
            seen.append(loop)

        def test_second(loop):
            assert loop is not seen[0]
            assert seen[0].is_closed()
            seen.append(loop)

        def test_after():
            assert seen[1].is_closed()
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*::test_first[[]pyloop[]] PASSED*",
            "*::test_second[[]pyloop[]] PASSED*",
            "*::test_after PASSED*",
        ]
    )


def test_ids_follow_the_loop_through_other_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        async def test_client(aiohttp_client):
            pass

        async def test_server(aiohttp_server):
            pass

        @pytest.mark.parametrize("n", [1, 2])
        def test_params(loop, n):
            pass

        async def test_no_loop():
            pass
        """
    )
    result = run(pytester, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "*::test_client[[]pyloop[]]",
            "*::test_server[[]pyloop[]]",
            "*::test_params[[]pyloop-1[]]",
            "*::test_params[[]pyloop-2[]]",
            "*::test_no_loop",
        ]
    )


def test_loop_debug(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        def test_fixture(loop, loop_debug, request):
            expected = request.config.getoption("--aiohttp-enable-loop-debug")
            assert loop_debug is expected
            assert loop.get_debug() is expected

        async def test_own_loop(request):
            expected = request.config.getoption("--aiohttp-enable-loop-debug")
            assert asyncio.get_running_loop().get_debug() is expected
        """
    )
    run(pytester).assert_outcomes(passed=2)
    run(pytester, "--aiohttp-enable-loop-debug").assert_outcomes(passed=2)


def test_fast(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fast(fast, request):
            assert fast is request.config.getoption("--aiohttp-fast")

        async def test_client(aiohttp_client):
            pass
        """
    )
    run(pytester).assert_outcomes(passed=2)
    run(pytester, "--aiohttp-fast").assert_outcomes(passed=2)


def test_proactor_loop_is_windows_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        async def test_proactor(proactor_loop):
            assert asyncio.get_running_loop() is proactor_loop
        """
    )
    result = run(pytester, "-rs")
    if sys.platform == "win32":  # pragma: no cover
        result.assert_outcomes(passed=1)
    else:
        result.assert_outcomes(skipped=1)
        result.stdout.fnmatch_lines(
            ["*the proactor event loop exists on Windows only*"]
        )


def test_aiohttp_unused_port(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import socket

        def test_port(aiohttp_unused_port):
            port = aiohttp_unused_port()
            assert isinstance(port, int) and 0 < port < 65536
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", port))
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_aiohttp_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import ssl
        from aiohttp import ClientSession, web
        from aiohttp.test_utils import TestServer

        servers = []

        async def hello(request):
            return web.Response(text="hi")

        async def test_started(aiohttp_server, aiohttp_unused_port):
            app = web.Application()
            app.router.add_get("/", hello)
            port = aiohttp_unused_port()
            server = await aiohttp_server(app, host="127.0.0.1", port=port)
            assert isinstance(server, TestServer)
            assert server.app is app and server.started and server.port == port
            assert str(server.make_url("/x")) == f"http://127.0.0.1:{port}/x"
            async with ClientSession() as session:
                async with session.get(server.make_url("/")) as resp:
                    assert await resp.text() == "hi"
            servers.append(server)

        async def test_start_server_kwargs(aiohttp_server):
            # Keyword arguments go to start_server(): here the runner's.
            server = await aiohttp_server(web.Application(), shutdown_timeout=0.5)
            assert server.runner is not None
            servers.append(server)

        def test_closed_after():
            assert len(servers) == 2
            assert all(server.closed for server in servers)
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_aiohttp_raw_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from aiohttp import ClientSession, web
        from aiohttp.test_utils import RawTestServer

        servers = []

        async def test_started(aiohttp_raw_server, aiohttp_unused_port):
            async def handler(request):
                assert isinstance(request, web.BaseRequest)
                return web.Response(text=request.path)

            port = aiohttp_unused_port()
            server = await aiohttp_raw_server(handler, port=port)
            assert isinstance(server, RawTestServer) and server.port == port
            async with ClientSession() as session:
                async with session.get(server.make_url("/raw")) as resp:
                    assert await resp.text() == "/raw"
            servers.append(server)

        def test_closed_after():
            assert servers and servers[0].closed
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_aiohttp_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from aiohttp import web
        from aiohttp.test_utils import TestClient, TestServer

        clients = []

        async def echo_headers(request):
            return web.json_response({"x": request.headers.get("X-Test")})

        def make_app():
            app = web.Application()
            app.router.add_get("/", echo_headers)
            return app

        async def test_app(aiohttp_client):
            client = await aiohttp_client(make_app())
            assert isinstance(client, TestClient)
            assert isinstance(client.server, TestServer)
            assert client.server.started
            resp = await client.get("/")
            assert await resp.json() == {"x": None}
            clients.append(client)

        async def test_server_kwargs_and_client_kwargs(aiohttp_client, aiohttp_unused_port):
            port = aiohttp_unused_port()
            client = await aiohttp_client(
                make_app(), server_kwargs={"port": port}, headers={"X-Test": "yes"}
            )
            assert client.port == port
            assert await (await client.get("/")).json() == {"x": "yes"}
            clients.append(client)

        async def test_test_server(aiohttp_client):
            server = TestServer(make_app())
            client = await aiohttp_client(server)
            assert client.server is server and server.started
            clients.append(client)

        async def test_aiohttp_server(aiohttp_client, aiohttp_server):
            server = await aiohttp_server(make_app())
            client = await aiohttp_client(server)
            assert client.server is server
            clients.append(client)

        async def test_app_factory(aiohttp_client, loop):
            # aiohttp 2's form: a callable taking the loop (and the arguments).
            def factory(the_loop, prefix):
                assert the_loop is loop
                app = web.Application()
                app.router.add_get(prefix, echo_headers)
                return app

            client = await aiohttp_client(factory, "/p")
            assert (await client.get("/p")).status == 200

        async def test_args_need_a_factory(aiohttp_client):
            with pytest.raises(AssertionError, match="args should be empty"):
                await aiohttp_client(make_app(), "/p")

        async def test_unknown_argument(aiohttp_client):
            with pytest.raises(ValueError, match="Unknown argument type: <class 'str'>"):
                await aiohttp_client(lambda loop: "not an app")

        def test_closed_after():
            assert len(clients) == 4
            for client in clients:
                assert client.session.closed
                assert client.server.closed
        """
    )
    run(pytester).assert_outcomes(passed=8)


def test_aiohttp_client_cls(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from aiohttp.test_utils import TestClient

        class MyClient(TestClient):
            async def hello(self):
                return await (await self.get("/")).text()

        @pytest.fixture
        def aiohttp_client_cls():
            return MyClient
        """
    )
    pytester.makepyfile(
        """
        from aiohttp import web

        async def test_custom(aiohttp_client):
            app = web.Application()
            app.router.add_get("/", lambda request: web.Response(text="custom"))
            client = await aiohttp_client(app)
            assert type(client).__name__ == "MyClient"
            assert await client.hello() == "custom"
        """
    )
    run(pytester).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("test_server", "aiohttp_server"),
        ("test_client", "aiohttp_client"),
        ("raw_test_server", "aiohttp_raw_server"),
        ("unused_port", "aiohttp_unused_port"),
    ],
)
def test_deprecated_fixture_names(
    pytester: pytest.Pytester, old: str, new: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        def test_old_name({old}, {new}):
            assert {old} is {new}
        """
    )
    result = run(pytester, "-W", "default::DeprecationWarning")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [f"*DeprecationWarning: Deprecated, use {new} fixture instead*"]
    )
    # Under "error" the old name fails the test's setup.
    run(pytester, "-W", "error::DeprecationWarning").assert_outcomes(errors=1)


def test_loaded_by_conftest_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp's manual: `pytest_plugins = "aiohttp.pytest_plugin"`, here with
    # the entry point out of the game.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(
        """
        async def test_client(aiohttp_client, loop):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'aiohttp_client' not found*"])

    pytester.makeconftest('pytest_plugins = "aiohttp.pytest_plugin"')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_client[[]pyloop[]] PASSED*"])
