"""Making a plan against an account: read it, diff it with the manifests, count what the
planned deletes would take with them, then order and check the changes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Protocol

from reconciler.adopt import check_external
from reconciler.diff import diff
from reconciler.errors import AuthError
from reconciler.kinds import KINDS, dependency_graph
from reconciler.kinds.base import Api
from reconciler.manifest import Desired
from reconciler.online import access_error, check_online
from reconciler.plan import Change, Plan, build_plan
from reconciler.state import Account, Reader, gather, needed, read_account
from reconciler.words import plural


class AccountApi(Api, Reader, Protocol):
    """What planning needs of the HTTP client."""


async def make_plan(
    client: AccountApi,
    desired: Desired,
    *,
    prune: Collection[str] = (),
    target: str = "default",
    endpoint: str = "",
) -> Plan:
    try:
        read, _ = await gather(  # the online checks run alongside the reads
            read_account(client, needed(desired.objects, prune)),
            check_online(client, desired.objects),
        )
        assert isinstance(read, Account)
        account = read
        found = diff(desired.objects, account.objects, prune=prune)
        check_external(desired, account.objects, found.changes)
        changes = await count_dependents(client, found.changes)
    except AuthError as exc:
        raise access_error(exc, endpoint) from exc
    return build_plan(
        changes,
        depends_on=dependency_graph(),
        unmanaged=found.unmanaged,
        target=target,
        endpoint=endpoint,
        ids=found.ids,
        secrets=desired.secrets,
        inputs={"manifests": desired.digest},
        live=account.objects,
    )


async def count_dependents(api: Api, changes: list[Change]) -> list[Change]:
    """Deletes of objects that records hang off (deals, tagged contacts) carry the count."""

    async def count(change: Change) -> Change:
        if change.action != "delete" or change.live is None:
            return change
        kind = KINDS[change.kind]
        number = await kind.count_dependents(api, change.live) if change.id else 0
        if change.note:  # the deals move first: say how many
            return replace(change, dependents=number, note=_moving(number, change.note))
        return replace(change, dependents=number, note=kind.describe_delete(change.live, number))

    return await gather(*(count(c) for c in changes))


def _moving(number: int, note: str) -> str:
    """``3 deals move to "Won" first`` / ``1 deal moves to "Won" first``."""
    if not number or not note.startswith("deals move"):
        return note
    verb = "moves" if number == 1 else "move"
    return f"{plural(number, 'deal')} {verb}{note.removeprefix('deals move')}"
