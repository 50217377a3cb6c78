"""The account's admin user group, which a new list is granted to (``POST /listGroups``).

Recorded accounts have no user group 1: their admin group was id 3 [V-rec R1: REC-2020
ActiveCampaign_API_Groups/_show_groups, REC-2021 GroupGateway/_all]. So the group is found on
the account: the ``GET /groups`` row with ``p_admin`` "1" (the lowest id when several are, as in
REC-2020 [INF]); failing that, the group of the token's user (``GET /users/me``, then
``GET /users/{id}/userGroup`` -> ``groupid``; that body is [INF]). It is looked up once per
apply run, and only when a list is created: the lookup is kept in the run's ``Ids.memo``.
"""

from __future__ import annotations

from typing import Any

from reconciler.errors import PlanError
from reconciler.kinds.base import Api, Ids
from reconciler.kinds.values import as_bool, as_int

MEMO_KEY = "admin_group"


async def admin_group(api: Api, ids: Ids) -> int:
    """The id of the account's admin group, looked up at most once per run (concurrent list
    creates share one lookup)."""
    import asyncio  # here, not at the top: `acr validate` loads the kinds, not asyncio

    task = ids.memo.get(MEMO_KEY)
    if task is None:
        task = ids.memo[MEMO_KEY] = asyncio.ensure_future(_look_up(api))
    result: int = await asyncio.shield(task)
    return result


async def _look_up(api: Api) -> int:
    body = await api.get("/groups", {"limit": 100})
    rows = body.get("groups") if isinstance(body, dict) else None
    admins = sorted(
        as_int(row.get("id"))
        for row in rows or []
        if isinstance(row, dict) and as_bool(row.get("p_admin"))
    )
    if admins:
        return admins[0]
    found = await _users_group(api)
    if found:
        return found
    raise PlanError(
        "cannot find the account's admin user group (no GET /groups row has p_admin 1, and the "
        "token's user has no group), so a new list could not be made visible to it; nothing "
        "was created. Check that the token's user may read user groups."
    )


async def _users_group(api: Api) -> int | None:
    me: Any = await api.get("/users/me")
    user = me.get("user") if isinstance(me, dict) else None
    if not isinstance(user, dict) or user.get("id") is None:
        return None
    body: Any = await api.get(f"/users/{user['id']}/userGroup")
    group = body.get("userGroup") if isinstance(body, dict) else None
    return as_int(group.get("groupid")) if isinstance(group, dict) else None
