"""Webhooks ``/webhooks`` and ``GET /webhook/events`` [V-docs OAS, WH].

``listid`` is a string and "0" means no list; ``links`` is ``[]``; events must be among the 25
of ``GET /webhook/events`` and sources among public/admin/api/system; PUT replaces the arrays.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.http import (
    account_of,
    deleted,
    envelope,
    error,
    fetch,
    filtered,
    invalid,
    meta,
    page,
    path_id,
    reply,
    require,
    to_int,
    to_str,
)
from reconciler.sandbox.records import WEBHOOK_EVENTS, WEBHOOK_SOURCES, Row, new_webhook
from reconciler.sandbox.store import Account

REQUIRED = ("name", "url", "events", "sources")


def webhook_view(row: Row) -> dict[str, Any]:
    """The same shape on GET and in echoes: ``listid`` stays a string [V-docs OAS]."""
    return {
        "cdate": row["cdate"],
        "listid": str(row["listid"]),
        "name": row["name"],
        "url": row["url"],
        "events": list(row["events"]),
        "sources": list(row["sources"]),
        "links": [],
        "id": str(row["id"]),
    }


def _choices(attrs: Row, key: str, allowed: tuple[str, ...] | list[str]) -> list[str]:
    values = attrs[key]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise invalid(
            error(
                f"The webhook {key} are invalid.",
                f"{key} must be an array of strings.",
                "field_invalid",
                key,
            )
        )
    unknown = [value for value in values if value not in allowed]
    if unknown:
        # [INF] the wording; the allowed values are [V-docs WH].
        raise invalid(
            *(
                error(
                    f"Invalid webhook {key[:-1]}",
                    f"'{value}' is not a valid webhook {key[:-1]}; use one of: "
                    + ", ".join(allowed),
                    "field_invalid",
                    key,
                )
                for value in unknown
            )
        )
    return list(dict.fromkeys(values))


def webhook_attrs(account: Account, attrs: Row) -> Row:
    require(attrs, "webhook", *(key for key in REQUIRED if key in attrs))
    clean: Row = {}
    for key in ("name", "url"):
        if key in attrs:
            clean[key] = to_str(attrs[key], "webhook", key)
    if "url" in clean and urlsplit(clean["url"]).scheme not in ("http", "https"):
        raise invalid(
            error(
                "Invalid webhook url", "url must be an http or https URL.", "field_invalid", "url"
            )
        )
    if "events" in attrs:
        clean["events"] = _choices(attrs, "events", WEBHOOK_EVENTS)
    if "sources" in attrs:
        clean["sources"] = _choices(attrs, "sources", WEBHOOK_SOURCES)
    if attrs.get("listid") not in (None, ""):
        clean["listid"] = to_int(attrs["listid"], "webhook", "listid")
        if clean["listid"] and account.get("lists", clean["listid"]) is None:
            # [INF] the API probably refuses an unknown list.
            raise invalid(
                error(
                    "Invalid list",
                    f"There is no list with id {clean['listid']}.",
                    "field_invalid",
                    "listid",
                )
            )
    return clean


async def list_webhooks(request: Request) -> Response:
    account = account_of(request)
    filters = {
        "name": (lambda r: r["name"], "contains"),
        "url": (lambda r: r["url"], "contains"),
        "listid": (lambda r: r["listid"], "eq"),
    }
    rows = filtered(request, account.rows("webhooks"), filters)
    chunk, total = page(request, rows)
    return reply({"webhooks": [webhook_view(row) for row in chunk], "meta": meta(total)})


async def create_webhook(request: Request) -> Response:
    account = account_of(request)
    attrs = await envelope(request, "webhook")
    require(attrs, "webhook", *REQUIRED)
    row = account.insert("webhooks", new_webhook(webhook_attrs(account, attrs)))
    return reply({"webhook": webhook_view(row)}, 201)


async def get_webhook(request: Request) -> Response:
    row = fetch(account_of(request), "webhooks", "Webhook", path_id(request, "Webhook"))
    return reply({"webhook": webhook_view(row)})


async def update_webhook(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "webhooks", "Webhook", path_id(request, "Webhook"))
    row.update(webhook_attrs(account, await envelope(request, "webhook")))
    return reply({"webhook": webhook_view(row)})


async def delete_webhook(request: Request) -> Response:
    account = account_of(request)
    row = fetch(account, "webhooks", "Webhook", path_id(request, "Webhook"))
    account.remove("webhooks", row["id"])
    return deleted()


async def webhook_events(request: Request) -> Response:
    """``meta.total`` is a number here [V-docs OAS get-a-list-of-webhook-events]."""
    return reply(
        {"webhookEvents": list(WEBHOOK_EVENTS), "meta": meta(len(WEBHOOK_EVENTS), number=True)}
    )


ROUTES = [
    Route("/webhooks", list_webhooks, methods=["GET"]),
    Route("/webhooks", create_webhook, methods=["POST"]),
    Route("/webhooks/{id}", get_webhook, methods=["GET"]),
    Route("/webhooks/{id}", update_webhook, methods=["PUT"]),
    Route("/webhooks/{id}", delete_webhook, methods=["DELETE"]),
    Route("/webhook/events", webhook_events, methods=["GET"]),
]
