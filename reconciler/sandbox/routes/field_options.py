"""Contact field options: ``POST /fieldOption/bulk`` [V-docs OAS create-custom-field-options],
``GET/PUT/DELETE /fieldOptions/{id}`` and ``GET /fieldOptions`` (undocumented, used by clients
[V-2nd]; the PUT body ``{"fieldOption": {...}}`` is [INF])."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    ApiProblem,
    account_of,
    body_json,
    reply,
    text,
    to_int,
    to_str,
)
from reconciler.sandbox.records import Row, new_field_option, now
from reconciler.sandbox.store import Account

OPTIONS = Resource("fieldOptions", "FieldOption", "fieldOption")
BULK_MALFORMED = "Bulk operation failed. Request must contain an array of fieldOption objects."


def option_view(account: Account, row: Row, *, echo: bool = False) -> dict[str, Any]:
    """GET: strings. Create/update echo: ``orderid`` and ``isdefault`` numbers, ``field`` a
    string [V-docs OAS create-custom-field-options]."""
    number = (lambda value: value) if echo else text
    return {
        "field": str(row["field"]),
        "orderid": number(row["orderid"]),
        "value": row["value"],
        "label": row["label"],
        "isdefault": number(row["isdefault"]),
        "cdate": row["cdate"],
        "udate": row["udate"],
        "links": {"field": f"{account.link_base}/fieldOptions/{row['id']}/field"},
        "id": str(row["id"]),
    }


def bulk_error(message: str = BULK_MALFORMED) -> ApiProblem:
    """The string form of ``errors`` that only this endpoint uses [V-docs OAS]."""
    return ApiProblem(422, {"errors": message})


def bulk_rows(account: Account, items: Any) -> list[Row]:
    """Every option checked before any is stored: the bulk create is all or nothing [INF]."""
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise bulk_error()
    rows: list[Row] = []
    next_order: dict[int, int] = {}
    for item in items:
        if item.get("field") in (None, "") or item.get("value") in (None, ""):
            raise bulk_error("Bulk operation failed. Every fieldOption needs a field and a value.")
        try:
            field = to_int(item["field"], "fieldOption", "field")
            value = to_str(item["value"], "fieldOption", "value")
            label = to_str(item.get("label") or value, "fieldOption", "label")
            isdefault = 1 if to_int(item.get("isdefault") or 0, "fieldOption", "isdefault") else 0
            order = item.get("orderid")
            orderid = None if order is None else to_int(order, "fieldOption", "orderid")
        except ApiProblem:
            raise bulk_error() from None
        if account.get("fields", field) is None:
            raise bulk_error(f"Bulk operation failed. There is no field with id {field}.")
        if orderid is None:
            taken = [o["orderid"] for o in account.rows("fieldOptions", field=field)]
            orderid = next_order.get(field, max(taken, default=0) + 1)
        next_order[field] = orderid + 1
        rows.append(new_field_option(field, value, label, orderid, isdefault))
    return rows


async def bulk_create(request: Request) -> Response:
    account = account_of(request)
    data = await body_json(request)
    rows = bulk_rows(account, data.get("fieldOptions") if isinstance(data, dict) else None)
    created = [account.insert("fieldOptions", row) for row in rows]
    return reply({"fieldOptions": [option_view(account, r, echo=True) for r in created]}, 201)


def option_attrs(attrs: Row) -> Row:
    """An update's attributes, checked."""
    changes: Row = {}
    for key in ("value", "label"):
        if key in attrs:
            changes[key] = to_str(attrs[key], "fieldOption", key)
    if "orderid" in attrs:
        changes["orderid"] = to_int(attrs["orderid"], "fieldOption", "orderid")
    if "isdefault" in attrs:
        changes["isdefault"] = 1 if to_int(attrs["isdefault"], "fieldOption", "isdefault") else 0
    return changes


async def update_option(request: Request) -> Response:
    account, row = OPTIONS.one(request)
    row.update(await OPTIONS.changed(request, clean=option_attrs), udate=now())
    return reply({"fieldOption": option_view(account, row, echo=True)})


list_options = OPTIONS.lister(option_view)
get_option = OPTIONS.getter(option_view)
delete_option = OPTIONS.deleter()

ROUTES = [
    Route("/fieldOption/bulk", bulk_create, methods=["POST"]),
    *OPTIONS.routes(index=list_options, get=get_option, update=update_option, delete=delete_option),
]
