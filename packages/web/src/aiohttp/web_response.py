"""The web server's responses: StreamResponse, Response and json_response.

A response is a small state machine. Until ``prepare()`` its status,
headers, cookies, compression and framing may change; ``prepare()`` fixes
them and hands the head to the request's payload writer; ``write()`` sends
body bytes; ``write_eof()`` ends the message. After ``prepare()`` the
status cannot change (``RuntimeError``), and header changes have no effect,
as in aiohttp.

What ``prepare()`` adds to the head (RFC 9110, RFC 9112):

- ``Set-Cookie``, one per cookie, ``Date`` and ``Server`` (unless set);
- ``Content-Type: application/octet-stream`` when there is content and no
  type was given;
- the framing: ``Content-Length`` when the length is known, else chunked
  on HTTP/1.1, else (HTTP/1.0) the body ends when the connection closes;
- ``Connection: close`` (HTTP/1.1) or ``keep-alive`` (HTTP/1.0) when that
  is not the version's default;
- for responses without content (HEAD, 1xx, 204, 304, 2xx to CONNECT): no
  body at all and no ``Transfer-Encoding``; ``Content-Length`` stays only
  where it tells the length the content would have had (HEAD, 304).

Nothing reaches the wire that could split the response: the status line and
every field are checked by the payload writer (``ValueError``), and the
setters here refuse control characters as soon as they are given.
"""

from __future__ import annotations

import enum
import json
import warnings
from concurrent.futures import Executor
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict

from . import hdrs
from ._http_dates import rfc822_formatted_time
from ._http_version import HttpVersion, HttpVersion10, HttpVersion11
from ._json import dumps as fast_dumps
from ._message_body import must_be_empty_body, should_remove_content_length
from ._sentinel import sentinel
from ._web_accept_encoding import choose_coding
from ._web_cookies import EXPIRED, ResponseCookies
from ._web_keys import ResponseKey as ResponseKey
from ._web_response_headers import ResponseHeadersMixin, check_field_value
from ._web_response_state import ResponseState
from .abc import AbstractStreamWriter
from .compression_utils import HAS_BROTLI, HAS_ZSTD, compressor_for
from .http import RESPONSES, SERVER_SOFTWARE
from .http_writer import StreamWriter
from .payload import LookupError as PayloadLookupError
from .payload import Payload, get_payload
from .typedefs import JSONEncoder, LooseHeaders

if TYPE_CHECKING:
    import asyncio

    from .web_request import BaseRequest

__all__ = ("ContentCoding", "StreamResponse", "Response", "json_response")

#: Bodies of ``Response`` larger than this are compressed in an executor
#: thread when ``zlib_executor_size`` is not given. Handing work to a thread
#: costs about as much as compressing 16-32 KiB inline (measured with zlib
#: level 6 on JSON); beyond that the event loop would stall for a
#: millisecond or more. aiohttp compresses inline and warns above 1 MiB; we
#: offload instead, so there is nothing to warn about.
ZLIB_EXECUTOR_SIZE_DEFAULT: Final = 32 * 1024

_REASONS: Final = {code: phrase for code, (phrase, _) in RESPONSES.items()}


class ContentCoding(enum.Enum):
    """The content codings a response can be compressed with.

    ``identity`` means no compression. ``br`` needs ``Brotli`` (or
    ``brotlicffi``), ``zstd`` needs ``backports.zstd`` before Python 3.14.
    """

    deflate = "deflate"
    gzip = "gzip"
    identity = "identity"
    br = "br"
    zstd = "zstd"


