"""``StaticResource``: every path under a prefix, served from a directory.

The resource does the routing (the prefix match, its GET and HEAD routes,
``url_for``); what a path answers with (a file, an index, 403, 404) and the
rules that keep requests inside the directory are ``_web_static``'s.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from yarl import URL

from . import hdrs
from ._web_routes import (
    ExpectHandler,
    Handler,
    InfoDict,
    ResourceRoute,
    UrlMappingMatchInfo,
)
from ._web_routes_resources import (
    NO_METHODS,
    PrefixResource,
    Resolve,
    quote_path,
    unquote_path_safe,
)
from ._web_static import file_version, resolve_static_path, serve_static

if TYPE_CHECKING:
    from .typedefs import PathLike
    from .web_request import Request
    from .web_response import StreamResponse

__all__ = ("StaticResource",)

_NO_MATCH: Final[Resolve] = (None, NO_METHODS)


class StaticResource(PrefixResource):
    """Serve the files under ``directory`` at ``prefix/<filename>``.

    The directory must exist (``ValueError`` otherwise); it is resolved
    once, here. GET and HEAD are served; ``set_options_route`` adds
    OPTIONS. With ``append_version``, ``url_for`` adds ``?v=<hash of the
    file>`` by default (cache busting).
    """

    VERSION_KEY: Final = "v"

    def __init__(
        self,
        prefix: str,
        directory: PathLike,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = 256 * 1024,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> None:
        super().__init__(prefix, name=name)
        try:
            root = Path(directory).expanduser().resolve(strict=True)
        except FileNotFoundError as error:
            raise ValueError(f"'{directory}' does not exist") from error
        except (OSError, RuntimeError) as error:  # a symlink loop, no access
            raise ValueError(f"'{directory}' cannot be served: {error}") from error
        if not root.is_dir():
            raise ValueError(f"'{directory}' is not a directory")
        self._directory = root
        self._show_index = show_index
        self._chunk_size = chunk_size
        self._follow_symlinks = follow_symlinks
        self._expect_handler = expect_handler
        self._append_version = append_version
        self._routes: dict[str, ResourceRoute] = {
            method: ResourceRoute(
                method, self._handle, self, expect_handler=expect_handler
            )
            for method in (hdrs.METH_GET, hdrs.METH_HEAD)
        }
        self._allowed_methods: set[str] = set(self._routes)

    def url_for(  # type: ignore[override]
        self, *, filename: PathLike, append_version: bool | None = None
    ) -> URL:
        """The URL of ``filename`` (a path relative to the directory).

        ``append_version`` (default: the resource's) adds ``?v=<hash>`` when
        the file exists inside the directory; otherwise nothing is added.
        """
        if append_version is None:
            append_version = self._append_version
        relative = os.fspath(filename).lstrip("/")
        url = URL.build(path=f"{self._prefix}/{quote_path(relative)}", encoded=True)
        if append_version:
            version = self._version_of(relative)
            if version is not None:
                url = url.with_query({self.VERSION_KEY: version})
        return url

    def _version_of(self, relative: str) -> str | None:
        path = resolve_static_path(
            self._directory, relative, follow_symlinks=self._follow_symlinks
        )
        if path is None:
            return None
        try:
            return file_version(path)
        except OSError:  # missing, a directory, unreadable
            return None

    def get_info(self) -> InfoDict:
        """``{"directory": ..., "prefix": ..., "routes": {method: route}}``."""
        return {
            "directory": self._directory,
            "prefix": self._prefix,
            "routes": dict(self._routes),
        }

    def set_options_route(self, handler: Handler) -> None:
        """Serve OPTIONS with ``handler`` too (CORS preflight, say)."""
        if hdrs.METH_OPTIONS in self._routes:
            raise RuntimeError("OPTIONS route was set already")
        self._routes[hdrs.METH_OPTIONS] = ResourceRoute(
            hdrs.METH_OPTIONS, handler, self, expect_handler=self._expect_handler
        )
        self._allowed_methods.add(hdrs.METH_OPTIONS)

    async def resolve(self, request: Request) -> Resolve:
        """Match a path under the prefix, for the served methods."""
        return self._resolve_path(request.method, request.rel_url.path_safe)

    def _resolve_path(self, method: str, path: str) -> Resolve:
        # Normalised first, so that "/static/../secret" is not under "/static".
        normalised = posixpath.normpath(path)
        if normalised != self._match_prefix and not normalised.startswith(
            self._match_prefix2
        ):
            return _NO_MATCH
        route = self._routes.get(method)
        if route is None:
            return None, self._allowed_methods
        filename = unquote_path_safe(path[len(self._match_prefix) + 1 :])
        return UrlMappingMatchInfo({"filename": filename}, route), self._allowed_methods

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[ResourceRoute]:
        return iter(self._routes.values())

    async def _handle(self, request: Request) -> StreamResponse:
        return await serve_static(
            request,
            self._directory,
            request.match_info["filename"],
            show_index=self._show_index,
            follow_symlinks=self._follow_symlinks,
            chunk_size=self._chunk_size,
            prefix=unquote_path_safe(self._match_prefix),
        )

    def __repr__(self) -> str:
        name = "" if self.name is None else f"'{self.name}' "
        return f"<StaticResource {name}{self._prefix} -> {self._directory!r}>"
