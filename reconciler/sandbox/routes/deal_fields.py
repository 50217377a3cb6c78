"""Deal custom fields ``/dealCustomFieldMeta`` and field groups ``/groupMembers`` [V-docs OAS].

Shapes follow the reference examples, which differ from the older endpoints: numbers stay
numbers on reads (``displayOrder``, ``isFormVisible``), the list has no ``meta``, the create
answers 200, not-found is ``{"errors": [{"status": 404, "title": "Not Found"}]}`` and a
delete answers ``{"message": "DealCustomFieldMeta deleted."}``. The single-object answers
carry fewer keys than the list's rows, as in the examples. ``PUT`` takes no ``fieldType``
and no ``isRequired``; the sandbox ignores both there [V-docs OAS schema; INF].

``GET /groupMembers`` lists the field groups (``groupDefinitions``, ids as numbers); ``POST``
adds a field to one. A field deleted leaves its deal groups with it [INF].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    ApiProblem,
    account_of,
    duplicate,
    envelope,
    error,
    field_invalid,
    invalid,
    not_found,
    page,
    reply,
    taken,
    to_int,
    to_str,
)
from reconciler.sandbox.records import (
    DEAL_FIELD_TYPES,
    DEAL_GROUP_TYPE,
    Row,
    deal_stamp,
    new_deal_field,
    new_group_member,
)
from reconciler.sandbox.store import Account

TABLE = "dealCustomFieldMeta"
KEY = "dealCustomFieldMetum"
FIELDS = Resource(TABLE, "DealCustomFieldMeta", KEY)
NOT_FOUND = ApiProblem(404, {"errors": [{"status": 404, "title": "Not Found"}]})
ONE_KEYS = (
    "createdTimestamp", "displayOrder", "fieldDefault", "fieldLabel", "fieldOptions",
    "fieldType", "id", "isFormVisible", "isRequired", "links", "updatedTimestamp",
)  # fmt: skip
CHOICE_TYPES = ("dropdown", "multiselect", "radio", "checkbox")
# [V-docs OAS add-custom-field-to-field-group]: the 403 answer to a member without rel_id,
# which relays an internal service's 400.
NO_REL_ID = (
    "Client error: `POST https://escape-velocity-grouper.cluster-private.app-us1.com/member` "
    'resulted in a `400 Bad Request` response:\n{"message": {"rel_id": "rel_id is required"}}\n\n'
)


def field_view(account: Account, row: Row, *, full: bool = True) -> dict[str, Any]:
    ident = row["id"]
    view = {k: v for k, v in row.items() if k != "id"}
    view["id"] = str(ident)
    view["links"] = {
        "dealCustomFieldData": f"{account.link_base}/{TABLE}/{ident}/dealCustomFieldData"
    }
    if not full:
        view = {k: v for k, v in view.items() if k in ONE_KEYS}
    return dict(sorted(view.items()))


def _row(request: Request) -> tuple[Account, Row]:
    account = account_of(request)
    raw = str(request.path_params["id"])
    row = account.get(TABLE, int(raw)) if raw.isdigit() else None
    if row is None:
        raise NOT_FOUND
    return account, row


def _flag(attrs: Row, name: str) -> int:
    return 1 if to_int(attrs[name], KEY, name) else 0


def field_attrs(account: Account, attrs: Row, ident: int | None = None) -> Row:
    """The attributes of a create (``ident`` None) or an update, checked."""
    clean: Row = {}
    if "fieldLabel" in attrs:
        label = to_str(attrs["fieldLabel"], KEY, "fieldLabel")
        if not label.strip():
            raise field_invalid(KEY, "fieldLabel", "fieldLabel must not be empty.")
        if taken(account.rows(TABLE), "fieldLabel", label, ident):
            # [INF] the API's answer to a second field with one label is not documented.
            raise duplicate(
                "There is already a field with this label",
                f"There is already a deal field named '{label}' -- choose another name",
                "fieldLabel",
            )
        clean["fieldLabel"] = label
    if ident is None and "fieldType" in attrs:
        if attrs["fieldType"] not in DEAL_FIELD_TYPES:
            detail = "fieldType must be one of: " + ", ".join(DEAL_FIELD_TYPES) + "."
            raise field_invalid(KEY, "fieldType", detail)
        clean["fieldType"] = attrs["fieldType"]
    if attrs.get("fieldOptions") is not None:
        options = attrs["fieldOptions"]
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise field_invalid(KEY, "fieldOptions", "fieldOptions must be an array of strings.")
        clean["fieldOptions"] = list(options)
    if "fieldDefault" in attrs:
        clean["fieldDefault"] = attrs["fieldDefault"]
    for name in ("isFormVisible", *(("isRequired",) if ident is None else ())):
        if name in attrs:
            clean[name] = _flag(attrs, name)
    for name in ("displayOrder",):
        if name in attrs:
            clean[name] = to_int(attrs[name], KEY, name)
    if ident is None and "fieldDefaultCurrency" in attrs:
        clean["fieldDefaultCurrency"] = attrs["fieldDefaultCurrency"]
    return clean


async def list_fields(request: Request) -> Response:
    """No ``meta`` in the documented answer [V-docs OAS]: clients stop on a short page."""
    account = account_of(request)
    chunk, _ = page(request, account.rows(TABLE))
    return reply({TABLE: [field_view(account, row) for row in chunk]})


async def create_field(request: Request) -> Response:
    account = account_of(request)
    attrs = await envelope(request, KEY)
    if attrs.get("fieldType") in (None, ""):
        # [V-docs OAS] the example is not valid JSON; this is it repaired.
        raise invalid({"title": "The field type field is required.", "detail": "", "code": 422})
    if attrs.get("fieldLabel") in (None, ""):
        raise invalid(error(f"The {KEY} fieldLabel was not provided.", "", "field_missing"))
    clean = field_attrs(account, attrs)
    if clean["fieldType"] not in CHOICE_TYPES:
        clean.pop("fieldOptions", None)
    row = account.insert(TABLE, new_deal_field(clean, len(account.rows(TABLE)) + 1))
    return reply({KEY: field_view(account, row, full=False)})


async def get_field(request: Request) -> Response:
    account, row = _row(request)
    return reply({KEY: field_view(account, row, full=False)})


async def update_field(request: Request) -> Response:
    account, row = _row(request)
    attrs = field_attrs(account, await envelope(request, KEY), row["id"])
    if row["fieldType"] not in CHOICE_TYPES:
        attrs.pop("fieldOptions", None)
    row.update(attrs, updatedTimestamp=deal_stamp())
    return reply({KEY: field_view(account, row, full=False)})


async def delete_field(request: Request) -> Response:
    account, row = _row(request)
    deal_groups = {g["id"] for g in account.rows("groupDefinitions", type_id=DEAL_GROUP_TYPE)}
    account.remove_where(
        "groupMembers", lambda m: not (m["rel_id"] == row["id"] and m["group_id"] in deal_groups)
    )
    account.remove(TABLE, row["id"])
    return reply({"message": "DealCustomFieldMeta deleted."})


def group_view(account: Account, row: Row) -> dict[str, Any]:
    base = account.link_base
    return {
        "id": row["id"],
        "label": row["label"],
        "links": {
            "groupMembers": f"{base}/groupMembers?group_id={row['id']}",
            "groupType": f"{base}/groupTypes/{row['type_id']}",
        },
        "ordernum": row["ordernum"],
        "type_id": row["type_id"],
    }


async def list_groups(request: Request) -> Response:
    account = account_of(request)
    chunk, _ = page(request, account.rows("groupDefinitions"))
    return reply({"groupDefinitions": [group_view(account, row) for row in chunk]})


async def add_member(request: Request) -> Response:
    account = account_of(request)
    attrs = await envelope(request, "groupMember")
    if attrs.get("rel_id") in (None, ""):
        raise ApiProblem(403, {"message": NO_REL_ID})
    if attrs.get("group_id") in (None, ""):
        raise invalid(error("The groupMember group_id was not provided.", "", "field_missing"))
    group_id = to_int(attrs["group_id"], "groupMember", "group_id")
    rel_id = to_int(attrs["rel_id"], "groupMember", "rel_id")
    group = account.get("groupDefinitions", group_id)
    if group is None:
        raise not_found("GroupDefinition", group_id)
    table = TABLE if group["type_id"] == DEAL_GROUP_TYPE else "fields"  # [INF]
    if account.get(table, rel_id) is None:
        raise field_invalid("groupMember", "rel_id", f"There is no field with id {rel_id}.")
    members = account.rows("groupMembers", group_id=group_id)
    ordernum = attrs.get("ordernum")
    if ordernum is None:
        ordernum = max((m["ordernum"] for m in members), default=0) + 1
    row = account.insert(
        "groupMembers",
        new_group_member(group_id, rel_id, to_int(ordernum, "groupMember", "ordernum")),
    )
    view = {k: row[k] for k in sorted(row)}
    view["links"] = {"groupDefinition": f"{account.link_base}/groupDefinitions/{group_id}"}
    return reply({"groupMember": view})


ROUTES = [
    *FIELDS.routes(
        index=list_fields,
        create=create_field,
        get=get_field,
        update=update_field,
        delete=delete_field,
    ),
    *Resource("groupMembers", "GroupMember", "groupMember").routes(
        index=list_groups, create=add_member
    ),
]
