from reconciler.diff import attr_diff, diff, match
from reconciler.kinds import Obj, standard_kinds

from .helpers import desired, live, stage_row

KINDS = standard_kinds()

TAG_ROW = {"id": "1", "tag": "VIP", "tagType": "contact", "description": "", "cdate": "x",
           "links": {}}  # fmt: skip


def test_matching_tag_gives_no_change_whatever_the_case():
    result = diff(desired("tags", name="vip"), live(tags=[TAG_ROW]), kinds=KINDS)
    assert [c.action for c in result.changes] == ["update"]  # the name's case is managed
    result = diff(desired("tags", name="VIP"), live(tags=[TAG_ROW]), kinds=KINDS)
    assert result.changes == []
    assert result.ids[("tag", "contact:vip")] == "1"


def test_changed_description_is_one_update_with_one_attribute():
    result = diff(desired("tags", name="VIP", description="Top"), live(tags=[TAG_ROW]), kinds=KINDS)
    (change,) = result.changes
    assert (change.action, change.id) == ("update", "1")
    assert [(d.path, d.before, d.after) for d in change.diff] == [("description", "", "Top")]


def test_renamed_from_updates_in_place_and_keeps_the_id():
    result = diff(
        desired("tags", name="VIP Customer", renamed_from=["VIP"]),
        live(tags=[TAG_ROW]),
        kinds=KINDS,
    )
    (change,) = result.changes
    assert change.action == "update" and change.id == "1"
    assert change.diff[0].path == "name"


def test_unmanaged_objects_are_counted_unless_pruned():
    rows = [TAG_ROW, {**TAG_ROW, "id": "2", "tag": "Old"}]
    result = diff(desired("tags", name="VIP"), live(tags=rows), kinds=KINDS)
    assert (result.changes, result.unmanaged) == ([], 1)
    result = diff(desired("tags", name="VIP"), live(tags=rows), prune={"tags"}, kinds=KINDS)
    (change,) = result.changes
    assert (change.action, change.id, change.reason) == (
        "delete",
        "2",
        "pruned: not in the manifests",
    )
    assert result.unmanaged == 0


def test_string_typed_numbers_compare_equal_to_manifest_values():
    row = {"id": "4", "title": "Sales", "currency": "usd", "allgroups": "1", "allusers": "0",
           "autoassign": "1"}  # fmt: skip
    stages = [stage_row("9", "4", "Lead", 1)]
    want = desired("pipelines", title="Sales", currency="usd", allgroups=True, allusers=False,
                   autoassign="round_robin", stages=["Lead"])  # fmt: skip
    assert diff(want, live(dealGroups=([row], {"dealStages": stages})), kinds=KINDS).changes == []


def test_new_pipelines_stages_are_creates_that_say_they_reuse_the_defaults():
    """[V-rec R4] the default stages' attributes are the account's: the plan assumes none of
    them, and says which call apply makes instead of a POST."""
    want = desired("pipelines", title="Sales", stages=["Lead", "In Contact", "Won", "Lost"])
    result = diff(want, [], kinds=KINDS)
    summary = [(c.action, c.kind, c.key) for c in result.changes]
    assert summary == [
        ("create", "pipeline", "sales"),
        ("create", "stage", "sales/lead"),
        ("create", "stage", "sales/in contact"),
        ("create", "stage", "sales/won"),
        ("create", "stage", "sales/lost"),
    ]
    pipeline, lead = result.changes[0], result.changes[1]
    assert pipeline.note is not None and "the first 4 listed stage(s) reuse them" in pipeline.note
    assert "any left over are deleted" in pipeline.note
    assert lead.note is not None and lead.note.startswith("reuses default stage 1 ")


def test_stage_creates_in_an_existing_pipeline_have_no_reuse_note():
    want = desired("pipelines", title="Sales", stages=["Lead", "Closed Won", "New"])
    result = diff(want, _sales_live(), kinds=KINDS)
    assert [(c.action, c.key, c.note) for c in result.changes] == [("create", "sales/new", None)]


def _sales_live() -> list[Obj]:
    row = {"id": "4", "title": "Sales", "currency": "usd", "allgroups": "1", "allusers": "0",
           "autoassign": "0"}  # fmt: skip
    stages = [stage_row("9", "4", "Lead", 1), stage_row("10", "4", "Closed Won", 2)]
    return live(dealGroups=([row], {"dealStages": stages}))


def test_unlisted_stage_is_deleted_and_its_deals_go_to_the_absorbing_stage():
    want = desired(
        "pipelines", title="Sales", stages=["Lead", {"title": "Won", "absorbs": ["Closed Won"]}]
    )
    result = diff(want, _sales_live(), kinds=KINDS)
    by_action = {c.action: c for c in result.changes}
    delete = by_action["delete"]
    assert (delete.key, delete.id, delete.move_to) == (
        "sales/closed won",
        "10",
        ("stage", "sales/won"),
    )
    assert delete.note == 'deals move to "Won" first'
    assert by_action["create"].key == "sales/won"


