"""Pipelines ``/dealGroups`` [V-docs OAS, DOCS:create-a-pipeline, delete-a-pipeline].

A new pipeline gets three stages ("To Contact", "In Contact", "Follow Up") and the create
answer carries them with its ``dealGroupUsers`` and ``dealGroupGroups``; GET sideloads the
``dealStages`` of the pipelines shown; DELETE takes the stages and their deals with it.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    account_of,
    duplicate,
    field_invalid,
    filtered,
    ids,
    meta,
    ordered,
    page,
    reply,
    taken,
    text,
    to_int,
    to_str,
)
from reconciler.sandbox.records import Row, default_stages, new_pipeline, now
from reconciler.sandbox.routes.stages import stage_view, stages_of
from reconciler.sandbox.store import Account

PIPELINES = Resource("dealGroups", "DealGroup", "dealGroup")
FLAGS = {"allgroups": (0, 1), "allusers": (0, 1), "autoassign": (0, 1, 2)}
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
MEMBER_TABLES = ("dealGroupGroups", "dealGroupUsers")


def pipeline_view(account: Account, row: Row, *, echo: bool = False) -> dict[str, Any]:
    """GET: flags as strings and the ids of its ``stages``. Echo: flags as numbers plus the
    ids of ``dealGroupUsers``/``dealGroupGroups`` (the caller drops ``stages`` on update)."""
    number = (lambda value: value) if echo else text
    ident = row["id"]
    view: dict[str, Any] = {key: number(row[key]) for key in FLAGS}
    view.update(cdate=row["cdate"], currency=row["currency"])
    if echo:
        view["dealGroupGroups"] = ids(account.rows("dealGroupGroups", dealGroup=ident))
        view["dealGroupUsers"] = ids(account.rows("dealGroupUsers", dealGroup=ident))
    base = f"/api/3/dealGroups/{ident}"
    view["id"] = str(ident)
    view["links"] = {name: f"{base}/{name}" for name in ("dealGroupGroups", "dealGroupUsers")}
    view["links"]["stages"] = f"{base}/stages"
    view["stages"] = ids(stages_of(account, ident))
    view.update(title=row["title"], udate=row["udate"])
    return view


def member_views(account: Account, table: str, ident: int) -> list[dict[str, Any]]:
    """The ``dealGroupUsers`` or ``dealGroupGroups`` sideload of one pipeline."""
    other = "user" if table == "dealGroupUsers" else "group"
    views = []
    for row in account.rows(table, dealGroup=ident):
        base = f"/api/3/{table}/{row['id']}"
        views.append(
            {
                "cdate": None,
                "dealGroup": str(ident),
                "id": str(row["id"]),
                "links": {"dealGroup": f"{base}/dealGroup", other: f"{base}/{other}"},
                other: str(row[other]),
            }
        )
    return views


def members(account: Account, ident: int) -> dict[str, list[dict[str, Any]]]:
    """Both sideloads of a write's answer, ``dealGroupGroups`` then ``dealGroupUsers``."""
    return {table: member_views(account, table, ident) for table in MEMBER_TABLES}


def pipeline_attrs(attrs: Row) -> Row:
    clean: Row = {}
    for key in ("title", "currency"):
        if key in attrs:
            clean[key] = to_str(attrs[key], "dealGroup", key)
    if clean.get("currency") and not _CURRENCY.match(clean["currency"]):
        raise field_invalid("dealGroup", "currency", "currency must be a 3-letter code.")
    for key, allowed in FLAGS.items():
        if key in attrs:
            clean[key] = to_int(attrs[key], "dealGroup", key)
            if clean[key] not in allowed:
                raise field_invalid("dealGroup", key, f"{key} must be one of {allowed}.")
    for key in ("users", "groups"):
        if key in attrs:
            if not isinstance(attrs[key], list):
                raise field_invalid("dealGroup", key, f"{key} must be an array of ids.")
            clean[key] = [to_int(item, "dealGroup", key) for item in attrs[key]]
    return clean


