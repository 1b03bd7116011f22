"""The manual's Testing chapter (12.2.7), pytest style, and FAQ 12.4.10.

Each example is written to a file and run by pytest (``pytester``) with the
plugin as installed, so it runs exactly as in a user's project. Changes for
aiohttp 3.x are noted where they happen: a started application is frozen,
so the ``cli`` example keeps its value in a dict in the application (setting
``app['value']`` there warns, as in aiohttp 3.x); ``web.Application`` takes
no ``loop`` any more (FAQ 12.4.10).
"""

from __future__ import annotations

import pytest

# own_rootdir is an autouse fixture: importing it applies it to this module.
from pytest_plugin_harness import own_rootdir as own_rootdir
from pytest_plugin_harness import run

# Loaded here: each in-process run unloads the modules it imported itself.
import aiohttp.web  # noqa: F401

pytest_plugins = ("pytester",)


def test_simple_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from aiohttp import web

        async def hello(request):
            return web.Response(text='Hello, world')

        async def test_hello(aiohttp_client, loop):
            app = web.Application()
            app.router.add_get('/', hello)
            client = await aiohttp_client(app)
            resp = await client.get('/')
            assert resp.status == 200
            text = await resp.text()
            assert 'Hello, world' in text
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_hello[[]pyloop[]] PASSED*"])


def test_cli_fixture_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from aiohttp import web

        # 3.x: a started application is frozen; its state holds a dict.
        value_key = web.AppKey('value', dict)

        async def previous(request):
            if request.method == 'POST':
                request.app[value_key]['value'] = (await request.post())['value']
                return web.Response(body=b'thanks for the data')
            return web.Response(
                body='value: {}'.format(request.app[value_key]['value']).encode('utf-8'))

        @pytest.fixture
        def cli(loop, aiohttp_client):
            app = web.Application()
            app[value_key] = {}
            app.router.add_get('/', previous)
            app.router.add_post('/', previous)
            return loop.run_until_complete(aiohttp_client(app))

        async def test_set_value(cli):
            resp = await cli.post('/', data={'value': 'foo'})
            assert resp.status == 200
            assert await resp.text() == 'thanks for the data'
            assert cli.server.app[value_key]['value'] == 'foo'

        async def test_get_value(cli):
            cli.server.app[value_key]['value'] = 'bar'
            resp = await cli.get('/')
            assert resp.status == 200
            assert await resp.text() == 'value: bar'
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_cli_fixture_as_printed_warns_about_the_frozen_app(
    pytester: pytest.Pytester,
) -> None:
    # The 3.0 manual sets app['value'] on a running application: aiohttp
    # 3.x warns about that (and about a plain str key); the test still passes.
    pytester.makepyfile(
        """
        import pytest
        from aiohttp import web

        async def previous(request):
            if request.method == 'POST':
                request.app['value'] = (await request.post())['value']
                return web.Response(body=b'thanks for the data')
            return web.Response(
                body='value: {}'.format(request.app['value']).encode('utf-8'))

        @pytest.fixture
        def cli(loop, aiohttp_client):
            app = web.Application()
            app.router.add_get('/', previous)
            app.router.add_post('/', previous)
            return loop.run_until_complete(aiohttp_client(app))

        async def test_set_value(cli):
            resp = await cli.post('/', data={'value': 'foo'})
            assert resp.status == 200
            assert await resp.text() == 'thanks for the data'
            assert cli.server.app['value'] == 'foo'
        """
    )
    result = run(pytester, "-W", "default")
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines(
        ["*DeprecationWarning: Changing state of started or joined application*"]
    )


def test_aiohttp_server_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from aiohttp import ClientSession, web

        async def test_f(aiohttp_server):
            app = web.Application()
            # fill route table
            app.router.add_get('/', lambda request: web.Response(text='served'))
            server = await aiohttp_server(app)
            assert server.host == '127.0.0.1' and server.port
            async with ClientSession() as session:
                async with session.get(server.make_url('/')) as resp:
                    assert await resp.text() == 'served'

        async def test_port(aiohttp_server, aiohttp_unused_port):
            port = aiohttp_unused_port()
            server = await aiohttp_server(web.Application(), port=port)
            assert server.port == port
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_aiohttp_client_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from aiohttp import web

        async def test_f(aiohttp_client):
            app = web.Application()
            # fill route table
            app.router.add_get('/', lambda request: web.Response(text='ok'))
            client = await aiohttp_client(app)
            resp = await client.get('/')
            assert resp.status == 200
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_aiohttp_raw_server_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from aiohttp import web

        async def test_f(aiohttp_raw_server, aiohttp_client):
            async def handler(request):
                return web.Response(text="OK")

            raw_server = await aiohttp_raw_server(handler)
            client = await aiohttp_client(raw_server)
            resp = await client.get('/')
            assert resp.status == 200
            assert await resp.text() == "OK"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_aiohttp_unused_port_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from aiohttp import web

        async def test_f(aiohttp_client, aiohttp_unused_port):
            port = aiohttp_unused_port()
            app = web.Application()
            # fill route table
            client = await aiohttp_client(app, server_kwargs={'port': port})
            assert client.port == port
            assert (await client.get('/')).status == 404
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_faq_implicit_loop(pytester: pytest.Pytester) -> None:
    # FAQ 12.4.10, with a stand-in for the Elasticsearch client (no server
    # here), without Application(loop=...) (gone in 3.x), and with the
    # argument mismatch in its test fixed (see the comment inside).
    pytester.makepyfile(
        main="""
        import asyncio
        from aiohttp import web

        class Elasticsearch:
            def __init__(self, endpoints, *, loop=None):
                self.loop = loop or asyncio.get_event_loop()

            async def info(self):
                return {'loop_is_running': self.loop is asyncio.get_running_loop()}

        class AioESService:
            def __init__(self, loop=None):
                self.es = Elasticsearch(["127.0.0.1:9200"], loop=loop)

            async def get_info(self):
                return await self.es.info()

        class MyService:
            def __init__(self):
                self.aioes_service = AioESService()

            async def get_es_info(self):
                return await self.aioes_service.get_info()

        async def hello_aioes(request):
            my_service = MyService()
            cluster_info = await my_service.get_es_info()
            return web.Response(text="{}".format(cluster_info))

        def create_app(loop=None):
            app = web.Application()
            app.router.add_route('GET', '/', hello_aioes)
            return app
        """
    )
    pytester.makepyfile(
        test_main="""
        from unittest.mock import patch, MagicMock
        from main import AioESService, create_app

        class TestAioESService:
            async def test_get_info(self, loop):
                # The FAQ passes "random_arg" too, which its own
                # AioESService.__init__(self, loop=None) does not take.
                cluster_info = await AioESService(loop=loop).get_info()
                assert isinstance(cluster_info, dict)

        class TestAcceptance:
            async def test_get(self, test_client, loop):
                with patch("main.AioESService", MagicMock(
                        side_effect=lambda *args, **kwargs: AioESService(*args,
                                                                         **kwargs,
                                                                         loop=loop))):
                    client = await test_client(create_app)
                    resp = await client.get("/")
                    assert resp.status == 200
                    assert await resp.text() == "{'loop_is_running': True}"
        """
    )
    # test_client is aiohttp's deprecated name of aiohttp_client.
    result = run(pytester, "-W", "default::DeprecationWarning")
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        ["*DeprecationWarning: Deprecated, use aiohttp_client fixture instead*"]
    )
