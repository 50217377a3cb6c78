"""collect: every page of a collection, its sideloads merged, rows in id order."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import Client, collection_key
from reconciler.errors import ApiError
from reconciler.kinds.base import RawCollection

from .conftest import DIRECT_API


def tag(i: int) -> dict[str, Any]:
    return {"id": str(i), "tag": f"tag {i}", "tagType": "contact", "links": {}}


def paged(
    rows: list[Any], key: str, total: Any, sideloads: Callable[[int], dict[str, Any]]
) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect serving ``rows`` by limit/offset like ActiveCampaign."""

    def respond(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params.get("limit", 20))
        offset = int(request.url.params.get("offset", 0))
        body: dict[str, Any] = {key: rows[offset : offset + limit], **sideloads(offset)}
        if total is not None:
            body["meta"] = {"total": total}
        return httpx.Response(200, json=body)

    return respond


def collect(make_client: Callable[..., Client], path: str, params: Any = None) -> RawCollection:
    async def main() -> RawCollection:
        async with make_client() as client:
            return await client.collect(path, params)

    return asyncio.run(main())


@pytest.mark.parametrize("total", ["250", 250])
def test_250_tags_take_three_pages_with_sideloads_merged(
    make_client: Callable[..., Client], total: Any
) -> None:
    rows = [tag(i) for i in range(1, 251)]
    random.Random(7).shuffle(rows)  # the API's order is not guaranteed

    def sideloads(offset: int) -> dict[str, Any]:
        # every page repeats the shared row 1 and brings one of its own
        return {"contactGoalTags": [{"id": "1", "page": 0}, {"id": str(100 + offset)}]}

    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").mock(side_effect=paged(rows, "tags", total, sideloads))
        raw = collect(make_client, "/tags", {"search": "x", "limit": 5, "offset": 7})

    assert [dict(call.request.url.params) for call in route.calls] == [
        {"search": "x", "limit": "100", "offset": str(offset)} for offset in (0, 100, 200)
    ]
    assert [row["id"] for row in raw.items] == [str(i) for i in range(1, 251)]
    assert raw.sideloads == {
        "contactGoalTags": [{"id": "1", "page": 0}, {"id": "100"}, {"id": "200"}, {"id": "300"}]
    }


def test_exactly_one_full_page_stops_on_the_total(make_client: Callable[..., Client]) -> None:
    rows = [tag(i) for i in range(1, 101)]
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").mock(side_effect=paged(rows, "tags", "100", lambda _: {}))
        raw = collect(make_client, "/tags")
    assert route.call_count == 1
    assert len(raw.items) == 100


def test_documented_tags_page(make_client: Callable[..., Client], examples: Any) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").respond(json=examples["GET /tags"]["200"])
        raw = collect(make_client, "/tags")
    assert route.call_count == 1
    assert [row["tag"] for row in raw.items] == ["one", "two", "three", "test1", "test2"]
    assert raw.sideloads == {}


def test_documented_pipelines_keep_their_stages_as_a_sideload(
    make_client: Callable[..., Client], examples: Any
) -> None:
    page = examples["GET /dealGroups"]["200"]
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/dealGroups").respond(json=page)
        raw = collect(make_client, "/dealGroups")
    assert [row["title"] for row in raw.items] == ["Pipeline A", "Pipeline Yesterday"]
    assert list(raw.sideloads) == ["dealStages"]
    ids = [int(row["id"]) for row in raw.sideloads["dealStages"]]
    assert ids == sorted(ids) and len(ids) == len(page["dealStages"])


def test_documented_fields_are_sorted_by_id(
    make_client: Callable[..., Client], examples: Any
) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/fields").respond(json=examples["GET /fields"]["200"])
        raw = collect(make_client, "/fields")
    assert [row["id"] for row in raw.items] == ["1", "2"]  # the example lists 2 before 1
    assert raw.sideloads == {"fieldOptions": [], "fieldRels": []}


def test_numeric_total_and_a_two_segment_path(
    make_client: Callable[..., Client], examples: Any
) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/webhook/events").respond(json=examples["GET /webhook/events"]["200"])
        raw = collect(make_client, "/webhook/events")
    assert route.call_count == 1
    assert len(raw.items) == 25 and raw.items[0] == "bounce"  # rows are plain strings here


def test_no_meta_stops_on_a_short_page(make_client: Callable[..., Client], examples: Any) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/dealCustomFieldMeta").respond(
            json=examples["GET /dealCustomFieldMeta"]["200"]
        )
        raw = collect(make_client, "/dealCustomFieldMeta")
    assert route.call_count == 1
    assert [row["fieldLabel"] for row in raw.items] == ["Text Example", "Multiple Choice Example"]


def test_no_meta_reads_on_while_pages_are_full(make_client: Callable[..., Client]) -> None:
    rows = [tag(i) for i in range(1, 131)]
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").mock(side_effect=paged(rows, "tags", None, lambda _: {}))
        raw = collect(make_client, "/tags")
    assert [call.request.url.params["offset"] for call in route.calls] == ["0", "100"]
    assert len(raw.items) == 130


