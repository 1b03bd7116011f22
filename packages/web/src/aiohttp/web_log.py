"""The default access logger and its format micro-language.

A format such as ``'%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'`` is
compiled once per distinct format string into two things:

- a ``%``-style template in which every directive became ``%s`` and every
  literal ``%`` was doubled, and
- one getter per directive, each a small function
  ``(request, response, time) -> value`` with a key that names the value in
  the log record's ``extra``.

``log()`` then only calls the getters and formats the template once.

Directives, with the ``extra`` key of each value (the rest of the text is
kept as it is, unknown directives included):

- ``%%``: a percent sign.
- ``%a``: ``request.remote``, ``-`` when unknown (``remote_address``).
- ``%t``: the local time the request started, as
  ``[10/Oct/2000:13:55:36 -0700]`` (``request_start_time``).
- ``%P``: ``<pid>`` of the serving process (``process_id``).
- ``%r``: the request line, ``GET /path?q=1 HTTP/1.1``
  (``first_request_line``).
- ``%s``: the response status (``response_status``).
- ``%b``: ``response.body_length``, the bytes sent for the response; like
  aiohttp, the status line and headers count too (``response_size``).
- ``%T``: seconds taken, rounded (``request_time``).
- ``%Tf``: seconds taken, ``%06f`` (``request_time_frac``).
- ``%D``: microseconds taken, rounded (``request_time_micro``).
- ``%{Name}i``: a request header, ``-`` when absent
  (``request_header[Name]``).
- ``%{Name}o``: a response header, ``-`` when absent
  (``response_header[Name]``).
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import time as time_mod
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from multidict import istr

from ._web_abc import AbstractAccessLogger as AbstractAccessLogger
from ._web_abc import AbstractAsyncAccessLogger as AbstractAsyncAccessLogger

if TYPE_CHECKING:
    import logging

    from .web_request import BaseRequest
    from .web_response import StreamResponse

__all__ = ("AccessLogger",)

_Getter: TypeAlias = Callable[["BaseRequest", "StreamResponse", float], object]
# A plain key files the value under extra[key]; a pair (group, name) files
# it under extra[group][name], for the header directives.
_ExtraKey: TypeAlias = "str | tuple[str, str]"

# A header name is an RFC 9110 token; "}" ends it.
_DIRECTIVE_RE = re.compile(
    r"%(?:\{(?P<header>[A-Za-z0-9!#$&'*+.^_`|~-]+)\}(?P<kind>[io])"
    r"|(?P<atom>Tf|[atPrsbTD%]))"
)


def _remote(request: BaseRequest, response: StreamResponse, time: float) -> str:
    remote = request.remote
    return "-" if remote is None else remote


# The start time changes only once a second: keep the last rendering.
_last_start: tuple[int, str] = (-1, "")


def _start_time(request: BaseRequest, response: StreamResponse, time: float) -> str:
    global _last_start  # noqa: PLW0603 - a one-entry cache shared by all loggers
    start = time_mod.time() - time
    second = int(start)
    cached_second, text = _last_start
    if second != cached_second:
        # astimezone() picks the local offset in force at that instant, so
        # summer time shows as such.
        moment = datetime.datetime.fromtimestamp(second, datetime.timezone.utc)
        text = moment.astimezone().strftime("[%d/%b/%Y:%H:%M:%S %z]")
        _last_start = (second, text)
    return text


def _process_id(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return f"<{os.getpid()}>"


def _first_line(request: BaseRequest, response: StreamResponse, time: float) -> str:
    version = request.version
    return f"{request.method} {request.path_qs} HTTP/{version.major}.{version.minor}"


def _status(request: BaseRequest, response: StreamResponse, time: float) -> int:
    return response.status


def _size(request: BaseRequest, response: StreamResponse, time: float) -> int:
    return response.body_length


def _seconds(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(round(time))


def _seconds_frac(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return f"{time:06f}"


def _microseconds(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(round(time * 1_000_000))


_ATOMS: dict[str, tuple[str, _Getter]] = {
    "a": ("remote_address", _remote),
    "t": ("request_start_time", _start_time),
    "P": ("process_id", _process_id),
    "r": ("first_request_line", _first_line),
    "s": ("response_status", _status),
    "b": ("response_size", _size),
    "T": ("request_time", _seconds),
    "Tf": ("request_time_frac", _seconds_frac),
    "D": ("request_time_micro", _microseconds),
}


def _request_header(name: str) -> _Getter:
    key = istr(name)

    def get(request: BaseRequest, response: StreamResponse, time: float) -> str:
        return request.headers.get(key, "-")

    return get


def _response_header(name: str) -> _Getter:
    key = istr(name)

    def get(request: BaseRequest, response: StreamResponse, time: float) -> str:
        return response.headers.get(key, "-")

    return get


@functools.lru_cache(maxsize=64)
def _compile(
    log_format: str,
) -> tuple[str, tuple[_ExtraKey, ...], tuple[_Getter, ...]]:
    """Compile ``log_format`` to (template, extra keys, getters)."""
    parts: list[str] = []
    keys: list[_ExtraKey] = []
    getters: list[_Getter] = []
    end = 0
    for match in _DIRECTIVE_RE.finditer(log_format):
        parts.append(log_format[end : match.start()].replace("%", "%%"))
        end = match.end()
        atom = match["atom"]
        if atom == "%":
            parts.append("%%")
            continue
        parts.append("%s")
        if atom is not None:
            key, getter = _ATOMS[atom]
            keys.append(key)
            getters.append(getter)
        elif match["kind"] == "i":
            keys.append(("request_header", match["header"]))
            getters.append(_request_header(match["header"]))
        else:
            keys.append(("response_header", match["header"]))
            getters.append(_response_header(match["header"]))
    parts.append(log_format[end:].replace("%", "%%"))
    return "".join(parts), tuple(keys), tuple(getters)


class AccessLogger(AbstractAccessLogger):
    """Writes one INFO record per request, in the format given.

    Each record also carries the values under descriptive names in its
    ``extra`` (``record.remote_address``, ``record.request_header`` ...) so
    structured log handlers need not parse the message.
    """

    __slots__ = ("_getters", "_keys", "_template")

    LOG_FORMAT: ClassVar[str] = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'

    def __init__(self, logger: logging.Logger, log_format: str = LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        self._template, self._keys, self._getters = _compile(log_format)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Emit the record; a failure is logged, never raised to the server."""
        try:
            values = [getter(request, response, time) for getter in self._getters]
            extra: dict[str, object] = {}
            for key, value in zip(self._keys, values, strict=True):
                if isinstance(key, str):
                    extra[key] = value
                else:
                    group, name = key
                    headers = extra.get(group)
                    if headers is None:
                        headers = extra[group] = {}
                    headers[name] = value  # type: ignore[index]
            self.logger.info(self._template % tuple(values), extra=extra)
        except Exception:
            self.logger.exception("Error in logging")
