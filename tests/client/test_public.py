"""The public names others code against."""

from __future__ import annotations

import inspect

from reconciler import api_errors, client, paging, ratelimit, retry, transport
from reconciler.kinds.base import Api


def test_public_names_are_pinned() -> None:
    assert sorted(client.__all__) == [
        "Client",
        "DEFAULT_GATEWAY",
        "Endpoint",
        "PAGE_SIZE",
        "collection_key",
        "endpoint_from_env",
        "error_message",
    ]
    assert sorted(ratelimit.__all__) == ["Limiters", "MATON_KEY_RATE", "Pace", "RateLimiter"]
    assert sorted(retry.__all__) == [
        "Action",
        "Attempt",
        "Decision",
        "RetryPolicy",
        "RetryRounds",
        "Spent",
        "retry_after",
        "retry_limit",
    ]
    assert sorted(api_errors.__all__) == [
        "ApiErrors",
        "NO_RESULT",
        "exception_line",
        "says_not_found",
        "status_line",
    ]
    assert sorted(transport.__all__) == ["Sender", "WriteHook"]
    assert sorted(paging.__all__) == ["Get", "PAGE_SIZE", "Pages", "collect", "gather"]


def test_client_satisfies_the_api_protocol() -> None:
    for name in ("get", "create", "put", "delete"):
        assert inspect.signature(getattr(client.Client, name)) == inspect.signature(
            getattr(Api, name)
        ), name
    params = inspect.signature(client.Client).parameters
    assert list(params) == [
        "endpoint",
        "transport",
        "rate",
        "timeout",
        "retries",
        "sleep",
        "on_retry",
        "request_hooks",
        "limiters",
        "key_rate",
    ]
