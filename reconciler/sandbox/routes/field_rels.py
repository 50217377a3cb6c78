"""Field-to-list relations ``/fieldRels`` [V-docs DOCS:list-all-custom-field-relationships,
create-a-custom-field-relationship-to-lists]: ``relid`` 0 means every list; ``links`` is ``[]``;
the list is paged (default 20, max 100) but ``limit=0`` returns every relation."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.handlers import Resource, by_row
from reconciler.sandbox.http import account_of, not_found, reply, text
from reconciler.sandbox.records import Row, new_field_rel

RELS = Resource("fieldRels", "FieldRel", "fieldRel")


def rel_view(row: Row, *, echo: bool = False) -> dict[str, Any]:
    """GET: strings with ``dorder``. Create echo: ``relid`` and ``field`` numbers, no
    ``dorder`` [V-docs OAS]."""
    if echo:
        return {
            "relid": row["relid"],
            "field": row["field"],
            "cdate": row["cdate"],
            "links": [],
            "id": str(row["id"]),
        }
    return {
        "field": text(row["field"]),
        "relid": text(row["relid"]),
        "dorder": text(row["dorder"]),
        "cdate": row["cdate"],
        "links": [],
        "id": str(row["id"]),
    }


async def create_rel(request: Request) -> Response:
    account = account_of(request)
    field, relid = await RELS.created_ids(request, "field", "relid")
    if account.get("fields", field) is None:
        raise not_found("Field", field)  # [INF] as the documented /fieldRel/sync does
    # [UNK] whether the list id is checked or a duplicate relation refused: the sync
    # endpoints do not validate list ids, so neither does the sandbox.
    row = account.insert("fieldRels", new_field_rel(field, relid))
    return reply({"fieldRel": rel_view(row, echo=True)}, 201)


# Filters and orders are ignored here [V-docs].
list_rels = RELS.lister(by_row(rel_view), zero_means_all=True)
get_rel = RELS.getter(by_row(rel_view))
delete_rel = RELS.deleter()

ROUTES = RELS.routes(index=list_rels, create=create_rel, get=get_rel, delete=delete_rel)
