"""Field-to-list relations ``/fieldRels`` [V-docs DOCS:list-all-custom-field-relationships,
create-a-custom-field-relationship-to-lists]: ``relid`` 0 means every list; ``links`` is ``[]``;
the list is paged (default 20, max 100) but ``limit=0`` returns every relation."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.http import (
    account_of,
    deleted,
    envelope,
    fetch,
    meta,
    not_found,
    page,
    path_id,
    reply,
    require,
    text,
    to_int,
)
from reconciler.sandbox.records import Row, new_field_rel


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


async def list_rels(request: Request) -> Response:
    """Filters and orders are ignored here [V-docs]."""
    account = account_of(request)
    chunk, total = page(request, account.rows("fieldRels"), zero_means_all=True)
    return reply({"fieldRels": [rel_view(row) for row in chunk], "meta": meta(total)})


async def create_rel(request: Request) -> Response:
    account = account_of(request)
    attrs = await envelope(request, "fieldRel")
    require(attrs, "fieldRel", "field", "relid")
    field = to_int(attrs["field"], "fieldRel", "field")
    relid = to_int(attrs["relid"], "fieldRel", "relid")
    if account.get("fields", field) is None:
        raise not_found("Field", field)  # [INF] as the documented /fieldRel/sync does
    # [UNK] whether the list id is checked or a duplicate relation refused: the sync
    # endpoints do not validate list ids, so neither does the sandbox.
    row = account.insert("fieldRels", new_field_rel(field, relid))
    return reply({"fieldRel": rel_view(row, echo=True)}, 201)


async def get_rel(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "fieldRels", "FieldRel", path_id(request, "FieldRel", "id"))
    return reply({"fieldRel": rel_view(row)})


async def delete_rel(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "fieldRels", "FieldRel", path_id(request, "FieldRel", "id"))
    account.remove("fieldRels", row["id"])
    return deleted()


ROUTES = [
    Route("/fieldRels", list_rels, methods=["GET"]),
    Route("/fieldRels", create_rel, methods=["POST"]),
    Route("/fieldRels/{id}", get_rel, methods=["GET"]),
    Route("/fieldRels/{id}", delete_rel, methods=["DELETE"]),
]
