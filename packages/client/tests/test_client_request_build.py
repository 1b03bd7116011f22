"""Building a ClientRequest: URL, head, body framing and every refusal."""

from __future__ import annotations

import asyncio
import gc
import io
import pathlib
import ssl
from collections.abc import AsyncIterator
from http.cookies import CookieError, Morsel, SimpleCookie
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict
from yarl import URL

from aiohttp import hdrs, payload
from aiohttp.abc import AbstractStreamWriter
from aiohttp.client_exceptions import (
    InvalidURL,
    InvalidUrlClientError,
    NonHttpUrlClientError,
)
from aiohttp.client_reqrep import (
    ClientRequest,
    ClientResponse,
    ConnectionKey,
    Fingerprint,
    RequestInfo,
)
from aiohttp.compression_utils import HAS_BROTLI, HAS_ZSTD
from aiohttp.formdata import FormData
from aiohttp.helpers import BasicAuth
from aiohttp.http import SERVER_SOFTWARE, HttpVersion, HttpVersion10, HttpVersion11
from aiohttp.multipart import MultipartWriter


def make(
    method: str = "GET", url: str | URL = "http://example.com/", **kwargs: Any
) -> ClientRequest:
    return ClientRequest(method, url, loop=asyncio.get_running_loop(), **kwargs)


# -- method --------------------------------------------------------------------


async def test_method_is_upper_cased() -> None:
    assert make("get").method == "GET"
    assert make("PropFind").method == "PROPFIND"


@pytest.mark.parametrize(
    "method", ["GET\r\n", "GE T", "GET\x00", "G\tET", "", "GET\n", "(GET)", "GÉT"]
)
async def test_method_must_be_a_token(method: str) -> None:
    with pytest.raises(ValueError, match="non-token"):
        make(method)


# -- URL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "/relative/path",
        "example.com/x",
        "unix:///x",
    ],
)
async def test_non_http_scheme_refused(url: str) -> None:
    with pytest.raises(NonHttpUrlClientError):
        make(url=url)


@pytest.mark.parametrize("url", ["http:///path", "https://", "http://:80/"])
async def test_url_without_host_refused(url: str) -> None:
    with pytest.raises(InvalidUrlClientError) as info:
        make(url=url)
    assert isinstance(info.value, InvalidURL)


async def test_unparsable_url_refused() -> None:
    with pytest.raises(InvalidUrlClientError):
        make(url="http://[::1/")


@pytest.mark.parametrize(
    "url",
    [
        URL.build(scheme="http", host="h", path="/a\r\nb", encoded=True),
        URL.build(scheme="http", host="h", path="/a b", encoded=True),
        URL.build(scheme="http", host="h", query_string="q=\x00", encoded=True),
        URL.build(scheme="http", host="h\r\nx", encoded=True),
        URL("http://h/").with_path("/x\x7f", encoded=True),
    ],
)
async def test_control_characters_in_url_refused(url: URL) -> None:
    with pytest.raises(InvalidUrlClientError):
        make(url=url)


async def test_ws_schemes_allowed() -> None:
    assert make(url="ws://example.com/").url.scheme == "ws"
    assert make(url="wss://example.com/").is_ssl()


async def test_fragment_is_not_part_of_url_but_of_original_url() -> None:
    req = make(url="http://example.com/p?q=1#frag")
    assert req.url == URL("http://example.com/p?q=1")
    assert req.original_url == URL("http://example.com/p?q=1#frag")
    assert req.request_info.real_url == URL("http://example.com/p?q=1#frag")
    assert req.request_info.url == req.url


async def test_str_url_accepted() -> None:
    assert make(url="http://example.com/a").url == URL("http://example.com/a")


# -- params ----------------------------------------------------------------------


async def test_params_mapping_added_to_query() -> None:
    req = make(
        url="http://example.com/get?a=1", params={"key1": "value1", "key2": "value2"}
    )
    assert str(req.url) == "http://example.com/get?a=1&key1=value1&key2=value2"


async def test_params_pairs_keep_repeats() -> None:
    req = make(
        url="http://example.com/get", params=[("key", "value1"), ("key", "value2")]
    )
    assert str(req.url) == "http://example.com/get?key=value1&key=value2"


async def test_params_multidict() -> None:
    req = make(params=MultiDict([("a", "1"), ("a", "2")]))
    assert req.url.query.getall("a") == ["1", "2"]


