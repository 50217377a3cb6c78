"""The calls each kind makes, and how apply runs waves and reports a failure (a recording
fake stands in for the client; the sandbox tests cover the same over HTTP)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reconciler.apply import apply_plan, waves
from reconciler.diff import diff
from reconciler.errors import ApplyError, ValidationError
from reconciler.kinds import dependency_graph
from reconciler.plan import Change, build_plan

from .helpers import desired, live, stage_row


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
        return {"meta": {"total": "0"}}

    async def create(self, path: str, body: Any, *, find: Any = None) -> Any:
        self._record("POST", path, body)
        self.next_id += 1
        if path == "/dealGroups":
            stages = [{"id": str(self.next_id * 10 + n), "group": str(self.next_id), "title": t}
                      for n, t in enumerate(("To Contact", "In Contact", "Follow Up"))]  # fmt: skip
            return {"dealGroup": {"id": str(self.next_id)}, "dealStages": stages}
        key = next(iter(body)) if isinstance(body, dict) else "x"
        return {key: {"id": str(self.next_id)}}

    async def put(self, path: str, body: Any) -> Any:
        self._record("PUT", path, body)
        return {}

    async def delete(self, path: str) -> Any:
        self._record("DELETE", path)
        return {}


def _apply(want: list[Any], have: list[Any], api: RecordingApi, prune: Any = ()) -> Any:
    found = diff(want, have, prune=prune)
    plan = build_plan(found.changes, depends_on=dependency_graph(), ids=found.ids)
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


def test_a_new_list_is_attached_to_the_admin_group() -> None:
    api = RecordingApi()
    _apply(
        desired(
            "lists", stringid="n", name="N", sender_url="https://u.example", sender_reminder="r"
        ),
        [],
        api,
    )
    assert [(m, p) for m, p, _ in api.calls] == [("POST", "/lists"), ("POST", "/listGroups")]
    assert api.calls[1][2] == {"listGroup": {"listid": 101, "groupid": 1}}


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


def test_a_new_pipeline_renames_its_default_stages_and_deletes_the_spare_one() -> None:
    api = RecordingApi()
    _apply(
        desired("pipelines", title="Sales", stages=["Lead", {"title": "Won", "color": "2ECC71"}]),
        [],
        api,
    )
    assert [(m, p) for m, p, _ in api.calls] == [
        ("POST", "/dealGroups"),
        ("PUT", "/dealStages/1010"), ("PUT", "/dealStages/1011"),
        ("DELETE", "/dealStages/1012"),  # no deals can be in a new pipeline: no count first
    ]  # fmt: skip
    assert api.calls[1][2] == {"dealStage": {"title": "Lead"}}
    assert api.calls[2][2] == {"dealStage": {"title": "Won", "color": "2ECC71"}}


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


def test_waves_group_consecutive_changes_of_one_kind_and_action() -> None:
    changes = [Change("create", "tag", k, k) for k in "ab"] + [Change("create", "list", "l", "l")]
    changes.append(Change("create", "tag", "c", "c"))
    assert [[n for n, _ in w] for w in waves(list(enumerate(changes, 1)))] == [[1, 2], [3], [4]]


def test_a_failure_finishes_its_wave_and_reports_what_was_not_attempted() -> None:
    want = desired("tags", name="A") + desired("tags", name="B") + desired("tags", name="C")
    want += desired(
        "lists", stringid="n", name="N", sender_url="https://u.example", sender_reminder="r"
    )
    api = RecordingApi(fail="'tag': 'B'")
    with pytest.raises(ApplyError) as raised:
        _apply(want, [], api)
    report = raised.value.report
    assert report.done == ['+ tag "A"', '+ tag "C"']
    assert report.failed == ['+ tag "B": POST /tags: 422 Duplicate entry']
    assert report.not_attempted == ['+ list "n"']
    assert "/lists" not in [p for _, p, _ in api.calls]
