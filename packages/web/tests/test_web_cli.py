"""The command line: ``python -m aiohttp.web [-H HOST] [-P PORT] [-U PATH] mod:func``.

Mistakes in the entry function are argparse errors (usage on stderr, exit
status 2), checked in-process through ``main(argv)``. Serving is checked in
a child process started exactly as the manual shows, with the entry
function's module importable through ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import sys
from pathlib import Path

import pytest
from web_run_app_harness import child_env, free_port, get, spawn

from aiohttp import web
from aiohttp._web_run_app import main

ENTRY_MODULE = """\
import asyncio
import json

from aiohttp import web


async def show_argv(request):
    return web.json_response(request.app[ARGV])


ARGV = web.AppKey("argv", list)


def init(argv):
    app = web.Application()
    app[ARGV] = argv
    app.router.add_get("/", show_argv)
    return app


async def init_async(argv):
    await asyncio.sleep(0)
    return init(["async", *argv])


not_callable_here = 42
"""


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``main(argv)`` expected to exit; its status and stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    code = exit_info.value.code
    assert isinstance(code, int)
    return code, capsys.readouterr().err


@pytest.fixture
def entry_dir(tmp_path: Path) -> Path:
    (tmp_path / "cli_entry_app.py").write_text(ENTRY_MODULE)
    return tmp_path


def test_the_facade_lends_run_app() -> None:
    assert web.run_app.__module__ == "aiohttp._web_run_app"


@pytest.mark.parametrize("spec", ["", "module_only", ":function_only", ":"])
def test_an_entry_func_not_in_module_function_syntax(
    spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_main([spec], capsys)
    assert code == 2
    assert err.splitlines()[-1] == (
        "aiohttp.web: error: 'entry-func' not in 'module:function' syntax"
    )


def test_a_relative_module_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main([".pkg.mod:init"], capsys)
    assert code == 2
    assert (
        err.splitlines()[-1]
        == "aiohttp.web: error: relative module names not supported"
    )


def test_a_module_that_does_not_import(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main(["no_such_module_for_the_cli:init"], capsys)
    assert code == 2
    assert err.splitlines()[-1] == (
        "aiohttp.web: error: unable to import no_such_module_for_the_cli: "
        "No module named 'no_such_module_for_the_cli'"
    )


def test_a_module_without_the_function(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main(["json:no_such_function"], capsys)
    assert code == 2
    assert err.splitlines()[-1] == (
        "aiohttp.web: error: module 'json' has no attribute 'no_such_function'"
    )


def test_no_entry_func_at_all(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main([], capsys)
    assert code == 2
    assert "usage: aiohttp.web" in err
    assert "entry-func" in err.splitlines()[-1]


def test_a_port_must_be_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main(["-P", "eighty", "json:loads"], capsys)
    assert code == 2
    assert "argument -P/--port: invalid int value: 'eighty'" in err


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: aiohttp.web")
    for option in ("entry-func", "-H HOSTNAME", "-P PORT", "-U PATH"):
        assert option in out


SELF_STOPPING_MODULE = """\
import asyncio

from aiohttp import web
from aiohttp.web_runner import GracefulExit

SEEN = []


def init(argv):
    SEEN.append(argv)
    app = web.Application()

    async def stop_soon(app):
        def stop():
            raise GracefulExit()

        asyncio.get_running_loop().call_later(0.05, stop)

    app.on_startup.append(stop_soon)
    return app
