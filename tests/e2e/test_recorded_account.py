"""acr against a sandbox that behaves like a recorded account (activecampaign-api.md section
10): over real HTTP on loopback, through the command line."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.sandbox.records import new_group, new_tag

from .base import BASE, dump, manifest
from .conftest import Acr, changes

NEWSLETTER = {"stringid": "news", "name": "News", "sender_url": "https://example.com",
              "sender_reminder": "You signed up."}  # fmt: skip


def account(acr: Acr) -> Any:
    return acr.sandbox.store.connections[0].account


def calls(acr: Acr, method: str, path: str) -> int:
    return acr.sandbox.api_calls().count((method, path))


# --- R1: list permissions ----------------------------------------------------------------------


def test_new_lists_are_granted_to_the_admin_group_looked_up_once(acr: Acr) -> None:
    other = {**NEWSLETTER, "stringid": "other", "name": "Other"}
    acr.write("lists.yaml", dump({"lists": [NEWSLETTER, other]}))
    acr.converge()
    assert {row["group"] for row in acr.rows("listGroups")} == {"3"}  # no group 1 [V-rec R1]
    assert calls(acr, "GET", "/groups") == 1


def test_no_group_lookup_when_no_list_is_created(acr: Acr) -> None:
    acr.write("tags.yaml", dump({"tags": [{"name": "VIP"}]}))
    acr.converge()
    assert calls(acr, "GET", "/groups") == 0


def test_without_an_admin_row_the_users_group_is_used(acr: Acr) -> None:
    groups = account(acr).tables["groups"]
    for row in groups.values():
        row["p_admin"] = 0
    account(acr).tables["userGroups"][1]["groupid"] = 4
    acr.write("lists.yaml", dump({"lists": [NEWSLETTER]}))
    acr.converge()
    assert [row["group"] for row in acr.rows("listGroups")] == ["4"]
    assert calls(acr, "GET", "/users/me") == 1 and calls(acr, "GET", "/users/1/userGroup") == 1


def test_an_account_whose_admin_group_is_not_3(acr: Acr) -> None:
    account(acr).tables["groups"].clear()
    account(acr).insert("groups", new_group("Owners", "", True), 12)
    acr.write("lists.yaml", dump({"lists": [NEWSLETTER]}))
    acr.converge()
    assert [row["group"] for row in acr.rows("listGroups")] == ["12"]


# --- R2: reads limited to what is managed; Deals access ----------------------------------------


def test_a_tags_only_project_reads_only_tags_and_works_without_deals_access(acr: Acr) -> None:
    account(acr).settings["deals_access"] = False
    acr.write("tags.yaml", dump({"tags": [{"name": "VIP"}]}))
    acr.converge()
    paths = {path.split("?")[0] for _, path in acr.sandbox.api_calls()}
    assert paths == {"/tags"}


def test_managed_pipelines_without_deals_access_say_so_and_write_nothing(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reconciler.retry.BACKOFF_BASE", 0.001)  # the retries' waits
    account(acr).settings["deals_access"] = False
    acr.write("all.yaml", dump(BASE))
    result = acr("apply", "--yes")
    assert result.code == 1
    assert "Deals access is missing on Maton default connection" in result.err
    assert "GET /dealGroups was refused" in result.err and "Traceback" not in result.err
    assert {method for method, _ in acr.sandbox.api_calls()} == {"GET"}
    # a persistent 403 is retried a few times first [R11]
    assert calls(acr, "GET", "/dealGroups") == 3


def test_lists_are_read_only_when_named(acr: Acr) -> None:
    acr.write("f.yaml", dump({"fields": [{"title": "Notes", "type": "textarea"}]}))
    acr.converge()
    assert calls(acr, "GET", "/lists") == 0
    field = {"title": "Notes", "type": "textarea", "lists": ["news"]}
    acr.write("f.yaml", dump({"lists": [NEWSLETTER], "fields": [field]}))
    acr.converge()
    assert calls(acr, "GET", "/lists") > 0


# --- R4: default stages from the create answer -------------------------------------------------


@pytest.mark.parametrize(
    "colours",
    [["19CCA3", "5487FF", "FBD965"], ["18D499", "32B0FC", "E6CE4B"], ["19CCA3", "5884EA"]],
)
def test_a_new_pipeline_converges_whatever_colours_the_account_gives(
    acr: Acr, colours: list[str]
) -> None:
    account(acr).settings["stage_colors"] = colours
    stages = ["Lead", {"title": "Won", "color": "2ECC71"}]
    acr.write("p.yaml", dump({"pipelines": [{"title": "Sales", "stages": stages}]}))
    plan = acr.plan()
    assert changes(plan) == [("create", "pipeline", "sales"), ("create", "stage", "sales/lead"),
                             ("create", "stage", "sales/won")]  # fmt: skip
    assert "reuse them (PUT)" in plan["changes"][0]["note"]
    assert plan["changes"][1]["note"].startswith("reuses default stage 1 ")
    acr.converge()
    rows = sorted(acr.rows("dealStages"), key=lambda s: int(s["order"]))
    assert [(s["title"], s["color"], s["order"]) for s in rows] == [
        ("Lead", colours[0], "1"), ("Won", "2ECC71", "2"),
    ]  # fmt: skip
    assert calls(acr, "POST", "/dealStages") == 0  # both reused; the third was deleted


def test_stages_beyond_the_defaults_are_created(acr: Acr) -> None:
    stages = ["A", "B", "C", "D", "E"]
    acr.write("p.yaml", dump({"pipelines": [{"title": "Sales", "stages": stages}]}))
    acr.converge()
    rows = sorted(acr.rows("dealStages"), key=lambda s: int(s["order"]))
    assert [s["title"] for s in rows] == stages
    assert calls(acr, "POST", "/dealStages") == 2


# --- R8, R9: contact field types ---------------------------------------------------------------


def test_number_is_refused_offline_with_the_valid_types(acr: Acr) -> None:
    acr.write("f.yaml", dump({"fields": [{"title": "Size", "type": "number"}]}))
    result = acr("validate")
    assert result.code == 1
    assert "f.yaml:" in result.err and "fields[0].type" in result.err
    assert "dropdown" in result.err and "textarea" in result.err and "Traceback" not in result.err


def _field(acr: Acr, **more: Any) -> None:
    field = {"title": "Plan", "type": "dropdown", "options": ["free", "pro"], **more}
    acr.write("f.yaml", dump({"fields": [field]}))


def test_a_type_change_is_refused_without_replace(acr: Acr) -> None:
    _field(acr)
    acr.converge()
    _field(acr, type="radio")
    result = acr("plan")
    assert result.code == 1
    assert 'field "Plan" (manifests/f.yaml:2)' in result.err
    assert "replace: true" in result.err and "from dropdown to radio" in result.err


def test_replace_creates_the_new_field_then_deletes_the_old_one(acr: Acr) -> None:
    _field(acr)
    acr.converge()
    (old,) = acr.rows("fields")
    _field(acr, type="radio", replace=True)
    plan = acr.plan()
    assert [(c["action"], c["key"]) for c in plan["changes"]] == [
        ("update", "PLAN"), ("create", "PLAN"), ("delete", "PLAN"),
    ]  # fmt: skip
    assert "the values contacts hold in it are deleted" in plan["changes"][2]["note"]
    acr.converge()
    (new,) = acr.rows("fields")
    assert (new["type"], new["title"], new["perstag"]) == ("radio", "Plan", "PLAN")
    assert new["id"] != old["id"]
    assert calls(acr, "PUT", f"/fields/{old['id']}") == 1  # renamed, never retyped


# --- R10: webhook events -----------------------------------------------------------------------


def _hook(acr: Acr, events: list[str]) -> None:
    hook = {"name": "H", "url": "https://h.example/x", "events": events, "sources": ["api"]}
    acr.write("w.yaml", dump({"webhooks": [hook]}))


def test_r10_events_are_accepted_and_the_account_is_asked_once(acr: Acr) -> None:
    _hook(acr, ["contact_task_add", "account_contact_update"])
    acr.converge()
    assert calls(acr, "GET", "/webhook/events") == 2  # one per plan: apply's and the check's


def test_an_event_the_account_does_not_offer_is_an_error_naming_the_webhook(acr: Acr) -> None:
    account(acr).settings["webhook_events"] = ["subscribe", "unsubscribe"]
    _hook(acr, ["subscribe", "account_add"])
    result = acr("plan")
    assert result.code == 1
    assert 'webhook "H" (manifests/w.yaml:2): the account does not offer the event' in result.err
    assert '"account_add"' in result.err


def test_a_webhook_without_a_list_is_created_without_listid(acr: Acr) -> None:
    _hook(acr, ["subscribe"])
    acr.converge()
    assert [row["listid"] for row in acr.rows("webhooks")] == ["0"]


# --- R6, R7: writes that may not stick --------------------------------------------------------


def test_a_list_update_is_a_patch_of_the_changed_keys(acr: Acr) -> None:
    acr.write("l.yaml", dump({"lists": [NEWSLETTER]}))
    acr.converge()
    acr.write("l.yaml", dump({"lists": [{**NEWSLETTER, "name": "Newsletter"}]}))
    acr.converge()
    assert calls(acr, "PATCH", "/lists/1") == 1 and calls(acr, "PUT", "/lists/1") == 0


def test_verify_reports_a_write_that_did_not_take(acr: Acr) -> None:
    acr.write("l.yaml", dump({"lists": [NEWSLETTER]}))
    acr.converge()
    acr.sandbox.faults["PATCH /lists/1"] = "ignore"  # answers 200, keeps nothing
    acr.write("l.yaml", dump({"lists": [{**NEWSLETTER, "name": "Newsletter"}]}))
    result = acr("apply", "--yes")
    assert result.code == 1
    assert (
        'list "news": name did not take: the account shows "News", the plan set "Newsletter"'
        in (result.err)
    )


def test_verify_masks_secrets_in_what_did_not_take(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-token-value")
    hook = {"name": "H", "url": "https://h.example/a?t=${env.HOOK_TOKEN}", "events": ["open"],
            "sources": ["api"]}  # fmt: skip
    acr.write("w.yaml", dump({"webhooks": [hook]}))
    acr.converge()
    acr.sandbox.faults["PUT /webhooks/1"] = "ignore"
    acr.write(
        "w.yaml", dump({"webhooks": [{**hook, "url": "https://h.example/b?t=${env.HOOK_TOKEN}"}]})
    )
    result = acr("apply", "--yes")
    assert result.code == 1
    assert 'webhook "H": url did not take' in result.err
    assert "${env.HOOK_TOKEN}" in result.err and "s3cr3t-token-value" not in result.err


def test_verify_reports_a_duplicate_a_concurrent_run_created(acr: Acr) -> None:
    def twin() -> None:
        account(acr).insert("tags", new_tag("VIP"))

    acr.sandbox.faults["POST /tags"] = twin  # another run creates the same tag meanwhile
    acr.write("t.yaml", dump({"tags": [{"name": "VIP"}]}))
    result = acr("apply", "--yes")
    assert result.code == 1
    assert 'tag "VIP": 2 objects on the account have this identity (ids 1, 2)' in result.err


def test_the_base_manifest_converges_on_a_recorded_account(acr: Acr) -> None:
    acr.write("all.yaml", dump(manifest()))
    acr.converge()
    assert {row["group"] for row in acr.rows("listGroups")} == {"3"}
