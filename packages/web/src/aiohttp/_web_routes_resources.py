"""Resources: the paths a URL dispatcher knows, each with its routes.

- ``PlainResource``: a fixed path (``/about``), matched by string equality.
- ``DynamicResource``: a path with variables, ``/users/{id}`` (a variable
  matches ``[^{}/]+``, one segment) or ``/files/{path:.+}`` (any regex).
  The pattern is compiled once, when the resource is made; a bad regex or a
  brace outside a variable raises ``ValueError`` there.
- ``PrefixResource``: the base of resources that own every path under a
  prefix (static files, sub-applications).

Paths are matched against the request's ``rel_url.path_safe``: the path
percent-decoded, except that ``%2F`` and ``%25`` stay encoded so that a
slash inside a segment is not a separator. A variable's value is then
decoded fully (``/a%2Fb`` gives ``"a/b"`` to ``{name}``). The fixed parts
of a registered path are normalised the same way (``/caf%C3%A9`` and
``/café`` are one path), and ``url_for()`` percent-encodes what it builds.

Each resource also tells the dispatcher under which key of its index it
belongs (``_index_key``): the literal part of its path up to the last
``/`` before the first variable.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sized
from typing import TYPE_CHECKING, Final, TypeAlias

from yarl import URL

from . import hdrs
from ._web_routes import (
    AbstractRoute,
    ExpectHandler,
    HandlerOrView,
    InfoDict,
    ResourceRoute,
    UrlMappingMatchInfo,
)

if TYPE_CHECKING:
    from .web_request import Request

__all__ = (
    "AbstractResource",
    "DynamicResource",
    "PlainResource",
    "PrefixResource",
    "Resource",
)

#: What a resource's ``resolve()`` gives: the match info (``None`` when the
#: path or the method did not match) and the methods allowed on the path
#: (empty when the path did not match).
Resolve: TypeAlias = tuple[UrlMappingMatchInfo | None, set[str] | frozenset[str]]

NO_METHODS: Final[frozenset[str]] = frozenset()
_NO_MATCH: Final[Resolve] = (None, NO_METHODS)

# A variable in a path: "{name}" or "{name:regex}", where the regex may hold
# braces one level deep ("{id:\d{3}}"). Splitting a path with it leaves the
# fixed parts at even positions and the variables at odd ones.
_VARIABLE_RE: Final = re.compile(r"(\{[_a-zA-Z](?:[^{}]|\{[^{}]*\})*\})")
_VARIABLE_PARTS_RE: Final = re.compile(
    r"\{(?P<name>[_a-zA-Z][_a-zA-Z0-9]*)(?::(?P<regex>.+))?\}", re.DOTALL
)
# What "{name}" matches: one path segment.
_SEGMENT: Final = "[^{}/]+"
# A %-escape that quoting a path escaped a second time.
_DOUBLE_ESCAPE_RE: Final = re.compile("%25([0-9A-Fa-f]{2})")


def quote_path(value: str) -> str:
    """Percent-encode ``value`` for a URL path (``/`` stays a separator)."""
    return URL.build(path=value, encoded=False).raw_path


def requote_path(value: str) -> str:
    """Percent-encode what must be in ``value``, keeping its valid escapes."""
    quoted = quote_path(value)
    if "%" in value:
        quoted = _DOUBLE_ESCAPE_RE.sub(r"%\1", quoted)
    return quoted


def match_form(encoded: str) -> str:
    """The form a request's ``path_safe`` has for the encoded path ``encoded``."""
    if "%" not in encoded:
        return encoded
    return URL.build(path=encoded, encoded=True).path_safe


def unquote_path_safe(value: str) -> str:
    """Decode what ``path_safe`` left encoded (``%2F`` and ``%25``)."""
    if "%" not in value:
        return value
    return value.replace("%2F", "/").replace("%25", "%")


def index_key(literal_prefix: str) -> str:
    """The dispatcher's index key for paths starting with ``literal_prefix``.

    Resolution walks the request path up one segment at a time ("/a/b/c",
    "/a/b", "/a", "/"), so a resource is filed under the longest such
    ancestor every path it matches has.
    """
    return literal_prefix.rstrip("/") or "/"


def _check_prefix(prefix: str) -> None:
    if not prefix.startswith("/"):
        raise ValueError(f"A prefix must start with '/', got {prefix!r}")
    if prefix.endswith("/") or len(prefix) < 2:
        raise ValueError(f"A prefix must not end with '/', got {prefix!r}")


