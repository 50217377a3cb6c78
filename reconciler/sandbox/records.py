"""Rows as the sandbox keeps them, and the defaults the API gives a new object.

Rows hold native values (ints for ids, flags, orders and foreign keys); the route modules
turn them into the API's shapes (strings on reads, numbers in write echoes). The store, the
seed loader and the routes all build rows through these functions, so a seeded object and
one created over HTTP look alike.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

from reconciler.perstag import field_perstag

# Accounts answer in their own time zone; the docs' examples use US Central (-05:00/-06:00),
# so the sandbox answers in a fixed -05:00.
ACCOUNT_TZ = timezone(timedelta(hours=-5))

Row = dict[str, Any]

# The three stages a new pipeline gets [V-docs DOCS:create-a-pipeline]; their colours are the
# account's (``Account.settings["stage_colors"]``) [V-rec R4].
DEFAULT_STAGE_TITLES = ("To Contact", "In Contact", "Follow Up")

STAGE_DEFAULTS: Row = {
    # [V-docs OAS create-a-deal-stage request schema defaults]
    "color": "3f3f3f",
    "width": 280,
    "dealOrder": "next-action DESC",
    "cardRegion1": "title",
    "cardRegion2": "next-action",
    "cardRegion3": "show-avatar",
    "cardRegion4": "contact-fullname-orgname",
    "cardRegion5": "value",
}
# What the default stages carry instead [V-rec R4 REC-2026 create-deal-group.test.json].
DEFAULT_STAGE_REGION4 = "contact-fullname-acctname"

# The create-field enum has no ``number``: number fields exist for deals only [R8].
FIELD_TYPES = frozenset(
    {"text", "textarea", "date", "datetime", "dropdown", "listbox", "radio", "checkbox"}
    | {"hidden"}
)

# The 25 events of GET /webhook/events [V-docs OAS get-a-list-of-webhook-events], in its order.
WEBHOOK_EVENTS = (
    "bounce",
    "click",
    "contact_tag_added",
    "contact_tag_removed",
    "deal_add",
    "deal_note_add",
    "deal_pipeline_add",
    "deal_stage_add",
    "deal_task_add",
    "deal_task_complete",
    "deal_tasktype_add",
    "deal_update",
    "forward",
    "list_add",
    "open",
    "reply",
    "sent",
    "share",
    "sms_reply",
    "sms_sent",
    "sms_unsub",
    "subscribe",
    "subscriber_note",
    "unsubscribe",
    "update",
    # Beyond the reference page's 25 [V-2nd R10: Pipedream's contact-task source; OAS].
    "contact_task_add",
    "account_add",
    "account_update",
    "account_contact_add",
    "account_contact_update",
)
WEBHOOK_SOURCES = ("public", "admin", "api", "system")


def now() -> str:
    """The current time as the API writes ``cdate``/``udate``: ISO-8601 with an offset."""
    return datetime.now(ACCOUNT_TZ).replace(microsecond=0).isoformat()


def new_tag(tag: str = "", tag_type: str = "contact", description: str = "") -> Row:
    stamp = now()
    return {
        "tag": tag,
        "tagType": tag_type,
        "description": description,
        "cdate": stamp,
        "udate": stamp,
    }


def new_list(attrs: Row) -> Row:
    """A list row from the create attributes (already validated)."""
    row: Row = {
        "name": attrs["name"],
        "stringid": attrs["stringid"],
        "sender_url": attrs["sender_url"],
        "sender_reminder": attrs["sender_reminder"],
        "send_last_broadcast": 0,
        # "" as recorded [V-rec R6 REC-2026 update-list]; the docs' examples show null
        "carboncopy": "",
        "subscription_notify": "",
        "unsubscription_notify": "",
        "user": 1,
        "channel": "email",
        "cdate": now(),
        "udate": None,  # GET shows null until the list is changed [V-docs OAS retrieve-a-list]
    }
    row.update({k: v for k, v in attrs.items() if k in row and k not in {"cdate", "udate"}})
    return row


def new_field(attrs: Row, ordernum: int) -> Row:
    """A contact custom field row; ``perstag`` normalised or derived from the title."""
    stamp = now()
    row: Row = {
        "title": attrs["title"],
        "type": attrs["type"],
        "descript": None,
        "defval": None,
        "isrequired": 0,
        "visible": 1,
        "ordernum": ordernum,
        "show_in_list": 0,
        "rows": 0,
        "cols": 0,
        "service": "",
        "cdate": stamp,
        "udate": stamp,
    }
    row.update({k: v for k, v in attrs.items() if k in row and k not in {"cdate", "udate"}})
    row["perstag"] = field_perstag(row["title"], attrs.get("perstag"))
    return row


def new_field_option(field: int, value: str, label: str, orderid: int, isdefault: int) -> Row:
    stamp = now()
    return {
        "field": field,
        "value": value,
        "label": label,
        "orderid": orderid,
        "isdefault": isdefault,
        "cdate": stamp,
        "udate": stamp,
    }


def new_field_rel(field: int, relid: int) -> Row:
    return {"field": field, "relid": relid, "dorder": 0, "cdate": now()}


def new_pipeline(title: str, currency: str, attrs: Row | None = None) -> Row:
    stamp = now()
    row: Row = {
        "title": title,
        "currency": currency,
        "allgroups": 1,
        "allusers": 0,
        "autoassign": 0,  # as recorded [V-rec R4]; the docs' example shows 1
        "cdate": stamp,
        "udate": stamp,
    }
    for key in ("allgroups", "allusers", "autoassign"):
        if attrs and key in attrs:
            row[key] = attrs[key]
    return row


def new_stage(group: int, title: str, order: int, attrs: Row | None = None) -> Row:
    stamp = now()
    row: Row = {
        "group": group,
        "title": title,
        "order": order,
        **STAGE_DEFAULTS,
        "cdate": stamp,
        "udate": stamp,
    }
    for key in STAGE_DEFAULTS:
        if attrs and key in attrs:
            row[key] = attrs[key]
    return row


def default_stages(group: int, colors: list[str]) -> list[Row]:
    """The auto-created stages: ``cdate`` and ``udate`` are null [V-docs OAS create-a-pipeline],
    the colours are the account's and ``cardRegion4`` differs [V-rec R4]."""
    rows = []
    for order, title in enumerate(DEFAULT_STAGE_TITLES, start=1):
        color = colors[(order - 1) % len(colors)] if colors else STAGE_DEFAULTS["color"]
        row = new_stage(group, title, order, {"color": color})
        row["cardRegion4"] = DEFAULT_STAGE_REGION4
        row["cdate"] = row["udate"] = None
        rows.append(row)
    return rows


