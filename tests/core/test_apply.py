"""The calls each kind makes, and how apply reports a failure (a recording
fake stands in for the client; the sandbox tests cover the same over HTTP)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reconciler.apply import apply_plan
from reconciler.diff import diff
from reconciler.errors import ApplyError, ValidationError
from reconciler.kinds import standard_kinds
from reconciler.plan import Change, build_plan

from .helpers import desired, live, stage_row

KINDS = standard_kinds()


class RecordingApi:
    def __init__(self, fail: str | None = None) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.next_id = 100
        self.fail = fail

    def _record(self, method: str, path: str, body: Any = None) -> None:
        self.calls.append((method, path, body))
        if self.fail and self.fail in f"{method} {path} {body}":
            raise ValidationError("Duplicate entry", status=422, method=method, path=path)

    async def get(self, path: str, params: Any = None) -> Any:
        self._record("GET", path, params)
        if path == "/groups":  # as recorded [V-rec R1]: the admin group is 3, no group 1
            return {"groups": [{"id": "3", "p_admin": "1"}, {"id": "4", "p_admin": "0"}]}
        return {"meta": {"total": "0"}}

    async def create(self, path: str, body: Any, *, find: Any = None) -> Any:
        self._record("POST", path, body)
        self.next_id += 1
        if path == "/dealGroups":
            defaults = (("To Contact", "19CCA3"), ("In Contact", "5487FF"), ("Follow Up", "FBD965"))
            stages = [{"id": str(self.next_id * 10 + n), "group": str(self.next_id), "title": t,
                       "order": str(n + 1), "color": c}
                      for n, (t, c) in enumerate(defaults)]  # fmt: skip
            return {"dealGroup": {"id": str(self.next_id)}, "dealStages": stages}
        key = next(iter(body)) if isinstance(body, dict) else "x"
        return {key: {"id": str(self.next_id)}}

    async def put(self, path: str, body: Any) -> Any:
        self._record("PUT", path, body)
        return {}

    async def patch(self, path: str, body: Any) -> Any:
        self._record("PATCH", path, body)
        return {}

    async def delete(self, path: str) -> Any:
        self._record("DELETE", path)
        return {}


def _apply(want: list[Any], have: list[Any], api: RecordingApi, prune: Any = ()) -> Any:
    found = diff(want, have, prune=prune, kinds=KINDS)
    plan = build_plan(found.changes, kinds=KINDS, ids=found.ids)
    return asyncio.run(apply_plan(api, plan))


LISTS = [
    {
        "id": "3",
        "stringid": "news",
        "name": "N",
        "sender_url": "https://u.example",
        "sender_reminder": "r",
    },
    {
        "id": "4",
        "stringid": "vip",
        "name": "V",
        "sender_url": "https://u.example",
        "sender_reminder": "r",
    },
]
LIST_SPECS = [
    obj
    for row in LISTS
    for obj in desired(
        "lists",
        stringid=row["stringid"],
        name=row["name"],
        sender_url="https://u.example",
        sender_reminder="r",
    )
]


def test_new_lists_are_granted_to_the_admin_group_found_once_per_run() -> None:
    api = RecordingApi()
    want = [
        obj
        for s in ("n", "m", "o")
        for obj in desired(
            "lists", stringid=s, name=s, sender_url="https://u.example", sender_reminder="r"
        )
    ]
    _apply(want, [], api)
    assert [(m, p) for m, p, _ in api.calls].count(("GET", "/groups")) == 1
    grants = [body for method, path, body in api.calls if path == "/listGroups"]
    assert [g["listGroup"]["groupid"] for g in grants] == [3, 3, 3]


def test_no_admin_group_lookup_without_a_list_create() -> None:
    api = RecordingApi()
    _apply(desired("tags", name="A"), [], api)
    assert "/groups" not in [p for _, p, _ in api.calls]


def test_a_list_update_patches_only_the_changed_keys() -> None:
    row = {
        "id": "5",
        "stringid": "n",
        "name": "Old",
        "sender_url": "https://u.example",
        "sender_reminder": "r",
    }
    want = desired(
        "lists", stringid="n", name="New", sender_url="https://u.example", sender_reminder="r"
    )
    api = RecordingApi()
    _apply(want, live(lists=[row]), api)
    assert api.calls == [("PATCH", "/lists/5", {"list": {"name": "New"}})]


def test_field_options_and_relations_converge_with_the_fewest_calls() -> None:
    field = {"id": "7", "title": "Plan", "perstag": "PLAN", "type": "dropdown"}
    options = [
        {"id": "1", "field": "7", "value": "free", "label": "Free", "orderid": "1"},
        {"id": "2", "field": "7", "value": "pro", "label": "Pro", "orderid": "2"},
        {"id": "3", "field": "7", "value": "old", "label": "Old", "orderid": "3"},
    ]
    rels = [{"id": "50", "field": "7", "relid": "0"}]
    have = live(lists=LISTS, fields=([field], {"fieldOptions": options, "fieldRels": rels}))
    wanted = [
        {"value": "free", "label": "Free"},
        {"value": "pro", "label": "Pro plan"},
        "new1",
        "new2",
    ]
    want = LIST_SPECS + desired(
        "fields",
        title="Plan",
        perstag="PLAN",
        type="dropdown",
        options=wanted,
        lists=["news", "vip"],
    )
    api = RecordingApi()
    _apply(want, have, api)
    assert [(m, p) for m, p, _ in api.calls] == [
        ("PUT", "/fieldOptions/2"),  # relabelled
        ("POST", "/fieldOption/bulk"),  # both new options in one call
        ("DELETE", "/fieldOptions/3"),
        ("POST", "/fieldRels"), ("POST", "/fieldRels"),  # new relations before the old one goes
        ("DELETE", "/fieldRels/50"),
    ]  # fmt: skip
    bulk = api.calls[1][2]["fieldOptions"]
    assert [(o["value"], o["orderid"]) for o in bulk] == [("new1", 3), ("new2", 4)]


def test_a_new_field_gets_its_options_and_relations() -> None:
    api = RecordingApi()
    _apply(desired("fields", title="Size", type="radio", options=["S", "M"]), [], api)
    assert [(m, p) for m, p, _ in api.calls] == [
        ("POST", "/fields"), ("POST", "/fieldOption/bulk"), ("POST", "/fieldRels"),
    ]  # fmt: skip
    assert api.calls[2][2] == {"fieldRel": {"field": 101, "relid": 0}}


def test_a_new_pipeline_reuses_its_default_stages_from_the_create_answer() -> None:
    api = RecordingApi()
    _apply(
        desired("pipelines", title="Sales", stages=["Lead", {"title": "Won", "color": "2ECC71"}]),
        [],
        api,
    )
    assert [(m, p) for m, p, _ in api.calls] == [
        ("POST", "/dealGroups"),
        ("DELETE", "/dealStages/1012"),  # no deals can be in a new pipeline: no count first
        ("PUT", "/dealStages/1010"), ("PUT", "/dealStages/1011"),
    ]  # fmt: skip
    assert api.calls[2][2] == {"dealStage": {"title": "Lead", "order": 1}}
    assert api.calls[3][2] == {"dealStage": {"title": "Won", "order": 2, "color": "2ECC71"}}


def test_stages_beyond_the_defaults_are_posted() -> None:
    api = RecordingApi()
    _apply(desired("pipelines", title="Sales", stages=["A", "B", "C", "D"]), [], api)
    assert [(m, p) for m, p, _ in api.calls] == [
        ("POST", "/dealGroups"),
        ("PUT", "/dealStages/1010"), ("PUT", "/dealStages/1011"), ("PUT", "/dealStages/1012"),
        ("POST", "/dealStages"),
    ]  # fmt: skip
    assert api.calls[-1][2] == {"dealStage": {"title": "D", "order": 4, "group": "101"}}


def test_a_stage_delete_moves_the_deals_to_the_absorbing_stage_first() -> None:
    pipe = {"id": "4", "title": "Sales", "currency": "usd"}
    stages = [stage_row("9", "4", "Lead", 1), stage_row("10", "4", "Closed Won", 2)]
    have = live(dealGroups=([pipe], {"dealStages": stages}))
    want = desired(
        "pipelines", title="Sales", stages=["Lead", {"title": "Won", "absorbs": ["Closed Won"]}]
    )
    api = RecordingApi()
    _apply(want, have, api)
    assert api.calls == [
        ("POST", "/dealStages", {"dealStage": {"title": "Won", "order": 2, "group": "4"}}),
        ("PUT", "/dealStages/10/deals", {"deal": {"stage": "101"}}),
        ("DELETE", "/dealStages/10", None),
    ]


def test_a_stage_delete_without_absorber_counts_the_deals_again_first() -> None:
    pipe = {"id": "4", "title": "Sales", "currency": "usd"}
    have = live(
        dealGroups=(
            [pipe],
            {"dealStages": [stage_row("9", "4", "Lead", 1), stage_row("10", "4", "Old", 2)]},
        )
    )
    api = RecordingApi()
    _apply(desired("pipelines", title="Sales", stages=["Lead"]), have, api)
    assert api.calls == [
        ("GET", "/deals", {"filters[stage]": "10", "limit": 1}),
        ("DELETE", "/dealStages/10", None),
    ]


def test_webhook_list_reference_resolves_to_the_new_list_id() -> None:
    want = desired(
        "lists", stringid="n", name="N", sender_url="https://u.example", sender_reminder="r"
    )
    want += desired(
        "webhooks", name="W", url="https://x", events=["open"], sources=["api"], list="n"
    )
    api = RecordingApi()
    _apply(want, [], api)
    assert api.calls[-1][2]["webhook"]["listid"] == 101


def test_a_webhook_without_a_list_is_created_without_listid() -> None:
    """[V-2nd R12] nobody sends listid 0."""
    want = desired("webhooks", name="W", url="https://x", events=["open"], sources=["api"])
    api = RecordingApi()
    _apply(want, [], api)
    assert "listid" not in api.calls[-1][2]["webhook"]


def test_a_failure_lets_the_changes_in_flight_finish_and_reports_what_was_not_attempted() -> None:
    want = desired("tags", name="A") + desired("tags", name="B") + desired("tags", name="C")
    want += desired(
        "lists", stringid="n", name="N", sender_url="https://u.example", sender_reminder="r"
    )
    want += desired("tags", name="D") + desired("tags", name="E")
    api = RecordingApi(fail="'tag': 'B'")
    with pytest.raises(ApplyError) as raised:
        _apply(want, [], api)
    report = raised.value.report
    # The plan runs tags A to E, then the list: four start at once; B fails, so E and the
    # list never start.
    assert report.done == ['+ tag "A"', '+ tag "C"', '+ tag "D"']
    assert report.failed == ['+ tag "B": POST /tags: 422 Duplicate entry']
    assert report.not_attempted == ['+ tag "E"', '+ list "n"']
    assert [b["tag"]["tag"] for _, p, b in api.calls if p == "/tags"] == ["A", "B", "C", "D"]


def test_a_stop_request_starts_no_new_change_and_reports_every_change() -> None:
    from reconciler.errors import ApplyInterruptedError
    from reconciler.interrupts import Stop

    stop = Stop()
    found = diff(desired("tags", name="A") + desired("tags", name="B") + desired("tags", name="C"),
                 [], kinds=KINDS)  # fmt: skip
    plan = build_plan(found.changes, kinds=KINDS)
    api = RecordingApi()

    def progress(number: int, total: int, change: Change) -> None:
        stop.request(2)  # SIGINT as the first change starts

    with pytest.raises(ApplyInterruptedError) as stopped:
        asyncio.run(apply_plan(api, plan, progress=progress, stop=stop, concurrency=1))
    report = stopped.value.report
    assert report.done == ['+ tag "A"'] and report.not_attempted == ['+ tag "B"', '+ tag "C"']
    assert stopped.value.exit_code == 130 and len(api.calls) == 1
    assert "Nothing was changed" not in str(stopped.value)


def test_a_refused_plan_is_never_run() -> None:
    from reconciler.errors import SafetyError
    from reconciler.plan import Refusal

    plan = build_plan(diff(desired("tags", name="A"), [], kinds=KINDS).changes, kinds=KINDS)
    refused = type(plan)(changes=plan.changes, refusals=(Refusal("protected", "no"),))
    api = RecordingApi()
    with pytest.raises(SafetyError):
        asyncio.run(apply_plan(api, refused))
    assert api.calls == []
