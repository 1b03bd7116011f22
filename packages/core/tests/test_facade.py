"""The aiohttp facade: every public name, resolved lazily or explained."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

import aiohttp
from aiohttp import _facade

# aiohttp 3.14's top-level __all__: the surface user code and plugins rely on.
AIOHTTP_PUBLIC_NAMES = """
hdrs AddrInfoType BaseConnector ClientConnectionError ClientConnectionResetError
ClientConnectorCertificateError ClientConnectorDNSError ClientConnectorError
ClientConnectorSSLError ClientError ClientHttpProxyError ClientOSError
ClientPayloadError ClientProxyConnectionError ClientResponse ClientRequest
ClientResponseError ClientSSLError ClientSession ClientTimeout
ClientWebSocketResponse ClientWSTimeout ConnectionTimeoutError ContentTypeError
Fingerprint FlowControlDataQueue InvalidURL InvalidUrlClientError
InvalidUrlRedirectClientError NonHttpUrlClientError NonHttpUrlRedirectClientError
RedirectClientError RequestInfo ServerConnectionError ServerDisconnectedError
ServerFingerprintMismatch ServerTimeoutError SocketFactoryType SocketTimeoutError
TCPConnector TooManyRedirects UnixConnector UploadAbortedError UploadTracker
NamedPipeConnector WSServerHandshakeError request ClientMiddlewareType
ClientHandlerType CookieJar DummyCookieJar FormData BasicAuth ChainMapProxy
DigestAuthMiddleware ETag encode_basic_auth set_zlib_backend HttpVersion
HttpVersion10 HttpVersion11 WSMsgType WSCloseCode WSMessage WebSocketError
BadContentDispositionHeader BadContentDispositionParam BodyPartReader
MultipartReader MultipartWriter content_disposition_filename
parse_content_disposition AsyncIterablePayload BufferedReaderPayload
BytesIOPayload BytesPayload IOBasePayload JsonPayload PAYLOAD_REGISTRY Payload
StringIOPayload StringPayload TextIOPayload get_payload payload_type streamer
AsyncResolver DefaultResolver ThreadedResolver DataQueue EMPTY_PAYLOAD EofStream
StreamReader TraceConfig TraceConnectionCreateEndParams
TraceConnectionCreateStartParams TraceConnectionQueuedEndParams
TraceConnectionQueuedStartParams TraceConnectionReuseconnParams
TraceDnsCacheHitParams TraceDnsCacheMissParams TraceDnsResolveHostEndParams
TraceDnsResolveHostStartParams TraceRequestChunkSentParams TraceRequestEndParams
TraceRequestExceptionParams TraceRequestHeadersSentParams
TraceRequestRedirectParams TraceRequestStartParams
TraceResponseChunkReceivedParams GunicornUVLoopWebWorker GunicornWebWorker
WSMessageTypeError
""".split()

EXPORTS: dict[str, str] = aiohttp._EXPORTS


def _static_all(module_file: str) -> list[str]:
    """The ``__all__`` literal that type checkers read from a facade's source."""
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__"
            for target in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{module_file} has no static __all__")


def _installed(module: str) -> bool:
    return importlib.util.find_spec(f"aiohttp.{module}") is not None


def _distribution_installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def test_table_holds_exactly_aiohttps_public_names() -> None:
    assert len(AIOHTTP_PUBLIC_NAMES) == len(set(AIOHTTP_PUBLIC_NAMES))
    assert sorted(EXPORTS) == sorted(AIOHTTP_PUBLIC_NAMES)


def test_static_all_matches_the_table_in_order() -> None:
    assert aiohttp.__file__ is not None
    assert _static_all(aiohttp.__file__) == list(EXPORTS)


def test_every_module_in_the_table_has_a_distribution() -> None:
    assert set(EXPORTS.values()) <= set(_facade.MODULE_DISTRIBUTIONS)
    assert set(_facade.MODULE_DISTRIBUTIONS.values()) == {
        "aiotide-core",
        "aiotide-websocket",
        "aiotide-client",
        "aiotide-web",
        "aiotide-test-utils",
        "aiotide-gunicorn",
    }


