"""Apply from an empty account, then plan shows nothing; every attribute of every kind is
one update, and applying it converges."""

from __future__ import annotations

from typing import Any

import pytest

from .base import BASE, dump, manifest
from .conftest import Acr, changes


@pytest.fixture
def applied(acr: Acr) -> Acr:
    acr.converged("all.yaml", dump(BASE))
    return acr


def test_empty_account_to_manifests_and_back_to_no_changes(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    first = acr.plan()
    assert first["summary"]["create"] > 0 and first["summary"]["delete"] == 0
    acr.converge()
    applied = acr
    stages = applied.rows("dealStages")
    assert [(s["title"], s["order"]) for s in sorted(stages, key=lambda s: int(s["order"]))] == [
        ("Lead", "1"), ("Qualified", "2"), ("Won", "3"),
    ]  # fmt: skip
    (field,) = [f for f in applied.rows("fields") if f["perstag"] == "PLAN"]
    assert field["title"] == "Plan"
    result = applied("plan", "--detailed-exitcode")
    assert result.code == 0 and "No changes." in result.out


def test_the_example_set_applies_and_converges(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    monkeypatch.setenv("HOOK_TOKEN", "e2e-secret-token")
    examples = Path(__file__).parents[2] / "examples"
    acr.project(f"manifests: [{examples / 'manifests'}]\nvars: {{hooks_base: https://h.example}}\n")
    result = acr("apply", "--yes")
    assert result.code == 0, result.err
    assert "e2e-secret-token" not in result.out + result.err
    assert acr.plan()["changes"] == []


ONE_ATTRIBUTE: list[tuple[str, Any, str, str]] = [
    ("tags.0.description", "Best customers", "tag", "description"),
    ("tags.0.name", "vip", "tag", "name"),
    ("lists.0.name", "The Newsletter", "list", "name"),
    ("lists.0.sender_url", "https://example.org", "list", "sender_url"),
    ("lists.0.sender_reminder", "You asked for it.", "list", "sender_reminder"),
    ("lists.0.send_last_broadcast", True, "list", "send_last_broadcast"),
    ("lists.0.carboncopy", "cc@example.com", "list", "carboncopy"),
    ("lists.0.subscription_notify", "n@example.com", "list", "subscription_notify"),
    ("lists.0.unsubscription_notify", "u@example.com", "list", "unsubscription_notify"),
    ("fields.0.title", "Subscription Plan", "field", "title"),
    ("fields.0.description", "The plan", "field", "description"),
    ("fields.0.default", "pro", "field", "default"),
    ("fields.0.options", ["free", "pro", "enterprise"], "field", "options"),
    ("fields.0.options", [{"value": "pro", "label": "Pro"}, "free"], "field", "options"),
    ("fields.0.options", ["free"], "field", "options"),
    ("fields.0.lists", "all", "field", "lists"),
    ("fields.0.lists", ["customers", "newsletter"], "field", "lists"),
    ("fields.1.perstag", "NOTES", "field", None),  # the derived perstag, now explicit: no change
    ("pipelines.0.title", "SALES", "pipeline", "title"),
    ("pipelines.0.currency", "eur", "pipeline", "currency"),
    ("pipelines.0.allgroups", False, "pipeline", "allgroups"),
    ("pipelines.0.allusers", True, "pipeline", "allusers"),
    ("pipelines.0.autoassign", "deal_value", "pipeline", "autoassign"),
    ("pipelines.0.stages.1.color", "FF0000", "stage", "color"),
    ("pipelines.0.stages.1.width", 320, "stage", "width"),
    ("pipelines.0.stages.1.deal_order", "value DESC", "stage", "deal_order"),
    ("pipelines.0.stages.1.title", "QUALIFIED", "stage", "title"),
    ("webhooks.0.url", "https://hooks.example.com/b", "webhook", "url"),
    ("webhooks.0.events", ["subscribe", "unsubscribe"], "webhook", "events"),
    ("webhooks.0.sources", ["admin"], "webhook", "sources"),
    ("webhooks.0.list", "customers", "webhook", "list"),
    ("webhooks.0.list", None, "webhook", "list"),
]


@pytest.mark.parametrize(("path", "value", "kind", "attribute"), ONE_ATTRIBUTE)
def test_one_attribute_is_one_update_and_converges(
    applied: Acr, path: str, value: Any, kind: str, attribute: str | None
) -> None:
    applied.write("all.yaml", dump(manifest(**{path: value})))
    plan = applied.plan()
    if attribute is None:
        assert plan["changes"] == []
        return
    (change,) = plan["changes"]
    assert (change["action"], change["kind"]) == ("update", kind)
    assert [d["path"] for d in change["diff"]] == [attribute]
    applied.converge()


def test_stage_reorder_updates_only_the_stages_that_moved(applied: Acr) -> None:
    data = manifest()
    stages = data["pipelines"][0]["stages"]
    stages[0], stages[2] = stages[2], stages[0]
    applied.write("all.yaml", dump(data))
    assert sorted(changes(applied.plan())) == [
        ("update", "stage", "sales/lead"), ("update", "stage", "sales/won"),
    ]  # fmt: skip
    applied.converge()
    titles = [s["title"] for s in sorted(applied.rows("dealStages"), key=lambda s: int(s["order"]))]
    assert titles == ["Won", "Qualified", "Lead"]
