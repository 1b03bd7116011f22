"""web_exceptions: one raisable response per status, as the manual lists them.

The expected names, codes and tree below are copied from the manual's
"HTTP Exception hierarchy chart" (aiohttp 3.x), not from the module.
"""

from __future__ import annotations

import warnings
from http import HTTPStatus

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp import web_exceptions
from aiohttp.web_exceptions import (
    HTTPBadRequest,
    HTTPClientError,
    HTTPError,
    HTTPException,
    HTTPFound,
    HTTPMethodNotAllowed,
    HTTPMove,
    HTTPMovedPermanently,
    HTTPNoContent,
    HTTPNotFound,
    HTTPNotModified,
    HTTPOk,
    HTTPPermanentRedirect,
    HTTPRedirection,
    HTTPRequestEntityTooLarge,
    HTTPResetContent,
    HTTPSeeOther,
    HTTPServerError,
    HTTPServiceUnavailable,
    HTTPSuccessful,
    HTTPTemporaryRedirect,
    HTTPUnavailableForLegalReasons,
)
from aiohttp.web_response import Response

SUCCESSFUL = {
    "HTTPOk": 200,
    "HTTPCreated": 201,
    "HTTPAccepted": 202,
    "HTTPNonAuthoritativeInformation": 203,
    "HTTPNoContent": 204,
    "HTTPResetContent": 205,
    "HTTPPartialContent": 206,
}
MOVES = {
    "HTTPMultipleChoices": 300,
    "HTTPMovedPermanently": 301,
    "HTTPFound": 302,
    "HTTPSeeOther": 303,
    "HTTPUseProxy": 305,
    "HTTPTemporaryRedirect": 307,
    "HTTPPermanentRedirect": 308,
}
OTHER_REDIRECTIONS = {"HTTPNotModified": 304}
CLIENT_ERRORS = {
    "HTTPBadRequest": 400,
    "HTTPUnauthorized": 401,
    "HTTPPaymentRequired": 402,
    "HTTPForbidden": 403,
    "HTTPNotFound": 404,
    "HTTPMethodNotAllowed": 405,
    "HTTPNotAcceptable": 406,
    "HTTPProxyAuthenticationRequired": 407,
    "HTTPRequestTimeout": 408,
    "HTTPConflict": 409,
    "HTTPGone": 410,
    "HTTPLengthRequired": 411,
    "HTTPPreconditionFailed": 412,
    "HTTPRequestEntityTooLarge": 413,
    "HTTPRequestURITooLong": 414,
    "HTTPUnsupportedMediaType": 415,
    "HTTPRequestRangeNotSatisfiable": 416,
    "HTTPExpectationFailed": 417,
    "HTTPMisdirectedRequest": 421,
    "HTTPUnprocessableEntity": 422,
    "HTTPFailedDependency": 424,
    "HTTPUpgradeRequired": 426,
    "HTTPPreconditionRequired": 428,
    "HTTPTooManyRequests": 429,
    "HTTPRequestHeaderFieldsTooLarge": 431,
    "HTTPUnavailableForLegalReasons": 451,
}
SERVER_ERRORS = {
    "HTTPInternalServerError": 500,
    "HTTPNotImplemented": 501,
    "HTTPBadGateway": 502,
    "HTTPServiceUnavailable": 503,
    "HTTPGatewayTimeout": 504,
    "HTTPVersionNotSupported": 505,
    "HTTPVariantAlsoNegotiates": 506,
    "HTTPInsufficientStorage": 507,
    "HTTPNotExtended": 510,
    "HTTPNetworkAuthenticationRequired": 511,
}
ALL_CODES = {
    **SUCCESSFUL,
    **MOVES,
    **OTHER_REDIRECTIONS,
    **CLIENT_ERRORS,
    **SERVER_ERRORS,
}
BASES = {
    "HTTPException",
    "HTTPError",
    "HTTPRedirection",
    "HTTPSuccessful",
    "HTTPMove",
    "HTTPClientError",
    "HTTPServerError",
}
# Classes whose constructor takes a positional argument before the keywords.
NEEDS_ARGUMENT: dict[str, tuple[object, ...]] = {
    **dict.fromkeys(MOVES, ("/elsewhere",)),
    "HTTPMethodNotAllowed": ("PATCH", ["GET"]),
    "HTTPRequestEntityTooLarge": (10, 20),
    "HTTPUnavailableForLegalReasons": (None,),
}
EMPTY_BODY = {"HTTPNoContent", "HTTPResetContent", "HTTPNotModified"}