"""


def test_main_serves_until_stopped_then_exits_0(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "cli_self_stopping.py").write_text(SELF_STOPPING_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    # The CLI configures logging for a terminal; not this test process's.
    configured: list[dict[str, object]] = []
    monkeypatch.setattr("logging.basicConfig", lambda **kw: configured.append(kw))
    port = free_port()
    argv = ["-H", "127.0.0.1", "-P", str(port), "cli_self_stopping:init", "-x", "y"]
    code, err = run_main(argv, capsys)
    assert code == 0
    assert err == "Stopped\n"
    module = sys.modules.pop("cli_self_stopping")
    assert module.SEEN == [["-x", "y"]]
    assert configured == [{"level": logging.DEBUG}]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX")
def test_main_with_a_unix_path_alone(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    directory = tmp_path_factory.mktemp("cli")
    if len(bytes(directory)) > 80:
        pytest.skip("temporary directory path too long for a Unix socket")
    (directory / "cli_self_stopping.py").write_text(SELF_STOPPING_MODULE)
    monkeypatch.syspath_prepend(str(directory))
    monkeypatch.setattr("logging.basicConfig", lambda **kw: None)
    sock_path = directory / "main.sock"
    code, err = run_main(["-U", str(sock_path), "cli_self_stopping:init"], capsys)
    sys.modules.pop("cli_self_stopping")
    assert (code, err) == (0, "Stopped\n")


def test_a_path_without_unix_sockets_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delattr(socket, "AF_UNIX", raising=False)
    code, err = run_main(["-U", "/tmp/x.sock", "json:loads"], capsys)
    assert code == 2
    assert err.splitlines()[-1] == (
        "aiohttp.web: error: file system paths not supported by your operating "
        "environment"
    )


# -- serving, in a child process ---------------------------------------------------


async def test_serves_the_entry_function_app_with_the_rest_of_argv(
    entry_dir: Path,
) -> None:
    port = free_port()
    args = ["-m", "aiohttp.web", "-H", "127.0.0.1", "-P", str(port)]
    args += ["cli_entry_app:init", "--repeat", "3", "extra"]
    async with spawn(args, env=child_env(entry_dir)) as child:
        lines = await child.wait_started()
        assert lines[0] == f"======== Running on http://127.0.0.1:{port} ========"
        response = await get(port)
        assert response.status == 200
        assert json.loads(response.body) == ["--repeat", "3", "extra"]
        assert await child.stop(signal.SIGTERM) == 0
    # argparse's exit message, on stderr; the CLI logs at DEBUG there too.
    assert child.stderr.endswith("Stopped\n")


async def test_an_async_entry_function(entry_dir: Path) -> None:
    port = free_port()
    args = ["-m", "aiohttp.web", "-H", "127.0.0.1", "-P", str(port)]
    async with spawn(
        [*args, "cli_entry_app:init_async"], env=child_env(entry_dir)
    ) as child:
        await child.wait_started()
        assert json.loads((await get(port)).body) == ["async"]
        assert await child.stop(signal.SIGINT) == 0


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX")
async def test_a_unix_path_alone_serves_no_tcp(
    entry_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("cli")
    if len(bytes(directory)) > 80:
        pytest.skip("temporary directory path too long for a Unix socket")
    sock_path = directory / "cli.sock"
    args = ["-m", "aiohttp.web", "-U", str(sock_path), "cli_entry_app:init"]
    async with spawn(args, env=child_env(entry_dir)) as child:
        lines = await child.wait_started()
        assert lines[0] == f"======== Running on http://unix:{sock_path}: ========"
        response = await get(0, unix=str(sock_path))
        assert json.loads(response.body) == []
        assert await child.stop() == 0


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX")
async def test_a_unix_path_and_a_hostname_serve_both(
    entry_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("cli")
    if len(bytes(directory)) > 80:
        pytest.skip("temporary directory path too long for a Unix socket")
    sock_path = directory / "cli.sock"
    port = free_port()
    args = ["-m", "aiohttp.web", "-U", str(sock_path), "-H", "127.0.0.1"]
    args += ["-P", str(port), "cli_entry_app:init"]
    async with spawn(args, env=child_env(entry_dir)) as child:
        lines = await child.wait_started()
        names = f"http://127.0.0.1:{port}, http://unix:{sock_path}:"
        assert lines[0] == f"======== Running on {names} ========"
        assert (await get(port)).status == 200
        assert (await get(0, unix=str(sock_path))).status == 200
        assert await child.stop() == 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("cli_entry_app", "'entry-func' not in 'module:function' syntax"),
        ("cli_entry_app:missing", "module 'cli_entry_app' has no attribute 'missing'"),
        ("not_a_module_anywhere:init", "unable to import not_a_module_anywhere"),
    ],
)
async def test_errors_from_the_command_line(
    entry_dir: Path, spec: str, message: str
) -> None:
    async with spawn(["-m", "aiohttp.web", spec], env=child_env(entry_dir)) as child:
        assert await child.finish() == 2
    assert child.lines == []
    assert child.stderr.startswith("usage: aiohttp.web")
    assert f"aiohttp.web: error: {message}" in child.stderr
