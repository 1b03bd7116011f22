"""CookieJar.save() and CookieJar.load(): a JSON file, never a pickle."""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from aiohttp.cookiejar import CookieJar

NOW = 1_700_000_000.0


class Clock:
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


def sent(jar: CookieJar, url: str) -> dict[str, str]:
    return {name: m.coded_value for name, m in jar.filter_cookies(URL(url)).items()}


def filled_jar() -> tuple[CookieJar, Clock]:
    jar, clock = make_jar(unsafe=True)
    jar.update_cookies_from_headers(
        [
            "host=1; Path=/",
            "dom=2; Domain=example.com; Path=/app",
            'sec="a b"; Secure; HttpOnly; SameSite=Strict',
            "timed=3; Max-Age=100",
            "dated=4; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
            "gone=5; Max-Age=1",
        ],
        URL("https://www.example.com/"),
    )
    jar.update_cookies({"shared": "x y"})
    jar.update_cookies_from_headers(["ip=6"], URL("http://127.0.0.1:8080/"))
    return jar, clock


def test_roundtrip_keeps_every_cookie_and_its_rules(tmp_path: Path) -> None:
    jar, clock = filled_jar()
    clock.now = NOW + 2  # "gone" has expired: not saved
    file = tmp_path / "cookies.json"
    jar.save(file)

    loaded, loaded_clock = make_jar(unsafe=True)
    loaded_clock.now = NOW + 2
    loaded.load(str(file))

    def snapshot(j: CookieJar) -> list[tuple[str, str, str, str, str]]:
        return sorted(
            (m.key, m.value, m.coded_value, m["domain"], m["path"]) for m in j
        )

    assert snapshot(loaded) == snapshot(jar)
    assert "gone" not in {m.key for m in loaded}
    assert loaded.host_only_cookies == jar.host_only_cookies
    attrs = {m.key: m for m in loaded}
    assert attrs["sec"]["secure"] is True
    assert attrs["sec"]["httponly"] is True
    assert attrs["sec"]["samesite"] == "Strict"
    assert attrs["dated"]["expires"] == "Fri, 01 Jan 2100 00:00:00 GMT"

    # The rules still hold after loading.
    assert sent(loaded, "https://www.example.com/app/x") == {
        "dom": "2",
        "host": "1",
        "sec": '"a b"',
        "timed": "3",
        "dated": "4",
        "shared": '"x y"',
    }
    assert sent(loaded, "http://api.example.com/app") == {
        "dom": "2",
        "shared": '"x y"',
    }
    assert sent(loaded, "http://127.0.0.1:8080/") == {"ip": "6", "shared": '"x y"'}
    # Deadlines are absolute: "timed" still ends 100 s after it arrived.
    loaded_clock.now = NOW + 100
    assert "timed" not in sent(loaded, "https://www.example.com/")
    loaded_clock.now = 4102444800.0  # 2100-01-01
    assert "dated" not in sent(loaded, "https://www.example.com/")


