"""CookieJar and DummyCookieJar: storing and sending cookies as RFC 6265 says.

The jar is a pure data structure: no sockets. Time is the jar's ``_clock``
hook, moved by the tests instead of sleeping.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterable, Sized
from http.cookies import BaseCookie, CookieError, Morsel, SimpleCookie

import pytest
from yarl import URL

from aiohttp.abc import AbstractCookieJar
from aiohttp.cookiejar import CookieJar, DummyCookieJar

NOW = 1_700_000_000.0


class Clock:
    """A settable stand-in for ``time.time``."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_jar(
    *, unsafe: bool = False, quote_cookie: bool = True
) -> tuple[CookieJar, Clock]:
    jar = CookieJar(unsafe=unsafe, quote_cookie=quote_cookie)
    clock = Clock()
    jar._clock = clock
    return jar, clock


def receive(jar: CookieJar, url: str, *set_cookies: str) -> None:
    """Store cookies as a response from ``url`` with these Set-Cookie values would."""
    jar.update_cookies_from_headers(list(set_cookies), URL(url))


def sent(jar: AbstractCookieJar, url: str) -> dict[str, str]:
    return {name: m.coded_value for name, m in jar.filter_cookies(URL(url)).items()}


def test_public_names_and_interfaces() -> None:
    aiohttp = importlib.import_module("aiohttp")
    assert aiohttp.CookieJar is CookieJar
    assert aiohttp.DummyCookieJar is DummyCookieJar
    for jar in (CookieJar(), DummyCookieJar()):
        assert isinstance(jar, AbstractCookieJar)
        assert isinstance(jar, Sized)
        assert isinstance(jar, Iterable)


def test_defaults() -> None:
    jar = CookieJar()
    assert jar.unsafe is False
    assert jar.quote_cookie is True
    assert jar.treat_as_secure_origin == frozenset()
    assert len(jar) == 0
    assert list(jar) == []


async def test_loop_argument_accepted() -> None:
    jar = CookieJar(loop=asyncio.get_running_loop())
    assert len(jar) == 0


def test_empty_jar_filters_to_empty_simple_cookie() -> None:
    jar = CookieJar()
    filtered = jar.filter_cookies(URL("http://example.com/"))
    assert isinstance(filtered, SimpleCookie)
    assert not filtered


# -- host-only and domain cookies -----------------------------------------


def test_host_only_cookie_goes_back_to_the_exact_host_only() -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.example.com/", "sid=1; Path=/")
    assert sent(jar, "http://www.example.com/") == {"sid": "1"}
    assert sent(jar, "http://sub.www.example.com/") == {}
    assert sent(jar, "http://example.com/") == {}
    assert sent(jar, "http://other.com/") == {}
    (morsel,) = jar
    assert morsel["domain"] == "www.example.com"
    assert jar.host_only_cookies == {("www.example.com", "/", "sid")}


def test_domain_cookie_goes_to_the_domain_and_its_subdomains() -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.example.com/", "d=1; Domain=example.com; Path=/")
    assert sent(jar, "http://example.com/") == {"d": "1"}
    assert sent(jar, "http://www.example.com/") == {"d": "1"}
    assert sent(jar, "http://a.b.example.com/") == {"d": "1"}
    assert sent(jar, "http://notexample.com/") == {}
    assert sent(jar, "http://example.com.evil.org/") == {}
    assert jar.host_only_cookies == frozenset()


def test_domain_equal_to_the_host_is_not_host_only() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "d=1; Domain=example.com")
    assert sent(jar, "http://sub.example.com/") == {"d": "1"}


def test_leading_dot_and_case_of_domain_are_ignored() -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.example.com/", "d=1; Domain=.EXAMPLE.com; Path=/")
    (morsel,) = jar
    assert morsel["domain"] == "example.com"
    assert sent(jar, "http://foo.example.com/") == {"d": "1"}


@pytest.mark.parametrize(
    "domain",
    [
        "other.com",  # not the host's domain at all
        "sub.www.example.com",  # more specific than the host
        "ww.example.com",  # a string suffix, not a domain suffix
        "com",  # a top-level domain: a public suffix
    ],
)
def test_domain_that_does_not_cover_the_host_is_refused(domain: str) -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.example.com/", f"d=1; Domain={domain}")
    assert len(jar) == 0


