"""/dealGroups: default stages, the create answer, sideloads, duplicates, PUT, delete cascade."""

from __future__ import annotations

import httpx
import pytest


def create(api: httpx.Client, title: str = "Sales", **more: object) -> dict:
    answer = api.post(
        "/dealGroups", json={"dealGroup": {"title": title, "currency": "usd", **more}}
    )
    assert answer.status_code == 201, answer.text  # as recorded [V-rec R5]
    return answer.json()


def add_deal(api: httpx.Client, stage: str, title: str = "Deal") -> str:
    answer = api.post("/deals", json={"deal": {"title": title, "stage": stage, "value": 100}})
    assert answer.status_code == 201, answer.text
    return answer.json()["deal"]["id"]


def test_create_makes_the_three_default_stages(api: httpx.Client) -> None:
    body = create(api, users=["3", "4"])
    assert set(body) == {"dealGroup", "dealGroupUsers", "dealGroupGroups", "dealStages"}
    stages = body["dealStages"]
    assert [(s["title"], s["color"], s["order"]) for s in stages] == [
        ("To Contact", "19CCA3", "1"),
        ("In Contact", "5487FF", "2"),
        ("Follow Up", "FBD965", "3"),
    ]
    assert all(s["cdate"] is None and s["udate"] is None for s in stages)
    assert all(s["group"] == "1" and s["width"] == "280" for s in stages)
    group = body["dealGroup"]
    assert group["stages"] == ["1", "2", "3"]
    assert (group["allgroups"], group["allusers"], group["autoassign"]) == (
        1,
        0,
        0,
    )  # autoassign "0" as recorded [V-rec R4]
    assert group["dealGroupUsers"] == ["1", "2"] and group["dealGroupGroups"] == []
    assert [u["user"] for u in body["dealGroupUsers"]] == ["3", "4"]
    assert body["dealGroupUsers"][0]["cdate"] is None


def test_get_one_and_list_sideload_the_stages(api: httpx.Client) -> None:
    create(api, "Sales")
    create(api, "Hiring")
    one = api.get("/dealGroups/2").json()
    assert set(one) == {"dealGroup", "dealStages"}
    assert one["dealGroup"]["allgroups"] == "1"
    assert [s["id"] for s in one["dealStages"]] == ["4", "5", "6"]
    page = api.get("/dealGroups", params={"limit": 1, "offset": 1}).json()
    assert [g["title"] for g in page["dealGroups"]] == ["Hiring"]
    assert [s["group"] for s in page["dealStages"]] == ["2", "2", "2"]
    assert page["meta"] == {"total": 2}  # a number [V-rec R13]


def test_filter_by_title(api: httpx.Client) -> None:
    create(api, "Sales EU")
    create(api, "Hiring")
    found = api.get("/dealGroups", params={"filters[title]": "sales"}).json()
    assert [g["title"] for g in found["dealGroups"]] == ["Sales EU"]
    assert len(found["dealStages"]) == 3


@pytest.mark.parametrize("missing", ["title", "currency"])
def test_title_and_currency_are_required(api: httpx.Client, missing: str) -> None:
    body = {k: v for k, v in {"title": "T", "currency": "usd"}.items() if k != missing}
    answer = api.post("/dealGroups", json={"dealGroup": body})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"]["pointer"] == f"/data/attributes/{missing}"


def test_duplicate_title_is_422_case_insensitive(api: httpx.Client) -> None:
    create(api, "Sales")
    answer = api.post("/dealGroups", json={"dealGroup": {"title": "SALES", "currency": "usd"}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "duplicate"
    assert api.get("/dealStages").json()["meta"]["total"] == 3  # nothing half-made


def test_update_echo_has_no_stages_and_replaces_users(api: httpx.Client) -> None:
    create(api, users=["3", "4"])
    answer = api.put("/dealGroups/1", json={"dealGroup": {"title": "Renamed", "users": ["3"]}})
    assert answer.status_code == 200
    body = answer.json()
    assert "stages" not in body["dealGroup"]
    assert body["dealGroup"]["title"] == "Renamed"
    assert [u["user"] for u in body["dealGroupUsers"]] == ["3"]
    assert api.get("/dealGroups/1").json()["dealGroup"]["title"] == "Renamed"


def test_rename_onto_another_title_is_422(api: httpx.Client) -> None:
    create(api, "Sales")
    create(api, "Hiring")
    assert api.put("/dealGroups/2", json={"dealGroup": {"title": "sales"}}).status_code == 422


def test_delete_takes_stages_and_deals(api: httpx.Client) -> None:
    create(api, "Sales")
    create(api, "Kept")
    add_deal(api, "1")
    add_deal(api, "3")
    kept = add_deal(api, "4")
    answer = api.delete("/dealGroups/1")
    assert answer.status_code == 200
    assert answer.content == b""  # the docs' example: an empty body, unlike other DELETEs
    assert [s["id"] for s in api.get("/dealStages").json()["dealStages"]] == ["4", "5", "6"]
    assert [d["id"] for d in api.get("/deals").json()["deals"]] == [kept]
    assert api.get("/dealGroups/1").json() == {"message": "No Result found for DealGroup with id 1"}
