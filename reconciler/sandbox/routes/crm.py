"""A minimal CRM so that cascades can be seen: deals, contacts, contact tags, the user.

Only what the reconciler's effects touch: deals disappear with their stage or pipeline, a
tag's ``subscriber_count`` counts its contacts. Shapes follow the move-deals example [V-docs
OAS]; the rest of these endpoints' behaviour is kept simple [INF].
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.handlers import Resource, by_row
from reconciler.sandbox.http import (
    Getter,
    account_of,
    duplicate,
    field_invalid,
    filtered,
    reply,
    require,
    taken,
    text,
    to_int,
    to_str,
)
from reconciler.sandbox.records import Row, new_contact, new_contact_tag, new_deal
from reconciler.sandbox.store import Account

DEALS = Resource("deals", "Deal", "deal")
# The contacts table is still "subscriber" inside ActiveCampaign [INF].
CONTACTS = Resource("contacts", "Subscriber", "contact")
CONTACT_TAGS = Resource("contactTags", "ContactTag", "contactTag")

DEAL_LINKS = (
    "contact",
    "contactDeals",
    "dealActivities",
    "group",
    "nextTask",
    "notes",
    "organization",
    "owner",
    "scoreValues",
    "stage",
    "tasks",
)


def deal_view(row: Row) -> dict[str, Any]:
    """A deal as GET and the move-deals answer show it [V-docs OAS move-deals]."""
    ident = row["id"]
    hidden = bool(row.get("hidden"))  # in a pipeline this user may not see: a stub (R14)
    view = {
        "activitycount": "0",
        "cdate": row["cdate"],
        "contact": text(row["contact"]),
        "currency": row["currency"],
        "edate": "0000-00-00 00:00:00",
        "group": None if hidden else str(row["group"]),
        "hash": row["hash"],
        "id": str(ident),
        "links": {name: f"/api/3/deals/{ident}/{name}" for name in DEAL_LINKS},
        "mdate": row["mdate"],
        "nextTask": None,
        "nextdealid": "0",
        "nexttaskid": "0",
        "organization": None,
        "owner": str(row["owner"]),
        "percent": str(row["percent"]),
        "stage": None if hidden else str(row["stage"]),
        "status": str(row["status"]),
        "title": row["title"],
        "value": str(row["value"]),
    }
    return {**view, "isDisabled": True} if hidden else view


def deal_attrs(account: Account, attrs: Row) -> Row:
    """Title plus a stage (or a pipeline, whose first stage is taken); they must agree."""
    require(attrs, "deal", "title")
    clean: Row = {"title": to_str(attrs["title"], "deal", "title")}
    for key in ("value", "contact", "owner", "stage", "group"):
        if attrs.get(key) not in (None, ""):
            clean[key] = to_int(attrs[key], "deal", key)
    if attrs.get("currency"):
        clean["currency"] = to_str(attrs["currency"], "deal", "currency")
    stage = account.get("dealStages", clean.get("stage", 0))
    if stage is None and "group" in clean:
        stages = sorted(account.rows("dealStages", group=clean["group"]), key=lambda s: s["order"])
        stage = stages[0] if stages else None
    if stage is None:
        raise field_invalid("deal", "stage", "A deal needs an existing stage or pipeline.")
    if clean.setdefault("group", stage["group"]) != stage["group"]:
        raise field_invalid("deal", "stage", "The stage does not belong to the deal's pipeline.")
    clean["stage"] = stage["id"]
    if "contact" in clean and account.get("contacts", clean["contact"]) is None:
        raise field_invalid("deal", "contact", f"There is no contact with id {clean['contact']}.")
    return clean


async def list_deals(request: Request) -> Response:
    account = account_of(request)
    getters: dict[str, tuple[Getter, str]] = {
        "stage": (lambda row: row["stage"], "eq"),
        "group": (lambda row: row["group"], "eq"),
    }
    rows = filtered(request, account.rows("deals"), getters)
    # meta.total is a number here [V-docs OAS, see activecampaign-api.md §0.3]
    return DEALS.paged(request, rows, deal_view, number=True)


async def create_deal(request: Request) -> Response:
    account = account_of(request)
    attrs = await DEALS.created(request, clean=partial(deal_attrs, account))
    row = account.insert("deals", new_deal(attrs))
    return reply({"deal": deal_view(row)}, 201)


get_deal = DEALS.getter(by_row(deal_view))
delete_deal = DEALS.deleter()


def contact_view(row: Row) -> dict[str, Any]:
    ident = row["id"]
    return {
        "cdate": row["cdate"],
        "email": row["email"],
        "phone": row["phone"],
        "firstName": row["firstName"],
        "lastName": row["lastName"],
        "udate": row["udate"],
        "links": {name: f"/api/3/contacts/{ident}/{name}" for name in ("contactTags", "deals")},
        "id": str(ident),
    }


async def list_contacts(request: Request) -> Response:
    account = account_of(request)
    rows = account.rows("contacts")
    email = request.query_params.get("email")
    if email:
        rows = [row for row in rows if row["email"].casefold() == email.casefold()]
    listid = request.query_params.get("listid")
    if listid and listid.isdigit():  # the contacts subscribed to (or once on) a list [INF]
        on = {row["contact"] for row in account.rows("contactLists", list=int(listid))}
        rows = [row for row in rows if row["id"] in on]
    return CONTACTS.paged(request, rows, contact_view)


async def create_contact(request: Request) -> Response:
    account = account_of(request)
    attrs = await CONTACTS.created(request, "email")
    email = to_str(attrs["email"], "contact", "email")
    if taken(account.rows("contacts"), "email", email):
        raise duplicate("Email address already exists in the system.", "", "email")
    names = (to_str(attrs.get(k) or "", "contact", k) for k in ("firstName", "lastName"))
    row = account.insert("contacts", new_contact(email, *names))
    return reply({"contact": contact_view(row)}, 201)


get_contact = CONTACTS.getter(by_row(contact_view))


def contact_tag_view(row: Row) -> dict[str, Any]:
    ident = row["id"]
    return {
        "cdate": row["cdate"],
        "contact": str(row["contact"]),
        "tag": str(row["tag"]),
        "links": {name: f"/api/3/contactTags/{ident}/{name}" for name in ("contact", "tag")},
        "id": str(ident),
    }


async def contact_tags_of(request: Request) -> Response:
    account, contact = CONTACTS.one(request)
    rows = account.rows("contactTags", contact=contact["id"])
    return reply({"contactTags": [contact_tag_view(row) for row in rows]})


async def create_contact_tag(request: Request) -> Response:
    account = account_of(request)
    contact, tag = await CONTACT_TAGS.created_ids(request, "contact", "tag")
    if account.get("contacts", contact) is None:
        raise field_invalid("contactTag", "contact", f"There is no contact with id {contact}.")
    if account.get("tags", tag) is None:
        raise field_invalid("contactTag", "tag", f"There is no tag with id {tag}.")
    existing = account.rows("contactTags", contact=contact, tag=tag)
    row = existing[0] if existing else account.insert("contactTags", new_contact_tag(contact, tag))
    return reply({"contactTag": contact_tag_view(row)})  # 200, as recorded [V-rec R5]


list_contact_tags = CONTACT_TAGS.lister(by_row(contact_tag_view))
delete_contact_tag = CONTACT_TAGS.deleter()


async def users_me(request: Request) -> Response:
    """The token's user [V-2nd TAP validates the token with it]; the sandbox has user 1."""
    account = account_of(request)
    row = account.rows("users")[0]
    links = {name: f"/api/3/users/{row['id']}/{name}" for name in ("lists", "userGroup")}
    view = {k: v for k, v in row.items() if k != "id"}
    return reply({"user": {**view, "links": links, "id": str(row["id"])}})


ROUTES = [
    *DEALS.routes(index=list_deals, create=create_deal, get=get_deal, delete=delete_deal),
    *CONTACTS.routes(index=list_contacts, create=create_contact, get=get_contact),
    Route("/contacts/{id}/contactTags", contact_tags_of, methods=["GET"]),
    *CONTACT_TAGS.routes(
        index=list_contact_tags, create=create_contact_tag, delete=delete_contact_tag
    ),
    Route("/users/me", users_me, methods=["GET"]),
]
