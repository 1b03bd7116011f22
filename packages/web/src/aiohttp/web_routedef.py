"""Route definitions made before there is a router (aiohttp.web_routedef).

Two styles, both registered with ``router.add_routes(...)`` (or
``app.add_routes(...)``):

- a table of definitions, Django-like::

      app.add_routes([web.get("/", index), web.post("/items", create)])

- decorators on a ``RouteTableDef``, Flask-like::

      routes = web.RouteTableDef()

      @routes.get("/")
      async def index(request): ...

      app.add_routes(routes)

A definition remembers the arguments of the router's ``add_*`` method it
stands for, and ``register(router)`` calls that method.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, overload

from . import hdrs

if TYPE_CHECKING:
    from ._web_abc import AbstractView
    from ._web_routes import Handler
    from .typedefs import PathLike
    from .web_urldispatcher import AbstractRoute, UrlDispatcher

__all__ = (
    "AbstractRouteDef",
    "RouteDef",
    "StaticDef",
    "RouteTableDef",
    "head",
    "options",
    "get",
    "post",
    "patch",
    "put",
    "delete",
    "route",
    "view",
    "static",
)

_HandlerType: TypeAlias = "Handler | type[AbstractView]"
_H = TypeVar("_H", bound="Handler | type[AbstractView]")


class AbstractRouteDef(ABC):
    """Something ``router.add_routes()`` can register."""

    @abstractmethod
    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        """Add the definition to ``router``; return the routes it made."""


def _kwargs_repr(kwargs: dict[str, Any]) -> str:
    return "".join(f", {key}={value!r}" for key, value in sorted(kwargs.items()))


@dataclass(frozen=True, repr=False)
class RouteDef(AbstractRouteDef):
    """A route to add: ``method``, ``path``, ``handler`` and the options.

    ``kwargs`` are passed to the router's method (``name``,
    ``expect_handler``, ``allow_head`` for GET).
    """

    method: str
    path: str
    handler: _HandlerType
    kwargs: dict[str, Any]

    def __repr__(self) -> str:
        handler = getattr(self.handler, "__name__", self.handler)
        return (
            f"<RouteDef {self.method} {self.path} -> {handler!r}"
            f"{_kwargs_repr(self.kwargs)}>"
        )

    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        """Call ``router.add_<method>(...)``, or ``add_route`` for others."""
        adder = getattr(router, f"add_{self.method.lower()}", None)
        if self.method in hdrs.METH_ALL and adder is not None:
            return [adder(self.path, self.handler, **self.kwargs)]
        return [router.add_route(self.method, self.path, self.handler, **self.kwargs)]


@dataclass(frozen=True, repr=False)
class StaticDef(AbstractRouteDef):
    """A static directory to add: ``router.add_static(prefix, path, ...)``."""

    prefix: str
    path: PathLike
    kwargs: dict[str, Any]

    def __repr__(self) -> str:
        return (
            f"<StaticDef {self.prefix} -> {os.fspath(self.path)}"
            f"{_kwargs_repr(self.kwargs)}>"
        )

    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        """Add the static resource; return its routes (GET, HEAD)."""
        resource = router.add_static(self.prefix, self.path, **self.kwargs)
        return list(resource.get_info().get("routes", {}).values())


def route(
    method: str,
    path: str,
    handler: _HandlerType,
    **kwargs: Any,  # noqa: ANN401
) -> RouteDef:
    """A route for ``method`` (``"*"``: any), as ``router.add_route``."""
    return RouteDef(method, path, handler, kwargs)


def head(path: str, handler: _HandlerType, **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """A HEAD route."""
    return route(hdrs.METH_HEAD, path, handler, **kwargs)


def options(path: str, handler: _HandlerType, **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """An OPTIONS route."""
    return route(hdrs.METH_OPTIONS, path, handler, **kwargs)


def get(
    path: str,
    handler: _HandlerType,
    *,
    name: str | None = None,
    allow_head: bool = True,
    **kwargs: Any,  # noqa: ANN401
) -> RouteDef:
    """A GET route (and HEAD, unless ``allow_head=False``)."""
    return route(
        hdrs.METH_GET, path, handler, name=name, allow_head=allow_head, **kwargs
    )


def post(path: str, handler: _HandlerType, **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """A POST route."""
    return route(hdrs.METH_POST, path, handler, **kwargs)


def put(path: str, handler: _HandlerType, **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """A PUT route."""
    return route(hdrs.METH_PUT, path, handler, **kwargs)


def patch(path: str, handler: _HandlerType, **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """A PATCH route."""
    return route(hdrs.METH_PATCH, path, handler, **kwargs)


def delete(path: str, handler: _HandlerType, **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """A DELETE route."""
    return route(hdrs.METH_DELETE, path, handler, **kwargs)


def view(path: str, handler: type[AbstractView], **kwargs: Any) -> RouteDef:  # noqa: ANN401
    """A class-based view on every method."""
    return route(hdrs.METH_ANY, path, handler, **kwargs)


def static(prefix: str, path: PathLike, **kwargs: Any) -> StaticDef:  # noqa: ANN401
    """A static directory, as ``router.add_static``."""
    return StaticDef(prefix, path, kwargs)


class RouteTableDef(Sequence[AbstractRouteDef]):
    """A list of route definitions filled by decorators.

    ``@routes.get("/path")`` on a handler (or ``@routes.view`` on a view
    class) appends a ``RouteDef`` and returns the handler unchanged.
    """

    def __init__(self) -> None:
        self._items: list[AbstractRouteDef] = []

    def __repr__(self) -> str:
        return f"<RouteTableDef count={len(self._items)}>"

    @overload
    def __getitem__(self, index: int) -> AbstractRouteDef: ...

    @overload
    def __getitem__(self, index: slice) -> list[AbstractRouteDef]: ...

    def __getitem__(
        self, index: int | slice
    ) -> AbstractRouteDef | list[AbstractRouteDef]:
        return self._items[index]

    def __iter__(self) -> Iterator[AbstractRouteDef]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def route(
        self,
        method: str,
        path: str,
        **kwargs: Any,  # noqa: ANN401
    ) -> Callable[[_H], _H]:
        """Decorate a handler for ``method`` on ``path``."""

        def register(handler: _H) -> _H:
            self._items.append(RouteDef(method, path, handler, kwargs))
            return handler

        return register

    def head(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a HEAD handler."""
        return self.route(hdrs.METH_HEAD, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a GET handler (HEAD too, unless ``allow_head=False``)."""
        return self.route(hdrs.METH_GET, path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a POST handler."""
        return self.route(hdrs.METH_POST, path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a PUT handler."""
        return self.route(hdrs.METH_PUT, path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a PATCH handler."""
        return self.route(hdrs.METH_PATCH, path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a DELETE handler."""
        return self.route(hdrs.METH_DELETE, path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate an OPTIONS handler."""
        return self.route(hdrs.METH_OPTIONS, path, **kwargs)

    def view(self, path: str, **kwargs: Any) -> Callable[[_H], _H]:  # noqa: ANN401
        """Decorate a class-based view (every method)."""
        return self.route(hdrs.METH_ANY, path, **kwargs)

    def static(self, prefix: str, path: PathLike, **kwargs: Any) -> None:  # noqa: ANN401
        """Append a static directory (not a decorator)."""
        self._items.append(StaticDef(prefix, path, kwargs))
