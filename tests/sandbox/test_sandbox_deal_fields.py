"""/dealCustomFieldMeta and /groupMembers: shapes, validation, immutable type, group joins,
seeding and persistence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_server import RunningSandbox, run_sandbox

from reconciler.sandbox import SandboxStore
from reconciler.sandbox.opening import open_store

FIELD = {"fieldLabel": "Contract Value", "fieldType": "currency", "isRequired": 1}


def create(api: httpx.Client, **attrs: object) -> Any:
    answer = api.post("/dealCustomFieldMeta", json={"dealCustomFieldMetum": {**FIELD, **attrs}})
    assert answer.status_code == 200, answer.text
    return answer.json()["dealCustomFieldMetum"]


def test_create_get_and_list_keep_numbers_and_have_no_meta(api: httpx.Client) -> None:
    made = create(api)
    assert made["id"] == "1" and made["isRequired"] == 1 and made["isFormVisible"] == 0
    assert made["fieldOptions"] is None and made["displayOrder"] == 1
    assert api.get("/dealCustomFieldMeta/1").json()["dealCustomFieldMetum"] == made
    listed = api.get("/dealCustomFieldMeta", params={"limit": 100}).json()
    assert set(listed) == {"dealCustomFieldMeta"}
    (row,) = listed["dealCustomFieldMeta"]
    assert row["personalization"] == "" and row["hideFieldFlag"] == 0


def test_options_are_kept_only_for_choice_types(api: httpx.Client) -> None:
    choice = create(api, fieldLabel="Source", fieldType="dropdown", fieldOptions=["A", "B"])
    assert choice["fieldOptions"] == ["A", "B"]
    text = create(api, fieldLabel="Note", fieldType="text", fieldOptions=["A"])
    assert text["fieldOptions"] is None


@pytest.mark.parametrize(
    ("attrs", "status"),
    [
        ({"fieldType": None}, 422),
        ({"fieldLabel": ""}, 422),
        ({"fieldType": "listbox"}, 422),
        ({"fieldOptions": "A"}, 422),
        ({"isRequired": "maybe"}, 422),
    ],
)
def test_bad_creates_are_refused(api: httpx.Client, attrs: dict, status: int) -> None:
    body = {"dealCustomFieldMetum": {**FIELD, **attrs}}
    assert api.post("/dealCustomFieldMeta", json=body).status_code == status
    assert api.get("/dealCustomFieldMeta").json()["dealCustomFieldMeta"] == []


def test_a_label_is_unique_case_insensitively(api: httpx.Client) -> None:
    create(api)
    again = api.post(
        "/dealCustomFieldMeta",
        json={"dealCustomFieldMetum": {**FIELD, "fieldLabel": "CONTRACT value"}},
    )
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "duplicate"


def test_put_changes_label_default_visibility_but_not_type_or_required(api: httpx.Client) -> None:
    create(api)
    body = {"fieldLabel": "Value", "fieldDefault": "10", "isFormVisible": True,
            "fieldType": "text", "isRequired": 0}  # fmt: skip
    answer = api.put("/dealCustomFieldMeta/1", json={"dealCustomFieldMetum": body})
    assert answer.status_code == 200
    row = answer.json()["dealCustomFieldMetum"]
    assert (row["fieldLabel"], row["fieldDefault"], row["isFormVisible"]) == ("Value", "10", 1)
    assert (row["fieldType"], row["isRequired"]) == ("currency", 1)


def test_missing_fields_answer_the_newer_not_found(api: httpx.Client) -> None:
    gone = {"errors": [{"status": 404, "title": "Not Found"}]}
    for method in ("GET", "PUT", "DELETE"):
        for path in ("/dealCustomFieldMeta/9", "/dealCustomFieldMeta/x"):
            answer = api.request(method, path, json={"dealCustomFieldMetum": {}})
            assert (answer.status_code, answer.json()) == (404, gone)


def test_groups_and_members(api: httpx.Client) -> None:
    groups = api.get("/groupMembers").json()["groupDefinitions"]
    assert [(g["id"], g["label"], g["type_id"]) for g in groups] == [
        (1, "{**DEFAULT**}", 1), (2, "{**DEAL_DEFAULT**}", 2), (3, "{**ACCOUNT_DEFAULT**}", 3),
    ]  # fmt: skip
    create(api)
    member = {"group_id": 2, "rel_id": 1, "ordernum": None}
    answer = api.post("/groupMembers", json={"groupMember": member})
    assert answer.status_code == 200
    assert answer.json()["groupMember"]["ordernum"] == 1
    no_field = api.post("/groupMembers", json={"groupMember": {**member, "rel_id": 7}})
    assert no_field.status_code == 422
    assert api.post("/groupMembers", json={"groupMember": {"rel_id": 1}}).status_code == 422


def test_delete_answers_the_documented_message_and_leaves_the_group(
    api: httpx.Client, sandbox_server: RunningSandbox
) -> None:
    create(api)
    api.post("/groupMembers", json={"groupMember": {"group_id": 2, "rel_id": 1}})
    account = sandbox_server.store.connections[0].account
    assert len(account.rows("groupMembers")) == 1
    answer = api.delete("/dealCustomFieldMeta/1")
    assert answer.json() == {"message": "DealCustomFieldMeta deleted."}
    assert account.rows("groupMembers") == []


def test_seed_and_state_round_trip(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"deal_fields": [
        {"label": "Contract Value", "type": "currency", "required": True},
        {"label": "Source", "type": "multiselect", "options": ["A", "B"], "default": ["A"],
         "visible": False, "in_group": False, "id": 5},
    ]}))  # fmt: skip
    state = tmp_path / "state.json"
    store = open_store(state=state, seed=seed)
    account = store.oldest_active().account  # type: ignore[union-attr]
    assert [m["rel_id"] for m in account.rows("groupMembers")] == [1]
    with run_sandbox(state=state, rate_limit=None) as sandbox, sandbox.client() as client:
        rows = client.get("/dealCustomFieldMeta").json()["dealCustomFieldMeta"]
    assert [(r["id"], r["fieldType"], r["isRequired"], r["isFormVisible"]) for r in rows] == [
        ("1", "currency", 1, 1), ("5", "multiselect", 0, 0),
    ]  # fmt: skip
    assert rows[1]["fieldDefault"] == ["A"]


def test_seed_refuses_an_unknown_type(tmp_path: Path) -> None:
    from reconciler.errors import ConfigError

    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"deal_fields": [{"label": "X", "type": "listbox"}]}))
    with pytest.raises(ConfigError, match="unknown type 'listbox'"):
        open_store(seed=seed)


def test_a_state_saved_before_field_groups_gets_them(tmp_path: Path) -> None:
    data = SandboxStore.default().data()
    del data["connections"][0]["account"]["tables"]["groupDefinitions"]
    store = SandboxStore.from_data(data)
    account = store.oldest_active().account  # type: ignore[union-attr]
    assert len(account.rows("groupDefinitions")) == 3