def make(name: str, **kwargs: object) -> HTTPException:
    cls = getattr(web_exceptions, name)
    exc = cls(*NEEDS_ARGUMENT.get(name, ()), **kwargs)
    assert isinstance(exc, HTTPException)
    return exc


# ---------------------------------------------------------------- the list


def test_all_names_the_manuals_classes_exactly() -> None:
    # NotAppKeyWarning is the framework's warning (aiohttp keeps it here too).
    assert set(web_exceptions.__all__) == set(ALL_CODES) | BASES | {"NotAppKeyWarning"}
    assert len(web_exceptions.__all__) == len(set(web_exceptions.__all__))


@pytest.mark.parametrize(("name", "code"), sorted(ALL_CODES.items()))
def test_status_code_is_the_registered_status(name: str, code: int) -> None:
    cls = getattr(web_exceptions, name)
    assert cls.status_code == code
    assert HTTPStatus(code)  # a status IANA registered and Python knows


@pytest.mark.parametrize(("name", "code"), sorted(ALL_CODES.items()))
def test_instance_status_and_reason(name: str, code: int) -> None:
    exc = make(name)
    assert exc.status == code
    assert exc.reason == HTTPStatus(code).phrase


def test_one_class_per_status() -> None:
    assert len(set(ALL_CODES.values())) == len(ALL_CODES)


# ---------------------------------------------------------------- the tree


@pytest.mark.parametrize(
    ("names", "parent"),
    [
        (SUCCESSFUL, HTTPSuccessful),
        (MOVES, HTTPMove),
        (OTHER_REDIRECTIONS, HTTPRedirection),
        (CLIENT_ERRORS, HTTPClientError),
        (SERVER_ERRORS, HTTPServerError),
    ],
)
def test_each_class_sits_under_its_category(
    names: dict[str, int], parent: type[HTTPException]
) -> None:
    for name in names:
        cls = getattr(web_exceptions, name)
        assert cls.__bases__ == (parent,), name


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (HTTPSuccessful, HTTPException),
        (HTTPRedirection, HTTPException),
        (HTTPError, HTTPException),
        (HTTPMove, HTTPRedirection),
        (HTTPClientError, HTTPError),
        (HTTPServerError, HTTPError),
    ],
)
def test_categories(cls: type[HTTPException], parent: type[HTTPException]) -> None:
    assert cls.__bases__ == (parent,)


def test_the_root_is_both_a_response_and_an_exception() -> None:
    assert issubclass(HTTPException, Response)
    assert issubclass(HTTPException, Exception)
    assert not issubclass(HTTPException, HTTPError)


def test_not_modified_is_no_move() -> None:
    assert not issubclass(HTTPNotModified, HTTPMove)
    HTTPNotModified()  # takes no location


@pytest.mark.parametrize(
    ("exc", "is_a", "is_not_a"),
    [
        (
            HTTPNotFound(),
            (HTTPClientError, HTTPError, HTTPException, Response, Exception),
            (HTTPServerError, HTTPRedirection, HTTPSuccessful),
        ),
        (
            HTTPServiceUnavailable(),
            (HTTPServerError, HTTPError, HTTPException),
            (HTTPClientError, HTTPRedirection),
        ),
        (
            HTTPFound("/"),
            (HTTPMove, HTTPRedirection, HTTPException),
            (HTTPError, HTTPSuccessful),
        ),
        (HTTPOk(), (HTTPSuccessful, HTTPException), (HTTPError, HTTPRedirection)),
    ],
)
def test_isinstance(
    exc: HTTPException,
    is_a: tuple[type[BaseException], ...],
    is_not_a: tuple[type[BaseException], ...],
) -> None:
    for cls in is_a:
        assert isinstance(exc, cls), cls
    for cls in is_not_a:
        assert not isinstance(exc, cls), cls


