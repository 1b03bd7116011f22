"""HTTP Basic authentication credentials (RFC 7617)."""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

from yarl import URL

__all__ = ("BasicAuth", "encode_basic_auth", "strip_auth_from_url")


class _Credentials(NamedTuple):
    login: str
    password: str
    encoding: str


class BasicAuth(_Credentials):
    """HTTP Basic authentication credentials: an immutable named tuple.

    ``login`` may not contain ``":"`` (RFC 7617 section 2: the first colon
    separates the user-id from the password).
    """

    __slots__ = ()

    def __new__(
        cls, login: str, password: str = "", encoding: str = "latin1"
    ) -> BasicAuth:
        """Validate and build the credentials."""
        # The annotations say str, but callers pass whatever they were given.
        for field, value in (("login", login), ("password", password)):
            if value is None:
                raise ValueError(f"None is not allowed as {field} value")
        _check_login(login)
        return super().__new__(cls, login, password, encoding)

    @classmethod
    def decode(cls, auth_header: str, encoding: str = "latin1") -> BasicAuth:
        """Parse the value of an ``Authorization: Basic ...`` header.

        The scheme is case-insensitive (RFC 9110 section 11.1); it must be
        followed by exactly one space and a valid base64 token whose decoded
        form contains a ``":"``. Anything else raises :exc:`ValueError`.
        """
        scheme, space, token = auth_header.partition(" ")
        if not space or not scheme or not token:
            raise ValueError("Could not parse authorization header.")
        if scheme.lower() != "basic":
            raise ValueError(f"Unknown authorization method {scheme}")
        try:
            raw = base64.b64decode(token.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise ValueError("Invalid base64 encoding.") from None
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ValueError(f"Credentials are not valid {encoding}.") from None
        login, colon, password = decoded.partition(":")
        if not colon:
            raise ValueError("Invalid credentials.")
        return cls(login, password, encoding)

    @classmethod
    def from_url(cls, url: URL, *, encoding: str = "latin1") -> BasicAuth | None:
        """Take the credentials from ``url``'s userinfo, or ``None`` if it has none."""
        if not isinstance(url, URL):
            raise TypeError("url should be yarl.URL instance")
        if url.raw_user is None and url.raw_password is None:
            return None
        return cls(url.user or "", url.password or "", encoding)

    def encode(self) -> str:
        """Return the ``Authorization`` header value for these credentials."""
        return encode_basic_auth(self.login, self.password, self.encoding)


def encode_basic_auth(login: str, password: str = "", encoding: str = "utf-8") -> str:
    """Return ``"Basic " + base64("login:password")`` with the text in ``encoding``.

    RFC 7617 section 2.1 recommends UTF-8, hence this function's default;
    :class:`BasicAuth` keeps aiohttp's historical latin-1.
    """
    _check_login(login)
    credentials = f"{login}:{password}".encode(encoding)
    return "Basic " + base64.b64encode(credentials).decode("ascii")


def _check_login(login: str) -> None:
    if ":" in login:
        raise ValueError('A ":" is not allowed in login (RFC 7617 section 2)')


def strip_auth_from_url(url: URL) -> tuple[URL, BasicAuth | None]:
    """Split ``url`` into the URL without userinfo and its credentials, if any."""
    auth = BasicAuth.from_url(url)
    if auth is None:
        return url, None
    return url.with_user(None), auth
