"""Which access-log format a gunicorn worker hands to aiohttp's access logger.

gunicorn and aiohttp spell access-log formats differently: gunicorn uses
``%(name)s`` fields (``%(h)s %(l)s %(u)s %(t)s "%(r)s" ...``), aiohttp uses
Apache-like directives (``%a %t "%r" %s %b``, see :mod:`aiohttp.web_log`).
The worker always logs with aiohttp's logger, so:

- gunicorn's *default* format (the user did not choose one) becomes
  aiohttp's default format;
- any other format is taken as aiohttp's and passed through unchanged;
- a format that still holds gunicorn ``%(name)s`` fields is refused at
  start-up with a :exc:`ValueError` naming them, instead of logging lines
  full of literal ``%(h)s``.
"""

from __future__ import annotations

import re

from gunicorn.config import (  # type: ignore[import-untyped]
    AccessLogFormat as _GunicornAccessLogFormat,
)

from .web_log import AccessLogger

__all__ = (
    "AIOHTTP_DEFAULT_FORMAT",
    "GUNICORN_DEFAULT_FORMAT",
    "access_log_format",
)

AIOHTTP_DEFAULT_FORMAT: str = AccessLogger.LOG_FORMAT
GUNICORN_DEFAULT_FORMAT: str = _GunicornAccessLogFormat.default

# "%%" is a literal percent sign in aiohttp's language: matching it first
# keeps "%%(h)s" (which logs the text "%(h)s") from counting as a field.
_GUNICORN_FIELD = re.compile(r"%%|%\((?P<name>[^()]*)\)s")


def gunicorn_fields(log_format: str) -> list[str]:
    """The gunicorn ``%(name)s`` fields in ``log_format``, in order."""
    return [
        match["name"]
        for match in _GUNICORN_FIELD.finditer(log_format)
        if match["name"] is not None
    ]


def access_log_format(gunicorn_format: str) -> str:
    """The aiohttp format to log with for gunicorn's ``access_log_format``.

    Raises :exc:`ValueError` when the format uses gunicorn's own fields.
    """
    if gunicorn_format == GUNICORN_DEFAULT_FORMAT:
        return AIOHTTP_DEFAULT_FORMAT
    fields = gunicorn_fields(gunicorn_format)
    if fields:
        shown = ", ".join(f"%({name})s" for name in fields)
        raise ValueError(
            f"access_log_format {gunicorn_format!r} uses gunicorn's "
            f"%(name)s fields ({shown}), which aiohttp's access logger does "
            "not understand. Write it in aiohttp's format instead (the "
            f"default is {AIOHTTP_DEFAULT_FORMAT!r}; see 'Format "
            "specification' in aiohttp's logging documentation), or leave "
            "access_log_format unset to get aiohttp's default."
        )
    return gunicorn_format
