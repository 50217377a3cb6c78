"""Maton and direct access: keys, tokens, connection selection, /connections, error bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sandbox_server import RunningSandbox

from reconciler.sandbox.store import (
    DEFAULT_API_TOKEN,
    DEFAULT_CONNECTION_ID,
    DEFAULT_MATON_KEY,
)

Factory = Callable[..., RunningSandbox]

TWO_ACCOUNTS = {
    "connections": [
        {"connection_id": "aaaaaaaa-0000-4000-8000-000000000001", "tags": ["Alpha"]},
        {"connection_id": "bbbbbbbb-0000-4000-8000-000000000002", "tags": ["Beta", "Gamma"]},
        {"connection_id": "cccccccc-0000-4000-8000-000000000003", "status": "PENDING"},
    ]
}


@pytest.fixture
def two_accounts(tmp_path: Path) -> Path:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(TWO_ACCOUNTS))
    return seed


def tag_names(client: httpx.Client, **headers: str) -> list[str]:
    answer = client.get("/tags", headers=headers)
    assert answer.status_code == 200, answer.text
    return [tag["tag"] for tag in answer.json()["tags"]]


def test_default_store_has_the_documented_credentials(sandbox_server: RunningSandbox) -> None:
    assert sandbox_server.key == DEFAULT_MATON_KEY == "sandbox-maton-key"
    assert sandbox_server.connection == DEFAULT_CONNECTION_ID
    assert sandbox_server.token == DEFAULT_API_TOKEN == "sandbox-api-token"


def test_maton_key_gives_access(api: httpx.Client) -> None:
    answer = api.get("/users/me")
    assert answer.status_code == 200
    assert answer.json()["user"]["id"] == "1"


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "sandbox-maton-key", "Basic x"])
def test_missing_or_bad_maton_key_is_401(
    sandbox_server: RunningSandbox, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = httpx.get(f"{sandbox_server.api}/tags", headers=headers)
    assert answer.status_code == 401
    assert "message" in answer.json()


def test_direct_token_gives_access(direct: httpx.Client) -> None:
    assert direct.get("/users/me").json()["user"]["id"] == "1"


@pytest.mark.parametrize("token", [None, "wrong-token", "sandbox-maton-key"])
def test_missing_or_bad_direct_token_is_403(
    sandbox_server: RunningSandbox, token: str | None
) -> None:
    headers = {"Api-Token": token} if token else {}
    answer = httpx.get(f"{sandbox_server.direct_api}/tags", headers=headers)
    assert answer.status_code == 403
    assert answer.json() == {"message": "Forbidden"}


def test_maton_key_is_not_an_api_token(sandbox_server: RunningSandbox) -> None:
    answer = httpx.get(f"{sandbox_server.direct_api}/tags", headers=sandbox_server.maton_headers())
    assert answer.status_code == 403


def test_maton_and_direct_reach_the_same_account(api: httpx.Client, direct: httpx.Client) -> None:
    api.post("/tags", json={"tag": {"tag": "Shared"}})
    assert tag_names(direct) == ["Shared"]


def test_maton_connection_header_selects_the_account(
    sandbox_factory: Factory, two_accounts: Path
) -> None:
    sandbox = sandbox_factory(seed=two_accounts)
    with sandbox.client() as client:
        second = TWO_ACCOUNTS["connections"][1]["connection_id"]
        assert tag_names(client, **{"Maton-Connection": second}) == ["Beta", "Gamma"]
        assert tag_names(client) == ["Alpha"]  # no header: the oldest active connection


def test_each_account_has_its_own_id_counters(sandbox_factory: Factory, two_accounts: Path) -> None:
    sandbox = sandbox_factory(seed=two_accounts)
    second = TWO_ACCOUNTS["connections"][1]["connection_id"]
    with sandbox.client() as first_client, sandbox.client(second) as second_client:
        one = first_client.post("/tags", json={"tag": {"tag": "New"}}).json()["tag"]["id"]
        two = second_client.post("/tags", json={"tag": {"tag": "New"}}).json()["tag"]["id"]
    assert (one, two) == ("2", "3")


def test_direct_token_selects_the_account(sandbox_factory: Factory, two_accounts: Path) -> None:
    sandbox = sandbox_factory(seed=two_accounts)
    second = TWO_ACCOUNTS["connections"][1]["connection_id"]
    with sandbox.direct_client(sandbox.store.api_tokens[second]) as client:
        assert tag_names(client) == ["Beta", "Gamma"]


@pytest.mark.parametrize(
    "connection", ["00000000-0000-4000-8000-000000000000", "cccccccc-0000-4000-8000-000000000003"]
)
def test_unknown_or_inactive_connection_is_400(
    sandbox_factory: Factory, two_accounts: Path, connection: str
) -> None:
    sandbox = sandbox_factory(seed=two_accounts)
    with sandbox.client(connection) as client:
        answer = client.get("/tags")
    assert answer.status_code == 400
    assert connection in answer.json()["message"]


def test_no_active_connection_is_400(sandbox_factory: Factory, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"connections": [{"status": "FAILED"}]}))
    sandbox = sandbox_factory(seed=seed)
    assert sandbox.store.default_connection is None
    with sandbox.client() as client:
        assert client.get("/tags").status_code == 400


def test_connections_list_in_matons_shape(sandbox_factory: Factory, two_accounts: Path) -> None:
    sandbox = sandbox_factory(seed=two_accounts)
    headers = sandbox.maton_headers()
    every = httpx.get(f"{sandbox.url}/connections", headers=headers).json()["connections"]
    assert [c["connection_id"] for c in every] == [
        c["connection_id"] for c in TWO_ACCOUNTS["connections"]
    ]
    assert set(every[0]) == {
        "connection_id",
        "status",
        "creation_time",
        "last_updated_time",
        "url",
        "app",
        "method",
        "metadata",
    }
    assert every[0]["app"] == "active-campaign"
    params = {"app": "active-campaign", "status": "ACTIVE"}
    active = httpx.get(f"{sandbox.url}/connections", headers=headers, params=params).json()
    assert [c["status"] for c in active["connections"]] == ["ACTIVE", "ACTIVE"]
    other = httpx.get(f"{sandbox.url}/connections", headers=headers, params={"app": "slack"})
    assert other.json() == {"connections": []}


def test_one_connection_by_id(sandbox_server: RunningSandbox) -> None:
    url = f"{sandbox_server.url}/connections/{sandbox_server.connection}"
    answer = httpx.get(url, headers=sandbox_server.maton_headers())
    assert answer.json()["connection"]["connection_id"] == sandbox_server.connection
    assert answer.json()["connection"]["status"] == "ACTIVE"
    missing = httpx.get(
        f"{sandbox_server.url}/connections/nope", headers=sandbox_server.maton_headers()
    )
    assert missing.status_code == 404


def test_connections_need_the_maton_key(sandbox_server: RunningSandbox) -> None:
    assert httpx.get(f"{sandbox_server.url}/connections").status_code == 401


def test_unknown_path_and_method_answer_json(api: httpx.Client) -> None:
    unknown = api.get("/nothing/here")
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["status"] == 404
    wrong_method = api.patch("/tags")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["errors"][0]["status"] == 405


def test_invalid_json_is_400(api: httpx.Client) -> None:
    answer = api.post("/tags", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert "message" in answer.json()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/tags", {"name": "no envelope"}),
        ("/lists", {"lists": {"name": "plural"}}),
        ("/fields", {"field": "not an object"}),
        ("/webhooks", ["a list"]),
    ],
)
def test_wrong_envelope_is_422(api: httpx.Client, path: str, body: object) -> None:
    answer = api.post(path, json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] in {"field_missing", "field_invalid"}


def test_non_numeric_id_is_a_not_found(api: httpx.Client) -> None:
    answer = api.get("/tags/abc")
    assert answer.status_code == 404
    assert answer.json() == {"message": "No Result found for Tag with id abc"}
