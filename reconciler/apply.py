"""Running a plan: each change in the plan's order, stopping at the first failure.

Apply never reorders and never skips: when a change fails it stops, and the report says
which changes were done, which one failed (with the API's message) and which were not
attempted. Running apply again reads the account afresh, so it converges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reconciler.errors import ApplyError, ApplyReport, ConfigError
from reconciler.kinds import KINDS, Ref
from reconciler.kinds.base import Api
from reconciler.plan import Change, Plan

SYMBOL = {"create": "+", "update": "~", "delete": "-"}
Progress = Callable[[int, int, Change], None]


class IdMap(dict[Ref, str]):
    """Live ids by (kind, key): those read with the plan, and those created during apply."""

    def __missing__(self, ref: Ref) -> str:
        raise ConfigError(
            f'{ref[0]} "{ref[1]}" has no id on the account yet; it must be created earlier in '
            "the plan. Run plan again."
        )


def describe(change: Change) -> str:
    return f'{SYMBOL[change.action]} {change.kind} "{change.label}"'


async def apply_plan(
    api: Api, plan: Plan, *, progress: Progress | None = None, ids: Mapping[Ref, str] | None = None
) -> ApplyReport:
    """Run every change of ``plan`` in order; raise ``ApplyError`` at the first failure."""
    known = IdMap(plan.ids if ids is None else ids)
    report = ApplyReport()
    total = len(plan.changes)
    for number, change in enumerate(plan.changes, start=1):
        if progress:
            progress(number, total, change)
        try:
            await _run(api, change, known)
        except Exception as exc:  # every failure stops apply with a report, bugs included
            report.failed = describe(change)
            report.error = str(exc) or type(exc).__name__
            report.not_attempted = [describe(c) for c in plan.changes[number:]]
            raise ApplyError(report) from exc
        report.done.append(describe(change))
    return report


async def _run(api: Api, change: Change, ids: IdMap) -> None:
    kind = KINDS[change.kind]
    if change.action == "create":
        ids[change.ref] = await kind.create(api, change, ids)
    elif change.action == "update":
        await kind.update(api, change, ids)
    else:
        await kind.delete(api, change, ids)