def test_the_file_is_json_data(tmp_path: Path) -> None:
    jar, _ = filled_jar()
    file = tmp_path / "cookies.json"
    jar.save(file)
    document = json.loads(file.read_text("utf-8"))
    assert document["format"] == "aiotide-cookiejar"
    assert document["version"] == 1
    by_name = {c["name"]: c for c in document["cookies"]}
    assert by_name["timed"]["expires_at"] == NOW + 100
    assert by_name["host"]["host_only"] is True
    assert by_name["dom"]["host_only"] is False
    assert by_name["host"]["expires_at"] is None
    assert "max-age" not in by_name["timed"]["attributes"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_file_is_private_to_its_owner(tmp_path: Path) -> None:
    jar, _ = filled_jar()
    file = tmp_path / "cookies.json"
    jar.save(file)
    assert file.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["cookies.json"]


def test_save_replaces_an_existing_file(tmp_path: Path) -> None:
    file = tmp_path / "cookies.json"
    file.write_text("old content")
    jar, _ = make_jar()
    jar.update_cookies({"a": "1"})
    jar.save(file)
    loaded, _ = make_jar()
    loaded.load(file)
    assert [m.key for m in loaded] == ["a"]


def test_save_into_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    jar, _ = make_jar()
    with pytest.raises(FileNotFoundError):
        jar.save(tmp_path / "missing" / "cookies.json")


def test_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jar, _ = make_jar()
    jar.update_cookies({"a": "1"})

    def refuse(src: str, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        jar.save(tmp_path / "cookies.json")
    assert list(tmp_path.iterdir()) == []


def test_load_replaces_the_jars_cookies(tmp_path: Path) -> None:
    source, _ = make_jar()
    source.update_cookies({"from_file": "1"})
    file = tmp_path / "cookies.json"
    source.save(file)
    jar, _ = make_jar()
    jar.update_cookies({"before": "1"})
    jar.load(file)
    assert [m.key for m in jar] == ["from_file"]


def test_load_skips_cookies_that_expired_since(tmp_path: Path) -> None:
    source, _ = make_jar()
    source.update_cookies_from_headers(
        ["soon=1; Max-Age=10", "later=1; Max-Age=1000"], URL("http://example.com/")
    )
    file = tmp_path / "cookies.json"
    source.save(file)
    jar, clock = make_jar()
    clock.now = NOW + 500
    jar.load(file)
    assert [m.key for m in jar] == ["later"]


def test_empty_jar_roundtrip(tmp_path: Path) -> None:
    file = tmp_path / "cookies.json"
    make_jar()[0].save(file)
    jar, _ = make_jar()
    jar.update_cookies({"a": "1"})
    jar.load(file)
    assert len(jar) == 0


# -- refusing what save() did not write -------------------------------------------

GOOD_RECORD: dict[str, Any] = {
    "name": "a",
    "value": "1",
    "coded_value": "1",
    "domain": "example.com",
    "path": "/",
    "host_only": True,
    "expires_at": None,
    "attributes": {},
}


def document(*records: Any, **top: Any) -> bytes:
    data = {"format": "aiotide-cookiejar", "version": 1, "cookies": list(records)}
    data.update(top)
    return json.dumps(data).encode()


def record(**changes: Any) -> dict[str, Any]:
    return {**GOOD_RECORD, **changes}


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in GOOD_RECORD.items() if k != key}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a JSON cookie file"),
        (b"garbage\n", "not a JSON cookie file"),
        (b"\xff\xfe\x00", "not a JSON cookie file"),
        (b"[" * 100_000 + b"]" * 100_000, "not a JSON cookie file"),
        (pickle.dumps({("example.com", ""): "x"}), "pickle"),
        (b"[]", "not a file written by CookieJar.save"),
        (b'{"cookies": []}', "not a file written by CookieJar.save"),
        (document(format="other"), "not a file written by CookieJar.save"),
        (document(cookies={}), "not a file written by CookieJar.save"),
        (document(version=2), "unsupported format version 2"),
        (document("nope"), "cookie #0: not an object"),
        (document(GOOD_RECORD, without("name")), "cookie #1: 'name' must be a str"),
        (document(record(value=1)), "'value' must be a str"),
        (document(record(host_only="yes")), "'host_only' must be a bool"),
        (document(record(expires_at="tomorrow")), "'expires_at' must be a number"),
        (document(record(expires_at=True)), "'expires_at' must be a number"),
        (document(record(attributes=[])), "'attributes' must be a dict"),
        (document(record(path="relative")), "'path' must start with '/'"),
        (document(record(domain=".example.com")), "'domain' is not canonical"),
        (document(record(domain="Example.com")), "'domain' is not canonical"),
        (document(record(domain="")), "host-only cookie needs a 'domain'"),
        (document(record(coded_value="1\r\nX: y")), "control character"),
        (document(record(name="bad name")), "bad cookie name"),
        (document(record(attributes={"evil": "1"})), "unknown attribute 'evil'"),
        (document(record(attributes={"max-age": "5"})), "unknown attribute"),
        (document(record(attributes={"secure": "yes"})), "'secure' must be a bool"),
        (document(record(attributes={"samesite": 1})), "'samesite' must be a str"),
    ],
)
def test_load_refuses_what_save_did_not_write(
    tmp_path: Path, content: bytes, message: str
) -> None:
    file = tmp_path / "cookies.json"
    file.write_bytes(content)
    jar, _ = make_jar()
    jar.update_cookies({"kept": "1"})
    with pytest.raises(ValueError, match=message) as info:
        jar.load(file)
    assert "cookies.json" in str(info.value)
    # Nothing changed.
    assert [m.key for m in jar] == ["kept"]


def test_load_of_a_pickle_never_unpickles(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> tuple[Any, ...]:
            return (exec, ("raise SystemExit('the file was unpickled')",))

    file = tmp_path / "cookies.pickle"
    file.write_bytes(pickle.dumps(Boom()))
    jar, _ = make_jar()
    with pytest.raises(ValueError, match="pickle"):
        jar.load(file)


def test_undecodable_header_bytes_survive_a_roundtrip(tmp_path: Path) -> None:
    # A parser that decodes headers with surrogateescape hands such values on.
    jar, _ = make_jar()
    jar.update_cookies_from_headers(
        ["a=caf\udcc3; Path=/\udcff"], URL("http://example.com/")
    )
    file = tmp_path / "cookies.json"
    jar.save(file)
    loaded, _ = make_jar()
    loaded.load(file)
    assert [(m.value, m["path"]) for m in loaded] == [("caf\udcc3", "/\udcff")]


def test_load_of_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    jar, _ = make_jar()
    with pytest.raises(FileNotFoundError):
        jar.load(tmp_path / "missing.json")


def test_integer_deadline_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "cookies.json"
    file.write_bytes(document(record(expires_at=int(NOW) + 10)))
    jar, clock = make_jar()
    jar.load(file)
    assert sent(jar, "http://example.com/") == {"a": "1"}
    clock.now = NOW + 10
    assert sent(jar, "http://example.com/") == {}
