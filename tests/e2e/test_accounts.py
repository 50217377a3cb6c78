"""Many accounts, end to end against a sandbox with several connections: targets, export,
compare, connections, --all-targets and adopting one object at a time."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sandbox_server import RunningSandbox

from reconciler.kinds import standard_kinds
from reconciler.lock import account_lock
from reconciler.manifest import load_project
from reconciler.targets import Run

from .base import dump
from .conftest import Acr

KINDS = standard_kinds()

A, B, C = (f"{n}0000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
FAILED, MISSING = "f0000000-0000-4000-8000-00000000000f", "d0000000-0000-4000-8000-00000000000d"
TOKEN, PASSWORD = "s3cr3t-T0ken-value-1234567890", "hunter2-Passw0rd-long"

POPULATED: dict[str, Any] = {
    "connection_id": A,
    "account": "alpha",
    "tags": [{"name": "VIP", "description": "Top"}, "Lead",
             {"name": "Newsletter footer", "type": "template"}],
    "lists": [
        {"stringid": "newsletter", "name": "Newsletter", "carboncopy": "cc@example.com",
         "send_last_broadcast": True},
        {"stringid": "customers", "name": "Customers", "subscription_notify": "ops@example.com"},
    ],
    "fields": [
        {"title": "Plan", "type": "dropdown", "perstag": "PLAN", "description": "Plan",
         "default": "free", "options": ["free", {"value": "pro", "label": "Pro"}],
         "lists": ["newsletter"]},
        {"title": "Interests", "type": "checkbox", "options": ["SEO", "Ads"], "lists": "all"},
        {"title": "Notes", "type": "textarea", "lists": ["customers", "newsletter"]},
        {"title": "Hidden", "type": "hidden", "lists": []},
    ],
    "pipelines": [
        {"title": "Sales", "currency": "eur",
         "stages": ["Lead", {"title": "Won", "color": "2ECC71", "width": 320}]},
        {"title": "Default stages"},
    ],
    "webhooks": [
        {"name": "CRM sync", "url": f"https://bot:{PASSWORD}@hooks.example.com/ac?token={TOKEN}&v=2",
         "events": ["subscribe", "unsubscribe"], "sources": ["public", "api"],
         "list": "newsletter"},
        {"name": "Plain", "url": "https://hooks.example.com/plain", "events": ["deal_add"],
         "sources": ["admin"]},
    ],
    "deal_fields": [
        {"label": "Budget", "type": "currency", "required": True},
        {"label": "Source", "type": "dropdown", "options": ["Web", "Event"], "default": "Web"},
        {"label": "Products", "type": "multiselect", "options": ["A", "B", "C"],
         "default": ["C", "A"], "visible": False},
    ],
}  # fmt: skip
SECRETS = {"CRM_SYNC_USER": "bot", "CRM_SYNC_PASSWORD": PASSWORD, "CRM_SYNC_TOKEN": TOKEN}


def _project(acr: Acr, extra: str = "") -> None:
    acr.project(
        "manifests: [manifests]\n"
        "targets:\n"
        f"  a: {{connection: {A}, vars: {{hooks: https://a.example.com}}}}\n"
        f"  b: {{connection: {B}, vars: {{hooks: https://b.example.com}}}}\n" + extra
    )


@pytest.fixture
def fleet(
    sandbox_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> Acr:
    """acr in a project with targets a (populated) and b (empty) on one sandbox."""
    connections = [POPULATED, {"connection_id": B, "account": "beta"},
                   {"connection_id": FAILED, "account": "gamma", "status": "FAILED"}]  # fmt: skip
    return _acr(sandbox_factory(seed=_seed(tmp_path, connections)), tmp_path, monkeypatch, capsys)


def _seed(tmp_path: Path, connections: list[dict[str, Any]]) -> Path:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"connections": connections}), encoding="utf-8")
    return path


def _acr(sandbox: RunningSandbox, tmp_path: Path, monkeypatch: Any, capsys: Any) -> Acr:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    for name in ("MATON_CONNECTION", "ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_TOKEN",
                 "MATON_CONTROL_URL", *SECRETS):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MATON_API_KEY", sandbox.key)
    monkeypatch.setenv("MATON_GATEWAY_URL", sandbox.url)
    monkeypatch.setenv("ACR_RATE_LIMIT", "500")
    monkeypatch.setenv("ACR_MATON_RATE_LIMIT", "500")
    acr = Acr(project, sandbox, capsys)
    (project / "manifests").mkdir()
    _project(acr)
    return acr


def test_export_then_plan_shows_no_changes_for_every_kind(
    fleet: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = fleet("export", "--target", "a")
    assert result.code == 0, result.err
    assert "Exported 16 objects to manifests/" in result.out
    assert "CRM_SYNC_USER, CRM_SYNC_PASSWORD, CRM_SYNC_TOKEN" in result.out
    files = sorted(p.name for p in (fleet.root / "manifests").iterdir())
    assert files == [
        "deal_fields.yaml", "fields.yaml", "lists.yaml", "pipelines.yaml", "tags.yaml",
        "webhooks.yaml",
    ]  # fmt: skip
    hooks = (fleet.root / "manifests" / "webhooks.yaml").read_text()
    assert TOKEN not in hooks + result.out + result.err and PASSWORD not in hooks
    assert hooks.startswith("# Exported by `acr export` from Maton connection")
    assert "(target a) on " in hooks and "#   CRM_SYNC_TOKEN: query parameter 'token'" in hooks
    assert (
        "url: https://${env.CRM_SYNC_USER}:${env.CRM_SYNC_PASSWORD}@hooks.example.com/ac" in hooks
    )
    assert "?token=${env.CRM_SYNC_TOKEN}&v=2" in hooks
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    plan = fleet.plan("--target", "a")
    assert plan["changes"] == [] and plan["summary"]["unmanaged"] == 0
    deal_fields = (fleet.root / "manifests" / "deal_fields.yaml").read_text()
    assert "  - label: Budget\n    type: currency\n    required: true\n" in deal_fields
    assert "options:" not in deal_fields.split("label: Products")[0].split("label: Budget")[1]
    tags = (fleet.root / "manifests" / "tags.yaml").read_text()
    assert (
        "  - name: Lead\n  - name: VIP\n    description: Top\n  - name: Newsletter footer\n" in tags
    )


def test_export_refuses_to_overwrite_without_force(fleet: Acr) -> None:
    assert fleet("export", "-t", "a").code == 0
    again = fleet("export", "-t", "a")
    assert again.code == 1 and "not overwriting manifests/tags.yaml" in again.err
    assert "--force" in again.err
    assert fleet("export", "-t", "a", "--force").code == 0


def test_a_export_applied_to_an_empty_b_then_compared_shows_both_in_sync(
    fleet: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    assert fleet("export", "-t", "a", "--out", "manifests").code == 0
    before = fleet("compare", "--format", "json", "--detailed-exitcode")
    assert before.code == 2
    matrix = json.loads(before.out)["matrix"]
    assert matrix["tag"] == {"a": "in sync", "b": "3"}
    assert fleet("apply", "--yes", "--target", "b").code == 0
    after = fleet("compare", "--targets", "a,b", "--detailed-exitcode")
    assert after.code == 0, after.out
    assert "Every target is in sync with the manifests." in after.out
    markdown = fleet("compare", "--format", "markdown").out
    assert markdown.startswith("### acr compare: every target in sync")


def test_all_targets_apply_gives_per_target_webhook_urls(fleet: Acr) -> None:
    hook = {"name": "Per target", "url": "${vars.hooks}/ac", "events": ["open"],
            "sources": ["api"]}  # fmt: skip
    fleet.write("hooks.yaml", dump({"webhooks": [hook]}))
    result = fleet("apply", "--yes", "--all-targets")
    assert result.code == 0, result.err
    assert "Summary:" in result.out and "a: apply complete" in result.out
    for target, connection in (("a", A), ("b", B)):
        with fleet.sandbox.client(connection) as api:
            rows = api.get("/webhooks", params={"limit": 100}).json()["webhooks"]
        urls = {r["name"]: r["url"] for r in rows}
        assert urls["Per target"] == f"https://{target}.example.com/ac"
    plans = fleet("plan", "--all-targets", "--detailed-exitcode")
    assert plans.code == 0 and plans.out.count("No changes.") == 2


def test_all_targets_plan_has_a_section_per_target_a_summary_and_the_worst_exit_code(
    fleet: Acr,
) -> None:
    _project(fleet, f"  c: {{connection: {FAILED}}}\n")
    fleet.write("tags.yaml", "tags:\n  - name: VIP\n    description: Top\n")
    result = fleet("plan", "--all-targets", "--detailed-exitcode")
    assert result.code == 1
    assert "acr plan — target a" in result.out and "acr plan — target b" in result.out
    summary = result.out[result.out.index("Summary:") :].splitlines()
    assert summary[1].split() == ["target", "create", "update", "delete", "unmanaged", "result"]
    assert summary[2].split() == ["a", "0", "0", "0", "2", "no", "changes"]
    assert summary[3].split() == ["b", "1", "0", "0", "0", "changes"]
    assert summary[4].split() == ["c", "-", "-", "-", "-", "error"]
    assert f'target "c": connection {FAILED} is FAILED' in result.out
    as_json = json.loads(fleet("plan", "--all-targets", "--format", "json").out)
    assert [p["target"] for p in as_json["plans"]] == ["a", "b"] and "c" in as_json["errors"]


def test_all_targets_plan_in_github_actions_writes_every_plan_to_the_step_summary(
    fleet: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(fleet.root / "summary.md"))
    fleet.write("tags.yaml", "tags:\n  - name: VIP\n    description: Top\n")
    result = fleet("plan", "--all-targets")
    assert result.code == 0, result.err
    assert "\x1b[" not in result.out and "Summary:" in result.out  # text, plain when piped
    summary = (fleet.root / "summary.md").read_text()
    assert "### acr plan" in summary and "| b | 1 | 0 | 0 | 0 | changes |" in summary


@pytest.mark.parametrize(
    ("connection", "expected"),
    [(FAILED, f"connection {FAILED} is FAILED"), (MISSING, f"connection {MISSING} does not exist")],
)
def test_a_missing_or_failed_connection_is_an_error_naming_the_target(
    fleet: Acr, connection: str, expected: str
) -> None:
    _project(fleet, f"  broken: {{connection: {connection}}}\n")
    fleet.write("tags.yaml", "tags:\n  - name: VIP\n")
    result = fleet("plan", "--target", "broken")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f'Error: target "broken": {expected}')


def test_without_target_a_command_refuses_and_lists_them_unless_a_default_is_set(
    fleet: Acr,
) -> None:
    result = fleet("plan")
    assert result.code == 1
    assert "defines targets (a, b): choose one with --target NAME" in result.err
    fleet.write(
        "hooks.yaml",
        dump(
            {
                "webhooks": [
                    {"name": "H", "url": "${vars.hooks}/x", "events": ["open"], "sources": ["api"]}
                ]
            }
        ),
    )
    checked = fleet("validate")  # offline: with every target's vars
    assert checked.code == 0 and checked.out == "Valid: 1 webhook in 1 file (targets: a, b).\n"
    _project(fleet, "default_target: b\n")
    assert fleet.plan()["target"] == "b"
    _project(fleet, "default_target: nope\n")
    bad = fleet("plan")
    assert bad.code == 1 and 'acr.yaml:5:17: default_target: default_target "nope"' in bad.err


def test_connections_lists_them_with_their_targets_and_flags_problems(fleet: Acr) -> None:
    _project(fleet, f"  c: {{connection: {FAILED}}}\n  d: {{connection: {MISSING}}}\n")
    result = fleet("connections")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("Maton connections for active-campaign (3), from http://127.0.0.1")
    assert lines[3].split() == [A, "ACTIVE", "2025-01-01", "00:00", "UTC", "a"]
    assert lines[5].split() == [FAILED, "FAILED", "!", "2025-01-01", "00:02", "UTC", "c"]
    assert f'target "d": connection {MISSING} does not exist for this Maton key' in result.out


def test_a_field_may_name_a_live_list_that_no_manifest_manages(fleet: Acr) -> None:
    field = {"title": "Score", "type": "text", "lists": ["customers"]}
    fleet.write("fields.yaml", dump({"fields": [field]}))
    checked = fleet("validate", "--target", "a")
    assert checked.code == 0
    assert 'Warning: manifests/fields.yaml:5:5: fields[0].lists[0]: field "Score": list ' in (
        checked.err
    )
    assert fleet("apply", "--yes", "-t", "a").code == 0
    assert fleet.plan("-t", "a")["changes"] == []
    on_b = fleet("plan", "-t", "b")
    assert on_b.code == 1
    assert 'field "Score": list "customers" is neither in the manifests nor on the account' in (
        on_b.err
    )
    _project(fleet)
    fleet.project((fleet.root / "acr.yaml").read_text() + "policy: {prune: [lists]}\n")
    fleet.write("lists.yaml", "lists: []\n")  # only a section the manifests hold is pruned
    pruned = fleet("plan", "-t", "a")
    assert pruned.code == 1 and "is on the account but this plan deletes it" in pruned.err


def test_sandbox_target_uses_its_connection_or_its_direct_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, sandbox_factory: Any
) -> None:
    acr = _acr(sandbox_factory(), tmp_path, monkeypatch, capsys)
    acr.project(
        f"targets:\n  a: {{connection: {A}}}\n  b: {{connection: {B}}}\n"
        "  d: {url: https://alpha.api-us1.com, token_env: ALPHA_TOKEN}\n"
    )
    seed = _seed(tmp_path, [POPULATED, {"connection_id": B}])
    assert acr("sandbox", "reset", "--seed", str(seed)).code == 0
    acr.write("tags.yaml", "tags:\n  - name: Only\n")
    plan_a = acr.plan("--sandbox", "-t", "a")
    plan_b = acr.plan("--sandbox", "-t", "b")
    assert plan_a["summary"]["unmanaged"] > 0 and plan_b["summary"]["unmanaged"] == 0
    assert acr.plan("--sandbox", "-t", "d")["summary"] == plan_a["summary"]
    acr.project(
        f"targets:\n  a: {{connection: {A}}}\n  b: {{connection: {B}}}\n  c: {{connection: {A}}}\n"
    )
    same = acr("apply", "--sandbox", "--yes", "--all-targets")
    assert same.code == 1 and 'targets "a" and "c" reach the same account' in same.err
    acr.project(f"targets:\n  a: {{connection: {A}}}\n  b: {{connection: {B}}}\n")
    assert acr("apply", "--sandbox", "--yes", "--all-targets").code == 0
    assert acr("plan", "--sandbox", "--all-targets", "--detailed-exitcode").code == 0


@pytest.mark.sandbox(rate_limit=5.0, maton_rate_limit=10.0)
def test_all_targets_never_exceed_the_gateway_budget(
    sandbox_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    ids = [A, B, C]
    seed = _seed(tmp_path, [{"connection_id": i} for i in ids])
    acr = _acr(
        sandbox_factory(seed=seed, rate_limit=5.0, maton_rate_limit=10.0),
        tmp_path,
        monkeypatch,
        capsys,
    )
    monkeypatch.delenv("ACR_RATE_LIMIT")
    monkeypatch.delenv("ACR_MATON_RATE_LIMIT")
    acr.project("targets:\n" + "".join(f"  t{n}: {{connection: {i}}}\n" for n, i in enumerate(ids)))
    acr.write("tags.yaml", dump({"tags": [{"name": f"T{n}"} for n in range(4)]}))
    result = acr("apply", "--yes", "--all-targets")
    assert result.code == 0, result.err
    assert "429" not in result.err and "retry" not in result.err.lower()
    assert result.out.count("apply complete (4 changes)") == 3


def test_export_of_an_account_without_deals_access_leaves_pipelines_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, sandbox_factory: Any
) -> None:
    account = {**POPULATED, "deals_access": False, "pipelines": []}
    acr = _acr(sandbox_factory(seed=_seed(tmp_path, [account])), tmp_path, monkeypatch, capsys)
    acr.project("manifests: [manifests]\n")
    monkeypatch.setattr("reconciler.retry.BACKOFF_BASE", 0.01)  # the 403 is asked again twice
    result = acr("export")
    assert result.code == 0, result.err
    assert "Warning: left out pipelines: not exported, Deals access is missing" in result.err
    assert "Warning: left out deal_fields: not exported, Deals access is missing" in result.err
    assert "pipelines.yaml" not in result.out and "tags.yaml (3)" in result.out


def test_all_targets_apply_waits_for_the_lock_of_every_account_it_reaches(fleet: Acr) -> None:
    fleet.write("tags.yaml", dump({"tags": [{"name": "Fleet"}]}))
    project = fleet.root / "acr.yaml"
    endpoint = Run(os.environ).session(load_project(project, kinds=KINDS).targets["b"]).endpoint
    with account_lock(endpoint.account, what="b", timeout=0):  # another apply on b
        held = fleet("apply", "--yes", "--all-targets", "--lock-timeout", "0")
    assert held.code == 1 and "another acr apply" in held.err and "nothing was changed" in held.err
    assert not any(row["tag"] == "Fleet" for row in fleet.rows("tags"))  # a was not applied
    assert fleet("apply", "--yes", "--all-targets").code == 0
