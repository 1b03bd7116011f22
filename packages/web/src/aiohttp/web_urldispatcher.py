"""The URL dispatcher: aiohttp's default router (aiohttp.web_urldispatcher).

The router holds *resources* (paths) in registration order; each resource
holds *routes* (one per HTTP method, or ``"*"``). ``add_get()`` and its
siblings are shortcuts for ``add_resource(path).add_route(method,
handler)``; consecutive registrations of the same path (and name) share
one resource, so ``add_get`` and ``add_post`` on one path give a resource
with GET, HEAD and POST.

Resolving a request (``await router.resolve(request)``) never raises: it
returns a ``UrlMappingMatchInfo``, or a ``MatchInfoError`` carrying a 404
(no resource has the path) or a 405 with ``Allow`` (some resource has the
path, none the method) whose handler raises it.

How a request finds its resource, without looking at every one:

1. Rule-matched sub-applications (``add_domain``) are tried first, in
   order: they may claim any path.
2. Every other resource is filed in an index under the literal part of its
   path up to the last ``/`` before the first variable: ``/about`` under
   ``/about``, ``/users/{id}`` and ``/users/{id}/posts`` under ``/users``,
   ``/{name}`` under ``/``, a static or sub-application prefix under
   itself. The request's path (``rel_url.path_safe``) is walked up one
   segment at a time, ``/a/b/c``, ``/a/b``, ``/a``, ``/``, and the
   resources filed under each key are tried in registration order.

So a lookup costs a dictionary probe per path segment plus the resources
filed under the keys visited, whatever the size of the table. As in
aiohttp 3.10 and later, the deepest key wins: ``/users/me`` is found before
``/users/{id}`` and before a catch-all ``/{path:.*}``, whatever the
registration order; among resources under one key the first registered
that matches wins. The manual's older wording ("the first registered
route that matches") still holds for resources sharing a key.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import (
    Callable,
    Container,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sized,
)
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeAlias

from . import hdrs
from ._web_abc import AbstractMatchInfo as AbstractMatchInfo
from ._web_abc import AbstractRouter as AbstractRouter
from ._web_abc import AbstractView as AbstractView
from ._web_routes import AbstractRoute as AbstractRoute
from ._web_routes import ExpectHandler, Handler, HandlerOrView
from ._web_routes import MatchInfoError as MatchInfoError
from ._web_routes import ResourceRoute as ResourceRoute
from ._web_routes import SystemRoute as SystemRoute
from ._web_routes import UrlMappingMatchInfo as UrlMappingMatchInfo
from ._web_routes_resources import AbstractResource as AbstractResource
from ._web_routes_resources import DynamicResource as DynamicResource
from ._web_routes_resources import PlainResource as PlainResource
from ._web_routes_resources import PrefixResource as PrefixResource
from ._web_routes_resources import Resolve
from ._web_routes_resources import Resource as Resource
from ._web_routes_static import StaticResource as StaticResource
from ._web_routes_subapp import AbstractRuleMatching as AbstractRuleMatching
from ._web_routes_subapp import Domain as Domain
from ._web_routes_subapp import MaskDomain as MaskDomain
from ._web_routes_subapp import MatchedSubAppResource as MatchedSubAppResource
from ._web_routes_subapp import PrefixedSubAppResource as PrefixedSubAppResource
from .web_exceptions import HTTPMethodNotAllowed, HTTPNotFound
from .web_response import StreamResponse

if TYPE_CHECKING:
    from .typedefs import PathLike
    from .web_request import Request
    from .web_routedef import AbstractRouteDef

__all__ = (
    "UrlDispatcher",
    "UrlMappingMatchInfo",
    "AbstractResource",
    "Resource",
    "PlainResource",
    "DynamicResource",
    "AbstractRoute",
    "ResourceRoute",
    "StaticResource",
    "View",
    "PrefixResource",
    "PrefixedSubAppResource",
    "MatchedSubAppResource",
    "AbstractRuleMatching",
    "Domain",
    "MaskDomain",
    "SystemRoute",
    "MatchInfoError",
    "ResourcesView",
    "RoutesView",
    "AbstractRouter",
    "AbstractMatchInfo",
    "AbstractView",
)

# A resource's synchronous resolution, called as (method, path_safe).
_FastResolve: TypeAlias = Callable[[str, str], Resolve]
# An index entry: the resource, and its synchronous resolution when it has one.
_Candidate: TypeAlias = tuple[AbstractResource, "_FastResolve | None"]


def _fast_resolve(resource: AbstractResource) -> _FastResolve | None:
    """The resource's synchronous resolution, unless ``resolve`` is overridden.

    The built-in resources resolve without awaiting anything; calling them
    directly saves a coroutine per candidate. A subclass that overrides
    ``resolve()`` is awaited as the API says.
    """
    if isinstance(resource, StaticResource):
        if type(resource).resolve is StaticResource.resolve:
            return resource._resolve_path
    elif isinstance(resource, Resource) and type(resource).resolve is Resource.resolve:
        return resource._resolve_path
    return None


class ResourcesView(Sized, Iterable[AbstractResource], Container[AbstractResource]):
    """The router's resources, in registration order (a live view)."""

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._resources = resources

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[AbstractResource]:
        return iter(self._resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._resources


class RoutesView(Sized, Iterable[AbstractRoute], Container[AbstractRoute]):
    """The routes of the router's resources, as they were when asked for."""

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._routes: list[AbstractRoute] = [
            route for resource in resources for route in resource
        ]

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes)

    def __contains__(self, route: object) -> bool:
        return route in self._routes


