"""make_mocked_request and make_mocked_coro."""

from __future__ import annotations

import asyncio
import ssl
from typing import cast
from unittest import mock

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp import web
from aiohttp.http import HttpVersion10, HttpVersion11
from aiohttp.streams import EMPTY_PAYLOAD, StreamReader
from aiohttp.test_utils import make_mocked_coro, make_mocked_request

KEY = web.AppKey("KEY", str)


def body(data: bytes) -> StreamReader:
    stream = StreamReader(mock.Mock(), 2**16, loop=asyncio.get_running_loop())
    stream.feed_data(data)
    stream.feed_eof()
    return stream


# -- make_mocked_request: the head ----------------------------------------------------


def test_a_mocked_request_is_a_real_request() -> None:
    request = make_mocked_request("GET", "/path/to?x=1&y=2")
    assert isinstance(request, web.Request)
    assert request.method == "GET"
    assert request.path == "/path/to"
    assert request.path_qs == "/path/to?x=1&y=2"
    assert request.raw_path == "/path/to?x=1&y=2"
    assert request.query["y"] == "2"
    assert request.rel_url == URL("/path/to?x=1&y=2")
    assert request.version == HttpVersion11
    assert request.keep_alive
    assert not request.secure
    assert request.scheme == "http"
    assert request.remote is None
    assert request.client_max_size == 1024**2
    assert request.content is EMPTY_PAYLOAD
    assert not request.body_exists


def test_headers_become_a_case_insensitive_proxy() -> None:
    for headers in (
        {"token": "x", "Content-Type": "text/plain"},
        [("token", "x"), ("Content-Type", "text/plain")],
        CIMultiDict(token="x", **{"Content-Type": "text/plain"}),
    ):
        request = make_mocked_request("GET", "/", headers=headers)
        assert isinstance(request.headers, CIMultiDictProxy)
        assert request.headers["TOKEN"] == "x"
        assert request.content_type == "text/plain"
        assert request.raw_headers == (
            (b"token", b"x"),
            (b"Content-Type", b"text/plain"),
        )


def test_no_headers() -> None:
    request = make_mocked_request("GET", "/")
    assert request.headers == CIMultiDict()
    assert request.raw_headers == ()


def test_repeated_headers_and_cookies() -> None:
    request = make_mocked_request(
        "GET", "/", headers=[("Cookie", "a=1; b=2"), ("Accept", "x"), ("Accept", "y")]
    )
    assert request.headers.getall("Accept") == ["x", "y"]
    assert dict(request.cookies) == {"a": "1", "b": "2"}


def test_host_header_makes_the_url() -> None:
    request = make_mocked_request("GET", "/p", headers={"Host": "example.com:8080"})
    assert request.host == "example.com:8080"
    assert request.url == URL("http://example.com:8080/p")


def test_http_10_requests_close() -> None:
    request = make_mocked_request("GET", "/", version=HttpVersion10)
    assert request.version == HttpVersion10
    assert not request.keep_alive
    assert not make_mocked_request("GET", "/", closing=True).keep_alive


def test_chunked_transfer_encoding_is_noticed() -> None:
    request = make_mocked_request("POST", "/", headers={"Transfer-Encoding": "chunked"})
    with pytest.warns(DeprecationWarning, match="deprecated"):
        message = request.message
    assert message.chunked
    assert not make_mocked_request("POST", "/")._message.chunked


# -- make_mocked_request: routing and the application -------------------------------------


def test_match_info_holds_the_given_variables() -> None:
    request = make_mocked_request("GET", "/users/7", match_info={"user": "7"})
    assert isinstance(request.match_info, web.UrlMappingMatchInfo)
    assert request.match_info == {"user": "7"}
    assert request.match_info["user"] == "7"
    assert make_mocked_request("GET", "/").match_info == {}


def test_the_application_defaults_to_a_new_one() -> None:
    request = make_mocked_request("GET", "/")
    assert isinstance(request.app, web.Application)
    assert request.match_info.apps == (request.app,)
    request.app[KEY] = "value"
    assert request.app[KEY] == "value"
    assert request.config_dict[KEY] == "value"
    assert make_mocked_request("GET", "/").app is not request.app


