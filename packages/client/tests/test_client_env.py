"""trust_env's sources: .netrc credentials and the proxy variables.

Every test starts from an environment with no proxy variable, no NETRC and
a HOME of its own (``tmp_path``), so the machine's own settings never leak
in; netrc files are written into ``tmp_path``.
"""

from __future__ import annotations

import logging
import netrc
import os
import sys
from pathlib import Path

import pytest
from yarl import URL

from aiohttp import BasicAuth
from aiohttp._client_env import (
    ProxyInfo,
    basicauth_from_netrc,
    get_env_proxy_for_url,
    netrc_from_env,
    proxies_from_env,
)

LOGGER = "aiohttp.client"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Remove proxy and netrc settings; give the test an empty home directory."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name.upper() == "NETRC":
            monkeypatch.delenv(name)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)  # CGI: HTTP_PROXY unsafe
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def write_netrc(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


# --- netrc_from_env -------------------------------------------------------------


def test_netrc_from_the_netrc_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_netrc(
        tmp_path / "creds", "machine example.com login alice password s3cret\n"
    )
    monkeypatch.setenv("NETRC", str(path))
    loaded = netrc_from_env()
    assert isinstance(loaded, netrc.netrc)
    # (login, account, password); Python 3.10 reports no account as None.
    entry = loaded.authenticators("example.com")
    assert entry is not None
    assert entry[::2] == ("alice", "s3cret")


def test_netrc_from_the_home_directory(clean_env: Path) -> None:
    name = "_netrc" if sys.platform == "win32" else ".netrc"
    write_netrc(clean_env / name, "machine example.com login bob password pw\n")
    loaded = netrc_from_env()
    assert loaded is not None
    entry = loaded.authenticators("example.com")
    assert entry is not None
    assert entry[::2] == ("bob", "pw")


def test_no_netrc_file_is_none_and_quiet(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert netrc_from_env() is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_missing_file_named_by_netrc_warns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "does-not-exist"))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert netrc_from_env() is None
    assert any("Could not read .netrc file" in r.getMessage() for r in caplog.records)


def test_unreadable_file_named_by_netrc_warns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    monkeypatch.setenv("NETRC", str(directory))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert netrc_from_env() is None
    assert any("Could not read .netrc file" in r.getMessage() for r in caplog.records)


def test_malformed_file_warns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_netrc(tmp_path / "broken", "machine example.com bogus value\n")
    monkeypatch.setenv("NETRC", str(path))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert netrc_from_env() is None
    assert any("Could not parse .netrc file" in r.getMessage() for r in caplog.records)


def test_malformed_default_file_warns(
    clean_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_netrc(clean_env / ".netrc", "machine example.com bogus value\n")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert netrc_from_env() is None
    assert any("Could not parse .netrc file" in r.getMessage() for r in caplog.records)


# --- basicauth_from_netrc -------------------------------------------------------


def load(tmp_path: Path, text: str) -> netrc.netrc:
    return netrc.netrc(str(write_netrc(tmp_path / "netrc", text)))


def test_basicauth_for_a_machine(tmp_path: Path) -> None:
    creds = load(
        tmp_path,
        "machine example.com login alice password s3cret\n"
        "machine other.test login bob password pw\n",
    )
    auth = basicauth_from_netrc(creds, "example.com")
    assert auth == BasicAuth("alice", "s3cret")
    assert isinstance(auth, BasicAuth)
    assert basicauth_from_netrc(creds, "other.test") == BasicAuth("bob", "pw")


def test_basicauth_account_stands_in_for_a_missing_login(tmp_path: Path) -> None:
    creds = load(tmp_path, "machine example.com account acct password pw\n")
    assert basicauth_from_netrc(creds, "example.com") == BasicAuth("acct", "pw")


@pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="Python 3.10's netrc refuses entries without password",
)
def test_basicauth_without_password(tmp_path: Path) -> None:
    creds = load(tmp_path, "machine example.com login alice\n")
    assert basicauth_from_netrc(creds, "example.com") == BasicAuth("alice", "")


def test_basicauth_from_the_default_entry(tmp_path: Path) -> None:
    creds = load(
        tmp_path,
        "machine example.com login alice password a\ndefault login any password d\n",
    )
    assert basicauth_from_netrc(creds, "unknown.test") == BasicAuth("any", "d")


def test_basicauth_no_entry_is_a_lookup_error(tmp_path: Path) -> None:
    creds = load(tmp_path, "machine example.com login alice password a\n")
    with pytest.raises(LookupError, match=r"unknown\.test"):
        basicauth_from_netrc(creds, "unknown.test")


def test_basicauth_no_file_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="netrc"):
        basicauth_from_netrc(None, "example.com")


# --- proxies_from_env -----------------------------------------------------------


def test_proxy_info_is_a_named_tuple() -> None:
    info = ProxyInfo(URL("http://proxy.test:3128"), None)
    proxy, auth = info
    assert (proxy, auth) == (info.proxy, info.proxy_auth)
    assert info._fields == ("proxy", "proxy_auth")


