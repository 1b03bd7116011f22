"""Following redirects: methods and bodies, limits, Location forms, origins."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from client_harness import raw_server, read_request, response, served_app
from client_session_helpers import TIMEOUT, echo, header_values, served_on
from yarl import URL

import aiohttp
from aiohttp import web


def redirect_app() -> web.Application:
    """``/r/{status}?to=...`` redirects; ``/chain/{n}`` takes n hops to /echo."""

    async def redirect(request: web.Request) -> web.Response:
        resp = web.Response(
            status=int(request.match_info["status"]),
            headers={"Location": request.query.get("to", "/echo")},
        )
        for name, value in request.query.items():
            if name.startswith("cookie_"):
                resp.set_cookie(name.removeprefix("cookie_"), value)
        return resp

    async def chain(request: web.Request) -> web.Response:
        hops = int(request.match_info["n"])
        location = "/echo" if hops <= 1 else f"/chain/{hops - 1}"
        return web.Response(status=302, headers={"Location": location})

    async def no_location(request: web.Request) -> web.Response:
        return web.Response(status=302, text="nowhere")

    app = web.Application()
    app.router.add_route("*", "/r/{status}", redirect)
    app.router.add_route("*", "/chain/{n}", chain)
    app.router.add_get("/no-location", no_location)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


def _to(base: URL, status: int, target: str | URL, **query: str) -> URL:
    return (base / "r" / str(status)).with_query(to=str(target), **query)


# -- methods and bodies ----------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_post_turns_into_get_without_body(status: int) -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.post(
            _to(base, status, "/echo"), data=b"payload", headers={"X-Keep": "1"}
        ) as resp:
            answer = await resp.json()
        assert (answer["method"], answer["body"]) == ("GET", "")
        assert header_values(answer, "Content-Length") == []
        assert header_values(answer, "Content-Type") == []
        assert header_values(answer, "X-Keep") == ["1"]
        assert [r.status for r in resp.history] == [status]
        assert resp.history[0].method == "POST"
        assert resp.method == "GET"


async def test_303_turns_any_method_but_head_into_get() -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.put(_to(base, 303, "/echo"), data=b"x") as resp:
            assert (await resp.json())["method"] == "GET"
        async with session.head(_to(base, 303, "/echo"), allow_redirects=True) as resp:
            assert resp.method == "HEAD"
            assert resp.url == base / "echo"


@pytest.mark.parametrize("status", [301, 302])
async def test_301_and_302_repeat_other_methods_with_their_body(status: int) -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.put(_to(base, status, "/echo"), data=b"kept") as resp:
            answer = await resp.json()
        assert (answer["method"], answer["body"]) == ("PUT", "kept")


@pytest.mark.parametrize("status", [307, 308])
async def test_307_and_308_repeat_method_and_body(status: int) -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.post(_to(base, status, "/echo"), data=b"bytes") as resp:
            answer = await resp.json()
        assert (answer["method"], answer["body"]) == ("POST", "bytes")
        async with session.post(_to(base, status, "/echo"), data={"a": "1"}) as resp:
            answer = await resp.json()
        assert answer["body"] == "a=1"
        assert header_values(answer, "Content-Type") == [
            "application/x-www-form-urlencoded"
        ]
        async with session.patch(_to(base, status, "/echo"), json=[1]) as resp:
            answer = await resp.json()
        assert (answer["method"], answer["body"]) == ("PATCH", "[1]")
        async with session.delete(_to(base, status, "/echo")) as resp:
            answer = await resp.json()
        assert (answer["method"], answer["body"]) == ("DELETE", "")


# -- Location ----------------------------------------------------------------------------


async def test_relative_and_absolute_locations() -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        for location, path in [
            ("echo/rel", "/r/echo/rel"),
            ("../echo/up?x=1", "/echo/up?x=1"),
            ("/echo/root", "/echo/root"),
            (f"//127.0.0.1:{base.port}/echo/net", "/echo/net"),
            (str(base / "echo" / "abs"), "/echo/abs"),
        ]:
            async with session.get(_to(base, 302, location)) as resp:
                assert (await resp.json())["path"] == path
                assert resp.url.path_qs == path


async def test_a_redirect_without_location_is_the_answer() -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.get(base / "no-location") as resp,
    ):
        assert resp.status == 302
        assert resp.history == ()
        assert await resp.text() == "nowhere"


async def test_allow_redirects_false_and_head_by_default() -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.get(_to(base, 302, "/echo"), allow_redirects=False) as r:
            assert (r.status, r.history, r.headers["Location"]) == (302, (), "/echo")
        async with session.head(_to(base, 302, "/echo")) as resp:
            assert resp.status == 302


def _redirect_server(location: str) -> Any:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(response(b"", "302 Found", f"Location: {location}"))
        await writer.drain()

    return raw_server(handler)


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://[::1", aiohttp.InvalidUrlRedirectClientError),
        ("http:///no-host", aiohttp.InvalidUrlRedirectClientError),
        ("ftp://example.com/", aiohttp.NonHttpUrlRedirectClientError),
        ("javascript:alert(1)", aiohttp.NonHttpUrlRedirectClientError),
    ],
)
async def test_unusable_locations(location: str, error: type[Exception]) -> None:
    async with (
        _redirect_server(location) as server,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        with pytest.raises(error) as info:
            await session.get(server.url)
        assert isinstance(info.value, aiohttp.RedirectClientError)


async def test_requote_redirect_url() -> None:
    targets: list[bytes] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            head, _ = await read_request(reader)
            target = head.split(b" ")[1]
            if target == b"/start":
                writer.write(response(b"", "302 Found", "Location: /a%7Eb?q=%7e"))
            else:
                targets.append(target)
                writer.write(response(b"done"))
            await writer.drain()

    async with raw_server(handler) as server:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.get(server.url / "start") as resp,
        ):
            assert resp.status == 200
        async with (
            aiohttp.ClientSession(
                timeout=TIMEOUT, requote_redirect_url=False
            ) as session,
            session.get(server.url / "start") as resp,
        ):
            assert resp.status == 200
    assert targets == [b"/a~b?q=~", b"/a%7Eb?q=%7e"]


# -- limits and history ----------------------------------------------------------------------


async def test_max_redirects_is_the_number_of_redirects_followed() -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.get(base / "chain" / "3", max_redirects=3) as resp:
            assert resp.url == base / "echo"
            assert [r.url.path for r in resp.history] == [
                "/chain/3",
                "/chain/2",
                "/chain/1",
            ]
        with pytest.raises(aiohttp.TooManyRedirects) as info:
            await session.get(base / "chain" / "4", max_redirects=3)
        assert [r.url.path for r in info.value.history] == [
            "/chain/4",
            "/chain/3",
            "/chain/2",
            "/chain/1",
        ]
        assert info.value.request_info.url == base / "chain" / "4"
        async with session.get(base / "chain" / "10") as resp:  # the default: 10
            assert len(resp.history) == 10
        with pytest.raises(aiohttp.TooManyRedirects):
            await session.get(base / "chain" / "11")
        with pytest.raises(aiohttp.TooManyRedirects):
            await session.get(base / "chain" / "1", max_redirects=0)


async def test_redirect_traces() -> None:
    redirects: list[tuple[str, URL, int]] = []

    async def on_redirect(session: Any, ctx: Any, params: Any) -> None:
        redirects.append((params.method, params.url, params.response.status))

    config = aiohttp.TraceConfig()
    config.on_request_redirect.append(on_redirect)
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT, trace_configs=[config]) as session,
        session.get(base / "chain" / "2"),
    ):
        pass
    assert redirects == [
        ("GET", base / "chain" / "2", 302),
        ("GET", base / "chain" / "1", 302),
    ]


async def test_redirect_responses_are_released() -> None:
    async with (
        served_app(redirect_app()) as base,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        async with session.get(base / "chain" / "3") as resp:
            await resp.read()
        assert all(r.connection is None for r in resp.history)


# -- credentials and origins ---------------------------------------------------------------


async def test_credentials_stay_with_their_origin() -> None:
    async with (
        served_app(redirect_app()) as first,
        served_app(redirect_app()) as second,  # another port: another origin
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        headers = {"Authorization": "Bearer secret", "Cookie": "x=1", "X-Other": "o"}
        # The same origin: everything is sent again.
        async with session.get(_to(first, 302, "/echo"), headers=headers) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == ["Bearer secret"]
        assert header_values(answer, "Cookie") == ["x=1"]
        # Another origin: credentials are dropped, other headers kept.
        async with session.get(
            _to(first, 302, second / "echo"), headers=headers
        ) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == []
        assert header_values(answer, "Cookie") == []
        assert header_values(answer, "X-Other") == ["o"]

        auth = aiohttp.BasicAuth("user", "pass")
        async with session.get(_to(first, 307, "/echo"), auth=auth) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [auth.encode()]
        async with session.get(_to(first, 307, second / "echo"), auth=auth) as resp:
            assert header_values(await resp.json(), "Authorization") == []

        in_url = first.with_user("user").with_password("pass")
        async with session.get(_to(in_url, 302, second / "echo")) as resp:
            assert header_values(await resp.json(), "Authorization") == []

        async with session.get(
            _to(first, 302, second / "echo"), cookies={"own": "1"}
        ) as resp:
            assert (await resp.json())["cookies"] == {}
        async with session.get(_to(first, 302, "/echo"), cookies={"own": "1"}) as resp:
            assert (await resp.json())["cookies"] == {"own": "1"}


async def test_session_credentials_stay_with_the_first_origin() -> None:
    auth = aiohttp.BasicAuth("session", "s")
    async with (
        served_app(redirect_app()) as first,
        served_app(redirect_app()) as second,
        aiohttp.ClientSession(timeout=TIMEOUT, auth=auth) as session,
    ):
        async with session.get(_to(first, 302, "/echo")) as resp:
            assert header_values(await resp.json(), "Authorization") == [auth.encode()]
        async with session.get(_to(first, 302, second / "echo")) as resp:
            assert header_values(await resp.json(), "Authorization") == []


async def test_credentials_in_a_location_are_used() -> None:
    async with (
        served_app(redirect_app()) as first,
        served_app(redirect_app()) as second,
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
    ):
        target = (second / "echo").with_user("new").with_password("pw")
        async with session.get(_to(first, 302, target)) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [
            aiohttp.BasicAuth("new", "pw").encode()
        ]
        assert resp.url == second / "echo"


async def test_cookies_of_redirects_are_stored_and_scoped_by_host() -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with (
        served_app(redirect_app()) as first,
        served_on(redirect_app(), "127.0.0.2") as other_host,
        aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as session,
    ):
        # The redirect response's cookie is stored and sent on the next hop.
        async with session.get(_to(first, 302, "/echo", cookie_hop="1")) as resp:
            assert (await resp.json())["cookies"] == {"hop": "1"}
        # A cookie of 127.0.0.1 does not go to 127.0.0.2.
        async with session.get(_to(first, 302, other_host / "echo")) as resp:
            assert (await resp.json())["cookies"] == {}
        assert {cookie.key for cookie in jar} == {"hop"}