def test_trailing_dot_domain_makes_a_host_only_cookie() -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.example.com/", "d=1; Domain=example.com.")
    assert sent(jar, "http://www.example.com/") == {"d": "1"}
    assert sent(jar, "http://sub.www.example.com/") == {}


def test_single_label_host_may_set_its_own_domain() -> None:
    jar, _ = make_jar()
    receive(jar, "http://localhost/", "d=1; Domain=localhost")
    assert sent(jar, "http://localhost/") == {"d": "1"}


def test_request_host_case_does_not_matter() -> None:
    jar, _ = make_jar()
    receive(jar, "http://Example.COM/", "a=1")
    assert sent(jar, "http://EXAMPLE.com/") == {"a": "1"}


# -- paths -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("response_path", "default_path"),
    [
        ("", "/"),
        ("/", "/"),
        ("/page", "/"),
        ("/dir/", "/dir"),
        ("/dir/page", "/dir"),
        ("/a/b/c", "/a/b"),
    ],
)
def test_default_path(response_path: str, default_path: str) -> None:
    jar, _ = make_jar()
    receive(jar, f"http://example.com{response_path}", "a=1")
    (morsel,) = jar
    assert morsel["path"] == default_path


def test_path_attribute_not_starting_with_slash_gets_the_default_path() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/dir/page", "a=1; Path=relative")
    (morsel,) = jar
    assert morsel["path"] == "/dir"


@pytest.mark.parametrize(
    ("request_path", "matches"),
    [
        ("/foo", True),
        ("/foo/", True),
        ("/foo/bar", True),
        ("/foobar", False),
        ("/", False),
        ("/fo", False),
        ("/bar/foo", False),
    ],
)
def test_path_matching(request_path: str, matches: bool) -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; Path=/foo")
    assert sent(jar, f"http://example.com{request_path}") == (
        {"a": "1"} if matches else {}
    )


def test_path_with_trailing_slash_does_not_match_the_bare_directory() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; Path=/foo/")
    assert sent(jar, "http://example.com/foo/bar") == {"a": "1"}
    assert sent(jar, "http://example.com/foo/") == {"a": "1"}
    assert sent(jar, "http://example.com/foo") == {}


def test_query_and_fragment_do_not_affect_path_matching() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/dir/page?x=/other#frag", "a=1")
    (morsel,) = jar
    assert morsel["path"] == "/dir"
    assert sent(jar, "http://example.com/dir/x?q=1") == {"a": "1"}


def test_longer_paths_come_first_and_win_for_the_same_name() -> None:
    jar, _ = make_jar()
    receive(
        jar,
        "http://example.com/",
        "root=1; Path=/",
        "name=short; Path=/a",
        "deep=1; Path=/a/b",
        "name=long; Path=/a/b",
    )
    filtered = jar.filter_cookies(URL("http://example.com/a/b/c"))
    assert list(filtered) == ["deep", "name", "root"]
    assert filtered["name"].value == "long"
    assert sent(jar, "http://example.com/a/x") == {"name": "short", "root": "1"}


def test_host_cookie_wins_over_domain_cookie_of_the_same_name_and_path() -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.example.com/", "n=domain; Domain=example.com; Path=/")
    receive(jar, "http://www.example.com/", "n=host; Path=/")
    assert len(jar) == 2
    assert sent(jar, "http://www.example.com/") == {"n": "host"}
    assert sent(jar, "http://api.example.com/") == {"n": "domain"}


# -- Secure and HttpOnly ---------------------------------------------------


def test_secure_cookie_only_over_secure_schemes() -> None:
    jar, _ = make_jar()
    receive(jar, "https://example.com/", "s=1; Secure", "p=2")
    assert sent(jar, "https://example.com/") == {"s": "1", "p": "2"}
    assert sent(jar, "wss://example.com/") == {"s": "1", "p": "2"}
    assert sent(jar, "http://example.com/") == {"p": "2"}
    assert sent(jar, "ws://example.com/") == {"p": "2"}


