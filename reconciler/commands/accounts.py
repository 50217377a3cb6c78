"""The commands that read accounts without planning one change: ``acr export`` (an
account as manifests), ``acr connections`` (the Maton key's connections) and ``acr
compare`` (the parity of several targets against the manifests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reconciler.commands.context import Context, Result
from reconciler.compare import parity
from reconciler.compare import render as render_parity
from reconciler.connections import control_url, read_connections, render_report, report
from reconciler.export import export_account, export_files, write_files
from reconciler.fleet import plan_targets
from reconciler.manifest import Project, Target
from reconciler.targets import choose


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExportRequest:
    """The options of ``acr export``; ``out`` defaults to the project's manifests folder."""

    target: str | None = None
    out: str | None = None
    force: bool = False


def export(ctx: Context, request: ExportRequest, clock: Callable[[], datetime] = now) -> Result:
    """Write the account as manifests, one file per section, headed with where and when
    (``clock``) it was read; name what was left out and the placeholders to set."""
    (chosen,) = choose(ctx.project, request.target)
    session = ctx.run.session(chosen)
    kinds = ctx.project.kinds
    account, notes = asyncio.run(ctx.run.attempt(chosen, lambda s: s.read(kinds)))
    result = export_account(account.objects, kinds)
    result.skipped += notes
    when = clock().strftime("%Y-%m-%d %H:%M UTC")
    source = session.endpoint.description + (f" (target {chosen.name})" if chosen else "")
    folder = Path(request.out or export_folder(ctx.project))
    written = write_files(export_files(result, source, when), folder, force=request.force)
    counts = ", ".join(f"{p.name} ({len(result.sections[p.stem])})" for p in written)
    ctx.say(f"Exported {result.count} objects to {folder}/: {counts or 'nothing'}.")
    if result.placeholders:
        ctx.say(
            "Credentials in URLs were replaced by ${env.NAME}; set these before plan: "
            + ", ".join(p.name for p in result.placeholders),
        )
    for line in result.skipped:
        ctx.notice(f"Warning: left out {line}")
    return Result.OK


def export_folder(project: Project) -> str:
    """The project's first manifests path, unless it names a file."""
    first = project.manifests[0] if project.manifests else "manifests"
    return "manifests" if first.endswith((".yaml", ".yml")) else first


def connections(ctx: Context) -> Result:
    """List the connections and the targets using each; ``FAILED`` when a target's
    connection is missing or not active."""
    session = ctx.run.session(None)
    listing = asyncio.run(read_connections(session, ctx.env))
    found = report(listing, list(ctx.project.targets.values()))
    where = control_url(ctx.env, session.endpoint.gateway) or ""
    ctx.show(render_report(found, "the built-in sandbox" if ctx.sandbox else where))
    return Result.FAILED if found.problems else Result.OK


def compare(ctx: Context, paths: Sequence[str], names: str | None, fmt: str) -> Result:
    """Plan every target of ``names`` (``a,b``; all when None), show the parity in ``fmt``:
    ``FAILED`` when a target could not be planned, ``CHANGES`` when one differs."""
    chosen = compared_targets(ctx.project, names)
    outcomes = asyncio.run(plan_targets(ctx.run, ctx.project, chosen, paths))
    result = parity(outcomes, ctx.project.kinds)
    ctx.show(render_parity(result, fmt))
    if result.errors:
        return Result.FAILED
    return Result.OK if result.in_sync else Result.CHANGES


def compared_targets(project: Project, names: str | None) -> list[Target | None]:
    if names:
        return [choose(project, n.strip())[0] for n in names.split(",") if n.strip()]
    return list(project.targets.values()) or [None]
