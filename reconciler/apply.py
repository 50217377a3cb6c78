"""Running a plan in its order, stopping at the first failure.

Apply never reorders across the plan: it runs it in waves, each a run of consecutive changes
of one kind and one action (all the tag creates, then all the list creates...). The changes
of a wave do not depend on each other, so up to ``CONCURRENCY`` run at once, which keeps the
account's rate limiter busy when the API is slow to answer. When a change fails, the rest of
its wave finishes and nothing after it starts; the report says which changes were done,
which failed (with the API's message) and which were not attempted. Running apply again
reads the account afresh, so it converges.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import groupby
from typing import Any

from reconciler.errors import ApplyError, ApplyInterruptedError, ApplyReport, ConfigError
from reconciler.interrupts import Stop
from reconciler.journal import CURRENT_CHANGE
from reconciler.kinds import KINDS, Ref
from reconciler.kinds.base import Api
from reconciler.plan import Change, Plan
from reconciler.safety import enforce

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
    """Run every change of ``plan``; raise ``ApplyError`` after the wave where one fails, and
    ``ApplyInterruptedError`` after the changes in flight when ``stop`` is requested. A plan
    the safety gate refused is never run."""
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
            await _run(api, change, known)
            return True

    numbered = list(enumerate(plan.changes, start=1))
    for wave in waves(numbered):
        outcomes = await asyncio.gather(*(run(n, c) for n, c in wave), return_exceptions=True)
        skipped = _tally(report, wave, outcomes)
        if report.failed or skipped:
            last = wave[-1][0]
            report.not_attempted = skipped + [describe(c) for c in plan.changes[last:]]
            cause = next((o for o in outcomes if isinstance(o, BaseException)), None)
            if stop is not None and stop.requested:
                raise ApplyInterruptedError(report, stop.name, stop.exit_code) from cause
            raise ApplyError(report) from cause
        if stop is not None and stop.requested and wave[-1][0] < total:
            report.not_attempted = [describe(c) for c in plan.changes[wave[-1][0] :]]
            raise ApplyInterruptedError(report, stop.name, stop.exit_code)
    return report


def _tally(
    report: ApplyReport, wave: list[tuple[int, Change]], outcomes: list[bool | BaseException]
) -> list[str]:
    """Record the wave's done and failed changes; return those that were not started."""
    skipped = []
    for (_, change), outcome in zip(wave, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            report.failed.append(f"{describe(change)}: {outcome or type(outcome).__name__}")
        elif outcome:
            report.done.append(describe(change))
        else:
            skipped.append(describe(change))
    return skipped


def waves(numbered: Sequence[tuple[int, Change]]) -> Iterator[list[tuple[int, Change]]]:
    """Runs of consecutive changes with the same kind and action."""
    for _, group in groupby(numbered, key=lambda item: (item[1].action, item[1].kind)):
        yield list(group)


async def _run(api: Api, change: Change, ids: IdMap) -> None:
    kind = KINDS[change.kind]
    if change.action == "create":
        ids[change.ref] = await kind.create(api, change, ids)
    elif change.action == "update":
        await kind.update(api, change, ids)
    else:
        await kind.delete(api, change, ids)