@pytest.mark.parametrize(
    "origins",
    [
        "http://127.0.0.1:8080",
        URL("http://127.0.0.1:8080/some/path"),
        ["http://other.test", URL("http://127.0.0.1:8080")],
    ],
)
def test_treat_as_secure_origin(origins: str | URL | list[str | URL]) -> None:
    jar = CookieJar(unsafe=True, treat_as_secure_origin=origins)
    assert URL("http://127.0.0.1:8080") in jar.treat_as_secure_origin
    jar.update_cookies_from_headers(["s=1; Secure"], URL("http://127.0.0.1:8080/login"))
    assert sent(jar, "http://127.0.0.1:8080/") == {"s": "1"}
    # Another port is another origin.
    assert sent(jar, "http://127.0.0.1:8081/") == {}


def test_treat_as_secure_origin_ignores_relative_request_urls() -> None:
    jar = CookieJar(treat_as_secure_origin="http://example.com")
    jar.update_cookies({"shared": "1"})
    assert sent(jar, "/relative") == {"shared": "1"}


def test_httponly_is_kept_as_an_attribute_and_the_cookie_is_still_sent() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "h=1; HttpOnly")
    (morsel,) = jar
    assert morsel["httponly"] is True
    assert sent(jar, "http://example.com/") == {"h": "1"}


def test_filtered_morsels_carry_no_attributes() -> None:
    jar, _ = make_jar()
    receive(jar, "https://example.com/", "a=1; Path=/; Secure; HttpOnly; Max-Age=99")
    filtered = jar.filter_cookies(URL("https://example.com/"))
    assert filtered.output(header="Cookie:") == "Cookie: a=1"


# -- expiry ----------------------------------------------------------------


def test_expires_in_the_future_keeps_the_cookie_until_then() -> None:
    jar, clock = make_jar()
    # 2023-11-14 22:13:20 UTC is NOW; this is one day later.
    receive(jar, "http://example.com/", "e=1; Expires=Wed, 15 Nov 2023 22:13:20 GMT")
    assert sent(jar, "http://example.com/") == {"e": "1"}
    clock.now = NOW + 86399
    assert len(jar) == 1
    clock.now = NOW + 86400
    assert sent(jar, "http://example.com/") == {}
    assert len(jar) == 0
    assert list(jar) == []


def test_max_age_counts_from_reception() -> None:
    jar, clock = make_jar()
    receive(jar, "http://example.com/", "m=1; Max-Age=10")
    clock.now = NOW + 9
    assert sent(jar, "http://example.com/") == {"m": "1"}
    clock.now = NOW + 10
    assert sent(jar, "http://example.com/") == {}
    assert list(jar) == []


def test_max_age_wins_over_expires() -> None:
    jar, clock = make_jar()
    receive(
        jar,
        "http://example.com/",
        "a=1; Max-Age=10; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        "b=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=1000",
    )
    assert sent(jar, "http://example.com/") == {"a": "1", "b": "1"}
    clock.now = NOW + 11
    assert sent(jar, "http://example.com/") == {"b": "1"}


@pytest.mark.parametrize(
    "deletion",
    [
        "k=; Max-Age=0",
        "k=; Max-Age=-1",
        "k=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ],
)
def test_expired_cookie_deletes_the_stored_one(deletion: str) -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "k=v; Path=/", "other=1; Path=/")
    receive(jar, "http://example.com/", deletion + "; Path=/")
    assert sent(jar, "http://example.com/") == {"other": "1"}
    assert len(jar) == 1


def test_deletion_needs_the_same_path() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "k=v; Path=/a")
    receive(jar, "http://example.com/", "k=; Max-Age=0; Path=/b")
    assert len(jar) == 1


def test_invalid_max_age_is_ignored() -> None:
    jar, clock = make_jar()
    receive(
        jar,
        "http://example.com/",
        "a=1; Max-Age=soon",
        "b=1; Max-Age=+5; Expires=Tue, 14 Nov 2023 22:13:30 GMT",
    )
    morsels = {m.key: m for m in jar}
    assert morsels["a"]["max-age"] == ""
    clock.now = NOW + 3600 * 24 * 365
    # a has no expiry left; b fell back to its Expires (NOW + 10).
    assert sent(jar, "http://example.com/") == {"a": "1"}


