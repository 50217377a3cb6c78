from dataclasses import replace

import pytest

from reconciler.diff import diff
from reconciler.errors import PlanError
from reconciler.kinds import standard_kinds
from reconciler.plan import Change, build_plan, kind_rank

from .helpers import desired, stage_row

KINDS = standard_kinds()


def _plan(changes, **kw):
    return build_plan(changes, kinds=KINDS, **kw)


def test_creates_parents_first_and_deletes_last_in_reverse():
    changes = [
        Change("delete", "tag", "contact:old", "Old", id="1"),
        Change("create", "webhook", "w", "w"),
        Change("delete", "webhook", "x", "x", id="2"),
        Change("create", "field", "F", "F"),
        Change("create", "list", "l", "l"),
        Change("update", "tag", "contact:a", "a", id="3"),
        Change("create", "pipeline", "p", "p"),
        Change("delete", "field", "G", "G", id="4"),
    ]
    order = [(c.action, c.kind) for c in _plan(changes).changes]
    assert order == [
        ("update", "tag"), ("create", "list"), ("create", "field"), ("create", "pipeline"),
        ("create", "webhook"), ("delete", "webhook"), ("delete", "field"), ("delete", "tag"),
    ]  # fmt: skip


def test_stages_are_ordered_by_position_within_their_pipeline():
    result = diff(
        desired("pipelines", title="Sales", stages=["A", "B", "C", "D", "E"]), [], kinds=KINDS
    )
    keys = [c.key for c in _plan(result.changes).changes if c.action != "delete"]
    assert keys == ["sales", "sales/a", "sales/b", "sales/c", "sales/d", "sales/e"]


def test_a_dependency_cycle_is_an_error_naming_it():
    with pytest.raises(PlanError, match="a -> b -> a"):
        kind_rank({"a": ("b",), "b": ("a",)})


def _secret_hook():
    (hook,) = desired("webhooks", name="CRM", url="https://h/x?token=s3cr3t",
                      events=["subscribe"], sources=["api"])  # fmt: skip
    shown = {**hook.attrs, "url": "https://h/x?token=${env.HOOK_TOKEN}"}
    return [replace(hook, shown=shown)]


def test_plan_data_is_stable_and_shows_secrets_by_reference():
    plan = _plan(diff(_secret_hook(), [], kinds=KINDS).changes, inputs={"manifests": "abc"})
    text = str(plan.data)
    assert "s3cr3t" not in text and "${env.HOOK_TOKEN}" in text
    assert (
        plan.data
        == _plan(diff(_secret_hook(), [], kinds=KINDS).changes, inputs={"manifests": "abc"}).data
    )
    assert plan.data["changes"][0]["source"] == "manifests/webhooks.yaml:1"
    assert plan.fingerprint.startswith("sha256:")


def test_the_fingerprint_does_not_depend_on_the_secret_value():
    hook = _secret_hook()
    other = [replace(hook[0], attrs={**hook[0].attrs, "url": "https://h/x?token=other"})]
    first = _plan(diff(hook, [], kinds=KINDS).changes, inputs={"manifests": "abc"})
    assert (
        first.fingerprint
        == _plan(diff(other, [], kinds=KINDS).changes, inputs={"manifests": "abc"}).fingerprint
    )


def test_stage_row_helper_is_normalised_like_the_api():
    row = stage_row("1", "2", "Lead", 1)
    assert row["order"] == "1"
