"""The state file (persistence across restarts) and seed files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sandbox_server import RunningSandbox

from reconciler.errors import ConfigError
from reconciler.sandbox.opening import open_store

Factory = Callable[..., RunningSandbox]

SEED = {
    "maton_key": "my-key",
    "connections": [
        {
            "connection_id": "11111111-2222-4333-8444-555555555555",
            "api_token": "token-one",
            "account": "acme",
            "tags": ["VIP", {"name": "Newsletter", "type": "template", "description": "d"}],
            "lists": [
                {
                    "stringid": "newsletter",
                    "name": "Newsletter",
                    "sender_url": "https://acme.example",
                    "sender_reminder": "You signed up",
                }
            ],
            "fields": [
                {
                    "title": "Plan",
                    "type": "dropdown",
                    "options": ["Free", {"value": "pro", "label": "Pro", "default": True}],
                    "lists": ["newsletter"],
                },
                {"title": "Company Size", "type": "text", "lists": "all", "id": 40},
            ],
            "pipelines": [
                {
                    "title": "Sales",
                    "currency": "eur",
                    "stages": [
                        {"title": "Lead", "deals": ["Deal A", {"title": "Deal B", "value": 900}]},
                        {"title": "Won", "color": "00FF00"},
                    ],
                },
                {"title": "Hiring"},
            ],
            "webhooks": [
                {
                    "name": "CRM sync",
                    "url": "https://hooks.example.com",
                    "events": ["subscribe"],
                    "sources": ["public"],
                    "list": "newsletter",
                }
            ],
            "contacts": [{"email": "ada@example.com", "tags": ["vip"]}],
        },
        {"status": "PENDING"},
    ],
}


def write(tmp_path: Path, data: object, name: str = "seed.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_state_survives_a_restart_with_its_id_counters(
    sandbox_factory: Factory, tmp_path: Path
) -> None:
    state = tmp_path / ".acr" / "sandbox.json"
    first = sandbox_factory(state=state)
    with first.client() as client:
        client.post("/tags", json={"tag": {"tag": "One"}})
        client.post("/tags", json={"tag": {"tag": "Two"}})
        client.delete("/tags/2")
        client.post("/dealGroups", json={"dealGroup": {"title": "Sales", "currency": "usd"}})
    assert json.loads(state.read_text())["format"] == "acr-sandbox-state/1"
    second = sandbox_factory(state=state)
    with second.client() as client:
        assert [t["tag"] for t in client.get("/tags").json()["tags"]] == ["One"]
        assert client.post("/tags", json={"tag": {"tag": "Three"}}).json()["tag"]["id"] == "3"
        assert client.get("/dealStages").json()["meta"]["total"] == 3
    assert second.connection == first.connection
    assert second.store.api_tokens == first.store.api_tokens


def test_state_is_written_atomically_after_every_write_only(
    sandbox_factory: Factory, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    sandbox = sandbox_factory(state=state)
    assert state.exists()  # written once when created
    with sandbox.client() as client:
        before = state.stat().st_mtime_ns
        client.get("/tags")
        client.post("/tags", json={"tag": {"tag": "dup"}})
        written = state.read_text()
        assert client.post("/tags", json={"tag": {"tag": "DUP"}}).status_code == 422
        assert state.read_text() == written  # a refused write does not rewrite
    assert state.stat().st_mtime_ns >= before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temp files left


def test_state_wins_over_seed(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    open_store(state=state)  # the default account, saved
    store = open_store(state=state, seed=write(tmp_path, SEED))
    assert store.maton_key == "sandbox-maton-key"


def test_seed_loads_every_kind(sandbox_factory: Factory, tmp_path: Path) -> None:
    sandbox = sandbox_factory(seed=write(tmp_path, SEED))
    assert sandbox.key == "my-key"
    assert sandbox.connection == "11111111-2222-4333-8444-555555555555"
    assert sandbox.token == "token-one"
    with sandbox.client() as client:
        tags = client.get("/tags").json()["tags"]
        assert [(t["tag"], t["tagType"]) for t in tags] == [
            ("VIP", "contact"),
            ("Newsletter", "template"),
        ]
        assert tags[0]["links"]["contactGoalTags"].startswith("https://acme.api-us1.com/")
        assert client.get("/tags/1").json()["tag"]["subscriber_count"] == "1"
        fields = client.get("/fields").json()
        assert [(f["id"], f["perstag"]) for f in fields["fields"]] == [
            ("1", "PLAN"),
            ("40", "COMPANY_SIZE"),
        ]
        assert [(o["value"], o["label"], o["isdefault"]) for o in fields["fieldOptions"]] == [
            ("Free", "Free", "0"),
            ("pro", "Pro", "1"),
        ]
        assert [(r["field"], r["relid"]) for r in fields["fieldRels"]] == [("1", "1"), ("40", "0")]
        pipelines = client.get("/dealGroups").json()
        assert [s["title"] for s in pipelines["dealStages"]] == [
            "Lead",
            "Won",
            "To Contact",
            "In Contact",
            "Follow Up",
        ]
        assert pipelines["dealStages"][1]["color"] == "00FF00"
        deals = client.get("/deals").json()["deals"]
        assert [(d["title"], d["value"], d["stage"], d["currency"]) for d in deals] == [
            ("Deal A", "0", "1", "eur"),
            ("Deal B", "900", "1", "eur"),
        ]
        assert client.get("/webhooks/1").json()["webhook"]["listid"] == "1"
    assert [c.status for c in sandbox.store.connections] == ["ACTIVE", "PENDING"]


def test_seed_without_connections_is_one_account(tmp_path: Path) -> None:
    store = open_store(seed=write(tmp_path, {"tags": ["Solo"]}))
    assert store.maton_key == "sandbox-maton-key"
    assert store.default_connection == "0b6f5c1e-8a4d-4c2e-9f3a-5d7e2a1b0c01"
    assert store.api_tokens == {store.default_connection: "sandbox-api-token"}
    assert store.connections[0].account.rows("tags")[0]["tag"] == "Solo"


def test_seed_ids_are_kept_and_others_fill_around_them(tmp_path: Path) -> None:
    store = open_store(seed=write(tmp_path, {"tags": ["a", {"name": "b", "id": 2}, "c"]}))
    rows = store.connections[0].account.rows("tags")
    assert [(row["id"], row["tag"]) for row in rows] == [(1, "a"), (2, "b"), (3, "c")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"connections": []}, "connections"),
        ({"tags": [{"nme": "typo"}]}, "tags.0"),
        ({"fields": [{"title": "F", "type": "multi"}]}, "unknown type"),
        ({"webhooks": [{"name": "w", "url": "u", "events": ["x"], "sources": ["api"]}]}, "events"),
        (
            {"webhooks": [{"name": "w", "url": "u", "events": [], "sources": [], "list": "l"}]},
            "'l'",
        ),
        ({"contacts": [{"email": "a@b.c", "tags": ["ghost"]}]}, "ghost"),
        ({"tags": [{"name": "a", "id": 1}, {"name": "b", "id": 1}]}, "id 1"),
        ({"connections": [{"api_token": "t"}, {"api_token": "t"}]}, "api_token"),
    ],
)
def test_malformed_seed_is_a_config_error_naming_the_file(
    tmp_path: Path, content: object, message: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        open_store(seed=path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "content",
    ["[]", '{"format": "other/1", "maton_key": "k", "connections": []}', '{"format": 1}', "{"],
)
def test_malformed_state_is_a_config_error_naming_the_file(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, content, "state.json")
    with pytest.raises(ConfigError, match="state.json"):
        open_store(state=path)


def test_missing_seed_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        open_store(seed=tmp_path / "absent.json")


def test_the_documented_seed_example_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text()
    example = doc.split("```json\n", 1)[1].split("```", 1)[0]
    store = open_store(seed=write(tmp_path, example))
    account = store.connections[0].account
    assert [row["title"] for row in account.rows("deals")] == ["Big deal", "Bigger"]
    assert [row["id"] for row in account.rows("tags")] == [1, 7]
    assert store.default_connection == "0b6f5c1e-8a4d-4c2e-9f3a-5d7e2a1b0c01"