def test_a_given_application() -> None:
    app = web.Application()
    app[KEY] = "configured"
    request = make_mocked_request("GET", "/", app=app)
    assert request.app is app
    assert request.config_dict[KEY] == "configured"


def test_the_request_is_a_mapping_too() -> None:
    request = make_mocked_request("GET", "/")
    request["user"] = "bob"
    assert request["user"] == "bob"


# -- make_mocked_request: the connection ----------------------------------------------------


def test_an_ssl_context_makes_the_request_secure() -> None:
    context = ssl.create_default_context()
    request = make_mocked_request("GET", "/", sslcontext=context)
    assert request.secure
    assert request.scheme == "https"
    assert request.url.scheme == "https"
    assert request.transport is not None
    assert request.transport.get_extra_info("sslcontext") is context
    assert request.get_extra_info("sslcontext") is context
    assert request.get_extra_info("peername", "default") == "default"
    assert request.protocol.ssl_context is context


def test_a_given_transport() -> None:
    transport = mock.Mock()
    transport.get_extra_info.return_value = ("10.0.0.1", 1234)
    request = make_mocked_request("GET", "/", transport=transport)
    assert request.transport is transport
    assert request.protocol.transport is transport
    assert request.remote == "10.0.0.1"


def test_a_given_protocol_keeps_its_transport() -> None:
    protocol = mock.Mock()
    request = make_mocked_request("GET", "/", protocol=protocol)
    assert request.protocol is protocol
    assert request.transport is protocol.transport


def test_a_given_protocol_gets_a_given_transport() -> None:
    protocol = mock.Mock()
    transport = mock.Mock()
    request = make_mocked_request("GET", "/", protocol=protocol, transport=transport)
    assert request.protocol is protocol
    assert protocol.transport is transport
    assert request.transport is transport


def test_a_given_writer() -> None:
    writer = mock.Mock()
    request = make_mocked_request("GET", "/", writer=writer)
    assert request.writer is writer


def test_the_loop_is_a_mock_outside_a_coroutine() -> None:
    request = make_mocked_request("GET", "/")
    assert isinstance(request._loop, mock.Mock)


async def test_the_loop_is_the_running_one_in_a_coroutine() -> None:
    request = make_mocked_request("GET", "/")
    assert request._loop is asyncio.get_running_loop()


def test_a_given_loop() -> None:
    loop = asyncio.new_event_loop()
    try:
        request = make_mocked_request("GET", "/", loop=loop)
        assert request._loop is loop
    finally:
        loop.close()


# -- make_mocked_request: bodies and responses ------------------------------------------------


async def test_the_payload_is_the_body() -> None:
    request = make_mocked_request("POST", "/", payload=body(b"hello"))
    assert request.body_exists
    assert request.can_read_body
    assert await request.read() == b"hello"
    assert await request.text() == "hello"


async def test_a_form_payload() -> None:
    request = make_mocked_request(
        "POST",
        "/",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        payload=body(b"a=1&b=two"),
    )
    form = await request.post()
    assert dict(form) == {"a": "1", "b": "two"}


async def test_a_json_payload() -> None:
    request = make_mocked_request("POST", "/", payload=body(b'{"x": [1, 2]}'))
    assert await request.json() == {"x": [1, 2]}


async def test_client_max_size_limits_the_body() -> None:
    request = make_mocked_request(
        "POST", "/", payload=body(b"x" * 11), client_max_size=10
    )
    assert request.client_max_size == 10
    with pytest.raises(web.HTTPRequestEntityTooLarge):
        await request.read()


async def test_client_max_size_refuses_a_declared_length() -> None:
    request = make_mocked_request(
        "POST", "/", headers={"Content-Length": "100"}, client_max_size=10
    )
    with pytest.raises(web.HTTPRequestEntityTooLarge):
        await request.read()


