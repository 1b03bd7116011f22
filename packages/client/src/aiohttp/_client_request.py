"""``ClientRequest``: a built request, sent over a pooled connection.

``send(connection)`` writes the head and returns the response, not yet
started. A small in-memory body leaves with the head in one write; any
other body is written by a task, so the response can arrive (and be read)
while an upload is still going on. With ``expect100`` the head goes alone
and the body waits for the server's 100 Continue. A failed write fails the
response being read: ``ClientOSError`` for a socket error,
``ClientConnectionError`` for a body that could not be produced. The
building and checking of the request is ``ClientRequestBase``'s.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from typing import TYPE_CHECKING, Final

from multidict import CIMultiDict
from yarl import URL

from . import hdrs
from ._client_body_writer import BodyWriterTracking
from ._client_request_base import ClientRequestBase
from ._client_response import ClientResponse
from ._http_version import HttpVersion10, HttpVersion11
from .client_exceptions import ClientConnectionError, ClientOSError
from .http_writer import StreamWriter, serialize_headers
from .payload import BytesPayload, JsonPayload, Payload, StringPayload

if TYPE_CHECKING:
    from .client_proto import ResponseHandler
    from .connector import Connection

__all__ = ("ClientRequest",)

# Bodies up to this size leave with the head in one write, without a task.
_INLINE_BODY_MAX: Final = 0x10000
# Payload classes that only hold bytes: their write is a single write().
_BYTES_PAYLOADS: Final = frozenset({BytesPayload, StringPayload, JsonPayload})


class ClientRequest(ClientRequestBase, BodyWriterTracking):
    """An HTTP request: built and checked on construction, written by ``send()``.

    The session builds these; applications meet them in client
    middlewares, where headers may be changed and the body replaced with
    ``update_body()`` before the request is sent.
    """

    # -- sending -------------------------------------------------------------

    def _request_target(self) -> str:
        url = self.url
        if self.method == hdrs.METH_CONNECT:
            # Authority form (RFC 9112 section 3.2.3).
            return f"{url.host_subcomponent}:{url.port}"
        if self.proxy is not None and not self.is_ssl():
            # Absolute form, for a proxy (RFC 9112 section 3.2.2).
            return str(url)
        return url.raw_path_qs

    def _prepare_head(self, connection: Connection) -> str:
        headers = self.headers
        if (
            self.method in self.POST_METHODS
            and hdrs.CONTENT_TYPE not in headers
            and (
                self._skip_auto_headers is None
                or hdrs.CONTENT_TYPE not in self._skip_auto_headers
            )
        ):
            headers[hdrs.CONTENT_TYPE] = "application/octet-stream"
        version = self.version
        if hdrs.CONNECTION not in headers:
            if connection._connector.force_close:
                if version == HttpVersion11:
                    headers[hdrs.CONNECTION] = "close"
            elif version == HttpVersion10:
                headers[hdrs.CONNECTION] = "keep-alive"
        return f"{self.method} {self._request_target()} HTTP/{version[0]}.{version[1]}"

    async def send(self, conn: Connection) -> ClientResponse:
        """Write the head over ``conn``, start the body, return the response.

        The response is not started yet: ``await response.start(conn)``.
        ``ClientOSError`` when the connection fails under the head;
        ``ValueError`` for a head that cannot be sent.
        """
        protocol = conn._protocol
        if protocol is None:
            raise ClientConnectionError("Connection closed")
        status_line = self._prepare_head(conn)
        traces = self._traces
        tracker = self._upload_tracker
        try:
            if self._write_at_once(status_line, protocol):
                task = None
            else:
                if tracker is not None:
                    tracker._start()
                writer = self._new_writer(protocol)
                task = await self._write(writer, status_line, conn, protocol)
        except BaseException as exc:
            if tracker is not None:
                tracker._aborted(exc)
            if isinstance(exc, ConnectionResetError):
                raise ClientOSError(
                    exc.errno, f"Can not write request to {self.url!s}: {exc}"
                ) from exc
            raise

        self.response = response = self.response_class(
            self.method,
            self.original_url,
            writer=task,
            continue100=self._continue,
            timer=self._timer,
            request_info=self.request_info,
            traces=traces,
            loop=self.loop,
            session=self._session,
        )
        return response

    def _write_at_once(self, status_line: str, protocol: ResponseHandler) -> bool:
        """Write a request without a body, if it is a plain one; whether it was.

        Most requests are: their head leaves in one write, with no await, no
        task and no ``StreamWriter``. Anything else is ``_write()``'s.
        """
        headers = self.headers
        if (
            self._body is not None
            or self._traces
            or self._upload_tracker is not None
            or self._continue is not None
            or protocol.writing_paused
            or hdrs.TRANSFER_ENCODING in headers
        ):
            return False
        head = serialize_headers(status_line, headers)
        transport = protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(head)
        protocol.start_timeout()
        return True

    def _new_writer(self, protocol: ResponseHandler) -> StreamWriter:
        """The writer of the head and body, reporting to traces and tracker."""
        method, url = self.method, self.url
        return StreamWriter(
            protocol,
            self.loop,
            on_chunk_sent=(
                functools.partial(self._on_chunk_request_sent, method, url)
                if self._traces or self._upload_tracker is not None
                else None
            ),
            on_headers_sent=(
                functools.partial(self._on_headers_request_sent, method, url)
                if self._traces
                else None
            ),
        )

    async def _write(
        self,
        writer: StreamWriter,
        status_line: str,
        conn: Connection,
        protocol: ResponseHandler,
    ) -> asyncio.Task[None] | None:
        """Write the head, and the body or start its writer task."""
        headers = self.headers
        chunked = "chunked" in headers.get(hdrs.TRANSFER_ENCODING, "").lower()
        content_length = None if chunked else self._get_content_length()
        body = self._body
        tracker = self._upload_tracker
        if self._inline(body, content_length, chunked, protocol):
            data = b"" if body is None else await body.as_bytes()
            if writer.write_message(status_line, headers, data):
                protocol.start_timeout()
                if tracker is not None:
                    tracker._sent(len(data))
                    tracker._finished()
                return None
        if chunked:
            writer.enable_chunking()
        if self.compress is not None and body is not None:
            writer.enable_compression(self.compress)
        await writer.write_headers(status_line, headers)
        if (
            body is not None
            or chunked
            or self._continue is not None
            or protocol.writing_paused
        ):
            return self._start_writer(writer, conn, protocol, content_length)
        await writer.write_eof()
        protocol.start_timeout()
        if tracker is not None:
            tracker._finished()
        return None

    def _inline(
        self,
        body: Payload | None,
        content_length: int | None,
        chunked: bool,
        protocol: ResponseHandler,
    ) -> bool:
        """Whether head and body can leave in one write, without a task."""
        if (
            chunked
            or self._traces
            or self._upload_tracker is not None
            or self._continue is not None
            or protocol.writing_paused
        ):
            return False
        if body is None:
            return True
        size = body.size
        return (
            type(body) in _BYTES_PAYLOADS
            and self.compress is None
            and size is not None
            and size <= _INLINE_BODY_MAX
            and content_length == size
        )

    def _start_writer(
        self,
        writer: StreamWriter,
        conn: Connection,
        protocol: ResponseHandler,
        content_length: int | None,
    ) -> asyncio.Task[None] | None:
        coro = self._write_bytes(writer, conn, protocol, content_length)
        if sys.version_info >= (3, 12):
            # Start writing now: a body that fits the socket buffer is out
            # before the loop runs again.
            task = asyncio.Task(coro, loop=self.loop, eager_start=True)
        else:
            task = self.loop.create_task(coro)
        if task.done():
            return None
        self._writer = task
        return task

    async def _write_bytes(
        self,
        writer: StreamWriter,
        conn: Connection,
        protocol: ResponseHandler,
        content_length: int | None,
    ) -> None:
        """Write the body (after any 100 Continue); fail the response on error."""
        tracker = self._upload_tracker
        try:
            if self._continue is not None:
                writer.send_headers()
                await writer.drain()
                await self._continue
            body = self._body
            if body is not None:
                await body.write_with_length(writer, content_length)
            await writer.write_eof()
        except asyncio.CancelledError as exc:
            # A body cut short leaves the connection unusable.
            conn.close()
            if tracker is not None:
                tracker._aborted(exc)
            raise
        except OSError as exc:
            error: BaseException = exc
            if exc.errno is not None or not isinstance(exc, asyncio.TimeoutError):
                error = ClientOSError(
                    exc.errno, f"Can not write request body for {self.url!s}"
                )
            protocol.set_exception(error, exc)
            if tracker is not None:
                tracker._aborted(exc)
        except Exception as exc:
            protocol.set_exception(
                ClientConnectionError(
                    "Failed to send bytes into the underlying connection "
                    f"{conn!s}: {exc!r}"
                ),
                exc,
            )
            if tracker is not None:
                tracker._aborted(exc)
        else:
            protocol.start_timeout()
            if tracker is not None:
                tracker._finished()

    async def _on_chunk_request_sent(self, method: str, url: URL, chunk: bytes) -> None:
        tracker = self._upload_tracker
        if tracker is not None:
            tracker._sent(len(chunk))
        for trace in self._traces:
            await trace.send_request_chunk_sent(method, url, chunk)

    async def _on_headers_request_sent(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        for trace in self._traces:
            await trace.send_request_headers(method, url, headers)

    async def close(self) -> None:
        """Wait for the body writer to finish."""
        writer = self._writer_task
        if writer is not None:
            # wait() does not raise the writer's own error or cancellation.
            await asyncio.wait((writer,))
            self._writer = None

    def terminate(self) -> None:
        """Stop the body writer (the connection is then closed)."""
        writer = self._writer_task
        if writer is not None:
            if not self.loop.is_closed():
                writer.cancel()
            self._writer = None

    def __repr__(self) -> str:
        return f"<ClientRequest({self.method} {self.url})>"