def test_invalid_expires_is_ignored() -> None:
    jar, clock = make_jar()
    receive(jar, "http://example.com/", "a=1; Expires=not a date")
    (morsel,) = jar
    assert morsel["expires"] == ""
    clock.now = NOW * 2
    assert sent(jar, "http://example.com/") == {"a": "1"}


def test_morsel_with_integer_max_age() -> None:
    jar, clock = make_jar()
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "1", "1")
    morsel["max-age"] = 5
    jar.update_cookies({"a": morsel}, URL("http://example.com/"))
    assert len(jar) == 1
    clock.now = NOW + 5
    assert len(jar) == 0

    zero: Morsel[str] = Morsel()
    zero.set("b", "1", "1")
    jar.update_cookies({"b": zero}, URL("http://example.com/"))
    zero["max-age"] = 0
    jar.update_cookies({"b": zero}, URL("http://example.com/"))
    assert len(jar) == 0


def test_replacing_a_timed_cookie_with_a_session_cookie_drops_the_deadline() -> None:
    jar, clock = make_jar()
    receive(jar, "http://example.com/", "k=old; Max-Age=10")
    receive(jar, "http://example.com/", "k=new")
    clock.now = NOW + 100
    assert sent(jar, "http://example.com/") == {"k": "new"}


def test_replacing_with_a_later_deadline() -> None:
    jar, clock = make_jar()
    receive(jar, "http://example.com/", "k=old; Max-Age=10")
    receive(jar, "http://example.com/", "k=new; Max-Age=100")
    clock.now = NOW + 50
    assert sent(jar, "http://example.com/") == {"k": "new"}
    clock.now = NOW + 100
    assert sent(jar, "http://example.com/") == {}


def test_expiry_heap_stays_bounded_under_churn() -> None:
    jar, _ = make_jar()
    for i in range(5000):
        receive(jar, "http://example.com/", f"k={i}; Max-Age={1000 + i}")
    assert len(jar) == 1
    assert len(jar._expiry_heap) <= 2 + 2 * 100


def test_many_expiring_cookies_go_in_deadline_order() -> None:
    jar, clock = make_jar()
    for i in range(50):
        receive(jar, "http://example.com/", f"c{i}=1; Max-Age={50 - i}")
    clock.now = NOW + 25
    assert len(jar) == 25
    assert {m.key for m in jar} == {f"c{i}" for i in range(25)}


def test_huge_max_age_is_capped_not_overflowing() -> None:
    jar, clock = make_jar()
    receive(jar, "http://example.com/", "k=1; Max-Age=" + "9" * 40)
    clock.now = NOW + 10**9
    assert sent(jar, "http://example.com/") == {"k": "1"}


# -- replacement, clear, clear_domain, iteration ----------------------------


def test_same_domain_path_and_name_replaces() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "k=1; Path=/")
    receive(jar, "http://example.com/", "k=2; Path=/")
    receive(jar, "http://example.com/", "k=3; Path=/other")
    assert len(jar) == 2
    assert sorted(m.value for m in jar) == ["2", "3"]


def test_replacing_a_domain_cookie_by_a_host_only_one() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "k=1; Domain=example.com; Path=/")
    receive(jar, "http://example.com/", "k=2; Path=/")
    assert len(jar) == 1
    assert sent(jar, "http://sub.example.com/") == {}
    assert jar.host_only_cookies == {("example.com", "/", "k")}


def test_iteration_yields_morsels_with_their_attributes() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; Path=/p; Secure; SameSite=Lax")
    (morsel,) = jar
    assert isinstance(morsel, Morsel)
    assert (morsel.key, morsel.value) == ("a", "1")
    assert morsel["domain"] == "example.com"
    assert morsel["path"] == "/p"
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"


def test_iterating_while_clearing_is_safe() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1", "b=2")
    for morsel in jar:
        jar.clear(lambda m, key=morsel.key: m.key == key)  # type: ignore[misc]
    assert len(jar) == 0


def test_cookies_view() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/a/b", "a=1", "b=2; Path=/")
    view = jar.cookies
    assert set(view) == {("example.com", "/a"), ("example.com", "/")}
    assert view[("example.com", "/a")]["a"].value == "1"
    with pytest.raises(TypeError):
        view[("x", "/")] = SimpleCookie()  # type: ignore[index]


