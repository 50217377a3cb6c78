"""User groups ``/groups`` and a user's group ``/users/{id}/userGroup``.

Recorded accounts list the admin group as id 3 (``p_admin`` "1") plus one other, and have no
group 1 [V-rec R1: REC-2020 ActiveCampaign_API_Groups/_show_groups, REC-2021 GroupGateway/_all].
GET shows every number as a string, as the recording does. The ``userGroup`` shape (``userid``,
``groupid``) follows R1's description of it [INF: no recording of its body].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.handlers import Resource
from reconciler.sandbox.http import account_of, fetch, not_found, path_id, reply, text
from reconciler.sandbox.records import Row
from reconciler.sandbox.store import Account

GROUPS = Resource("groups", "Group", "group")
LINKS = ("userGroups", "groupLimit", "dealGroupGroups", "listGroups", "addressGroups",
         "automationGroups")  # fmt: skip


def group_view(account: Account, row: Row) -> dict[str, Any]:
    base = f"{account.link_base}/groups/{row['id']}"
    return {
        "title": row["title"],
        "descript": row["descript"],
        "unsubscribelink": "0",
        "optinconfirm": "0",
        "p_admin": text(row["p_admin"]),
        "sdate": row.get("sdate"),
        "links": {name: f"{base}/{name}" for name in LINKS},
        "id": str(row["id"]),
    }


def user_group_view(account: Account, row: Row) -> dict[str, Any]:
    base = f"{account.link_base}/userGroups/{row['id']}"
    return {
        "userid": str(row["userid"]),
        "groupid": str(row["groupid"]),
        "links": {"group": f"{base}/group", "user": f"{base}/user"},
        "id": str(row["id"]),
    }


async def user_group(request: Request) -> Response:
    account = account_of(request)
    user = fetch(account, "users", "User", path_id(request, "User"))
    rows = account.rows("userGroups", userid=user["id"])
    if not rows:
        raise not_found("UserGroup", user["id"])
    return reply({"userGroup": user_group_view(account, rows[0])})


ROUTES = [
    *GROUPS.routes(index=GROUPS.lister(group_view), get=GROUPS.getter(group_view)),
    Route("/users/{id}/userGroup", user_group, methods=["GET"]),
]