def test_no_proxy_variables() -> None:
    assert proxies_from_env() == {}


@pytest.mark.parametrize("name", ["HTTP_PROXY", "http_proxy"])
def test_http_proxy_either_case(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "http://proxy.test:3128")
    assert proxies_from_env() == {
        "http": ProxyInfo(URL("http://proxy.test:3128"), None)
    }


def test_every_supported_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://p1.test:1")
    monkeypatch.setenv("https_proxy", "http://p2.test:2")
    monkeypatch.setenv("ws_proxy", "http://p3.test:3")
    monkeypatch.setenv("wss_proxy", "http://p4.test:4")
    monkeypatch.setenv("ftp_proxy", "http://p5.test:5")  # not the client's business
    proxies = proxies_from_env()
    assert {scheme: str(info.proxy) for scheme, info in proxies.items()} == {
        "http": "http://p1.test:1",
        "https": "http://p2.test:2",
        "ws": "http://p3.test:3",
        "wss": "http://p4.test:4",
    }


def test_credentials_from_the_proxy_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://user:pa%3Ass@proxy.test:3128")
    info = proxies_from_env()["http"]
    assert info.proxy == URL("http://proxy.test:3128")  # credentials taken out
    assert info.proxy.user is None
    assert info.proxy_auth == BasicAuth("user", "pa:ss")


def test_credentials_from_netrc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_netrc(
        tmp_path / "creds", "machine proxy.test login puser password ppass\n"
    )
    monkeypatch.setenv("NETRC", str(path))
    monkeypatch.setenv("http_proxy", "http://proxy.test:3128")
    monkeypatch.setenv("https_proxy", "http://other.test:3128")
    proxies = proxies_from_env()
    assert proxies["http"].proxy_auth == BasicAuth("puser", "ppass")
    assert proxies["https"].proxy_auth is None  # no entry for that host


def test_url_credentials_win_over_netrc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_netrc(
        tmp_path / "creds", "machine proxy.test login netrcuser password x\n"
    )
    monkeypatch.setenv("NETRC", str(path))
    monkeypatch.setenv("http_proxy", "http://urluser:y@proxy.test:3128")
    assert proxies_from_env()["http"].proxy_auth == BasicAuth("urluser", "y")


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_tls_proxies_are_ignored_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, scheme: str
) -> None:
    monkeypatch.setenv("https_proxy", f"{scheme}://secure-proxy.test:443")
    monkeypatch.setenv("http_proxy", "http://proxy.test:3128")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        proxies = proxies_from_env()
    assert set(proxies) == {"http"}
    messages = [r.getMessage() for r in caplog.records]
    assert any("not supported" in m and "secure-proxy.test" in m for m in messages)


def test_proxy_without_scheme_is_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "proxy.test:3128")
    assert proxies_from_env()["http"].proxy == URL("http://proxy.test:3128")


def test_empty_proxy_variable_is_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "")
    assert proxies_from_env() == {}


# --- get_env_proxy_for_url ------------------------------------------------------


def test_proxy_for_url_by_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://a:b@plain.test:3128")
    monkeypatch.setenv("https_proxy", "http://tunnel.test:3129")
    assert get_env_proxy_for_url(URL("http://example.com/x")) == (
        URL("http://plain.test:3128"),
        BasicAuth("a", "b"),
    )
    assert get_env_proxy_for_url(URL("https://example.com/x")) == (
        URL("http://tunnel.test:3129"),
        None,
    )


def test_no_proxy_for_the_scheme_is_a_lookup_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("http_proxy", "http://proxy.test:3128")
    with pytest.raises(LookupError):
        get_env_proxy_for_url(URL("wss://example.com/"))


def test_no_proxy_variables_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        get_env_proxy_for_url(URL("http://example.com/"))


@pytest.mark.parametrize(
    ("no_proxy", "host", "bypassed"),
    [
        ("example.com", "example.com", True),
        ("example.com", "www.example.com", True),
        ("example.com", "example.org", False),
        (".example.com", "www.example.com", True),
        ("other.test, example.com", "example.com", True),
        ("*", "anything.test", True),
        ("127.0.0.1", "127.0.0.1", True),
    ],
)
@pytest.mark.parametrize("name", ["no_proxy", "NO_PROXY"])
def test_no_proxy_is_honoured(
    monkeypatch: pytest.MonkeyPatch, name: str, no_proxy: str, host: str, bypassed: bool
) -> None:
    monkeypatch.setenv("http_proxy", "http://proxy.test:3128")
    monkeypatch.setenv(name, no_proxy)
    url = URL.build(scheme="http", host=host, path="/")
    if bypassed:
        with pytest.raises(LookupError):
            get_env_proxy_for_url(url)
    else:
        assert get_env_proxy_for_url(url)[0] == URL("http://proxy.test:3128")
