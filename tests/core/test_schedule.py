"""When apply starts each change: after the changes it needs, not after unrelated kinds.

A fake API answers each call after a number of event-loop turns (no sleeps), and records
when each call started and ended, so the tests see which changes overlapped."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reconciler.apply import apply_plan
from reconciler.diff import diff
from reconciler.errors import ApplyError, ValidationError
from reconciler.kinds import standard_kinds
from reconciler.plan import Change, Plan, build_plan
from reconciler.schedule import Schedule, dependents_of, needs_of

from .helpers import desired, live, stage_row

KINDS = standard_kinds()


class TimedApi:
    """Each call takes ``turns[path prefix]`` loop turns (default 1); ``log`` records
    ("start"|"end", method, path) in the order they happened."""

    def __init__(self, turns: dict[str, int] | None = None, fail: str | None = None) -> None:
        self.turns = turns or {}
        self.fail = fail
        self.log: list[tuple[str, str, str]] = []
        self.next_id = 100

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        self.log.append(("start", method, path))
        wait = next((n for prefix, n in self.turns.items() if path.startswith(prefix)), 1)
        for _ in range(wait):
            await asyncio.sleep(0)
        self.log.append(("end", method, path))
        if self.fail and self.fail in f"{method} {path} {body}":
            raise ValidationError("refused", status=422, method=method, path=path)
        self.next_id += 1
        if path == "/dealGroups":
            stages = [{"id": str(self.next_id * 10 + n), "group": str(self.next_id), "title": t,
                       "order": str(n + 1), "color": "19CCA3"}
                      for n, t in enumerate(("To Contact", "In Contact", "Follow Up"))]  # fmt: skip
            return {"dealGroup": {"id": str(self.next_id)}, "dealStages": stages}
        key = next(iter(body)) if isinstance(body, dict) else "x"
        return {key: {"id": str(self.next_id)}}

    async def get(self, path: str, params: Any = None) -> Any:
        self.log.append(("start", "GET", path))
        self.log.append(("end", "GET", path))
        if path == "/groups":  # the admin group, as recorded [V-rec R1]
            return {"groups": [{"id": "3", "p_admin": "1"}]}
        return {"meta": {"total": "0"}}

    async def patch(self, path: str, body: Any) -> Any:
        return await self._call("PATCH", path, body)

    async def create(self, path: str, body: Any, *, find: Any = None) -> Any:
        return await self._call("POST", path, body)

    async def put(self, path: str, body: Any) -> Any:
        return await self._call("PUT", path, body)

    async def delete(self, path: str) -> Any:
        return await self._call("DELETE", path)

    def when(self, event: str, method: str, path: str) -> int:
        return self.log.index((event, method, path))


def make(want: list[Any], have: list[Any] = (), prune: Any = ()) -> Plan:  # type: ignore[assignment]
    found = diff(want, list(have), prune=prune, kinds=KINDS)
    return build_plan(found.changes, kinds=KINDS, ids=found.ids)


def run(plan: Plan, api: TimedApi, concurrency: int = 4) -> Any:
    return asyncio.run(apply_plan(api, plan, concurrency=concurrency))


def a_list(stringid: str) -> list[Any]:
    return desired(
        "lists",
        stringid=stringid,
        name=stringid,
        sender_url="https://u.example",
        sender_reminder="r",
    )


def hook(name: str, **extra: Any) -> list[Any]:
    return desired(
        "webhooks", name=name, url="https://x", events=["open"], sources=["api"], **extra
    )


def test_a_change_of_an_unrelated_kind_does_not_wait_for_a_slow_one() -> None:
    plan = make(a_list("n") + hook("free") + hook("listed", list="n"))
    assert [c.label for c in plan.changes] == ["n", "free", "listed"]
    api = TimedApi({"/lists": 20, "/listGroups": 20})
    run(plan, api)
    # The unlisted webhook goes while the list is still being created ...
    assert api.when("end", "POST", "/webhooks") < api.when("end", "POST", "/lists")
    # ... the one naming the list only once the list is done (its list group included).
    starts = [i for i, entry in enumerate(api.log) if entry == ("start", "POST", "/webhooks")]
    assert starts[1] > api.when("end", "POST", "/listGroups")


def test_fields_wait_for_the_lists_they_name_only() -> None:
    want = a_list("slow") + a_list("quick")
    want += desired("fields", title="A", type="text", lists=["quick"])
    want += desired("fields", title="B", type="text", lists=["slow"])
    plan = make(want)
    schedule = Schedule.of(plan.changes, KINDS.dependency_graph(), KINDS.parent_kinds())
    index = {c.label: i for i, c in enumerate(plan.changes)}
    schedule.done.add(index["quick"])
    assert schedule.ready(index["A"])
    assert not schedule.ready(index["B"])
    schedule.done.add(index["slow"])
    assert schedule.ready(index["B"])


def test_a_create_waits_for_the_updates_of_its_kind() -> None:
    have = live(tags=[{"id": "1", "tag": "Old", "tagType": "contact", "description": ""}])
    want = desired("tags", name="New", renamed_from=["Old"]) + desired("tags", name="Old")
    plan = make(want, have)
    assert [c.action for c in plan.changes] == ["update", "create"]
    api = TimedApi({"/tags/1": 5})
    run(plan, api)
    assert api.when("start", "POST", "/tags") > api.when("end", "PUT", "/tags/1")


def test_a_list_delete_waits_for_the_webhook_changes_that_may_name_it() -> None:
    lists = [{"id": "3", "stringid": "old", "name": "O", "sender_url": "u", "sender_reminder": "r"}]
    hooks = [{"id": "8", "name": "H", "url": "https://x", "events": ["open"], "sources": ["api"],
              "listid": "3"}]  # fmt: skip
    plan = make(hook("H") + desired("tags", name="T"), live(lists=lists, webhooks=hooks),
                prune={"lists"})  # fmt: skip
    assert [(c.action, c.kind) for c in plan.changes] == [
        ("create", "tag"), ("update", "webhook"), ("delete", "list"),
    ]  # fmt: skip
    api = TimedApi({"/webhooks/8": 10, "/tags": 30})
    run(plan, api)
    assert api.when("start", "DELETE", "/lists/3") > api.when("end", "PUT", "/webhooks/8")
    assert api.when("start", "DELETE", "/lists/3") < api.when("end", "POST", "/tags")


def test_stages_of_a_new_pipeline_wait_for_it_and_other_pipelines_do_not() -> None:
    pipe = {"id": "4", "title": "Old", "currency": "usd"}
    have = live(dealGroups=([pipe], {"dealStages": [stage_row("9", "4", "Lead", 1)]}))
    want = desired("pipelines", title="Old", stages=["Lead", "Won"])
    want += desired("pipelines", title="New", stages=["Lead"])
    plan = make(want, have)
    api = TimedApi({"/dealGroups": 10})
    run(plan, api)
    created = api.when("end", "POST", "/dealGroups")
    assert api.when("start", "POST", "/dealStages") < created  # "Old / Won" did not wait
    reused = next(i for i, e in enumerate(api.log) if e[0] == "start" and e[1] == "PUT")
    assert reused > created  # the new pipeline's default stage is reused once it exists


def test_an_absorbed_stage_waits_for_the_stage_its_deals_move_to() -> None:
    pipe = {"id": "4", "title": "Sales", "currency": "usd"}
    stages = [stage_row("9", "4", "Lead", 1), stage_row("10", "4", "Closed Won", 2)]
    have = live(dealGroups=([pipe], {"dealStages": stages}))
    want = desired(
        "pipelines", title="Sales", stages=["Lead", {"title": "Won", "absorbs": ["Closed Won"]}]
    )
    api = TimedApi({"/dealStages": 10})
    run(make(want, have), api)
    assert api.when("start", "PUT", "/dealStages/10/deals") > api.when("end", "POST", "/dealStages")


def test_a_failure_stops_new_starts_and_the_report_is_exact() -> None:
    want = a_list("n") + hook("free") + hook("listed", list="n") + desired("tags", name="T")
    plan = make(want)
    assert [c.label for c in plan.changes] == ["T", "n", "free", "listed"]
    api = TimedApi({"/tags": 10}, fail="/listGroups")
    with pytest.raises(ApplyError) as raised:
        run(plan, api)
    report = raised.value.report
    assert report.done == ['+ tag "T"', '+ webhook "free"']  # in flight when the list failed
    assert report.failed == ['+ list "n": POST /listGroups: 422 refused']
    assert report.not_attempted == ['+ webhook "listed"']


def test_one_at_a_time_runs_the_plan_order_exactly() -> None:
    plan = make(a_list("n") + hook("free") + desired("tags", name="T"))
    api = TimedApi({"/tags": 5})
    run(plan, api, concurrency=1)
    starts = [(m, p) for event, m, p in api.log if event == "start"]
    assert starts == [("POST", "/tags"), ("GET", "/groups"), ("POST", "/lists"),
                      ("POST", "/listGroups"), ("POST", "/webhooks")]  # fmt: skip


def test_dependents_are_transitive() -> None:
    graph = {"a": (), "b": ("a",), "c": ("b",), "d": ()}
    assert dependents_of(graph) == {
        "a": frozenset({"b", "c"}), "b": frozenset({"c"}), "c": frozenset(), "d": frozenset(),
    }  # fmt: skip


def test_needs_of_a_delete_and_of_a_create() -> None:
    delete = Change("delete", "list", "n", "n", id="3")
    create = Change("create", "tag", "t", "t")
    dependents = {"list": frozenset({"field"})}
    assert needs_of(delete, dependents, {}) == {("ref", "list", "n"), ("kind", "field")}
    assert needs_of(create, dependents, {}) == {
        ("ref", "tag", "t"), ("update", "tag", ""), ("delete",),
    }  # fmt: skip
