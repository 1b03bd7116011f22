"""Following redirects: methods and bodies, limits, Location forms, origins."""

from __future__ import annotations

from typing import Any

import pytest
from client_session_helpers import TIMEOUT, echo, header_values
from yarl import URL

import aiohttp
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer, AiohttpServer


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


def _to(status: int, target: str | URL, **query: str) -> URL:
    """The path of a redirect with ``status`` to ``target``, for a test client."""
    return URL(f"/r/{status}").with_query(to=str(target), **query)


def _at(base: URL, status: int, target: str | URL, **query: str) -> URL:
    """The same redirect as an absolute URL on the server at ``base``."""
    return base.join(_to(status, target, **query))


# -- methods and bodies ----------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_post_turns_into_get_without_body(
    aiohttp_client: AiohttpClient, status: int
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.post(
        _to(status, "/echo"), data=b"payload", headers={"X-Keep": "1"}
    ) as resp:
        answer = await resp.json()
    assert (answer["method"], answer["body"]) == ("GET", "")
    assert header_values(answer, "Content-Length") == []
    assert header_values(answer, "Content-Type") == []
    assert header_values(answer, "X-Keep") == ["1"]
    assert [r.status for r in resp.history] == [status]
    assert resp.history[0].method == "POST"
    assert resp.method == "GET"


