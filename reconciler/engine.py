"""The steps a command runs against an account: make a plan (read, diff, count what deletes
would take with them, order and check), and apply it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Protocol

from reconciler.diff import diff
from reconciler.kinds import KINDS, dependency_graph
from reconciler.kinds.base import Api
from reconciler.manifest import Desired
from reconciler.plan import Change, Plan, build_plan
from reconciler.state import Account, Reader, gather, read_account


class Client(Api, Reader, Protocol):
    """What planning needs of the HTTP client."""


async def make_plan(
    client: Client,
    desired: Desired,
    *,
    prune: Collection[str] = (),
    target: str = "default",
    endpoint: str = "",
) -> tuple[Plan, Account]:
    account = await read_account(client)
    found = diff(desired.objects, account.objects, prune=prune)
    changes = await count_dependents(client, found.changes)
    plan = build_plan(
        changes,
        depends_on=dependency_graph(),
        unmanaged=found.unmanaged,
        target=target,
        endpoint=endpoint,
        ids=found.ids,
        secrets=desired.secrets,
        inputs={"manifests": desired.digest, "account": account.digest},
    )
    return plan, account


async def count_dependents(api: Api, changes: list[Change]) -> list[Change]:
    """Deletes of objects that records hang off (deals, tagged contacts) carry the count."""

    async def count(change: Change) -> Change:
        if change.action != "delete" or change.live is None:
            return change
        kind = KINDS[change.kind]
        number = await kind.count_dependents(api, change.live) if change.id else 0
        if change.note:  # the deals move first: say how many
            return replace(
                change, dependents=number, note=f"{number} {change.note}" if number else change.note
            )
        return replace(change, dependents=number, note=kind.describe_delete(change.live, number))

    return await gather(*(count(c) for c in changes))