async def test_responses_can_be_prepared_and_written() -> None:
    request = make_mocked_request("GET", "/")
    response = web.StreamResponse()
    response.headers["X-Test"] = "1"
    writer = await response.prepare(request)
    assert writer is request.writer
    await response.write(b"data")
    await response.write_eof()
    mocked = cast(mock.Mock, request.writer)
    mocked.write_headers.assert_called_once()
    status_line, headers = mocked.write_headers.call_args.args
    assert status_line == "HTTP/1.1 200 OK"
    assert headers["X-Test"] == "1"
    mocked.write.assert_called_once_with(b"data")
    mocked.write_eof.assert_called_once()


async def test_a_response_with_a_body() -> None:
    request = make_mocked_request("GET", "/")
    response = web.Response(text="hi")
    await response.prepare(request)
    await response.write_eof()
    cast(mock.Mock, request.writer).write_eof.assert_called_once_with(b"hi")


async def test_a_given_frozen_application_signals_response_prepare() -> None:
    prepared: list[web.StreamResponse] = []

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        prepared.append(response)

    app = web.Application()
    app.on_response_prepare.append(on_prepare)
    app.freeze()
    request = make_mocked_request("GET", "/", app=app)
    response = web.Response()
    await response.prepare(request)
    assert prepared == [response]


async def test_expect_continue_is_answered_on_the_transport() -> None:
    stream = StreamReader(mock.Mock(), 2**16, loop=asyncio.get_running_loop())
    request = make_mocked_request(
        "POST", "/", headers={"Expect": "100-continue"}, payload=stream
    )
    assert request.content is stream
    transport = cast(mock.Mock, request.transport)
    transport.write.assert_called_once_with(b"HTTP/1.1 100 Continue\r\n\r\n")
    stream.feed_data(b"x")
    stream.feed_eof()
    assert await request.read() == b"x"


async def test_a_handler_under_test() -> None:
    async def handler(request: web.Request) -> web.Response:
        user = request.match_info["user"]
        token = request.headers["Authorization"]
        return web.json_response({"user": user, "token": token})

    request = make_mocked_request(
        "GET", "/u/5", headers={"Authorization": "t"}, match_info={"user": "5"}
    )
    response = await handler(request)
    assert response.status == 200
    assert response.body == b'{"user": "5", "token": "t"}'


async def test_http_exceptions_from_handlers() -> None:
    async def handler(request: web.Request) -> web.Response:
        if "token" not in request.headers:
            raise web.HTTPUnauthorized()
        return web.Response()  # pragma: no cover

    with pytest.raises(web.HTTPUnauthorized):
        await handler(make_mocked_request("GET", "/"))


# -- make_mocked_coro -------------------------------------------------------------------------


async def test_make_mocked_coro_returns_its_value_and_records_calls() -> None:
    mocked = make_mocked_coro(1)
    assert await mocked(1, 2) == 1
    mocked.assert_called_with(1, 2)
    assert await mocked(key="v") == 1
    assert mocked.call_count == 2
    assert isinstance(mocked, mock.Mock)


async def test_make_mocked_coro_returns_none_by_default() -> None:
    mocked = make_mocked_coro()
    assert await mocked() is None


async def test_make_mocked_coro_raises() -> None:
    mocked = make_mocked_coro(raise_exception=ValueError("boom"))
    with pytest.raises(ValueError, match="boom"):
        await mocked()
    mocked.assert_called_once_with()
    with pytest.raises(KeyError):
        await make_mocked_coro(raise_exception=KeyError)()


async def test_make_mocked_coro_awaits_an_awaitable_value() -> None:
    future = asyncio.get_running_loop().create_future()
    future.set_result("done")
    assert await make_mocked_coro(future)() == "done"


async def test_each_call_is_a_new_coroutine() -> None:
    mocked = make_mocked_coro(3)
    first, second = mocked(), mocked()
    assert asyncio.iscoroutine(first)
    assert first is not second
    assert list(await asyncio.gather(first, second)) == [3, 3]
