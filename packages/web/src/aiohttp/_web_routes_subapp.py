"""Resources that hand a request to a nested application's router.

- ``PrefixedSubAppResource`` (``app.add_subapp("/admin", admin)``): the
  sub-application's resources get the prefix put in front of their paths
  when it is attached (so their ``url_for()`` gives full URLs), and a
  request under the prefix is resolved by the sub-application's router.
- ``MatchedSubAppResource`` (``app.add_domain("*.example.com", sub)``): a
  rule on the request (``Domain``, ``MaskDomain``: its ``Host`` header)
  picks the sub-application, whatever the path.

Either way the sub-application answers every request it is given,
including with its own 404 or 405, and is pushed on the match info's
application stack.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING

from yarl import URL

from . import hdrs
from ._web_routes import AbstractRoute, InfoDict
from ._web_routes_resources import NO_METHODS, AbstractResource, PrefixResource, Resolve
from .web_exceptions import HTTPMethodNotAllowed

if TYPE_CHECKING:
    from ._web_routes import UrlMappingMatchInfo
    from .web_app import Application
    from .web_request import Request

__all__ = (
    "AbstractRuleMatching",
    "Domain",
    "MaskDomain",
    "MatchedSubAppResource",
    "PrefixedSubAppResource",
)


def _with_app(match_info: UrlMappingMatchInfo, app: Application) -> Resolve:
    """Push ``app`` on the stack of a sub-application's answer."""
    match_info.add_app(app)
    exc = match_info.http_exception
    if isinstance(exc, HTTPMethodNotAllowed):
        return match_info, exc.allowed_methods
    return match_info, NO_METHODS


class PrefixedSubAppResource(PrefixResource):
    """Every path under ``prefix``, resolved by ``app``'s router."""

    def __init__(self, prefix: str, app: Application) -> None:
        super().__init__(prefix)
        self._app = app
        self._add_prefix_to_resources(prefix)

    def add_prefix(self, prefix: str) -> None:
        """Put ``prefix`` before this prefix and the sub-application's paths."""
        super().add_prefix(prefix)
        self._add_prefix_to_resources(prefix)

    def _add_prefix_to_resources(self, prefix: str) -> None:
        router = self._app.router
        for resource in router.resources():
            # The resource's index key changes with its path.
            router.unindex_resource(resource)
            resource.add_prefix(prefix)
            router.index_resource(resource)

    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Refused: ask the sub-application's resources for URLs."""
        raise RuntimeError(".url_for() is not supported by sub-application root")

    def get_info(self) -> InfoDict:
        """``{"app": <the sub-application>, "prefix": ...}``."""
        return {"app": self._app, "prefix": self._prefix}

    async def resolve(self, request: Request) -> Resolve:
        """The sub-application's answer, with the sub-application pushed."""
        return _with_app(await self._app.router.resolve(request), self._app)

    def __len__(self) -> int:
        return len(self._app.router.routes())

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._app.router.routes())

    def __repr__(self) -> str:
        return f"<PrefixedSubAppResource {self._prefix} -> {self._app!r}>"


class AbstractRuleMatching(ABC):
    """A rule choosing a sub-application for a request (``add_domain``)."""

    @abstractmethod
    async def match(self, request: Request) -> bool:
        """Whether ``request`` satisfies the rule."""

    @abstractmethod
    def get_info(self) -> InfoDict:
        """A dict describing the rule, for introspection."""

    @property
    @abstractmethod
    def canonical(self) -> str:
        """The rule as a string (the domain, or the mask's regex)."""


class Domain(AbstractRuleMatching):
    """Match requests whose ``Host`` is ``domain`` (with its port, if not 80).

    The domain is validated and lower-cased: labels of letters, digits and
    inner hyphens, 63 characters at most; no scheme.
    """

    re_part: re.Pattern[str] = re.compile(r"(?!-)[a-z\d-]{1,63}(?<!-)")

    def __init__(self, domain: str) -> None:
        super().__init__()
        self._domain = self.validation(domain)

    @property
    def canonical(self) -> str:
        """The domain, ``host`` or ``host:port``."""
        return self._domain

    def validation(self, domain: str) -> str:
        """Return ``domain`` normalised, or raise ``TypeError``/``ValueError``."""
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        domain = domain.rstrip(".").lower()
        if not domain:
            raise ValueError("Domain cannot be empty")
        if "://" in domain:
            raise ValueError("Scheme not supported")
        try:
            url = URL("http://" + domain)
            host, port = url.raw_host, url.port
        except ValueError as exc:
            raise ValueError("Domain not valid") from exc
        if not host or not all(
            self.re_part.fullmatch(label) for label in host.split(".")
        ):
            raise ValueError("Domain not valid")
        return host if port == 80 else f"{host}:{port}"

    async def match(self, request: Request) -> bool:
        """Whether the request's ``Host`` header names the domain."""
        host = request.headers.get(hdrs.HOST)
        if not host:
            return False
        return self.match_domain(host)

    def match_domain(self, host: str) -> bool:
        """Whether ``host`` (a Host header's value) is the domain."""
        return host.lower() == self._domain

    def get_info(self) -> InfoDict:
        """``{"domain": ...}``."""
        return {"domain": self._domain}


class MaskDomain(Domain):
    """Match ``Host`` against a mask where ``*`` stands for any text.

    ``MaskDomain("*.example.com")`` matches ``api.example.com`` and
    ``a.b.example.com``, not ``example.com``.
    """

    re_part: re.Pattern[str] = re.compile(r"(?!-)[a-z\d*-]{1,63}(?<!-)")

    def __init__(self, domain: str) -> None:
        super().__init__(domain)
        pattern = ".*".join(re.escape(piece) for piece in self._domain.split("*"))
        self._mask = re.compile(pattern)

    @property
    def canonical(self) -> str:
        """The mask as a regular expression."""
        return self._mask.pattern

    def match_domain(self, host: str) -> bool:
        """Whether ``host`` fits the mask."""
        return self._mask.fullmatch(host.lower()) is not None


class MatchedSubAppResource(PrefixedSubAppResource):
    """Every request ``rule`` accepts, resolved by ``app``'s router."""

    def __init__(self, rule: AbstractRuleMatching, app: Application) -> None:
        AbstractResource.__init__(self)
        self._set_prefix("")
        self._app = app
        self._rule = rule

    @property
    def canonical(self) -> str:
        """The rule's canonical form."""
        return self._rule.canonical

    def get_info(self) -> InfoDict:
        """``{"app": <the sub-application>, "rule": <the rule>}``."""
        return {"app": self._app, "rule": self._rule}

    async def resolve(self, request: Request) -> Resolve:
        """The sub-application's answer when the rule accepts the request."""
        if not await self._rule.match(request):
            return None, NO_METHODS
        return _with_app(await self._app.router.resolve(request), self._app)

    def __repr__(self) -> str:
        return f"<MatchedSubAppResource -> {self._app!r}>"