_CODINGS: Final = {coding.value: coding for coding in ContentCoding}
_INSTALLED: Final = {
    ContentCoding.deflate: True,
    ContentCoding.gzip: True,
    ContentCoding.identity: True,
    ContentCoding.br: HAS_BROTLI,
    ContentCoding.zstd: HAS_ZSTD,
}
# What Accept-Encoding negotiation may pick, best first: zstd and Brotli
# compress better than gzip for the same time; deflate is the last resort
# (some old clients mistake its zlib wrapper for raw deflate).
_NEGOTIABLE: tuple[str, ...] = tuple(
    coding.value
    for coding in (
        ContentCoding.zstd,
        ContentCoding.br,
        ContentCoding.gzip,
        ContentCoding.deflate,
    )
    if _INSTALLED[coding]
)


def _close_requested(connection: str) -> bool:
    return any(option.strip() == "close" for option in connection.lower().split(","))


# content_type arguments that passed the checks: a handler passes the same
# few again and again (json_response always passes one).
_CHECKED_CONTENT_TYPES: Final[set[str]] = {"application/json", "text/html"}
_CHECKED_CONTENT_TYPES_MAX: Final = 256
# The headers of a text response made with no headers and no charset, by
# its content_type argument (None for text/plain): copying a template costs
# less than setting the field in a new multidict. Templates are never handed
# out; only content types that passed the checks get one, which bounds it.
_TEXT_HEADERS: Final[dict[str | None, CIMultiDict[str]]] = {}


def _check_content_type_args(
    headers: CIMultiDict[str], content_type: str | None, charset: str | None
) -> None:
    """Refuse ``content_type``/``charset`` arguments that aiohttp refuses."""
    if content_type is not None and content_type not in _CHECKED_CONTENT_TYPES:
        if "charset" in content_type:
            raise ValueError("charset must not be in content_type argument")
        check_field_value("the content type", content_type)
        if len(_CHECKED_CONTENT_TYPES) < _CHECKED_CONTENT_TYPES_MAX:
            _CHECKED_CONTENT_TYPES.add(content_type)
    if charset is not None:
        check_field_value("the charset", charset)
    if hdrs.CONTENT_TYPE in headers:
        raise ValueError(
            "passing both Content-Type header and "
            "content_type or charset params is forbidden"
        )


def _text_body(
    real_headers: CIMultiDict[str],
    text: object,
    headers: LooseHeaders | None,
    content_type: str | None,
    charset: str | None,
) -> bytes:
    """Encode a response's ``text``, naming its charset in Content-Type."""
    if not isinstance(text, str):
        raise TypeError(f"text argument must be str ({type(text)!r})")
    real_headers[hdrs.CONTENT_TYPE] = (
        f"{content_type or 'text/plain'}; charset={charset or 'utf-8'}"
    )
    if (
        headers is None
        and charset is None
        and (content_type is None or content_type in _CHECKED_CONTENT_TYPES)
    ):
        # Checked by now: the next such response copies these headers.
        _TEXT_HEADERS[content_type] = real_headers.copy()
    return text.encode(charset or "utf-8")


