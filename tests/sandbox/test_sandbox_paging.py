"""Paging: default page of 20, limit capped at 100, offset, meta.total as a string, id order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sandbox_server import RunningSandbox

Factory = Callable[..., RunningSandbox]


@pytest.fixture
def many_tags(tmp_path: Path) -> Path:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"tags": [f"tag {n:03}" for n in range(1, 131)]}))
    return seed


@pytest.fixture
def client(sandbox_factory: Factory, many_tags: Path) -> Iterator[httpx.Client]:
    sandbox = sandbox_factory(seed=many_tags)
    with sandbox.client() as client:
        yield client


def ids(answer: httpx.Response) -> list[int]:
    return [int(tag["id"]) for tag in answer.json()["tags"]]


def test_default_page_is_20_in_id_order(client: httpx.Client) -> None:
    answer = client.get("/tags")
    assert ids(answer) == list(range(1, 21))
    assert answer.json()["meta"] == {"total": "130"}


def test_limit_above_100_is_capped(client: httpx.Client) -> None:
    assert len(ids(client.get("/tags", params={"limit": 500}))) == 100
    assert len(ids(client.get("/tags", params={"limit": 100}))) == 100
    assert len(ids(client.get("/tags", params={"limit": 7}))) == 7


def test_offset_walks_the_pages(client: httpx.Client) -> None:
    seen: list[int] = []
    offset = 0
    while True:
        answer = client.get("/tags", params={"limit": 100, "offset": offset})
        seen += ids(answer)
        offset += 100
        if offset >= int(answer.json()["meta"]["total"]):
            break
    assert seen == list(range(1, 131))
    assert ids(client.get("/tags", params={"offset": 125})) == list(range(126, 131))
    assert ids(client.get("/tags", params={"offset": 500})) == []


def test_nonsense_paging_params_fall_back_to_defaults(client: httpx.Client) -> None:
    assert len(ids(client.get("/tags", params={"limit": "many", "offset": "x"}))) == 20
    assert ids(client.get("/tags", params={"limit": 0}))[:1] == [1]


def test_total_counts_the_filtered_rows(client: httpx.Client) -> None:
    answer = client.get("/tags", params={"search": "tag 12"})
    assert answer.json()["meta"]["total"] == "10"  # tag 120 .. tag 129


def test_orders_param_sorts(client: httpx.Client) -> None:
    answer = client.get("/tags", params={"orders[search]": "DESC", "limit": 3})
    assert [t["tag"] for t in answer.json()["tags"]] == ["tag 130", "tag 129", "tag 128"]


def test_every_list_endpoint_pages_with_string_totals(api: httpx.Client) -> None:
    for path, key in [
        ("/lists", "lists"),
        ("/fields", "fields"),
        ("/webhooks", "webhooks"),
        ("/fieldRels", "fieldRels"),
        ("/contacts", "contacts"),
    ]:
        body = api.get(path).json()
        assert body[key] == [], path
        assert body["meta"] == {"total": "0"}, path


def test_pipeline_and_stage_totals_are_numbers(api: httpx.Client) -> None:
    """[V-rec R13] REC-2026: a number on /dealGroups, /dealStages, /deals."""
    for path in ("/dealGroups", "/dealStages"):
        assert api.get(path).json()["meta"] == {"total": 0}, path


def test_deals_total_is_a_number(api: httpx.Client) -> None:
    assert api.get("/deals").json()["meta"] == {"total": 0}


def test_field_rels_limit_zero_returns_all(sandbox_factory: Factory, tmp_path: Path) -> None:
    lists = [
        {"stringid": f"l{n}", "name": f"L{n}", "sender_url": "u", "sender_reminder": "r"}
        for n in range(30)
    ]
    seed = {
        "lists": lists,
        "fields": [{"title": "F", "type": "text", "lists": [f"l{n}" for n in range(30)]}],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    sandbox = sandbox_factory(seed=path)
    with sandbox.client() as client:
        assert len(client.get("/fieldRels").json()["fieldRels"]) == 20
        every = client.get("/fieldRels", params={"limit": 0, "offset": 10}).json()
        assert len(every["fieldRels"]) == 30
        assert every["meta"]["total"] == "30"
        assert len(client.get("/fieldRels", params={"limit": -1}).json()["fieldRels"]) == 30
