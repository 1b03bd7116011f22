"""Client tracing (Tracing Reference, §12.1.4): TraceConfig, params, Trace.

End-to-end tracing through a session lives with the session's tests; here
the pieces are checked on their own, with stand-ins for the session and
the response (the signals pass them through untouched).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

import aiohttp
from aiohttp import tracing
from aiohttp._signals import Signal
from aiohttp.tracing import (
    Trace,
    TraceConfig,
    TraceConnectionCreateEndParams,
    TraceConnectionCreateStartParams,
    TraceConnectionQueuedEndParams,
    TraceConnectionQueuedStartParams,
    TraceConnectionReuseconnParams,
    TraceDnsCacheHitParams,
    TraceDnsCacheMissParams,
    TraceDnsResolveHostEndParams,
    TraceDnsResolveHostStartParams,
    TraceRequestChunkSentParams,
    TraceRequestEndParams,
    TraceRequestExceptionParams,
    TraceRequestHeadersSentParams,
    TraceRequestRedirectParams,
    TraceRequestStartParams,
    TraceResponseChunkReceivedParams,
)

SIGNALS = (
    "on_request_start",
    "on_request_chunk_sent",
    "on_response_chunk_received",
    "on_request_end",
    "on_request_exception",
    "on_request_redirect",
    "on_connection_queued_start",
    "on_connection_queued_end",
    "on_connection_create_start",
    "on_connection_create_end",
    "on_connection_reuseconn",
    "on_dns_resolvehost_start",
    "on_dns_resolvehost_end",
    "on_dns_cache_hit",
    "on_dns_cache_miss",
    "on_request_headers_sent",
)

# The fields the reference gives each parameters class, in order.
PARAMS_FIELDS: dict[type[Any], tuple[str, ...]] = {
    TraceRequestStartParams: ("method", "url", "headers"),
    TraceRequestChunkSentParams: ("method", "url", "chunk"),
    TraceResponseChunkReceivedParams: ("method", "url", "chunk"),
    TraceRequestEndParams: ("method", "url", "headers", "response"),
    TraceRequestExceptionParams: ("method", "url", "headers", "exception"),
    TraceRequestRedirectParams: ("method", "url", "headers", "response"),
    TraceRequestHeadersSentParams: ("method", "url", "headers"),
    TraceConnectionQueuedStartParams: (),
    TraceConnectionQueuedEndParams: (),
    TraceConnectionCreateStartParams: (),
    TraceConnectionCreateEndParams: (),
    TraceConnectionReuseconnParams: (),
    TraceDnsResolveHostStartParams: ("host",),
    TraceDnsResolveHostEndParams: ("host",),
    TraceDnsCacheHitParams: ("host",),
    TraceDnsCacheMissParams: ("host",),
}

SESSION: Any = object()  # stands in for the ClientSession
RESPONSE: Any = object()  # stands in for a ClientResponse
URL_ = URL("http://example.com/path?q=1")


Handler = Callable[[Any, Any, Any], Awaitable[None]]


def recorder(calls: list[tuple[str, Any, Any, Any]], name: str) -> Handler:
    async def handler(session: Any, ctx: Any, params: Any) -> None:
        calls.append((name, session, ctx, params))

    return handler


# --- the parameters classes ---------------------------------------------------


@pytest.mark.parametrize("cls", list(PARAMS_FIELDS), ids=lambda c: c.__name__)
def test_params_have_the_reference_fields(cls: type[Any]) -> None:
    assert dataclasses.is_dataclass(cls)
    assert tuple(f.name for f in dataclasses.fields(cls)) == PARAMS_FIELDS[cls]


@pytest.mark.parametrize("cls", list(PARAMS_FIELDS), ids=lambda c: c.__name__)
def test_params_are_exported_by_the_facade(cls: type[Any]) -> None:
    assert getattr(aiohttp, cls.__name__) is cls
    assert cls.__name__ in tracing.__all__


def test_params_are_frozen() -> None:
    headers: CIMultiDict[str] = CIMultiDict()
    params = TraceRequestStartParams("GET", URL_, headers)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.method = "POST"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TraceDnsCacheHitParams("example.com").host = "other"  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        params.extra = 1  # type: ignore[attr-defined]


def test_params_compare_by_value() -> None:
    headers: CIMultiDict[str] = CIMultiDict(a="1")
    assert TraceRequestStartParams("GET", URL_, headers) == TraceRequestStartParams(
        "GET", URL_, CIMultiDict(a="1")
    )
    assert TraceDnsResolveHostEndParams("a") != TraceDnsResolveHostEndParams("b")
    assert TraceConnectionReuseconnParams() == TraceConnectionReuseconnParams()
    assert hash(TraceDnsCacheMissParams("h")) == hash(TraceDnsCacheMissParams("h"))


def test_params_keyword_construction() -> None:
    exc = ValueError("boom")
    params = TraceRequestExceptionParams(
        method="PUT", url=URL_, headers=CIMultiDict(), exception=exc
    )
    assert (params.method, params.url, params.exception) == ("PUT", URL_, exc)


# --- TraceConfig ----------------------------------------------------------------


def test_trace_config_is_exported() -> None:
    assert aiohttp.TraceConfig is TraceConfig


@pytest.mark.parametrize("name", SIGNALS)
def test_every_signal_is_a_signal_list(name: str) -> None:
    config = TraceConfig()
    signal = getattr(config, name)
    assert isinstance(signal, Signal)
    assert list(signal) == []
    assert not signal.frozen
    assert getattr(config, name) is signal  # the same list every time


def test_signals_are_distinct_per_event_and_per_config() -> None:
    first, second = TraceConfig(), TraceConfig()
    signals = [getattr(first, name) for name in SIGNALS]
    assert len({id(s) for s in signals}) == len(SIGNALS)
    assert all(getattr(second, name) is not getattr(first, name) for name in SIGNALS)


def test_signals_are_read_only_properties() -> None:
    config = TraceConfig()
    with pytest.raises(AttributeError):
        config.on_request_start = Signal(None)  # type: ignore[misc]


def test_freeze_freezes_every_signal() -> None:
    config = TraceConfig()
    calls: list[tuple[str, Any, Any, Any]] = []
    config.on_request_start.append(recorder(calls, "start"))
    config.freeze()
    for name in SIGNALS:
        signal = getattr(config, name)
        assert signal.frozen
        with pytest.raises(RuntimeError):
            signal.append(recorder(calls, name))
    assert len(config.on_request_start) == 1


def test_trace_config_ctx_default_is_a_simple_namespace() -> None:
    config = TraceConfig()
    ctx = config.trace_config_ctx()
    assert isinstance(ctx, SimpleNamespace)
    assert ctx.trace_request_ctx is None
    given = {"foo": "bar"}
    ctx2 = config.trace_config_ctx(trace_request_ctx=given)
    assert ctx2.trace_request_ctx is given
    assert ctx2 is not ctx  # a fresh context for each request


def test_trace_config_ctx_positional_request_ctx() -> None:
    assert TraceConfig().trace_config_ctx("token").trace_request_ctx == "token"


def test_trace_config_ctx_uses_the_factory_with_a_keyword() -> None:
    received: list[dict[str, Any]] = []

    class Context:
        def __init__(self, **kwargs: Any) -> None:
            received.append(kwargs)
            self.kwargs = kwargs

    config = TraceConfig(Context)
    ctx = config.trace_config_ctx(trace_request_ctx=42)
    assert isinstance(ctx, Context)
    assert received == [{"trace_request_ctx": 42}]
    config.trace_config_ctx()
    assert received[-1] == {"trace_request_ctx": None}


def test_trace_config_factory_by_keyword() -> None:
    config = TraceConfig(trace_config_ctx_factory=lambda **kw: ("ctx", kw))
    assert config.trace_config_ctx(trace_request_ctx=1) == (
        "ctx",
        {"trace_request_ctx": 1},
    )


def test_trace_config_can_be_subclassed() -> None:
    # The manual's example installs TraceConfig subclasses (AuditRequest(), ...).
    class AuditRequest(TraceConfig[SimpleNamespace]):
        def __init__(self) -> None:
            super().__init__()
            self.on_request_start.append(self._on_start)

        async def _on_start(self, session: Any, ctx: Any, params: Any) -> None:
            ctx.audited = params.url

    audit = AuditRequest()
    assert len(audit.on_request_start) == 1


# --- Trace ---------------------------------------------------------------------

HEADERS: CIMultiDict[str] = CIMultiDict({"X-Test": "1"})
ERROR = ConnectionResetError("reset")

# (Trace method, its arguments, signal fired, the params the handler gets)
SENDS: list[tuple[str, tuple[Any, ...], str, Any]] = [
    (
        "send_request_start",
        ("GET", URL_, HEADERS),
        "on_request_start",
        TraceRequestStartParams("GET", URL_, HEADERS),
    ),
    (
        "send_request_chunk_sent",
        ("POST", URL_, b"chunk"),
        "on_request_chunk_sent",
        TraceRequestChunkSentParams("POST", URL_, b"chunk"),
    ),
    (
        "send_response_chunk_received",
        ("GET", URL_, b"body"),
        "on_response_chunk_received",
        TraceResponseChunkReceivedParams("GET", URL_, b"body"),
    ),
    (
        "send_request_end",
        ("GET", URL_, HEADERS, RESPONSE),
        "on_request_end",
        TraceRequestEndParams("GET", URL_, HEADERS, RESPONSE),
    ),
    (
        "send_request_exception",
        ("GET", URL_, HEADERS, ERROR),
        "on_request_exception",
        TraceRequestExceptionParams("GET", URL_, HEADERS, ERROR),
    ),
    (
        "send_request_redirect",
        ("GET", URL_, HEADERS, RESPONSE),
        "on_request_redirect",
        TraceRequestRedirectParams("GET", URL_, HEADERS, RESPONSE),
    ),
    (
        "send_connection_queued_start",
        (),
        "on_connection_queued_start",
        TraceConnectionQueuedStartParams(),
    ),
    (
        "send_connection_queued_end",
        (),
        "on_connection_queued_end",
        TraceConnectionQueuedEndParams(),
    ),
    (
        "send_connection_create_start",
        (),
        "on_connection_create_start",
        TraceConnectionCreateStartParams(),
    ),
    (
        "send_connection_create_end",
        (),
        "on_connection_create_end",
        TraceConnectionCreateEndParams(),
    ),
    (
        "send_connection_reuseconn",
        (),
        "on_connection_reuseconn",
        TraceConnectionReuseconnParams(),
    ),
    (
        "send_dns_resolvehost_start",
        ("example.com",),
        "on_dns_resolvehost_start",
        TraceDnsResolveHostStartParams("example.com"),
    ),
    (
        "send_dns_resolvehost_end",
        ("example.com",),
        "on_dns_resolvehost_end",
        TraceDnsResolveHostEndParams("example.com"),
    ),
    (
        "send_dns_cache_hit",
        ("example.com",),
        "on_dns_cache_hit",
        TraceDnsCacheHitParams("example.com"),
    ),
    (
        "send_dns_cache_miss",
        ("example.com",),
        "on_dns_cache_miss",
        TraceDnsCacheMissParams("example.com"),
    ),
    (
        "send_request_headers",
        ("GET", URL_, HEADERS),
        "on_request_headers_sent",
        TraceRequestHeadersSentParams("GET", URL_, HEADERS),
    ),
]


def test_every_signal_has_a_send_method() -> None:
    assert sorted(signal for _, _, signal, _ in SENDS) == sorted(SIGNALS)


@pytest.mark.parametrize(
    ("method", "args", "signal", "expected"), SENDS, ids=[s[0] for s in SENDS]
)
async def test_trace_fires_only_its_signal(
    method: str, args: tuple[Any, ...], signal: str, expected: Any
) -> None:
    calls: list[tuple[str, Any, Any, Any]] = []
    config = TraceConfig()
    for name in SIGNALS:
        getattr(config, name).append(recorder(calls, name))
    config.freeze()
    ctx = config.trace_config_ctx(trace_request_ctx={"id": 7})
    trace = Trace(SESSION, config, ctx)

    await getattr(trace, method)(*args)

    assert len(calls) == 1
    name, session, got_ctx, params = calls[0]
    assert name == signal
    assert session is SESSION
    assert got_ctx is ctx
    assert type(params) is type(expected)
    assert params == expected


async def test_handlers_run_in_order_and_share_the_context() -> None:
    order: list[str] = []

    async def first(session: Any, ctx: SimpleNamespace, params: Any) -> None:
        order.append("first")
        ctx.seen = "first"

    async def second(session: Any, ctx: SimpleNamespace, params: Any) -> None:
        order.append(f"second after {ctx.seen}")

    async def on_end(session: Any, ctx: SimpleNamespace, params: Any) -> None:
        order.append(f"end with {ctx.seen}")

    config = TraceConfig()
    config.on_request_start.extend([first, second])
    config.on_request_end.append(on_end)
    config.freeze()
    trace = Trace(SESSION, config, config.trace_config_ctx())
    await trace.send_request_start("GET", URL_, CIMultiDict())
    await trace.send_request_end("GET", URL_, CIMultiDict(), RESPONSE)
    assert order == ["first", "second after first", "end with first"]


async def test_each_request_gets_its_own_context() -> None:
    starts: list[Any] = []

    async def on_start(session: Any, ctx: SimpleNamespace, params: Any) -> None:
        starts.append((ctx.trace_request_ctx, getattr(ctx, "count", 0)))
        ctx.count = getattr(ctx, "count", 0) + 1

    config = TraceConfig()
    config.on_request_start.append(on_start)
    config.freeze()
    for request_ctx in ("a", "b"):
        trace = Trace(SESSION, config, config.trace_config_ctx(request_ctx))
        await trace.send_request_start("GET", URL_, CIMultiDict())
    assert starts == [("a", 0), ("b", 0)]


async def test_start_handler_can_change_the_headers() -> None:
    async def add_header(session: Any, ctx: Any, params: Any) -> None:
        params.headers["X-Trace-Id"] = "abc"

    config = TraceConfig()
    config.on_request_start.append(add_header)
    config.freeze()
    headers: CIMultiDict[str] = CIMultiDict()
    await Trace(SESSION, config, None).send_request_start("GET", URL_, headers)
    assert headers["X-Trace-Id"] == "abc"


async def test_handler_errors_propagate_to_the_sender() -> None:
    async def failing(session: Any, ctx: Any, params: Any) -> None:
        raise RuntimeError("tracer broke")

    config = TraceConfig()
    config.on_dns_cache_miss.append(failing)
    config.freeze()
    with pytest.raises(RuntimeError, match="tracer broke"):
        await Trace(SESSION, config, None).send_dns_cache_miss("h")


async def test_sending_needs_a_frozen_config() -> None:
    calls: list[tuple[str, Any, Any, Any]] = []
    config = TraceConfig()
    config.on_request_start.append(recorder(calls, "start"))
    with pytest.raises(RuntimeError):
        await Trace(SESSION, config, None).send_request_start("GET", URL_, HEADERS)
    assert calls == []


async def test_traces_of_several_configs_are_independent() -> None:
    calls: list[tuple[str, Any, Any, Any]] = []
    audit, xray = TraceConfig(), TraceConfig()
    audit.on_connection_create_start.append(recorder(calls, "audit"))
    xray.on_connection_create_start.append(recorder(calls, "xray"))
    xray.on_connection_create_end.append(recorder(calls, "xray-end"))
    audit.freeze()
    xray.freeze()
    audit_ctx, xray_ctx = audit.trace_config_ctx(), xray.trace_config_ctx()
    traces = [Trace(SESSION, audit, audit_ctx), Trace(SESSION, xray, xray_ctx)]
    for trace in traces:
        await trace.send_connection_create_start()
    for trace in traces:
        await trace.send_connection_create_end()
    assert [(name, ctx) for name, _, ctx, _ in calls] == [
        ("audit", audit_ctx),
        ("xray", xray_ctx),
        ("xray-end", xray_ctx),
    ]


async def test_sending_to_an_empty_frozen_signal_does_nothing() -> None:
    config = TraceConfig()
    config.freeze()
    trace = Trace(SESSION, config, config.trace_config_ctx())
    for method, args, _, _ in SENDS:
        await getattr(trace, method)(*args)