# ---------------------------------------------------------------- raise, catch


def test_raise_and_catch_by_category() -> None:
    def handler() -> None:
        raise HTTPNotFound(reason="No such item")

    with pytest.raises(HTTPClientError) as info:
        handler()
    assert info.value.status == 404
    assert info.value.__traceback__ is not None

    with pytest.raises(HTTPError) as error:
        raise HTTPServiceUnavailable()
    assert error.value.status == 503


def test_caught_as_plain_exception() -> None:
    with pytest.raises(Exception, match=r"^Forbidden$"):
        raise web_exceptions.HTTPForbidden()


def test_exception_args_hold_the_reason() -> None:
    assert HTTPNotFound().args == ("Not Found",)
    assert HTTPNotFound(reason="Gone fishing").args == ("Gone fishing",)


def test_chaining_keeps_the_cause() -> None:
    def parse(value: str) -> int:
        try:
            return int(value)
        except ValueError as exc:
            raise HTTPBadRequest(text="not a number") from exc

    with pytest.raises(HTTPBadRequest) as info:
        parse("x")
    assert isinstance(info.value.__cause__, ValueError)


# ---------------------------------------------------------------- body and headers


def test_default_text_is_status_and_reason() -> None:
    exc = HTTPNotFound()
    assert exc.text == "404: Not Found"
    assert exc.body == b"404: Not Found"
    assert exc.content_type == "text/plain"
    assert exc.charset == "utf-8"


def test_default_text_uses_a_custom_reason() -> None:
    exc = HTTPBadRequest(reason="Bad Thing")
    assert exc.reason == "Bad Thing"
    assert exc.text == "400: Bad Thing"


def test_custom_text_and_content_type() -> None:
    exc = HTTPBadRequest(text="<p>nope</p>", content_type="text/html")
    assert exc.text == "<p>nope</p>"
    assert exc.content_type == "text/html"
    assert exc.body == b"<p>nope</p>"


def test_custom_text_keeps_the_reason() -> None:
    exc = HTTPNotFound(text="missing")
    assert exc.reason == "Not Found"
    assert str(exc) == "Not Found"


def test_headers_are_added_to_the_response() -> None:
    exc = HTTPNotFound(headers={"X-Custom": "1", "Cache-Control": "no-store"})
    assert exc.headers["X-Custom"] == "1"
    assert exc.headers["cache-control"] == "no-store"
    assert exc.text == "404: Not Found"


def test_headers_may_be_a_multidict() -> None:
    exc = HTTPNotFound(headers=CIMultiDict([("Vary", "A"), ("Vary", "B")]))
    assert exc.headers.getall("Vary") == ["A", "B"]


def test_body_argument_is_deprecated() -> None:
    with pytest.warns(
        DeprecationWarning,
        match="^body argument is deprecated for http web exceptions$",
    ):
        exc = HTTPNotFound(body=b"raw bytes")
    assert exc.body == b"raw bytes"


def test_text_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        HTTPNotFound(text="fine")


def test_headers_is_a_case_insensitive_multidict() -> None:
    exc = HTTPNotFound()
    assert isinstance(exc.headers, CIMultiDict)
    exc.headers["X-Later"] = "yes"
    assert exc.headers["x-later"] == "yes"


# ---------------------------------------------------------------- no body


@pytest.mark.parametrize("name", sorted(EMPTY_BODY))
def test_statuses_without_body(name: str) -> None:
    exc = make(name)
    assert type(exc).empty_body is True
    assert exc.body is None
    assert exc.text is None


@pytest.mark.parametrize("name", sorted(set(ALL_CODES) - EMPTY_BODY))
def test_every_other_status_has_a_default_body(name: str) -> None:
    exc = make(name)
    assert type(exc).empty_body is False
    assert exc.body is not None


