"""/tags: CRUD, duplicates, search, subscriber_count, and the delete cascade to contacts."""

from __future__ import annotations

import re

import httpx

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def create(api: httpx.Client, name: str, tag_type: str = "contact") -> dict:
    answer = api.post("/tags", json={"tag": {"tag": name, "tagType": tag_type}})
    assert answer.status_code == 201, answer.text
    return answer.json()["tag"]


def test_create_echoes_the_tag(api: httpx.Client) -> None:
    answer = api.post(
        "/tags", json={"tag": {"tag": "My Tag", "tagType": "contact", "description": "D"}}
    )
    assert answer.status_code == 201
    tag = answer.json()["tag"]
    assert set(tag) == {"tagType", "tag", "description", "cdate", "links", "id"}
    assert (tag["tag"], tag["tagType"], tag["description"], tag["id"]) == (
        "My Tag",
        "contact",
        "D",
        "1",
    )
    assert ISO.match(tag["cdate"])
    assert tag["links"]["contactGoalTags"].endswith("/api/3/tags/1/contactGoalTags")


def test_get_one_has_subscriber_count_as_string(api: httpx.Client) -> None:
    create(api, "VIP")
    tag = api.get("/tags/1").json()["tag"]
    assert tag["subscriber_count"] == "0"
    contact = api.post("/contacts", json={"contact": {"email": "a@example.com"}}).json()
    api.post("/contactTags", json={"contactTag": {"contact": contact["contact"]["id"], "tag": 1}})
    assert api.get("/tags/1").json()["tag"]["subscriber_count"] == "1"
    assert "subscriber_count" not in api.get("/tags").json()["tags"][0]


def test_list_search_and_filters(api: httpx.Client) -> None:
    for name in ("Alpha", "Beta", "alphabet"):
        create(api, name)
    names = lambda **params: [t["tag"] for t in api.get("/tags", params=params).json()["tags"]]  # noqa: E731
    assert names(search="alpha") == ["Alpha", "alphabet"]
    assert names(**{"filters[search]": "bet"}) == ["Beta", "alphabet"]
    assert names(**{"filters[search][eq]": "alpha"}) == ["Alpha"]
    assert names(**{"filters[search][starts_with]": "b"}) == ["Beta"]


def test_update_changes_the_tag(api: httpx.Client) -> None:
    create(api, "Old")
    answer = api.put("/tags/1", json={"tag": {"tag": "New", "description": "changed"}})
    assert answer.status_code == 200
    assert answer.json()["tag"]["tag"] == "New"
    assert api.get("/tags/1").json()["tag"]["description"] == "changed"


def test_duplicate_name_is_422_case_insensitive(api: httpx.Client) -> None:
    create(api, "VIP")
    answer = api.post("/tags", json={"tag": {"tag": "vip", "tagType": "contact"}})
    assert answer.status_code == 422
    assert answer.json() == {
        "message": "Could not process request",
        "error": "Duplicate entry 'contact-vip' for key 'typetag'",
    }


def test_same_name_of_another_type_is_allowed(api: httpx.Client) -> None:
    create(api, "VIP", "contact")
    assert create(api, "VIP", "template")["id"] == "2"


def test_rename_onto_an_existing_tag_is_422(api: httpx.Client) -> None:
    create(api, "One")
    create(api, "Two")
    assert api.put("/tags/2", json={"tag": {"tag": "ONE"}}).status_code == 422
    assert api.put("/tags/1", json={"tag": {"tag": "one"}}).status_code == 200  # itself


def test_empty_create_is_accepted_once(api: httpx.Client) -> None:
    assert api.post("/tags", json={}).status_code == 201
    assert api.post("/tags", json={}).status_code == 422


def test_bad_tag_type_is_422(api: httpx.Client) -> None:
    answer = api.post("/tags", json={"tag": {"tag": "x", "tagType": "deal"}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"] == {"pointer": "/data/attributes/tagType"}


def test_delete_answers_200_empty_object_and_untags_contacts(api: httpx.Client) -> None:
    create(api, "Gone")
    create(api, "Kept")
    contact = api.post("/contacts", json={"contact": {"email": "b@example.com"}}).json()
    contact_id = contact["contact"]["id"]
    for tag in (1, 2):
        api.post("/contactTags", json={"contactTag": {"contact": contact_id, "tag": tag}})
    answer = api.delete("/tags/1")
    assert (answer.status_code, answer.json()) == (200, {})
    remaining = api.get(f"/contacts/{contact_id}/contactTags").json()["contactTags"]
    assert [ct["tag"] for ct in remaining] == ["2"]


def test_missing_tag_is_404_with_the_documented_message(api: httpx.Client) -> None:
    for method in ("GET", "PUT", "DELETE"):
        answer = api.request(method, "/tags/9", json={"tag": {"tag": "x"}})
        assert answer.status_code == 404
        assert answer.json() == {"message": "No Result found for Tag with id 9"}