def test_renamed_pipeline_keeps_its_stages():
    want = desired(
        "pipelines", title="Revenue", renamed_from=["Sales"], stages=["Lead", "Closed Won"]
    )
    result = diff(want, _sales_live(), kinds=KINDS)
    (change,) = result.changes
    assert (change.kind, change.id, change.diff[0].after) == ("pipeline", "4", "Revenue")
    assert result.ids[("stage", "revenue/lead")] == "9"


def test_stage_order_follows_the_manifest():
    want = desired("pipelines", title="Sales", stages=["Closed Won", "Lead"])
    changes = diff(want, _sales_live(), kinds=KINDS).changes
    assert sorted((c.key, c.diff[0].after) for c in changes) == [
        ("sales/closed won", 1),
        ("sales/lead", 2),
    ]


def test_stages_of_unmanaged_pipelines_are_unmanaged():
    assert diff([], _sales_live(), kinds=KINDS).unmanaged == 3


def test_field_options_and_lists_from_sideloads():
    lists = [{"id": "3", "stringid": "newsletter", "name": "News", "sender_url": "https://u.example",
              "sender_reminder": "r", "send_last_broadcast": "0"}]  # fmt: skip
    field = {"id": "7", "title": "Plan", "perstag": "PLAN", "type": "dropdown", "descript": None,
             "defval": None}  # fmt: skip
    options = [{"id": "1", "field": "7", "value": "free", "label": "Free", "orderid": "1"}]
    rels = [{"id": "5", "field": "7", "relid": "3"}]
    have = live(lists=lists, fields=([field], {"fieldOptions": options, "fieldRels": rels}))
    want = desired(
        "lists",
        stringid="newsletter",
        name="News",
        sender_url="https://u.example",
        sender_reminder="r",
    )
    options = [{"value": "free", "label": "Free"}, "Pro"]
    want += desired("fields", title="Plan", type="dropdown", options=options, lists=["newsletter"])
    (change,) = diff(want, have, kinds=KINDS).changes
    assert change.key == "PLAN"
    assert [d.path for d in change.diff] == ["options"]


def test_field_matches_by_title_when_perstag_differs():
    field = {"id": "7", "title": "Plan", "perstag": "MYPLAN", "type": "text", "descript": "",
             "defval": ""}  # fmt: skip
    have = live(fields=([field], {"fieldRels": [{"id": "1", "field": "7", "relid": "0"}]}))
    assert diff(desired("fields", title="Plan", type="text"), have, kinds=KINDS).changes == []


def test_omitted_server_default_attributes_are_not_managed():
    row = stage_row("9", "4", "Lead", 1, color="ABCDEF")
    pipe = {"id": "4", "title": "Sales", "currency": "eur"}
    have = live(dealGroups=([pipe], {"dealStages": [row]}))
    assert (
        diff(desired("pipelines", title="Sales", stages=["Lead"]), have, kinds=KINDS).changes == []
    )


def test_webhook_events_compare_as_sets_and_list_ids_as_stringids():
    lists = [
        {
            "id": "3",
            "stringid": "newsletter",
            "name": "N",
            "sender_url": "https://u.example",
            "sender_reminder": "r",
        }
    ]
    hook = {"id": "1", "name": "CRM", "url": "https://x", "events": ["unsubscribe", "subscribe"],
            "sources": ["public"], "listid": "3", "links": []}  # fmt: skip
    want = desired("webhooks", name="CRM", url="https://x", events=["subscribe", "unsubscribe"],
                   sources=["public"], list="newsletter")  # fmt: skip
    want += desired(
        "lists",
        stringid="newsletter",
        name="N",
        sender_url="https://u.example",
        sender_reminder="r",
    )
    assert diff(want, live(lists=lists, webhooks=[hook]), kinds=KINDS).changes == []


def test_match_prefers_keys_over_aliases():
    a = Obj("tag", "contact:a", "a", {}, id="1")
    b = Obj("tag", "contact:b", "b", {}, id="2")
    want = [Obj("tag", "contact:b", "b", {}, aliases=("contact:a",))]
    pairs, new, extra = match(want, [a, b])
    assert [(w.key, h.id) for w, h in pairs] == [("contact:b", "2")] and extra == [a] and new == []


def test_attr_diff_only_compares_managed_attributes():
    assert attr_diff({"a": 1}, {"a": 1, "b": 2}) == ()
    (only,) = attr_diff({"a": [1, 2]}, {"a": [2, 1]})
    assert (only.before, only.after) == ([2, 1], [1, 2])
