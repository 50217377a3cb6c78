"""Webhooks ``/webhooks`` and ``GET /webhook/events`` [V-docs OAS, WH].

``listid`` is a string and "0" means no list (a create without ``listid`` gets "0" [V-2nd R12]);
``links`` is ``[]``; events must be among those of ``GET /webhook/events`` (the reference's 25
and R10's five) and sources among public/admin/api/system; PUT replaces the arrays.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.handlers import Resource, by_row
from reconciler.sandbox.http import (
    account_of,
    error,
    filtered,
    invalid,
    meta,
    reply,
    require_given,
    to_int,
    to_str,
)
from reconciler.sandbox.records import WEBHOOK_EVENTS, WEBHOOK_SOURCES, Row, new_webhook
from reconciler.sandbox.store import Account

WEBHOOKS = Resource("webhooks", "Webhook", "webhook")
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


def account_events(account: Account) -> list[str]:
    """The events this account offers: every known one unless its settings narrow them."""
    chosen = account.settings.get("webhook_events")
    return list(WEBHOOK_EVENTS) if chosen is None else list(chosen)


def webhook_attrs(account: Account, attrs: Row) -> Row:
    require_given(attrs, "webhook", *REQUIRED)
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
        clean["events"] = _choices(attrs, "events", account_events(account))
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
    return WEBHOOKS.paged(request, rows, webhook_view)


async def create_webhook(request: Request) -> Response:
    account = account_of(request)
    attrs = await WEBHOOKS.created(request, *REQUIRED)
    row = account.insert("webhooks", new_webhook(webhook_attrs(account, attrs)))
    return reply({"webhook": webhook_view(row)}, 201)


async def update_webhook(request: Request) -> Response:
    account, row = WEBHOOKS.one(request)
    row.update(await WEBHOOKS.changed(request, clean=partial(webhook_attrs, account)))
    return reply({"webhook": webhook_view(row)})


get_webhook = WEBHOOKS.getter(by_row(webhook_view))
delete_webhook = WEBHOOKS.deleter()


async def webhook_events(request: Request) -> Response:
    """``meta.total`` is a number here [V-docs OAS get-a-list-of-webhook-events]; the list
    includes R10's events unless the account's settings say otherwise."""
    events = account_events(account_of(request))
    return reply({"webhookEvents": events, "meta": meta(len(events), number=True)})


ROUTES = [
    *WEBHOOKS.routes(
        index=list_webhooks,
        create=create_webhook,
        get=get_webhook,
        update=update_webhook,
        delete=delete_webhook,
    ),
    Route("/webhook/events", webhook_events, methods=["GET"]),
]
