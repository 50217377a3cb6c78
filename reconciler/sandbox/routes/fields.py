"""Contact custom fields ``/fields`` [V-docs OAS, GUIDE].

GET list and GET one sideload the ``fieldOptions`` and ``fieldRels`` of the fields shown;
``perstag`` is normalised (supplied: upper-cased, spaces dropped; omitted: derived from the
title); a second field with the same title is the documented 422 ``duplicate``; DELETE takes
the field's options and relations with it [INF].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.perstag import normalise_perstag
from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    account_of,
    duplicate,
    field_invalid,
    filtered,
    ids,
    meta,
    page,
    reply,
    same_text,
    text,
    to_int,
    to_str,
)
from reconciler.sandbox.records import FIELD_TYPES, Row, new_field, now
from reconciler.sandbox.routes.field_options import option_view
from reconciler.sandbox.routes.field_rels import rel_view
from reconciler.sandbox.store import Account

FIELDS = Resource("fields", "Field", "field")
STRINGS = ("title", "type", "perstag", "descript", "defval", "service")
FLAGS = ("isrequired", "visible", "show_in_list")
NUMBERS = ("ordernum", "rows", "cols")
ECHO_KEYS = (*STRINGS, *FLAGS, *NUMBERS)


def links(account: Account, ident: int) -> dict[str, str]:
    base = f"{account.link_base}/fields/{ident}"
    return {"options": f"{base}/options", "relations": f"{base}/relations"}


def field_view(
    account: Account, row: Row, owned: dict[str, dict[Any, list[Row]]] | None = None
) -> dict[str, Any]:
    """A field as GET shows it: numbers as strings, ids of its options and relations.
    ``owned`` (from ``owned_rows``) saves a scan of both tables for every field of a page."""
    view: dict[str, Any] = {key: text(row[key]) for key in ECHO_KEYS}
    owned = owned or owned_rows(account, {row["id"]})
    view["options"] = ids(owned["fieldOptions"].get(row["id"], []))
    view["relations"] = ids(owned["fieldRels"].get(row["id"], []))
    view.update(cdate=row["cdate"], udate=row["udate"], links=links(account, row["id"]))
    view["id"] = str(row["id"])
    return view


def field_echo(account: Account, row: Row, *, created: bool = False) -> dict[str, Any]:
    """The create/update echo: numbers as numbers [V-docs OAS update-a-field, GUIDE]; the
    create echo also names the user who made it [V-docs GUIDE]."""
    view: dict[str, Any] = {key: row[key] for key in ECHO_KEYS}
    if created:
        view.update(created_by="1", updated_by="1")
    view.update(cdate=row["cdate"], udate=row["udate"], links=links(account, row["id"]))
    view["id"] = str(row["id"])
    return view


def owned_rows(account: Account, shown: set[Any]) -> dict[str, dict[Any, list[Row]]]:
    """The options and relations of the fields ``shown``, by field id, in id order."""
    owned: dict[str, dict[Any, list[Row]]] = {"fieldOptions": {}, "fieldRels": {}}
    for table, by_field in owned.items():
        for row in account.rows(table):
            if row["field"] in shown:
                by_field.setdefault(row["field"], []).append(row)
    return owned


def sideloads(
    account: Account, rows: list[Row], owned: dict[str, dict[Any, list[Row]]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    owned = owned or owned_rows(account, {row["id"] for row in rows})
    options = sorted((r for rs in owned["fieldOptions"].values() for r in rs), key=_by_id)
    rels = sorted((r for rs in owned["fieldRels"].values() for r in rs), key=_by_id)
    return {
        "fieldOptions": [option_view(account, r) for r in options],
        "fieldRels": [rel_view(r) for r in rels],
    }


def _by_id(row: Row) -> Any:
    return row["id"]


def field_attrs(attrs: Row) -> Row:
    clean: Row = {}
    for key in STRINGS:
        if key in attrs:
            clean[key] = None if attrs[key] is None else to_str(attrs[key], "field", key)
    for key in FLAGS:
        if key in attrs:
            clean[key] = 1 if to_int(attrs[key], "field", key) else 0
    for key in NUMBERS:
        if key in attrs:
            clean[key] = to_int(attrs[key], "field", key)
    if clean.get("type") not in (None, *FIELD_TYPES):
        allowed = ", ".join(sorted(FIELD_TYPES))
        raise field_invalid("field", "type", f"type must be one of: {allowed}.")
    return clean


def check_unique(account: Account, title: str, perstag: str, ident: int | None = None) -> None:
    for row in account.rows("fields"):
        if row["id"] == ident:
            continue
        if same_text(row["title"], title):
            raise duplicate(
                "There is already a field with this title",
                f"There is already a field named '{title}' -- choose another name",
            )
        if row["perstag"] == perstag:
            # [INF] perstags are probably unique too; the wording is the sandbox's own.
            raise duplicate(
                "There is already a field with this personalization tag",
                f"There is already a field with the perstag '{perstag}' -- choose another perstag",
                "perstag",
            )


async def list_fields(request: Request) -> Response:
    account = account_of(request)
    rows = filtered(request, account.rows("fields"), {"perstag": (lambda r: r["perstag"], "eq")})
    chunk, total = page(request, rows)
    owned = owned_rows(account, {row["id"] for row in chunk})
    body = {
        **sideloads(account, chunk, owned),
        "fields": [field_view(account, row, owned) for row in chunk],
        "meta": meta(total),
    }
    return reply(body)


async def create_field(request: Request) -> Response:
    account = account_of(request)
    attrs = await FIELDS.created(request, "title", "type", clean=field_attrs)
    ordernum = max((row["ordernum"] for row in account.rows("fields")), default=0) + 1
    row = new_field(attrs, ordernum)
    check_unique(account, row["title"], row["perstag"])
    account.insert("fields", row)
    return reply({"field": field_echo(account, row, created=True)}, 201)


async def get_field(request: Request) -> Response:
    account, row = FIELDS.one(request)
    return reply({"field": field_view(account, row), **sideloads(account, [row])})


async def update_field(request: Request) -> Response:
    account, row = FIELDS.one(request)
    attrs = await FIELDS.changed(request, "title", "type", clean=field_attrs)
    if attrs.get("perstag"):
        attrs["perstag"] = normalise_perstag(attrs["perstag"])
    else:
        attrs.pop("perstag", None)
    if attrs.get("type") not in (None, row["type"]):
        # A field's type is fixed once it exists [INF R9: ActiveCampaign's UI cannot change it
        # and no recording shows the API doing so]; the wording is the sandbox's own.
        raise field_invalid(
            "field", "type", f"The type of an existing field cannot change ({row['type']})."
        )
    merged = {**row, **attrs}
    check_unique(account, merged["title"], merged["perstag"], row["id"])
    row.update(attrs, udate=now())
    return reply({"field": field_echo(account, row)})


delete_field = FIELDS.deleter(
    ("fieldOptions", "field"), ("fieldRels", "field"), ("fieldValues", "field")
)


async def field_options(request: Request) -> Response:
    """``links.options`` of a field."""
    account, row = FIELDS.one(request)
    options = account.rows("fieldOptions", field=row["id"])
    return reply({"fieldOptions": [option_view(account, option) for option in options]})


async def field_relations(request: Request) -> Response:
    """``links.relations`` of a field."""
    account, row = FIELDS.one(request)
    return reply(
        {"fieldRels": [rel_view(rel) for rel in account.rows("fieldRels", field=row["id"])]}
    )


ROUTES = [
    *FIELDS.routes(
        index=list_fields,
        create=create_field,
        get=get_field,
        update=update_field,
        delete=delete_field,
    ),
    Route("/fields/{id}/options", field_options, methods=["GET"]),
    Route("/fields/{id}/relations", field_relations, methods=["GET"]),
]
