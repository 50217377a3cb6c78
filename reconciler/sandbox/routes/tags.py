"""``/tags`` [V-docs OAS]: GET list (``search``, ``filters[search]``), POST (201), GET one (with
``subscriber_count``), PUT, DELETE (the tag leaves every contact)."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    ApiProblem,
    account_of,
    field_invalid,
    filtered,
    ordered,
    reply,
    taken,
    to_str,
)
from reconciler.sandbox.records import Row, new_tag, now
from reconciler.sandbox.store import Account

TAGS = Resource("tags", "Tag", "tag")
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
    if taken(account.rows("tags", tagType=tag_type), "tag", name, ident):
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
    return TAGS.paged(request, rows, partial(tag_view, account))


async def create_tag(request: Request) -> Response:
    account = account_of(request)
    attrs = await TAGS.created(request, clean=tag_attrs)
    row = new_tag(
        attrs.get("tag", ""), attrs.get("tagType", "contact"), attrs.get("description", "")
    )
    check_unique(account, row["tagType"], row["tag"])
    account.insert("tags", row)
    return reply({"tag": tag_view(account, row)}, 201)


async def update_tag(request: Request) -> Response:
    account, row = TAGS.one(request)
    attrs = await TAGS.changed(request, clean=tag_attrs)
    merged = {**row, **attrs}
    check_unique(account, merged["tagType"], merged["tag"], row["id"])
    row.update(attrs, udate=now())
    return reply({"tag": tag_view(account, row)})


get_tag = TAGS.getter(partial(tag_view, count=True))
delete_tag = TAGS.deleter(("contactTags", "tag"))  # the tag leaves every contact

ROUTES = TAGS.routes(
    index=list_tags, create=create_tag, get=get_tag, update=update_tag, delete=delete_tag
)
