"""/fields, /fieldOption/bulk, /fieldOptions/{id}, /fieldRels."""

from __future__ import annotations

import httpx
import pytest

from reconciler.sandbox.records import FIELD_TYPES


def create(api: httpx.Client, title: str = "Plan", type_: str = "dropdown", **more: object) -> dict:
    answer = api.post("/fields", json={"field": {"title": title, "type": type_, **more}})
    assert answer.status_code == 201, answer.text
    return answer.json()["field"]


def add_options(api: httpx.Client, field: str, *values: str) -> httpx.Response:
    options = [{"field": field, "value": v, "label": v.title()} for v in values]
    return api.post("/fieldOption/bulk", json={"fieldOptions": options})


def test_create_echoes_numbers_as_numbers(api: httpx.Client) -> None:
    field = create(
        api, "Field Title", "textarea", perstag="Personalized Tag", visible=1, ordernum=3
    )
    assert field["perstag"] == "PERSONALIZEDTAG"
    assert (field["visible"], field["ordernum"], field["rows"], field["cols"]) == (1, 3, 0, 0)
    assert field["isrequired"] == 0 and field["show_in_list"] == 0
    assert field["id"] == "1"
    assert set(field["links"]) == {"options", "relations"}


@pytest.mark.parametrize(
    ("title", "perstag", "stored"),
    [
        ("Another Test Title", None, "ANOTHER_TEST_TITLE"),
        ("Example List Box", "listBoxTagName", "LISTBOXTAGNAME"),
        ("X", "Personalized Tag", "PERSONALIZEDTAG"),
    ],
)
def test_perstag_is_normalised(
    api: httpx.Client, title: str, perstag: str | None, stored: str
) -> None:
    extra = {"perstag": perstag} if perstag else {}
    assert create(api, title, "text", **extra)["perstag"] == stored
    assert api.get("/fields/1").json()["field"]["perstag"] == stored


@pytest.mark.parametrize("type_", sorted(FIELD_TYPES))
def test_every_documented_type_is_accepted(api: httpx.Client, type_: str) -> None:
    assert create(api, f"{type_} field", type_)["type"] == type_


