"""DigestAuthMiddleware against a server that checks RFC 7616 by itself.

The server side below is written from the RFC: it issues challenges,
recomputes the expected ``response`` for each ``Authorization: Digest``
header, refuses replayed nonce counts, and can declare a nonce stale.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import unquote

import pytest

import aiohttp
from aiohttp import web
from aiohttp._digest_challenge import parse_challenges
from aiohttp.client_middleware_digest_auth import DigestAuthMiddleware
from aiohttp.pytest_plugin import AiohttpClient, AiohttpServer
from aiohttp.test_utils import TestClient

_HASHES = {
    "MD5": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA-512": hashlib.sha512,
    "SHA-512-256": lambda data=b"": hashlib.new("sha512_256", data),
}
_PARAM = re.compile(r'([A-Za-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')
TIMEOUT = aiohttp.ClientTimeout(total=15)


class DigestServer:
    """The server side of Digest authentication, as a web handler."""

    def __init__(
        self,
        *,
        algorithm: str | None = "MD5",
        qop: str | None = "auth",
        realm: str = "tests@aiotide",
        password: str = "secret",
        domain: str | None = None,
        single_use_nonces: bool = False,
        extra_challenge: str = "",
    ) -> None:
        self.algorithm = algorithm
        self.qop = qop
        self.realm = realm
        self.password = password
        self.domain = domain
        self.single_use_nonces = single_use_nonces
        self.extra_challenge = extra_challenge
        self.opaque = secrets.token_hex(4)
        self.nonces: dict[str, int] = {}  # nonce -> last nonce count seen
        self.log: list[tuple[str, str]] = []  # (path, "challenge" | "ok" | ...)
        self.headers: list[str] = []

    def challenge(self, *, stale: bool = False) -> web.Response:
        nonce = secrets.token_hex(8)
        self.nonces[nonce] = 0
        parts = [f'realm="{self.realm}"', f'nonce="{nonce}"', f'opaque="{self.opaque}"']
        if self.algorithm is not None:
            parts.append(f"algorithm={self.algorithm}")
        if self.qop is not None:
            parts.append(f'qop="{self.qop}"')
        if self.domain is not None:
            parts.append(f'domain="{self.domain}"')
        if stale:
            parts.append("stale=true")
        value = "Digest " + ", ".join(parts)
        if self.extra_challenge:
            value = f"{self.extra_challenge}, {value}"
        return web.Response(
            status=401, text="who are you?", headers={"WWW-Authenticate": value}
        )

    def hash(self, text: str | bytes) -> str:
        name = (self.algorithm or "MD5").upper().removesuffix("-SESS")
        data = text.encode() if isinstance(text, str) else text
        return _HASHES[name](data).hexdigest()

    async def handler(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization")
        if header is None:
            self.log.append((request.path, "challenge"))
            return self.challenge()
        self.headers.append(header)
        scheme, _, rest = header.partition(" ")
        assert scheme == "Digest"
        params = {
            m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _PARAM.finditer(rest)
        }
        if "username*" in params:
            charset, _, encoded = params["username*"].partition("''")
            assert charset.upper() == "UTF-8"
            username = unquote(encoded)
        else:
            username = params["username"]
        nonce = params["nonce"]
        if nonce not in self.nonces:
            self.log.append((request.path, "stale"))
            return self.challenge(stale=True)
        assert params["realm"] == self.realm
        assert params["uri"] == request.path_qs
        assert params["opaque"] == self.opaque
        if self.algorithm is not None:
            assert params["algorithm"] == self.algorithm
        ha1 = self.hash(f"{username}:{self.realm}:{self.password}")
        if (self.algorithm or "").upper().endswith("-SESS"):
            ha1 = self.hash(f"{ha1}:{nonce}:{params['cnonce']}")
        a2 = f"{request.method}:{params['uri']}"
        qop = params.get("qop")
        if qop == "auth-int":
            a2 += ":" + self.hash(await request.read())
        if qop is None:
            expected = self.hash(f"{ha1}:{nonce}:{self.hash(a2)}")
        else:
            assert qop in (self.qop or "").split(",")
            nc = int(params["nc"], 16)
            if nc <= self.nonces[nonce]:
                self.log.append((request.path, "replay"))
                return self.challenge()
            self.nonces[nonce] = nc
            expected = self.hash(
                f"{ha1}:{nonce}:{params['nc']}:{params['cnonce']}:{qop}:{self.hash(a2)}"
            )
        if params["response"] != expected:
            self.log.append((request.path, "refused"))
            return self.challenge()
        if self.single_use_nonces:
            del self.nonces[nonce]
        self.log.append((request.path, "ok"))
        return web.Response(text=f"hello {username}")


def _app(server: DigestServer) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handler)
    return app


async def _client(
    aiohttp_client: AiohttpClient,
    app: web.Application,
    *,
    login: str = "user",
    password: str = "secret",
    preemptive: bool = True,
) -> TestClient[web.Request, web.Application]:
    """A client for ``app`` whose session authenticates with Digest."""
    digest = DigestAuthMiddleware(login, password, preemptive=preemptive)
    return await aiohttp_client(app, timeout=TIMEOUT, middlewares=(digest,))


@pytest.mark.parametrize(
    "algorithm",
    [
        "MD5",
        "MD5-sess",
        "SHA-256",
        "SHA-256-sess",
        "SHA-512-256",
        "SHA-512-256-sess",
        "SHA-512",
        None,  # no algorithm parameter: MD5
    ],
)
async def test_algorithms(aiohttp_client: AiohttpClient, algorithm: str | None) -> None:
    server = DigestServer(algorithm=algorithm)
    client = await _client(aiohttp_client, _app(server))
    async with client.get("/page?x=1") as resp:
        assert resp.status == 200
        assert await resp.text() == "hello user"
    assert server.log == [("/page", "challenge"), ("/page", "ok")]


async def test_qop_auth_int_hashes_the_body(aiohttp_client: AiohttpClient) -> None:
    server = DigestServer(qop="auth-int", algorithm="SHA-256")
    client = await _client(aiohttp_client, _app(server))
    async with client.post("/upload", data=b"the body") as resp:
        assert resp.status == 200
    async with client.put("/upload", json={"a": 1}) as resp:
        assert resp.status == 200
    assert [state for _, state in server.log] == ["challenge", "ok", "ok"]
    assert "qop=auth-int" in server.headers[0]


async def test_either_qop_and_no_qop(aiohttp_client: AiohttpClient) -> None:
    for qop in ("auth,auth-int", None):
        server = DigestServer(qop=qop)
        client = await _client(aiohttp_client, _app(server))
        async with client.post("/", data=b"x") as resp:
            assert resp.status == 200
        assert server.log[-1][1] == "ok"


async def test_preemptive_reuse_counts_the_nonce(aiohttp_client: AiohttpClient) -> None:
    server = DigestServer()
    client = await _client(aiohttp_client, _app(server))
    for path in ("/one", "/two", "/three"):
        async with client.get(path) as resp:
            assert resp.status == 200
    assert server.log == [
        ("/one", "challenge"),
        ("/one", "ok"),
        ("/two", "ok"),
        ("/three", "ok"),
    ]
    counts = [re.search(r"nc=([0-9a-f]+)", h).group(1) for h in server.headers]  # type: ignore[union-attr]
    assert counts == ["00000001", "00000002", "00000003"]
    cnonces = {re.search(r'cnonce="([^"]+)"', h).group(1) for h in server.headers}  # type: ignore[union-attr]
    assert len(cnonces) == 3


async def test_without_preemptive_every_request_is_challenged(
    aiohttp_client: AiohttpClient,
) -> None:
    server = DigestServer()
    client = await _client(aiohttp_client, _app(server), preemptive=False)
    for _ in range(2):
        async with client.get("/p") as resp:
            assert resp.status == 200
    assert [state for _, state in server.log] == ["challenge", "ok"] * 2


async def test_preemptive_only_inside_the_protection_space(
    aiohttp_client: AiohttpClient,
) -> None:
    server = DigestServer(domain="/private/ /also")
    client = await _client(aiohttp_client, _app(server))
    for path in ("private/a", "private/b", "also/c", "also", "public", "alsox"):
        async with client.get(f"/{path}") as resp:
            assert resp.status == 200
    assert server.log == [
        ("/private/a", "challenge"),
        ("/private/a", "ok"),
        ("/private/b", "ok"),
        ("/also/c", "ok"),
        ("/also", "ok"),
        ("/public", "challenge"),
        ("/public", "ok"),
        ("/alsox", "challenge"),
        ("/alsox", "ok"),
    ]


async def test_preemptive_stays_on_its_origin(aiohttp_server: AiohttpServer) -> None:
    first, second = DigestServer(), DigestServer()
    base = await aiohttp_server(_app(first))
    other = await aiohttp_server(_app(second))
    digest = DigestAuthMiddleware("user", "secret")
    async with aiohttp.ClientSession(timeout=TIMEOUT, middlewares=(digest,)) as session:
        async with session.get(base.make_url("/a")) as resp:
            assert resp.status == 200
        async with session.get(other.make_url("/b")) as resp:
            assert resp.status == 200
    assert second.log == [("/b", "challenge"), ("/b", "ok")]


async def test_a_stale_nonce_is_renewed_without_failing(
    aiohttp_client: AiohttpClient,
) -> None:
    server = DigestServer(single_use_nonces=True)
    client = await _client(aiohttp_client, _app(server))
    for path in ("/a", "/b"):
        async with client.get(path) as resp:
            assert resp.status == 200
    assert server.log == [
        ("/a", "challenge"),
        ("/a", "ok"),
        ("/b", "stale"),
        ("/b", "ok"),
    ]


async def test_wrong_credentials_return_the_401(aiohttp_client: AiohttpClient) -> None:
    server = DigestServer()
    client = await _client(aiohttp_client, _app(server), password="wrong")
    async with client.get("/p") as resp:
        assert resp.status == 401
        assert await resp.text() == "who are you?"
    assert server.log == [("/p", "challenge"), ("/p", "refused")]


async def test_other_schemes_in_the_same_header(aiohttp_client: AiohttpClient) -> None:
    server = DigestServer(extra_challenge='Basic realm="basic, really"')
    client = await _client(aiohttp_client, _app(server))
    async with client.get("/") as resp:
        assert resp.status == 200


async def test_a_non_ascii_username_goes_in_username_star(
    aiohttp_client: AiohttpClient,
) -> None:
    server = DigestServer()
    client = await _client(aiohttp_client, _app(server), login="jos\u00e9")
    async with client.get("/") as resp:
        assert await resp.text() == "hello jos\u00e9"
    assert "username*=UTF-8''jos%C3%A9" in server.headers[0]


async def test_an_unsupported_algorithm_is_an_error(
    aiohttp_client: AiohttpClient,
) -> None:
    server = DigestServer(algorithm="SHA3-256")
    client = await _client(aiohttp_client, _app(server))
    with pytest.raises(aiohttp.ClientError, match="SHA3-256"):
        await client.get("/")


async def test_a_challenge_without_nonce_is_an_error(
    aiohttp_client: AiohttpClient,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            status=401, headers={"WWW-Authenticate": 'Digest realm="r"'}
        )

    app = web.Application()
    app.router.add_get("/", handler)
    client = await _client(aiohttp_client, app)
    with pytest.raises(aiohttp.ClientError, match="nonce"):
        await client.get("/")


async def test_a_401_without_digest_is_passed_on(aiohttp_client: AiohttpClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="r"'})

    app = web.Application()
    app.router.add_get("/", handler)
    client = await _client(aiohttp_client, app)
    async with client.get("/") as resp:
        assert resp.status == 401


def test_credentials_are_checked() -> None:
    with pytest.raises(ValueError, match=":"):
        DigestAuthMiddleware("a:b", "p")
    with pytest.raises(ValueError, match="None"):
        DigestAuthMiddleware(None, "p")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="None"):
        DigestAuthMiddleware("a", None)  # type: ignore[arg-type]


def test_challenge_parsing() -> None:
    assert parse_challenges(
        [
            'Newauth realm="apps", type=1, title="Login to \\"apps\\"", '
            'Basic realm="simple"',
            'Negotiate abc+/==, Digest NONCE=n, Realm="r, s"',
        ]
    ) == [
        ("newauth", {"realm": "apps", "type": "1", "title": 'Login to "apps"'}),
        ("basic", {"realm": "simple"}),
        ("negotiate", {}),
        ("digest", {"nonce": "n", "realm": "r, s"}),
    ]
