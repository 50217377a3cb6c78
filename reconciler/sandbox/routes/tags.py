"""``/tags`` [V-docs OAS]: GET list (``search``, ``filters[search]``), POST (201), GET one (with
``subscriber_count``), PUT, DELETE (the tag leaves every contact)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.http import (
    ApiProblem,
    account_of,
    deleted,
    envelope,
    fetch,
    field_invalid,
    filtered,
    meta,
    ordered,
    page,
    path_id,
    reply,
    to_str,
)
from reconciler.sandbox.records import Row, new_tag, now
from reconciler.sandbox.store import Account

TAG_TYPES = ("contact", "template")


def tag_view(account: Account, row: Row, *, count: bool = False) -> dict[str, Any]:
    """A tag as the API shows it; ``subscriber_count`` only on GET one [V-docs OAS]."""
    view: dict[str, Any] = {
        "tagType": row["tagType"],
        "tag": row["tag"],
        "description": row["description"],
        "cdate": row["cdate"],
    }
    if count:
        view["subscriber_count"] = str(len(account.rows("contactTags", tag=row["id"])))
    view["links"] = {"contactGoalTags": f"{account.link_base}/tags/{row['id']}/contactGoalTags"}
    view["id"] = str(row["id"])
    return view


def check_unique(account: Account, tag_type: str, name: str, ident: int | None = None) -> None:
    """The unique key ``typetag`` over (tagType, tag), compared case-insensitively.

    [V-2nd verbb/formie#1389] the body; the status is not shown anywhere, 422 is [INF].
    """
    for row in account.rows("tags", tagType=tag_type):
        if row["id"] != ident and row["tag"].casefold() == name.casefold():
            raise ApiProblem(
                422,
                {
                    "message": "Could not process request",
                    "error": f"Duplicate entry '{tag_type}-{name}' for key 'typetag'",
                },
            )


def tag_attrs(attrs: Row) -> Row:
    """The writable attributes, checked; no attribute is required [V-docs OAS]."""
    clean: Row = {}
    for key in ("tag", "description", "tagType"):
        if key in attrs:
            clean[key] = to_str(attrs[key], "tag", key) if attrs[key] is not None else ""
    if "tagType" in clean and clean["tagType"] not in TAG_TYPES:
        raise field_invalid("tag", "tagType", "tagType must be one of: contact, template.")
    return clean


async def list_tags(request: Request) -> Response:
    account = account_of(request)
    rows = account.rows("tags")
    search = request.query_params.get("search")
    if search:
        rows = [row for row in rows if search.casefold() in row["tag"].casefold()]
    rows = filtered(request, rows, {"search": (lambda row: row["tag"], "contains")})
    rows = ordered(request, rows, {"search": lambda row: row["tag"]})
    chunk, total = page(request, rows)
    return reply({"tags": [tag_view(account, row) for row in chunk], "meta": meta(total)})


async def create_tag(request: Request) -> Response:
    account = account_of(request)
    attrs = tag_attrs(await envelope(request, "tag"))
    row = new_tag(
        attrs.get("tag", ""), attrs.get("tagType", "contact"), attrs.get("description", "")
    )
    check_unique(account, row["tagType"], row["tag"])
    account.insert("tags", row)
    return reply({"tag": tag_view(account, row)}, 201)


async def get_tag(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "tags", "Tag", path_id(request, "Tag"))
    return reply({"tag": tag_view(account, row, count=True)})


async def update_tag(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "tags", "Tag", path_id(request, "Tag"))
    attrs = tag_attrs(await envelope(request, "tag"))
    merged = {**row, **attrs}
    check_unique(account, merged["tagType"], merged["tag"], row["id"])
    row.update(attrs, udate=now())
    return reply({"tag": tag_view(account, row)})


async def delete_tag(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "tags", "Tag", path_id(request, "Tag"))
    account.remove_where("contactTags", lambda ct: ct["tag"] != row["id"])
    account.remove("tags", row["id"])
    return deleted()


ROUTES = [
    Route("/tags", list_tags, methods=["GET"]),
    Route("/tags", create_tag, methods=["POST"]),
    Route("/tags/{id}", get_tag, methods=["GET"]),
    Route("/tags/{id}", update_tag, methods=["PUT"]),
    Route("/tags/{id}", delete_tag, methods=["DELETE"]),
]
