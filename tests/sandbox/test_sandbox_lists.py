"""/lists and /listGroups: required attributes, stringid uniqueness, legacy GET shape, PUT."""

from __future__ import annotations

import httpx
import pytest

NEWSLETTER = {
    "name": "Newsletter",
    "stringid": "newsletter",
    "sender_url": "https://example.com",
    "sender_reminder": "You signed up on our website",
}

LEGACY_KEYS = {
    "analytics_domains",
    "analytics_source",
    "analytics_ua",
    "carboncopy",
    "cdate",
    "channel",
    "deletestamp",
    "facebook_session",
    "fulladdress",
    "get_unsubscribe_reason",
    "id",
    "links",
    "name",
    "optinmessageid",
    "optinoptout",
    "optoutconf",
    "p_embed_image",
    "p_use_analytics_link",
    "p_use_analytics_read",
    "p_use_captcha",
    "p_use_facebook",
    "p_use_tracking",
    "p_use_twitter",
    "private",
    "require_name",
    "send_last_broadcast",
    "sender_addr1",
    "sender_addr2",
    "sender_city",
    "sender_country",
    "sender_name",
    "sender_phone",
    "sender_reminder",
    "sender_state",
    "sender_url",
    "sender_zip",
    "stringid",
    "subscription_notify",
    "to_name",
    "twitter_token",
    "twitter_token_secret",
    "udate",
    "unsubscription_notify",
    "user",
    "userid",
}


def create(api: httpx.Client, **changes: object) -> httpx.Response:
    return api.post("/lists", json={"list": {**NEWSLETTER, **changes}})


def test_create_echo_is_short(api: httpx.Client) -> None:
    answer = create(api)
    assert answer.status_code == 201  # as recorded [V-rec R5]; the docs' example shows 200
    assert set(answer.json()["list"]) == {"name", "stringid", "cdate", "udate", "links", "id"}


def test_get_shows_the_legacy_string_fields(api: httpx.Client) -> None:
    create(api, send_last_broadcast=1, user=1)
    found = api.get("/lists/1").json()["list"]
    assert set(found) == LEGACY_KEYS
    assert found["send_last_broadcast"] == "1"
    assert found["user"] == found["userid"] == "1"
    assert found["p_use_tracking"] == "1"
    assert found["udate"] is None  # null until the list changes
    assert found["carboncopy"] == ""  # as recorded [V-rec R6]


@pytest.mark.parametrize("missing", ["name", "stringid", "sender_url", "sender_reminder"])
def test_required_attributes_are_422(api: httpx.Client, missing: str) -> None:
    body = {k: v for k, v in NEWSLETTER.items() if k != missing}
    answer = api.post("/lists", json={"list": body})
    assert answer.status_code == 422
    (problem,) = answer.json()["errors"]
    assert problem["code"] == "field_missing"
    assert problem["source"] == {"pointer": f"/data/attributes/{missing}"}


def test_duplicate_stringids_are_accepted(api: httpx.Client) -> None:
    """[V-rec R3] two live lists shared one stringid."""
    create(api)
    assert create(api, name="Other").status_code == 201
    assert [row["stringid"] for row in api.get("/lists").json()["lists"]] == ["newsletter"] * 2


def test_patch_updates_the_keys_given_and_answers_the_list(api: httpx.Client) -> None:
    """[V-rec R6] REC-2026 update-list.test.json."""
    create(api)
    answer = api.patch("/lists/1", json={"list": {"name": "News", "sender_name": "Ops"}})
    assert answer.status_code == 200
    assert set(answer.json()["list"]) == LEGACY_KEYS
    found = api.get("/lists/1").json()["list"]
    assert (found["name"], found["sender_name"], found["stringid"]) == ("News", "Ops", "newsletter")
    assert found["udate"] is not None


def test_put_updates_and_answers_an_empty_body(api: httpx.Client) -> None:
    """[V-rec R6] REC-2021 ListGateway/_update."""
    create(api)
    answer = api.put("/lists/1", json={"list": {"name": "News"}})
    assert (answer.status_code, answer.content) == (200, b"")
    assert api.get("/lists/1").json()["list"]["name"] == "News"


def test_filter_by_name(api: httpx.Client) -> None:
    create(api)
    create(api, name="Customers", stringid="customers")
    answer = api.get("/lists", params={"filters[name]": "cust"}).json()
    assert [row["stringid"] for row in answer["lists"]] == ["customers"]
    assert answer["meta"]["total"] == "1"


def test_delete_and_404(api: httpx.Client) -> None:
    create(api)
    answer = api.delete("/lists/1")
    assert (answer.status_code, answer.json()) == (200, {})
    missing = api.get("/lists/1")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No Result found for _List with id 1"}


def test_deleting_a_list_drops_its_field_relations(api: httpx.Client) -> None:
    create(api)
    api.post("/fields", json={"field": {"title": "F", "type": "text"}})
    api.post("/fieldRels", json={"fieldRel": {"field": 1, "relid": 1}})
    api.post("/fieldRels", json={"fieldRel": {"field": 1, "relid": 0}})
    api.delete("/lists/1")
    assert [rel["relid"] for rel in api.get("/fieldRels").json()["fieldRels"]] == ["0"]


def test_list_group_create(api: httpx.Client) -> None:
    create(api)
    answer = api.post("/listGroups", json={"listGroup": {"listid": 1, "groupid": 3}})
    assert answer.status_code == 201
    group = answer.json()["listGroup"]
    assert (group["list"], group["group"], group["id"]) == (1, 3, "1")
    assert set(group["links"]) == {"group", "list"}
    assert (
        api.post("/listGroups", json={"listGroup": {"listid": 9, "groupid": 3}}).status_code == 422
    )


def test_list_group_refuses_an_unknown_group(api: httpx.Client) -> None:
    """[V-rec R1] recorded accounts have no group 1."""
    create(api)
    answer = api.post("/listGroups", json={"listGroup": {"listid": 1, "groupid": 1}})
    assert answer.status_code == 422
    (problem,) = answer.json()["errors"]
    assert problem["code"] == "field_invalid"
    assert problem["source"] == {"pointer": "/data/attributes/groupid"}
    assert api.post("/listGroups", json={"listGroup": {"listid": 1}}).status_code == 422