async def test_params_str_is_not_encoded() -> None:
    req = make(url="http://example.com/get", params="key=value+1")
    assert str(req.url) == "http://example.com/get?key=value+1"


async def test_params_values_are_encoded() -> None:
    req = make(params={"q": "a b&c", "n": 3})
    assert req.url.raw_query_string == "q=a+b%26c&n=3"


async def test_params_keep_fragment_out_of_url() -> None:
    req = make(url="http://example.com/p#f", params={"a": "1"})
    assert str(req.url) == "http://example.com/p?a=1"
    assert req.original_url.fragment == "f"


async def test_params_with_control_characters_are_percent_encoded() -> None:
    req = make(params={"q": "a\r\nb"})
    assert req.url.raw_query_string == "q=a%0D%0Ab"


# -- Host ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://example.com/", "example.com"),
        ("http://example.com:80/", "example.com"),
        ("http://example.com:8080/", "example.com:8080"),
        ("https://example.com:443/", "example.com"),
        ("https://example.com:80/", "example.com:80"),
        ("ws://example.com:80/", "example.com"),
        ("wss://example.com:443/", "example.com"),
        ("http://[::1]:8080/", "[::1]:8080"),
        ("http://[::1]/", "[::1]"),
        ("http://Bücher.example/", "xn--bcher-kva.example"),
        ("http://EXAMPLE.com/", "example.com"),
        ("http://127.0.0.1:81/", "127.0.0.1:81"),
    ],
)
async def test_host_header(url: str, host: str) -> None:
    req = make(url=url)
    assert req.headers["Host"] == host
    assert next(iter(req.headers)) == "Host"


async def test_host_header_given_replaces_ours() -> None:
    req = make(headers={"host": "other.example"})
    assert req.headers.getall("Host") == ["other.example"]


async def test_host_and_port_properties() -> None:
    req = make(url="http://Bücher.example:81/")
    assert req.host == "xn--bcher-kva.example"
    assert req.port == 81
    assert make(url="https://h/").port == 443


# -- headers ---------------------------------------------------------------------


async def test_auto_headers() -> None:
    req = make()
    assert req.headers["Accept"] == "*/*"
    assert req.headers["User-Agent"] == SERVER_SOFTWARE
    codings = ["gzip", "deflate"]
    if HAS_BROTLI:
        codings.append("br")
    if HAS_ZSTD:
        codings.append("zstd")
    assert req.headers["Accept-Encoding"] == ", ".join(codings)


async def test_given_headers_win_over_auto_headers() -> None:
    req = make(headers={"user-agent": "mine/1", "ACCEPT": "text/html"})
    assert req.headers.getall("User-Agent") == ["mine/1"]
    assert req.headers.getall("Accept") == ["text/html"]


async def test_skip_auto_headers() -> None:
    req = make(skip_auto_headers={"user-agent", "Accept-Encoding"})
    assert "User-Agent" not in req.headers
    assert "Accept-Encoding" not in req.headers
    assert req.headers["Accept"] == "*/*"
    assert "USER-AGENT" in req.skip_auto_headers
    assert make().skip_auto_headers == CIMultiDict()


async def test_skip_auto_headers_content_type() -> None:
    req = make("POST", data=b"x", skip_auto_headers=["Content-Type"])
    assert "Content-Type" not in req.headers
    assert req.headers["Content-Length"] == "1"


async def test_headers_forms() -> None:
    pairs = [("X-A", "1"), ("x-a", "2")]
    for headers in (
        pairs,
        MultiDict(pairs),
        CIMultiDict(pairs),
        CIMultiDictProxy(CIMultiDict(pairs)),
    ):
        assert make(headers=headers).headers.getall("X-A") == ["1", "2"]
    assert make(headers={"X-A": "1"}).headers["x-a"] == "1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-A", "a\r\nInjected: 1"),
        ("X-A", "a\nb"),
        ("X-A", "a\rb"),
        ("X-A", "a\x00b"),
        ("X-A", "a\x1fb"),
        ("X-A", "a\x7fb"),
        ("X-A\r\nInjected", "1"),
        ("X A", "1"),
        ("X:A", "1"),
        ("", "1"),
        ("X-\x00", "1"),
    ],
)
async def test_bad_header_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="header"):
        make(headers={name: value})


async def test_htab_allowed_in_header_value() -> None:
    assert make(headers={"X-A": "a\tb"}).headers["X-A"] == "a\tb"


