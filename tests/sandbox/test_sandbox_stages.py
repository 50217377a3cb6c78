"""/dealStages: defaults, echo numbers, order and reorder, delete cascade, moving deals."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def pipeline(api: httpx.Client) -> str:
    """A pipeline (id 1) with its default stages 1, 2, 3."""
    answer = api.post("/dealGroups", json={"dealGroup": {"title": "Sales", "currency": "usd"}})
    return answer.json()["dealGroup"]["id"]


def create(api: httpx.Client, query: str = "", **attrs: object) -> httpx.Response:
    return api.post(f"/dealStages{query}", json={"dealStage": {"group": "1", **attrs}})


def orders(api: httpx.Client) -> list[tuple[str, str]]:
    stages = api.get("/dealStages", params={"filters[d_groupid]": "1"}).json()["dealStages"]
    return sorted((s["order"], s["title"]) for s in stages)


def add_deal(api: httpx.Client, stage: str) -> str:
    answer = api.post("/deals", json={"deal": {"title": "D", "stage": stage}})
    assert answer.status_code == 201, answer.text
    return answer.json()["deal"]["id"]


def test_create_defaults_and_echo_numbers(api: httpx.Client, pipeline: str) -> None:
    answer = create(api, title="Won")
    assert answer.status_code == 201  # as recorded [V-rec R5]
    stage = answer.json()["dealStage"]
    assert (stage["order"], stage["width"], stage["color"]) == (4, 280, "3f3f3f")
    assert stage["group"] == "1" and stage["id"] == "4"
    assert stage["dealOrder"] == "next-action DESC"
    assert [stage[f"cardRegion{n}"] for n in range(1, 6)] == [
        "title",
        "next-action",
        "show-avatar",
        "contact-fullname-orgname",
        "value",
    ]
    assert stage["links"] == {"group": "/api/3/dealStages/4/group"}
    found = api.get("/dealStages/4").json()["dealStage"]
    assert (found["order"], found["width"]) == ("4", "280")
    assert found["cdate"] is not None


def test_title_and_group_are_required(api: httpx.Client, pipeline: str) -> None:
    answer = api.post("/dealStages", json={"dealStage": {"color": "FFFFFF"}})
    assert answer.status_code == 422
    pointers = {e["source"]["pointer"] for e in answer.json()["errors"]}
    assert pointers == {"/data/attributes/title", "/data/attributes/group"}
    assert create(api, title="X", group="9").status_code == 422
    assert create(api, title="X", color="#123456").status_code == 422


def test_explicit_order_keeps_ties_without_reorder(api: httpx.Client, pipeline: str) -> None:
    create(api, title="First", order=1)
    assert orders(api) == [
        ("1", "First"),
        ("1", "To Contact"),
        ("2", "In Contact"),
        ("3", "Follow Up"),
    ]


def test_reorder_renumbers_and_the_newest_wins_ties(api: httpx.Client, pipeline: str) -> None:
    answer = create(api, "?reorder=1", title="First", order=1)
    assert answer.json()["dealStage"]["order"] == 1
    assert orders(api) == [
        ("1", "First"),
        ("2", "To Contact"),
        ("3", "In Contact"),
        ("4", "Follow Up"),
    ]


def test_update_with_reorder(api: httpx.Client, pipeline: str) -> None:
    answer = api.put("/dealStages/3?reorder=1", json={"dealStage": {"order": 1, "title": "Follow"}})
    assert answer.status_code == 200
    stage = answer.json()["dealStage"]
    assert (stage["order"], stage["title"]) == (1, "Follow")
    assert orders(api) == [("1", "Follow"), ("2", "To Contact"), ("3", "In Contact")]
    assert api.get("/dealStages/3").json()["dealStage"]["udate"] is not None


def test_update_echo_numbers(api: httpx.Client, pipeline: str) -> None:
    answer = api.put("/dealStages/1", json={"dealStage": {"width": 270, "color": "696969"}})
    stage = answer.json()["dealStage"]
    assert (stage["width"], stage["order"], stage["color"]) == (270, 1, "696969")


def test_filters(api: httpx.Client, pipeline: str) -> None:
    api.post("/dealGroups", json={"dealGroup": {"title": "Other", "currency": "usd"}})
    assert api.get("/dealStages").json()["meta"]["total"] == 6  # a number [V-rec R13]
    by_group = api.get("/dealStages", params={"filters[d_groupid]": "2"}).json()
    assert [s["id"] for s in by_group["dealStages"]] == ["4", "5", "6"]
    by_title = api.get("/dealStages", params={"filters[title]": "contact"}).json()
    assert [s["title"] for s in by_title["dealStages"]] == ["To Contact", "In Contact"] * 2


def test_delete_takes_the_deals(api: httpx.Client, pipeline: str) -> None:
    add_deal(api, "1")
    add_deal(api, "1")
    kept = add_deal(api, "2")
    answer = api.delete("/dealStages/1")
    assert (answer.status_code, answer.json()) == (200, {})
    assert [d["id"] for d in api.get("/deals").json()["deals"]] == [kept]
    assert api.get("/dealStages/1").json() == {"message": "No Result found for DealStage with id 1"}


def test_move_deals_within_the_pipeline(api: httpx.Client, pipeline: str) -> None:
    first, second = add_deal(api, "1"), add_deal(api, "1")
    add_deal(api, "2")
    answer = api.put("/dealStages/1/deals", json={"deal": {"stage": "3"}})
    assert answer.status_code == 200
    moved = answer.json()["deals"]
    assert [(d["id"], d["stage"]) for d in moved] == [(first, "3"), (second, "3")]
    in_three = api.get("/deals", params={"filters[stage]": "3"}).json()
    assert in_three["meta"]["total"] == 2
    api.delete("/dealStages/1")
    assert api.get("/deals").json()["meta"]["total"] == 3  # nothing left to cascade


def test_move_deals_to_another_pipeline_is_the_documented_422(
    api: httpx.Client, pipeline: str
) -> None:
    api.post("/dealGroups", json={"dealGroup": {"title": "Other", "currency": "usd"}})
    add_deal(api, "1")
    answer = api.put("/dealStages/1/deals", json={"deal": {"stage": "4"}})
    assert answer.status_code == 422
    assert answer.json() == {
        "errors": [
            {
                "detail": "Target stage does not belong to same pipeline",
                "source": {"pointer": "/data/attributes/stage"},
                "status": 422,
                "title": "Invalid attribute",
            }
        ]
    }
    assert api.get("/deals/1").json()["deal"]["stage"] == "1"


def test_move_deals_needs_existing_stages(api: httpx.Client, pipeline: str) -> None:
    assert api.put("/dealStages/1/deals", json={"deal": {"stage": "99"}}).status_code == 422
    assert api.put("/dealStages/99/deals", json={"deal": {"stage": "1"}}).status_code == 404
