"""Every error shape to one message; statuses to the error tree; secrets never shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import Client, Endpoint, error_message
from reconciler.errors import (
    ApiError,
    AuthError,
    ConfigError,
    NotFoundError,
    RateLimitError,
    ValidationError,
)

from .conftest import (
    DIRECT_API,
    GATEWAY,
    MATON_API,
    MATON_KEY,
    TOKEN,
    direct_endpoint,
    maton_endpoint,
)


def call(client: Client, method: str, path: str, *args: Any) -> Any:
    async def main() -> Any:
        async with client:
            return await getattr(client, method)(path, *args)

    return asyncio.run(main())


def failing(
    make_client: Callable[..., Client],
    status: int,
    body: Any = None,
    *,
    method: str = "post",
    path: str = "/fields",
    endpoint: Endpoint | None = None,
    text: str | None = None,
) -> ApiError:
    client = make_client(endpoint, retries=0)
    base = MATON_API if endpoint and endpoint.maton else DIRECT_API
    with respx.mock(base_url=base) as mock:
        response = (
            httpx.Response(status, text=text)
            if text is not None
            else httpx.Response(status, json=body)
        )
        getattr(mock, method)(path).mock(return_value=response)
        args: tuple[Any, ...] = ({"x": {}},) if method in ("post", "put") else ()
        with pytest.raises(ApiError) as caught:
            call(client, "create" if method == "post" else method, path, *args)
    return caught.value


# (example key, status, error class, message after "METHOD /path: ")
DOCUMENTED = [
    ("GET /tags/{id}", "404", NotFoundError, "404 No Result found for Tag with id 1"),
    (
        "GET /lists/{id}",
        "403",
        AuthError,
        "403 Forbidden: You do not have permission to view lists.",
    ),
    (
        "POST /fields",
        "422",
        ValidationError,
        "422 There is already a field with this title: There is already a field named "
        "'Test Title' -- choose another name [duplicate]",
    ),
    (
        "PUT /dealStages/{id}/deals",
        "422",
        ValidationError,
        "422 Invalid attribute: Target stage does not belong to same pipeline "
        "(at /data/attributes/stage)",
    ),
    (
        "POST /fieldOption/bulk",
        "422",
        ValidationError,
        "422 Bulk operation failed. Request must contain an array of fieldOption objects.",
    ),
    (
        "POST /groupMembers",
        "422",
        ValidationError,
        "422 The field title was not provided. [field_missing]",
    ),
    ("GET /dealCustomFieldMeta/{id}", "404", NotFoundError, "404 Not Found"),
]


@pytest.mark.parametrize(("key", "status", "kind", "expected"), DOCUMENTED)
def test_documented_error_shapes(
    make_client: Callable[..., Client],
    examples: Any,
    key: str,
    status: str,
    kind: type[ApiError],
    expected: str,
) -> None:
    method, template = key.split(" ")
    path = template.replace("{id}", "7")
    error = failing(
        make_client,
        int(status),
        examples[key][status],
        method="get" if method == "GET" else method.lower(),
        path=path,
    )
    assert type(error) is kind
    assert str(error).startswith(f"{method} {path}: {expected}")
    assert error.status == int(status) and error.method == method and error.path == path
    assert error.body == examples[key][status]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "message": "Could not process request",
                "error": "Duplicate entry 'contact-TEST' for key 'typetag'",
            },
            "Could not process request; Duplicate entry 'contact-TEST' for key 'typetag'",
        ),
        (
            {
                "errors": [
                    {"title": "Invalid", "detail": "bad name"},
                    {"title": "Missing", "code": "x"},
                ]
            },
            "Invalid: bad name; Missing [x]",
        ),
        ({"errors": [{"title": "Same", "detail": "Same"}]}, "Same"),
        ({"errors": "a string"}, "a string"),
        ({"message": {"rel_id": "rel_id is required"}}, "rel_id: rel_id is required"),
        ({"errors": {"email": ["is taken", "is long"]}}, "email: is taken; is long"),
        ({}, "Unprocessable Entity"),
        (None, "Unprocessable Entity"),
        ("plain", "plain"),
        ({"message": "  spaced\n  out  "}, "spaced out"),
        ({"error": "Unprocessable Entity", "message": "No connection."}, "No connection."),
        ({"error": "Unprocessable Entity"}, "Unprocessable Entity"),
    ],
)
def test_error_message_shapes(body: Any, expected: str) -> None:
    assert error_message(body, "", "Unprocessable Entity") == expected


def test_non_json_error_bodies(make_client: Callable[..., Client], examples: Any) -> None:
    malformed = examples["POST /dealCustomFieldMeta"]["422"]  # invalid JSON in the docs
    error = failing(make_client, 422, text=malformed)
    assert str(error).startswith('POST /fields: 422 { "errors": [ "title": "The field type')
    assert str(failing(make_client, 400, text="")) == "POST /fields: 400 Bad Request"
    html = failing(make_client, 501, text="<html><body>oops</body></html>")
    assert str(html) == "POST /fields: 501 Not Implemented"
    assert type(html) is ApiError


def test_long_messages_are_cut(make_client: Callable[..., Client]) -> None:
    error = failing(make_client, 422, {"message": "x" * 2000})
    assert len(str(error)) < 600 and str(error).endswith("...")


@pytest.mark.parametrize(
    ("maton", "status", "hint"),
    [
        (False, 401, "check ACTIVECAMPAIGN_API_TOKEN"),
        (False, 403, "check ACTIVECAMPAIGN_API_TOKEN"),
        (True, 401, "check MATON_API_KEY"),
        (True, 403, "check that the connection is authorised"),
    ],
)
def test_auth_errors_name_the_credential(
    make_client: Callable[..., Client], maton: bool, status: int, hint: str
) -> None:
    endpoint = maton_endpoint() if maton else direct_endpoint()
    error = failing(make_client, status, {"message": "Forbidden"}, endpoint=endpoint)
    assert type(error) is AuthError
    assert hint in str(error)


def test_maton_400_about_the_connection_is_an_auth_error(
    make_client: Callable[..., Client],
) -> None:
    body = {"error": "No active connection found for app active-campaign"}  # shape [UNK]
    error = failing(make_client, 400, body, method="get", path="/tags", endpoint=maton_endpoint())
    assert type(error) is AuthError
    assert "check MATON_CONNECTION" in str(error) and "`acr connections`" in str(error)
    plain = failing(make_client, 400, {}, endpoint=maton_endpoint())
    assert type(plain) is ValidationError


def test_maton_500_suggests_a_new_connection(make_client: Callable[..., Client]) -> None:
    error = failing(make_client, 500, {}, method="get", path="/tags", endpoint=maton_endpoint())
    assert type(error) is ApiError and "authorisation expired" in str(error)


def test_rate_limit_and_redirect(make_client: Callable[..., Client]) -> None:
    assert type(failing(make_client, 429, {})) is RateLimitError
    client = make_client(retries=0)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(301, headers={"Location": "https://acct.activehosted.com/x"})
        with pytest.raises(
            ApiError, match="redirected to acct.activehosted.com; check the account"
        ):
            call(client, "get", "/tags")


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("DELETE /tags/{id}", "404"),
        ("DELETE /lists/{id}", "403"),  # "No Result found" labelled 403 in the docs
        ("DELETE /dealCustomFieldMeta/{id}", "404"),
    ],
)
def test_deleting_what_is_gone_gives_none(
    make_client: Callable[..., Client], examples: Any, key: str, status: str
) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.delete("/things/3").respond(int(status), json=examples[key][status])
        assert call(client, "delete", "/things/3") is None


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(200, json={}), {}),
        (httpx.Response(200, text=""), {}),
        (
            httpx.Response(200, json={"message": "DealCustomFieldMeta deleted."}),
            {"message": "DealCustomFieldMeta deleted."},
        ),
        (httpx.Response(204), {}),
        (httpx.Response(200, text="deleted"), {}),
    ],
)
def test_successful_deletes(
    make_client: Callable[..., Client], response: httpx.Response, expected: Any
) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.delete("/dealGroups/3").mock(return_value=response)
        assert call(make_client(), "delete", "/dealGroups/3") == expected


def test_secrets_never_show(make_client: Callable[..., Client]) -> None:
    for endpoint, secret in ((direct_endpoint(), TOKEN), (maton_endpoint(), MATON_KEY)):
        messages: list[str] = []
        client = make_client(endpoint, retries=1, on_retry=messages.append)
        assert secret not in repr(client) and secret not in repr(endpoint)
        base = MATON_API if endpoint.maton else DIRECT_API
        echo = {"message": f"bad key {secret}"}  # a server that echoes the secret back
        with respx.mock(base_url=base) as mock:
            mock.get("/tags").mock(
                side_effect=[httpx.Response(503, json=echo), httpx.Response(401, json=echo)]
            )
            with pytest.raises(AuthError) as caught:
                call(client, "get", "/tags", {"q": secret})
        assert messages and str(caught.value).startswith("GET /tags: 401 bad key ***;")
        for text in (str(caught.value), repr(caught.value), *messages):
            assert secret not in text


def test_requests_carry_the_auth_headers(make_client: Callable[..., Client]) -> None:
    with respx.mock(base_url=MATON_API) as mock:
        route = mock.get("/tags").respond(json={"tags": []})
        call(make_client(maton_endpoint()), "get", "/tags")
    headers = route.calls.last.request.headers
    assert headers["Authorization"] == f"Bearer {MATON_KEY}"
    assert headers["Maton-Connection"].startswith("9e8b")
    assert "Api-Token" not in headers
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").respond(json={"tags": []})
        call(make_client(), "get", "tags")  # a path without its slash is tolerated
    assert route.calls.last.request.headers["Api-Token"] == TOKEN


def test_connections_through_the_gateway(make_client: Callable[..., Client]) -> None:
    listing = {"connections": [{"connection_id": "c1", "status": "ACTIVE"}, "junk"]}
    with respx.mock(base_url=GATEWAY) as mock:
        route = mock.get("/connections").respond(json=listing)
        assert asyncio.run(make_client(maton_endpoint()).connections()) == [
            {"connection_id": "c1", "status": "ACTIVE"}
        ]
    request = route.calls.last.request
    assert request.url.params["app"] == "active-campaign"
    assert "Maton-Connection" not in request.headers
    with pytest.raises(ConfigError, match="MATON_API_KEY"):
        asyncio.run(make_client().connections())
