"""What is particular to deal custom fields: the manifest's checks, the fixed attributes,
the deal field group a new field joins, and how the API's rows read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from reconciler.errors import ApplyError, AuthError, ManifestError, PlanError
from reconciler.kinds import RawCollection, standard_kinds
from reconciler.kinds.deal_fields import DealFieldKind, DealFieldSpec
from reconciler.manifest import load_manifests

from .harness import SandboxAccount

KINDS = standard_kinds()

KIND = KINDS["deal_field"]
SOURCE = {"label": "Deal Source", "type": "dropdown", "options": ["Inbound", "Outbound"]}


def manifest(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"deal_fields": list(fields)}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"label": "X", "type": "text", "options": ["a"]}, "options are only for checkbox"),
        ({**SOURCE, "options": ["a", "a"]}, "repeated: a"),
        ({**SOURCE, "options": ["a", ""]}, "must not be empty"),
        ({**SOURCE, "default": ["Inbound"]}, "a list of defaults is only for"),
        ({**SOURCE, "default": "Partner"}, "not among the options: Partner"),
        ({"label": "X", "type": "listbox"}, "Input should be"),
        ({"label": "", "type": "text"}, "at least 1 character"),
    ],
)
def test_bad_entries_are_refused(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DealFieldSpec.model_validate(entry)


def test_a_bad_entry_is_located(tmp_path: Path) -> None:
    path = tmp_path / "deals.yaml"
    path.write_text("deal_fields:\n  - label: X\n    type: text\n    options: [a]\n")
    with pytest.raises(ManifestError) as caught:
        load_manifests([path], env={}, kinds=KINDS)
    assert "deals.yaml:2:5: deal_fields[0]" in str(caught.value)


def test_identity_is_the_label_case_folded_and_only_set_keys_are_managed() -> None:
    (obj,) = KIND.desired(DealFieldSpec.model_validate(SOURCE), "m.yaml:2")
    assert obj.key == "deal source" and obj.label == "Deal Source"
    assert dict(obj.attrs) == {"label": "Deal Source", "type": "dropdown",
                               "options": ["Inbound", "Outbound"], "default": ""}  # fmt: skip
    multi = {"label": "M", "type": "multiselect", "options": ["b", "a"], "default": ["b", "a"],
             "renamed_from": ["Old M"]}  # fmt: skip
    (obj,) = KIND.desired(DealFieldSpec.model_validate(multi), "m.yaml:2")
    assert obj.attrs["default"] == ["a", "b"] and obj.aliases == ("old m",)


def test_rows_read_as_the_api_writes_them() -> None:
    rows = [
        {"id": "1", "fieldLabel": "Text Example", "fieldType": "text", "fieldOptions": None,
         "fieldDefault": 1, "isFormVisible": 0, "isRequired": "1"},
        {"id": "2", "fieldLabel": "Multi", "fieldType": "multiselect",
         "fieldOptions": ["Option 1", "Option 2"], "fieldDefault": ["Option 2"],
         "isFormVisible": 1, "isRequired": 0},
    ]  # fmt: skip
    text, multi = KIND.normalise({"dealCustomFieldMeta": RawCollection(rows)})
    assert (text.key, text.id, dict(text.attrs)) == ("text example", "1", {
        "label": "Text Example", "type": "text", "options": [], "default": "1",
        "required": True, "visible": False,
    })  # fmt: skip
    assert multi.attrs["options"] == ["Option 1", "Option 2"]
    assert multi.attrs["default"] == ["Option 2"]


def test_a_new_field_joins_the_deal_field_group_once_looked_up(tmp_path: Path) -> None:
    account = SandboxAccount(tmp_path)
    account.apply(manifest(SOURCE, {"label": "Contract Value", "type": "currency"}))
    rows = account.store.connections[0].account
    members = [(m["group_id"], m["rel_id"]) for m in rows.rows("groupMembers")]
    assert sorted(members) == [(2, 1), (2, 2)]
    assert account.requests.count(("GET", "/groupMembers")) == 1


def test_without_a_deal_field_group_nothing_is_created(tmp_path: Path) -> None:
    account = SandboxAccount(tmp_path)
    rows = account.store.connections[0].account
    rows.remove_where("groupDefinitions", lambda g: g["type_id"] != 2)
    with pytest.raises(ApplyError, match="no deal field group"):
        account.apply(manifest(SOURCE))
    assert rows.rows("dealCustomFieldMeta") == []


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [("type", "radio", "type 'dropdown' -> 'radio'"), ("required", True, "required False -> True")],
)
def test_a_fixed_attribute_change_is_refused_with_its_place(
    tmp_path: Path, key: str, value: Any, shown: str
) -> None:
    account = SandboxAccount(tmp_path)
    account.apply(manifest({**SOURCE, "required": False}))
    with pytest.raises(PlanError) as caught:
        account.plan(manifest({**SOURCE, "required": False, key: value}))
    message = str(caught.value)
    assert f'deal_field "Deal Source" ({tmp_path / "manifest.yaml"}:2): {shown}' in message
    assert "cannot change a deal field's" in message


def test_an_update_sends_only_what_changed(tmp_path: Path) -> None:
    account = SandboxAccount(tmp_path)
    account.apply(manifest(SOURCE))
    account.requests.clear()
    account.apply(manifest({**SOURCE, "default": "Outbound"}))
    assert [r for r in account.requests if r[0] != "GET"] == [("PUT", "/dealCustomFieldMeta/1")]


def test_a_delete_says_what_deals_lose(tmp_path: Path) -> None:
    account = SandboxAccount(tmp_path)
    account.apply(manifest(SOURCE))
    (change,) = account.plan(manifest(), ["deal_fields"]).changes
    assert change.note == "the values deals hold in it are deleted"


def test_the_kind_is_registered_after_webhooks() -> None:
    assert isinstance(KIND, DealFieldKind) and KINDS.names[-1] == "deal_field"


def test_without_deals_access_the_plan_says_so(tmp_path: Path) -> None:
    account = SandboxAccount(tmp_path)
    account.store.connections[0].account.settings["deals_access"] = False
    with pytest.raises(AuthError, match="Deals access is missing") as caught:
        account.plan(manifest(SOURCE))
    assert "/dealCustomFieldMeta" in str(caught.value)
    assert account.plan({"tags": [{"name": "VIP"}]}).changes  # other kinds still plan


def test_an_ambiguous_create_is_found_on_the_account_not_sent_again(tmp_path: Path) -> None:
    from reconciler.sandbox.records import new_deal_field

    account = SandboxAccount(tmp_path)
    rows = account.store.connections[0].account
    for number in range(100):  # the look-up reads two pages
        rows.insert("dealCustomFieldMeta", new_deal_field(
            {"fieldLabel": f"Other {number}", "fieldType": "text"}, number + 1))  # fmt: skip
    served = account.app

    async def lost_answer(scope: Any, receive: Any, send: Any) -> None:
        """The first create is made, but its answer is a 502 (``error but done``)."""
        failing = scope.get("method") == "POST" and scope["path"].endswith("/dealCustomFieldMeta")
        failing = failing and not account.requests.count(("POST", "/dealCustomFieldMeta"))

        async def send_502(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "status": 502}
            await send(message)

        await served(scope, receive, send_502 if failing else send)

    account.app = lost_answer
    account.apply(manifest(SOURCE))
    assert (
        len([r for r in rows.rows("dealCustomFieldMeta") if r["fieldLabel"] == "Deal Source"]) == 1
    )
    assert account.requests.count(("POST", "/dealCustomFieldMeta")) == 1
    offsets = [r for r in account.requests if r == ("GET", "/dealCustomFieldMeta")]
    assert len(offsets) >= 3  # the plan's read, then the look-up's two pages
