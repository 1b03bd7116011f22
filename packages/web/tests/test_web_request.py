"""aiohttp.web_request: the request's head, its mapping and its clones.

Requests are made from raw bytes by a real parser on a real connection
(``web_request_harness``); the body tests are in test_web_request_body.py.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import os
import socket
import subprocess
import sys
import warnings
from types import MappingProxyType

import pytest
from multidict import CIMultiDict, CIMultiDictProxy, MultiDictProxy
from web_request_harness import Connection, bounded, connection
from yarl import URL

from aiohttp import web_request
from aiohttp._etag import ETag
from aiohttp._web_keys import RequestKey
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_writer import HttpVersion10, HttpVersion11, StreamWriter
from aiohttp.streams import StreamReader
from aiohttp.web_request import BaseRequest, FileField, Request

GET = b"GET /path HTTP/1.1\r\nHost: example.com\r\n\r\n"


def head(
    target: str = "/", *headers: str, method: str = "GET", version: str = "1.1"
) -> bytes:
    lines = [f"{method} {target} HTTP/{version}", *headers, "", ""]
    return "\r\n".join(lines).encode()


def test_exports() -> None:
    assert web_request.__all__ == ("BaseRequest", "FileField", "Request")
    assert issubclass(Request, BaseRequest)


# -- the head ------------------------------------------------------------------------


async def test_method_version_headers() -> None:
    async with connection() as conn:
        request = conn.request(
            head("/", "Host: example.com", "X-One: 1", "x-one: 2", method="PATCH")
        )
        assert request.method == "PATCH"
        assert request.version == HttpVersion11
        assert isinstance(request.headers, CIMultiDictProxy)
        assert request.headers.getall("X-ONE") == ["1", "2"]
        assert request.raw_headers == (
            (b"Host", b"example.com"),
            (b"X-One", b"1"),
            (b"x-one", b"2"),
        )


@pytest.mark.parametrize(
    ("version", "headers", "keep_alive"),
    [
        ("1.1", (), True),
        ("1.1", ("Connection: close",), False),
        ("1.0", (), False),
        ("1.0", ("Connection: keep-alive",), True),
    ],
)
async def test_keep_alive(
    version: str, headers: tuple[str, ...], keep_alive: bool
) -> None:
    async with connection() as conn:
        request = conn.request(head("/", "Host: h", *headers, version=version))
        assert request.keep_alive is keep_alive


async def test_http10_version() -> None:
    async with connection() as conn:
        request = conn.request(head("/", version="1.0"))
        assert request.version == HttpVersion10


async def test_url_parts() -> None:
    async with connection() as conn:
        request = conn.request(
            head("/caf%C3%A9/a%2Fb?x=1&y=%20two&x=3", "Host: example.com:8080")
        )
        assert request.rel_url == URL("/caf%C3%A9/a%2Fb?x=1&y=%20two&x=3")
        assert request.path == "/café/a/b"
        assert request.raw_path == "/caf%C3%A9/a%2Fb?x=1&y=%20two&x=3"
        assert request.path_qs == "/caf%C3%A9/a%2Fb?x=1&y=%20two&x=3"
        assert request.query_string == "x=1&y= two&x=3"
        assert isinstance(request.query, MultiDictProxy)
        assert request.query.getall("x") == ["1", "3"]
        assert request.query["y"] == " two"
        assert request.url == URL(
            "http://example.com:8080/caf%C3%A9/a%2Fb?x=1&y=%20two&x=3"
        )
        assert request.url.host == "example.com"
        assert request.url.port == 8080


async def test_url_with_double_slash_path_stays_on_the_host() -> None:
    async with connection() as conn:
        request = conn.request(head("//evil.example/x?y=1", "Host: good.example"))
        assert request.path == "//evil.example/x"
        assert request.url.host == "good.example"
        assert request.url.path == "//evil.example/x"


async def test_host_from_header() -> None:
    async with connection() as conn:
        request = conn.request(head("/", "Host: example.com:81"))
        assert request.host == "example.com:81"


async def test_host_without_header_is_this_machine() -> None:
    async with connection() as conn:
        request = conn.request(head("/", version="1.0"))
        assert request.host == socket.getfqdn()


async def test_absolute_form_target_gives_the_host_but_not_the_scheme() -> None:
    # RFC 9112 section 3.2.2: the target's authority replaces Host.
    async with connection() as conn:
        request = conn.request(head("https://target.example:8443/p?q=1", "Host: other"))
        assert request.host == "target.example:8443"
        assert request.rel_url == URL("/p?q=1")
        assert request.path == "/p"
        assert request.query_string == "q=1"
        # The connection is plain: the client's word does not make it TLS.
        assert request.scheme == "http"
        assert request.secure is False
        assert request.url == URL("http://target.example:8443/p?q=1")


async def test_scheme_of_a_plain_connection() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        assert request.scheme == "http"
        assert request.secure is False
        assert request.url.scheme == "http"


async def test_remote_and_transport() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        assert request.remote == "127.0.0.1"
        assert request.transport is conn.transport
        assert request.get_extra_info("peername") == conn.peer.getsockname()
        assert request.get_extra_info("no such thing", "dflt") == "dflt"
        assert request.protocol is conn.protocol
        assert request.writer is request._payload_writer


async def test_remote_survives_the_connection() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        conn.transport.close()
        await asyncio.sleep(0)
        assert request.transport is None
        assert request.get_extra_info("peername", "gone") == "gone"
        assert request.remote == "127.0.0.1"
        assert request.scheme == "http"
        assert request.clone().remote == "127.0.0.1"


async def test_remote_of_a_unix_socket() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    protocol = BaseProtocol(loop)
    transport, _ = await loop.connect_accepted_socket(lambda: protocol, ours)
    try:
        conn = Connection(loop, protocol, transport, theirs)
        request = conn.request(GET)
        assert request.remote == ""
    finally:
        transport.close()
        theirs.close()
        await asyncio.sleep(0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract sockets")
async def test_remote_of_a_unix_socket_with_an_abstract_name() -> None:
    loop = asyncio.get_running_loop()
    name = f"aiotide-{os.getpid()}-{id(loop)}".encode()
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(b"\0server-" + name)
        listener.listen()
        theirs = socket.socket(socket.AF_UNIX)
        theirs.bind(b"\0client-" + name)
        theirs.connect(b"\0server-" + name)
        ours, _ = listener.accept()
    protocol = BaseProtocol(loop)
    transport, _ = await loop.connect_accepted_socket(lambda: protocol, ours)
    try:
        request = Connection(loop, protocol, transport, theirs).request(GET)
        assert request.remote == "\0client-" + name.decode()
    finally:
        transport.close()
        theirs.close()
        await asyncio.sleep(0)


async def test_without_a_transport() -> None:
    async with connection() as conn:
        messages, _, _ = conn.parser.feed_data(GET)
        message, payload = messages[0]
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        unconnected = BaseProtocol(loop)
        request = BaseRequest(
            message,
            payload,
            unconnected,  # type: ignore[arg-type]
            StreamWriter(unconnected, loop),
            task,
            loop,
        )
        assert request.transport is None
        assert request.remote is None
        assert request.scheme == "http"
        assert request.get_extra_info("peername", "none") == "none"


async def test_task_and_deprecated_loop_and_message() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        assert request.task is asyncio.current_task()
        with pytest.warns(
            DeprecationWarning, match="request.loop property is deprecated"
        ):
            assert request.loop is asyncio.get_running_loop()
        with pytest.warns(DeprecationWarning, match="Request.message is deprecated"):
            message = request.message
        assert message.method == "GET"


async def test_content_headers() -> None:
    async with connection() as conn:
        request = conn.request(
            head(
                "/",
                "Host: h",
                "Content-Type: text/HTML; Charset=ISO-8859-1",
                "Content-Length: 0",
                method="POST",
            )
        )
        assert request.content_type == "text/html"
        assert request.charset == "ISO-8859-1"
        assert request.content_length == 0


async def test_content_headers_absent() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        assert request.content_type == "application/octet-stream"
        assert request.charset is None
        assert request.content_length is None


async def test_client_max_size() -> None:
    async with connection() as conn:
        assert conn.request(GET).client_max_size == 1024**2
        assert conn.request(GET, client_max_size=10).client_max_size == 10


# -- header properties ---------------------------------------------------------------


async def test_cookies() -> None:
    async with connection() as conn:
        request = conn.request(
            head(
                "/", "Host: h", 'Cookie: a=1; b="two words"; bad; {x}=3', "Cookie: c=4"
            )
        )
        assert isinstance(request.cookies, MappingProxyType)
        # Several Cookie lines are not combined (RFC 6265 allows only one).
        assert dict(request.cookies) == {"a": "1", "b": "two words", "{x}": "3"}


async def test_no_cookies() -> None:
    async with connection() as conn:
        assert dict(conn.request(GET).cookies) == {}


async def test_forwarded() -> None:
    async with connection() as conn:
        request = conn.request(
            head(
                "/",
                "Host: h",
                'Forwarded: for="_a";by=b, for=c',
                "Forwarded: garbage here, Proto=HTTPS",
            )
        )
        assert [dict(element) for element in request.forwarded] == [
            {"for": "_a", "by": "b"},
            {"for": "c"},
            {},
            {"proto": "HTTPS"},
        ]
        # Forwarded is informational: it changes nothing else.
        assert request.scheme == "http"
        assert request.host == "h"


async def test_no_forwarded() -> None:
    async with connection() as conn:
        assert conn.request(GET).forwarded == ()


async def test_http_range() -> None:
    async with connection() as conn:
        assert conn.request(GET).http_range == slice(None, None, 1)
        assert conn.request(
            head("/", "Host: h", "Range: bytes=2-4")
        ).http_range == slice(2, 5, 1)
        assert conn.request(
            head("/", "Host: h", "Range: bytes=-4")
        ).http_range == slice(-4, None, 1)
        request = conn.request(head("/", "Host: h", "Range: bytes=4-2"))
        with pytest.raises(ValueError, match="start cannot be after end"):
            request.http_range  # noqa: B018
        request = conn.request(head("/", "Host: h", "Range: bytes=0-1, 3-4"))
        with pytest.raises(ValueError, match="range not in acceptable format"):
            request.http_range  # noqa: B018


async def test_conditional_dates() -> None:
    date = "Sun, 06 Nov 1994 08:49:37 GMT"
    expected = datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.timezone.utc)
    async with connection() as conn:
        request = conn.request(
            head(
                "/",
                "Host: h",
                f"If-Modified-Since: {date}",
                "If-Unmodified-Since: Sunday, 06-Nov-94 08:49:37 GMT",
                "If-Range: Sun Nov  6 08:49:37 1994",
            )
        )
        assert request.if_modified_since == expected
        assert request.if_unmodified_since == expected
        assert request.if_range == expected


async def test_conditional_dates_absent_or_invalid() -> None:
    async with connection() as conn:
        request = conn.request(
            head("/", "Host: h", "If-Modified-Since: yesterday", 'If-Range: "etag"')
        )
        assert request.if_modified_since is None
        assert request.if_unmodified_since is None
        assert request.if_range is None


async def test_if_match_and_if_none_match() -> None:
    async with connection() as conn:
        request = conn.request(
            head("/", "Host: h", 'If-Match: "a", W/"b"', "If-None-Match: *")
        )
        assert request.if_match == (ETag("a"), ETag("b", is_weak=True))
        assert request.if_none_match == (ETag("*"),)
        assert conn.request(GET).if_match is None
        assert conn.request(GET).if_none_match is None


# -- mapping, identity, repr ---------------------------------------------------------


async def test_mapping() -> None:
    user_key = RequestKey("user", str)
    async with connection() as conn:
        request = conn.request(GET)
        assert len(request) == 0
        assert bool(request) is True
        request["a"] = 1
        request[user_key] = "alice"
        assert request["a"] == 1
        assert request[user_key] == "alice"
        assert request.get(user_key) == "alice"
        assert request.get("missing") is None
        assert request.get("missing", 5) == 5
        assert set(request) == {"a", user_key}
        assert len(request) == 2
        del request["a"]
        assert "a" not in request
        with pytest.raises(KeyError):
            request["a"]


async def test_state_given_to_the_constructor() -> None:
    async with connection() as conn:
        state = {"x": 1}
        request = conn.request(GET, state=state)
        assert request["x"] == 1
        request["y"] = 2
        assert state == {"x": 1, "y": 2}


async def test_identity() -> None:
    async with connection() as conn:
        first = conn.request(GET)
        second = conn.request(GET)
        assert first == first  # noqa: PLR0124 - identity is the point
        assert first != second
        assert len({first, second, first}) == 2
        assert hash(first) != hash(second)


async def test_repr() -> None:
    async with connection() as conn:
        assert repr(conn.request(GET)) == "<BaseRequest GET /path >"
        request = conn.request(head("/caf%C3%A9", "Host: h"), cls=Request)
        assert repr(request) == "<Request GET /caf\\xe9 >"


async def test_request_match_info_defaults_to_none() -> None:
    async with connection() as conn:
        assert conn.request(GET, cls=Request).match_info is None


# -- clone ---------------------------------------------------------------------------


async def test_clone_without_changes_is_an_equal_copy() -> None:
    async with connection() as conn:
        request = conn.request(head("/p?q=1", "Host: h", "X: y"))
        request["k"] = "v"
        clone = request.clone()
        assert clone is not request
        assert type(clone) is BaseRequest
        assert clone.method == "GET"
        assert clone.rel_url == request.rel_url
        assert clone.headers == request.headers
        assert clone.host == "h"
        assert clone.remote == "127.0.0.1"
        assert clone["k"] == "v"
        assert clone.content is request.content
        assert clone.task is request.task
        assert clone.client_max_size == request.client_max_size
        # The mapping is copied, not shared.
        clone["k"] = "changed"
        assert request["k"] == "v"


async def test_clone_replaces_method_url_and_headers() -> None:
    async with connection() as conn:
        request = conn.request(head("/old?a=1", "Host: h", "Cookie: a=1"))
        clone = request.clone(
            method="POST",
            rel_url="/new/path?b=2",
            headers=CIMultiDict({"Host": "other", "Cookie": "b=2"}),
        )
        assert clone.method == "POST"
        assert clone.path == "/new/path"
        assert clone.raw_path == "/new/path?b=2"
        assert clone.query_string == "b=2"
        assert clone.host == "other"
        assert dict(clone.cookies) == {"b": "2"}
        assert clone.raw_headers == ((b"Host", b"other"), (b"Cookie", b"b=2"))
        assert clone.url == URL("http://other/new/path?b=2")
        # The original is untouched.
        assert request.method == "GET"
        assert request.path == "/old"
        assert dict(request.cookies) == {"a": "1"}


async def test_clone_with_an_absolute_url() -> None:
    async with connection() as conn:
        clone = conn.request(GET).clone(rel_url=URL("http://elsewhere:81/x"))
        assert clone.host == "elsewhere:81"
        assert clone.rel_url == URL("/x")


async def test_clone_overrides_scheme_host_remote_and_size() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        clone = request.clone(
            scheme="https", host="proxy.example", remote="10.0.0.1", client_max_size=5
        )
        assert clone.scheme == "https"
        assert clone.secure is True
        assert clone.host == "proxy.example"
        assert clone.remote == "10.0.0.1"
        assert clone.client_max_size == 5
        assert clone.url == URL("https://proxy.example/path")
        assert request.scheme == "http"
        assert request.host == "example.com"
        assert request.remote == "127.0.0.1"


async def test_clone_of_a_clone_keeps_overrides_it_does_not_replace() -> None:
    async with connection() as conn:
        first = conn.request(GET).clone(host="one")
        second = first.clone(remote="1.2.3.4")
        assert second.remote == "1.2.3.4"
        # Overrides are seeded per clone: host comes from the Host header again.
        assert second.host == "example.com"


async def test_request_clone_keeps_match_info() -> None:
    async with connection() as conn:
        request = conn.request(GET, cls=Request)
        request._match_info = {"name": "x"}  # type: ignore[assignment]
        clone = request.clone(method="HEAD")
        assert type(clone) is Request
        assert clone.match_info == {"name": "x"}


async def test_clone_after_read_raises() -> None:
    async with connection() as conn:
        request = conn.request(
            head("/", "Host: h", "Content-Length: 3", method="POST") + b"abc"
        )
        assert await request.read() == b"abc"
        with pytest.raises(RuntimeError, match="Cannot clone request after reading"):
            request.clone()


@pytest.mark.parametrize(
    "changes",
    [
        {"method": "GET\r\nX: y"},
        {"method": "G ET"},
        {"method": ""},
        {"headers": {"X": "a\r\nInjected: 1"}},
        {"headers": {"X\n": "a"}},
        {"headers": {"X": "a\x00"}},
        {"host": "h\r\n"},
        {"scheme": "https\n"},
        {"remote": "1.2.3.4\x00"},
    ],
)
async def test_clone_refuses_header_injection(changes: dict[str, object]) -> None:
    async with connection() as conn:
        request = conn.request(GET)
        with pytest.raises(ValueError, match=r"Invalid method|CR, LF or NUL"):
            request.clone(**changes)  # type: ignore[arg-type]


# -- debug mode ------------------------------------------------------------------------


def test_custom_attributes_warn_in_debug_mode() -> None:
    # aiohttp warns only with PYTHONASYNCIODEBUG (or -X dev): run a child.
    code = """