class AbstractResource(Sized, Iterable[AbstractRoute]):
    """A path (or set of paths) of the router, with its routes.

    ``len(resource)`` is the number of its routes and iterating gives them.
    """

    def __init__(self, *, name: str | None = None) -> None:
        self._name = name

    @property
    def name(self) -> str | None:
        """The resource's name in the router, or ``None``."""
        return self._name

    @property
    @abstractmethod
    def canonical(self) -> str:
        """The resource's path as registered, e.g. ``/users/{id}``."""

    @abstractmethod
    def url_for(self, **kwargs: str) -> URL:
        """Build a URL for the resource."""

    @abstractmethod
    async def resolve(self, request: Request) -> Resolve:
        """Match ``request``: ``(match_info or None, allowed_methods)``."""

    @abstractmethod
    def add_prefix(self, prefix: str) -> None:
        """Put ``prefix`` in front of the resource's path (sub-applications)."""

    @abstractmethod
    def get_info(self) -> InfoDict:
        """A dict describing the resource, for introspection."""

    def freeze(self) -> None:
        """Called when the router is frozen."""

    @abstractmethod
    def raw_match(self, path: str) -> bool:
        """Whether ``path`` is the path the resource was registered with."""

    def _index_key(self) -> str:
        """Where the dispatcher files the resource (see ``index_key``)."""
        canonical = self.canonical
        if "{" in canonical:
            canonical = canonical.partition("{")[0].rpartition("/")[0]
        return index_key(canonical)


class Resource(AbstractResource):
    """A resource holding at most one route per HTTP method (or ``"*"``)."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._routes: dict[str, ResourceRoute] = {}
        self._any_route: ResourceRoute | None = None
        self._allowed_methods: set[str] = set()
        self._frozen = False

    def add_route(
        self,
        method: str,
        handler: HandlerOrView,
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> ResourceRoute:
        """Add a route for ``method`` (``"*"``: every method) to the resource.

        A method already served, or any method after ``"*"``, raises
        ``RuntimeError``: the new route could never be reached.
        """
        if self._frozen:
            raise RuntimeError("Cannot add a route to a frozen resource")
        existing = self._routes.get(method.upper(), self._any_route)
        if existing is not None:
            raise RuntimeError(
                "Added route will never be executed, "
                f"method {existing.method} is already registered"
            )
        route = ResourceRoute(method, handler, self, expect_handler=expect_handler)
        self.register_route(route)
        return route

    def register_route(self, route: ResourceRoute) -> None:
        """Add an already built route."""
        if not isinstance(route, ResourceRoute):
            raise TypeError(f"Instance of Route class is required, got {route!r}")
        if route.method == hdrs.METH_ANY:
            self._any_route = route
        self._allowed_methods.add(route.method)
        self._routes[route.method] = route

    def freeze(self) -> None:
        """Refuse routes from now on."""
        self._frozen = True

    async def resolve(self, request: Request) -> Resolve:
        """Match the request's path and method."""
        return self._resolve_path(request.method, request.rel_url.path_safe)

    def _resolve_path(self, method: str, path: str) -> Resolve:
        # The dispatcher calls this directly: no coroutine per candidate.
        match_dict = self._match(path)
        if match_dict is None:
            return _NO_MATCH
        route = self._routes.get(method, self._any_route)
        if route is None:
            return None, self._allowed_methods
        return UrlMappingMatchInfo(match_dict, route), self._allowed_methods

    @abstractmethod
    def _match(self, path: str) -> dict[str, str] | None:
        """The path's variables if ``path`` (``path_safe`` form) matches."""

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[ResourceRoute]:
        return iter(self._routes.values())


class PlainResource(Resource):
    """A resource for one fixed path, e.g. ``/path/to``.

    The path ``""`` is allowed (a sub-application's root); it becomes
    ``"/"`` when the router freezes.
    """

    def __init__(self, path: str, *, name: str | None = None) -> None:
        if path and not path.startswith("/"):
            raise ValueError(f"A path must start with '/', got {path!r}")
        super().__init__(name=name)
        self._path = path
        self._set_match_path()

    def _set_match_path(self) -> None:
        self._encoded_path = requote_path(self._path)
        self._match_path = match_form(self._encoded_path)

    @property
    def canonical(self) -> str:
        """The path."""
        return self._path

    def freeze(self) -> None:
        """Make the empty path ``"/"``; refuse routes from now on."""
        super().freeze()
        if not self._path:
            self._path = "/"
            self._set_match_path()

    def add_prefix(self, prefix: str) -> None:
        """Put ``prefix`` (``/sub``, no trailing slash) before the path."""
        _check_prefix(prefix)
        self._path = prefix + self._path
        self._set_match_path()

    def _match(self, path: str) -> dict[str, str] | None:
        return {} if path == self._match_path else None

    def _index_key(self) -> str:
        return index_key(self._match_path)

    def raw_match(self, path: str) -> bool:
        """Whether ``path`` is this resource's path."""
        return self._path == path

    def get_info(self) -> InfoDict:
        """``{"path": <the path>}``."""
        return {"path": self._path}

    def url_for(self) -> URL:  # type: ignore[override]
        """The resource's URL (no variables to fill in)."""
        return URL.build(path=self._encoded_path, encoded=True)

    def __repr__(self) -> str:
        name = "" if self.name is None else f"'{self.name}' "
        return f"<PlainResource {name}{self._path}>"


