"""Mock factories for handler unit tests (part of aiohttp.test_utils).

:func:`make_mocked_request` builds a real :class:`aiohttp.web.Request`
(real head, headers, URL, match info and application) around the parts
that only exist on a live connection: the protocol, the transport, the
payload writer and the handler's task are :class:`unittest.mock.Mock`
objects, as in aiohttp. Prefer a real server (``TestServer`` and
``TestClient``); these are for conditions a real connection cannot easily
produce.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any
from unittest import mock

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import hdrs
from .helpers import sentinel
from .http_parser import RawRequestMessage
from .http_writer import HttpVersion, HttpVersion11
from .streams import EMPTY_PAYLOAD, StreamReader
from .typedefs import LooseHeaders
from .web_app import Application
from .web_request import Request
from .web_urldispatcher import UrlMappingMatchInfo

if TYPE_CHECKING:
    from ssl import SSLContext

__all__ = ("make_mocked_coro", "make_mocked_request")


def make_mocked_coro(
    return_value: Any = None,  # noqa: ANN401 - whatever the caller wants back
    raise_exception: BaseException | type[BaseException] | None = None,
) -> mock.Mock:
    """Return a :class:`~unittest.mock.Mock` whose calls return coroutines.

    Awaiting a call returns ``return_value`` (awaited first if it is
    awaitable), or raises ``raise_exception``. The mock records its calls
    as usual: ``mocked.assert_called_with(1, 2)``.
    """

    async def coroutine(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        if raise_exception is not None:
            raise raise_exception
        if inspect.isawaitable(return_value):
            return await return_value
        return return_value

    return mock.Mock(wraps=coroutine)


def make_mocked_request(
    method: str,
    path: str,
    headers: LooseHeaders | None = None,
    *,
    match_info: Any = None,  # noqa: ANN401 - a mapping (aiohttp also takes its sentinel)
    version: HttpVersion = HttpVersion11,
    closing: bool = False,
    app: Application | None = None,
    writer: Any = sentinel,  # noqa: ANN401 - a payload writer or a mock of one
    protocol: Any = sentinel,  # noqa: ANN401 - a RequestHandler or a mock of one
    transport: Any = sentinel,  # noqa: ANN401 - an asyncio transport or a mock
    payload: StreamReader = EMPTY_PAYLOAD,
    sslcontext: SSLContext | None = None,
    client_max_size: int = 1024**2,
    loop: Any = ...,  # noqa: ANN401 - an event loop, or ... for the running one
) -> Request:
    """Return a :class:`aiohttp.web.Request` for unit-testing a handler.

    ``path`` is the request target (path and query, no scheme or host);
    ``headers`` anything :class:`multidict.CIMultiDict` accepts;
    ``match_info`` the route's variables (``request.match_info``); ``app``
    the application (``request.app``; a new one by default); ``payload``
    the body stream (``request.content``); ``sslcontext`` makes the
    connection TLS (``request.secure``). ``writer``, ``protocol`` and
    ``transport`` replace the mocks made by default; ``loop`` defaults to
    the running loop, else a mock. HTTP/1.0 requests are always
    ``closing``.
    """
    if loop is ...:
        loop = _running_loop_or_mock()
    if version < HttpVersion11:
        closing = True
    header_map = CIMultiDictProxy(CIMultiDict(headers or ()))
    raw_headers = tuple(
        (name.encode("utf-8"), value.encode("utf-8"))
        for name, value in header_map.items()
    )
    chunked = "chunked" in header_map.get(hdrs.TRANSFER_ENCODING, "").lower()
    message = RawRequestMessage(
        method,
        path,
        version,
        header_map,
        raw_headers,
        closing,
        None,
        False,
        chunked,
        URL(path),
    )
    transport = _pick_transport(transport, protocol, sslcontext)
    if _missing(protocol):
        protocol = _mocked_protocol(transport, sslcontext, loop)
    elif protocol.transport is not transport:
        protocol.transport = transport
    if _missing(writer):
        writer = _mocked_writer(transport)
    request = Request(
        message,
        payload,
        protocol,
        writer,
        mock.Mock(),  # the handler's task: there is none
        loop,
        client_max_size=client_max_size,
    )
    # No route matched anything: the route is the one thing left a mock.
    variables = {} if _missing(match_info) else dict(match_info)
    routed = UrlMappingMatchInfo(variables, mock.Mock())
    if app is None:
        app = Application()
        # Preparing a response sends this signal, which must be frozen.
        app.on_response_prepare.freeze()
    routed.add_app(app)
    request._match_info = routed
    return request


def _missing(value: object) -> bool:
    """Whether an argument was left out (aiohttp's sentinel, or ``None``)."""
    return value is sentinel or value is None


def _running_loop_or_mock() -> Any:  # noqa: ANN401 - a loop or a mock of one
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        loop = mock.Mock()
        loop.create_future.return_value = ()
        return loop


def _pick_transport(
    transport: Any,  # noqa: ANN401
    protocol: Any,  # noqa: ANN401
    sslcontext: SSLContext | None,
) -> Any:  # noqa: ANN401
    """The given transport, else the given protocol's, else a mock."""
    if not _missing(transport):
        return transport
    if not _missing(protocol) and getattr(protocol, "transport", None) is not None:
        return protocol.transport
    return _mocked_transport(sslcontext)


def _mocked_transport(sslcontext: SSLContext | None) -> mock.Mock:
    """An open transport whose only extra information is the TLS context."""
    transport = mock.Mock()

    def get_extra_info(name: str, default: Any = None) -> Any:  # noqa: ANN401
        if name == "sslcontext":
            return sslcontext
        return default

    transport.get_extra_info.side_effect = get_extra_info
    transport.is_closing.return_value = False
    return transport


def _mocked_protocol(
    transport: Any,  # noqa: ANN401
    sslcontext: SSLContext | None,
    loop: Any,  # noqa: ANN401
) -> mock.Mock:
    protocol = mock.Mock()
    protocol.transport = transport
    protocol._loop = loop
    protocol.peername = transport.get_extra_info("peername")
    protocol.ssl_context = sslcontext
    return protocol


def _mocked_writer(transport: Any) -> mock.Mock:  # noqa: ANN401
    """A payload writer that accepts everything and sends nothing."""
    writer = mock.Mock()
    writer.write_headers = make_mocked_coro(None)
    writer.write = make_mocked_coro(None)
    writer.write_eof = make_mocked_coro(None)
    writer.drain = make_mocked_coro(None)
    writer.transport = transport
    writer.output_size = 0
    writer.buffer_size = 0
    return writer
