"""The request a web handler receives (aiohttp.web_request).

``BaseRequest`` wraps what the parser delivered for one request: the head
(a ``RawRequestMessage``) and the body stream. The low-level server hands
it to its handler; ``Request`` is the framework's subclass.

Cost: building a request stores references and nothing else. Values
that take work (the absolute URL, cookies, dates, ...) are ``reify``
properties, computed on first use and kept in ``self._cache``; the URL
parts are plain properties, since yarl already caches them on ``rel_url``.

The body:

* ``read()``, ``text()``, ``json()`` and ``post()`` buffer it, refusing
  (413, :class:`~aiohttp.web.HTTPRequestEntityTooLarge`) a body over
  ``client_max_size`` as soon as its declared Content-Length or its
  received bytes say so; ``multipart()`` and ``content`` stream it.
* ``Expect: 100-continue``: the interim ``100 Continue`` goes out the first
  time the handler asks for the body, if no byte of the response has been
  sent yet and the declared length is acceptable. A handler that answers
  without reading never invites the body at all.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import socket
import sys
import warnings
from collections.abc import Iterator, Mapping, MutableMapping
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, ClassVar, Final, TypeVar, cast, overload

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from . import hdrs
from ._chain_map import ChainMapProxy
from ._etag import ETag
from ._headers_mixin import HeadersMixin
from ._http_chars import is_token
from ._http_dates import parse_http_date
from ._reify import reify
from ._sentinel import _SENTINEL, sentinel
from ._web_forwarded import parse_forwarded
from ._web_keys import RequestKey as RequestKey
from ._web_request_body import (
    MULTIPART_TOO_LARGE,
    FileField,
    FormValue,
    MultipartFormReader,
    parse_urlencoded,
    read_limited,
)
from ._web_request_headers import parse_cookie_header, parse_etag_list, parse_range
from .abc import AbstractStreamWriter
from .http_parser import RawRequestMessage
from .http_writer import HttpVersion, HttpVersion11
from .multipart import MultipartReader
from .streams import EmptyStreamReader, StreamReader
from .typedefs import (
    DEFAULT_JSON_DECODER,
    JSONDecoder,
    LooseHeaders,
    RawHeaders,
    StrOrURL,
)
from .web_exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

if TYPE_CHECKING:
    from .web_app import Application
    from .web_protocol import RequestHandler
    from .web_response import StreamResponse
    from .web_urldispatcher import UrlMappingMatchInfo

__all__ = ("BaseRequest", "FileField", "Request")

_T = TypeVar("_T")

# aiohttp.helpers.DEBUG: development mode or PYTHONASYNCIODEBUG.
_DEBUG: Final = sys.flags.dev_mode or (
    not sys.flags.ignore_environment and bool(os.environ.get("PYTHONASYNCIODEBUG"))
)
_CONTINUE: Final = b"HTTP/1.1 100 Continue\r\n\r\n"
_FORBIDDEN_IN_HEADERS: Final = frozenset("\r\n\x00")


class _Continue:
    """Where a request stands with ``Expect: 100-continue`` (one per request)."""

    UNDECIDED: Final = 0
    NOT_SENT: Final = 1  # not asked for, not needed, or refused
    SENT: Final = 2


class BaseRequest(MutableMapping[str | RequestKey[Any], Any], HeadersMixin):
    """An HTTP request as the low-level server receives it.

    It is also a mutable mapping, for data that middlewares and handlers
    share (``request[KEY] = value``; typed with :class:`RequestKey`).
    Requests compare and hash by identity and are always true.
    """

    #: Methods whose body ``post()`` reads as a form.
    POST_METHODS: ClassVar[frozenset[str]] = frozenset(
        {
            hdrs.METH_PATCH,
            hdrs.METH_POST,
            hdrs.METH_PUT,
            hdrs.METH_TRACE,
            hdrs.METH_DELETE,
        }
    )

    #: The attributes requests set on themselves; with PYTHONASYNCIODEBUG set
    #: (or ``-X dev``), setting any other one warns, as aiohttp does.
    ATTRS: ClassVar[frozenset[str]] = frozenset(
        {
            "_message",
            "_protocol",
            "_payload_writer",
            "_payload",
            "_headers",
            "_method",
            "_version",
            "_rel_url",
            "_post",
            "_read_bytes",
            "_state",
            "_cache",
            "_task",
            "_client_max_size",
            "_loop",
            "_transport",
            "_origin",
            "_continue",
            "_temp_files",
            "_parsed_content_type",
        }
    )

    _cache: dict[str, Any]
    # Class-level defaults: a request sets these only when they change,
    # which keeps making one cheap.
    _post: MultiDictProxy[FormValue] | None = None  # what post() read
    _read_bytes: bytes | None = None  # what read() read
    _origin: BaseRequest | None = None  # the request this one was cloned from
    _continue: int = _Continue.UNDECIDED
    _temp_files: list[IO[bytes]] | None = None  # the files of post()'s uploads

    def __init__(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        payload_writer: AbstractStreamWriter,
        task: asyncio.Task[None],
        loop: asyncio.AbstractEventLoop,
        *,
        client_max_size: int = 1024**2,
        state: dict[str, Any] | dict[str | RequestKey[Any], Any] | None = None,
        scheme: str | None = None,
        host: str | None = None,
        remote: str | None = None,
    ) -> None:
        self._message = message
        self._protocol = protocol
        self._payload_writer = payload_writer
        self._payload = payload
        self._headers: CIMultiDictProxy[str] = message.headers
        self._method = message.method
        self._version = message.version
        self._cache = cache = {}
        url = message.url
        if url.absolute:
            # absolute-form (RFC 9112 section 3.2.2): the target's authority
            # replaces the Host header. The scheme stays the transport's:
            # a client cannot make a plain connection "secure".
            cache["host"] = url.host_port_subcomponent
            url = url.relative()
        self._rel_url = url
        if scheme is not None:
            cache["scheme"] = scheme
        if host is not None:
            cache["host"] = host
        if remote is not None:
            cache["remote"] = remote
        # Shared, not copied: the caller's dict is the request's storage.
        self._state: dict[str | RequestKey[Any], Any] = (
            {} if state is None else state  # type: ignore[assignment]
        )
        self._task = task
        self._client_max_size = client_max_size
        self._loop = loop
        # Kept now: the protocol forgets its transport when the connection
        # closes, and the peer's address must stay readable after that.
        self._transport = protocol.transport

    if _DEBUG:

        def __setattr__(self, name: str, val: Any) -> None:  # noqa: ANN401
            """Warn about attributes aiohttp does not define (debug mode only)."""
            if name not in self.ATTRS:
                warnings.warn(
                    f"Setting custom {type(self).__name__}.{name} attribute "
                    "is discouraged",
                    DeprecationWarning,
                    stacklevel=2,
                )
            super().__setattr__(name, val)

    def clone(
        self,
        *,
        method: str | _SENTINEL = sentinel,
        rel_url: StrOrURL | _SENTINEL = sentinel,
        headers: LooseHeaders | _SENTINEL = sentinel,
        scheme: str | _SENTINEL = sentinel,
        host: str | _SENTINEL = sentinel,
        remote: str | _SENTINEL = sentinel,
        client_max_size: int | _SENTINEL = sentinel,
    ) -> BaseRequest:
        """Return a copy of the request with some attributes replaced.

        The copy shares the body stream, the connection and a copy of the
        mapping's data. ``RuntimeError`` once the body has been read (the
        copy could not read it again); ``ValueError`` for a method that is
        not a token and for CR, LF or NUL in a header, host or scheme.
        """
        if self._read_bytes:
            raise RuntimeError("Cannot clone request after reading its content")
        changes: dict[str, Any] = {}
        if method is not sentinel:
            if not is_token(method):
                raise ValueError(f"Invalid method: {method!r}")
            changes["method"] = method
        if rel_url is not sentinel:
            new_url = URL(rel_url)
            changes["url"] = new_url
            changes["path"] = str(new_url)
        if headers is not sentinel:
            new_headers = CIMultiDictProxy(CIMultiDict(headers))
            for name, value in new_headers.items():
                _check_header_text(name)
                _check_header_text(value)
            changes["headers"] = new_headers
            changes["raw_headers"] = tuple(
                (name.encode("utf-8"), value.encode("utf-8"))
                for name, value in new_headers.items()
            )
        overrides: dict[str, str] = {}
        if scheme is not sentinel:
            overrides["scheme"] = _check_header_text(scheme)
        if host is not sentinel:
            overrides["host"] = _check_header_text(host)
        if remote is not sentinel:
            overrides["remote"] = _check_header_text(remote)
        message = self._message._replace(**changes)
        clone = self.__class__(
            message,
            self._payload,
            self._protocol,
            self._payload_writer,
            self._task,
            self._loop,
            client_max_size=(
                self._client_max_size
                if client_max_size is sentinel
                else client_max_size
            ),
            state=self._state.copy(),
            **overrides,
        )
        # One connection, one body: the 100 Continue and the temporary
        # files of forms are the first request's business.
        clone._origin = self._origin or self
        clone._transport = self._transport
        return clone

    # -- the head ----------------------------------------------------------------

    @property
    def task(self) -> asyncio.Task[None]:
        """The task that serves this request."""
        return self._task

    @property
    def protocol(self) -> RequestHandler:
        """The connection's protocol (a ``RequestHandler``)."""
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport, or ``None`` once it is closed."""
        return self._protocol.transport

    @property
    def writer(self) -> AbstractStreamWriter:
        """The writer the response is sent through."""
        return self._payload_writer

    @property
    def client_max_size(self) -> int:
        """The most body bytes ``read()`` and ``post()`` accept (0: no limit)."""
        return self._client_max_size

    @reify
    def message(self) -> RawRequestMessage:
        """The parsed head (deprecated: use the request's own properties)."""
        # stacklevel 3: past reify's __get__, to the code that asked.
        warnings.warn("Request.message is deprecated", DeprecationWarning, stacklevel=3)
        return self._message

    @reify
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop serving the request (deprecated)."""
        warnings.warn(
            "request.loop property is deprecated", DeprecationWarning, stacklevel=3
        )
        return self._loop

    @property
    def version(self) -> HttpVersion:
        """The HTTP version, e.g. ``HttpVersion(major=1, minor=1)``."""
        return self._version

    @property
    def method(self) -> str:
        """The request method, e.g. ``"GET"``."""
        return self._method

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The request headers (case-insensitive, read-only)."""
        return self._headers

    @property
    def raw_headers(self) -> RawHeaders:
        """The headers as received: ``(name, value)`` pairs of bytes."""
        return self._message.raw_headers

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept open after this request."""
        return not self._message.should_close

    @property
    def rel_url(self) -> URL:
        """The URL without scheme and host: path, query and fragment."""
        return self._rel_url

    @reify
    def scheme(self) -> str:
        """``"https"`` on a TLS connection, else ``"http"`` (or the clone's value)."""
        transport = self._transport
        if transport is not None and transport.get_extra_info("sslcontext"):
            return "https"
        return "http"

    @property
    def secure(self) -> bool:
        """Whether ``scheme`` is ``"https"``."""
        return self.scheme == "https"

    @reify
    def host(self) -> str:
        """The Host header (or the clone's value), else this machine's name."""
        host = self._headers.get(hdrs.HOST)
        if host is not None:
            return host
        return socket.getfqdn()

    @reify
    def remote(self) -> str | None:
        """The client's IP address (a socket path, often ``""``, on Unix sockets).

        ``None`` when the transport does not know its peer.
        """
        transport = self._transport
        if transport is None:
            return None
        peername = transport.get_extra_info("peername")
        if isinstance(peername, (list, tuple)):
            return str(peername[0])
        if isinstance(peername, bytes):
            return peername.decode("utf-8", "surrogateescape")
        return cast("str | None", peername)

    @reify
    def url(self) -> URL:
        """The absolute URL: scheme and host joined with ``rel_url``.

        ``ValueError`` when the host is not a valid authority.
        """
        return URL.build(scheme=self.scheme, authority=self.host).join(self._rel_url)

    @property
    def path(self) -> str:
        """The path, percent-decoded, e.g. ``/app/blog``."""
        return self._rel_url.path

    @property
    def path_qs(self) -> str:
        """The path and query string, e.g. ``/app/blog?id=10``."""
        return str(self._rel_url)

    @property
    def raw_path(self) -> str:
        """The request target as sent: still percent-encoded, query included."""
        return self._message.path

    @property
    def query(self) -> MultiDictProxy[str]:
        """The query string's parameters."""
        return self._rel_url.query

    @property
    def query_string(self) -> str:
        """The query string, decoded, e.g. ``id=10``."""
        return self._rel_url.query_string

    @reify
    def forwarded(self) -> tuple[MappingProxyType[str, str], ...]:
        """The Forwarded headers (RFC 7239): one mapping per proxy, client side first.

        Names are lower-cased and quoted values unescaped; the values are
        not validated. Malformed parts are skipped, never raised about.
        """
        return parse_forwarded(self._headers.getall(hdrs.FORWARDED, ()))

    @reify
    def cookies(self) -> Mapping[str, str]:
        """The cookies the client sent, ``{name: value}`` (read-only)."""
        raw = self._headers.get(hdrs.COOKIE, "")
        return MappingProxyType(parse_cookie_header(raw) if raw else {})

    @reify
    def http_range(self) -> slice:
        """The Range header as a slice of the representation's bytes.

        ``slice(None, None, 1)`` without the header; ``ValueError`` for a
        range that is malformed or unsatisfiable by any representation.
        """
        return parse_range(self._headers.get(hdrs.RANGE))

    @reify
    def if_modified_since(self) -> datetime.datetime | None:
        """The If-Modified-Since date, or ``None`` (absent or invalid)."""
        return parse_http_date(self._headers.get(hdrs.IF_MODIFIED_SINCE))

    @reify
    def if_unmodified_since(self) -> datetime.datetime | None:
        """The If-Unmodified-Since date, or ``None`` (absent or invalid)."""
        return parse_http_date(self._headers.get(hdrs.IF_UNMODIFIED_SINCE))

    @reify
    def if_range(self) -> datetime.datetime | None:
        """The If-Range date, or ``None`` (absent, invalid, or an entity-tag)."""
        return parse_http_date(self._headers.get(hdrs.IF_RANGE))

    @reify
    def if_match(self) -> tuple[ETag, ...] | None:
        """The If-Match entity-tags, or ``None`` without the header."""
        return parse_etag_list(self._headers.get(hdrs.IF_MATCH))

    @reify
    def if_none_match(self) -> tuple[ETag, ...] | None:
        """The If-None-Match entity-tags, or ``None`` without the header."""
        return parse_etag_list(self._headers.get(hdrs.IF_NONE_MATCH))

    def get_extra_info(self, name: str, default: Any = None) -> Any:  # noqa: ANN401
        """Read ``name`` from the transport's extra information, else ``default``."""
        transport = self._protocol.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    # -- the body -------------------------------------------------------------

    @property
    def content(self) -> StreamReader:
        """The body stream, for reading it piece by piece."""
        self._body_requested()
        return self._payload

    @property
    def body_exists(self) -> bool:
        """Whether the request has a body at all (it may be read already)."""
        return type(self._payload) is not EmptyStreamReader

    @property
    def can_read_body(self) -> bool:
        """Whether some of the body is still to be read."""
        return not self._payload.at_eof()

    @property
    def has_body(self) -> bool:
        """Whether some of the body is still to be read (deprecated)."""
        warnings.warn(
            "Deprecated, use .can_read_body #2005", DeprecationWarning, stacklevel=2
        )
        return not self._payload.at_eof()

    async def read(self) -> bytes:
        """Read the whole body; later calls return the same bytes.

        :exc:`HTTPRequestEntityTooLarge` for a body over ``client_max_size``.
        """
        if self._read_bytes is None:
            self._check_declared_size()
            self._body_requested()
            self._read_bytes = await read_limited(self._payload, self._client_max_size)
        return self._read_bytes

    async def text(self) -> str:
        """Read the body as text, in the Content-Type's charset or UTF-8."""
        body = await self.read()
        return body.decode(self.charset or "utf-8")

    async def json(
        self,
        *,
        loads: JSONDecoder = DEFAULT_JSON_DECODER,
        content_type: str | None = None,
    ) -> Any:  # noqa: ANN401 - whatever the JSON holds
        """Read the body as JSON, decoded with ``loads``.

        As in aiohttp 3.x the Content-Type is not checked by default; with
        ``content_type`` (e.g. ``"application/json"``, which also admits
        ``application/*+json``) a body of another type raises
        :exc:`HTTPBadRequest` before it is read.
        """
        if content_type is not None and not _is_expected_type(
            self.content_type, content_type
        ):
            raise HTTPBadRequest(
                text=f"Attempt to decode JSON with unexpected mimetype: "
                f"{self.content_type}"
            )
        return loads(await self.text())

    async def multipart(self) -> MultipartReader:
        """A reader for a ``multipart/*`` body, part by part (nothing is kept).

        This is the way to stream large uploads, so, as in aiohttp,
        ``client_max_size`` does not apply: the handler reads what it wants
        and decides. ``post()`` is limited.
        """
        self._body_requested()
        return MultipartReader(self._headers, self._payload)

    def _limited_multipart(self) -> MultipartReader:
        self._check_declared_size()
        self._body_requested()
        return MultipartReader(
            self._headers,
            self._payload,
            client_max_size=self._client_max_size or sys.maxsize,
            max_size_error_cls=MULTIPART_TOO_LARGE,
        )

    async def post(self) -> MultiDictProxy[str | bytes | FileField]:
        """Read a form body; later calls return the same fields.

        For POST, PUT, PATCH, TRACE and DELETE with an
        ``application/x-www-form-urlencoded`` or ``multipart/form-data``
        body; anything else gives an empty mapping. Text fields are
        ``str`` (decoded with the part's charset, the form's ``_charset_``
        or UTF-8), other fields ``bytes``, files :class:`FileField`.
        """
        if self._post is not None:
            return self._post
        out: MultiDict[FormValue] = MultiDict()
        if self._method in self.POST_METHODS:
            content_type = self.content_type
            if content_type == "multipart/form-data":
                reader = self._limited_multipart()
                form = MultipartFormReader(self._loop, self._track_temp_file)
                try:
                    await form.read(reader, out)
                except BaseException:
                    self._close_temp_files()
                    raise
            elif content_type in ("", "application/x-www-form-urlencoded"):
                data = await self.read()
                parse_urlencoded(data, self.charset or "utf-8", out)
        self._post = MultiDictProxy(out)
        return self._post

    async def release(self) -> None:
        """Read and drop what is left of the body."""
        payload = self._payload
        while not payload.at_eof():
            await payload.readany()

    # -- for the server ---------------------------------------------------------

    @property
    def _continue_sent(self) -> bool:
        """Whether a ``100 Continue`` went out for this request (or its clones)."""
        return (self._origin or self)._continue == _Continue.SENT

    def _check_declared_size(self) -> None:
        """Refuse (413) a body whose Content-Length is over the limit."""
        declared = self._declared_too_large()
        if declared is not None:
            raise HTTPRequestEntityTooLarge(
                max_size=self._client_max_size, actual_size=declared
            )

    def _declared_too_large(self) -> int | None:
        """The declared Content-Length if it is over ``client_max_size``."""
        limit = self._client_max_size  # 0: no limit
        declared = self._declared_length()
        if limit and declared is not None and declared > limit:
            return declared
        return None

    def _declared_length(self) -> int | None:
        try:
            return self.content_length
        except ValueError:  # a clone's own headers; the parser checked ours
            return None

    def _body_requested(self) -> None:
        """Answer ``Expect: 100-continue`` the first time the body is wanted."""
        origin = self._origin or self
        if origin._continue != _Continue.UNDECIDED:
            return
        origin._continue = _Continue.NOT_SENT
        expect = self._headers.get(hdrs.EXPECT)
        if (
            expect is None
            or expect.lower() != "100-continue"
            or self._version < HttpVersion11  # RFC 9110 10.1.1: ignore it for 1.0
            or self._payload.is_eof()
            or self._payload_writer.output_size
        ):
            return
        if self._declared_too_large() is not None:
            return
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            return
        transport.write(_CONTINUE)
        origin._continue = _Continue.SENT

    def _expectation_answered(self) -> None:
        """A route's expect handler let the request through.

        A custom one sends ``100 Continue`` itself (the manual says it
        must, with ``transport.write``), so none may follow from here.
        """
        origin = self._origin or self
        if origin._continue == _Continue.UNDECIDED:
            origin._continue = _Continue.SENT

    def _track_temp_file(self, file: IO[bytes]) -> None:
        origin = self._origin or self
        if origin._temp_files is None:
            origin._temp_files = []
        origin._temp_files.append(file)

    def _close_temp_files(self) -> None:
        origin = self._origin or self
        files, origin._temp_files = origin._temp_files, None
        for file in files or ():
            file.close()

    def _has_prepare_hook(self) -> bool:
        """Whether ``_prepare_hook`` does anything (the server skips it if not)."""
        return False

    async def _prepare_hook(self, response: StreamResponse) -> None:
        """Called by ``response.prepare()``; the framework's request adds signals."""

    def _cancel(self, exc: BaseException) -> None:
        """The connection is lost: wake a reader waiting for the body with ``exc``."""
        self._payload.set_exception(exc)

    def _finish(self) -> None:
        """The response is done: close the temporary files of ``post()``."""
        if self._temp_files is not None or self._origin is not None:
            self._close_temp_files()

    # -- mapping, identity, repr -------------------------------------------------

    @overload
    def __getitem__(self, key: RequestKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...  # noqa: ANN401

    def __getitem__(self, key: str | RequestKey[_T]) -> Any:
        """The value stored under ``key``."""
        return self._state[key]

    @overload
    def __setitem__(self, key: RequestKey[_T], value: _T) -> None: ...

    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...  # noqa: ANN401

    def __setitem__(self, key: str | RequestKey[_T], value: Any) -> None:
        """Store ``value`` under ``key``."""
        self._state[key] = value

    def __delitem__(self, key: str | RequestKey[Any]) -> None:
        """Remove ``key``."""
        del self._state[key]

    def __len__(self) -> int:
        """How many keys are stored."""
        return len(self._state)

    def __iter__(self) -> Iterator[str | RequestKey[Any]]:
        """Iterate over the stored keys."""
        return iter(self._state)

    @overload  # type: ignore[override]
    def get(self, key: RequestKey[_T], default: None = None) -> _T | None: ...

    @overload
    def get(self, key: RequestKey[_T], default: _T) -> _T: ...

    @overload
    def get(self, key: str, default: Any = None) -> Any: ...  # noqa: ANN401

    def get(self, key: str | RequestKey[Any], default: Any = None) -> Any:
        """The value stored under ``key``, else ``default``."""
        return self._state.get(key, default)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        path = self.path.encode("ascii", "backslashreplace").decode("ascii")
        return f"<{type(self).__name__} {self._method} {path} >"


class Request(BaseRequest):
    """The request a handler of the web framework receives.

    The application fills in ``match_info`` when it routes the request;
    ``app`` and ``config_dict`` follow from it.
    """

    ATTRS: ClassVar[frozenset[str]] = BaseRequest.ATTRS | {"_match_info"}

    _match_info: UrlMappingMatchInfo | None = None

    @property
    def match_info(self) -> UrlMappingMatchInfo:
        """The result of routing this request: the path's variables and more.

        ``None`` before the application has routed the request (aiohttp's
        behaviour, typed as aiohttp types it).
        """
        return self._match_info  # type: ignore[return-value]

    @property
    def app(self) -> Application:
        """The application whose handler (or middleware) runs now."""
        app: Application = self.match_info.current_app
        return app

    @property
    def config_dict(self) -> ChainMapProxy:
        """The state of ``app`` and then of each application around it."""
        match_info = self.match_info
        assert match_info is not None, "the request has not been routed yet"
        apps = match_info.apps
        current = match_info.current_app
        # From the current application outwards.
        index = apps.index(current)
        return ChainMapProxy(apps[index::-1])

    def _has_prepare_hook(self) -> bool:
        match_info = self._match_info
        if match_info is None:
            return False
        # Asked for every response: no generator, no tuple of the apps.
        for app in match_info._apps:  # noqa: SIM110 - any() costs a generator
            if app._on_response_prepare:
                return True
        return False

    async def _prepare_hook(self, response: StreamResponse) -> None:
        """Send ``on_response_prepare`` of every application, outermost first."""
        match_info = self._match_info
        if match_info is None:
            return
        for app in match_info.apps:
            await app.on_response_prepare.send(self, response)

    def clone(
        self,
        *,
        method: str | _SENTINEL = sentinel,
        rel_url: StrOrURL | _SENTINEL = sentinel,
        headers: LooseHeaders | _SENTINEL = sentinel,
        scheme: str | _SENTINEL = sentinel,
        host: str | _SENTINEL = sentinel,
        remote: str | _SENTINEL = sentinel,
        client_max_size: int | _SENTINEL = sentinel,
    ) -> Request:
        """Return a copy with some attributes replaced; ``match_info`` is kept."""
        clone = super().clone(
            method=method,
            rel_url=rel_url,
            headers=headers,
            scheme=scheme,
            host=host,
            remote=remote,
            client_max_size=client_max_size,
        )
        assert isinstance(clone, Request)
        clone._match_info = self._match_info
        return clone


def _check_header_text(value: str) -> str:
    if not _FORBIDDEN_IN_HEADERS.isdisjoint(value):
        raise ValueError(f"CR, LF or NUL in {value!r}")
    return value


def _is_expected_type(actual: str, expected: str) -> bool:
    if expected == "application/json":
        kind, _, subtype = actual.partition("/")
        return kind == "application" and (
            subtype == "json" or subtype.endswith("+json")
        )
    return actual == expected.lower()