def test_clear_everything() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; Max-Age=10", "b=2")
    jar.update_cookies({"shared": "1"})
    jar.clear()
    assert len(jar) == 0
    assert sent(jar, "http://example.com/") == {}
    assert jar.host_only_cookies == frozenset()


def test_clear_with_predicate() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "keep=1", "drop=2", "drop2=3")
    jar.clear(lambda m: m.key.startswith("drop"))
    assert [m.key for m in jar] == ["keep"]


def test_clear_with_predicate_also_removes_expired_cookies() -> None:
    jar, clock = make_jar()
    receive(jar, "http://example.com/", "old=1; Max-Age=1", "keep=1")
    clock.now = NOW + 2
    seen: list[str] = []

    def spy(morsel: Morsel[str]) -> bool:
        seen.append(morsel.key)
        return False

    jar.clear(spy)
    assert seen == ["keep"]  # the expired one was gone before the predicate ran
    assert [m.key for m in jar] == ["keep"]


def test_clear_domain_removes_the_domain_and_its_subdomains() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1")
    receive(jar, "http://www.example.com/", "b=1")
    receive(jar, "http://www.example.com/", "c=1; Domain=example.com")
    receive(jar, "http://notexample.com/", "d=1")
    receive(jar, "http://other.org/", "e=1")
    jar.update_cookies({"shared": "1"})
    jar.clear_domain(".Example.com")
    assert sorted(m.key for m in jar) == ["d", "e", "shared"]


def test_clear_domain_with_an_unencodable_name_removes_nothing() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1")
    jar.update_cookies({"shared": "1"})
    jar.clear_domain("ü..com")
    assert len(jar) == 2


def test_clear_domain_of_a_subdomain_keeps_the_parent() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1")
    receive(jar, "http://www.example.com/", "b=1")
    jar.clear_domain("www.example.com")
    assert [m.key for m in jar] == ["a"]


# -- shared cookies and update_cookies input forms ---------------------------


def test_cookies_without_response_url_are_shared_with_every_host() -> None:
    jar, _ = make_jar()
    jar.update_cookies({"shared": "1"})
    assert sent(jar, "http://example.com/") == {"shared": "1"}
    assert sent(jar, "https://other.org/deep/path") == {"shared": "1"}
    assert sent(jar, "http://127.0.0.1/") == {"shared": "1"}
    (morsel,) = jar
    assert morsel["domain"] == ""
    assert morsel["path"] == "/"


def test_shared_morsel_with_domain_goes_to_that_domain() -> None:
    jar, _ = make_jar()
    cookie: SimpleCookie = SimpleCookie()
    cookie.load("d=1; Domain=example.com; Path=/api")
    jar.update_cookies(cookie)
    assert sent(jar, "http://www.example.com/api/x") == {"d": "1"}
    assert sent(jar, "http://www.example.com/") == {}
    assert sent(jar, "http://other.org/api") == {}


def test_update_cookies_input_forms() -> None:
    jar, _ = make_jar()
    url = URL("http://example.com/")
    morsel: Morsel[str] = Morsel()
    morsel.set("m", "3", "3")
    inner: SimpleCookie = SimpleCookie()
    inner["in_base"] = "5"
    jar.update_cookies({"d": "1"}, url)
    jar.update_cookies([("pair", "2"), ("m", morsel)], url)
    jar.update_cookies({"ignored_key": inner}, url)
    simple: SimpleCookie = SimpleCookie()
    simple["s"] = "4"
    jar.update_cookies(simple, url)
    assert sent(jar, "http://example.com/") == {
        "d": "1",
        "pair": "2",
        "m": "3",
        "in_base": "5",
        "s": "4",
    }


def test_update_cookies_accepts_a_string_url() -> None:
    jar, _ = make_jar()
    jar.update_cookies({"a": "1"}, "http://example.com/")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://other.com/") == {}


def test_the_callers_morsel_is_not_changed() -> None:
    jar, _ = make_jar()
    cookie: SimpleCookie = SimpleCookie()
    cookie.load("a=1; Domain=.Example.com; Max-Age=junk")
    jar.update_cookies(cookie, URL("http://www.example.com/x/y"))
    assert cookie["a"]["domain"] == ".Example.com"
    assert cookie["a"]["path"] == ""
    assert cookie["a"]["max-age"] == "junk"
    (stored,) = jar
    assert stored is not cookie["a"]