def test_an_empty_page_ends_the_read_even_if_the_total_says_more(
    make_client: Callable[..., Client],
) -> None:
    rows = [tag(i) for i in range(1, 101)]  # the total claims 300: rows were deleted meanwhile
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").mock(side_effect=paged(rows, "tags", "300", lambda _: {}))
        raw = collect(make_client, "/tags")
    assert route.call_count == 3  # the pages the total named, requested together
    assert len(raw.items) == 100


def test_an_endpoint_that_ignores_offset_does_not_loop(make_client: Callable[..., Client]) -> None:
    rows = [tag(i) for i in range(1, 151)]
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").respond(json={"tags": rows})  # all rows, every time
        raw = collect(make_client, "/tags")
    assert route.call_count == 2
    assert len(raw.items) == 150


@pytest.mark.parametrize("body", [{"message": "hello"}, [], {"tags": "nope"}])
def test_an_answer_without_rows_is_an_error(make_client: Callable[..., Client], body: Any) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(json=body)
        with pytest.raises(ApiError, match=r"^GET /tags: 200 unexpected answer"):
            collect(make_client, "/tags")


def test_a_non_json_page_is_an_error_not_an_empty_account(
    make_client: Callable[..., Client],
) -> None:
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(text="<html>login</html>")
        with pytest.raises(ApiError, match="unexpected answer"):
            collect(make_client, "/tags")


@pytest.mark.parametrize(
    ("path", "page", "expected"),
    [
        ("/dealGroups", {"dealGroups": [], "dealStages": [], "meta": {}}, "dealGroups"),
        ("/webhook/events", {"webhookEvents": [], "meta": {"total": 0}}, "webhookEvents"),
        ("/fields/3/options", {"fieldOptions": [], "fields": []}, "fieldOptions"),
        ("/fieldRels", {"fieldrels": []}, "fieldrels"),
        ("/groupMembers", {"groupDefinitions": []}, "groupDefinitions"),
        ("/groupMembers", {"a": [], "b": []}, None),
        ("/tags", [], None),
    ],
)
def test_collection_key(path: str, page: Any, expected: str | None) -> None:
    assert collection_key(path, page) == expected


def concurrent_pages(
    rows: list[Any], total: Callable[[int], str], fail_at: int | None = None
) -> tuple[Callable[[httpx.Request], Any], list[int]]:
    """An async respx side effect that holds every page after the first until all the pages
    the first total names are in flight, recording the most in flight at once."""
    in_flight: list[int] = [0, 0]  # now, most
    waiting: list[asyncio.Event] = []

    async def respond(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        if offset:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
            event = asyncio.Event()
            waiting.append(event)
            if len(waiting) == (int(total(0)) - 1) // 100:
                for other in waiting:
                    other.set()
            await asyncio.wait_for(event.wait(), 1)
            in_flight[0] -= 1
        if offset == fail_at:
            return httpx.Response(422, json={"errors": [{"title": "bad page"}]})
        body = {"tags": rows[offset : offset + 100], "meta": {"total": total(offset)}}
        return httpx.Response(200, json=body)

    return respond, in_flight


def test_the_pages_after_the_first_are_fetched_concurrently(
    make_client: Callable[..., Client],
) -> None:
    rows = [tag(i) for i in range(1, 451)]
    respond, in_flight = concurrent_pages(rows, lambda _: "450")
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").mock(side_effect=respond)
        raw = collect(make_client, "/tags")
    offsets = sorted(int(call.request.url.params["offset"]) for call in route.calls)
    assert offsets == [0, 100, 200, 300, 400]
    assert in_flight[1] == 4  # all four at once: none waited for another's answer
    assert [row["id"] for row in raw.items] == [str(i) for i in range(1, 451)]


def test_a_total_that_grows_while_reading_reads_on(make_client: Callable[..., Client]) -> None:
    rows = [tag(i) for i in range(1, 351)]  # 150 rows were added after the first page

    def respond(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        total = "200" if offset == 0 else "350"
        return httpx.Response(
            200, json={"tags": rows[offset : offset + 100], "meta": {"total": total}}
        )

    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/tags").mock(side_effect=respond)
        raw = collect(make_client, "/tags")
    offsets = [int(call.request.url.params["offset"]) for call in route.calls]
    assert offsets == [0, 100, 200, 300]
    assert len(raw.items) == 350


def test_a_failed_page_cancels_its_siblings_and_raises(make_client: Callable[..., Client]) -> None:
    rows = [tag(i) for i in range(1, 451)]
    respond, in_flight = concurrent_pages(rows, lambda _: "450", fail_at=200)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").mock(side_effect=respond)
        with pytest.raises(ApiError, match="bad page"):
            collect(make_client, "/tags")
    assert in_flight[0] == 0  # nothing left running