async def test_bad_proxy_header_refused() -> None:
    with pytest.raises(ValueError, match="header"):
        make(proxy=URL("http://proxy:3128"), proxy_headers={"X-A": "a\r\nb"})


# -- auth --------------------------------------------------------------------------


async def test_auth_argument() -> None:
    req = make(auth=BasicAuth("user", "pass"))
    assert req.headers["Authorization"] == "Basic dXNlcjpwYXNz"


async def test_auth_from_url_is_stripped_from_url() -> None:
    req = make(url="http://user:pass@example.com/p")
    assert req.headers["Authorization"] == "Basic dXNlcjpwYXNz"
    assert req.url == URL("http://example.com/p")
    assert req.original_url.user is None
    assert req.auth == BasicAuth("user", "pass")


async def test_auth_in_url_and_argument_refused() -> None:
    with pytest.raises(ValueError, match="Cannot combine AUTH argument"):
        make(url="http://user:pass@example.com/", auth=BasicAuth("u", "p"))


async def test_auth_with_authorization_header_refused() -> None:
    with pytest.raises(ValueError, match="Cannot combine AUTHORIZATION header"):
        make(auth=BasicAuth("u", "p"), headers={"Authorization": "Bearer x"})


async def test_auth_must_be_basic_auth() -> None:
    with pytest.raises(TypeError, match="BasicAuth"):
        make(auth=("user", "pass"))


async def test_netrc_auth_with_trust_env(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine example.com login alice password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    req = make(trust_env=True)
    assert req.headers["Authorization"] == BasicAuth("alice", "s3cret").encode()
    assert "Authorization" not in make().headers
    # An Authorization header the caller gave is not replaced.
    assert (
        make(trust_env=True, headers={"Authorization": "Bearer t"}).headers[
            "Authorization"
        ]
        == "Bearer t"
    )


# -- cookies -------------------------------------------------------------------------


async def test_cookies_become_one_header() -> None:
    req = make(cookies={"b": "2", "a": "1"})
    assert req.headers.getall("Cookie") == ["a=1; b=2"]


async def test_cookies_merged_with_given_cookie_header() -> None:
    req = make(headers={"Cookie": "cookie1=val1"}, cookies={"cookie2": "val2"})
    assert req.headers.getall("Cookie") == ["cookie1=val1; cookie2=val2"]


async def test_cookie_replaces_same_name_in_header() -> None:
    req = make(headers={"Cookie": "a=old; b=2"}, cookies=[("a", "new")])
    assert req.headers["Cookie"] == "a=new; b=2"


async def test_cookie_values_quoted_like_simple_cookie() -> None:
    req = make(cookies={"a": "b c", "d": 'x"y'})
    assert req.headers["Cookie"] == 'a="b c"; d="x\\"y"'


async def test_cookie_with_newline_is_escaped_not_injected() -> None:
    req = make(cookies={"a": "1\r\nX-Injected: 1"})
    assert "\r" not in req.headers["Cookie"]
    assert "\n" not in req.headers["Cookie"]


async def test_morsel_keeps_its_coded_value() -> None:
    jar = SimpleCookie()
    jar.load('sess="a b"')
    req = make(cookies=jar)
    assert req.headers["Cookie"] == 'sess="a b"'
    morsel: Morsel[str] = Morsel()
    morsel.set("raw", "v", "v%20w")
    assert make(cookies={"raw": morsel}).headers["Cookie"] == "raw=v%20w"


async def test_bad_cookie_name_refused() -> None:
    with pytest.raises(CookieError):
        make(cookies={"a b": "1"})


async def test_morsel_coded_value_with_newline_refused() -> None:
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "1", "1\r\nX: y")
    with pytest.raises(ValueError, match="cookie"):
        make(cookies={"a": morsel})


async def test_no_cookies_no_header() -> None:
    assert "Cookie" not in make(cookies={}).headers


# -- version ---------------------------------------------------------------------------


async def test_version_from_text() -> None:
    assert make(version="1.0").version == HttpVersion10
    assert make(version=HttpVersion(1, 1)).version == HttpVersion11


@pytest.mark.parametrize("version", ["1", "one.two", "1.x", ""])
async def test_bad_version_text(version: str) -> None:
    with pytest.raises(ValueError, match="Can not parse http version number"):
        make(version=version)


