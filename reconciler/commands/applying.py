"""``acr apply``: plan, check, confirm, lock, apply, verify, journal; for one target, or
for every target at once with one confirmation.

The lock of every account the command reaches is held from the fresh plan to the last
write, so a second apply plans only after the first has written (``lock.py``)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial

from reconciler.commands.context import Context, Question, Result
from reconciler.commands.planning import check_saved, plan_target
from reconciler.errors import ApplyReport, ConfigError, PlanError
from reconciler.fleet import apply_targets, plan_targets, render_plans
from reconciler.lock import DEFAULT_TIMEOUT, account_lock
from reconciler.manifest import Target
from reconciler.plan import Plan
from reconciler.render import render
from reconciler.safety import enforce
from reconciler.targets import choose
from reconciler.words import plural

CONFIRM_WORD = "yes"


@dataclass(frozen=True)
class ApplyRequest:
    """The options of ``acr apply``: ``saved`` is a plan file (``--plan``) the fresh plan
    must match; ``yes`` applies without asking."""

    paths: Sequence[str] = ()
    target: str | None = None
    all_targets: bool = False
    yes: bool = False
    saved: str | None = None
    allow_deletes: int | None = None
    lock_timeout: float = DEFAULT_TIMEOUT


def apply(ctx: Context, request: ApplyRequest) -> Result:
    """Make the account(s) match the manifests. Every refusal (the safety gate, a saved
    plan that moved, no confirmation) raises before anything is written; a failed write
    raises ``ApplyError`` with the report of what was done."""
    chosen = choose(ctx.project, request.target, all_targets=request.all_targets)
    if request.all_targets:
        if request.saved:
            raise ConfigError("--plan applies one target's saved plan: use it with --target NAME")
        with locks(ctx, chosen, request.lock_timeout):
            return apply_all(ctx, chosen, request)
    target = chosen[0]
    desired = ctx.load(request.paths, target)
    with locks(ctx, chosen, request.lock_timeout):
        result = plan_target(ctx, target, desired, request.allow_deletes)
        ctx.show(render(result, "text", colour=ctx.colour))
        if request.saved:
            check_saved(request.saved, result)
        enforce(result)
        if result.empty:
            return Result.OK
        confirm(ctx, question(result), yes=request.yes)
        progress = partial(ctx.hooks.progress, None)
        report = asyncio.run(
            ctx.run.attempt(target, lambda s: s.apply(result, progress, on_signal=ctx.notice))
        )
    ctx.say(completed(result, report))
    return Result.OK


def apply_all(ctx: Context, targets: Sequence[Target | None], request: ApplyRequest) -> Result:
    """Plan every target, show the plans, check them all, ask once, apply concurrently.
    A target whose apply fails does not stop the others; the error names every one."""
    ctx.run.check_distinct(targets)
    outcomes = asyncio.run(
        plan_targets(ctx.run, ctx.project, targets, request.paths, request.allow_deletes)
    )
    ctx.show(render_plans(outcomes, "text", colour=ctx.colour))
    failed = [o.target for o in outcomes if not o.ok]
    if failed:
        raise PlanError(f"target(s) {', '.join(failed)} could not be planned; nothing was changed")
    plans = [(t, o.value) for t, o in zip(targets, outcomes, strict=True)]
    for _, result in plans:
        enforce(result)
    pending = [result for _, result in plans if not result.empty]
    if not pending:
        return Result.OK
    names = ", ".join(p.target for p in pending)
    confirm(ctx, Question(f"Apply the plans above to {names}?"), yes=request.yes)
    progress = ctx.hooks.progress
    applied = asyncio.run(apply_targets(ctx.run, plans, lambda name: partial(progress, name)))
    for outcome in applied:
        if outcome.ok:
            done = plural(len(outcome.value.done), "change")
            ctx.say(f"{outcome.target}: apply complete ({done}).")
        else:
            ctx.notice(f"{outcome.target}: {outcome.error}")
    if any(not o.ok for o in applied):
        raise ConfigError(
            "apply failed on target(s) "
            + ", ".join(o.target for o in applied if not o.ok)
            + "; the others were applied. Run apply again to converge."
        )
    return Result.OK


def locks(ctx: Context, targets: Sequence[Target | None], timeout: float) -> ExitStack:
    """The lock of every account ``targets`` reach, taken in one order (so two runs over
    overlapping targets never wait on each other in a circle); released when the block ends."""
    endpoints = {}
    for target in targets:
        endpoint = ctx.run.session(target).endpoint
        endpoints[endpoint.account] = endpoint.description
    stack = ExitStack()
    try:
        for account in sorted(endpoints):
            stack.enter_context(
                account_lock(account, what=endpoints[account], timeout=timeout, on_wait=ctx.notice)
            )
    except BaseException:
        stack.close()
        raise
    return stack


def confirm(ctx: Context, asked: Question, *, yes: bool) -> None:
    """Go on with ``yes``, or when the answer to ``asked`` confirms; else raise."""
    if yes:
        return
    if ctx.hooks.confirm is None:
        raise ConfigError("refusing to apply without confirmation: no terminal. Pass --yes.")
    if not ctx.hooks.confirm(asked):
        raise ConfigError("apply cancelled; nothing was changed.")


def question(result: Plan) -> Question:
    """Names the target and the account, and takes only the word ``yes``."""
    summary = result.summary
    account = f" ({result.endpoint})" if result.endpoint else ""
    return Question(
        f"Apply {plural(summary['create'], 'create')}, {plural(summary['update'], 'update')} "
        f"and {plural(summary['delete'], 'delete')} to target {result.target}{account}?\n"
        f"Only '{CONFIRM_WORD}' is accepted to confirm",
        word=CONFIRM_WORD,
    )


def completed(result: Plan, report: ApplyReport) -> str:
    counts = Counter(c.action for c in result.changes)
    return (
        f"Apply complete: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted ({plural(len(report.done), 'change')}). "
        f"Journal: {report.journal}"
    )
