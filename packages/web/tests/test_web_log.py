"""web_log.AccessLogger: the format micro-language, the record's extras, failures.

The manual's "Format specification" table is the checklist: each directive
is rendered on its own, then combined, then with literal text around it.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp import web_log
from aiohttp.http import HttpVersion10, HttpVersion11
from aiohttp.web_log import AccessLogger


class Recorder(logging.Handler):
    """Keeps every record the logger emits."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Iterator[Recorder]:
    handler = Recorder()
    logger = logging.getLogger(f"test_web_log.{request.node.name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def logger_of(recorder: Recorder, name: str) -> logging.Logger:
    del recorder
    return logging.getLogger(f"test_web_log.{name}")


def make_request(
    *,
    method: str = "GET",
    path_qs: str = "/path?q=1",
    version: Any = HttpVersion11,
    remote: str | None = "127.0.0.1",
    headers: dict[str, str] | None = None,
) -> Any:
    """A request as the logger sees it: only what it reads."""
    return SimpleNamespace(
        method=method,
        path_qs=path_qs,
        version=version,
        remote=remote,
        headers=CIMultiDictProxy(CIMultiDict(headers or {})),
    )


def make_response(
    *, status: int = 200, body_length: int = 42, headers: dict[str, str] | None = None
) -> Any:
    return SimpleNamespace(
        status=status, body_length=body_length, headers=CIMultiDict(headers or {})
    )


def render(
    recorder: Recorder,
    name: str,
    log_format: str,
    *,
    request: Any = None,
    response: Any = None,
    time_taken: float = 0.5,
) -> logging.LogRecord:
    access = AccessLogger(logger_of(recorder, name), log_format)
    access.log(request or make_request(), response or make_response(), time_taken)
    assert len(recorder.records) == 1
    return recorder.records[0]


def test_default_format_is_the_manuals() -> None:
    assert AccessLogger.LOG_FORMAT == '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'


def test_default_format_is_used_when_none_is_given(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    access = AccessLogger(logger_of(recorder, request.node.name))
    assert access.log_format == AccessLogger.LOG_FORMAT
    req = make_request(headers={"Referer": "http://ref/", "User-Agent": "ua/1"})
    access.log(req, make_response(status=404, body_length=7), 0.1)
    message = recorder.messages[0]
    assert re.fullmatch(
        r"127\.0\.0\.1 \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
        r'"GET /path\?q=1 HTTP/1\.1" 404 7 "http://ref/" "ua/1"',
        message,
    ), message


def test_the_record_is_info_level_on_the_given_logger(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    record = render(recorder, request.node.name, "%s")
    assert record.levelno == logging.INFO
    assert record.name == f"test_web_log.{request.node.name}"


@pytest.mark.parametrize(
    ("log_format", "request_kwargs", "response_kwargs", "time_taken", "expected"),
    [
        ("%a", {"remote": "10.0.0.7"}, {}, 0.5, "10.0.0.7"),
        ("%a", {"remote": None}, {}, 0.5, "-"),
        ("%r", {}, {}, 0.5, "GET /path?q=1 HTTP/1.1"),
        (
            "%r",
            {"method": "POST", "path_qs": "/a%20b", "version": HttpVersion10},
            {},
            0.5,
            "POST /a%20b HTTP/1.0",
        ),
        ("%s", {}, {"status": 503}, 0.5, "503"),
        ("%b", {}, {"body_length": 12345}, 0.5, "12345"),
        ("%b", {}, {"body_length": 0}, 0.5, "0"),
        ("%T", {}, {}, 3.7, "4"),
        ("%T", {}, {}, 0.2, "0"),
        ("%Tf", {}, {}, 1.5, "1.500000"),
        ("%Tf", {}, {}, 0.0000125, "0.000013"),
        ("%D", {}, {}, 1.5, "1500000"),
        ("%D", {}, {}, 0.0000004, "0"),
        ("%{X-Trace}i", {"headers": {"x-trace": "abc"}}, {}, 0.5, "abc"),
        ("%{X-Trace}i", {}, {}, 0.5, "-"),
        ("%{ETag}o", {}, {"headers": {"ETAG": '"v1"'}}, 0.5, '"v1"'),
        ("%{ETag}o", {}, {}, 0.5, "-"),
    ],
)
def test_each_directive(
    request: pytest.FixtureRequest,
    recorder: Recorder,
    log_format: str,
    request_kwargs: dict[str, Any],
    response_kwargs: dict[str, Any],
    time_taken: float,
    expected: str,
) -> None:
    record = render(
        recorder,
        request.node.name,
        log_format,
        request=make_request(**request_kwargs),
        response=make_response(**response_kwargs),
        time_taken=time_taken,
    )
    assert record.getMessage() == expected


def test_process_id(request: pytest.FixtureRequest, recorder: Recorder) -> None:
    record = render(recorder, request.node.name, "%P")
    assert record.getMessage() == f"<{os.getpid()}>"


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def test_start_time_is_now_minus_time_taken_in_local_time(
    request: pytest.FixtureRequest, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_700_000_000.25
    monkeypatch.setattr(web_log, "time_mod", FrozenClock(now))
    record = render(recorder, request.node.name, "%t", time_taken=10.0)
    start = datetime.datetime.fromtimestamp(now - 10.0).astimezone()
    assert record.getMessage() == start.strftime("[%d/%b/%Y:%H:%M:%S %z]")


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
def test_start_time_follows_summer_time(
    request: pytest.FixtureRequest, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A POSIX rule needs no tz database: CET, CEST from March to October.
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    try:
        access = AccessLogger(logger_of(recorder, request.node.name), "%t")
        winter = datetime.datetime(2024, 1, 15, 12, 0, 0, tzinfo=datetime.timezone.utc)
        summer = datetime.datetime(2024, 7, 15, 12, 0, 0, tzinfo=datetime.timezone.utc)
        for moment in (winter, summer):
            monkeypatch.setattr(web_log, "time_mod", FrozenClock(moment.timestamp()))
            access.log(make_request(), make_response(), 0.0)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert recorder.messages == [
        "[15/Jan/2024:13:00:00 +0100]",
        "[15/Jul/2024:14:00:00 +0200]",
    ]


def test_start_time_is_rendered_again_each_second(
    request: pytest.FixtureRequest, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FrozenClock(1_700_000_100.0)
    monkeypatch.setattr(web_log, "time_mod", clock)
    access = AccessLogger(logger_of(recorder, request.node.name), "%t")
    moments = (1_700_000_100.0, 1_700_000_100.9, 1_700_000_101.0, 1_700_000_100.5)
    for now in moments:
        clock.now = now
        access.log(make_request(), make_response(), 0.0)
    assert recorder.messages == [
        datetime.datetime.fromtimestamp(now)
        .astimezone()
        .strftime("[%d/%b/%Y:%H:%M:%S %z]")
        for now in moments
    ]
    assert len(set(recorder.messages)) == 2


@pytest.mark.parametrize(
    ("log_format", "expected"),
    [
        ("%%", "%"),
        ("100%%", "100%"),
        ("%%s", "%s"),  # the first % escapes the second: no status here
        ("%%%s", "%200"),
        ("%s%%", "200%"),
        ("status=%s bytes=%b", "status=200 bytes=42"),
        ("[%s]{%b}", "[200]{42}"),
    ],
)
def test_percent_sign_and_literal_text(
    request: pytest.FixtureRequest, recorder: Recorder, log_format: str, expected: str
) -> None:
    record = render(recorder, request.node.name, log_format)
    assert record.getMessage() == expected


@pytest.mark.parametrize(
    "log_format",
    [
        "%",
        "trailing %",
        "%X %Q %z",
        "%d %i %o %(name)s",
        "%{Referer",
        "%{}i",
        "%{Referer}x",
        "%{Bad Name}i",
        "%{Referer}",
        "{X} {Referer}i",
        "%5s %-3b",
    ],
)
def test_anything_else_is_kept_as_written(
    request: pytest.FixtureRequest, recorder: Recorder, log_format: str
) -> None:
    record = render(recorder, request.node.name, log_format)
    assert record.getMessage() == log_format
    assert record.levelno == logging.INFO


def test_unknown_text_around_directives(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    record = render(
        recorder,
        request.node.name,
        '%T "%{ETag}o" %X {X} %%P %',
        response=make_response(headers={"ETag": "e"}),
        time_taken=2.0,
    )
    assert record.getMessage() == '2 "e" %X {X} %P %'


def test_extra_carries_every_value_by_name(
    request: pytest.FixtureRequest, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_log, "time_mod", FrozenClock(1_700_000_000.0))
    record = render(
        recorder,
        request.node.name,
        "%a %t %P %r %s %b %T %Tf %D %{Referer}i %{User-Agent}i %{ETag}o",
        request=make_request(headers={"Referer": "r"}),
        response=make_response(status=201, body_length=9, headers={"ETag": "e"}),
        time_taken=0.25,
    )
    start = datetime.datetime.fromtimestamp(1_700_000_000 - 0.25).astimezone()
    expected = {
        "remote_address": "127.0.0.1",
        "request_start_time": start.strftime("[%d/%b/%Y:%H:%M:%S %z]"),
        "process_id": f"<{os.getpid()}>",
        "first_request_line": "GET /path?q=1 HTTP/1.1",
        "response_status": 201,
        "response_size": 9,
        "request_time": "0",
        "request_time_frac": "0.250000",
        "request_time_micro": "250000",
        "request_header": {"Referer": "r", "User-Agent": "-"},
        "response_header": {"ETag": "e"},
    }
    for key, value in expected.items():
        assert getattr(record, key) == value, key


def test_extra_holds_only_the_format_directives(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    record = render(recorder, request.node.name, "%s %%")
    assert record.response_status == 200  # type: ignore[attr-defined]
    for absent in ("remote_address", "first_request_line", "request_header"):
        assert not hasattr(record, absent)


def test_a_directive_used_twice_is_logged_twice(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    record = render(recorder, request.node.name, "%s/%s %{A}i %{a}i")
    assert record.getMessage() == "200/200 - -"
    assert record.request_header == {"A": "-", "a": "-"}  # type: ignore[attr-defined]


def test_formats_with_percent_placeholders_do_not_confuse_logging(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    # The message is formatted before it reaches logging: a header value
    # holding "%s" is text, not a placeholder.
    record = render(
        recorder,
        request.node.name,
        "%{X}i",
        request=make_request(headers={"X": "%s %d %(x)s"}),
    )
    assert record.getMessage() == "%s %d %(x)s"
    assert record.args in ((), None)


def test_a_failing_value_is_logged_not_raised(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    class Broken:
        @property
        def remote(self) -> str:
            raise RuntimeError("peer is gone")

    access = AccessLogger(logger_of(recorder, request.node.name), "%a")
    access.log(Broken(), make_response(), 0.1)  # type: ignore[arg-type]
    (record,) = recorder.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Error in logging"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


def test_a_failing_handler_is_logged_not_raised(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    logger = logger_of(recorder, request.node.name)
    failures: list[str] = []

    class Flaky(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if record.levelno == logging.INFO:
                failures.append(record.getMessage())
                raise ValueError("handler broke")
            return True

    flaky = Flaky()
    logger.addFilter(flaky)
    try:
        AccessLogger(logger, "%s").log(make_request(), make_response(), 0.1)
    finally:
        logger.removeFilter(flaky)
    assert failures == ["200"]
    assert recorder.messages == ["Error in logging"]


@pytest.mark.parametrize(
    ("level", "enabled"),
    [
        (logging.DEBUG, True),
        (logging.INFO, True),
        (logging.WARNING, False),
        (logging.CRITICAL, False),
    ],
)
def test_enabled_follows_the_logger_level(
    request: pytest.FixtureRequest, recorder: Recorder, level: int, enabled: bool
) -> None:
    logger = logger_of(recorder, request.node.name)
    logger.setLevel(level)
    assert AccessLogger(logger).enabled is enabled


def test_enabled_follows_logging_disable(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    access = AccessLogger(logger_of(recorder, request.node.name))
    states = [access.enabled]
    logging.disable(logging.INFO)
    try:
        states.append(access.enabled)
    finally:
        logging.disable(logging.NOTSET)
    states.append(access.enabled)
    assert states == [True, False, True]


def test_a_disabled_logger_records_nothing(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    logger = logger_of(recorder, request.node.name)
    logger.setLevel(logging.WARNING)
    AccessLogger(logger).log(make_request(), make_response(), 0.1)
    assert recorder.records == []


def test_loggers_with_different_formats_do_not_share_state(
    request: pytest.FixtureRequest, recorder: Recorder
) -> None:
    logger = logger_of(recorder, request.node.name)
    first = AccessLogger(logger, "%s")
    second = AccessLogger(logger, "%b")
    third = AccessLogger(logger, "%s")
    for access in (first, second, third):
        access.log(make_request(), make_response(), 0.1)
    assert recorder.messages == ["200", "42", "200"]


def test_no_instance_dict() -> None:
    access = AccessLogger(logging.getLogger("test_web_log.slots"))
    assert not hasattr(access, "__dict__")