@pytest.mark.parametrize("name", AIOHTTP_PUBLIC_NAMES)
def test_name_resolves_or_names_its_distribution(name: str) -> None:
    module = EXPORTS[name]
    distribution = _facade.MODULE_DISTRIBUTIONS[module]
    if _installed(module):
        value = getattr(aiohttp, name)
        defining = importlib.import_module(f"aiohttp.{module}")
        assert value is (defining if module == name else getattr(defining, name))
        assert name in aiohttp.__all__
        assert name in dir(aiohttp)
    else:
        with pytest.raises(ModuleNotFoundError) as info:
            getattr(aiohttp, name)
        assert str(info.value).startswith(
            f"aiohttp.{name} is provided by {distribution}"
        )
        assert "pip install" in str(info.value)
        assert info.value.name == f"aiohttp.{module}"
        assert name not in aiohttp.__all__
        assert name not in dir(aiohttp)


@pytest.mark.parametrize("module", sorted(_facade.MODULE_DISTRIBUTIONS))
def test_missing_module_error_says_what_to_do(module: str) -> None:
    distribution = _facade.MODULE_DISTRIBUTIONS[module]
    error = _facade.missing_module_error(f"aiohttp.{module}", module)
    assert isinstance(error, ImportError)
    assert error.name == f"aiohttp.{module}"
    if _distribution_installed(distribution):
        # Installed, yet without the module: a broken or outdated install.
        version = importlib.metadata.version(distribution)
        assert f"installed {distribution} {version}" in str(error)
        assert str(error).endswith(f"pip install --upgrade {distribution}")
    else:
        assert str(error) == (
            f"aiohttp.{module} is provided by {distribution}, which is not "
            f"installed: pip install {distribution}"
        )


@pytest.mark.parametrize("module", ["web", "client", "test_utils", "worker"])
def test_from_import_of_a_submodule(module: str) -> None:
    distribution = _facade.MODULE_DISTRIBUTIONS[module]
    if _installed(module):
        imported = importlib.import_module(f"aiohttp.{module}")
        assert getattr(aiohttp, module) is imported
    else:
        with pytest.raises(ImportError, match=f"provided by {distribution}"):
            exec(f"from aiohttp import {module}", {})


def test_the_documented_import_forms_work() -> None:
    namespace: dict[str, object] = {}
    exec("from aiohttp import *", namespace)
    assert {name for name in namespace if not name.startswith("__")} == set(
        aiohttp.__all__
    )
    assert "hdrs" in aiohttp.__all__
    assert "HttpVersion11" in aiohttp.__all__


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="module 'aiohttp' has no attribute"):
        aiohttp.ClientSesion  # type: ignore[attr-defined]  # noqa: B018
    # Probes such as hasattr() must keep working for names we do not export.
    assert not hasattr(aiohttp, "__wrapped__")
    assert not hasattr(aiohttp, "_private_module")


def test_versions() -> None:
    api = Version(aiohttp.__version__)
    assert api.major == 3
    assert api >= Version("3.14")
    assert aiohttp.__aiotide_version__ == importlib.metadata.version("aiotide-core")


def test_import_aiohttp_loads_no_client_web_or_websocket_module() -> None:
    # A fresh interpreter: -X importtime lists every module the import loads.
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import aiohttp"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    ours = {name for name in loaded if name.startswith("aiohttp")}
    assert ours == {"aiohttp", "aiohttp._aiotide_version", "aiohttp._facade"}
    # Not even the third-party dependencies: they load with the modules that use them.
    assert not loaded & {"multidict", "yarl", "attr", "attrs", "asyncio"}


def test_a_missing_dependency_inside_a_module_is_not_disguised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real module file in a real package portion, whose own import fails:
    # the error must name that dependency, not blame a distribution.
    portion = tmp_path / "aiohttp"
    portion.mkdir()
    (portion / "needs_absent_dependency.py").write_text(
        "import aiotide_no_such_dependency\n"
    )
    monkeypatch.setattr(aiohttp, "__path__", [*aiohttp.__path__, str(portion)])
    monkeypatch.delitem(sys.modules, "aiohttp.needs_absent_dependency", raising=False)
    with pytest.raises(ModuleNotFoundError) as info:
        _facade.import_public_module("needs_absent_dependency", "aiohttp.Thing")
    assert info.value.name == "aiotide_no_such_dependency"
