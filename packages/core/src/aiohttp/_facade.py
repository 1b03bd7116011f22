"""Lazy re-exports across the aiotide distributions (PEP 562).

aiotide ships the one ``aiohttp`` import package in several distributions:
aiotide-core owns ``aiohttp/__init__.py`` and the shared modules, and the
client, web, websocket, test-utils and gunicorn distributions each add their
own modules to the same package. A facade module (``aiohttp`` itself, or
``aiohttp.http``) may therefore name an object whose module is not installed.

This module resolves such names on first use and, when the module is
missing, raises a ``ModuleNotFoundError`` (an ``ImportError``) that names
the distribution to install. It imports nothing of ours and only light
standard-library modules (asyncio loads them all anyway), so ``import
aiohttp`` stays cheap; ``importlib.metadata`` loads only on the error path.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping, MutableMapping
from types import ModuleType
from typing import Any

PACKAGE = "aiohttp"

CORE = "aiotide-core"
WEBSOCKET = "aiotide-websocket"
CLIENT = "aiotide-client"
WEB = "aiotide-web"
TEST_UTILS = "aiotide-test-utils"
GUNICORN = "aiotide-gunicorn"

#: Every public module of the ``aiohttp`` package and the distribution that
#: ships it (DESIGN.md, "The distributions"). Private ``_modules`` are not
#: listed: nothing outside their own distribution imports them.
MODULE_DISTRIBUTIONS: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "abc",
            "base_protocol",
            "compression_utils",
            "formdata",
            "hdrs",
            "helpers",
            "http",
            "http_exceptions",
            "http_parser",
            "http_writer",
            "log",
            "multipart",
            "payload",
            "payload_streamer",
            "streams",
            "tcp_helpers",
            "typedefs",
        ),
        CORE,
    ),
    "http_websocket": WEBSOCKET,
    **dict.fromkeys(
        (
            "client",
            "client_exceptions",
            "client_middleware_digest_auth",
            "client_middlewares",
            "client_proto",
            "client_reqrep",
            "client_ws",
            "connector",
            "cookiejar",
            "resolver",
            "tracing",
        ),
        CLIENT,
    ),
    **dict.fromkeys(
        (
            "web",
            "web_app",
            "web_exceptions",
            "web_fileresponse",
            "web_log",
            "web_middlewares",
            "web_protocol",
            "web_request",
            "web_response",
            "web_routedef",
            "web_runner",
            "web_server",
            "web_urldispatcher",
            "web_ws",
        ),
        WEB,
    ),
    "pytest_plugin": TEST_UTILS,
    "test_utils": TEST_UTILS,
    "worker": GUNICORN,
}


def missing_module_error(wanted: str, module: str) -> ModuleNotFoundError:
    """Build the error for ``wanted``, whose ``aiohttp.<module>`` is absent."""
    distribution = MODULE_DISTRIBUTIONS[module]
    qualified = f"{PACKAGE}.{module}"
    # Only this error path pays for reading distribution metadata.
    import importlib.metadata  # noqa: PLC0415

    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        message = (
            f"{wanted} is provided by {distribution}, which is not installed: "
            f"pip install {distribution}"
        )
    else:
        message = (
            f"{wanted} is provided by {distribution}, but {qualified} is missing "
            f"from the installed {distribution} {version}; reinstall or upgrade "
            f"it: pip install --upgrade {distribution}"
        )
    return ModuleNotFoundError(message, name=qualified)


def import_public_module(module: str, wanted: str) -> ModuleType:
    """Import ``aiohttp.<module>``, naming its distribution if it is absent.

    Only the absence of that very module is translated: a missing
    dependency *inside* it propagates unchanged, so real bugs stay visible.
    """
    qualified = f"{PACKAGE}.{module}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        # A private module (``_web_run_app``) ships with the facade that
        # lends from it: its absence is a broken install, reported as is.
        if exc.name != qualified or module not in MODULE_DISTRIBUTIONS:
            raise
        raise missing_module_error(wanted, module) from None


class LazyExports:
    """A facade module's table of re-exported names, resolved on first use.

    ``exports`` maps each public name to the module (inside ``aiohttp``)
    that defines it, or to itself for a public submodule (``hdrs``); its
    order is the order of the facade's ``__all__``, after the ``defined``
    names the facade holds itself. A resolved object is stored in the
    facade's namespace, so the module ``__getattr__`` runs once per name.
    """

    def __init__(
        self,
        facade: str,
        namespace: MutableMapping[str, Any],
        exports: Mapping[str, str],
        *,
        defined: tuple[str, ...] = (),
        submodules: bool = False,
    ) -> None:
        self._facade = facade
        self._namespace = namespace
        self._exports = exports
        self._defined = defined
        # The package itself also lends out its submodules: ``aiohttp.web``.
        self._submodules = submodules
        self._availability: dict[str, bool] = {}

    def is_available(self, module: str) -> bool:
        """Whether ``aiohttp.<module>`` is installed, without importing it."""
        known = self._availability.get(module)
        if known is None:
            spec = importlib.util.find_spec(f"{PACKAGE}.{module}")
            known = self._availability[module] = spec is not None
        return known

    def available_names(self) -> tuple[str, ...]:
        """The facade's public names whose modules are installed, in order."""
        return self._defined + tuple(
            name for name, module in self._exports.items() if self.is_available(module)
        )

    def getattr(self, name: str) -> object:
        """The facade's module ``__getattr__``."""
        if name == "__all__":
            value: object = self.available_names()
        elif name in self._exports:
            module_name = self._exports[name]
            module = import_public_module(module_name, f"{self._facade}.{name}")
            value = module if module_name == name else getattr(module, name)
        elif self._submodules and name in MODULE_DISTRIBUTIONS:
            value = import_public_module(name, f"{self._facade}.{name}")
        else:
            message = f"module {self._facade!r} has no attribute {name!r}"
            raise AttributeError(message, name=name)
        self._namespace[name] = value
        return value

    def dir(self) -> list[str]:
        """The facade's module ``__dir__``: what it holds plus what it lends."""
        return sorted({*self._namespace, *self.available_names()})