def test_unknown_type_is_422(api: httpx.Client) -> None:
    answer = api.post("/fields", json={"field": {"title": "T", "type": "multiselect"}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"] == {"pointer": "/data/attributes/type"}


def test_title_and_type_are_required(api: httpx.Client) -> None:
    answer = api.post("/fields", json={"field": {"descript": "nothing else"}})
    assert answer.status_code == 422
    pointers = [e["source"]["pointer"] for e in answer.json()["errors"]]
    assert pointers == ["/data/attributes/title", "/data/attributes/type"]


def test_duplicate_title_is_the_documented_422(api: httpx.Client) -> None:
    create(api, "Test Title", "text")
    answer = api.post("/fields", json={"field": {"title": "Test Title", "type": "text"}})
    assert answer.status_code == 422
    assert answer.json() == {
        "errors": [
            {
                "title": "There is already a field with this title",
                "detail": "There is already a field named 'Test Title' -- choose another name",
                "code": "duplicate",
            }
        ]
    }


def test_duplicate_perstag_is_422(api: httpx.Client) -> None:
    create(api, "A B", "text")
    answer = api.post("/fields", json={"field": {"title": "A-B", "type": "text"}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "duplicate"


def test_get_list_has_strings_and_sideloads_for_the_page(api: httpx.Client) -> None:
    plan = create(api)
    create(api, "Other", "text")
    add_options(api, plan["id"], "free", "pro")
    api.post("/fieldRels", json={"fieldRel": {"field": 1, "relid": 0}})
    body = api.get("/fields").json()
    assert set(body) == {"fieldOptions", "fieldRels", "fields", "meta"}
    first = body["fields"][0]
    assert (first["visible"], first["ordernum"], first["isrequired"]) == ("1", "1", "0")
    assert first["options"] == ["1", "2"] and first["relations"] == ["1"]
    assert [o["value"] for o in body["fieldOptions"]] == ["free", "pro"]
    assert body["fieldOptions"][0]["orderid"] == "1"
    assert body["fieldRels"][0] == {
        "field": "1",
        "relid": "0",
        "dorder": "0",
        "cdate": body["fieldRels"][0]["cdate"],
        "links": [],
        "id": "1",
    }
    page_two = api.get("/fields", params={"limit": 1, "offset": 1}).json()
    assert [f["title"] for f in page_two["fields"]] == ["Other"]
    assert page_two["fieldOptions"] == [] and page_two["fieldRels"] == []


def test_filter_by_perstag(api: httpx.Client) -> None:
    create(api, "Plan", "text")
    create(api, "Other", "text")
    found = api.get("/fields", params={"filters[perstag]": "OTHER"}).json()["fields"]
    assert [f["title"] for f in found] == ["Other"]


def test_get_one_sideloads_options_and_relations(api: httpx.Client) -> None:
    create(api)
    add_options(api, "1", "a")
    body = api.get("/fields/1").json()
    assert set(body) == {"field", "fieldOptions", "fieldRels"}
    assert api.get("/fields/1/options").json()["fieldOptions"][0]["value"] == "a"
    assert api.get("/fields/1/relations").json() == {"fieldRels": []}


def test_update_echoes_numbers(api: httpx.Client) -> None:
    create(api, "Title", "text")
    answer = api.put(
        "/fields/1", json={"field": {"title": "Renamed", "ordernum": "7", "perstag": "new tag"}}
    )
    assert answer.status_code == 200
    field = answer.json()["field"]
    assert (field["title"], field["ordernum"], field["perstag"]) == ("Renamed", 7, "NEWTAG")
    assert "options" not in field


def test_update_keeps_the_perstag_when_not_given(api: httpx.Client) -> None:
    create(api, "Title", "text")
    assert (
        api.put("/fields/1", json={"field": {"title": "New"}}).json()["field"]["perstag"] == "TITLE"
    )


def test_delete_cascades_options_and_relations(api: httpx.Client) -> None:
    create(api)
    add_options(api, "1", "a", "b")
    api.post("/fieldRels", json={"fieldRel": {"field": 1, "relid": 0}})
    answer = api.delete("/fields/1")
    assert (answer.status_code, answer.json()) == (200, {})
    assert api.get("/fieldOptions/1").status_code == 404
    assert api.get("/fieldRels").json()["fieldRels"] == []
    assert api.get("/fields/1").json() == {"message": "No Result found for Field with id 1"}


def test_bulk_options_echo(api: httpx.Client) -> None:
    create(api)
    answer = api.post(
        "/fieldOption/bulk",
        json={
            "fieldOptions": [
                {"field": "1", "value": "X", "label": "Option X", "orderid": 1, "isdefault": False},
                {"field": 1, "value": "Y", "isdefault": True},
            ]
        },
    )
    assert answer.status_code == 201
    first, second = answer.json()["fieldOptions"]
    assert (first["field"], first["orderid"], first["isdefault"], first["label"]) == (
        "1",
        1,
        0,
        "Option X",
    )
    assert (second["orderid"], second["isdefault"], second["label"]) == (2, 1, "Y")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"fieldOptions": {}},
        {"fieldOptions": []},
        {"fieldOptions": ["x"]},
        {"fieldOption": [{}]},
    ],
)
def test_bulk_malformed_is_the_documented_422(api: httpx.Client, body: object) -> None:
    answer = api.post("/fieldOption/bulk", json=body)
    assert answer.status_code == 422
    assert answer.json() == {
        "errors": "Bulk operation failed. Request must contain an array of fieldOption objects."
    }


def test_bulk_is_all_or_nothing(api: httpx.Client) -> None:
    create(api)
    body = {"fieldOptions": [{"field": 1, "value": "ok"}, {"field": 99, "value": "bad"}]}
    answer = api.post("/fieldOption/bulk", json=body)
    assert answer.status_code == 422
    assert isinstance(answer.json()["errors"], str)
    assert api.get("/fields/1").json()["fieldOptions"] == []
    assert api.post("/fieldOption/bulk", json={"fieldOptions": [{"field": 1}]}).status_code == 422


def test_field_option_get_put_delete(api: httpx.Client) -> None:
    create(api)
    add_options(api, "1", "a")
    assert api.get("/fieldOptions/1").json()["fieldOption"]["isdefault"] == "0"
    answer = api.put("/fieldOptions/1", json={"fieldOption": {"label": "A!", "orderid": 4}})
    assert answer.status_code == 200
    assert (answer.json()["fieldOption"]["label"], answer.json()["fieldOption"]["orderid"]) == (
        "A!",
        4,
    )
    assert api.get("/fieldOptions/1").json()["fieldOption"]["orderid"] == "4"
    assert api.delete("/fieldOptions/1").json() == {}
    assert api.get("/fieldOptions/1").status_code == 404
    assert api.get("/fields/1").json()["field"]["options"] == []


def test_field_rel_create_get_delete(api: httpx.Client) -> None:
    create(api)
    answer = api.post("/fieldRels", json={"fieldRel": {"field": 1, "relid": 2}})
    assert answer.status_code == 201
    rel = answer.json()["fieldRel"]
    assert (rel["field"], rel["relid"], rel["links"], rel["id"]) == (1, 2, [], "1")
    assert "dorder" not in rel
    found = api.get("/fieldRels/1").json()["fieldRel"]
    assert (found["field"], found["relid"], found["dorder"]) == ("1", "2", "0")
    assert api.delete("/fieldRels/1").json() == {}
    assert api.get("/fieldRels/1").status_code == 404


def test_field_rel_needs_an_existing_field(api: httpx.Client) -> None:
    answer = api.post("/fieldRels", json={"fieldRel": {"field": 5, "relid": 0}})
    assert answer.status_code == 404
    assert api.post("/fieldRels", json={"fieldRel": {"relid": 0}}).status_code == 422
