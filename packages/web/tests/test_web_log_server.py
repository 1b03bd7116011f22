"""The access log as the server writes it, over a real socket.

Each handler runs on ``aiohttp_raw_server`` and is called through
``aiohttp_client``; closing the client closes the server too, which waits
for the request's log line before the test reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterator
from typing import ClassVar

import pytest
from web_raw_client import read_response
from web_request_harness import connection

from aiohttp import web_exceptions, web_protocol
from aiohttp._web_abc import AbstractAccessLogger, AbstractAsyncAccessLogger
from aiohttp.pytest_plugin import AiohttpClient, AiohttpRawServer
from aiohttp.web_log import AccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import Response, StreamResponse

TIMEOUT = 10.0
HEADERS = {"User-Agent": "raw/1", "X-Req": "in"}


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def access_log(request: pytest.FixtureRequest) -> Iterator[logging.Logger]:
    logger = logging.getLogger(f"test_web_log_server.{request.node.name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(Recorder())
    yield logger
    logger.handlers.clear()


def records(logger: logging.Logger) -> list[logging.LogRecord]:
    # pytest adds its own capture handlers beside ours.
    (recorder,) = [h for h in logger.handlers if isinstance(h, Recorder)]
    return recorder.records


async def ok(request: BaseRequest) -> StreamResponse:
    response = Response(text="OK")
    response.headers["X-Resp"] = "out"
    return response


async def test_default_format_line(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    client = await aiohttp_client(await aiohttp_raw_server(ok, access_log=access_log))
    async with client.get("/p?q=1", headers=HEADERS) as response:
        assert response.status == 200
    await client.close()
    (record,) = records(access_log)
    assert record.levelno == logging.INFO
    assert re.fullmatch(
        r"127\.0\.0\.1 \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
        r'"GET /p\?q=1 HTTP/1\.1" 200 (\d+) "-" "raw/1"',
        record.getMessage(),
    ), record.getMessage()
    assert record.first_request_line == "GET /p?q=1 HTTP/1.1"  # type: ignore[attr-defined]
    assert record.response_status == 200  # type: ignore[attr-defined]
    # %b is response.body_length: aiohttp counts every byte sent, head too.
    assert record.response_size > len("OK")  # type: ignore[attr-defined]


async def test_custom_format_with_headers(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    fmt = "%s %{X-Req}i %{X-Resp}o %{Missing}i %Tf"
    server = await aiohttp_raw_server(ok, access_log=access_log, access_log_format=fmt)
    client = await aiohttp_client(server)
    async with client.get("/p?q=1", headers=HEADERS) as response:
        assert response.status == 200
    await client.close()
    (record,) = records(access_log)
    assert re.fullmatch(r"200 in out - \d+\.\d{6}", record.getMessage())
    assert record.request_header == {"X-Req": "in", "Missing": "-"}  # type: ignore[attr-defined]
    assert record.response_header == {"X-Resp": "out"}  # type: ignore[attr-defined]


async def test_a_raised_exception_is_logged_with_its_status(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    async def missing(request: BaseRequest) -> StreamResponse:
        raise web_exceptions.HTTPNotFound()

    server = await aiohttp_raw_server(
        missing, access_log=access_log, access_log_format="%s"
    )
    client = await aiohttp_client(server)
    async with client.get("/p?q=1") as response:
        assert response.status == 404
    await client.close()
    assert [r.getMessage() for r in records(access_log)] == ["404"]


async def test_one_line_per_request_on_a_kept_alive_connection(
    aiohttp_raw_server: AiohttpRawServer, access_log: logging.Logger
) -> None:
    async def echo(request: BaseRequest) -> StreamResponse:
        return Response(text=request.path)

    server = await aiohttp_raw_server(
        echo, access_log=access_log, access_log_format='"%r" %s'
    )
    # Raw socket: three requests pipelined on one connection.
    data = b"".join(f"GET /{n} HTTP/1.1\r\nHost: t\r\n\r\n".encode() for n in range(3))
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(data)
        for _ in range(3):
            await asyncio.wait_for(read_response(reader), TIMEOUT)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    await server.close()
    messages = [r.getMessage() for r in records(access_log)]
    assert messages == [f'"GET /{n} HTTP/1.1" 200' for n in range(3)]


async def test_a_logger_below_info_is_skipped(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    access_log.setLevel(logging.WARNING)
    client = await aiohttp_client(await aiohttp_raw_server(ok, access_log=access_log))
    async with client.get("/p?q=1") as response:
        assert response.status == 200
    await client.close()
    assert records(access_log) == []


class Counting(AbstractAccessLogger):
    """A custom access logger that remembers what it was given."""

    switched_on = True
    calls: list[tuple[BaseRequest, StreamResponse, float]]
    instances: ClassVar[list[Counting]] = []

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        super().__init__(logger, log_format)
        self.calls = []
        Counting.instances.append(self)

    @property
    def enabled(self) -> bool:
        return self.switched_on

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.calls.append((request, response, time))
        self.logger.info("custom %s %s", request.path, response.status)


async def test_a_custom_access_logger_class(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    Counting.instances.clear()
    server = await aiohttp_raw_server(
        ok, access_log=access_log, access_log_class=Counting, access_log_format="fmt"
    )
    client = await aiohttp_client(server)
    async with client.get("/p?q=1") as response:
        assert response.status == 200
    await client.close()
    calls = [call for instance in Counting.instances for call in instance.calls]
    ((req, resp, time_taken),) = calls
    assert isinstance(req, BaseRequest)
    assert isinstance(resp, StreamResponse)
    assert resp.status == 200
    assert time_taken >= 0
    assert all(instance.log_format == "fmt" for instance in Counting.instances)
    assert [r.getMessage() for r in records(access_log)] == ["custom /p 200"]


async def test_a_disabled_custom_logger_is_never_called(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    class Off(Counting):
        switched_on = False

    Counting.instances.clear()
    server = await aiohttp_raw_server(ok, access_log=access_log, access_log_class=Off)
    client = await aiohttp_client(server)
    async with client.get("/p?q=1") as response:
        assert response.status == 200
    await client.close()
    assert [call for i in Counting.instances for call in i.calls] == []
    assert records(access_log) == []


async def test_a_request_is_logged_as_the_logger_stood_when_it_began(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    class Switched(Counting):
        switched_on = True

    async def switch_logging(request: BaseRequest) -> StreamResponse:
        Switched.switched_on = not Switched.switched_on
        await asyncio.sleep(0.05)
        return Response(text="OK")

    Counting.instances.clear()
    server = await aiohttp_raw_server(
        switch_logging, access_log=access_log, access_log_class=Switched
    )
    client = await aiohttp_client(server)
    for path in ("/on-at-the-start", "/off-at-the-start"):
        async with client.get(path) as response:
            assert response.status == 200
    await client.close()
    calls = [call for instance in Counting.instances for call in instance.calls]
    ((request, _, time_taken),) = calls
    assert request.path == "/on-at-the-start"
    assert time_taken >= 0.05  # timed from the start, the handler's wait included


async def test_an_async_access_logger_is_awaited(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    seen: list[tuple[str, int]] = []

    class Queued(AbstractAsyncAccessLogger):
        # aiohttp builds these without arguments; take any, to stay neutral.
        def __init__(self, *args: object) -> None:
            pass

        async def log(
            self, request: BaseRequest, response: StreamResponse, request_start: float
        ) -> None:
            await asyncio.sleep(0)
            seen.append((request.path, response.status))

    server = await aiohttp_raw_server(
        ok, access_log=access_log, access_log_class=Queued
    )
    client = await aiohttp_client(server)
    async with client.get("/p?q=1") as response:
        assert response.status == 200
    # The log is awaited after the response went out: give it its turn.
    for _ in range(50):
        if seen:
            break
        await asyncio.sleep(0.01)
    assert seen == [("/p", 200)]


async def test_a_disabled_async_access_logger_is_never_awaited(
    aiohttp_raw_server: AiohttpRawServer,
    aiohttp_client: AiohttpClient,
    access_log: logging.Logger,
) -> None:
    calls: list[str] = []

    class Off(AbstractAsyncAccessLogger):
        def __init__(self, *args: object) -> None:
            pass

        @property
        def enabled(self) -> bool:
            return False

        async def log(
            self, request: BaseRequest, response: StreamResponse, request_start: float
        ) -> None:
            calls.append(request.path)

    server = await aiohttp_raw_server(ok, access_log=access_log, access_log_class=Off)
    client = await aiohttp_client(server)
    for path in ("/a", "/b"):
        async with client.get(path) as response:
            assert response.status == 200
    await client.close()  # waits for anything the server still had to do
    assert calls == []


def test_the_default_class_is_access_logger() -> None:
    assert web_protocol.RequestHandler.__init__.__kwdefaults__ is not None
    defaults = web_protocol.RequestHandler.__init__.__kwdefaults__
    assert defaults["access_log_class"] is AccessLogger
    assert defaults["access_log_format"] == AccessLogger.LOG_FORMAT


async def test_directives_on_a_real_request_and_response(
    access_log: logging.Logger,
) -> None:
    fmt = '%a "%r" %s %b %{Referer}i %{X-Resp}o %{Nope}o'
    access = AccessLogger(access_log, fmt)
    async with connection() as conn:
        req: BaseRequest = conn.request(
            b"POST /submit?x=%20y HTTP/1.0\r\nHost: h\r\nReferer: http://from/\r\n"
            b"Content-Length: 0\r\n\r\n"
        )
        resp = Response(status=201, headers={"X-Resp": "yes"})
        access.log(req, resp, 0.01)
    (record,) = records(access_log)
    assert record.getMessage() == (
        '127.0.0.1 "POST /submit?x=%20y HTTP/1.0" 201 0 http://from/ yes -'
    )
