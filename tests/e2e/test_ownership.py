"""Renames keep ids; objects no manifest names are left alone unless pruned; deals are never
lost with a stage or a pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from .base import BASE, dump, manifest
from .conftest import Acr, changes


@pytest.fixture
def applied(acr: Acr) -> Acr:
    acr.converged("all.yaml", dump(BASE))
    return acr


def _id(acr: Acr, collection: str, key: str, value: str) -> str:
    (row,) = [r for r in acr.rows(collection) if r[key] == value]
    return str(row["id"])


RENAMES: list[tuple[str, str, str, str, str, str]] = [
    ("tags.0", "name", "VIP Customer", "tags", "tag", "VIP"),
    ("lists.0", "stringid", "news", "lists", "stringid", "newsletter"),
    ("fields.1", "title", "Remarks", "fields", "title", "Notes"),
    ("pipelines.0", "title", "Revenue", "dealGroups", "title", "Sales"),
    ("pipelines.0.stages.1", "title", "Hot", "dealStages", "title", "Qualified"),
    ("webhooks.0", "name", "CRM", "webhooks", "name", "CRM sync"),
]


@pytest.mark.parametrize(("entry", "key", "new", "collection", "column", "old"), RENAMES)
def test_rename_with_renamed_from_updates_in_place_and_keeps_the_id(
    applied: Acr, entry: str, key: str, new: str, collection: str, column: str, old: str
) -> None:
    before = _id(applied, collection, column, old)
    data = manifest(**{f"{entry}.{key}": new, f"{entry}.renamed_from": [old]})
    if key == "stringid":  # the field and the webhook name the list by its stringid
        data["fields"][0]["lists"] = [new]
        data["webhooks"][0]["list"] = new
    applied.write("all.yaml", dump(data))
    plan = applied.plan()
    (change,) = plan["changes"]
    assert (change["action"], change["id"]) == ("update", before)
    applied.converge()
    assert _id(applied, collection, column, new) == before


def test_removed_objects_are_left_alone_and_counted(applied: Acr) -> None:
    data = manifest()
    del data["webhooks"], data["tags"]
    applied.write("all.yaml", dump(data))
    plan = applied.plan()
    # Sections neither managed nor pruned are not even read [R2], so nothing is counted.
    assert plan["changes"] == [] and plan["summary"]["unmanaged"] == 0
    assert len(applied.rows("tags")) == 1 and len(applied.rows("webhooks")) == 1


def test_removed_objects_are_deleted_when_their_section_is_pruned(applied: Acr) -> None:
    applied.project("manifests: [manifests]\npolicy: {prune: [tags, webhooks]}\n")
    data = manifest()
    data["webhooks"], data["tags"] = [], []
    applied.write("all.yaml", dump(data))
    plan = applied.plan()
    assert sorted(changes(plan)) == [
        ("delete", "tag", "contact:vip"),
        ("delete", "webhook", "CRM sync"),
    ]
    assert all(c["reason"] == "pruned: not in the manifests" for c in plan["changes"])
    applied.converge()
    assert applied.rows("tags") == [] and applied.rows("webhooks") == []


def test_a_pruned_tag_says_how_many_contacts_lose_it(applied: Acr) -> None:
    with applied.api() as api:
        contact = api.post("/contacts", json={"contact": {"email": "a@example.com"}}).json()
        tag_id = _id(applied, "tags", "tag", "VIP")
        api.post(
            "/contactTags",
            json={"contactTag": {"contact": contact["contact"]["id"], "tag": tag_id}},
        )
    applied.project("manifests: [manifests]\npolicy: {prune: [tags]}\n")
    data = manifest()
    data["tags"] = []
    applied.write("all.yaml", dump(data))
    text = applied("plan").out
    assert '- tag "VIP"' in text and "1 contact loses the tag" in text


def _add_deals(acr: Acr, stage_title: str, count: int) -> str:
    stage_id = _id(acr, "dealStages", "title", stage_title)
    with acr.api() as api:
        for number in range(count):
            body = {
                "deal": {
                    "title": f"Deal {number}",
                    "value": 1000,
                    "currency": "usd",
                    "stage": stage_id,
                }
            }
            assert api.post("/deals", json=body).status_code == 201
    return stage_id


def _deals(acr: Acr, **filters: str) -> list[dict[str, Any]]:
    return acr.rows("deals", **{f"filters[{k}]": v for k, v in filters.items()})


def test_removing_a_stage_with_deals_is_refused_with_the_count(applied: Acr) -> None:
    _add_deals(applied, "Qualified", 3)
    data = manifest()
    data["pipelines"][0]["stages"].pop(1)
    applied.write("all.yaml", dump(data))
    for command in ("plan", "apply"):
        result = applied(command, "--yes") if command == "apply" else applied(command)
        assert result.code == 1
        assert 'stage "Sales / Qualified": 3 deals would be deleted' in result.err
        assert "Traceback" not in result.err
    assert len(_deals(applied)) == 3 and len(applied.rows("dealStages")) == 3


def test_removing_a_stage_moves_its_deals_to_the_absorbing_stage_first(applied: Acr) -> None:
    _add_deals(applied, "Qualified", 3)
    data = manifest()
    stages = data["pipelines"][0]["stages"]
    stages.pop(1)
    stages[1] = {"title": "Won", "absorbs": ["Qualified"]}
    applied.write("all.yaml", dump(data))
    text = applied("plan").out
    assert '- stage "Sales / Qualified"' in text and '3 deals move to "Won" first' in text
    applied.converge()
    won = _id(applied, "dealStages", "title", "Won")
    assert [d["stage"] for d in _deals(applied)] == [won] * 3


def test_a_pruned_pipeline_with_deals_is_refused(applied: Acr) -> None:
    _add_deals(applied, "Lead", 2)
    applied.project("manifests: [manifests]\npolicy: {prune: [pipelines]}\n")
    data = manifest()
    data["pipelines"] = []
    applied.write("all.yaml", dump(data))
    result = applied("plan")
    assert result.code == 1 and 'pipeline "Sales": 2 deals would be deleted' in result.err
    assert len(_deals(applied)) == 2


def test_deals_that_arrive_after_the_plan_stop_the_delete(
    applied: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Apply counts again just before deleting a stage, so deals added since are not lost."""
    from reconciler import engine

    data = manifest()
    data["pipelines"][0]["stages"].pop(1)
    applied.write("all.yaml", dump(data))
    real = engine.make_plan

    async def plan_then_add_deals(*args: Any, **kwargs: Any) -> Any:
        made = await real(*args, **kwargs)
        _add_deals(applied, "Qualified", 1)
        return made

    monkeypatch.setattr("reconciler.session.make_plan", plan_then_add_deals)
    result = applied("apply", "--yes")
    assert (
        result.code == 1 and "has 1 deal now" in result.err and "nothing was deleted" in result.err
    )
    assert len(_deals(applied)) == 1
