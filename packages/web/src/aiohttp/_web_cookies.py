"""The cookies a response sets (RFC 6265 section 4.1), safe for the wire.

``StreamResponse.cookies`` is a :class:`ResponseCookies`: a
:class:`http.cookies.SimpleCookie` whose morsels know the ``Partitioned``
attribute (CHIPS), which Python's ``Morsel`` only learns in 3.14, and which
refuses, as soon as it is set, anything that could split the Set-Cookie
field or add attributes: control characters (CR, LF, NUL, ...) and ``;`` in
attribute values, and names that are not cookie names. The error,
:class:`InvalidCookie`, is both the ``CookieError`` Python's cookies raise
and a ``ValueError``, so either ``except`` catches it.

Cookie *values* need no such check: ``SimpleCookie`` quotes and escapes
any value that is not a plain token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from http.cookies import CookieError, Morsel, SimpleCookie
from typing import Any, ClassVar, Final

__all__ = ("InvalidCookie", "ResponseCookies", "ResponseMorsel")

#: The Expires value that makes a browser drop a cookie at once.
EXPIRED: Final = "Thu, 01 Jan 1970 00:00:00 GMT"

# Control characters (HTAB included: no attribute value needs one) and the
# attribute separator.
_UNSAFE_RE: Final = re.compile("[\x00-\x1f\x7f;]")


class InvalidCookie(CookieError, ValueError):
    """A cookie name or attribute value that cannot go into Set-Cookie."""


def _check_attribute(name: str, value: object) -> None:
    if isinstance(value, str) and _UNSAFE_RE.search(value):
        raise InvalidCookie(
            f"Control character or ';' in cookie attribute {name!r}: {value!r}"
        )


class ResponseMorsel(Morsel[str]):
    """A ``Morsel`` that knows ``Partitioned`` and refuses unsafe values."""

    # Morsel reads these through the instance, so a subclass can extend
    # them without touching the standard library's class.
    _reserved: ClassVar[dict[str, str]] = {
        **Morsel._reserved,  # type: ignore[attr-defined]
        "partitioned": "Partitioned",
    }
    _flags: ClassVar[set[str]] = {
        *Morsel._flags,  # type: ignore[attr-defined]
        "partitioned",
    }

    def __setitem__(self, K: str, V: Any) -> None:  # noqa: N803, ANN401 - Morsel's
        """Set an attribute (``path``, ``samesite``, ...), refusing unsafe text."""
        _check_attribute(K, V)
        super().__setitem__(K, V)

    def setdefault(self, key: str, val: Any = None) -> Any:  # noqa: ANN401
        """Like ``dict.setdefault`` for an attribute, refusing unsafe text."""
        _check_attribute(key, val)
        return super().setdefault(key, val)

    def update(  # type: ignore[override]
        self, values: Mapping[str, Any] | Iterable[tuple[str, Any]]
    ) -> None:
        """Set several attributes at once, refusing unsafe text."""
        items = dict(values)
        for key, val in items.items():
            _check_attribute(key, val)
        super().update(items)

    def set(self, key: str, val: str, coded_val: str) -> None:
        """Set the cookie's name and value; ``InvalidCookie`` for a bad one."""
        _check_attribute("value", coded_val)
        try:
            super().set(key, val, coded_val)
        except CookieError as exc:
            raise InvalidCookie(*exc.args) from None

    def copy(self) -> ResponseMorsel:
        """Return a copy (Python's ``Morsel.copy`` would drop ``Partitioned``)."""
        morsel = ResponseMorsel()
        dict.update(morsel, self)
        morsel.__dict__.update(self.__dict__)
        return morsel


class ResponseCookies(SimpleCookie):
    """The outgoing cookies of a response: ``SimpleCookie`` with safe morsels.

    ``cookies[name] = value`` makes or updates a :class:`ResponseMorsel`,
    keeping the attributes it had; a ready ``Morsel`` is stored as given.
    """

    def __setitem__(self, key: str, value: str | Morsel[str]) -> None:
        """Set cookie ``key`` to ``value``; ``InvalidCookie`` for a bad name."""
        if isinstance(value, Morsel):
            dict.__setitem__(self, key, value)
            return
        rval, cval = self.value_encode(value)
        morsel = self.get(key)
        if not isinstance(morsel, ResponseMorsel):
            upgraded = ResponseMorsel()
            if morsel is not None:
                dict.update(upgraded, morsel)
            morsel = upgraded
        morsel.set(key, rval, cval)
        dict.__setitem__(self, key, morsel)

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        version: str | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        """Set or update cookie ``name``, as ``StreamResponse.set_cookie`` says."""
        self[name] = value
        morsel = self[name]
        if expires is not None:
            morsel["expires"] = expires
        elif morsel.get("expires") == EXPIRED:
            # A cookie deleted earlier and set again must not stay expired.
            del morsel["expires"]
        if domain is not None:
            morsel["domain"] = domain
        if max_age is not None:
            morsel["max-age"] = str(max_age)
        elif "max-age" in morsel:
            del morsel["max-age"]
        morsel["path"] = path
        if secure is not None:
            morsel["secure"] = secure
        if httponly is not None:
            morsel["httponly"] = httponly
        if version is not None:
            morsel["version"] = version
        if samesite is not None:
            morsel["samesite"] = samesite
        if partitioned is not None:
            # A ResponseMorsel by now, even where a plain Morsel was stored.
            morsel["partitioned"] = partitioned

    def header_values(self) -> Iterator[str]:
        """The value of one Set-Cookie field per cookie, in the order set."""
        for morsel in self.values():
            yield morsel.OutputString()
