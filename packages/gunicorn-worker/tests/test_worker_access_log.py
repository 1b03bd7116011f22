"""gunicorn's access_log_format, as the worker hands it to aiohttp's access logger."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gunicorn.config import AccessLogFormat, Config  # type: ignore[import-untyped]
from gunicorn_worker_harness import start_gunicorn, wait_for

from aiohttp._worker_access_log import access_log_format, gunicorn_fields
from aiohttp.web_log import AccessLogger
from aiohttp.worker import GunicornWebWorker


def test_gunicorn_default_becomes_aiohttp_default() -> None:
    assert (
        AccessLogFormat.default
        == '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    )
    assert access_log_format(AccessLogFormat.default) == AccessLogger.LOG_FORMAT
    assert access_log_format(AccessLogFormat.default) == (
        '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'
    )


def test_worker_class_names_both_defaults() -> None:
    assert AccessLogFormat.default == GunicornWebWorker.DEFAULT_GUNICORN_LOG_FORMAT
    assert GunicornWebWorker.DEFAULT_AIOHTTP_LOG_FORMAT == AccessLogger.LOG_FORMAT


@pytest.mark.parametrize(
    "log_format",
    [
        '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"',
        "%a %s %Tf %{X-Request-Id}o",
        "100%% sure: %r",
        "%%(h)s is text here",  # a literal "%(h)s" in aiohttp's language
        "",
    ],
)
def test_aiohttp_formats_pass_through(log_format: str) -> None:
    assert access_log_format(log_format) == log_format


@pytest.mark.parametrize(
    ("log_format", "fields"),
    [
        ("%(h)s %(r)s", ["h", "r"]),
        ('%a "%({x-request-id}i)s"', ["{x-request-id}i"]),
        ("%%%(s)s", ["s"]),  # a literal percent, then a gunicorn field
    ],
)
def test_gunicorn_fields_are_refused(log_format: str, fields: list[str]) -> None:
    assert gunicorn_fields(log_format) == fields
    with pytest.raises(ValueError, match="gunicorn's") as refused:
        access_log_format(log_format)
    message = str(refused.value)
    for name in fields:
        assert f"%({name})s" in message
    assert AccessLogger.LOG_FORMAT in message


def test_check_config_refuses_before_forking() -> None:
    cfg = Config()
    cfg.set("access_log_format", "%(h)s %(s)s")
    with pytest.raises(RuntimeError, match=r"%\(h\)s, %\(s\)s"):
        GunicornWebWorker.check_config(cfg, None)
    cfg.set("access_log_format", "%a %s")
    GunicornWebWorker.check_config(cfg, None)


def test_real_gunicorn_stops_on_a_gunicorn_style_format(tmp_path: Path) -> None:
    with start_gunicorn(
        tmp_path,
        "gunicorn_worker_apps:app",
        "--access-logfile",
        str(tmp_path / "access.log"),
        "--access-logformat",
        "%(h)s %(r)s",
        ready=False,
    ) as server:
        assert server.wait_exit() == 1
        assert "Error: access_log_format '%(h)s %(r)s' uses gunicorn's" in (
            server.output_text()
        )
        assert "Booting worker" not in server.log_text()


def test_real_gunicorn_logs_in_aiohttp_format_by_default(tmp_path: Path) -> None:
    access = tmp_path / "access.log"
    with start_gunicorn(
        tmp_path, "gunicorn_worker_apps:app", "--access-logfile", str(access)
    ) as server:
        status, _ = server.get(
            "/?q=1", headers={"Referer": "http://ref/", "User-Agent": "tester/1"}
        )
        assert status == 200
        wait_for(lambda: "GET /?q=1 " in access.read_text(), "the access log line")
    # aiohttp's default: %a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"
    line = next(
        line for line in access.read_text().splitlines() if "GET /?q=1 " in line
    )
    assert line.startswith("127.0.0.1 [")
    assert '] "GET /?q=1 HTTP/1.1" 200 ' in line
    assert line.endswith(' "http://ref/" "tester/1"'), line


def test_real_gunicorn_uses_an_aiohttp_format_as_given(tmp_path: Path) -> None:
    access = tmp_path / "access.log"
    with start_gunicorn(
        tmp_path,
        "gunicorn_worker_apps:app",
        "--access-logfile",
        str(access),
        "--access-logformat",
        "pid=%P status=%s line=%r",
    ) as server:
        status, _ = server.get("/custom")
        assert status == 404
        wait_for(lambda: "/custom" in access.read_text(), "the access log line")
    (line,) = [line for line in access.read_text().splitlines() if "/custom" in line]
    assert re.fullmatch(r"pid=<\d+> status=404 line=GET /custom HTTP/1\.1", line), line