def test_control_characters_in_a_morsel_value_are_refused() -> None:
    jar, _ = make_jar()
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "x", "x\r\nX-Injected: 1")
    with pytest.raises(ValueError, match="Control character"):
        jar.update_cookies({"a": morsel})
    assert len(jar) == 0


@pytest.mark.parametrize("name", ["a\r\nX-Injected", "a b", "a;b", ""])
def test_names_that_are_not_tokens_are_refused(name: str) -> None:
    jar, _ = make_jar()
    with pytest.raises(ValueError, match="Invalid cookie name"):
        jar.update_cookies({name: "1"})
    with pytest.raises(CookieError):
        jar.update_cookies({name: "1"})
    assert len(jar) == 0


def test_string_values_with_control_characters_are_quoted_safely() -> None:
    for quote in (True, False):
        jar, _ = make_jar(quote_cookie=quote)
        jar.update_cookies({"a": "x\r\ny"})
        coded = sent(jar, "http://example.com/")["a"]
        assert "\r" not in coded
        assert "\n" not in coded


# -- Set-Cookie header values --------------------------------------------------


def test_set_cookie_attributes_are_not_cookies() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; b=2; Path=/")
    assert sent(jar, "http://example.com/") == {"a": "1"}


def test_same_name_on_different_paths_in_one_response() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "k=root; Path=/", "k=app; Path=/app")
    assert len(jar) == 2
    assert sent(jar, "http://example.com/app/x") == {"k": "app"}


@pytest.mark.parametrize(
    "header",
    ["novalue", "=nameless", "bad name=1", "a=b\x00c", "[x]=1", ""],
)
def test_unusable_set_cookie_values_are_skipped(header: str) -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", header, "good=1")
    assert sent(jar, "http://example.com/") == {"good": "1"}


def test_quoted_value_is_sent_back_as_received() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", 'q="a b"')
    (morsel,) = jar
    assert morsel.value == "a b"
    assert sent(jar, "http://example.com/") == {"q": '"a b"'}


# -- IP addresses (unsafe) -------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/", "http://[::1]/"])
def test_cookies_from_ip_hosts_are_refused_by_default(url: str) -> None:
    jar, _ = make_jar()
    receive(jar, url, "a=1")
    assert len(jar) == 0


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("http://127.0.0.1:8080/", "http://127.0.0.2:8080/"),
        ("http://[::1]/", "http://[::2]/"),
    ],
)
def test_unsafe_jar_keeps_cookies_of_ip_hosts(url: str, other: str) -> None:
    jar, _ = make_jar(unsafe=True)
    assert jar.unsafe is True
    receive(jar, url, "a=1")
    assert sent(jar, url) == {"a": "1"}
    assert sent(jar, other) == {}


def test_unsafe_ip_domain_attribute_must_be_the_address_itself() -> None:
    jar, _ = make_jar(unsafe=True)
    receive(jar, "http://127.0.0.1/", "a=1; Domain=0.0.1", "b=1; Domain=127.0.0.1")
    assert sent(jar, "http://127.0.0.1/") == {"b": "1"}


def test_safe_jar_sends_no_domain_cookie_to_an_ip_host() -> None:
    jar, _ = make_jar()
    cookie: SimpleCookie = SimpleCookie()
    cookie.load("a=1; Domain=127.0.0.1")
    jar.update_cookies(cookie)
    assert sent(jar, "http://127.0.0.1/") == {}


# -- quote_cookie -------------------------------------------------------------------


def test_quote_cookie_true_quotes_string_values() -> None:
    jar, _ = make_jar()
    jar.update_cookies({"a": "x y", "b": "plain"})
    filtered = jar.filter_cookies(URL("http://example.com/"))
    assert isinstance(filtered, SimpleCookie)
    assert filtered["a"].coded_value == '"x y"'
    assert filtered["a"].value == "x y"
    assert filtered["b"].coded_value == "plain"


