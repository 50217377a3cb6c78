"""What is sent again, when, and what is never sent blindly (a create)."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import Client
from reconciler.errors import ApiError, AuthError, RateLimitError, TransportError, ValidationError
from reconciler.ratelimit import Limiters

from .conftest import DIRECT_API, MATON_API, Sleeps, direct_endpoint, maton_endpoint

OK = httpx.Response(200, json={"tags": []})


def call(client: Client, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
    async def main() -> Any:
        async with client:
            return await getattr(client, method)(path, *args, **kwargs)

    return asyncio.run(main())


def test_429_honours_retry_after_seconds(
    make_client: Callable[..., Client], sleeps: Sleeps
) -> None:
    messages: list[str] = []
    client = make_client(on_retry=messages.append)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.Response(429, headers={"Retry-After": "3"}), OK]
        assert call(client, "get", "/tags") == {"tags": []}
    assert sleeps.waits == [pytest.approx(3, abs=0.05)]
    assert client.stats == {"GET": 2, "retries": 1}
    assert messages == [
        "GET /tags: rate limited (429 Too Many Requests), waiting 3.0 s (retry 1 of 5)"
    ]


def test_429_with_an_http_date(make_client: Callable[..., Client], sleeps: Sleeps) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.Response(429, headers={"Retry-After": when}), OK]
        call(make_client(), "get", "/tags")
    assert 8 <= sleeps.waits[0] <= 10.5


def test_429_without_retry_after_backs_off(
    make_client: Callable[..., Client], sleeps: Sleeps
) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.Response(429), httpx.Response(429), OK]
        call(make_client(), "get", "/tags")
    assert 0.49 <= sleeps.waits[0] <= 0.56
    assert 0.99 <= sleeps.waits[1] <= 1.11


def test_429_pauses_every_client_of_the_account(sleeps: Sleeps) -> None:
    endpoint, limiters = direct_endpoint(), Limiters()
    first = Client(endpoint, sleep=sleeps, limiters=limiters)
    second = Client(endpoint, sleep=sleeps, limiters=limiters)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.Response(429, headers={"Retry-After": "30"}), OK]
        mock.get("/lists").respond(json={"lists": []})
        call(first, "get", "/tags")
        sleeps.waits.clear()
        call(second, "get", "/lists")
    assert sleeps.waits == [pytest.approx(30, abs=0.5)]  # the pause, not this client's 429


def test_429_still_failing_raises_rate_limit_error(make_client: Callable[..., Client]) -> None:
    client = make_client(retries=2)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(429, json={"message": "slow down"})
        with pytest.raises(RateLimitError, match=r"^GET /tags: 429 slow down; still rate limited"):
            call(client, "get", "/tags")
    assert client.stats == {"GET": 3, "retries": 2}


def test_a_very_long_retry_after_is_reported_not_waited(
    make_client: Callable[..., Client], sleeps: Sleeps
) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(429, headers={"Retry-After": "3600"})
        with pytest.raises(RateLimitError, match="asks to wait 3600 s"):
            call(make_client(), "get", "/tags")
    assert sleeps.waits == []


def test_429_on_a_create_is_sent_again_without_looking(make_client: Callable[..., Client]) -> None:
    looked: list[int] = []

    async def find() -> Any:
        looked.append(1)
        return None

    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        created = httpx.Response(201, json={"tag": {"id": "9"}})
        mock.post("/tags").side_effect = [
            httpx.Response(429, headers={"Retry-After": "1"}),
            created,
        ]
        assert call(client, "create", "/tags", {"tag": {}}, find=find) == {"tag": {"id": "9"}}
    assert looked == [] and client.stats["POST"] == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_on_get_is_retried_with_growing_backoff(
    make_client: Callable[..., Client], sleeps: Sleeps, status: int
) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.Response(status)] * 3 + [OK]
        assert call(client, "get", "/tags") == {"tags": []}
    assert len(sleeps.waits) == 3
    for wait, base in zip(sleeps.waits, (0.5, 1.0, 2.0), strict=True):
        assert base - 0.01 <= wait <= base * 1.1  # exponential, with up to 10 % jitter
    assert client.stats == {"GET": 4, "retries": 3}


def test_5xx_after_the_retries_is_an_api_error(make_client: Callable[..., Client]) -> None:
    client = make_client(retries=1)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(502, text="<html>bad gateway</html>")
        with pytest.raises(ApiError, match=r"^GET /tags: 502 Bad Gateway$") as caught:
            call(client, "get", "/tags")
    assert type(caught.value) is ApiError
    assert client.stats["GET"] == 2


@pytest.mark.parametrize("method", ["put", "delete"])
def test_idempotent_writes_are_retried_on_5xx_and_timeouts(
    make_client: Callable[..., Client], method: str
) -> None:
    client = make_client()
    args: tuple[Any, ...] = ({"tag": {}},) if method == "put" else ()
    with respx.mock(base_url=DIRECT_API) as mock:
        getattr(mock, method)("/tags/3").side_effect = [
            httpx.Response(503),
            httpx.ReadTimeout("timed out"),
            httpx.Response(200, json={}),
        ]
        assert call(client, method, "/tags/3", *args) == {}
    assert client.stats == {method.upper(): 3, "retries": 2}


def test_timeouts_after_the_retries_are_a_transport_error(
    make_client: Callable[..., Client],
) -> None:
    client = make_client(retries=2)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = httpx.ReadTimeout("timed out")
        with pytest.raises(TransportError) as caught:
            call(client, "get", "/tags", {"api_token": "q"})
    message = str(caught.value)
    assert message.startswith("GET /tags: no answer from https://acct.api-us1.com")
    # an endpoint that never answered gets no retry on a timeout (retry.retry_limit)
    assert "ReadTimeout: timed out" in message and "after" not in message
    assert "each waited 10 s (ACR_TIMEOUT or --timeout change that)" in message
    assert "api_token" not in message
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_an_unsent_create_is_sent_again(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/tags").side_effect = [
            httpx.ConnectError("refused"),
            httpx.Response(201, json={"tag": {"id": "9"}}),
        ]
        assert call(client, "create", "/tags", {"tag": {}}) == {"tag": {"id": "9"}}
    assert client.stats == {"POST": 2, "retries": 1}


@pytest.mark.parametrize("failure", [httpx.Response(502), httpx.ReadTimeout("timed out")])
def test_a_create_is_not_sent_again_when_find_finds_it(
    make_client: Callable[..., Client], failure: Any
) -> None:
    messages: list[str] = []
    client = make_client(on_retry=messages.append)

    async def find() -> Any:
        return {"tag": {"id": "9", "tag": "vip"}}

    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.post("/tags").mock(side_effect=[failure])
        result = call(client, "create", "/tags", {"tag": {"tag": "vip"}}, find=find)
    assert result == {"tag": {"id": "9", "tag": "vip"}}
    assert route.call_count == 1 and client.stats == {"POST": 1}
    assert "checking in" in messages[0] and "whether it was created" in messages[0]


@pytest.mark.parametrize("failure", [httpx.Response(500), httpx.RemoteProtocolError("dropped")])
def test_a_create_is_sent_again_when_find_finds_nothing(
    make_client: Callable[..., Client], failure: Any
) -> None:
    looked: list[int] = []

    async def find() -> Any:
        looked.append(1)
        return None

    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/tags").side_effect = [failure, httpx.Response(201, json={"tag": {"id": "9"}})]
        assert call(client, "create", "/tags", {"tag": {}}, find=find) == {"tag": {"id": "9"}}
    assert looked == [1] and client.stats == {"POST": 2, "retries": 1}


def test_a_create_without_find_is_never_sent_again(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/tags").respond(503)
        with pytest.raises(ApiError, match="the create may have been done") as caught:
            call(client, "create", "/tags", {"tag": {}})
    assert caught.value.status == 503 and client.stats == {"POST": 1}


def test_a_create_timing_out_without_find_raises(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/tags").side_effect = httpx.ReadTimeout("timed out")
        with pytest.raises(TransportError, match="the create may have been done"):
            call(client, "create", "/tags", {"tag": {}})
    assert client.stats == {"POST": 1}


def test_a_create_that_never_lands_stops_after_the_retries(
    make_client: Callable[..., Client],
) -> None:
    async def find() -> Any:
        return []

    client = make_client(retries=2)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/tags").respond(500)
        with pytest.raises(ApiError, match=r"^POST /tags: 500"):
            call(client, "create", "/tags", {"tag": {}}, find=find)
    assert client.stats == {"POST": 3, "retries": 2}


@pytest.mark.parametrize("maton", [True, False])
def test_403s_on_a_get_are_retried_in_both_modes(
    make_client: Callable[..., Client], maton: bool
) -> None:
    """[R11] AC raises 403 intermittently; Maton passes AC's 403s through."""
    client = make_client(maton_endpoint() if maton else direct_endpoint())
    forbidden = httpx.Response(403, json={"message": "Forbidden"})
    with respx.mock(base_url=MATON_API if maton else DIRECT_API) as mock:
        mock.get("/tags").side_effect = [forbidden, forbidden, OK]
        assert call(client, "get", "/tags") == {"tags": []}
    assert client.stats == {"GET": 3, "retries": 2}


def test_a_persistent_403_is_a_permission_problem_naming_the_path(
    make_client: Callable[..., Client],
) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(403, json={"message": "Forbidden"})
        with pytest.raises(AuthError) as raised:
            call(client, "get", "/tags")
    assert client.stats == {"GET": 3, "retries": 2}
    assert "still forbidden after 3 attempts, so this is a permission problem" in str(raised.value)
    assert "may not read /tags" in str(raised.value)


@pytest.mark.parametrize("method", ["put", "patch", "create", "delete"])
def test_403_is_not_retried_on_writes(make_client: Callable[..., Client], method: str) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.route(path__regex="/tags").respond(403, json={"message": "Forbidden"})
        with pytest.raises(AuthError):
            call(client, method, "/tags", *(() if method == "delete" else ({},)))
    assert client.stats["retries"] == 0


def test_validation_errors_are_not_retried(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/tags").respond(422, json={"errors": [{"title": "Invalid"}]})
        with pytest.raises(ValidationError):
            call(client, "create", "/tags", {"tag": {}})
    assert client.stats == {"POST": 1}