async def test_keep_alive() -> None:
    assert make().keep_alive()
    assert not make(headers={"Connection": "close"}).keep_alive()
    assert not make(version="1.0").keep_alive()
    assert make(version="1.0", headers={"Connection": "keep-alive"}).keep_alive()
    assert not make(version="0.9").keep_alive()


# -- body and framing ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "TRACE"])
async def test_no_body_no_framing_for_get_like_methods(method: str) -> None:
    req = make(method)
    assert "Content-Length" not in req.headers
    assert "Transfer-Encoding" not in req.headers
    assert req._body is None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"])
async def test_no_body_content_length_zero(method: str) -> None:
    req = make(method)
    assert req.headers["Content-Length"] == "0"
    assert "Transfer-Encoding" not in req.headers


async def test_get_with_body_gets_content_length() -> None:
    req = make("GET", data=b"abc")
    assert req.headers["Content-Length"] == "3"


async def test_bytes_body() -> None:
    req = make("POST", data=b"\x00binary\x00")
    assert req.headers["Content-Length"] == "8"
    assert req.headers["Content-Type"] == "application/octet-stream"
    assert isinstance(req.body, payload.BytesPayload)


async def test_text_body() -> None:
    req = make("POST", data="héllo")
    assert req.headers["Content-Length"] == "6"
    assert req.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_given_content_type_kept() -> None:
    req = make("POST", data=b"GIF89a", headers={"content-type": "image/gif"})
    assert req.headers.getall("Content-Type") == ["image/gif"]


@pytest.mark.parametrize(
    "data",
    [
        {"key1": "value1", "key2": "value 2"},
        [("key1", "value1"), ("key2", "value 2")],
        MultiDict([("key1", "value1"), ("key2", "value 2")]),
    ],
)
async def test_form_body(data: Any) -> None:
    req = make("POST", data=data)
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert await req.body.as_bytes() == b"key1=value1&key2=value+2"
    assert req.headers["Content-Length"] == "24"


async def test_formdata_body() -> None:
    form = FormData()
    form.add_field("a", "1")
    req = make("POST", data=form)
    assert await req.body.as_bytes() == b"a=1"


async def test_multipart_formdata_body() -> None:
    form = FormData()
    form.add_field("file", io.BytesIO(b"data"), filename="f.bin")
    req = make("POST", data=form)
    assert req.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert isinstance(req.body, MultipartWriter)


async def test_multipart_writer_body() -> None:
    with MultipartWriter("mixed") as writer:
        writer.append("text")
    req = make("POST", data=writer)
    assert req.body is writer
    assert req.headers["Content-Type"].startswith("multipart/mixed; boundary=")


async def test_payload_body_used_as_is() -> None:
    body = payload.BytesPayload(b"xyz", content_type="application/x-thing")
    req = make("PUT", data=body)
    assert req.body is body
    assert req.headers["Content-Type"] == "application/x-thing"
    assert req.headers["Content-Length"] == "3"


async def test_unsupported_data_refused() -> None:
    with pytest.raises(TypeError):
        make("POST", data=object())


async def test_json_body() -> None:
    req = make("POST", json={"test": "object"})
    assert req.headers["Content-Type"] == "application/json"
    assert await req.body.as_bytes() == b'{"test": "object"}'


async def test_json_serializer() -> None:
    req = make("POST", json=[1], json_serialize=lambda value: "custom")
    assert await req.body.as_bytes() == b"custom"


async def test_data_and_json_refused() -> None:
    with pytest.raises(
        ValueError, match="data and json parameters can not be used at the same time"
    ):
        make("POST", data=b"x", json={"a": 1})


async def test_file_body(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"0123456789")
    with path.open("rb") as f:
        f.seek(4)
        req = make("POST", data=f)
        assert req.headers["Content-Length"] == "6"
        assert "Content-Disposition" not in req.headers
        assert req.headers["Content-Type"] == "text/plain"


async def test_async_iterable_body_is_chunked() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"a"

    req = make("POST", data=gen())
    assert req.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in req.headers
    assert req.chunked
    await req.body.close()


async def test_chunked_argument() -> None:
    req = make("POST", data=b"abc", chunked=True)
    assert req.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in req.headers


async def test_chunked_with_content_length_refused() -> None:
    with pytest.raises(
        ValueError, match="chunked can not be set if Content-Length header is set"
    ):
        make("POST", data=b"abc", chunked=True, headers={"Content-Length": "3"})


