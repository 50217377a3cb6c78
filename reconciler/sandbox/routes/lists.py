"""``/lists`` and ``/listGroups`` [V-docs OAS].

GET shows ~40 legacy string-typed attributes; the create echo is short and answers 201 [V-rec
R5]. Neither update is documented; as recorded [V-rec R6], ``PATCH /lists/{id}`` answers 200
with the whole list, ``PUT /lists/{id}`` 200 with an empty body. ``stringid`` is not unique:
two live lists may share one [V-rec R3]. ``POST /listGroups`` refuses a group the account does
not have (recorded accounts have no group 1 [V-rec R1]; the 422's wording is [INF]).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import (
    account_of,
    field_invalid,
    filtered,
    ordered,
    reply,
    text,
    to_int,
    to_str,
)
from reconciler.sandbox.records import Row, new_list, now
from reconciler.sandbox.store import Account

LISTS = Resource("lists", "_List", "list")
LIST_GROUPS = Resource("listGroups", "ListGroup", "listGroup")  # no route shows its 404
REQUIRED = ("name", "stringid", "sender_url", "sender_reminder")
TEXT_ATTRS = (*REQUIRED, "carboncopy", "subscription_notify", "unsubscription_notify")

# The attributes GET adds to every list, with the values the docs' examples show; a create or
# update may set them too (they are stored as strings) [V-docs OAS retrieve-all-lists].
LEGACY: dict[str, Any] = {
    "analytics_domains": "",  # "" as recorded [V-rec R6]; null in the docs' examples
    "analytics_source": "",
    "analytics_ua": "",
    "deletestamp": None,
    "facebook_session": "",  # likewise
    "fulladdress": "",
    "get_unsubscribe_reason": "0",
    "optinmessageid": "0",
    "optinoptout": "1",
    "optoutconf": "0",
    "p_embed_image": "1",
    "p_use_analytics_link": "0",
    "p_use_analytics_read": "0",
    "p_use_captcha": "1",
    "p_use_facebook": "0",
    "p_use_tracking": "1",
    "p_use_twitter": "0",
    "private": "0",
    "require_name": "0",
    "sender_addr1": "",
    "sender_addr2": "",
    "sender_city": "",
    "sender_country": "",
    "sender_name": "",
    "sender_phone": "",
    "sender_state": "",
    "sender_zip": "",
    "to_name": "Subscriber",
    "twitter_token": "",
    "twitter_token_secret": "",
}


def links(account: Account, ident: int) -> dict[str, str]:
    base = f"{account.link_base}/lists/{ident}"
    return {k: f"{base}/{k}" for k in ("addressLists", "contactGoalLists", "user")}


def list_view(account: Account, row: Row) -> dict[str, Any]:
    """A list as GET shows it: every number a string."""
    view: dict[str, Any] = {key: text(row.get(key, value)) for key, value in LEGACY.items()}
    for key in ("name", "stringid", "sender_url", "sender_reminder", "carboncopy"):
        view[key] = row[key]
    view["subscription_notify"] = row["subscription_notify"]
    view["unsubscription_notify"] = row["unsubscription_notify"]
    view["send_last_broadcast"] = text(row["send_last_broadcast"])
    view["user"] = view["userid"] = text(row["user"])
    view["channel"] = row.get("channel", "email")  # as recorded [V-rec R6]
    view["cdate"], view["udate"] = row["cdate"], row["udate"]
    view["links"] = links(account, row["id"])
    view["id"] = str(row["id"])
    return view


def list_echo(account: Account, row: Row) -> dict[str, Any]:
    """The create/update echo: only these keys [V-docs OAS create-new-list]."""
    return {
        "name": row["name"],
        "stringid": row["stringid"],
        "cdate": row["cdate"],
        "udate": row["udate"] or row["cdate"],
        "links": links(account, row["id"]),
        "id": str(row["id"]),
    }


def list_attrs(attrs: Row) -> Row:
    clean: Row = {}
    for key in TEXT_ATTRS:
        if key in attrs:
            clean[key] = None if attrs[key] is None else to_str(attrs[key], "list", key)
    if "send_last_broadcast" in attrs:
        clean["send_last_broadcast"] = (
            1 if to_int(attrs["send_last_broadcast"], "list", "send_last_broadcast") else 0
        )
    for key in ("user", "userid"):
        if key in attrs:
            clean["user"] = to_int(attrs[key], "list", key)
    if "channel" in attrs:
        if attrs["channel"] not in ("email", "sms"):
            raise field_invalid("list", "channel", "channel must be email or sms.")
        clean["channel"] = attrs["channel"]
    for key in LEGACY:
        if key in attrs:
            clean[key] = text(attrs[key])
    return clean


async def list_lists(request: Request) -> Response:
    account = account_of(request)
    rows = filtered(request, account.rows("lists"), {"name": (lambda r: r["name"], "contains")})
    rows = ordered(request, rows, {"name": lambda r: r["name"]})
    return LISTS.paged(request, rows, partial(list_view, account))


async def create_list(request: Request) -> Response:
    account = account_of(request)
    attrs = await LISTS.created(request, *REQUIRED, clean=list_attrs)
    row = account.insert("lists", new_list(attrs))
    row.update({k: v for k, v in attrs.items() if k in LEGACY})
    return reply({"list": list_echo(account, row)}, 201)


async def _update(request: Request) -> tuple[Account, Row]:
    account, row = LISTS.one(request)
    attrs = await LISTS.changed(request, *REQUIRED, clean=list_attrs)
    row.update(attrs, udate=now())
    return account, row


async def patch_list(request: Request) -> Response:
    account, row = await _update(request)
    return reply({"list": list_view(account, row)})


async def put_list(request: Request) -> Response:
    await _update(request)
    return Response(b"", status_code=200, media_type="application/json")


get_list = LISTS.getter(list_view)
# [INF] the relations and group permissions of a deleted list go with it.
delete_list = LISTS.deleter(
    ("fieldRels", "relid"), ("listGroups", "list"), ("contactLists", "list")
)


def list_group_view(account: Account, row: Row, *, echo: bool = False) -> dict[str, Any]:
    base = f"{account.link_base}/listGroups/{row['id']}"
    return {
        "list": row["list"] if echo else str(row["list"]),
        "group": row["group"] if echo else str(row["group"]),
        "links": {"group": f"{base}/group", "list": f"{base}/list"},
        "id": str(row["id"]),
    }


async def create_list_group(request: Request) -> Response:
    """[V-docs OAS create-a-list-group-permission] 201 with numbers in the echo."""
    account = account_of(request)
    list_id, group = await LIST_GROUPS.created_ids(request, "listid", "groupid")
    if account.get("lists", list_id) is None:
        raise field_invalid("listGroup", "listid", f"There is no list with id {list_id}.")
    if account.get("groups", group) is None:
        raise field_invalid("listGroup", "groupid", f"There is no user group with id {group}.")
    row = account.insert("listGroups", {"list": list_id, "group": group})
    return reply({"listGroup": list_group_view(account, row, echo=True)}, 201)


list_list_groups = LIST_GROUPS.lister(list_group_view)

ROUTES = [
    *LISTS.routes(
        index=list_lists, create=create_list, get=get_list, update=put_list, delete=delete_list
    ),
    Route("/lists/{id}", patch_list, methods=["PATCH"]),
    *LIST_GROUPS.routes(index=list_list_groups, create=create_list_group),
]
