"""HTTP Digest access authentication (RFC 7616) as a client middleware.

``ClientSession(middlewares=(DigestAuthMiddleware("user", "pass"),))``
answers a server's ``401`` with a Digest challenge by repeating the request
with an ``Authorization: Digest ...`` header:

* algorithms MD5, SHA-256, SHA-512-256 (where the platform has it), the
  non-standard SHA and SHA-512 that servers also offer, each with its
  ``-sess`` variant;
* ``qop=auth`` and ``qop=auth-int`` (the body is hashed too; preferred when
  offered), and RFC 2069's answer when the server names no qop;
* a nonce count per nonce and a fresh client nonce for each request;
* a ``stale=true`` answer (the nonce expired, the credentials did not) is
  retried once with the new nonce;
* with ``preemptive=True`` (the default) later requests inside the
  challenge's protection space (its ``domain`` URIs, else the whole origin)
  carry credentials from the start, saving a round trip.

The middleware keeps the last challenge it answered: one instance belongs
to one session (or a group of sessions talking to the same server).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import quote as percent_quote

from yarl import URL

from . import hdrs
from ._digest_challenge import parse_challenges, quote
from .client_exceptions import ClientError

if TYPE_CHECKING:
    from .client_middlewares import ClientHandlerType
    from .client_reqrep import ClientRequest, ClientResponse

__all__ = ("DigestAuthMiddleware",)

_HashFactory = Callable[[bytes], "hashlib._Hash"]


def _sha512_256(data: bytes) -> hashlib._Hash:
    return hashlib.new("sha512_256", data)


def _md5(data: bytes) -> hashlib._Hash:
    # RFC 7616 keeps MD5 for old servers; this is protocol, not security.
    return hashlib.md5(data, usedforsecurity=False)


def _sha1(data: bytes) -> hashlib._Hash:
    return hashlib.sha1(data, usedforsecurity=False)


_ALGORITHMS: dict[str, _HashFactory] = {
    "MD5": _md5,
    "SHA": _sha1,
    "SHA-256": hashlib.sha256,
    "SHA256": hashlib.sha256,
    "SHA-512": hashlib.sha512,
    "SHA512": hashlib.sha512,
}
if "sha512_256" in hashlib.algorithms_available:
    _ALGORITHMS["SHA-512-256"] = _sha512_256

_SESS: Final = "-SESS"
# Characters a header value may not hold (CR, LF, NUL and other controls).
_CONTROL: Final = frozenset(chr(c) for c in range(32)) - {"\t"} | {"\x7f"}


@dataclass(frozen=True, slots=True)
class _Challenge:
    """A Digest challenge the middleware can answer."""

    realm: str
    nonce: str
    algorithm: str  # as the server spelled it; echoed back
    hash_factory: _HashFactory
    session: bool  # a "-sess" algorithm
    qop: str  # "auth", "auth-int", or "" for RFC 2069
    opaque: str | None
    stale: bool
    domain: str


class DigestAuthMiddleware:
    """Answer HTTP Digest challenges (RFC 7616) with ``login``'s credentials."""

    def __init__(self, login: str, password: str, preemptive: bool = True) -> None:
        """Keep the credentials; ``preemptive`` reuses a challenge (see module)."""
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            raise ValueError('A ":" is not allowed in username')
        self._login = login
        self._password = password
        self._preemptive = preemptive
        self._challenge: _Challenge | None = None
        # (origin, path prefix) pairs where the challenge applies.
        self._protection_space: list[tuple[URL, str]] = []
        self._last_nonce = ""
        self._nonce_count = 0

    async def __call__(
        self, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        """Send ``request``; answer a Digest challenge and send it again."""
        authorize = self._preemptive and self._in_protection_space(request.url)
        answered = False  # whether a challenge of this exchange was answered
        stale_retried = False
        while True:
            if authorize:
                request.headers[hdrs.AUTHORIZATION] = await self._authorization(request)
            response = await handler(request)
            try:
                challenge = self._challenge_of(response)
            except BaseException:
                response.release()
                raise
            if challenge is None:
                return response
            if answered:
                # The credentials were refused; only a stale nonce is worth
                # another try.
                if not challenge.stale or stale_retried:
                    return response
                stale_retried = True
            self._remember(challenge, request.url)
            response.release()
            authorize = answered = True

    def _challenge_of(self, response: ClientResponse) -> _Challenge | None:
        """The Digest challenge of a 401 response, if it has one."""
        if response.status != 401:
            return None
        values = response.headers.getall(hdrs.WWW_AUTHENTICATE, ())
        digest = [
            params for scheme, params in parse_challenges(values) if scheme == "digest"
        ]
        if not digest:
            return None
        # The server lists its preferred challenge first (RFC 7616 3.7);
        # take the first one this client can answer.
        unsupported = ""
        for params in digest:
            algorithm = params.get("algorithm", "MD5")
            if algorithm.upper().removesuffix(_SESS) in _ALGORITHMS:
                return _read_challenge(params, algorithm)
            unsupported = algorithm
        raise ClientError(
            f"Digest auth error: Unsupported hash algorithm: {unsupported}"
        )

    def _remember(self, challenge: _Challenge, url: URL) -> None:
        self._challenge = challenge
        origin = url.origin()
        space: list[tuple[URL, str]] = []
        for uri in challenge.domain.split():
            target = URL(uri)
            if target.absolute:
                space.append((target.origin(), target.path))
            else:
                space.append((origin, target.path))
        self._protection_space = space or [(origin, "/")]

    def _in_protection_space(self, url: URL) -> bool:
        if self._challenge is None or not url.absolute:
            return False
        origin = url.origin()
        path = url.path
        for space_origin, prefix in self._protection_space:
            if origin != space_origin:
                continue
            if prefix.endswith("/") or not prefix:
                if path.startswith(prefix):
                    return True
            elif path == prefix or path.startswith(prefix + "/"):
                return True
        return False

    async def _authorization(self, request: ClientRequest) -> str:
        """The ``Authorization`` value answering the remembered challenge."""
        challenge = self._challenge
        assert challenge is not None
        if challenge.nonce == self._last_nonce:
            self._nonce_count += 1
        else:
            self._last_nonce = challenge.nonce
            self._nonce_count = 1
        nc = f"{self._nonce_count:08x}"
        cnonce = secrets.token_hex(16)
        uri = request.url.raw_path_qs

        def digest(text: str | bytes) -> str:
            data = text.encode("utf-8") if isinstance(text, str) else text
            return challenge.hash_factory(data).hexdigest()

        ha1 = digest(f"{self._login}:{challenge.realm}:{self._password}")
        if challenge.session:
            ha1 = digest(f"{ha1}:{challenge.nonce}:{cnonce}")
        a2 = f"{request.method}:{uri}"
        if challenge.qop == "auth-int":
            a2 += ":" + digest(await _body_bytes(request))
        ha2 = digest(a2)
        if challenge.qop:
            answer = digest(
                f"{ha1}:{challenge.nonce}:{nc}:{cnonce}:{challenge.qop}:{ha2}"
            )
        else:
            answer = digest(f"{ha1}:{challenge.nonce}:{ha2}")

        fields = [
            _username_field(self._login),
            f"realm={quote(challenge.realm)}",
            f"nonce={quote(challenge.nonce)}",
            f"uri={quote(uri)}",
            f"algorithm={challenge.algorithm}",
            f"response={quote(answer)}",
        ]
        if challenge.opaque is not None:
            fields.append(f"opaque={quote(challenge.opaque)}")
        if challenge.qop:
            fields += [f"qop={challenge.qop}", f"nc={nc}", f"cnonce={quote(cnonce)}"]
        return "Digest " + ", ".join(fields)


def _read_challenge(params: dict[str, str], algorithm: str) -> _Challenge:
    """Check a Digest challenge's parameters and pick the qop to answer."""
    for name in ("realm", "nonce"):
        if name not in params:
            raise ClientError(
                f"Malformed Digest auth challenge: Missing '{name}' parameter"
            )
    for value in params.values():
        if not _CONTROL.isdisjoint(value):
            raise ClientError("Malformed Digest auth challenge: control character")
    name = algorithm.upper()
    session = name.endswith(_SESS)
    qop = ""
    offered = params.get("qop")
    if offered is not None:
        choices = {q.strip().lower() for q in offered.split(",")}
        if "auth-int" in choices:
            qop = "auth-int"
        elif "auth" in choices:
            qop = "auth"
        else:
            raise ClientError(
                "Digest auth error: Unsupported Quality of Protection (qop) "
                f"value(s): {offered}"
            )
    return _Challenge(
        realm=params["realm"],
        nonce=params["nonce"],
        algorithm=algorithm,
        hash_factory=_ALGORITHMS[name.removesuffix(_SESS)],
        session=session,
        qop=qop,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
        domain=params.get("domain", ""),
    )


def _username_field(login: str) -> str:
    if login.isascii():
        return f"username={quote(login)}"
    # RFC 7616 3.4.4: a name outside ASCII goes in username* (RFC 8187).
    return f"username*=UTF-8''{percent_quote(login, safe='')}"


async def _body_bytes(request: ClientRequest) -> bytes:
    """The request body, for ``qop=auth-int`` (empty without a body)."""
    return await request.body.as_bytes()
