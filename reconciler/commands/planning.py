"""``acr plan``: one target's plan or every target's, the safety gate, and the check of a
saved plan against a fresh one (``apply --plan``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.commands.context import Context, Result
from reconciler.errors import ConfigError, PlanError
from reconciler.fleet import plan_targets, render_plans, result_of
from reconciler.manifest import Desired, Target
from reconciler.outfiles import check_writable, write_text
from reconciler.plan import Plan
from reconciler.render import render
from reconciler.review import compare_saved
from reconciler.safety import enforce
from reconciler.targets import choose, policy_for, rules_for


@dataclass(frozen=True)
class PlanRequest:
    """The options of ``acr plan``. ``full_plan`` is where a markdown plan cut to fit a
    pull-request comment sends its readers."""

    paths: Sequence[str] = ()
    target: str | None = None
    all_targets: bool = False
    fmt: str = "text"
    out: str | None = None
    full_plan: str | None = None


def plan(ctx: Context, request: PlanRequest) -> Result:
    """Read the account(s), show the plan(s) in ``request.fmt``, save one to ``out``,
    append the markdown to the GitHub step summary; then the safety gate: a refused plan,
    shown in full, raises (``SafetyError``, or ``PlanError`` naming the refused targets)."""
    out_file = check_writable(request.out, "--out") if request.out else None  # before any read
    chosen = choose(ctx.project, request.target, all_targets=request.all_targets)
    if request.all_targets:
        if request.out:
            raise ConfigError("--out saves one target's plan: use it with --target NAME")
        return plan_all(ctx, chosen, request)
    result = plan_target(ctx, chosen[0], ctx.load(request.paths, chosen[0]))
    ctx.show(render(result, request.fmt, colour=ctx.colour, full_plan=request.full_plan))
    if out_file:
        write_text(out_file, render(result, "json"), "--out")
        ctx.notice(f"Plan written to {request.out}.")
    ctx.step_summary(lambda: render(result, "markdown", full_plan=request.full_plan))
    enforce(result)
    return Result.OK if result.empty else Result.CHANGES


def plan_all(ctx: Context, targets: Sequence[Target | None], request: PlanRequest) -> Result:
    """Every target's plan, concurrently; a target that fails is shown as such and makes the
    result ``FAILED``, the others are still shown."""
    outcomes = asyncio.run(plan_targets(ctx.run, ctx.project, targets, request.paths))
    ctx.show(render_plans(outcomes, request.fmt, colour=ctx.colour))
    ctx.step_summary(lambda: render_plans(outcomes, "markdown"))
    refused = [o.target for o in outcomes if o.ok and o.value.refused]
    if refused:
        raise PlanError(f"apply would refuse the plan of target(s) {', '.join(refused)}")
    return result_of(outcomes)


def plan_target(
    ctx: Context, target: Target | None, desired: Desired, allow_deletes: int | None = None
) -> Plan:
    """``target``'s plan for ``desired``, judged by the safety gate with the target's policy
    and ``allow_deletes`` (``--allow-deletes``); reads only."""
    prune = policy_for(ctx.project, target).prune
    rules = rules_for(ctx.project, target, allow_deletes)
    return asyncio.run(ctx.run.attempt(target, lambda session: session.plan(desired, prune, rules)))


def check_saved(path: str, fresh: Plan) -> None:
    """Refuse (``PlanError``) unless the plan saved at ``path`` has exactly ``fresh``'s
    changes, naming each object that moved (``review.compare_saved``)."""
    try:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the saved plan {path}: {exc}") from exc
    moved = compare_saved(saved if isinstance(saved, dict) else {}, fresh)
    if moved:
        raise PlanError(
            f"the saved plan {path} is out of date, so nothing was changed:\n"
            + "\n".join(f"  - {line}" for line in moved)
            + "\nMake and review a new plan with `acr plan --out`."
        )
