"""Response cookies: set_cookie, del_cookie, cookies[...], on the wire and refused.

Set-Cookie syntax is RFC 6265 section 4.1; ``Partitioned`` is CHIPS
(draft-cutler-httpbis-partitioned-cookies), which Python's ``Morsel``
knows only from 3.14 on: the response must produce it on every version.
"""

from __future__ import annotations

import pickle
from http.cookies import CookieError, Morsel, SimpleCookie

import pytest
from web_response_harness import bounded, response_wire

from aiohttp.web_response import Response, StreamResponse

EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


def set_cookie_values(resp: StreamResponse) -> list[str]:
    """The Set-Cookie values prepare() would send."""
    assert isinstance(resp.cookies, SimpleCookie)
    return [morsel.OutputString() for morsel in resp.cookies.values()]


def test_set_cookie_defaults() -> None:
    resp = StreamResponse()
    resp.set_cookie("name", "value")
    assert set_cookie_values(resp) == ["name=value; Path=/"]
    morsel = resp.cookies["name"]
    assert morsel.value == "value"
    assert morsel["path"] == "/"


def test_set_cookie_with_every_attribute() -> None:
    resp = StreamResponse()
    resp.set_cookie(
        "session",
        "abc",
        expires="Wed, 21 Oct 2037 07:28:00 GMT",
        domain="example.com",
        max_age=3600,
        path="/app",
        secure=True,
        httponly=True,
        version="1",
        samesite="Strict",
        partitioned=True,
    )
    (value,) = set_cookie_values(resp)
    assert value.startswith("session=abc; ")
    attributes = value.split("; ")[1:]
    assert sorted(attributes) == sorted(
        [
            "Domain=example.com",
            "expires=Wed, 21 Oct 2037 07:28:00 GMT",
            "HttpOnly",
            "Max-Age=3600",
            "Partitioned",
            "Path=/app",
            "SameSite=Strict",
            "Secure",
            "Version=1",
        ]
    )


@pytest.mark.parametrize("samesite", ["Strict", "Lax", "None"])
def test_samesite(samesite: str) -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "v", samesite=samesite, secure=True)
    assert f"SameSite={samesite}" in set_cookie_values(resp)[0].split("; ")


def test_partitioned_flag() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "v", secure=True, partitioned=True)
    assert "Partitioned" in set_cookie_values(resp)[0].split("; ")
    resp.set_cookie("n", "v", secure=True, partitioned=False)
    assert "Partitioned" not in set_cookie_values(resp)[0]
    assert resp.cookies["n"]["partitioned"] is False


def test_false_flags_are_left_out() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "v", secure=False, httponly=False)
    assert set_cookie_values(resp) == ["n=v; Path=/"]


def test_set_cookie_updates_only_the_given_attributes() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "1", domain="example.com", secure=True, max_age=10)
    resp.set_cookie("n", "2", httponly=True)
    (value,) = set_cookie_values(resp)
    attributes = value.split("; ")
    assert attributes[0] == "n=2"
    assert "Domain=example.com" in attributes
    assert "Secure" in attributes
    assert "HttpOnly" in attributes
    # max_age is not kept when not given again (as in aiohttp).
    assert not any(a.startswith("Max-Age") for a in attributes)


def test_values_are_quoted_when_needed() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "a value; with=specials")
    assert set_cookie_values(resp) == ['n="a value\\073 with=specials"; Path=/']
    resp.set_cookie("n", 'quote"')
    assert set_cookie_values(resp) == ['n="quote\\""; Path=/']


def test_value_with_newlines_cannot_split_the_field() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "a\r\nSet-Cookie: evil=1")
    (value,) = set_cookie_values(resp)
    assert "\r" not in value
    assert "\n" not in value


def test_non_str_value_is_converted() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", 42)  # type: ignore[arg-type]
    assert set_cookie_values(resp) == ["n=42; Path=/"]


def test_del_cookie() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "v", domain="example.com")
    resp.del_cookie("n")
    assert set_cookie_values(resp) == [f'n=""; expires={EXPIRED}; Max-Age=0; Path=/']


def test_del_cookie_with_attributes() -> None:
    resp = StreamResponse()
    resp.del_cookie(
        "n",
        domain="example.com",
        path="/x",
        secure=True,
        httponly=True,
        samesite="None",
    )
    (value,) = set_cookie_values(resp)
    attributes = value.split("; ")
    assert attributes[0] == 'n=""'
    assert sorted(attributes[1:]) == sorted(
        [
            "Domain=example.com",
            f"expires={EXPIRED}",
            "HttpOnly",
            "Max-Age=0",
            "Path=/x",
            "SameSite=None",
            "Secure",
        ]
    )


def test_set_after_delete_is_no_longer_expired() -> None:
    resp = StreamResponse()
    resp.del_cookie("n")
    resp.set_cookie("n", "back")
    assert set_cookie_values(resp) == ["n=back; Path=/"]


def test_set_after_delete_keeps_a_new_expires() -> None:
    resp = StreamResponse()
    resp.del_cookie("n")
    resp.set_cookie("n", "back", expires="Wed, 21 Oct 2037 07:28:00 GMT")
    assert set_cookie_values(resp) == [
        "n=back; expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/"
    ]


def test_cookies_mapping_assignment() -> None:
    resp = StreamResponse()
    resp.cookies["a"] = "1"
    resp.cookies["a"]["secure"] = True
    resp.cookies["a"]["partitioned"] = True
    assert set_cookie_values(resp) == ["a=1; Partitioned; Secure"]
    resp.cookies["a"] = "2"  # a new value keeps the attributes
    assert set_cookie_values(resp) == ["a=2; Partitioned; Secure"]


