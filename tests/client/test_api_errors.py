"""Mapping failures to the error tree on its own: plain ``httpx.Response`` objects and
httpx exceptions in, errors with their hints out, secrets never."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconciler.api_errors import ApiErrors, exception_line, says_not_found, status_line
from reconciler.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    RateLimitError,
    TransportError,
    ValidationError,
)
from reconciler.netfail import Failure

from .conftest import CONNECTION, MATON_KEY, TOKEN, direct_endpoint, maton_endpoint

DIRECT = ApiErrors(direct_endpoint(), timeout=10)
MATON = ApiErrors(maton_endpoint(), timeout=10)


def answer(status: int, body: Any = None, **options: Any) -> httpx.Response:
    if body is None:
        return httpx.Response(status, **options)
    return httpx.Response(status, json=body, **options)


@pytest.mark.parametrize(
    ("errors", "method", "response", "kind", "text"),
    [
        (DIRECT, "GET", answer(404), NotFoundError, "GET /tags: 404 Not Found"),
        (DIRECT, "GET", answer(403, {"message": "No Result found"}), NotFoundError, "No Result"),
        (DIRECT, "PUT", answer(401), AuthError, "check ACTIVECAMPAIGN_API_TOKEN"),
        (MATON, "GET", answer(401), AuthError, "check MATON_API_KEY"),
        (MATON, "PUT", answer(403), AuthError, "connection is authorised"),
        (MATON, "GET", answer(400, {"message": "no connection"}), AuthError, "MATON_CONNECTION"),
        (DIRECT, "GET", answer(400, {"message": "no connection"}), ValidationError, "connection"),
        (DIRECT, "POST", answer(422, {"errors": [{"title": "Invalid"}]}), ValidationError, ""),
        (DIRECT, "GET", answer(429), RateLimitError, "still rate limited after 3 retries"),
        (
            DIRECT,
            "GET",
            answer(301, headers={"Location": "https://other.api-us1.com/"}),
            ApiError,
            "redirected to other.api-us1.com; check the account URL (https://acct.api-us1.com)",
        ),
        (DIRECT, "GET", answer(302), ApiError, "redirected to elsewhere"),
        (MATON, "GET", answer(500), ApiError, "authorisation expired"),
        (DIRECT, "GET", answer(500), ApiError, "GET /tags: 500 Internal Server Error"),
        (DIRECT, "POST", answer(503), ApiError, "the create may have been done"),
    ],
)
def test_answers_map_to_the_error_tree(
    errors: ApiErrors, method: str, response: httpx.Response, kind: type, text: str
) -> None:
    error = errors.answered(method, "/tags?x=1", response, retries=3, forbidden=0)
    assert type(error) is kind
    assert text in str(error)
    assert error.status == response.status_code and error.path == "/tags"


def test_a_403_that_persisted_on_a_read_is_a_permission_problem() -> None:
    response = answer(403, {"message": "Forbidden"})
    first = DIRECT.answered("GET", "/tags", response, retries=0, forbidden=0)
    last = DIRECT.answered("GET", "/tags", response, retries=2, forbidden=2)
    assert "refused the token" in str(first) and "permission" not in str(first)
    assert "still forbidden after 3 attempts, so this is a permission problem" in str(last)
    assert "ACTIVECAMPAIGN_API_TOKEN's user on https://acct.api-us1.com may not read /tags" in (
        str(last)
    )
    through = MATON.answered("GET", "/tags", response, retries=1, forbidden=1)
    assert "the connection's user" in str(through)


def test_a_body_is_kept_and_secrets_are_redacted() -> None:
    response = answer(422, {"message": f"bad token {TOKEN}"})
    error = DIRECT.answered("PUT", "/tags/3", response, retries=0, forbidden=0)
    assert error.body == {"message": f"bad token {TOKEN}"}  # the data, for the caller
    assert TOKEN not in str(error) and "***" in str(error)
    shown = MATON.redact(f"key {MATON_KEY} on connection {CONNECTION}")
    assert MATON_KEY not in shown and CONNECTION in shown  # the connection id is no secret


@pytest.mark.parametrize(
    ("failure", "method", "retries", "expected"),
    [
        (Failure.OTHER, "GET", 0, "GET /tags: UnsupportedProtocol: ftp"),
        (
            Failure.DNS,
            "GET",
            0,
            "GET /tags: cannot resolve the host name 'acct.api-us1.com' of "
            "https://acct.api-us1.com (UnsupportedProtocol: ftp): check the URL and the network",
        ),
        (
            Failure.UNSENT,
            "POST",
            2,
            "POST /tags: no answer from https://acct.api-us1.com (UnsupportedProtocol: ftp) "
            "after 3 attempts",
        ),
        (
            Failure.TIMEOUT,
            "POST",
            0,
            "POST /tags: no answer from https://acct.api-us1.com (UnsupportedProtocol: ftp); "
            "each waited 10 s (ACR_TIMEOUT or --timeout change that); "
            "the create may have been done: run plan again before retrying",
        ),
    ],
)
def test_requests_without_an_answer(
    failure: Failure, method: str, retries: int, expected: str
) -> None:
    exc = httpx.UnsupportedProtocol("ftp")
    error = DIRECT.unanswered(method, "/tags?q=1", exc, failure, retries=retries)
    assert type(error) is TransportError and str(error) == expected


def test_a_wait_too_long_is_reported() -> None:
    error = DIRECT.too_long("GET", "/tags?x", 3600)
    assert type(error) is RateLimitError and error.status == 429
    assert str(error) == (
        "GET /tags: 429 the API asks to wait 3600 s before the next request; run again later"
    )


def test_reasons_and_not_found() -> None:
    assert status_line(answer(503)) == "503 Service Unavailable"
    assert status_line(answer(599)) == "599"
    assert exception_line(httpx.ReadTimeout("timed out")) == "ReadTimeout: timed out"
    assert exception_line(httpx.ReadTimeout("")) == "ReadTimeout"
    assert says_not_found(answer(404))
    assert says_not_found(answer(403, {"message": "No Result found for Tag with id 3"}))
    assert not says_not_found(answer(403, {"message": "Forbidden"}))
