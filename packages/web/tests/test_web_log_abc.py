"""The access-logger seams: AbstractAccessLogger and AbstractAsyncAccessLogger."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from multidict import CIMultiDict

from aiohttp._web_abc import AbstractAccessLogger, AbstractAsyncAccessLogger
from aiohttp.web_log import AccessLogger

if TYPE_CHECKING:
    from aiohttp.web_request import BaseRequest
    from aiohttp.web_response import StreamResponse


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logger(request: pytest.FixtureRequest) -> Iterator[logging.Logger]:
    log = logging.getLogger(f"test_web_log_abc.{request.node.name}")
    log.setLevel(logging.INFO)
    log.propagate = False
    yield log
    log.handlers.clear()


def stand_in_request() -> Any:
    return SimpleNamespace(
        remote="::1", method="PUT", path="/items/7", headers=CIMultiDict()
    )


def stand_in_response() -> Any:
    return SimpleNamespace(status=204, body_length=0, headers=CIMultiDict())


class ManualExample(AbstractAccessLogger):
    """The drop-in replacement the manual shows."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            f"{request.remote} "
            f'"{request.method} {request.path} '
            f"done in {time}s: {response.status}"
        )


def test_abstract_access_logger_needs_log(logger: logging.Logger) -> None:
    with pytest.raises(TypeError):
        AbstractAccessLogger(logger, "%s")  # type: ignore[abstract]

    class Incomplete(AbstractAccessLogger):
        pass

    with pytest.raises(TypeError):
        Incomplete(logger, "%s")  # type: ignore[abstract]


def test_a_subclass_keeps_logger_and_format_public(logger: logging.Logger) -> None:
    access = ManualExample(logger, "my format")
    assert access.logger is logger
    assert access.log_format == "my format"


def test_the_manuals_example_logs(logger: logging.Logger) -> None:
    recorder = Recorder()
    logger.addHandler(recorder)
    access = ManualExample(logger, AccessLogger.LOG_FORMAT)
    access.log(stand_in_request(), stand_in_response(), 0.5)
    assert [r.getMessage() for r in recorder.records] == [
        '::1 "PUT /items/7 done in 0.5s: 204'
    ]


def test_enabled_defaults_to_the_logger_taking_info(logger: logging.Logger) -> None:
    access = ManualExample(logger, "")
    assert access.enabled is True
    logger.setLevel(logging.ERROR)
    assert access.enabled is False


def test_enabled_can_be_overridden(logger: logging.Logger) -> None:
    class Sampled(ManualExample):
        @property
        def enabled(self) -> bool:
            return False

    logger.setLevel(logging.DEBUG)
    assert Sampled(logger, "").enabled is False


def test_a_subclass_may_add_attributes(logger: logging.Logger) -> None:
    class Counting(ManualExample):
        def __init__(self, logger: logging.Logger, log_format: str) -> None:
            super().__init__(logger, log_format)
            self.count = 0

        def log(
            self, request: BaseRequest, response: StreamResponse, time: float
        ) -> None:
            self.count += 1

    access = Counting(logger, "")
    access.log(stand_in_request(), stand_in_response(), 0.0)
    assert access.count == 1


def test_access_logger_is_an_abstract_access_logger(logger: logging.Logger) -> None:
    assert issubclass(AccessLogger, AbstractAccessLogger)
    assert not issubclass(AccessLogger, AbstractAsyncAccessLogger)


def test_abstract_async_access_logger_needs_log() -> None:
    with pytest.raises(TypeError):
        AbstractAsyncAccessLogger()  # type: ignore[abstract]


async def test_an_async_access_logger_is_awaited() -> None:
    seen: list[tuple[Any, Any, float]] = []

    class Queued(AbstractAsyncAccessLogger):
        async def log(
            self, request: BaseRequest, response: StreamResponse, request_start: float
        ) -> None:
            await asyncio.sleep(0)
            seen.append((request, response, request_start))

    access = Queued()
    assert access.enabled is True
    req, resp = stand_in_request(), stand_in_response()
    await asyncio.wait_for(access.log(req, resp, 12.5), 5)
    assert seen == [(req, resp, 12.5)]
    assert not issubclass(Queued, AbstractAccessLogger)