def test_a_ready_morsel_is_kept() -> None:
    resp = StreamResponse()
    morsel: Morsel[str] = Morsel()
    morsel.set("m", "v", "v")
    morsel["httponly"] = True
    resp.cookies["m"] = morsel
    assert resp.cookies["m"] is morsel
    assert set_cookie_values(resp) == ["m=v; HttpOnly"]
    # set_cookie upgrades it, keeping what it had, and can partition it.
    resp.set_cookie("m", "w", partitioned=True)
    assert set_cookie_values(resp) == ["m=w; HttpOnly; Partitioned; Path=/"]


def test_morsel_setdefault_and_update() -> None:
    resp = StreamResponse()
    resp.cookies["n"] = "v"
    morsel = resp.cookies["n"]
    assert morsel.setdefault("path", "/p") == ""  # every attribute starts empty
    morsel.update({"path": "/a", "samesite": "Lax"})
    morsel["partitioned"] = True
    assert morsel.OutputString() == "n=v; Partitioned; Path=/a; SameSite=Lax"


def test_copy_keeps_partitioned() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "v", partitioned=True)
    copy = resp.cookies["n"].copy()
    assert copy.OutputString() == "n=v; Partitioned; Path=/"


def test_cookies_pickle() -> None:
    resp = StreamResponse()
    resp.set_cookie("n", "v", partitioned=True, samesite="Lax")
    restored = pickle.loads(pickle.dumps(resp.cookies["n"]))
    assert restored.OutputString() == "n=v; Partitioned; Path=/; SameSite=Lax"


# --- refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "has space", "semi;colon", "new\nline", "cr\r", "eq=", "a,b"]
)
def test_invalid_names_are_refused(name: str) -> None:
    resp = StreamResponse()
    with pytest.raises(ValueError, match="Illegal key") as info:
        resp.set_cookie(name, "v")
    # The error is also the CookieError Python's cookies raise.
    assert isinstance(info.value, CookieError)
    with pytest.raises(CookieError):
        resp.cookies[name] = "v"


@pytest.mark.parametrize("name", ["path", "Domain", "expires", "max-age"])
def test_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="reserved key"):
        StreamResponse().set_cookie(name, "v")


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("domain", "example.com\r\nSet-Cookie: evil=1"),
        ("domain", "example.com; Secure"),
        ("path", "/\nX-Injected: 1"),
        ("path", "/\x00"),
        ("expires", "Wed, 21 Oct 2037\r\n"),
        ("samesite", "Lax; Domain=evil.example"),
        ("samesite", "Lax\r\n"),
        ("max_age", "1\r\nX: y"),
        ("version", "1;2"),
    ],
)
def test_attribute_injection_is_refused(attribute: str, value: str) -> None:
    resp = StreamResponse()
    with pytest.raises(ValueError, match="cookie attribute"):
        resp.set_cookie("n", "v", **{attribute: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["path", "domain", "comment", "samesite"])
def test_morsel_attribute_injection_is_refused(key: str) -> None:
    resp = StreamResponse()
    resp.cookies["n"] = "v"
    morsel = resp.cookies["n"]
    with pytest.raises(ValueError, match="cookie attribute"):
        morsel[key] = "x\r\nSet-Cookie: evil=1"
    with pytest.raises(ValueError, match="cookie attribute"):
        morsel.update({key: "x\nY: z"})
    with pytest.raises(ValueError, match="cookie attribute"):
        morsel.setdefault("domain", "x\x00")
    with pytest.raises(ValueError, match="cookie attribute"):
        morsel.set("n", "v", "v\r\nX: y")
    assert "\n" not in morsel.OutputString()


async def test_plain_morsel_with_newlines_is_refused_on_the_wire() -> None:
    # A Morsel built by hand is stored as it is; the wire still refuses it.
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        morsel: Morsel[str] = Morsel()
        morsel.set("m", "v", "v")
        morsel["path"] = "/\r\nX-Injected: 1"
        resp.cookies["m"] = morsel
        with pytest.raises(ValueError, match="Set-Cookie"):
            await resp.prepare(wire.request)
        assert wire.writes == []


# --- on the wire ----------------------------------------------------------------


async def test_one_set_cookie_field_per_cookie() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        resp.set_cookie("first", "1", httponly=True)
        resp.set_cookie("second", "2", samesite="Lax", secure=True, partitioned=True)
        resp.del_cookie("third")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header_values("Set-Cookie") == [
        "first=1; HttpOnly; Path=/",
        "second=2; Partitioned; Path=/; SameSite=Lax; Secure",
        f'third=""; expires={EXPIRED}; Max-Age=0; Path=/',
    ]


async def test_cookies_and_set_cookie_headers_both_go_out() -> None:
    async with bounded(), response_wire() as wire:
        resp = StreamResponse(headers={"Set-Cookie": "raw=1"})
        resp.set_cookie("made", "2")
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header_values("Set-Cookie") == ["raw=1", "made=2; Path=/"]


async def test_no_set_cookie_without_cookies() -> None:
    async with bounded(), response_wire() as wire:
        resp = Response(text="x")
        assert len(resp.cookies) == 0
        await resp.prepare(wire.request)
        await resp.write_eof()
        raw = await wire.response()
    assert raw.header_values("Set-Cookie") == []
