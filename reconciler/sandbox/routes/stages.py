"""Deal stages ``/dealStages`` [V-docs OAS, DOCS:delete-a-deal-stage, move-deals].

Create and update echo ``order`` and ``width`` as numbers, GET as strings; ``?reorder=1``
renumbers the pipeline's stages 1..n (on ties the highest id gets the lowest order); deleting a
stage deletes its deals; ``PUT /dealStages/{id}/deals`` moves them within the pipeline.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.handlers import Resource, by_row
from reconciler.sandbox.http import (
    ApiProblem,
    account_of,
    envelope,
    field_invalid,
    filtered,
    ordered,
    reply,
    text,
    to_int,
    to_str,
)
from reconciler.sandbox.records import STAGE_DEFAULTS, Row, new_stage, now
from reconciler.sandbox.routes.crm import deal_view
from reconciler.sandbox.store import Account

STAGES = Resource("dealStages", "DealStage", "dealStage")
TEXTS = ("title", *(key for key in STAGE_DEFAULTS if key != "width"))
_HEX = re.compile(r"^[0-9A-Fa-f]{6}$")


def stage_view(row: Row, *, echo: bool = False) -> dict[str, Any]:
    number = (lambda value: value) if echo else text
    view: dict[str, Any] = {key: row[key] for key in STAGE_DEFAULTS if key != "width"}
    view.update(
        cdate=row["cdate"],
        group=str(row["group"]),
        id=str(row["id"]),
        links={"group": f"/api/3/dealStages/{row['id']}/group"},
        order=number(row["order"]),
        title=row["title"],
        udate=row["udate"],
        width=number(row["width"]),
    )
    return view


def stages_of(account: Account, group: int) -> list[Row]:
    """A pipeline's stages in board order."""
    return sorted(account.rows("dealStages", group=group), key=lambda s: (s["order"], s["id"]))


def renumber(account: Account, group: int) -> None:
    rows = sorted(account.rows("dealStages", group=group), key=lambda s: (s["order"], -s["id"]))
    for order, row in enumerate(rows, start=1):
        row["order"] = order


def stage_attrs(account: Account, attrs: Row) -> Row:
    clean: Row = {}
    for key in TEXTS:
        if key in attrs:
            clean[key] = to_str(attrs[key], "dealStage", key)
    for key in ("group", "order", "width"):
        if key in attrs:
            clean[key] = to_int(attrs[key], "dealStage", key)
    if "color" in clean and not _HEX.match(clean["color"]):
        raise field_invalid("dealStage", "color", "color must be 6 hex digits without '#'.")
    if "group" in clean and account.get("dealGroups", clean["group"]) is None:
        raise field_invalid("dealStage", "group", f"There is no pipeline with id {clean['group']}.")
    return clean


def reorder_asked(request: Request) -> bool:
    return request.query_params.get("reorder") in ("1", "true")


async def list_stages(request: Request) -> Response:
    account = account_of(request)
    filters = {
        "d_groupid": (lambda r: r["group"], "eq"),
        "title": (lambda r: r["title"], "contains"),
    }
    rows = filtered(request, account.rows("dealStages"), filters)
    rows = ordered(request, rows, {"title": lambda r: r["title"]})
    return STAGES.paged(request, rows, stage_view, number=True)  # [V-rec R13]


async def create_stage(request: Request) -> Response:
    account = account_of(request)
    attrs = await STAGES.created(request, "title", "group", clean=partial(stage_attrs, account))
    group = attrs["group"]
    order = attrs.get("order")
    if order is None:
        order = max((s["order"] for s in account.rows("dealStages", group=group)), default=0) + 1
    row = account.insert("dealStages", new_stage(group, attrs["title"], order, attrs))
    if reorder_asked(request):
        renumber(account, group)
    return reply({"dealStage": stage_view(row, echo=True)}, 201)  # as recorded [V-rec R5]


async def update_stage(request: Request) -> Response:
    account, row = STAGES.one(request)
    attrs = await STAGES.changed(request, "title", "group", clean=partial(stage_attrs, account))
    old_group = row["group"]
    row.update(attrs, udate=now())
    if row["group"] != old_group:
        # [UNK] what happens to the deals of a stage moved to another pipeline; the sandbox
        # takes them along.
        for deal in account.rows("deals", stage=row["id"]):
            deal["group"] = row["group"]
    if reorder_asked(request):
        renumber(account, row["group"])
        if row["group"] != old_group:
            renumber(account, old_group)
    return reply({"dealStage": stage_view(row, echo=True)})


get_stage = STAGES.getter(by_row(stage_view))
# Deleting a stage deletes every deal in it [V-docs DOCS:delete-a-deal-stage].
delete_stage = STAGES.deleter(("deals", "stage"))


def move_error(detail: str) -> ApiProblem:
    """[V-docs OAS move-deals-to-another-deal-stage] the documented 422."""
    entry = {
        "detail": detail,
        "source": {"pointer": "/data/attributes/stage"},
        "status": 422,
        "title": "Invalid attribute",
    }
    return ApiProblem(422, {"errors": [entry]})


async def move_deals(request: Request) -> Response:
    account, source = STAGES.one(request)
    attrs = await envelope(request, "deal")
    raw = str(attrs.get("stage", ""))
    target = account.get("dealStages", int(raw)) if raw.isdigit() else None
    if target is None:
        raise move_error("Target stage does not exist")  # [INF] wording
    if target["group"] != source["group"]:
        raise move_error("Target stage does not belong to same pipeline")
    moved = account.rows("deals", stage=source["id"])
    for deal in moved:
        deal.update(stage=target["id"], mdate=now())
    return reply({"deals": [deal_view(deal) for deal in moved]})


ROUTES = [
    *STAGES.routes(
        index=list_stages,
        create=create_stage,
        get=get_stage,
        update=update_stage,
        delete=delete_stage,
    ),
    Route("/dealStages/{id}/deals", move_deals, methods=["PUT"]),
]
