"""A saved plan is the reviewed changes: `apply --plan` applies them while a fresh plan makes
exactly those changes, whatever else moved in the account, and otherwise names what moved."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .base import BASE, dump, manifest
from .conftest import Acr


def _tag(acr: Acr, name: str) -> dict[str, Any]:
    (row,) = [t for t in acr.rows("tags") if t["tag"] == name]
    return row


def _reviewed(acr: Acr, **changes: Any) -> None:
    """The account matches BASE; the manifests then change by ``changes``; a plan is saved."""
    acr.write("all.yaml", dump(BASE))
    acr.converge()
    acr.write("all.yaml", dump(manifest(**changes)))
    assert acr("plan", "--out", "reviewed.json").code == 0


def test_a_saved_plan_applies_after_unrelated_changes_to_the_account(acr: Acr) -> None:
    _reviewed(acr, **{"tags.0.description": "Reviewed"})
    with acr.api() as api:
        api.post("/tags", json={"tag": {"tag": "Added by marketing", "tagType": "contact"}})
        promo = {"name": "Promo", "stringid": "promo", "sender_url": "https://x"}
        api.post("/lists", json={"list": {**promo, "sender_reminder": "r"}})
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 0, result.err
    assert _tag(acr, "VIP")["description"] == "Reviewed"


def test_a_saved_plan_is_refused_naming_the_object_and_what_moved(acr: Acr) -> None:
    _reviewed(acr, **{"tags.0.description": "Reviewed"})
    vip = _tag(acr, "VIP")
    with acr.api() as api:
        api.put(f"/tags/{vip['id']}", json={"tag": {"tag": "VIP", "tagType": "contact",
                                                     "description": "Edited by hand"}})  # fmt: skip
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 1 and "reviewed.json is out of date" in result.err
    assert (
        '~ tag "VIP": the planned change differs (changed on the account since the plan was '
        "made: description)" in result.err
    )
    assert "Traceback" not in result.err
    assert _tag(acr, "VIP")["description"] == "Edited by hand"


def test_a_saved_plan_is_refused_when_a_touched_object_was_deleted(acr: Acr) -> None:
    _reviewed(acr, **{"tags.0.description": "Reviewed"})
    vip = _tag(acr, "VIP")
    with acr.api() as api:
        api.delete(f"/tags/{vip['id']}")
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 1
    assert (
        'tag "VIP": ' in result.err
        and f"deleted from the account since the plan was made (id {vip['id']})" in result.err
    )
    assert acr.rows("tags") == []


def test_a_saved_plan_is_refused_when_other_managed_objects_now_need_changes(acr: Acr) -> None:
    _reviewed(acr, **{"tags.0.description": "Reviewed"})
    (newsletter,) = [r for r in acr.rows("lists") if r["stringid"] == "newsletter"]
    with acr.api() as api:
        api.put(f"/lists/{newsletter['id']}", json={"list": {"name": "Renamed by hand"}})
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 1
    assert (
        '~ list "newsletter": newly planned, not in the reviewed plan (would change name '
        '"Renamed by hand" -> "Newsletter")' in result.err
    )
    assert _tag(acr, "VIP")["description"] == "Top customers"


def test_a_saved_plan_is_refused_when_the_manifests_moved(acr: Acr) -> None:
    _reviewed(acr, **{"tags.0.description": "Reviewed"})
    acr.write("all.yaml", dump(manifest(**{"tags.0.description": "Not reviewed"})))
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 1 and "the manifests changed since the plan was made" in result.err
    assert (
        'differs in: description: now "Top customers" -> "Not reviewed", '
        'reviewed "Top customers" -> "Reviewed"' in result.err
    )
    assert _tag(acr, "VIP")["description"] == "Top customers"


def test_a_create_is_refused_when_the_object_appeared_meanwhile(acr: Acr) -> None:
    acr.write("all.yaml", dump({"tags": [{"name": "New"}]}))
    acr("plan", "--out", "reviewed.json")
    with acr.api() as api:
        api.post("/tags", json={"tag": {"tag": "New", "tagType": "contact", "description": "x"}})
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 1
    assert "created on the account since the plan was made" in result.err


def test_a_saved_plan_for_another_target_or_not_a_plan_is_refused(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    (acr.root / "bad.json").write_text('{"format": "something else"}')
    result = acr("apply", "--yes", "--plan", "bad.json")
    assert result.code == 1 and "not an acr plan" in result.err
    acr("plan", "--out", "reviewed.json")
    saved = json.loads((acr.root / "reviewed.json").read_text())
    (acr.root / "other.json").write_text(json.dumps({**saved, "target": "staging"}))
    result = acr("apply", "--yes", "--plan", "other.json")
    assert result.code == 1 and 'made for target "staging", not "default"' in result.err
    assert acr.rows("tags") == []


def test_the_saved_plan_holds_no_secret_and_still_applies(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-hook-token")
    url = "https://hooks.example.com/a?token=${env.HOOK_TOKEN}"
    acr.write("all.yaml", dump(manifest(**{"webhooks.0.url": url})))
    acr.converge()
    monkeypatch.setenv("HOOK_TOKEN", "r0tated-hook-token")
    acr("plan", "--out", "reviewed.json")
    text = (acr.root / "reviewed.json").read_text()
    assert "s3cr3t" not in text and "r0tated" not in text and "${env.HOOK_TOKEN}" in text
    saved = json.loads(text)
    assert list(saved["live"]) == ["webhook"]
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 0, result.err
    assert acr.rows("webhooks")[0]["url"].endswith("r0tated-hook-token")
