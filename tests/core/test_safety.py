"""The safety gate: every refusal decided on the plan, with one error type."""

import pytest

from reconciler.diff import PRUNED, diff
from reconciler.errors import SafetyError
from reconciler.kinds import standard_kinds
from reconciler.plan import Change, build_plan
from reconciler.protect import Protection, hold_pruned
from reconciler.safety import Rules, default_delete_limit, enforce, judge

from .helpers import desired, live, stage_row

KINDS = standard_kinds()


def _judged(changes, rules=None, ambiguities=(), **kw):
    plan = build_plan(changes, kinds=KINDS, **kw)
    return judge(plan, rules or Rules(), ambiguities)


def _rules(plan):
    return [r.rule for r in plan.refusals]


def test_a_stage_delete_that_loses_deals_is_refused_with_the_count():
    change = Change("delete", "stage", "sales/won", "Sales / Won", id="9", impact={"deals": 3})
    plan = _judged([change], account_size=40)
    assert _rules(plan) == ["deals-lost"]
    with pytest.raises(SafetyError, match='stage "Sales / Won": 3 deals would be deleted'):
        enforce(plan)


def test_a_stage_whose_deals_move_first_is_allowed():
    change = Change(
        "delete", "stage", "s/w", "S / W", id="9", impact={"deals": 3}, move_to=("stage", "s/x")
    )
    assert _judged([change], account_size=40).refusals == ()


def test_an_unknown_deal_count_refuses_the_delete_rather_than_guessing():
    change = Change("delete", "pipeline", "sales", "Sales", id="2", impact={"deals": None})
    plan = _judged([change], account_size=40)
    assert _rules(plan) == ["count-unknown"]
    assert plan.data["changes"][0]["impact"] == {"deals": None}


def test_tag_contacts_are_impact_but_not_a_refusal():
    change = Change("delete", "tag", "contact:t", "T", id="1", impact={"contacts": 12})
    assert _judged([change], account_size=40).refusals == ()


def test_default_delete_limit_is_30_percent_with_a_floor_and_a_cap():
    assert [default_delete_limit(n) for n in (0, 3, 9, 10, 40, 1000)] == [1, 1, 2, 3, 12, 25]


def test_deletes_beyond_the_default_limit_need_allow_deletes():
    deletes = [Change("delete", "tag", f"contact:{i}", str(i), id=str(i)) for i in range(4)]
    plan = _judged(deletes, account_size=10)
    (refusal,) = plan.refusals
    assert refusal.rule == "delete-limit" and refusal.needs == "--allow-deletes 4"
    assert "the default limit (3: 30 % of the 10 live objects" in refusal.message
    assert _judged(deletes, Rules(allow_deletes=4), account_size=10).refusals == ()
    assert _judged(deletes, Rules(max_deletes=4), account_size=10).refusals == ()
    assert _rules(_judged(deletes, Rules(max_deletes=3), account_size=100)) == ["delete-limit"]


def test_a_refused_plan_keeps_every_change_and_says_why_in_its_data():
    deletes = [Change("delete", "tag", f"contact:{i}", str(i), id=str(i)) for i in range(3)]
    plan = _judged(deletes, account_size=3)
    assert len(plan.data["changes"]) == 3
    assert plan.data["refusals"][0]["needs"] == "--allow-deletes 3"


def test_a_prune_leaves_protected_objects_alone_and_counts_them():
    have = live(tags=[{"id": "1", "tag": "VIP Gold", "tagType": "contact"},
                      {"id": "2", "tag": "Old", "tagType": "contact"}])  # fmt: skip
    found = diff([], have, prune={"tags"}, kinds=KINDS)
    kept, held = hold_pruned(found.changes, Protection(("tags:vip*",)), PRUNED, KINDS)
    assert [c.label for c in kept] == ["Old"]
    assert [(h.label, h.pattern, h.id) for h in held] == [("VIP Gold", "tags:vip*", "1")]


def test_a_manifest_that_changes_a_protected_object_is_refused_naming_it_and_the_pattern():
    want = desired("tags", name="VIP", description="new")
    have = live(tags=[{"id": "1", "tag": "VIP", "tagType": "contact", "description": "old"}])
    plan = _judged(
        diff(want, have, kinds=KINDS).changes, Rules(Protection(("tags:VIP",))), account_size=1
    )
    (refusal,) = plan.refusals
    assert refusal.rule == "protected"
    assert 'tag "VIP" is protected by policy.protect "tags:VIP"' in refusal.message


def test_a_protected_pipeline_protects_its_stages():
    want = desired("pipelines", title="Sales", stages=["Lead"])
    rows = [{"id": "1", "title": "Sales", "stages": ["5", "6"]}]
    stages = [stage_row("5", "1", "Lead", 1), stage_row("6", "1", "Lost", 2)]
    have = live(dealGroups=(rows, {"dealStages": stages}))
    plan = _judged(diff(want, have, kinds=KINDS).changes, Rules(Protection(("pipelines:sales",))))
    assert [(r.rule, r.objects) for r in plan.refusals] == [
        ("protected", ('stage "Sales / Lost"',))
    ]


def test_creating_a_new_object_that_matches_a_pattern_is_not_a_change_to_a_protected_one():
    plan = _judged(
        diff(desired("tags", name="VIP 2"), [], kinds=KINDS).changes, Rules(Protection(("tags:*",)))
    )
    assert plan.refusals == ()


def test_a_new_pipeline_whose_name_matches_a_pattern_may_be_created_with_its_stages():
    found = diff(desired("pipelines", title="Sales", stages=["A", "B", "C", "D"]), [], kinds=KINDS)
    plan = _judged(found.changes, Rules(Protection(("pipelines:sales",))))
    assert plan.refusals == () and len(plan.changes) >= 5
