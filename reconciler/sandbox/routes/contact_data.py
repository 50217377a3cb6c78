"""What contacts hold that configuration deletes take with them: list subscriptions
(``/contactLists``) and custom field values (``/fieldValues``).

Only what acr counts: ``GET /contacts?listid=`` (in crm.py) and ``GET
/fieldValues?filters[fieldid]=`` read a total; the creates let tests and seeds put data in.
Shapes follow ActiveCampaign's contacts reference [INF: not in activecampaign-api.md]; a
subscription create answers 200 (R5: contactLists).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    Getter,
    account_of,
    field_invalid,
    filtered,
    reply,
    to_int,
    to_str,
)
from reconciler.sandbox.records import Row, now

CONTACT_LISTS = Resource("contactLists", "ContactList", "contactList")
FIELD_VALUES = Resource("fieldValues", "FieldValue", "fieldValue")


def contact_list_view(row: Row) -> dict[str, Any]:
    ident = row["id"]
    return {
        "contact": str(row["contact"]),
        "list": str(row["list"]),
        "status": str(row["status"]),
        "cdate": row["cdate"],
        "links": {name: f"/api/3/contactLists/{ident}/{name}" for name in ("contact", "list")},
        "id": str(ident),
    }


def field_value_view(row: Row) -> dict[str, Any]:
    ident = row["id"]
    return {
        "contact": str(row["contact"]),
        "field": str(row["field"]),
        "value": row["value"],
        "cdate": row["cdate"],
        "udate": row["cdate"],
        "links": {name: f"/api/3/fieldValues/{ident}/{name}" for name in ("owner", "field")},
        "id": str(ident),
    }


async def create_contact_list(request: Request) -> Response:
    account = account_of(request)
    contact, list_id, status = await CONTACT_LISTS.created_ids(request, "contact", "list", "status")
    _need(account, "contacts", contact, "contactList", "contact")
    _need(account, "lists", list_id, "contactList", "list")
    row = _upsert(account, "contactLists", {"contact": contact, "list": list_id}, status=status)
    return reply({"contactList": contact_list_view(row)}, 200)


async def create_field_value(request: Request) -> Response:
    account = account_of(request)
    attrs = await FIELD_VALUES.created(request, "contact", "field", "value")
    contact = to_int(attrs["contact"], "fieldValue", "contact")
    field = to_int(attrs["field"], "fieldValue", "field")
    _need(account, "contacts", contact, "fieldValue", "contact")
    _need(account, "fields", field, "fieldValue", "field")
    value = to_str(attrs["value"], "fieldValue", "value")
    row = _upsert(account, "fieldValues", {"contact": contact, "field": field}, value=value)
    return reply({"fieldValue": field_value_view(row)}, 201)


async def list_field_values(request: Request) -> Response:
    account = account_of(request)
    getters: dict[str, tuple[Getter, str]] = {
        "fieldid": (lambda row: row["field"], "eq"),
        "val": (lambda row: row["value"], "eq"),
    }
    rows = filtered(request, account.rows("fieldValues"), getters)
    return FIELD_VALUES.paged(request, rows, field_value_view)


def _need(account: Any, table: str, ident: int, resource: str, attribute: str) -> None:
    if account.get(table, ident) is None:
        raise field_invalid(resource, attribute, f"There is no {attribute} with id {ident}.")


ROUTES = [
    *CONTACT_LISTS.routes(create=create_contact_list),
    *FIELD_VALUES.routes(index=list_field_values, create=create_field_value),
]


def _upsert(account: Any, table: str, keys: dict[str, Any], **values: Any) -> Row:
    """The row of ``table`` with ``keys`` updated with ``values``, or a new one: one contact
    holds one subscription per list and one value per field."""
    existing = account.rows(table, **keys)
    if existing:
        existing[0].update(values)
        return existing[0]
    row: Row = account.insert(table, {**keys, **values, "cdate": now()})
    return row
