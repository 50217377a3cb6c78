"""After apply: read back what was written and report every write that did not take.

ActiveCampaign answers some writes with success without doing them, or with an empty body
(``PUT /lists/{id}`` [V-rec R6]; option relabels through ``PUT /fieldOptions/{id}``, which no
recording shows [R7]); and another run may have created the same object at the same time (the
API enforces no identity [V-rec R3]). So apply ends by re-reading the collections it wrote
(once each, ``limit=100``) and compares them with what the plan wanted: each attribute that
did not take is reported by object and name, as is an object found twice, and the command
exits 1.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.diff import attr_diff
from reconciler.kinds import Obj
from reconciler.plan import Change, Plan
from reconciler.secrets import show_diff
from reconciler.state import Reader, read_account


def collections_written(plan: Plan) -> list[str]:
    """The collections that show the plan's changes: each changed kind's, and those of the
    kinds its desired objects name (a field's lists, to read its relations by stringid)."""
    kinds = plan.kinds
    names = {name for c in plan.changes for name in kinds[c.kind].collections()}
    for change in plan.changes:
        for kind, _ in change.desired.refs if change.desired else ():
            names.update(kinds[kind].collections())
    return sorted(names)


async def verify(reader: Reader, plan: Plan) -> list[str]:
    """What did not take, one line each; empty when the account shows every change."""
    if plan.empty:
        return []
    account = await read_account(reader, plan.kinds, collections_written(plan))
    by_key: dict[tuple[str, str], list[Obj]] = {}
    by_id: dict[tuple[str, str | None], Obj] = {}
    for obj in account.objects:
        by_key.setdefault((obj.kind, obj.key), []).append(obj)
        by_id[(obj.kind, obj.id)] = obj
    deleted = {c.id for c in plan.changes if c.action == "delete" and c.id}
    problems: list[str] = []
    for change in plan.changes:
        if change.action == "delete":
            if (change.kind, change.id) in by_id:
                problems.append(f"{_name(change)}: still on the account after its delete")
        elif change.id not in deleted or change.id is None:
            found = by_key.get(change.ref, [])
            have = by_id.get((change.kind, change.id)) if change.id else None
            problems += _check(change, have, found)
    return problems


def _check(change: Change, have: Obj | None, found: list[Obj]) -> list[str]:
    """``have``: the object updated (found by id); ``found``: the objects with its key."""
    have = have or next(iter(found), None)
    if have is None:
        return [f"{_name(change)}: not on the account after its {change.action}"]
    out = []
    twins = {o.id for o in found} | {have.id}
    if len(twins) > 1:
        listed = ", ".join(sorted(str(i) for i in twins))
        out.append(
            f"{_name(change)}: {len(twins)} objects on the account have this identity (ids "
            f"{listed}); another run may have created one at the same time. Delete the extra "
            "one(s) and plan again"
        )
    assert change.desired is not None
    wanted = dict(change.desired.attrs)
    if change.action == "update":
        wanted = {d.path: wanted[d.path] for d in change.diff if d.path in wanted}
    for d in attr_diff(wanted, have.attrs):
        before, after, _ = show_diff(d, change.desired)  # shown forms: no secret
        out.append(
            f"{_name(change)}: {d.path} did not take: the account shows {_shown(before)}"
            f", the plan set {_shown(after)}"
        )
    return out


def _name(change: Change) -> str:
    return f'{change.kind} "{change.label}"'


def _shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
