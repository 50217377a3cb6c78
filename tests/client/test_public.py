"""The public names others code against."""

from __future__ import annotations

import inspect

from reconciler import client, ratelimit
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
    assert sorted(ratelimit.__all__) == ["RateLimiter", "limiter_for", "retry_after"]


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
    ]
