"""Rate limits (5/s per account, 10/s per Maton key: 429 + Retry-After) and latency."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sandbox_server import RunningSandbox

from reconciler.sandbox.limits import SlidingWindow

Factory = Callable[..., RunningSandbox]
SECOND = "bbbbbbbb-0000-4000-8000-000000000002"


@pytest.fixture
def two_accounts(tmp_path: Path) -> Path:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"connections": [{}, {"connection_id": SECOND}]}))
    return seed


def burst(client: httpx.Client, count: int, path: str = "/tags") -> list[httpx.Response]:
    return [client.get(path) for _ in range(count)]


def assert_limited(answer: httpx.Response) -> int:
    assert answer.status_code == 429
    wait = int(answer.headers["Retry-After"])
    assert wait >= 1
    assert isinstance(answer.json(), dict)
    return wait


def test_sixth_request_in_a_second_is_429_with_retry_after(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory(rate_limit=5.0, maton_rate_limit=None)
    with sandbox.client() as client:
        answers = burst(client, 6)
        assert [a.status_code for a in answers[:5]] == [200] * 5
        wait = assert_limited(answers[5])
        assert "message" in answers[5].json()
        time.sleep(wait)
        assert client.get("/tags").status_code == 200


def test_account_limit_applies_to_direct_access_too(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory(rate_limit=5.0, maton_rate_limit=None)
    with sandbox.client() as maton, sandbox.direct_client() as direct:
        burst(maton, 3)
        answers = burst(direct, 3)
    assert [a.status_code for a in answers] == [200, 200, 429]


def test_account_limit_is_per_account(sandbox_factory: Factory, two_accounts: Path) -> None:
    sandbox = sandbox_factory(seed=two_accounts, rate_limit=5.0, maton_rate_limit=None)
    with sandbox.client() as first, sandbox.client(SECOND) as second:
        assert [a.status_code for a in burst(first, 5) + burst(second, 5)] == [200] * 10
        assert_limited(first.get("/tags"))


def test_maton_key_limit_is_10_per_second(sandbox_factory: Factory, two_accounts: Path) -> None:
    sandbox = sandbox_factory(seed=two_accounts, rate_limit=5.0, maton_rate_limit=10.0)
    with sandbox.client() as first, sandbox.client(SECOND) as second:
        answers = [client.get("/tags") for _ in range(5) for client in (first, second)]
        assert [a.status_code for a in answers] == [200] * 10  # 5 per account: both at limit
        limited = second.get("/tags")
        assert_limited(limited)
        assert limited.json()["error"] == "Too Many Requests"  # Maton's answer, not AC's


def test_maton_limit_counts_connection_calls(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory(rate_limit=None, maton_rate_limit=10.0)
    with httpx.Client(base_url=sandbox.url, headers=sandbox.maton_headers()) as client:
        answers = [client.get("/connections") for _ in range(11)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert_limited(answers[10])


def test_direct_access_is_not_limited_by_maton(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory(rate_limit=None, maton_rate_limit=10.0)
    with sandbox.direct_client() as client:
        assert {a.status_code for a in burst(client, 15)} == {200}


def test_no_limits_when_disabled(api: httpx.Client) -> None:
    assert {a.status_code for a in burst(api, 30)} == {200}


def test_latency_delays_every_response(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory(latency_ms=300)
    with sandbox.client() as client:
        for path in ("/tags", "/nothing", "/tags/9"):
            started = time.monotonic()
            client.get(path)
            assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        httpx.get(f"{sandbox.url}/connections")  # even a 401
        assert time.monotonic() - started >= 0.3


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_counts_the_last_second() -> None:
    clock = FakeClock()
    window = SlidingWindow(5, clock)
    assert [window.admit("a") for _ in range(5)] == [None] * 5
    assert window.admit("a") == 1
    assert window.admit("b") is None  # keys are independent
    clock.now += 0.6
    assert window.admit("a") == 1  # the first five are still inside the window
    clock.now += 0.4
    assert window.admit("a") is None


def test_sliding_window_with_a_fractional_rate() -> None:
    clock = FakeClock()
    window = SlidingWindow(0.5, clock)  # one request every two seconds
    assert window.admit("a") is None
    clock.now += 0.5
    assert window.admit("a") == 2
    clock.now += 1.5
    assert window.admit("a") is None
    with pytest.raises(ValueError):
        SlidingWindow(0)
