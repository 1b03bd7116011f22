"""aiohttp.helpers: BasicAuth, encode_basic_auth and strip_auth_from_url (RFC 7617)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from yarl import URL

from aiohttp import helpers
from aiohttp.helpers import BasicAuth, encode_basic_auth, strip_auth_from_url


def test_fields_and_defaults() -> None:
    auth = BasicAuth("nkim")
    assert auth.login == "nkim"
    assert auth.password == ""
    assert auth.encoding == "latin1"
    assert auth == ("nkim", "", "latin1")
    assert BasicAuth("nkim", "pwd", "utf-8") == ("nkim", "pwd", "utf-8")


def test_is_an_immutable_named_tuple() -> None:
    auth = BasicAuth("nkim", "pwd")
    assert isinstance(auth, tuple)
    login, password, encoding = auth
    assert (login, password, encoding) == ("nkim", "pwd", "latin1")
    with pytest.raises(AttributeError):
        auth.login = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        auth.extra = 1  # type: ignore[attr-defined]
    assert auth._replace(password="new") == ("nkim", "new", "latin1")
    assert repr(auth) == "BasicAuth(login='nkim', password='pwd', encoding='latin1')"
    assert hash(auth) == hash(BasicAuth("nkim", "pwd"))


def test_login_none_is_rejected() -> None:
    bad: Any = None
    with pytest.raises(ValueError, match="None is not allowed as login value"):
        BasicAuth(bad)


def test_password_none_is_rejected() -> None:
    bad: Any = None
    with pytest.raises(ValueError, match="None is not allowed as password value"):
        BasicAuth("nkim", bad)


def test_colon_in_login_is_rejected() -> None:
    # RFC 7617 section 2: a user-id containing a colon character is invalid.
    with pytest.raises(ValueError, match='":" is not allowed in login'):
        BasicAuth("nk:im")


def test_colon_in_password_is_fine() -> None:
    auth = BasicAuth("nkim", "p:w:d")
    assert BasicAuth.decode(auth.encode()) == auth


def test_encode_rfc_example() -> None:
    # RFC 7617 section 2: Aladdin / open sesame.
    assert BasicAuth("Aladdin", "open sesame").encode() == (
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    )


def test_encode_uses_the_encoding() -> None:
    # RFC 7617 section 2.1: test / 123£ in UTF-8.
    assert BasicAuth("test", "123\xa3", "utf-8").encode() == "Basic dGVzdDoxMjPCow=="
    assert BasicAuth("test", "123\xa3").encode() == "Basic dGVzdDoxMjOj"


def test_encode_unencodable() -> None:
    with pytest.raises(UnicodeEncodeError):
        BasicAuth("\u20ac").encode()


def test_encode_basic_auth_defaults_to_utf8() -> None:
    assert encode_basic_auth("test", "123\xa3") == "Basic dGVzdDoxMjPCow=="
    assert encode_basic_auth("test") == "Basic " + base64.b64encode(b"test:").decode()
    assert encode_basic_auth("test", "123\xa3", "latin1") == "Basic dGVzdDoxMjOj"


def test_encode_basic_auth_rejects_colon_in_login() -> None:
    with pytest.raises(ValueError, match='":" is not allowed in login'):
        encode_basic_auth("a:b", "c")


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_decode_scheme_is_case_insensitive(scheme: str) -> None:
    auth = BasicAuth.decode(f"{scheme} QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    assert auth == BasicAuth("Aladdin", "open sesame")


def test_decode_encoding() -> None:
    assert BasicAuth.decode("Basic dGVzdDoxMjPCow==", encoding="utf-8") == (
        "test",
        "123\xa3",
        "utf-8",
    )
    # The same bytes read as latin-1 are two characters.
    assert BasicAuth.decode("Basic dGVzdDoxMjPCow==").password == "123\xc2\xa3"


def test_decode_splits_on_the_first_colon() -> None:
    token = base64.b64encode(b"user:pa:ss").decode()
    assert BasicAuth.decode(f"Basic {token}") == ("user", "pa:ss", "latin1")


def test_decode_empty_login_and_password() -> None:
    token = base64.b64encode(b":").decode()
    assert BasicAuth.decode(f"Basic {token}") == ("", "", "latin1")


@pytest.mark.parametrize(
    "header",
    ["", "Basic", "BasicQWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Basic ", " QWxh"],
)
def test_decode_unparseable(header: str) -> None:
    with pytest.raises(ValueError, match="Could not parse authorization header"):
        BasicAuth.decode(header)


def test_decode_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="Unknown authorization method Bearer"):
        BasicAuth.decode("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==")


@pytest.mark.parametrize(
    "header",
    [
        "Basic  QWxhZGRpbjpvcGVuIHNlc2FtZQ==",  # two spaces
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== ",  # trailing space
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ",  # missing padding
        "Basic QWxh ZGRp",  # space inside
        "Basic QWxh*GRp",  # not base64
        "Basic \u0410\u0411\u0412\u0413",  # not ASCII
    ],
)
def test_decode_invalid_base64(header: str) -> None:
    with pytest.raises(ValueError, match="Invalid base64 encoding"):
        BasicAuth.decode(header)


def test_decode_without_colon() -> None:
    token = base64.b64encode(b"nocolon").decode()
    with pytest.raises(ValueError, match="Invalid credentials"):
        BasicAuth.decode(f"Basic {token}")


def test_decode_invalid_in_encoding() -> None:
    token = base64.b64encode(b"user:\xff").decode()
    with pytest.raises(ValueError, match="Credentials are not valid utf-8"):
        BasicAuth.decode(f"Basic {token}", encoding="utf-8")


def test_from_url() -> None:
    auth = BasicAuth.from_url(URL("http://user:pass@example.com"))
    assert auth == ("user", "pass", "latin1")


def test_from_url_decodes_percent_escapes() -> None:
    auth = BasicAuth.from_url(URL("http://us%40er:p%3Ass@example.com"))
    assert auth == ("us@er", "p:ss", "latin1")


def test_from_url_encoding() -> None:
    auth = BasicAuth.from_url(URL("http://user:pass@example.com"), encoding="utf-8")
    assert auth is not None
    assert auth.encoding == "utf-8"


def test_from_url_user_only() -> None:
    assert BasicAuth.from_url(URL("http://user@example.com")) == ("user", "", "latin1")


def test_from_url_password_only() -> None:
    assert BasicAuth.from_url(URL("http://:pass@example.com")) == ("", "pass", "latin1")


def test_from_url_without_credentials() -> None:
    assert BasicAuth.from_url(URL("http://example.com")) is None


def test_from_url_requires_a_url() -> None:
    bad: Any = "http://user:pass@example.com"
    with pytest.raises(TypeError, match=r"url should be yarl\.URL instance"):
        BasicAuth.from_url(bad)


def test_strip_auth_from_url() -> None:
    url, auth = strip_auth_from_url(URL("http://user:pass@example.com/path?q=1"))
    assert url == URL("http://example.com/path?q=1")
    assert auth == BasicAuth("user", "pass")


def test_strip_auth_from_url_without_credentials() -> None:
    original = URL("http://example.com/path")
    url, auth = strip_auth_from_url(original)
    assert url is original
    assert auth is None


def test_exported_from_helpers() -> None:
    for name in ("BasicAuth", "encode_basic_auth", "strip_auth_from_url"):
        assert name in helpers.__all__