def check_title(account: Account, title: str, ident: int | None = None) -> None:
    """[INF] titles are unique, case-insensitively; the error wording is the sandbox's own."""
    if taken(account.rows("dealGroups"), "title", title, ident):
        raise duplicate(
            "Duplicate pipeline title", f"There is already a pipeline named '{title}'", "title"
        )


def set_members(account: Account, ident: int, attrs: Row) -> None:
    """``users``/``groups`` replace the pipeline's sets when given [INF from the example]."""
    for key, table, column in (
        ("users", "dealGroupUsers", "user"),
        ("groups", "dealGroupGroups", "group"),
    ):
        if key in attrs:
            account.remove_where(table, lambda r: r["dealGroup"] != ident)
            for member in attrs[key]:
                account.insert(table, {"dealGroup": ident, column: member})


async def list_pipelines(request: Request) -> Response:
    account = account_of(request)
    filters = {
        "title": (lambda r: r["title"], "contains"),
        "have_stages": (lambda r: "1" if stages_of(account, r["id"]) else "0", "eq"),
    }
    rows = filtered(request, account.rows("dealGroups"), filters)
    rows = ordered(request, rows, {"title": lambda r: r["title"]})
    chunk, total = page(request, rows)
    stages = [stage for row in chunk for stage in stages_of(account, row["id"])]
    return reply(
        {
            "dealGroups": [pipeline_view(account, row) for row in chunk],
            "dealStages": [stage_view(stage) for stage in stages],
            "meta": meta(total, number=True),  # a number here [V-rec R13]
        }
    )


async def create_pipeline(request: Request) -> Response:
    account = account_of(request)
    attrs = await PIPELINES.created(request, "title", "currency", clean=pipeline_attrs)
    check_title(account, attrs["title"])
    row = account.insert("dealGroups", new_pipeline(attrs["title"], attrs["currency"], attrs))
    for stage in default_stages(row["id"], account.settings["stage_colors"]):
        account.insert("dealStages", stage)
    set_members(account, row["id"], attrs)
    return reply(
        {
            "dealGroup": pipeline_view(account, row, echo=True),
            **members(account, row["id"]),
            "dealStages": [stage_view(stage) for stage in stages_of(account, row["id"])],
        },
        201,
    )  # 201 as recorded [V-rec R5]; the docs' example says 200


async def get_pipeline(request: Request) -> Response:
    account, row = PIPELINES.one(request)
    stages = [stage_view(stage) for stage in stages_of(account, row["id"])]
    return reply({"dealGroup": pipeline_view(account, row), "dealStages": stages})


async def update_pipeline(request: Request) -> Response:
    account, row = PIPELINES.one(request)
    attrs = await PIPELINES.changed(request, "title", "currency", clean=pipeline_attrs)
    if "title" in attrs:
        check_title(account, attrs["title"], row["id"])
    row.update({k: v for k, v in attrs.items() if k not in ("users", "groups")}, udate=now())
    set_members(account, row["id"], attrs)
    view = pipeline_view(account, row, echo=True)
    del view["stages"]  # the update echo has no stages [V-docs OAS update-a-pipeline]
    return reply({"dealGroup": view, **members(account, row["id"])})


def empty_answer() -> Response:
    """The docs' example answer to deleting a pipeline is an empty body, unlike the other
    DELETEs' ``{}`` [V-docs OAS]."""
    return Response(b"", status_code=200, media_type="application/json")


# Deletes the pipeline's stages and deals [V-docs DOCS:delete-a-pipeline].
delete_pipeline = PIPELINES.deleter(
    ("deals", "group"),
    ("dealStages", "group"),
    ("dealGroupUsers", "dealGroup"),
    ("dealGroupGroups", "dealGroup"),
    answer=empty_answer,
)

ROUTES = PIPELINES.routes(
    index=list_pipelines,
    create=create_pipeline,
    get=get_pipeline,
    update=update_pipeline,
    delete=delete_pipeline,
)