async def test_chunked_with_transfer_encoding_header_refused() -> None:
    with pytest.raises(ValueError, match="chunked can not be set"):
        make(
            "POST", data=b"abc", chunked=True, headers={"Transfer-Encoding": "chunked"}
        )


async def test_transfer_encoding_header_with_content_length_refused() -> None:
    with pytest.raises(ValueError, match="Content-Length can not be set"):
        make(
            "POST",
            data=b"abc",
            headers={"Transfer-Encoding": "chunked", "Content-Length": "3"},
        )


async def test_transfer_encoding_header_alone_frames_the_body() -> None:
    req = make("POST", data=b"abc", headers={"Transfer-Encoding": "chunked"})
    assert "Content-Length" not in req.headers
    assert req.headers.getall("Transfer-Encoding") == ["chunked"]


async def test_given_content_length_kept() -> None:
    req = make("POST", data=b"abcdef", headers={"Content-Length": "3"})
    assert req.headers.getall("Content-Length") == ["3"]


async def test_compress_true_is_deflate_and_chunked() -> None:
    req = make("POST", data=b"abc", compress=True)
    assert req.compress == "deflate"
    assert req.headers["Content-Encoding"] == "deflate"
    assert req.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in req.headers


async def test_compress_gzip() -> None:
    assert (
        make("POST", data=b"abc", compress="gzip").headers["Content-Encoding"] == "gzip"
    )


async def test_compress_unknown_coding_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported compress value"):
        make("POST", data=b"abc", compress="lzma")


async def test_compress_with_content_encoding_refused() -> None:
    with pytest.raises(
        ValueError, match="compress can not be set if Content-Encoding header is set"
    ):
        make("POST", data=b"abc", compress=True, headers={"Content-Encoding": "gzip"})


async def test_compress_with_content_length_refused() -> None:
    with pytest.raises(
        ValueError, match="chunked can not be set if Content-Length header is set"
    ):
        make("POST", data=b"abc", compress=True, headers={"Content-Length": "3"})


async def test_empty_body_not_compressed() -> None:
    req = make("POST", compress=True)
    assert req.compress is None
    assert "Content-Encoding" not in req.headers
    assert req.headers["Content-Length"] == "0"


async def test_precompressed_body_with_content_encoding_header() -> None:
    req = make("POST", data=b"zz", headers={"Content-Encoding": "deflate"})
    assert req.compress is None
    assert req.headers["Content-Length"] == "2"


async def test_expect100() -> None:
    req = make("POST", data=b"x", expect100=True)
    assert req.headers["Expect"] == "100-continue"
    assert req._continue is not None
    assert (
        make("POST", data=b"x", headers={"expect": "100-Continue"})._continue
        is not None
    )
    assert make("POST", data=b"x")._continue is None


# -- update_body ------------------------------------------------------------------------


async def test_update_body_reframes() -> None:
    req = make("POST", data=b"abc")
    await req.update_body(b"abcdef")
    assert req.headers.getall("Content-Length") == ["6"]

    async def gen() -> AsyncIterator[bytes]:
        yield b"x"

    await req.update_body(gen())
    assert "Content-Length" not in req.headers
    assert req.headers["Transfer-Encoding"] == "chunked"
    await req.update_body(b"xy")
    assert req.headers["Content-Length"] == "2"
    assert "Transfer-Encoding" not in req.headers
    await req.update_body(None)
    assert req.headers["Content-Length"] == "0"