import asyncio, warnings
from web_request_harness import connection

async def main():
    async with connection() as conn:
        request = conn.request(b"POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1\\r\\n\\r\\nx")
        request.clone(method="PUT").content_type
        await request.read()
        await request.post()
        request._finish()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            request.custom = 1
        assert [str(w.message) for w in caught] == [
            "Setting custom BaseRequest.custom attribute is discouraged"
        ], caught
        assert caught[0].category is DeprecationWarning
        assert caught[0].filename == "<string>"

warnings.simplefilter("error")
asyncio.run(main())
print("ok")
"""
    env = dict(os.environ, PYTHONASYNCIODEBUG="1")
    tests = os.path.dirname(__file__)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [tests, env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


async def test_no_warning_for_own_attributes() -> None:
    async with connection() as conn:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            request = conn.request(
                head(
                    "/",
                    "Host: h",
                    "Content-Type: text/plain",
                    "Content-Length: 1",
                    method="POST",
                )
                + b"x"
            )
            request.content_type  # noqa: B018
            await request.post()
            await request.read()
            request._finish()


# -- server hooks ----------------------------------------------------------------------


async def test_prepare_hook_does_nothing() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        assert await request._prepare_hook(None) is None  # type: ignore[func-returns-value, arg-type]


async def test_cancel_wakes_a_reader_waiting_for_the_body() -> None:
    async with connection() as conn:
        request = conn.request(
            head("/", "Host: h", "Content-Length: 10", method="POST")
        )
        reader = asyncio.ensure_future(request.read())
        await asyncio.sleep(0)
        assert not reader.done()
        request._cancel(ConnectionResetError("Connection lost"))
        async with bounded():
            with pytest.raises(ConnectionResetError, match="Connection lost"):
                await reader


async def test_cancel_of_a_bodyless_request_is_harmless() -> None:
    async with connection() as conn:
        request = conn.request(GET)
        request._cancel(ConnectionResetError())
        assert await request.read() == b""
        assert isinstance(request.content, StreamReader)


def test_file_field_shape() -> None:
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "text/plain"}))
    field = FileField("f", "a.txt", io.BytesIO(b"x"), "text/plain", headers)
    assert (field.name, field.filename, field.content_type) == (
        "f",
        "a.txt",
        "text/plain",
    )
    assert field.file.read() == b"x"
    assert field.headers is headers
    with pytest.raises(AttributeError):
        field.name = "g"  # type: ignore[misc]
