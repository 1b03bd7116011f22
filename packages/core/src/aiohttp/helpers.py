"""Various helpers (aiohttp.helpers), kept for import compatibility.

This module only re-exports: each helper lives in a focused private module
of aiotide-core (``_basic_auth``, ``_mimetype``, ``_content_disposition``,
``_etag``, ``_chain_map``, ``_reify``, ``_timers``, ``_http_dates``,
``_futures``, ``_headers_mixin``, ...). aiohttp's client-only helpers (netrc
and proxy environment) and web-only ones (``AppKey``) belong to those
distributions.
"""

from __future__ import annotations

import os
from typing import Final, TypeAlias

from . import _sentinel
from ._basic_auth import BasicAuth, encode_basic_auth, strip_auth_from_url
from ._chain_map import BaseKey, ChainMapProxy
from ._content_disposition import (
    content_disposition_header,
    guess_filename,
    quoted_string,
)
from ._etag import (
    ETAG_ANY,
    LIST_QUOTED_ETAG_RE,
    QUOTED_ETAG_RE,
    ETag,
    validate_etag_value,
)
from ._futures import ErrorableProtocol, set_exception, set_result
from ._headers_mixin import HeadersMixin
from ._hosts import is_ip_address
from ._http_chars import CHAR, CTL, SEPARATORS, TOKEN
from ._http_dates import parse_http_date, rfc822_formatted_time
from ._message_body import (
    EMPTY_BODY_METHODS,
    EMPTY_BODY_STATUS_CODES,
    must_be_empty_body,
    should_remove_content_length,
)
from ._mimetype import MimeType, parse_content_type, parse_mimetype
from ._reify import reify
from ._sentinel import sentinel
from ._timers import (
    BaseTimerContext,
    TimeoutHandle,
    TimerContext,
    TimerNoop,
    calculate_timeout_when,
    call_later,
    ceil_timeout,
)

__all__ = (
    # constants
    "DEFAULT_CHUNK_SIZE",
    "NO_EXTENSIONS",
    "CHAR",
    "CTL",
    "SEPARATORS",
    "TOKEN",
    "EMPTY_BODY_METHODS",
    "EMPTY_BODY_STATUS_CODES",
    "sentinel",
    # basic auth
    "BasicAuth",
    "encode_basic_auth",
    "strip_auth_from_url",
    # media types and Content-Disposition
    "MimeType",
    "parse_mimetype",
    "parse_content_type",
    "quoted_string",
    "content_disposition_header",
    "guess_filename",
    # entity tags
    "ETag",
    "ETAG_ANY",
    "QUOTED_ETAG_RE",
    "LIST_QUOTED_ETAG_RE",
    "validate_etag_value",
    # dates
    "parse_http_date",
    "rfc822_formatted_time",
    # mappings and descriptors
    "BaseKey",
    "ChainMapProxy",
    "reify",
    "HeadersMixin",
    # messages and hosts
    "must_be_empty_body",
    "should_remove_content_length",
    "is_ip_address",
    # futures
    "ErrorableProtocol",
    "set_result",
    "set_exception",
    # timeouts
    "BaseTimerContext",
    "TimerNoop",
    "TimerContext",
    "TimeoutHandle",
    "call_later",
    "calculate_timeout_when",
    "ceil_timeout",
)

#: The default size of the chunks payloads are read and written in.
DEFAULT_CHUNK_SIZE: Final = 2**18
#: Set AIOHTTP_NO_EXTENSIONS to any non-empty value to use pure Python only.
NO_EXTENSIONS: Final = bool(os.environ.get("AIOHTTP_NO_EXTENSIONS"))

# Private, but code written for aiohttp imports it from here to annotate
# "argument or sentinel" parameters.
_SENTINEL: TypeAlias = _sentinel._SENTINEL
