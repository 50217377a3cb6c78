"""Running a plan in its order, stopping at the first failure.

Apply never reorders the plan: it starts the changes in the plan's order, and a change starts
before the ones ahead of it have finished only when every change it depends on is done
(``schedule``): a tag create does not wait for the lists, a webhook waits only for the list
it names. Up to ``CONCURRENCY`` changes are in flight at once, which keeps the account's rate
limiter busy when the API is slow to answer. When a change fails, the changes in flight
finish and nothing new starts; the report says which changes were done, which failed (with
the API's message) and which were not attempted. Running apply again reads the account
afresh, so it converges.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from reconciler.errors import ApplyError, ApplyInterruptedError, ApplyReport, ConfigError
from reconciler.interrupts import Stop
from reconciler.journal import CURRENT_CHANGE
from reconciler.kinds import Kind, Ref
from reconciler.kinds.base import Api
from reconciler.plan import Change, Plan
from reconciler.safety import enforce
from reconciler.schedule import Schedule, run_in_order

SYMBOL = {"create": "+", "update": "~", "delete": "-"}
CONCURRENCY = 4  # changes in flight at once; the rate limiter still paces every request
Progress = Callable[[int, int, Change], None]


class IdMap(dict[Ref, str]):
    """Live ids by (kind, key): those read with the plan, and those created during apply;
    ``memo`` is what the run looks up once and shares (``kinds.base.Ids``)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.memo: dict[Any, Any] = {}

    def __missing__(self, ref: Ref) -> str:
        raise ConfigError(
            f'{ref[0]} "{ref[1]}" has no id on the account yet; it must be created earlier in '
            "the plan. Run plan again."
        )


def describe(change: Change) -> str:
    return f'{SYMBOL[change.action]} {change.kind} "{change.label}"'


async def apply_plan(
    api: Api,
    plan: Plan,
    *,
    progress: Progress | None = None,
    ids: Mapping[Ref, str] | None = None,
    concurrency: int = CONCURRENCY,
    stop: Stop | None = None,
    journal: str | None = None,
) -> ApplyReport:
    """Run every change of ``plan``; raise ``ApplyError`` once a change failed and the changes
    in flight finished, and ``ApplyInterruptedError`` after the changes in flight when
    ``stop`` is requested. A plan the safety gate refused is never run."""
    enforce(plan)
    known = IdMap(plan.ids if ids is None else ids)
    gate = asyncio.Semaphore(concurrency)
    total = len(plan.changes)
    report = ApplyReport(journal=journal)

    async def run(number: int, change: Change) -> bool:
        async with gate:
            if stop is not None and stop.requested:
                return False  # not started
            CURRENT_CHANGE.set(describe(change))
            if progress:
                progress(number, total, change)
            await _run(kinds[change.kind], api, change, known)
            return True

    def stopped() -> bool:
        return stop is not None and stop.requested

    kinds = plan.kinds
    schedule = Schedule.of(plan.changes, kinds.dependency_graph(), kinds.parent_kinds())
    outcomes = await run_in_order(
        schedule, lambda i: run(i + 1, plan.changes[i]), concurrency=concurrency, stopped=stopped
    )
    for index, change in enumerate(plan.changes):
        outcome = outcomes.get(index, False)
        if outcome is True:
            report.done.append(describe(change))
        elif outcome is False:
            report.not_attempted.append(describe(change))
        else:
            report.failed.append(f"{describe(change)}: {outcome or type(outcome).__name__}")
    cause = next((o for o in outcomes.values() if isinstance(o, BaseException)), None)
    if stop is not None and stop.requested and (report.failed or report.not_attempted):
        raise ApplyInterruptedError(report, stop.name, stop.exit_code) from cause
    if report.failed:
        raise ApplyError(report) from cause
    return report


async def _run(kind: Kind, api: Api, change: Change, ids: IdMap) -> None:
    if change.action == "create":
        ids[change.ref] = await kind.create(api, change, ids)
    elif change.action == "update":
        await kind.update(api, change, ids)
    else:
        await kind.delete(api, change, ids)