def test_quote_cookie_false_sends_string_values_raw() -> None:
    jar, _ = make_jar(quote_cookie=False)
    assert jar.quote_cookie is False
    jar.update_cookies({"a": "x y", "b": 'with"quote', "c": "semi;colon"})
    filtered = jar.filter_cookies(URL("http://example.com/"))
    assert type(filtered) is BaseCookie
    assert filtered["a"].coded_value == "x y"
    assert filtered["b"].coded_value == 'with"quote'
    # A raw ';' would start another cookie: that one is quoted all the same.
    assert filtered["c"].coded_value == '"semi\\073colon"'


# -- filter_cookies details ---------------------------------------------------------


def test_filter_cookies_with_a_string_warns() -> None:
    jar, _ = make_jar()
    jar.update_cookies({"a": "1"})
    with pytest.warns(DeprecationWarning, match="yarl.URL"):
        filtered = jar.filter_cookies("http://example.com/")  # type: ignore[arg-type]
    assert filtered["a"].value == "1"


def test_filter_cookies_for_a_url_without_host_sends_shared_only() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "host=1")
    jar.update_cookies({"shared": "1"})
    assert sent(jar, "/path") == {"shared": "1"}


def test_filter_does_not_leak_between_similar_hosts() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; Domain=example.com")
    assert sent(jar, "http://example.com.") == {}
    assert sent(jar, "http://xexample.com/") == {}


# -- DummyCookieJar ------------------------------------------------------------------


def test_dummy_jar_stores_nothing() -> None:
    jar = DummyCookieJar()
    jar.update_cookies({"a": "1"})
    jar.update_cookies({"b": "1"}, URL("http://example.com/"))
    jar.update_cookies_from_headers(["c=1"], URL("http://example.com/"))
    assert len(jar) == 0
    assert list(jar) == []
    filtered = jar.filter_cookies(URL("http://example.com/"))
    assert isinstance(filtered, SimpleCookie)
    assert not filtered
    assert jar.cookies == {}
    assert jar.host_only_cookies == frozenset()
    assert jar.unsafe is False
    assert jar.quote_cookie is True
    assert jar.treat_as_secure_origin == frozenset()
    jar.clear()
    jar.clear(lambda m: True)
    jar.clear_domain("example.com")


# -- odds and ends ----------------------------------------------------------------


def test_internationalised_domain_attribute_matches_the_encoded_host() -> None:
    jar, _ = make_jar()
    receive(jar, "http://www.bücher.example/", "d=1; Domain=Bücher.example")
    (morsel,) = jar
    assert morsel["domain"] == "xn--bcher-kva.example"
    assert sent(jar, "http://bücher.example/") == {"d": "1"}


def test_unencodable_domain_attribute_is_refused() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "d=1; Domain=ü..example.com")
    assert len(jar) == 0


def test_removing_one_path_keeps_the_domains_other_paths() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "a=1; Path=/a", "b=1; Path=/b")
    receive(jar, "http://example.com/", "a=; Max-Age=0; Path=/a")
    assert sent(jar, "http://example.com/b") == {"b": "1"}
    assert sent(jar, "http://example.com/a") == {}


def test_morsel_with_integer_expires_counts_seconds_from_now() -> None:
    jar, clock = make_jar()
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "1", "1")
    morsel["expires"] = 30
    jar.update_cookies({"a": morsel}, URL("http://example.com/"))
    clock.now = NOW + 29
    assert len(jar) == 1
    clock.now = NOW + 30
    assert len(jar) == 0


def test_oversized_set_cookie_parts_are_ignored() -> None:
    jar, _ = make_jar()
    receive(
        jar,
        "http://example.com/",
        "big=" + "x" * 5000,
        "a=1; Path=/" + "p" * 2000,
        "b=1; Domain=",
    )
    morsels = {m.key: m for m in jar}
    assert set(morsels) == {"a", "b"}
    assert morsels["a"]["path"] == "/"  # the oversized Path was dropped
    assert morsels["b"]["domain"] == "example.com"  # the empty Domain too
    assert jar.host_only_cookies == {
        ("example.com", "/", "a"),
        ("example.com", "/", "b"),
    }


def test_headers_without_any_cookie_change_nothing() -> None:
    jar, _ = make_jar()
    receive(jar, "http://example.com/", "no cookie here", "=x")
    assert len(jar) == 0
