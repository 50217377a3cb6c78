"""A run's limiters: accounts reached with one Maton key share its budget; runs share nothing."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from reconciler.client import Client
from reconciler.endpoint import endpoint_from_env
from reconciler.errors import TransportError
from reconciler.ratelimit import Limiters, Pace

from .conftest import DIRECT_API, Sleeps, VirtualTime, direct_endpoint
from .test_ratelimit import busiest_window

OK = httpx.Response(200, json={"tags": []})


def test_accounts_of_one_key_stay_within_their_own_rate_and_the_key_budget() -> None:
    vt = VirtualTime()
    limiters = Limiters(clock=vt.clock)
    sent: dict[str, list[float]] = {}

    async def caller(account: str) -> None:
        pace = limiters.pace(account, 5, "key-1", 10)
        await Pace(*pace.limiters, sleep=vt.sleep).acquire()
        sent.setdefault(account, []).append(vt.now)

    calls = [caller(f"acct-{n % 3}") for n in range(45)]
    asyncio.run(vt.run(*calls))
    everything = [t for times in sent.values() for t in times]
    assert busiest_window(everything) <= 10  # the key's budget, across the accounts
    assert all(busiest_window(times) <= 5 for times in sent.values())  # each account's own
    # Few slots are wasted: 45 requests at the key's 10 per window take about 44 intervals.
    interval = limiters.key("key-1", 10).interval
    assert 44 * interval <= max(everything) <= 44 * interval * 1.3


def test_a_registry_belongs_to_a_run() -> None:
    first, second = Limiters(), Limiters()
    assert first.account("a", 5) is first.account("a", 3)
    assert first.account("a", 9).rate == 3  # only ever slowed down
    assert first.account("a", 5) is not second.account("a", 5)
    assert first.key("k") is first.key("k") and first.key("k").rate == 10


def test_a_maton_key_has_a_rate_limit_key_that_is_not_the_key() -> None:
    env = {"MATON_API_KEY": "very-secret-maton-key"}
    one = endpoint_from_env(env, connection="c1")
    two = endpoint_from_env(env, connection="c2")
    other = endpoint_from_env({"MATON_API_KEY": "another-key"}, connection="c1")
    assert one.key_id == two.key_id != other.key_id
    assert one.key_id is not None and "very-secret" not in one.key_id
    direct = endpoint_from_env({"ACTIVECAMPAIGN_API_TOKEN": "t"}, url="https://x.api-us1.com")
    assert direct.key_id is None


def test_a_direct_target_reads_its_own_token_variable() -> None:
    env = {"MY_TOKEN": "mine-token", "ACTIVECAMPAIGN_API_TOKEN": "default-token"}
    endpoint = endpoint_from_env(env, url="https://x.api-us1.com", token_env="MY_TOKEN")
    assert endpoint.headers["Api-Token"] == "mine-token"
    from reconciler.errors import ConfigError

    with pytest.raises(ConfigError, match="set OTHER_TOKEN to that account's API token"):
        endpoint_from_env(env, url="https://x.api-us1.com", token_env="OTHER_TOKEN")


def test_two_runs_in_one_process_share_nothing(sleeps: Sleeps) -> None:
    """One run's 429 pause and its knowledge that the endpoint answered stay in that run."""
    endpoint = direct_endpoint()
    first_run, second_run = Limiters(), Limiters()

    async def main(client: Client, *paths: str) -> None:
        async with client:
            for path in paths:
                await client.get(path)

    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/lists").side_effect = [httpx.Response(429, headers={"Retry-After": "30"}), OK]
        mock.get("/tags").side_effect = [httpx.ReadTimeout("t"), OK, httpx.ReadTimeout("t")]
        asyncio.run(main(Client(endpoint, sleep=sleeps, limiters=first_run), "/lists", "/tags"))
        assert first_run.answered(endpoint.account)  # so its timeout on /tags was retried
        sleeps.waits.clear()
        fresh = Client(endpoint, sleep=sleeps, limiters=second_run)
        with pytest.raises(TransportError, match="no answer") as caught:
            asyncio.run(main(fresh, "/tags"))
    assert "after" not in str(caught.value)  # never answered in this run: not retried
    assert sleeps.waits == []  # and not held by the other run's pause
    assert not second_run.answered(endpoint.account)
