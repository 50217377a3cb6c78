"""The plan sequence, driven directly: vars merged per target, the plan shown and saved,
the safety gate after the plan is shown, every target at once, and the results the
command line maps to exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.commands.context import Result
from reconciler.commands.planning import PlanRequest, check_saved, plan, plan_target
from reconciler.errors import ConfigError, PlanError, SafetyError

from .conftest import MISSING, Recorder, Workspace


def test_the_manifests_take_the_project_vars_under_the_targets_own(workspace: Workspace) -> None:
    workspace.write(
        "hooks.yaml",
        """\
        webhooks:
          - name: CRM sync
            url: ${vars.hooks}/ac?token=${env.HOOK_TOKEN}
            events: [subscribe]
            sources: [public]
        """,
    )
    workspace.env["HOOK_TOKEN"] = "s3cr3t"  # from the context's environment, not os.environ
    ctx = workspace.context(Recorder())
    urls = {}
    for name in ("a", "b"):
        desired = ctx.load((), ctx.project.targets[name])
        urls[name] = next(o.attrs["url"] for o in desired.objects if o.kind == "webhook")
        description = next(o.attrs["description"] for o in desired.objects if o.key.endswith("vip"))
        assert description == "Top customers in eu"  # the project's var, in every target
    assert urls == {
        "a": "https://a.example.com/ac?token=s3cr3t",  # the target's var wins
        "b": "https://default.example.com/ac?token=s3cr3t",  # the project's
    }


def test_a_plan_with_changes_is_shown_and_says_so(workspace: Workspace) -> None:
    recorder = Recorder()
    result = plan(workspace.context(recorder), PlanRequest(fmt="json"))
    assert result is Result.CHANGES
    shown = json.loads(recorder.shown)
    assert (shown["target"], shown["summary"]["create"]) == ("a", 2)  # default_target
    assert recorder.err == []


def test_a_saved_plan_is_written_and_named(workspace: Workspace) -> None:
    recorder = Recorder()
    result = plan(workspace.context(recorder), PlanRequest(target="b", out="plan.json"))
    assert result is Result.CHANGES
    saved = json.loads(Path("plan.json").read_text(encoding="utf-8"))
    assert saved["target"] == "b"
    assert recorder.err == ["Plan written to plan.json."]
    assert "acr plan — target b" in recorder.shown


def test_the_step_summary_gets_the_markdown_in_github_actions(workspace: Workspace) -> None:
    summary = workspace.root / "summary.md"
    workspace.env.update(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    plan(workspace.context(Recorder()), PlanRequest(full_plan="plan.json (artifacts)"))
    assert summary.read_text(encoding="utf-8").startswith("### acr plan — target a")


def test_files_that_are_not_manifests_are_named_in_a_notice(workspace: Workspace) -> None:
    (workspace.root / "manifests" / "notes.txt").write_text("x", encoding="utf-8")
    recorder = Recorder()
    plan(workspace.context(recorder), PlanRequest())
    assert recorder.err == ["Skipped 1 file(s) that are not manifests (*.yaml, *.yml): " + str(
        Path("manifests") / "notes.txt"
    )]  # fmt: skip


def test_a_refused_plan_is_shown_in_full_then_raises(workspace: Workspace) -> None:
    with workspace.sandbox.client(None) as api:
        api.post("/tags", json={"tag": {"tag": "Old", "tagType": "contact"}}).raise_for_status()
    (workspace.root / "acr.yaml").write_text(
        "manifests: [manifests]\nvars: {region: eu}\npolicy: {prune: [tags], max_deletes: 0}\n",
        encoding="utf-8",
    )
    recorder = Recorder()
    with pytest.raises(SafetyError, match="run apply --allow-deletes 1"):
        plan(workspace.context(recorder), PlanRequest())
    assert '- tag "Old"' in recorder.shown
    assert "Apply will refuse this plan" in recorder.shown


def test_an_account_in_sync_plans_ok(workspace: Workspace) -> None:
    workspace.write("tags.yaml", "tags: []\n")
    assert plan(workspace.context(Recorder()), PlanRequest()) is Result.OK


def test_every_target_at_once_shows_each_and_the_summary(workspace: Workspace) -> None:
    recorder = Recorder()
    result = plan(workspace.context(recorder), PlanRequest(all_targets=True))
    assert result is Result.CHANGES
    assert "acr plan — target a" in recorder.shown and "acr plan — target b" in recorder.shown
    assert recorder.shown.splitlines()[-2:] == [
        "  a            2       0       0          0  changes",
        "  b            2       0       0          0  changes",
    ]


def test_a_target_that_fails_is_shown_and_fails_the_result(workspace: Workspace) -> None:
    (workspace.root / "acr.yaml").write_text(
        f"manifests: [manifests]\nvars: {{region: eu}}\n"
        f"targets:\n  a: {{connection: {MISSING}}}\n  b: {{}}\n",
        encoding="utf-8",
    )
    recorder = Recorder()
    assert plan(workspace.context(recorder), PlanRequest(all_targets=True)) is Result.FAILED
    assert "does not exist" in recorder.shown
    assert "acr plan — target b" in recorder.shown


def test_one_saved_plan_is_one_targets(workspace: Workspace) -> None:
    request = PlanRequest(all_targets=True, out="plan.json")
    with pytest.raises(ConfigError, match="--out saves one target's plan"):
        plan(workspace.context(Recorder()), request)


def test_a_saved_plan_that_moved_is_refused_naming_the_object(workspace: Workspace) -> None:
    ctx = workspace.context(Recorder())
    target = ctx.project.targets["a"]
    plan(ctx, PlanRequest(out="plan.json"))
    check_saved("plan.json", plan_target(ctx, target, ctx.load((), target)))  # unchanged
    workspace.write("tags.yaml", "tags: [{name: VIP, description: Others}, {name: Lead}]\n")
    fresh = plan_target(ctx, target, ctx.load((), target))
    with pytest.raises(
        PlanError, match=r"out of date(.|\n)*\+ tag \"VIP\": the planned change differs"
    ):
        check_saved("plan.json", fresh)
    Path("broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read the saved plan broken.json"):
        check_saved("broken.json", fresh)
