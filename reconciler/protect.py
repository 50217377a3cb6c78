"""``policy.protect``: objects acr never deletes or changes (pure).

A pattern is ``section:glob`` (``tags:VIP*``, ``lists:newsletter``, ``pipelines:Sales``). It
matches an object of that section by its name as the plan shows it or by its key, without
regard to case (``fnmatch`` rules: ``*``, ``?``, ``[...]``). A stage belongs to the
``pipelines`` section: ``pipelines:Sales`` protects the pipeline and every stage in it, and
``pipelines:Sales / Won`` one stage.

A prune leaves a protected object alone (the plan lists it as protected); any other change
to one (an update, a stage left out of its pipeline, a new stage in a protected pipeline) is
refused by the safety gate, naming the object and the pattern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from reconciler.kinds import Obj, Registry
from reconciler.plan import Change, Held


@dataclass(frozen=True)
class Protection:
    patterns: tuple[str, ...] = ()

    def pattern_for(self, obj: Obj, kinds: Registry) -> str | None:
        """The first pattern that protects ``obj`` (one of ``kinds``), or None."""
        section = kinds[obj.kind].section
        names = {obj.label.casefold(), obj.key.casefold()}
        if obj.parent:
            names.add(obj.parent.casefold())  # a stage is part of its pipeline
        for pattern in self.patterns:
            where, _, glob = pattern.partition(":")
            if where == section and any(fnmatchcase(n, glob.casefold().strip()) for n in names):
                return pattern
        return None

    def change_pattern(self, change: Change, kinds: Registry) -> str | None:
        """The pattern that protects what ``change`` touches, or None. A create of a new
        top-level object touches nothing that exists."""
        for obj in (change.live, change.desired):
            if obj is None or (change.action == "create" and not obj.parent):
                continue
            found = self.pattern_for(obj, kinds)
            if found:
                return found
        return None


def hold_pruned(
    changes: Iterable[Change], protection: Protection, pruned: str, kinds: Registry
) -> tuple[list[Change], list[Held]]:
    """The changes without the prunes (deletes whose reason is ``pruned``) of protected
    objects, and those objects."""
    kept: list[Change] = []
    held: list[Held] = []
    for change in changes:
        pattern = protection.pattern_for(change.live, kinds) if change.live else None
        if change.action == "delete" and change.reason == pruned and pattern:
            held.append(Held(change.kind, change.key, change.label, change.id, pattern))
        else:
            kept.append(change)
    return kept, held


def violations(
    changes: Sequence[Change], protection: Protection, kinds: Registry
) -> list[tuple[Change, str]]:
    """The changes that would delete or change a protected object, with the pattern. The
    children of a parent the plan creates (a new pipeline's stages) touch nothing that
    exists."""
    created = {c.ref for c in changes if c.action == "create"}
    out = []
    for change in changes:
        obj = change.desired or change.live
        parent_kind = kinds[change.kind].child_of
        if obj and obj.parent and parent_kind and (parent_kind, obj.parent) in created:
            continue
        pattern = protection.change_pattern(change, kinds)
        if pattern:
            out.append((change, pattern))
    return out