def test_the_no_body_classes() -> None:
    assert HTTPNoContent.empty_body
    assert HTTPResetContent.empty_body
    assert HTTPNotModified.empty_body
    assert not HTTPException.empty_body


# ---------------------------------------------------------------- str, repr, identity


@pytest.mark.parametrize(("name", "code"), sorted(ALL_CODES.items()))
def test_str_is_the_reason(name: str, code: int) -> None:
    assert str(make(name)) == HTTPStatus(code).phrase


def test_str_of_a_custom_reason() -> None:
    assert str(HTTPNotFound(reason="Nothing here")) == "Nothing here"


def test_repr_names_the_class_and_reason() -> None:
    text = repr(HTTPNotFound())
    assert "HTTPNotFound" in text
    assert "Not Found" in text


def test_equality_and_hash_are_identity() -> None:
    first, second = HTTPNotFound(), HTTPNotFound()
    assert first == first  # noqa: PLR0124
    assert first != second
    assert hash(first) != hash(second)
    assert len({first, second, first}) == 2
    assert {first: 1}[first] == 1


def test_truthy_even_without_items() -> None:
    exc = HTTPNoContent()
    assert len(exc) == 0
    assert bool(exc) is True


def test_dict_like_storage_works() -> None:
    exc = HTTPNotFound()
    exc["seen_by"] = "middleware"
    assert exc["seen_by"] == "middleware"
    assert list(exc) == ["seen_by"]


def test_marked_for_the_server() -> None:
    assert HTTPNotFound.__http_exception__ is True
    assert getattr(HTTPNotFound(), "__http_exception__", False) is True


def test_a_user_subclass_for_another_status() -> None:
    class HTTPImATeapot(HTTPClientError):
        status_code = 418

    with pytest.raises(HTTPClientError) as info:
        raise HTTPImATeapot()
    assert info.value.status == 418
    assert info.value.reason == HTTPStatus(418).phrase
    assert info.value.text == f"418: {HTTPStatus(418).phrase}"


# ---------------------------------------------------------------- redirections


@pytest.mark.parametrize("name", sorted(MOVES))
def test_moves_set_location(name: str) -> None:
    exc = getattr(web_exceptions, name)("/new/place?x=1")
    assert exc.headers["Location"] == "/new/place?x=1"
    assert exc.location == "/new/place?x=1"
    assert exc.text == f"{exc.status}: {exc.reason}"


def test_location_may_be_a_url() -> None:
    target = URL("http://example.com/a b")
    exc = HTTPMovedPermanently(target)
    assert exc.location is target
    assert exc.headers["Location"] == "http://example.com/a%20b"


def test_location_non_ascii_is_encoded() -> None:
    exc = HTTPFound("/пример")
    assert exc.headers["Location"] == "/%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80"
    assert exc.location == "/пример"


def test_location_keyword_and_other_arguments() -> None:
    exc = HTTPTemporaryRedirect(
        location="/x", headers={"X-A": "1"}, reason="Elsewhere", text="go"
    )
    assert exc.headers["Location"] == "/x"
    assert exc.headers["X-A"] == "1"
    assert exc.reason == "Elsewhere"
    assert exc.text == "go"


def test_headers_given_do_not_override_location() -> None:
    exc = HTTPPermanentRedirect("/right", headers={"Location": "/wrong"})
    assert exc.headers.getall("Location") == ["/right"]


@pytest.mark.parametrize("location", ["", None])
def test_empty_location_is_refused(location: str | None) -> None:
    with pytest.raises(ValueError, match="location"):
        HTTPFound(location)  # type: ignore[arg-type]


def test_empty_url_is_refused() -> None:
    with pytest.raises(ValueError, match="location"):
        HTTPFound(URL())


