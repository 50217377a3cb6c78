"""R3: one managed identity, several live objects -> refused, nothing renamed or pruned."""

from reconciler.diff import diff
from reconciler.kinds import standard_kinds
from reconciler.plan import build_plan
from reconciler.safety import Rules, judge

from .helpers import desired, live, stage_row

KINDS = standard_kinds()


def _list(list_id, stringid="newsletter", name="News"):
    return {"id": list_id, "stringid": stringid, "name": name, "sender_url": "https://e.com",
            "sender_reminder": "r"}  # fmt: skip


def _entry(**kw):
    base = {"stringid": "newsletter", "name": "News", "sender_url": "https://e.com",
            "sender_reminder": "r"}  # fmt: skip
    return desired("lists", **{**base, **kw})


def test_two_lists_with_one_stringid_are_refused_naming_both_ids():
    found = diff(_entry(), live(lists=[_list("3"), _list("7")]), prune={"lists"}, kinds=KINDS)
    assert found.changes == []  # neither updated nor pruned
    (ambiguity,) = found.ambiguous
    assert ambiguity.ids == ("3", "7")
    plan = judge(build_plan(found.changes, kinds=KINDS), Rules(), found.ambiguous)
    assert "ids 3, 7" in plan.refusals[0].message and plan.refusals[0].rule == "ambiguous"


def test_tags_differing_only_in_case_and_spaces_are_one_identity():
    have = live(tags=[{"id": "1", "tag": "VIP", "tagType": "contact"},
                      {"id": "2", "tag": " vip ", "tagType": "contact"}])  # fmt: skip
    found = diff(desired("tags", name="Vip"), have, prune={"tags"}, kinds=KINDS)
    assert [a.ids for a in found.ambiguous] == [("1", "2")] and found.changes == []


def test_nothing_is_renamed_onto_a_duplicate():
    found = diff(_entry(stringid="news", renamed_from=["newsletter"]),
                 live(lists=[_list("3"), _list("7")]), kinds=KINDS)  # fmt: skip
    assert [a.key for a in found.ambiguous] == ["newsletter"]
    assert found.changes == []


def test_unnamed_duplicates_are_left_to_the_prune_policy():
    found = diff([], live(lists=[_list("3"), _list("7")]), prune={"lists"}, kinds=KINDS)
    assert found.ambiguous == [] and [c.id for c in found.changes] == ["3", "7"]


def test_two_stages_with_one_title_in_a_pipeline_are_refused():
    rows = [{"id": "1", "title": "Sales", "stages": ["5", "6"]}]
    stages = [stage_row("5", "1", "Lead", 1), stage_row("6", "1", "lead", 2)]
    found = diff(desired("pipelines", title="Sales", stages=["Lead"]),
                 live(dealGroups=(rows, {"dealStages": stages})), kinds=KINDS)  # fmt: skip
    assert [(a.kind, a.ids) for a in found.ambiguous] == [("stage", ("5", "6"))]
    assert found.changes == []


def test_two_webhooks_and_two_pipelines_with_one_name():
    hooks = [{"id": i, "name": "CRM", "url": "https://h", "events": ["subscribe"],
              "sources": ["api"], "listid": "0"} for i in ("1", "2")]  # fmt: skip
    found = diff(desired("webhooks", name="CRM", url="https://h", events=["subscribe"],
                         sources=["api"]), live(webhooks=hooks), kinds=KINDS)  # fmt: skip
    assert [a.ids for a in found.ambiguous] == [("1", "2")]
    pipes = [{"id": "1", "title": "Sales"}, {"id": "2", "title": "sales"}]
    found = diff(
        desired("pipelines", title="Sales", stages=[]), live(dealGroups=pipes), kinds=KINDS
    )
    assert [a.ids for a in found.ambiguous] == [("1", "2")]
