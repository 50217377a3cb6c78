"""The apply sequence, driven directly: confirmation asked, refused or impossible, the
saved plan checked under the lock, progress reported per change, every target at once."""

from __future__ import annotations

import pytest

from reconciler.commands.applying import ApplyRequest, apply
from reconciler.commands.context import Result
from reconciler.commands.planning import PlanRequest, plan
from reconciler.errors import ConfigError, PlanError
from reconciler.lock import account_lock

from .conftest import A, B, Recorder, Workspace


def test_apply_asks_naming_the_target_then_reports_each_change(workspace: Workspace) -> None:
    recorder = Recorder(answer=True)
    assert apply(workspace.context(recorder), ApplyRequest()) is Result.OK
    (question,) = recorder.asked
    assert question.word == "yes"
    assert question.text.startswith("Apply 2 creates, 0 updates and 0 deletes to target a (")
    assert recorder.steps == [
        (None, 1, 2, "create", "contact:vip"),
        (None, 2, 2, "create", "contact:lead"),
    ]
    assert recorder.out[-1].startswith("Apply complete: 2 created, 0 updated, 0 deleted")
    assert "Journal: .acr/journal/" in recorder.out[-1]
    assert workspace.tags(A) == ["Lead", "VIP"]
    assert plan(workspace.context(Recorder()), PlanRequest()) is Result.OK


def test_a_refused_confirmation_changes_nothing(workspace: Workspace) -> None:
    recorder = Recorder(answer=False)
    with pytest.raises(ConfigError, match="apply cancelled; nothing was changed"):
        apply(workspace.context(recorder), ApplyRequest())
    assert '+ tag "VIP"' in recorder.shown  # the plan was shown before the question
    assert (len(recorder.asked), recorder.steps, workspace.tags(A)) == (1, [], [])


def test_without_a_terminal_apply_needs_yes(workspace: Workspace) -> None:
    with pytest.raises(ConfigError, match="no terminal. Pass --yes"):
        apply(workspace.context(Recorder(answer=None)), ApplyRequest())
    assert workspace.tags(A) == []
    assert apply(workspace.context(Recorder(answer=None)), ApplyRequest(yes=True)) is Result.OK
    assert workspace.tags(A) == ["Lead", "VIP"]


def test_an_account_in_sync_asks_nothing(workspace: Workspace) -> None:
    workspace.write("tags.yaml", "tags: []\n")
    recorder = Recorder()
    assert apply(workspace.context(recorder), ApplyRequest()) is Result.OK
    assert (recorder.asked, recorder.steps) == ([], [])


def test_a_saved_plan_applies_only_while_it_matches(workspace: Workspace) -> None:
    plan(workspace.context(Recorder()), PlanRequest(out="plan.json"))
    with workspace.sandbox.client(A) as api:  # someone adds the tag the plan creates
        api.post("/tags", json={"tag": {"tag": "Lead", "tagType": "contact"}}).raise_for_status()
    recorder = Recorder()
    with pytest.raises(
        PlanError,
        match=r"plan.json is out of date(.|\n)*lead\": no longer planned \(created on the account",
    ):
        apply(workspace.context(recorder), ApplyRequest(saved="plan.json", yes=True))
    assert (recorder.steps, workspace.tags(A)) == ([], ["Lead"])
    plan(workspace.context(Recorder()), PlanRequest(out="plan.json"))
    request = ApplyRequest(saved="plan.json", yes=True)
    assert apply(workspace.context(Recorder()), request) is Result.OK
    assert workspace.tags(A) == ["Lead", "VIP"]


def test_a_second_apply_on_the_account_gives_up_after_the_lock_timeout(
    workspace: Workspace,
) -> None:
    ctx = workspace.context(Recorder())
    endpoint = ctx.run.session(ctx.project.targets["a"]).endpoint
    refused = pytest.raises(ConfigError, match="another acr apply .* is still running")
    with account_lock(endpoint.account, what="a"), refused:
        apply(ctx, ApplyRequest(yes=True, lock_timeout=0))
    assert workspace.tags(A) == []


def test_every_target_is_planned_shown_confirmed_once_and_applied(workspace: Workspace) -> None:
    recorder = Recorder(answer=True)
    assert apply(workspace.context(recorder), ApplyRequest(all_targets=True)) is Result.OK
    (question,) = recorder.asked
    assert (question.text, question.word) == ("Apply the plans above to a, b?", None)
    assert sorted(recorder.steps) == [
        ("a", 1, 2, "create", "contact:vip"),
        ("a", 2, 2, "create", "contact:lead"),
        ("b", 1, 2, "create", "contact:vip"),
        ("b", 2, 2, "create", "contact:lead"),
    ]
    assert recorder.out[-2:] == ["a: apply complete (2 changes).\n",
                                 "b: apply complete (2 changes).\n"]  # fmt: skip
    assert workspace.tags(A) == workspace.tags(B) == ["Lead", "VIP"]
    again = Recorder()
    assert apply(workspace.context(again), ApplyRequest(all_targets=True)) is Result.OK
    assert again.asked == []


def test_every_target_at_once_refuses_a_saved_plan_and_refused_confirmation(
    workspace: Workspace,
) -> None:
    with pytest.raises(ConfigError, match="--plan applies one target's saved plan"):
        apply(workspace.context(Recorder()), ApplyRequest(all_targets=True, saved="p.json"))
    with pytest.raises(ConfigError, match="apply cancelled"):
        apply(workspace.context(Recorder(answer=False)), ApplyRequest(all_targets=True))
    assert workspace.tags(A) == workspace.tags(B) == []


def test_every_target_at_once_refuses_when_one_cannot_be_planned(workspace: Workspace) -> None:
    workspace.write(
        "broken.yaml",
        "webhooks: [{name: x, url: 'https://h', events: [nope], sources: [public]}]\n",
    )
    with pytest.raises(PlanError, match=r"target\(s\) a, b could not be planned"):
        apply(workspace.context(Recorder()), ApplyRequest(all_targets=True, yes=True))
