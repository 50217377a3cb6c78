"""endpoint_from_env: every way a target can name its credentials (design.md §4)."""

from __future__ import annotations

import pytest

from reconciler.client import Endpoint, endpoint_from_env
from reconciler.errors import ConfigError

from .conftest import CONNECTION, MATON_KEY, TOKEN

MATON = {"MATON_API_KEY": MATON_KEY}
DIRECT_ENV = {"ACTIVECAMPAIGN_URL": "https://acct.api-us1.com", "ACTIVECAMPAIGN_API_TOKEN": TOKEN}


def test_maton_with_a_connection_argument() -> None:
    ep = endpoint_from_env({**MATON, "MATON_CONNECTION": "ignored"}, connection=CONNECTION)
    assert ep.base_url == "https://api.maton.ai/active-campaign/api/3"
    assert dict(ep.headers) == {
        "Authorization": f"Bearer {MATON_KEY}",
        "Maton-Connection": CONNECTION,
    }
    assert ep.gateway == "https://api.maton.ai"
    assert ep.account == f"maton:{CONNECTION}"
    assert ep.description == "Maton connection 9e8b…dca"
    assert ep.maton


def test_maton_connection_from_the_environment() -> None:
    ep = endpoint_from_env({**MATON, "MATON_CONNECTION": f" {CONNECTION} "})
    assert ep.headers["Maton-Connection"] == CONNECTION


def test_maton_without_a_connection_lets_the_gateway_choose() -> None:
    ep = endpoint_from_env({**MATON, "MATON_CONNECTION": ""})
    assert "Maton-Connection" not in ep.headers
    assert ep.description == "Maton default connection"
    assert ep.account == "maton:https://api.maton.ai:default"


def test_gateway_url_override() -> None:
    env = {**MATON, "MATON_GATEWAY_URL": "http://127.0.0.1:8787/"}
    ep = endpoint_from_env(env, connection="c1")
    assert ep.base_url == "http://127.0.0.1:8787/active-campaign/api/3"
    assert ep.gateway == "http://127.0.0.1:8787"
    assert ep.description == "Maton connection c1 via http://127.0.0.1:8787"


@pytest.mark.parametrize(
    "url",
    ["https://other.api-us1.com", "https://other.api-us1.com/", "https://other.api-us1.com/api/3/"],
)
def test_direct_via_a_target_url_wins_over_maton(url: str) -> None:
    ep = endpoint_from_env({**MATON, **DIRECT_ENV}, url=url)
    assert ep.base_url == "https://other.api-us1.com/api/3"
    assert dict(ep.headers) == {"Api-Token": TOKEN}
    assert ep.gateway is None
    assert ep.account == "https://other.api-us1.com"
    assert ep.description == "https://other.api-us1.com"
    assert not ep.maton


def test_direct_via_the_environment_without_maton_key() -> None:
    ep = endpoint_from_env({**DIRECT_ENV, "MATON_API_KEY": "  "})
    assert ep.base_url == "https://acct.api-us1.com/api/3"
    assert dict(ep.headers) == {"Api-Token": TOKEN}


def test_maton_key_wins_over_direct_environment() -> None:
    assert endpoint_from_env({**MATON, **DIRECT_ENV}).maton


def test_credentials_in_the_url_are_not_kept() -> None:
    ep = endpoint_from_env(DIRECT_ENV, url="https://user:pw@acct.api-us1.com/?x=1")
    assert ep.base_url == "https://acct.api-us1.com/api/3"
    assert "pw" not in repr(ep)


@pytest.mark.parametrize(
    ("env", "options", "expected"),
    [
        ({}, {}, ["MATON_API_KEY", "ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_TOKEN"]),
        ({"ACTIVECAMPAIGN_URL": "https://a.api-us1.com"}, {}, ["set ACTIVECAMPAIGN_API_TOKEN"]),
        ({"ACTIVECAMPAIGN_API_TOKEN": TOKEN}, {}, ["set ACTIVECAMPAIGN_URL"]),
        ({}, {"url": "https://a.api-us1.com"}, ["set ACTIVECAMPAIGN_API_TOKEN"]),
        ({}, {"connection": "c1"}, ["'c1'", "set MATON_API_KEY"]),
        (MATON, {"connection": "c1", "url": "https://a.api-us1.com"}, ["not both"]),
        (DIRECT_ENV, {"url": "ftp://a.example"}, ["not an http(s) URL"]),
        ({**MATON, "MATON_GATEWAY_URL": "maton"}, {}, ["MATON_GATEWAY_URL"]),
    ],
)
def test_missing_or_contradictory_credentials(
    env: dict[str, str], options: dict[str, str], expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        endpoint_from_env(env, **options)
    for text in expected:
        assert text in str(caught.value)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("env", [MATON, DIRECT_ENV])
def test_secrets_are_not_in_repr_and_endpoints_hash(env: dict[str, str]) -> None:
    ep = endpoint_from_env(env, connection=CONNECTION if env is MATON else None)
    for text in (repr(ep), str(ep)):
        assert MATON_KEY not in text and TOKEN not in text
        assert "headers" not in text
    assert isinstance(hash(ep), int)
    assert ep == Endpoint(ep.base_url, dict(ep.headers), ep.account, ep.description, ep.gateway)
