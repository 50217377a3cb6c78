"""Plans and applies over several targets at once (``--all-targets``), and how their
results are shown: one section per target, then a summary table (pure, apart from the
steps run through a ``targets.Run``).

The result is the worst target's: ``FAILED`` when one failed, else ``CHANGES`` when one has
changes, else ``OK``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from reconciler.apply import Progress
from reconciler.commands.context import Result
from reconciler.errors import ApplyReport
from reconciler.manifest import Project, Target
from reconciler.plan import Plan
from reconciler.render import render
from reconciler.render.style import pad, width
from reconciler.targets import Outcome, Run, each, load_for, policy_for, rules_for

MULTI_FORMAT = "acr-plans/1"
MARKDOWN_LIMIT = 60_000  # under GitHub's 65,536-character comment limit, with the summary


async def plan_targets(
    run: Run,
    project: Project,
    targets: Sequence[Target | None],
    paths: Sequence[str],
    allow_deletes: int | None = None,
) -> list[Outcome]:
    """Every target's plan, made concurrently, each judged by the safety gate with its own
    policy; each outcome holds a ``Plan`` or an error."""

    async def step(target: Target | None) -> Plan:
        desired = load_for(project, paths, target, env=run.env)
        prune = policy_for(project, target).prune
        rules = rules_for(project, target, allow_deletes)
        return await run.attempt(target, lambda session: session.plan(desired, prune, rules))

    return await each(targets, step)


async def apply_targets(
    run: Run,
    plans: Sequence[tuple[Target | None, Plan]],
    progress: Callable[[str], Progress],
) -> list[Outcome]:
    """Apply each plan to its target concurrently; ``progress(name)`` reports its steps."""
    by_name = {plan.target: plan for _, plan in plans}

    async def step(target: Target | None) -> ApplyReport:
        plan = by_name[target.name if target else "default"]
        return await run.attempt(target, lambda session: session.apply(plan, progress(plan.target)))

    return await each([target for target, plan in plans if not plan.empty], step)


def result_of(outcomes: Sequence[Outcome]) -> Result:
    """The worst target's result."""
    if any(not o.ok for o in outcomes):
        return Result.FAILED
    if any(isinstance(o.value, Plan) and not o.value.empty for o in outcomes):
        return Result.CHANGES
    return Result.OK


def render_plans(outcomes: Sequence[Outcome], fmt: str, *, colour: bool = False) -> str:
    """Every target's plan in ``fmt``, then the summary table (a JSON document for json);
    ``colour`` colours the text form."""
    if fmt == "json":
        document = {
            "format": MULTI_FORMAT,
            "plans": [o.value.data for o in outcomes if o.ok],
            "errors": {o.target: str(o.error) for o in outcomes if not o.ok},
            "summary": {o.target: _summary(o) for o in outcomes},
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"
    sections = []
    for outcome in outcomes:
        if outcome.ok:
            sections.append(render(outcome.value, fmt, colour=colour))
        elif fmt == "markdown":
            sections.append(
                f"### acr plan — target {outcome.target}\n\n**Error:** {outcome.error}\n"
            )
        else:
            sections.append(f"acr plan — target {outcome.target}\n\n  Error: {outcome.error}\n")
    body = "\n".join(sections)
    if fmt == "markdown" and len(body) > MARKDOWN_LIMIT:  # keep it a pull-request comment
        body = (
            f"The plans of {len(outcomes)} targets are too long for one comment: run "
            "`acr plan --target NAME --format markdown` for each. The summary:\n"
        )
    return body + "\n" + summary_table(outcomes, fmt)


def _summary(outcome: Outcome) -> dict[str, object]:
    if not outcome.ok:
        return {"result": "error"}
    plan: Plan = outcome.value
    return {**plan.summary, "result": "no changes" if plan.empty else "changes"}


def summary_table(outcomes: Sequence[Outcome], fmt: str) -> str:
    header = ("target", "create", "update", "delete", "unmanaged", "result")
    rows = []
    for outcome in outcomes:
        if outcome.ok:
            counts = outcome.value.summary
            cells = [str(counts[name]) for name in header[1:5]]
            result = "no changes" if outcome.value.empty else "changes"
        else:
            cells, result = ["-"] * 4, "error"
        rows.append((outcome.target, *cells, result))
    if fmt == "markdown":
        lines = ["### Summary", "", "| " + " | ".join(header) + " |",
                 "|" + "|".join(["---"] + ["---:"] * 4 + ["---"]) + "|"]  # fmt: skip
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    table = [header, *rows]
    widths = [max(width(row[i]) for row in table) for i in range(len(header))]
    lines = ["Summary:"]
    for row in table:
        counts = [cell.rjust(widths[i]) for i, cell in enumerate(row[1:5], start=1)]
        cells = [pad(row[0], widths[0]), *counts]
        lines.append("  " + "  ".join([*cells, row[5]]))
    return "\n".join(lines) + "\n"