class DynamicResource(Resource):
    """A resource whose path has variables: ``/users/{id}``, ``/f/{p:.+}``.

    ``url_for(id="42")`` fills the variables in, percent-encoded. A value
    for a ``{name}`` variable has its ``/`` encoded too (``%2F``), since the
    variable matches one segment only; a ``{name:regex}`` value keeps its
    slashes, as aiohttp does (``{path:.+}`` is how a subtree is matched).
    """

    def __init__(self, path: str, *, name: str | None = None) -> None:
        if not path.startswith("/"):
            raise ValueError(f"A path must start with '/', got {path!r}")
        super().__init__(name=name)
        self._orig_path = path
        pattern: list[str] = []
        formatter: list[str] = []
        self._segment_variables: set[str] = set()
        literal_prefix: str | None = None
        for position, part in enumerate(_VARIABLE_RE.split(path)):
            if position % 2 == 0:  # a fixed part
                if "{" in part or "}" in part:
                    raise ValueError(f"Invalid path '{path}'['{part}']")
                encoded = requote_path(part)
                formatter.append(encoded)
                decoded = match_form(encoded)
                pattern.append(re.escape(decoded))
                if literal_prefix is None:
                    literal_prefix = decoded
                continue
            variable = _VARIABLE_PARTS_RE.fullmatch(part)
            if variable is None:
                raise ValueError(f"Invalid path '{path}'['{part}']")
            var_name, regex = variable.group("name", "regex")
            if regex is None:
                regex = _SEGMENT
                self._segment_variables.add(var_name)
            pattern.append(f"(?P<{var_name}>{regex})")
            formatter.append(f"{{{var_name}}}")
        source = "".join(pattern)
        try:
            self._pattern = re.compile(source)
        except re.error as exc:
            raise ValueError(f"Bad pattern '{source}': {exc}") from None
        self._formatter = "".join(formatter)
        self._literal_prefix = literal_prefix or ""

    @property
    def canonical(self) -> str:
        """The path with its variables' regexes left out: ``/users/{id}``."""
        return self._formatter

    def add_prefix(self, prefix: str) -> None:
        """Put ``prefix`` (``/sub``, no trailing slash) before the path."""
        _check_prefix(prefix)
        encoded = requote_path(prefix)
        decoded = match_form(encoded)
        self._pattern = re.compile(re.escape(decoded) + self._pattern.pattern)
        self._formatter = encoded + self._formatter
        self._literal_prefix = decoded + self._literal_prefix

    def _match(self, path: str) -> dict[str, str] | None:
        match = self._pattern.fullmatch(path)
        if match is None:
            return None
        if "%" not in path:
            return match.groupdict()  # nothing any value could need decoded
        return {
            key: unquote_path_safe(value) for key, value in match.groupdict().items()
        }

    def _index_key(self) -> str:
        return index_key(self._literal_prefix.rpartition("/")[0])

    def raw_match(self, path: str) -> bool:
        """Whether ``path`` is the path this resource was registered with."""
        return self._orig_path == path

    def get_info(self) -> InfoDict:
        """``{"formatter": ..., "pattern": <compiled regex>}``."""
        return {"formatter": self._formatter, "pattern": self._pattern}

    def url_for(self, **parts: str) -> URL:
        """The URL with ``parts`` filled in; a missing one raises KeyError."""
        quoted = {}
        for key, value in parts.items():
            encoded = quote_path(value)
            if key in self._segment_variables:
                encoded = encoded.replace("/", "%2F")
            quoted[key] = encoded
        return URL.build(path=self._formatter.format_map(quoted), encoded=True)

    def __repr__(self) -> str:
        name = "" if self.name is None else f"'{self.name}' "
        return f"<DynamicResource {name}{self._formatter}>"


class PrefixResource(AbstractResource):
    """Base of the resources that own every path under a prefix.

    ``prefix`` is ``""`` or starts with ``/`` and does not end with one.
    """

    def __init__(self, prefix: str, *, name: str | None = None) -> None:
        if prefix and not prefix.startswith("/"):
            raise ValueError(f"A prefix must start with '/', got {prefix!r}")
        if prefix not in ("", "/") and prefix.endswith("/"):
            raise ValueError(f"A prefix must not end with '/', got {prefix!r}")
        super().__init__(name=name)
        self._set_prefix(requote_path(prefix))

    def _set_prefix(self, encoded: str) -> None:
        self._prefix = encoded
        self._match_prefix = match_form(encoded)
        self._match_prefix2 = self._match_prefix + "/"

    @property
    def canonical(self) -> str:
        """The prefix."""
        return self._prefix

    def add_prefix(self, prefix: str) -> None:
        """Put ``prefix`` (``/sub``, no trailing slash) before the prefix."""
        _check_prefix(prefix)
        self._set_prefix(requote_path(prefix) + self._prefix)

    def _index_key(self) -> str:
        return index_key(self._match_prefix)

    def raw_match(self, prefix: str) -> bool:
        """Always false: a prefix resource is never reused by ``add_resource``."""
        return False