def default_groups() -> list[tuple[int, Row]]:
    """The user groups of a recorded account: admin (id 3) and one other; no group 1 [V-rec R1].
    The second group of REC-2020 was made by its test; here it is an ordinary group [INF]."""
    return [
        (3, new_group("Admin", "This is a group for admin users", True)),
        (4, new_group("Sales", "Sales team", False)),
    ]


def new_group(title: str, descript: str, admin: bool) -> Row:
    return {"title": title, "descript": descript, "p_admin": int(admin), "sdate": now()}


def new_deal(attrs: Row) -> Row:
    stamp = now()
    row: Row = {
        "title": attrs["title"],
        "value": attrs.get("value", 0),
        "currency": attrs.get("currency", "usd"),
        "group": attrs["group"],
        "stage": attrs["stage"],
        "contact": attrs.get("contact"),
        "owner": attrs.get("owner", 1),
        "status": 0,
        "percent": 0,
        "cdate": stamp,
        "mdate": stamp,
    }
    row["hash"] = hashlib.sha1(f"{row['title']}{stamp}".encode()).hexdigest()[:8]
    return row


def new_contact(email: str, first_name: str = "", last_name: str = "") -> Row:
    stamp = now()
    return {
        "email": email,
        "firstName": first_name,
        "lastName": last_name,
        "phone": "",
        "cdate": stamp,
        "udate": stamp,
    }


def new_contact_tag(contact: int, tag: int) -> Row:
    return {"contact": contact, "tag": tag, "cdate": now()}


def new_webhook(attrs: Row) -> Row:
    return {
        "name": attrs["name"],
        "url": attrs["url"],
        "events": list(attrs["events"]),
        "sources": list(attrs["sources"]),
        "listid": attrs.get("listid", 0),
        "cdate": now(),
    }


def new_user() -> Row:
    return {
        "username": "admin",
        "firstName": "Sandbox",
        "lastName": "Admin",
        "email": "admin@example.com",
        "phone": "",
        "signature": None,
    }
