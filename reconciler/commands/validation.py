"""``acr validate``: the manifests checked offline, with every target's vars."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reconciler import github
from reconciler.commands.context import Context, Result
from reconciler.targets import choose
from reconciler.words import plural

if TYPE_CHECKING:
    from reconciler.manifest import Desired, Project, Target


def validate(ctx: Context, paths: Sequence[str], target: str | None) -> Result:
    """Load the manifests for the chosen targets (every target when there are targets and
    neither ``target`` nor ``default_target``), reading no ``${env.*}`` value; show each
    warning and a summary. A problem raises ``ManifestError`` with all of them."""
    chosen = targets_to_validate(ctx.project, target)
    desired: Desired | None = None
    for each in chosen:
        desired = ctx.load(paths, each, read_env=False)
        for warning in desired.warnings:
            ctx.notice(f"Warning: {warning}")
            if ctx.in_actions():
                ctx.notice(github.annotation(warning, "warning"))
    assert desired is not None  # choose() gives at least one target
    ctx.say(summary(desired, [t.name for t in chosen if t is not None]))
    if desired.env_names:
        ctx.notice(f"Not read (plan and apply need them): {', '.join(desired.env_names)}.")
    return Result.OK


def targets_to_validate(project: Project, name: str | None) -> list[Target | None]:
    if name is None and project.targets and project.default_target is None:
        return list(project.targets.values())
    return choose(project, name)


def summary(desired: Desired, targets: Sequence[str]) -> str:
    """``Valid: 2 tags, 1 list in 3 files (targets: a, b).``"""
    counts = Counter(obj.kind for obj in desired.objects)
    found = ", ".join(plural(n, kind) for kind, n in sorted(counts.items()))
    against = f" (targets: {', '.join(targets)})" if len(targets) > 1 else ""
    return f"Valid: {found or 'nothing'} in {plural(len(desired.files), 'file')}{against}."