@pytest.mark.parametrize(
    "location",
    [
        "/a\r\nSet-Cookie: x=1",
        "/a\nX: y",
        "/a\rb",
        "/a\x00b",
        URL.build(path="/a\r\nb", encoded=True),
    ],
)
def test_header_splitting_location_is_refused(location: str | URL) -> None:
    with pytest.raises(ValueError, match="Location"):
        HTTPSeeOther(location)


def test_location_is_required() -> None:
    with pytest.raises(TypeError):
        HTTPFound()  # type: ignore[call-arg]


# ---------------------------------------------------------------- 405


def test_method_not_allowed() -> None:
    exc = HTTPMethodNotAllowed("patch", ["POST", "GET", "PUT"])
    assert exc.status == 405
    assert exc.method == "PATCH"
    assert exc.allowed_methods == {"GET", "POST", "PUT"}
    assert exc.headers["Allow"] == "GET,POST,PUT"
    assert exc.text == "405: Method Not Allowed"


def test_method_not_allowed_from_a_generator_and_duplicates() -> None:
    exc = HTTPMethodNotAllowed("DELETE", (m for m in ["GET", "HEAD", "GET"]))
    assert exc.allowed_methods == {"GET", "HEAD"}
    assert exc.headers["Allow"] == "GET,HEAD"


def test_method_not_allowed_with_none_allowed() -> None:
    exc = HTTPMethodNotAllowed("GET", [])
    assert exc.allowed_methods == set()
    assert exc.headers["Allow"] == ""


def test_method_not_allowed_keywords() -> None:
    exc = HTTPMethodNotAllowed(
        method="GET", allowed_methods={"POST"}, headers={"X": "1"}, text="use POST"
    )
    assert exc.headers["Allow"] == "POST"
    assert exc.headers["X"] == "1"
    assert exc.text == "use POST"


def test_method_not_allowed_refuses_header_splitting() -> None:
    with pytest.raises(ValueError, match="Allow"):
        HTTPMethodNotAllowed("GET", ["POST\r\nX: y"])


# ---------------------------------------------------------------- 413


def test_request_entity_too_large_text() -> None:
    exc = HTTPRequestEntityTooLarge(max_size=1024, actual_size=2048)
    assert exc.status == 413
    assert exc.text == "Maximum request body size 1024 exceeded, actual body size 2048"


def test_request_entity_too_large_positional_and_floats() -> None:
    exc = HTTPRequestEntityTooLarge(10, 10.5)
    assert exc.text == "Maximum request body size 10 exceeded, actual body size 10.5"


def test_request_entity_too_large_other_arguments() -> None:
    exc = HTTPRequestEntityTooLarge(
        1, 2, text="too big", headers={"Connection": "close"}, reason="Big"
    )
    assert exc.text == "too big"
    assert exc.headers["Connection"] == "close"
    assert exc.reason == "Big"


# ---------------------------------------------------------------- 451


def test_unavailable_for_legal_reasons_with_link() -> None:
    exc = HTTPUnavailableForLegalReasons("http://example.com/why")
    assert exc.status == 451
    assert exc.link == URL("http://example.com/why")
    assert exc.headers["Link"] == '<http://example.com/why>; rel="blocked-by"'


def test_unavailable_for_legal_reasons_with_url_link() -> None:
    exc = HTTPUnavailableForLegalReasons(link=URL("https://example.org/x"))
    assert exc.link == URL("https://example.org/x")
    assert exc.headers["Link"] == '<https://example.org/x>; rel="blocked-by"'


@pytest.mark.parametrize("link", [None, ""])
def test_unavailable_for_legal_reasons_without_link(link: str | None) -> None:
    exc = HTTPUnavailableForLegalReasons(link)
    assert exc.link is None
    assert "Link" not in exc.headers


def test_unavailable_for_legal_reasons_refuses_header_splitting() -> None:
    with pytest.raises(ValueError, match="Link"):
        HTTPUnavailableForLegalReasons("http://x/\r\nSet-Cookie: a=b")


# ---------------------------------------------------------------- reason safety


def test_reason_with_newline_is_refused() -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is Response's
        HTTPNotFound(reason="Not\r\nFound")
