"""Making a plan against an account: read it, diff it with the manifests, keep protected
objects out of prunes, count what each change touches, hint at renames, order the changes,
and let the safety gate give its verdict. Planning only reads: it is given a ``Reader``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Protocol

from reconciler.adopt import check_external
from reconciler.diff import PRUNED, diff
from reconciler.errors import AuthError
from reconciler.hints import add_rename_hints
from reconciler.kinds import Registry
from reconciler.kinds.base import Reads
from reconciler.manifest import Desired
from reconciler.objects import Obj, Ref
from reconciler.online import access_error, check_online
from reconciler.plan import Change, Plan, build_plan
from reconciler.protect import hold_pruned
from reconciler.safety import Rules, judge
from reconciler.state import Account, Reader, gather, needed, read_account


class AccountApi(Reads, Reader, Protocol):
    """What planning needs of the account: reads only (see ``readonly.ReadOnlyApi``)."""


async def make_plan(
    client: AccountApi,
    desired: Desired,
    *,
    prune: Collection[str] = (),
    target: str = "default",
    endpoint: str = "",
    rules: Rules | None = None,
) -> Plan:
    """The plan that makes the account ``client`` reads match ``desired``, with the kinds
    the manifests were read with (``desired.kinds``)."""
    rules = rules or Rules()
    kinds = desired.kinds
    pruned, notices = prunable(prune, desired.sections)
    by_ref = {(obj.kind, obj.key): obj for obj in desired.objects}
    try:
        read, _ = await gather(  # the online checks run alongside the reads
            read_account(client, kinds, needed(kinds, desired.objects, pruned)),
            check_online(client, desired.objects, kinds),
        )
        assert isinstance(read, Account)
        account = read
        found = diff(desired.objects, account.objects, kinds=kinds, prune=pruned)
        check_external(desired, account.objects, found.changes)
        kept, held = hold_pruned(found.changes, rules.protection, PRUNED, kinds)
        changes = add_rename_hints(await count_impact(client, kept, kinds, by_ref))
    except AuthError as exc:
        raise access_error(exc, endpoint, kinds) from exc
    plan = build_plan(
        changes,
        kinds=kinds,
        unmanaged=found.unmanaged,
        target=target,
        endpoint=endpoint,
        ids=found.ids,
        inputs={"manifests": desired.digest},
        live=account.objects,
        protected=tuple(held),
        notices=tuple(notices),
        account_size=len(account.objects),
    )
    return judge(plan, rules, found.ambiguous)


def prunable(prune: Collection[str], present: Collection[str]) -> tuple[set[str], list[str]]:
    """The sections to prune: those of ``policy.prune`` that the manifests contain. A
    section no manifest holds is never pruned (an empty folder, a file not read): say so."""
    notices = [
        f"policy.prune names {section}, but no manifest has a `{section}:` section, so no "
        f"{section} are deleted; write `{section}: []` to mean that there should be none"
        for section in sorted(set(prune) - set(present))
    ]
    return set(prune) & set(present), notices


async def count_impact(
    api: Reads, changes: list[Change], kinds: Registry, desired: Mapping[Ref, Obj]
) -> list[Change]:
    """Each delete, and each update that takes something away, carries what it touches:
    ``{"contacts": 3}``, ``{"deals": 2}`` (None: the account could not count it).
    ``desired`` holds the desired objects by ref: a delete whose dependents move first
    names the one they move to."""

    async def count(change: Change) -> Change:
        kind = kinds[change.kind]
        if change.action == "update":
            impact = await kind.count_narrowing(api, change)
            return replace(change, impact=impact) if impact else change
        if change.action != "delete" or change.live is None:
            return change
        number = await kind.count_dependents(api, change.live) if change.id else 0
        impact = {kind.dependents: number} if kind.dependents and change.id else {}
        shown = number or 0
        into = desired.get(change.move_to) if change.move_to else None
        if into is not None:  # what hangs off it moves first: say how much
            return replace(change, impact=impact, note=kind.describe_move(into, shown))
        return replace(change, impact=impact, note=kind.describe_delete(change.live, shown))

    return await gather(*(count(c) for c in changes))