class UrlDispatcher(AbstractRouter, Mapping[str, AbstractResource]):
    """aiohttp's router: resources matched by path, routes by method.

    As a mapping it gives the named resources: ``router["user"]``,
    ``"user" in router``, ``len(router)``. Once frozen (the application
    starts serving), registering anything raises ``RuntimeError``.
    """

    #: Separators allowed between the identifiers of a resource name.
    NAME_SPLIT_RE: Final = re.compile(r"[.:-]")

    def __init__(self) -> None:
        super().__init__()
        self._resources: list[AbstractResource] = []
        self._named_resources: dict[str, AbstractResource] = {}
        self._resource_index: dict[str, list[_Candidate]] = {}
        self._matched_sub_app_resources: list[MatchedSubAppResource] = []

    # -- resolving ----------------------------------------------------------------

    async def resolve(self, request: Request) -> UrlMappingMatchInfo:
        """Find the route for ``request`` (see the module docstring).

        Never raises: a miss gives a ``MatchInfoError`` (404, or 405 listing
        the methods the path allows).
        """
        allowed: set[str] = set()
        if self._matched_sub_app_resources:
            found = await self._resolve_by_rule(request, allowed)
            if found is not None:
                return found
        method = request.method
        path = request.rel_url.path_safe
        index = self._resource_index
        part = path
        while part:
            for resource, fast in index.get(part, ()):
                if fast is not None:
                    match_info, methods = fast(method, path)
                else:
                    match_info, methods = await resource.resolve(request)
                if match_info is not None:
                    return match_info
                allowed |= methods
            if part == "/":
                break
            part = part.rpartition("/")[0] or "/"
        if allowed:
            return MatchInfoError(HTTPMethodNotAllowed(method, allowed))
        return MatchInfoError(HTTPNotFound())

    async def _resolve_by_rule(
        self, request: Request, allowed: set[str]
    ) -> UrlMappingMatchInfo | None:
        for resource in self._matched_sub_app_resources:
            match_info, methods = await resource.resolve(request)
            if match_info is not None:
                return match_info
            allowed |= methods
        return None

    # -- the mapping of named resources and the views ----------------------------------

    def __iter__(self) -> Iterator[str]:
        return iter(self._named_resources)

    def __len__(self) -> int:
        return len(self._named_resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._named_resources

    def __getitem__(self, name: str) -> AbstractResource:
        return self._named_resources[name]

    def resources(self) -> ResourcesView:
        """Every resource, in registration order."""
        return ResourcesView(self._resources)

    def routes(self) -> RoutesView:
        """Every route of every resource."""
        return RoutesView(self._resources)

    def named_resources(self) -> Mapping[str, AbstractResource]:
        """A read-only mapping of the named resources."""
        return MappingProxyType(self._named_resources)

    # -- registering ---------------------------------------------------------------

    def register_resource(self, resource: AbstractResource) -> None:
        """Append ``resource`` to the table (and to the index).

        A name must be Python identifiers (not keywords) joined by ``.``,
        ``:`` or ``-``, and unique in the router (``ValueError``).
        """
        if not isinstance(resource, AbstractResource):
            raise TypeError(
                f"Instance of AbstractResource class is required, got {resource!r}"
            )
        if self.frozen:
            raise RuntimeError("Cannot register a resource into frozen router.")
        name = resource.name
        if name is not None:
            self._check_name(name)
            self._named_resources[name] = resource
        self._resources.append(resource)
        if isinstance(resource, MatchedSubAppResource):
            # A rule is no path: these are tried before the index.
            self._matched_sub_app_resources.append(resource)
        else:
            self.index_resource(resource)

    def _check_name(self, name: str) -> None:
        for part in self.NAME_SPLIT_RE.split(name):
            if keyword.iskeyword(part):
                raise ValueError(
                    f"Incorrect route name {name!r}, "
                    "python keywords cannot be used for route name"
                )
            if not part.isidentifier():
                raise ValueError(
                    f"Incorrect route name {name!r}, the name should be a "
                    "sequence of python identifiers separated by dash, dot or column"
                )
        if name in self._named_resources:
            existing = self._named_resources[name]
            raise ValueError(f"Duplicate {name!r}, already handled by {existing!r}")

    def index_resource(self, resource: AbstractResource) -> None:
        """File ``resource`` in the index under its key."""
        if isinstance(resource, MatchedSubAppResource):
            return  # not indexed: see register_resource
        key = resource._index_key()
        self._resource_index.setdefault(key, []).append(
            (resource, _fast_resolve(resource))
        )

    def unindex_resource(self, resource: AbstractResource) -> None:
        """Take ``resource`` out of the index (before its path changes)."""
        if isinstance(resource, MatchedSubAppResource):
            return
        key = resource._index_key()
        candidates = self._resource_index[key]
        for position, (candidate, _) in enumerate(candidates):
            if candidate is resource:
                del candidates[position]
                break
        if not candidates:
            del self._resource_index[key]

    def add_resource(self, path: str, *, name: str | None = None) -> Resource:
        """Return the resource for ``path``, appending it if it is new.

        ``path`` starts with ``/`` (or is empty: a sub-application's root).
        With ``{var}`` or ``{var:regex}`` parts it is a ``DynamicResource``,
        else a ``PlainResource``. When the last resource added has the same
        path and name, it is returned instead of a new one.
        """
        if self.frozen:
            raise RuntimeError("Cannot register a resource into frozen router.")
        if path and not path.startswith("/"):
            raise ValueError("path should be started with / or be empty")
        if self._resources:
            last = self._resources[-1]
            if (
                isinstance(last, Resource)
                and last.name == name
                and last.raw_match(path)
            ):
                return last
        resource: Resource
        if "{" in path or "}" in path:
            resource = DynamicResource(path, name=name)
        else:
            resource = PlainResource(path, name=name)
        self.register_resource(resource)
        return resource

    def add_route(
        self,
        method: str,
        path: str,
        handler: HandlerOrView,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> AbstractRoute:
        """Add a route for ``method`` (``"*"``: any) on ``path``."""
        resource = self.add_resource(path, name=name)
        return resource.add_route(method, handler, expect_handler=expect_handler)

    def add_static(
        self,
        prefix: str,
        path: PathLike,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = 256 * 1024,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> StaticResource:
        """Serve the files of directory ``path`` under URL ``prefix``.

        For development: in production a web server in front serves
        static files better.
        """
        if not prefix.startswith("/"):
            raise ValueError(f"A prefix must start with '/', got {prefix!r}")
        if prefix.endswith("/"):
            prefix = prefix[:-1]
        resource = StaticResource(
            prefix,
            path,
            name=name,
            expect_handler=expect_handler,
            chunk_size=chunk_size,
            show_index=show_index,
            follow_symlinks=follow_symlinks,
            append_version=append_version,
        )
        self.register_resource(resource)
        return resource

    def add_head(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:  # noqa: ANN401
        """``add_route("HEAD", path, handler, ...)``."""
        return self.add_route(hdrs.METH_HEAD, path, handler, **kwargs)

    def add_options(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:  # noqa: ANN401
        """``add_route("OPTIONS", path, handler, ...)``."""
        return self.add_route(hdrs.METH_OPTIONS, path, handler, **kwargs)

    def add_get(
        self,
        path: str,
        handler: Handler,
        *,
        name: str | None = None,
        allow_head: bool = True,
        **kwargs: Any,  # noqa: ANN401
    ) -> AbstractRoute:
        """``add_route("GET", ...)``; with ``allow_head``, HEAD on the same handler.

        Returns the GET route; the HEAD route is on the same resource.
        """
        resource = self.add_resource(path, name=name)
        if allow_head:
            resource.add_route(hdrs.METH_HEAD, handler, **kwargs)
        return resource.add_route(hdrs.METH_GET, handler, **kwargs)

    def add_post(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:  # noqa: ANN401
        """``add_route("POST", path, handler, ...)``."""
        return self.add_route(hdrs.METH_POST, path, handler, **kwargs)

    def add_put(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:  # noqa: ANN401
        """``add_route("PUT", path, handler, ...)``."""
        return self.add_route(hdrs.METH_PUT, path, handler, **kwargs)

    def add_patch(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:  # noqa: ANN401
        """``add_route("PATCH", path, handler, ...)``."""
        return self.add_route(hdrs.METH_PATCH, path, handler, **kwargs)

    def add_delete(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:  # noqa: ANN401
        """``add_route("DELETE", path, handler, ...)``."""
        return self.add_route(hdrs.METH_DELETE, path, handler, **kwargs)

    def add_view(
        self,
        path: str,
        handler: type[AbstractView],
        **kwargs: Any,  # noqa: ANN401
    ) -> AbstractRoute:
        """``add_route("*", path, view_class, ...)``: the view picks by method."""
        return self.add_route(hdrs.METH_ANY, path, handler, **kwargs)

    def add_routes(self, routes: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Register route definitions (``web.get(...)``, a ``RouteTableDef``).

        Returns the routes registered, in order.
        """
        registered: list[AbstractRoute] = []
        for route_def in routes:
            registered.extend(route_def.register(self))
        return registered

    def freeze(self) -> None:
        """Refuse registrations from now on; freeze every resource."""
        super().freeze()
        for resource in self._resources:
            resource.freeze()


class View(AbstractView):
    """A class-based view: a coroutine method per HTTP method it serves.

    ``router.add_view("/path", MyView)`` (or ``add_route("*", ...)``) makes
    the router call ``MyView(request)``; awaiting it runs ``get()``,
    ``post()``... as the request's method says. A method the class does not
    define is a 405 listing the ones it does.
    """

    async def _iter(self) -> StreamResponse:
        method = self.request.method
        handler: Callable[[], Any] | None = None
        if method in hdrs.METH_ALL:
            handler = getattr(self, method.lower(), None)
        if handler is None:
            self._raise_allowed_methods()
        response = await handler()
        if not isinstance(response, StreamResponse):
            raise TypeError(
                f"{type(self).__name__}.{method.lower()}() must return a "
                f"StreamResponse, got {response!r}"
            )
        return response

    def __await__(self) -> Generator[Any, None, StreamResponse]:
        return self._iter().__await__()

    def _raise_allowed_methods(self) -> NoReturn:
        allowed = {m for m in hdrs.METH_ALL if hasattr(self, m.lower())}
        raise HTTPMethodNotAllowed(self.request.method, allowed)
