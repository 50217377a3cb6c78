"""The safety gate end to end: the CLI against the sandbox over loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .base import BASE, dump, manifest
from .conftest import Acr

PRUNE_ALL = "policy: {prune: [tags, lists, fields, pipelines, webhooks], max_deletes: 100}\n"


@pytest.fixture
def applied(acr: Acr) -> Acr:
    acr.write("all.yaml", dump(BASE))
    acr.converge()
    return acr


def _snapshot(acr: Acr) -> dict[str, int]:
    names = ("tags", "lists", "fields", "dealGroups", "dealStages", "webhooks")
    return {name: len(acr.rows(name)) for name in names}


def test_a_folder_without_manifests_deletes_nothing_whatever_the_policy(applied: Acr) -> None:
    before = _snapshot(applied)
    (applied.root / "manifests" / "all.yaml").rename(applied.root / "manifests" / "all.YAML")
    (applied.root / "manifests" / "old.yml.bak").write_text("tags: []\n")
    applied.project("manifests: [manifests]\n" + PRUNE_ALL)
    for args in (("plan",), ("apply", "--yes", "--allow-deletes", "100")):
        result = applied(*args)
        assert result.code == 1, result.out
        assert "no manifest files (*.yaml, *.yml) in this directory" in result.err
        assert "skipped: all.YAML, old.yml.bak" in result.err
    assert _snapshot(applied) == before


def test_a_section_no_manifest_holds_is_not_pruned_and_an_empty_one_is(applied: Acr) -> None:
    applied.project("manifests: [manifests]\n" + PRUNE_ALL)
    data = manifest()
    del data["tags"]
    applied.write("all.yaml", dump(data))
    plan = applied.plan()
    assert plan["changes"] == []
    assert any("no manifest has a `tags:` section" in n for n in plan["notices"])
    data["tags"] = []
    applied.write("all.yaml", dump(data))
    assert [(c["action"], c["kind"]) for c in applied.plan()["changes"]] == [("delete", "tag")]


def test_skipped_files_are_reported(applied: Acr) -> None:
    (applied.root / "manifests" / "extra.YAML").write_text("tags: []\n")
    result = applied("validate")
    assert result.code == 0 and "Skipped 1 file(s)" in result.err and "extra.YAML" in result.err


def test_a_prune_leaves_protected_objects_alone_and_shows_them(applied: Acr) -> None:
    applied.project('manifests: [manifests]\npolicy: {prune: [tags], protect: ["tags:vip*"]}\n')
    data = manifest()
    data["tags"] = []
    applied.write("all.yaml", dump(data))
    plan = applied.plan()
    assert plan["changes"] == []
    assert [(p["kind"], p["pattern"]) for p in plan["protected"]] == [("tag", "tags:vip*")]
    assert 'kept by "tags:vip*"' in applied("plan").out
    applied.apply()
    assert [t["tag"] for t in applied.rows("tags")] == ["VIP"]


def test_a_manifest_that_changes_a_protected_object_is_refused(applied: Acr) -> None:
    applied.project('manifests: [manifests]\npolicy: {protect: ["lists:news*"]}\n')
    applied.write("all.yaml", dump(manifest(**{"lists.0.name": "Renamed"})))
    shown = {"text": "Apply will refuse this plan:", "json": '"rule": "protected"',
             "markdown": "**Apply will refuse this plan:**"}  # fmt: skip
    for fmt, verdict in shown.items():
        result = applied("plan", "--format", fmt)
        assert result.code == 1 and "Newsletter" in result.out  # printed in full
        assert verdict in result.out
        assert 'list "newsletter" is protected by policy.protect "lists:news*"' in result.err
    assert applied("apply", "--yes").code == 1
    assert {r["name"] for r in applied.rows("lists")} == {"Newsletter", "Customers"}


def test_the_default_delete_limit_protects_a_small_account(acr: Acr) -> None:
    acr.write("tags.yaml", dump({"tags": [{"name": f"T{i}"} for i in range(5)]}))
    acr.converge()
    acr.project("manifests: [manifests]\npolicy: {prune: [tags]}\n")
    acr.write("tags.yaml", "tags: []\n")
    result = acr("plan", "--format", "json")
    assert result.code == 1
    (refusal,) = result.plan["refusals"]
    assert refusal["rule"] == "delete-limit" and refusal["needs"] == "--allow-deletes 5"
    assert len(result.plan["changes"]) == 5  # printed in full all the same
    assert acr("apply", "--yes", "--allow-deletes", "4").code == 1
    assert len(acr.rows("tags")) == 5
    acr.apply("--allow-deletes", "5")
    assert acr.rows("tags") == []


def test_two_lists_with_one_stringid_refuse_the_plan_naming_both(applied: Acr) -> None:
    # R3: real accounts accept a second list with one stringid (put in the store directly,
    # whatever the sandbox's own create does)
    account = _account(applied)
    (row,) = account.rows("lists", stringid="newsletter")
    account.insert("lists", {**row, "name": "Twin"})
    ids = sorted(int(r["id"]) for r in applied.rows("lists") if r["stringid"] == "newsletter")
    result = applied("plan", "--format", "json")
    assert result.code == 1
    (refusal,) = result.plan["refusals"]
    assert refusal["rule"] == "ambiguous"
    assert f"ids {ids[0]}, {ids[1]}" in refusal["message"]
    assert applied("apply", "--yes").code == 1


def _account(acr: Acr) -> Any:
    connection = acr.sandbox.store.connection(acr.sandbox.connection)
    assert connection is not None
    return connection.account


def _id(acr: Acr, collection: str, column: str, value: str) -> str:
    (row,) = [r for r in acr.rows(collection) if r[column] == value]
    return str(row["id"])


def _contact(api: Any, email: str) -> str:
    return str(api.post("/contacts", json={"contact": {"email": email}}).json()["contact"]["id"])


def test_deletes_carry_their_data_impact(applied: Acr) -> None:
    list_id = _id(applied, "lists", "stringid", "customers")
    notes = _id(applied, "fields", "perstag", "NOTES")
    with applied.api() as api:
        for n in range(2):
            contact = _contact(api, f"c{n}@example.com")
            api.post("/contactLists", json={"contactList": {"contact": contact, "list": list_id,
                                                             "status": 1}})  # fmt: skip
        api.post("/fieldValues", json={"fieldValue": {"contact": contact, "field": notes,
                                                       "value": "hi"}})  # fmt: skip
    applied.project("manifests: [manifests]\npolicy: {prune: [lists, fields], max_deletes: 5}\n")
    data = manifest()
    data["lists"].pop(1)
    data["fields"].pop(1)
    data["fields"][0]["options"] = ["free"]
    applied.write("all.yaml", dump(data))
    plan = applied.plan()
    impact = {(c["action"], c["kind"]): c.get("impact") for c in plan["changes"]}
    assert impact[("delete", "list")] == {"contacts": 2}
    assert impact[("delete", "field")] == {"contacts": 1}
    assert impact[("update", "field")] == {"contacts": 0}  # PLAN holds no value yet
    text = applied("plan").out
    assert "its 2 contacts are unsubscribed" in text and "the values 1 contacts hold" in text


def test_a_deal_count_with_permission_stubs_is_unknown_and_refused(applied: Acr) -> None:
    stage = _id(applied, "dealStages", "title", "Qualified")
    with applied.api() as api:
        body = {"deal": {"title": "Hidden", "value": 1, "currency": "usd", "stage": stage}}
        deal = api.post("/deals", json=body).json()["deal"]["id"]
    account = _account(applied)
    account.get("deals", int(deal))["hidden"] = True  # a pipeline this user may not see
    data = manifest()
    data["pipelines"][0]["stages"].pop(1)
    applied.write("all.yaml", dump(data))
    result = applied("plan", "--format", "json")
    assert result.code == 1
    assert [r["rule"] for r in result.plan["refusals"]] == ["count-unknown"]
    (change,) = [c for c in result.plan["changes"] if c["action"] == "delete"]
    assert change["impact"] == {"deals": None}


def test_a_rename_without_renamed_from_gets_a_hint(applied: Acr) -> None:
    applied.project("manifests: [manifests]\npolicy: {prune: [tags]}\n")
    applied.write("all.yaml", dump(manifest(**{"tags.0.name": "VIP Customer"})))
    (create,) = [c for c in applied.plan()["changes"] if c["action"] == "create"]
    assert '`renamed_from: ["VIP"]`' in create["hint"]


def test_every_write_is_journaled_with_secrets_masked(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-token")
    hook = {"name": "CRM", "url": "https://h.example.com/x?t=${env.HOOK_TOKEN}",
            "events": ["subscribe"], "sources": ["api"]}  # fmt: skip
    acr.write("all.yaml", dump({"tags": [{"name": "A"}], "webhooks": [hook]}))
    result = acr.apply()
    (journal,) = (acr.root / ".acr" / "journal").glob("*-default.jsonl")
    assert f"Journal: {Path('.acr/journal') / journal.name}" in result.out
    text = journal.read_text()
    assert "s3cr3t-token" not in text and "${env.HOOK_TOKEN}" in text
    # the tag and the webhook are independent: their creates run at once, in either order
    lines = sorted((json.loads(line) for line in text.splitlines()), key=lambda e: e["path"])
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("POST", "/tags", 201), ("POST", "/webhooks", 201)
    ]  # fmt: skip
    assert lines[0]["object"] == '+ tag "A"' and set(lines[0]) == {
        "time", "method", "path", "object", "status", "body"
    }  # fmt: skip


def test_ctrl_c_while_planning_says_nothing_was_changed(
    applied: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("reconciler.session.make_plan", interrupted)
    result = applied("apply", "--yes")
    assert result.code == 130 and "nothing was changed" in result.err


def test_the_plan_path_is_given_the_read_only_api(
    applied: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler import engine
    from reconciler.readonly import ReadOnlyApi

    given = []
    real = engine.make_plan

    async def spy(client: Any, *args: Any, **kwargs: Any) -> Any:
        given.append(client)
        return await real(client, *args, **kwargs)

    monkeypatch.setattr("reconciler.session.make_plan", spy)
    assert applied("plan").code == 0 and applied("apply", "--yes").code == 0
    assert [type(c) for c in given] == [ReadOnlyApi, ReadOnlyApi]