async def test_body_setter_warns_for_unclosed_resources(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    with path.open("rb") as f:
        req = make("POST", data=f)
        with pytest.warns(ResourceWarning, match="unclosed resources"):
            req.body = b"new"
        assert req.headers["Content-Length"] == "3"


async def test_body_property_without_body_is_empty() -> None:
    req = make()
    assert req.body.size == 0


# -- re-sendable bodies -------------------------------------------------------------------


async def test_seekable_file_body_can_be_written_twice(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"0123456789")
    with path.open("rb") as f:
        f.seek(2)
        req = make("POST", data=f)
        body = req.body
        assert await body.as_bytes() == b"23456789"
        collected = _Collector()
        await body.write_with_length(collected, None)
        await body.write_with_length(collected, None)
        assert collected.data == b"23456789" * 2
        assert not f.closed
        assert not body.consumed
        await body.close()
        assert f.closed


async def test_bytesio_body_can_be_written_twice() -> None:
    buf = io.BytesIO(b"abc")
    body = make("POST", data=buf).body
    collected = _Collector()
    await body.write_with_length(collected, None)
    await body.write_with_length(collected, 2)
    assert collected.data == b"abcab"
    await body.close()


async def test_file_body_closed_when_collected(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    f = path.open("rb")
    req = make("POST", data=f)
    del req
    gc.collect()
    assert f.closed


async def test_async_iterable_body_is_one_shot() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"abc"

    body = make("POST", data=gen()).body
    collected = _Collector()
    await body.write_with_length(collected, None)
    assert body.consumed
    await body.write_with_length(collected, None)
    assert collected.data == b"abc"


# -- TLS, proxy and keys -------------------------------------------------------------------


async def test_ssl_values() -> None:
    assert make().ssl is True
    assert make(ssl=None).ssl is True
    assert make(ssl=False).ssl is False
    ctx = ssl.create_default_context()
    assert make(ssl=ctx).ssl is ctx
    fp = Fingerprint(b"\x00" * 32)
    assert make(ssl=fp).ssl is fp


async def test_bad_ssl_value() -> None:
    with pytest.raises(
        TypeError, match="ssl should be SSLContext, bool, Fingerprint or None"
    ):
        make(ssl="yes")


async def test_proxy_settings() -> None:
    auth = BasicAuth("p", "w")
    req = make(proxy="http://proxy:3128", proxy_auth=auth, proxy_headers={"X-P": "1"})
    assert req.proxy == URL("http://proxy:3128")
    assert req.proxy_auth == auth
    assert req.proxy_headers is not None
    assert req.proxy_headers["x-p"] == "1"
    no_proxy = make(proxy_auth=auth, proxy_headers={"X-P": "1"})
    assert no_proxy.proxy is None
    assert no_proxy.proxy_auth is None
    assert no_proxy.proxy_headers is None


async def test_proxy_auth_must_be_basic_auth() -> None:
    with pytest.raises(ValueError, match="proxy_auth must be None or BasicAuth"):
        make(proxy=URL("http://proxy:3128"), proxy_auth=("a", "b"))


async def test_connection_key() -> None:
    req = make(url="https://example.com:8443/x")
    assert req.connection_key == ConnectionKey(
        "example.com", 8443, True, True, None, None, None
    )
    assert hash(req.connection_key) == hash(
        make(url="https://example.com:8443/y").connection_key
    )
    proxied = make(
        url="http://example.com/",
        proxy=URL("http://proxy:3128"),
        proxy_headers={"A": "1"},
    )
    key = proxied.connection_key
    assert key.proxy == URL("http://proxy:3128")
    assert key.proxy_headers_hash == hash((("A", "1"),))
    assert key != make(url="http://example.com/").connection_key


async def test_request_info() -> None:
    req = make("POST", url="http://example.com/p#f", data=b"x")
    info = req.request_info
    assert isinstance(info, RequestInfo)
    assert info.method == "POST"
    assert info.url == URL("http://example.com/p")
    assert info.headers["Content-Length"] == "1"
    assert isinstance(info.headers, CIMultiDictProxy)


async def test_response_class_default_and_given() -> None:
    class MyResponse(ClientResponse):
        pass

    assert make().response_class is ClientResponse
    assert make(response_class=MyResponse).response_class is MyResponse


async def test_server_hostname() -> None:
    assert make(server_hostname="sni.example").server_hostname == "sni.example"


async def test_repr() -> None:
    assert (
        repr(make("POST", url="http://example.com/a"))
        == "<ClientRequest(POST http://example.com/a)>"
    )


async def test_methods_constants() -> None:
    assert hdrs.METH_GET in ClientRequest.GET_METHODS
    assert hdrs.METH_POST in ClientRequest.POST_METHODS
    assert hdrs.METH_DELETE in ClientRequest.ALL_METHODS


class _Collector(AbstractStreamWriter):
    """A writer that keeps what a payload writes."""

    def __init__(self) -> None:
        self.data = b""

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.data += bytes(chunk)

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.data += chunk

    async def drain(self) -> None:
        pass

    def enable_compression(
        self, encoding: str = "deflate", strategy: int | None = None
    ) -> None:
        pass

    def enable_chunking(self) -> None:
        pass

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        pass
