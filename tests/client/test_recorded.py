"""The client and the kinds on recorded shapes (activecampaign-api.md section 10), with respx."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.apply import IdMap
from reconciler.client import Client
from reconciler.kinds import standard_kinds
from reconciler.plan import Change

from .conftest import DIRECT_API

KINDS = standard_kinds()


def run(client: Client, step: Callable[[Client], Any]) -> Any:
    async def main() -> Any:
        async with client:
            return await step(client)

    return asyncio.run(main())


@pytest.mark.parametrize("total", ["3", 3])  # [V-rec R13] a string on lists, a number on deals
def test_meta_total_may_be_a_string_or_a_number(
    make_client: Callable[..., Client], total: Any
) -> None:
    rows = [{"id": str(i), "title": f"P{i}"} for i in (1, 2, 3)]
    with respx.mock(base_url=DIRECT_API) as mock:
        route = mock.get("/dealGroups").respond(
            200, json={"dealGroups": rows, "dealStages": [], "meta": {"total": total}}
        )
        found = run(make_client(), lambda c: c.collect("/dealGroups"))
    assert [row["id"] for row in found.items] == ["1", "2", "3"]
    assert route.call_count == 1


def test_a_stage_found_after_an_ambiguous_create_must_be_in_its_pipeline(
    make_client: Callable[..., Client],
) -> None:
    """The create timed out; the look-up finds a stage of that title in another pipeline
    (the filter is not trusted): it is not taken for the new stage, the create is sent again."""
    want = KINDS["pipeline"].desired(KINDS["pipeline"].spec(title="Sales", stages=["Won"]), "m:1")
    stage = next(obj for obj in want if obj.kind == "stage")
    change = Change("create", "stage", stage.key, stage.label, desired=stage)
    ids = IdMap({("pipeline", "sales"): "4"})
    other = {"id": "50", "group": "99", "title": "Won"}
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.post("/dealStages").side_effect = [
            httpx.ReadTimeout("slow"),
            httpx.Response(201, json={"dealStage": {"id": "60", "group": "4", "title": "Won"}}),
        ]
        mock.get("/dealStages").respond(200, json={"dealStages": [other], "meta": {"total": 1}})
        made = run(make_client(), lambda c: KINDS["stage"].create(c, change, ids))
    assert made == "60"