async def test_303_turns_any_method_but_head_into_get(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.put(_to(303, "/echo"), data=b"x") as resp:
        assert (await resp.json())["method"] == "GET"
    async with client.head(_to(303, "/echo"), allow_redirects=True) as resp:
        assert resp.method == "HEAD"
        assert resp.url == client.make_url("/echo")


@pytest.mark.parametrize("status", [301, 302])
async def test_301_and_302_repeat_other_methods_with_their_body(
    aiohttp_client: AiohttpClient, status: int
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.put(_to(status, "/echo"), data=b"kept") as resp:
        answer = await resp.json()
    assert (answer["method"], answer["body"]) == ("PUT", "kept")


@pytest.mark.parametrize("status", [307, 308])
async def test_307_and_308_repeat_method_and_body(
    aiohttp_client: AiohttpClient, status: int
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.post(_to(status, "/echo"), data=b"bytes") as resp:
        answer = await resp.json()
    assert (answer["method"], answer["body"]) == ("POST", "bytes")
    async with client.post(_to(status, "/echo"), data={"a": "1"}) as resp:
        answer = await resp.json()
    assert answer["body"] == "a=1"
    assert header_values(answer, "Content-Type") == [
        "application/x-www-form-urlencoded"
    ]
    async with client.patch(_to(status, "/echo"), json=[1]) as resp:
        answer = await resp.json()
    assert (answer["method"], answer["body"]) == ("PATCH", "[1]")
    async with client.delete(_to(status, "/echo")) as resp:
        answer = await resp.json()
    assert (answer["method"], answer["body"]) == ("DELETE", "")


# -- Location ----------------------------------------------------------------------------


async def test_relative_and_absolute_locations(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    for location, path in [
        ("echo/rel", "/r/echo/rel"),
        ("../echo/up?x=1", "/echo/up?x=1"),
        ("/echo/root", "/echo/root"),
        (f"//127.0.0.1:{client.port}/echo/net", "/echo/net"),
        (str(client.make_url("/echo/abs")), "/echo/abs"),
    ]:
        async with client.get(_to(302, location)) as resp:
            assert (await resp.json())["path"] == path
            assert resp.url.path_qs == path


async def test_a_redirect_without_location_is_the_answer(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.get("/no-location") as resp:
        assert resp.status == 302
        assert resp.history == ()
        assert await resp.text() == "nowhere"


async def test_allow_redirects_false_and_head_by_default(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.get(_to(302, "/echo"), allow_redirects=False) as r:
        assert (r.status, r.history, r.headers["Location"]) == (302, (), "/echo")
    # ClientSession.head() does not follow redirects by default (the test
    # client's head() does, as aiohttp's does): ask the session itself.
    async with client.session.head(client.make_url(_to(302, "/echo"))) as resp:
        assert resp.status == 302


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://[::1", aiohttp.InvalidUrlRedirectClientError),
        ("http:///no-host", aiohttp.InvalidUrlRedirectClientError),
        ("ftp://example.com/", aiohttp.NonHttpUrlRedirectClientError),
        ("javascript:alert(1)", aiohttp.NonHttpUrlRedirectClientError),
    ],
)
async def test_unusable_locations(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    location: str,
    error: type[Exception],
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        # Sent as given: the application router would not make such a URL.
        return web.Response(status=302, headers={"Location": location})

    client = await aiohttp_client(await aiohttp_raw_server(handler), timeout=TIMEOUT)
    with pytest.raises(error) as info:
        await client.get("/")
    assert isinstance(info.value, aiohttp.RedirectClientError)


async def test_requote_redirect_url(
    aiohttp_raw_server: AiohttpRawServer, aiohttp_client: AiohttpClient
) -> None:
    targets: list[str] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        # raw_path: the request target exactly as it came over the wire.
        if request.raw_path == "/start":
            return web.Response(status=302, headers={"Location": "/a%7Eb?q=%7e"})
        targets.append(request.raw_path)
        return web.Response(text="done")

    server = await aiohttp_raw_server(handler)
    requoting = await aiohttp_client(server, timeout=TIMEOUT)
    async with requoting.get("/start") as resp:
        assert resp.status == 200
    as_given = await aiohttp_client(server, timeout=TIMEOUT, requote_redirect_url=False)
    async with as_given.get("/start") as resp:
        assert resp.status == 200
    assert targets == ["/a~b?q=~", "/a%7Eb?q=%7e"]


# -- limits and history ----------------------------------------------------------------------


async def test_max_redirects_is_the_number_of_redirects_followed(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.get("/chain/3", max_redirects=3) as resp:
        assert resp.url == client.make_url("/echo")
        assert [r.url.path for r in resp.history] == [
            "/chain/3",
            "/chain/2",
            "/chain/1",
        ]
    with pytest.raises(aiohttp.TooManyRedirects) as info:
        await client.get("/chain/4", max_redirects=3)
    assert [r.url.path for r in info.value.history] == [
        "/chain/4",
        "/chain/3",
        "/chain/2",
        "/chain/1",
    ]
    assert info.value.request_info.url == client.make_url("/chain/4")
    async with client.get("/chain/10") as resp:  # the default: 10
        assert len(resp.history) == 10
    with pytest.raises(aiohttp.TooManyRedirects):
        await client.get("/chain/11")
    with pytest.raises(aiohttp.TooManyRedirects):
        await client.get("/chain/1", max_redirects=0)


async def test_redirect_traces(aiohttp_client: AiohttpClient) -> None:
    redirects: list[tuple[str, URL, int]] = []

    async def on_redirect(session: Any, ctx: Any, params: Any) -> None:
        redirects.append((params.method, params.url, params.response.status))

    config = aiohttp.TraceConfig()
    config.on_request_redirect.append(on_redirect)
    client = await aiohttp_client(
        redirect_app(), timeout=TIMEOUT, trace_configs=[config]
    )
    async with client.get("/chain/2"):
        pass
    assert redirects == [
        ("GET", client.make_url("/chain/2"), 302),
        ("GET", client.make_url("/chain/1"), 302),
    ]


async def test_redirect_responses_are_released(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT)
    async with client.get("/chain/3") as resp:
        await resp.read()
    assert all(r.connection is None for r in resp.history)


# -- credentials and origins ---------------------------------------------------------------


async def test_credentials_stay_with_their_origin(
    aiohttp_server: AiohttpServer,
) -> None:
    first = (await aiohttp_server(redirect_app())).make_url("/")
    # Another port: another origin.
    second = (await aiohttp_server(redirect_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        headers = {"Authorization": "Bearer secret", "Cookie": "x=1", "X-Other": "o"}
        # The same origin: everything is sent again.
        async with session.get(_at(first, 302, "/echo"), headers=headers) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == ["Bearer secret"]
        assert header_values(answer, "Cookie") == ["x=1"]
        # Another origin: credentials are dropped, other headers kept.
        async with session.get(
            _at(first, 302, second / "echo"), headers=headers
        ) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == []
        assert header_values(answer, "Cookie") == []
        assert header_values(answer, "X-Other") == ["o"]

        auth = aiohttp.BasicAuth("user", "pass")
        async with session.get(_at(first, 307, "/echo"), auth=auth) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [auth.encode()]
        async with session.get(_at(first, 307, second / "echo"), auth=auth) as resp:
            assert header_values(await resp.json(), "Authorization") == []

        in_url = first.with_user("user").with_password("pass")
        async with session.get(_at(in_url, 302, second / "echo")) as resp:
            assert header_values(await resp.json(), "Authorization") == []

        async with session.get(
            _at(first, 302, second / "echo"), cookies={"own": "1"}
        ) as resp:
            assert (await resp.json())["cookies"] == {}
        async with session.get(_at(first, 302, "/echo"), cookies={"own": "1"}) as resp:
            assert (await resp.json())["cookies"] == {"own": "1"}


async def test_session_credentials_stay_with_the_first_origin(
    aiohttp_server: AiohttpServer,
) -> None:
    auth = aiohttp.BasicAuth("session", "s")
    first = (await aiohttp_server(redirect_app())).make_url("/")
    second = (await aiohttp_server(redirect_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT, auth=auth) as session:
        async with session.get(_at(first, 302, "/echo")) as resp:
            assert header_values(await resp.json(), "Authorization") == [auth.encode()]
        async with session.get(_at(first, 302, second / "echo")) as resp:
            assert header_values(await resp.json(), "Authorization") == []


async def test_credentials_in_a_location_are_used(
    aiohttp_server: AiohttpServer,
) -> None:
    first = (await aiohttp_server(redirect_app())).make_url("/")
    second = (await aiohttp_server(redirect_app())).make_url("/")
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        target = (second / "echo").with_user("new").with_password("pw")
        async with session.get(_at(first, 302, target)) as resp:
            answer = await resp.json()
        assert header_values(answer, "Authorization") == [
            aiohttp.BasicAuth("new", "pw").encode()
        ]
        assert resp.url == second / "echo"


async def test_cookies_of_redirects_are_stored_and_scoped_by_host(
    aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    # 127.0.0.2 is another host to cookies, not just another port.
    other_host = await aiohttp_server(redirect_app(), host="127.0.0.2")
    jar = aiohttp.CookieJar(unsafe=True)
    client = await aiohttp_client(redirect_app(), timeout=TIMEOUT, cookie_jar=jar)
    # The redirect response's cookie is stored and sent on the next hop.
    async with client.get(_to(302, "/echo", cookie_hop="1")) as resp:
        assert (await resp.json())["cookies"] == {"hop": "1"}
    # A cookie of 127.0.0.1 does not go to 127.0.0.2.
    async with client.get(_to(302, other_host.make_url("/echo"))) as resp:
        assert (await resp.json())["cookies"] == {}
    assert {cookie.key for cookie in jar} == {"hop"}