class StreamResponse(ResponseState, ResponseHeadersMixin):
    """A response whose body is written piece by piece (``write()``).

    It is also a mutable mapping, for middlewares and signal handlers to
    share data (``response["key"]`` or a typed ``ResponseKey``); unlike a
    dict it is always true, and compares and hashes by identity.
    """

    # Class-level defaults: a response sets only what differs, which keeps
    # creating one cheap. No __slots__: HTTPException also derives from
    # Exception, whose layout does not mix with slots.
    _length_check = True  # False for WebSocket responses: no body framing
    _send_headers_immediately = True  # a stream's head goes out at prepare()
    _body: Any = None
    _keep_alive: bool | None = None
    _chunked = False
    _compression = False
    _compression_strategy: int | None = None
    _compression_force: ContentCoding | None = None
    _req: BaseRequest | None = None
    _payload_writer: AbstractStreamWriter | None = None
    _eof_sent = False
    _must_be_empty_body: bool | None = None
    _body_length = 0
    _cookies: ResponseCookies | None = None
    _headers: CIMultiDict[str]

    def __init__(
        self,
        *,
        status: int = 200,
        reason: str | None = None,
        headers: LooseHeaders | None = None,
        _real_headers: CIMultiDict[str] | None = None,
    ) -> None:
        self._state: dict[str | ResponseKey[Any], Any] = {}
        if _real_headers is not None:
            self._headers = _real_headers
        elif headers is not None:
            self._headers = CIMultiDict(headers)
        else:
            self._headers = CIMultiDict()
        if reason is None and type(status) is int and 100 <= status <= 999:
            # The usual: a valid code with its standard phrase.
            self._status = status
            self._reason = _REASONS.get(status, "")
        else:
            self._set_status(status, reason)

    # --- status --------------------------------------------------------------

    @property
    def prepared(self) -> bool:
        """Whether ``prepare()`` has been called (the head is fixed)."""
        return self._eof_sent or self._payload_writer is not None

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task handling the request, until the response is finished."""
        request = self._req
        return request.task if request is not None else None

    @property
    def status(self) -> int:
        """The status code (200 by default)."""
        return self._status

    @property
    def reason(self) -> str:
        """The reason phrase sent with the status code."""
        return self._reason

    def set_status(self, status: int, reason: str | None = None) -> None:
        """Set the status code and reason (the standard phrase when ``None``).

        Raises ``RuntimeError`` once the headers have been sent, and
        ``ValueError`` for a code outside 100-999 or a reason holding
        control characters.
        """
        if self.prepared:
            raise RuntimeError(
                "Cannot change the response status code after "
                "the headers have been sent"
            )
        self._set_status(status, reason)

    def _set_status(self, status: int, reason: str | None) -> None:
        if type(status) is not int:
            status = int(status)
        if not 100 <= status <= 999:
            raise ValueError(f"Invalid status code {status}: it must be 100-999")
        if reason is None:
            reason = _REASONS.get(status, "")
        else:
            check_field_value("the reason", reason)
        self._status = status
        self._reason = reason

    # --- connection and framing ----------------------------------------------

    @property
    def keep_alive(self) -> bool | None:
        """Whether the connection stays open after this response.

        ``None`` until ``prepare()``, which takes the request's value unless
        ``force_close()`` was called or the framing needs the connection to
        close (an HTTP/1.0 body of unknown length).
        """
        return self._keep_alive

    def force_close(self) -> None:
        """Close the connection after this response; there is no undoing it."""
        self._keep_alive = False

    @property
    def body_length(self) -> int:
        """Bytes sent for this response (head included), once it is finished."""
        return self._body_length

    @property
    def output_length(self) -> int:
        """Bytes sent since the last drain (deprecated, as in aiohttp)."""
        warnings.warn("output_length is deprecated", DeprecationWarning, stacklevel=2)
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Response has not been started")
        return writer.buffer_size

    @property
    def chunked(self) -> bool:
        """Whether chunked transfer coding was asked for."""
        return self._chunked

    def enable_chunked_encoding(self, chunk_size: int | None = None) -> None:
        """Send the body with chunked transfer coding (HTTP/1.1 only).

        Raises ``RuntimeError`` when a Content-Length is set. ``chunk_size``
        is deprecated and ignored, as in aiohttp.
        """
        if hdrs.CONTENT_LENGTH in self._headers:
            raise RuntimeError(
                "You can't enable chunked encoding when a content length is set"
            )
        if chunk_size is not None:
            warnings.warn("Chunk size is deprecated #1615", DeprecationWarning, 2)
        self._chunked = True

    @property
    def compression(self) -> bool:
        """Whether compression was asked for (``enable_compression()``)."""
        return self._compression

    def enable_compression(
        self,
        force: ContentCoding | bool | None = None,
        strategy: int | None = None,
    ) -> None:
        """Compress the body, with the coding the request accepts best.

        Accept-Encoding weights are honoured (``q=0`` excludes a coding);
        zstd, then br, gzip and deflate are preferred, among the installed
        codecs. ``force`` picks the coding without looking at the request
        (``ContentCoding.identity``: none). ``strategy`` is zlib's. A body
        that already has a Content-Encoding is sent as it is.
        """
        if isinstance(force, bool):
            warnings.warn(
                "Using boolean for force is deprecated #3318", DeprecationWarning, 2
            )
            force = ContentCoding.deflate if force else ContentCoding.identity
        elif force is not None:
            if not isinstance(force, ContentCoding):
                raise TypeError(
                    f"force must be a ContentCoding or None, not {type(force).__name__}"
                )
            if not _INSTALLED[force]:
                # Fails now, with the package to install, not at prepare().
                compressor_for(force.value)
        self._compression = True
        self._compression_force = force
        self._compression_strategy = strategy

    # --- headers ---------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDict[str]:
        """The response's header fields (changes after ``prepare()`` do nothing)."""
        return self._headers

    # --- cookies -----------------------------------------------------------------

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies to set, one Set-Cookie field each, at ``prepare()``."""
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = ResponseCookies()
        return cookies

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        version: str | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        """Set or update a cookie; only the attributes given change.

        ``max_age`` and an earlier deletion's ``expires`` are dropped when
        not given again. ``ValueError`` (also an ``http.cookies.CookieError``)
        for a name that is not a cookie name or an attribute holding a
        control character or ``;``.
        """
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = ResponseCookies()
        cookies.set_cookie(
            name,
            value,
            expires=expires,
            domain=domain,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=httponly,
            version=version,
            samesite=samesite,
            partitioned=partitioned,
        )

    def del_cookie(
        self,
        name: str,
        *,
        domain: str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
    ) -> None:
        """Tell the client to drop a cookie: empty, Max-Age=0, expired in 1970."""
        cookies = self._cookies
        if cookies is not None:
            cookies.pop(name, None)
        self.set_cookie(
            name,
            "",
            max_age=0,
            expires=EXPIRED,
            domain=domain,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    # --- sending -------------------------------------------------------------------

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        """Fix the head and hand it to the request's payload writer.

        A ``StreamResponse`` sends it at once; a ``Response`` keeps it for
        the same write as its body. From now on the status and headers are
        fixed. Returns the payload writer (``None`` once the response is
        finished); calling it again returns the same writer and sends
        nothing. ``ValueError`` for a head that could split the response
        (the response then stays unprepared), ``RuntimeError`` for chunked
        encoding asked of an HTTP/1.0 response.
        """
        if self._eof_sent:
            return None
        if self._payload_writer is not None:
            return self._payload_writer
        self._must_be_empty_body = must_be_empty_body(request.method, self._status)
        return await self._start(request)

    async def _start(self, request: BaseRequest) -> AbstractStreamWriter:
        self._req = request
        writer = self._payload_writer = request._payload_writer
        try:
            if self._compression:
                await self._start_compression(request)
            self._prepare_headers()
            await request._prepare_hook(self)
            await self._write_headers()
        except BaseException:
            # No head went out (the writer refused it, or we never got that
            # far): the response must not look prepared, or a later
            # write_eof() would send a body with no head before it.
            self._req = None
            self._payload_writer = None
            raise
        return writer

    def _prepare_headers(self) -> None:
        request = self._req
        writer = self._payload_writer
        assert request is not None
        assert writer is not None
        keep_alive = self._keep_alive
        if keep_alive is None:
            keep_alive = request.keep_alive
        headers = self._headers
        if self._cookies:
            for value in self._cookies.header_values():
                headers.add(hdrs.SET_COOKIE, value)
        if not self._frame_body(request, writer):
            keep_alive = False
        headers.setdefault(hdrs.DATE, rfc822_formatted_time())
        headers.setdefault(hdrs.SERVER, SERVER_SOFTWARE)
        self._keep_alive = self._connection_header(request.version, keep_alive)

    def _frame_body(self, request: BaseRequest, writer: AbstractStreamWriter) -> bool:
        """Set up the body's framing; return False if only a close can end it."""
        headers = self._headers
        version = request.version
        empty = self._must_be_empty_body
        can_keep_alive = True
        length: int | None = None
        if self._chunked:
            if version != HttpVersion11:
                raise RuntimeError(
                    "Using chunked encoding is forbidden "
                    f"for HTTP/{version.major}.{version.minor}"
                )
            if not empty:
                writer.enable_chunking()
                headers[hdrs.TRANSFER_ENCODING] = "chunked"
        elif self._length_check:
            length = writer.length = self.content_length
            if length is None and not empty:
                if version >= HttpVersion11:
                    writer.enable_chunking()
                    headers[hdrs.TRANSFER_ENCODING] = "chunked"
                else:
                    # HTTP/1.0 has no chunks: closing ends the body.
                    can_keep_alive = False
        else:
            length = self.content_length
        if empty:
            if should_remove_content_length(request.method, self._status):
                headers.popall(hdrs.CONTENT_LENGTH, None)
            headers.popall(hdrs.TRANSFER_ENCODING, None)
            if self._length_check:
                # Whatever the handler writes, none of it may go out.
                writer.length = 0
        elif length != 0:
            headers.setdefault(hdrs.CONTENT_TYPE, "application/octet-stream")
        return can_keep_alive

    def _connection_header(self, version: HttpVersion, keep_alive: bool) -> bool:
        """Say in Connection what differs from the version's default.

        A Connection field set by the handler stays; when it asks to close,
        the connection closes. Returns whether it stays open.
        """
        headers = self._headers
        connection = headers.get(hdrs.CONNECTION)
        if connection is not None:
            return keep_alive and not _close_requested(connection)
        if keep_alive:
            if version == HttpVersion10:
                headers[hdrs.CONNECTION] = "keep-alive"
        elif version == HttpVersion11:
            headers[hdrs.CONNECTION] = "close"
        return keep_alive

    async def _start_compression(self, request: BaseRequest) -> None:
        if hdrs.CONTENT_ENCODING in self._headers:
            return  # already encoded (a pre-compressed file, say)
        force = self._compression_force
        if force is not None:
            await self._do_start_compression(force)
            return
        accept = request.headers.getall(hdrs.ACCEPT_ENCODING, ())
        if not accept:
            return
        coding = choose_coding(
            accept[0] if len(accept) == 1 else ",".join(accept), _NEGOTIABLE
        )
        if coding is not None:
            await self._do_start_compression(_CODINGS[coding])

    async def _do_start_compression(self, coding: ContentCoding) -> None:
        if coding is ContentCoding.identity:
            return
        writer = self._payload_writer
        assert writer is not None
        writer.enable_compression(coding.value, self._compression_strategy)
        self._headers[hdrs.CONTENT_ENCODING] = coding.value
        # The compressed length is unknown until the end.
        self._headers.popall(hdrs.CONTENT_LENGTH, None)

    async def _write_headers(self) -> None:
        request = self._req
        writer = self._payload_writer
        assert request is not None
        assert writer is not None
        version = request.version
        status_line = f"HTTP/{version[0]}.{version[1]} {self._status} {self._reason}"
        await writer.write_headers(status_line, self._headers)
        if self._send_headers_immediately:
            writer.send_headers()

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data`` as the next part of the body.

        ``TypeError`` unless ``data`` is bytes-like; ``RuntimeError`` before
        ``prepare()`` or after ``write_eof()``.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            raise RuntimeError("Cannot call write() after write_eof()")
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Cannot call write() before prepare()")
        await writer.write(data)

    async def drain(self) -> None:
        """Wait for the peer to read (deprecated: ``write()`` drains already)."""
        if self._eof_sent:
            raise RuntimeError("EOF has already been sent")
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Response has not been started")
        warnings.warn(
            "drain method is deprecated, use await resp.write()",
            DeprecationWarning,
            stacklevel=2,
        )
        await writer.drain()

    async def write_eof(self, data: bytes | bytearray | memoryview = b"") -> None:
        """Send ``data`` as the last part of the body and end the response.

        Only the first call does anything. ``RuntimeError`` before
        ``prepare()``.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            return
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Response has not been started")
        await writer.write_eof(data if isinstance(data, bytes) else bytes(data))
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        self._payload_writer = None

    def __repr__(self) -> str:
        if self._eof_sent:
            info = "eof"
        elif self._req is not None:
            info = f"{self._req.method} {self._req.path} "
        else:
            info = "not prepared"
        return f"<{type(self).__name__} {self.reason} {info}>"


class Response(StreamResponse):
    """A response whose whole body is known up front: ``body`` or ``text``.

    The body goes out with ``write_eof()``, in the same write as the head
    for a small one, with its Content-Length. ``body`` takes bytes, a
    bytearray, or anything ``aiohttp.payload`` can wrap (whose content type
    and headers then apply unless set). Compression handles the whole body
    at once, in an executor thread when it is larger than
    ``zlib_executor_size`` (:data:`ZLIB_EXECUTOR_SIZE_DEFAULT` if not given).
    """

    _compressed_body: bytes | None = None
    _body_payload = False  # whether _body is a Payload (cheaper than isinstance)
    _send_headers_immediately = False  # the head waits for the body
    _zlib_executor_size: int | None = None
    _zlib_executor: Executor | None = None

    def __init__(
        self,
        *,
        body: Any = None,  # noqa: ANN401 - bytes or any payload value
        status: int = 200,
        reason: str | None = None,
        text: str | None = None,
        headers: LooseHeaders | None = None,
        content_type: str | None = None,
        charset: str | None = None,
        zlib_executor_size: int | None = None,
        zlib_executor: Executor | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        template = (
            _TEXT_HEADERS.get(content_type)
            if text is not None
            and type(text) is str
            and headers is None
            and charset is None
            else None
        )
        if template is not None:
            # The usual text response: its headers copied from a template.
            real_headers = template.copy()
            body = text.encode()  # type: ignore[union-attr]
            text = None
        else:
            real_headers = CIMultiDict() if headers is None else CIMultiDict(headers)
            if charset is not None or (
                content_type is not None
                and (headers is not None or content_type not in _CHECKED_CONTENT_TYPES)
            ):
                _check_content_type_args(real_headers, content_type, charset)
            if text is not None and hdrs.CONTENT_TYPE not in real_headers:
                body = _text_body(real_headers, text, headers, content_type, charset)
                text = None
            elif content_type is not None:
                real_headers[hdrs.CONTENT_TYPE] = (
                    content_type
                    if charset is None
                    else f"{content_type}; charset={charset}"
                )
        super().__init__(status=status, reason=reason, _real_headers=real_headers)
        if text is not None:
            self.text = text
        elif type(body) is bytes and type(self) is Response:
            self._body = body  # all the setter does for a new response
        elif body is not None:
            self.body = body
        if zlib_executor_size is not None:
            self._zlib_executor_size = zlib_executor_size
        if zlib_executor is not None:
            self._zlib_executor = zlib_executor

    @property
    def body(self) -> Any:  # noqa: ANN401 - bytes, bytearray or a Payload
        """The body: bytes, a bytearray, a ``Payload``, or ``None``."""
        return self._body

    @body.setter
    def body(self, body: Any) -> None:  # noqa: ANN401
        if body is None or isinstance(body, (bytes, bytearray)):
            self._body = body
            self._body_payload = False
        else:
            try:
                payload = get_payload(body)
            except PayloadLookupError:
                raise ValueError(f"Unsupported body type {type(body)!r}") from None
            self._body = payload
            self._body_payload = True
            headers = self._headers
            for name, value in payload.headers.items():
                if name not in headers:
                    headers[name] = value
        self._compressed_body = None

    @property
    def text(self) -> str | None:
        """The body decoded with its charset (UTF-8 if none), or ``None``.

        Setting it encodes the text with the charset, making the content
        type ``text/plain`` and the charset ``utf-8`` when none is set.
        """
        body = self._body
        if body is None:
            return None
        encoding = self.charset or "utf-8"
        if isinstance(body, Payload):
            return body.decode(encoding)
        raw: bytes | bytearray = body
        return raw.decode(encoding)

    @text.setter
    def text(self, text: str | None) -> None:
        self._body_payload = False
        if text is None:
            self._body = None
        else:
            if not isinstance(text, str):
                raise TypeError(f"text argument must be str ({type(text)!r})")
            if self.content_type == "application/octet-stream":
                self.content_type = "text/plain"
            if self.charset is None:
                self.charset = "utf-8"
            self._body = text.encode(self.charset or "utf-8")
        self._compressed_body = None

    @property
    def content_length(self) -> int | None:
        """The length the body goes out with; set automatically (read-only)."""
        if self._chunked:
            return None
        if hdrs.CONTENT_LENGTH in self._headers:
            return super().content_length
        body = self._body
        if self._body_payload:
            return None  # known at prepare() from the payload, if at all
        return 0 if body is None else len(body)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        raise RuntimeError("Content length is set automatically")

    async def _start(self, request: BaseRequest) -> AbstractStreamWriter:
        self._set_content_length(request)
        return await super()._start(request)

    def _send_at_once(self, request: BaseRequest) -> bool:
        """Send head and body in one write, without awaiting anything.

        The server's path for the common response (bytes or no body, no
        compression, chunking, payload or prepare hook, a plain writer);
        the result is what ``prepare()`` then ``write_eof()`` send. Returns
        False, having sent nothing, when the response needs the general path.
        """
        writer = request._payload_writer
        if (
            self._compression
            or self._chunked
            or self._body_payload
            or self._payload_writer is not None
            or self._eof_sent
            or type(writer) is not StreamWriter
            or request._has_prepare_hook()
        ):
            return False
        headers = self._headers
        status = self._status
        method = request._method
        if (
            status < 200
            or status in {204, 304}
            or method in {hdrs.METH_HEAD, hdrs.METH_CONNECT}
            or hdrs.CONTENT_LENGTH in headers
            or hdrs.TRANSFER_ENCODING in headers
            or hdrs.CONNECTION in headers
        ):
            return self._send_at_once_by_the_rules(request, writer)
        # Nearly every response: a body of known length and nothing for
        # the framing rules to decide. What _set_content_length() and
        # _prepare_headers() would do, in their order, inline.
        body = self._body
        size = len(body) if body else 0
        headers[hdrs.CONTENT_LENGTH] = str(size)
        if self._cookies:
            for value in self._cookies.header_values():
                headers.add(hdrs.SET_COOKIE, value)
        if size:
            headers.setdefault(hdrs.CONTENT_TYPE, "application/octet-stream")
        headers.setdefault(hdrs.DATE, rfc822_formatted_time())
        headers.setdefault(hdrs.SERVER, SERVER_SOFTWARE)
        keep_alive = self._keep_alive
        if keep_alive is None:
            keep_alive = not request._message.should_close
        version = request._version
        if version is HttpVersion11 or version == HttpVersion11:
            if not keep_alive:
                headers[hdrs.CONNECTION] = "close"
            status_line = f"HTTP/1.1 {status} {self._reason}"
        else:
            if keep_alive and version == HttpVersion10:
                headers[hdrs.CONNECTION] = "keep-alive"
            status_line = f"HTTP/{version[0]}.{version[1]} {status} {self._reason}"
        self._keep_alive = keep_alive
        self._must_be_empty_body = False
        writer.length = size
        if not writer.write_message(status_line, headers, bytes(body) if size else b""):
            return False
        self._eof_sent = True
        self._body_length = writer.output_size
        return True

    def _send_at_once_by_the_rules(
        self, request: BaseRequest, writer: StreamWriter
    ) -> bool:
        """``_send_at_once()`` for a response the framing rules shape.

        A response that must be empty (HEAD, 1xx, 204, 304, CONNECT), or
        whose handler set Content-Length, Transfer-Encoding or Connection.
        """
        self._must_be_empty_body = empty = must_be_empty_body(
            request.method, self._status
        )
        self._set_content_length(request)
        self._req = request
        self._payload_writer = writer
        try:
            self._prepare_headers()
            version = request.version
            status_line = (
                f"HTTP/{version[0]}.{version[1]} {self._status} {self._reason}"
            )
            body = self._body
            sent = writer.write_message(
                status_line, self._headers, b"" if empty or not body else bytes(body)
            )
        except BaseException:
            self._req = None
            self._payload_writer = None
            raise
        if not sent:
            self._req = None
            self._payload_writer = None
            return False
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        self._payload_writer = None
        return True

    def _set_content_length(self, request: BaseRequest) -> None:
        headers = self._headers
        if hdrs.CONTENT_LENGTH in headers:
            if should_remove_content_length(request.method, self._status):
                del headers[hdrs.CONTENT_LENGTH]
        elif not self._chunked:
            body = self._body
            if self._body_payload:
                if body.size is not None:
                    headers[hdrs.CONTENT_LENGTH] = str(body.size)
            else:
                size = len(body) if body else 0
                # RFC 9110 8.6: a HEAD response or a 304 may tell the size
                # of the content it would have had, never a size of 0.
                if size or (self._status != 304 and request.method != hdrs.METH_HEAD):
                    headers[hdrs.CONTENT_LENGTH] = str(size)

    async def _do_start_compression(self, coding: ContentCoding) -> None:
        body = self._body
        if self._chunked or self._body_payload:
            await super()._do_start_compression(coding)
            return
        if coding is ContentCoding.identity or not body:
            return
        executor_size = self._zlib_executor_size
        compressor = compressor_for(
            coding.value,
            strategy=self._compression_strategy,
            executor=self._zlib_executor,
            max_sync_chunk_size=(
                ZLIB_EXECUTOR_SIZE_DEFAULT if executor_size is None else executor_size
            ),
        )
        data = body if isinstance(body, bytes) else bytes(body)
        compressed = await compressor.compress(data) + compressor.flush()
        self._compressed_body = compressed
        self._headers[hdrs.CONTENT_ENCODING] = coding.value
        self._headers[hdrs.CONTENT_LENGTH] = str(len(compressed))

    async def write_eof(self, data: bytes | bytearray | memoryview = b"") -> None:
        """Send the body (unless the response has none) and end the response."""
        if self._eof_sent:
            return
        if data:
            raise RuntimeError(
                "Response.write_eof() takes no data: the body is the response's"
            )
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        body = self._body
        if self._body_payload:
            try:
                if not self._must_be_empty_body:
                    await body.write(self._payload_writer)
            finally:
                await body.close()
            await super().write_eof()
            return
        if self._compressed_body is not None:
            body = self._compressed_body
        if body is None or self._must_be_empty_body:
            await super().write_eof()
        else:
            await super().write_eof(body)


def json_response(
    data: Any = sentinel,  # noqa: ANN401 - whatever ``dumps`` takes
    *,
    text: str | None = None,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: LooseHeaders | None = None,
    content_type: str = "application/json",
    dumps: JSONEncoder = json.dumps,
) -> Response:
    """Return a ``Response`` with ``data`` serialized by ``dumps`` (UTF-8 text).

    ``text`` or ``body`` may carry ready JSON instead; giving ``data`` with
    either is a ``ValueError``.
    """
    if data is not sentinel:
        if text or body:
            raise ValueError("only one of data, text, or body should be specified")
        # The same text as json.dumps, faster (see aiohttp._json).
        text = fast_dumps(data) if dumps is json.dumps else dumps(data)
    return Response(
        text=text,
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )
