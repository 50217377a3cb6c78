"""/webhooks and /webhook/events: validation, listid, PUT replacing arrays, filters."""

from __future__ import annotations

import httpx
import pytest

HOOK = {
    "name": "CRM sync",
    "url": "https://hooks.example.com/ac",
    "events": ["subscribe", "unsubscribe"],
    "sources": ["public", "admin"],
}


def create(api: httpx.Client, **changes: object) -> httpx.Response:
    return api.post("/webhooks", json={"webhook": {**HOOK, **changes}})


def test_events_endpoint_lists_the_25_events_and_r10s(api: httpx.Client) -> None:
    body = api.get("/webhook/events").json()
    assert body["meta"] == {"total": 30}
    assert len(body["webhookEvents"]) == 30
    assert {"subscribe", "deal_add", "sms_unsub", "contact_tag_added"} <= set(body["webhookEvents"])
    assert {"contact_task_add", "account_add", "account_contact_update"} <= set(
        body["webhookEvents"]
    )


def test_a_webhook_created_without_listid_has_listid_0(api: httpx.Client) -> None:
    """[V-2nd R12] clients leave listid out; GET shows "0"."""
    hook = {"name": "H", "url": "https://x.example", "events": ["open"], "sources": ["api"]}
    answer = api.post("/webhooks", json={"webhook": hook})
    assert answer.status_code == 201
    assert answer.json()["webhook"]["listid"] == "0"


def test_create_and_get(api: httpx.Client) -> None:
    answer = create(api)
    assert answer.status_code == 201
    hook = answer.json()["webhook"]
    assert hook["listid"] == "0" and hook["links"] == [] and hook["id"] == "1"
    assert hook["events"] == HOOK["events"] and hook["sources"] == HOOK["sources"]
    assert api.get("/webhooks/1").json()["webhook"] == hook


@pytest.mark.parametrize("missing", ["name", "url", "events", "sources"])
def test_required_attributes_are_422(api: httpx.Client, missing: str) -> None:
    body = {k: v for k, v in HOOK.items() if k != missing}
    answer = api.post("/webhooks", json={"webhook": body})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"]["pointer"] == f"/data/attributes/{missing}"


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"events": ["subscribe", "explode"]}, "events"),
        ({"events": "subscribe"}, "events"),
        ({"sources": ["robot"]}, "sources"),
        ({"url": "ftp://example.com"}, "url"),
        ({"listid": 7}, "listid"),
    ],
)
def test_invalid_values_are_422(api: httpx.Client, changes: dict, pointer: str) -> None:
    answer = create(api, **changes)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"]["pointer"] == f"/data/attributes/{pointer}"
    assert api.get("/webhooks").json()["meta"]["total"] == "0"


def test_listid_of_an_existing_list(api: httpx.Client) -> None:
    api.post(
        "/lists",
        json={"list": {"name": "N", "stringid": "n", "sender_url": "u", "sender_reminder": "r"}},
    )
    assert create(api, listid=1).json()["webhook"]["listid"] == "1"
    found = api.get("/webhooks", params={"filters[listid]": "1"}).json()
    assert found["meta"]["total"] == "1"


def test_put_replaces_the_arrays(api: httpx.Client) -> None:
    create(api)
    answer = api.put("/webhooks/1", json={"webhook": {"events": ["deal_add"], "sources": ["api"]}})
    assert answer.status_code == 200
    hook = api.get("/webhooks/1").json()["webhook"]
    assert (hook["events"], hook["sources"], hook["name"]) == (["deal_add"], ["api"], "CRM sync")
    assert api.put("/webhooks/1", json={"webhook": {"events": ["nope"]}}).status_code == 422
    assert api.put("/webhooks/1", json={"webhook": {"events": []}}).status_code == 422


def test_filters_by_name_and_url(api: httpx.Client) -> None:
    create(api)
    create(api, name="Other", url="https://other.example.com/x")
    by_name = api.get("/webhooks", params={"filters[name]": "other"}).json()["webhooks"]
    assert [h["name"] for h in by_name] == ["Other"]
    by_url = api.get("/webhooks", params={"filters[url]": "hooks.example"}).json()["webhooks"]
    assert [h["name"] for h in by_url] == ["CRM sync"]


def test_delete_and_404(api: httpx.Client) -> None:
    create(api)
    assert api.delete("/webhooks/1").json() == {}
    answer = api.get("/webhooks/1")
    assert answer.status_code == 404
    assert answer.json() == {"message": "No Result found for Webhook with id 1"}
