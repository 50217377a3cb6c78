"""One create, update or delete of one object, and its plain ``data`` form (pure).

The plan (``plan``) orders changes; the kinds' writes (``kinds.base.Kind.create``...) read
them; both import this module, which imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.objects import AttrDiff, Obj, Ref
from reconciler.secrets import show_diff, shown

Action = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Change:
    """One create, update or delete of one object.

    ``desired`` and ``live`` are what apply works from; they stay out of ``data`` (the live
    object carries sub-object ids, the desired one secrets). ``data`` shows the desired
    values in their shown form, and the live ones with credentials masked.
    """

    action: Action
    kind: str
    key: str
    label: str
    id: str | None = None
    source: str | None = None
    diff: tuple[AttrDiff, ...] = ()
    reason: str | None = None  # why a delete: "pruned", "not listed in pipeline ..."
    note: str | None = None  # what else happens: 'reuses default stage "To Contact"'
    move_to: Ref | None = None  # a stage delete: the stage its deals move to first
    # What the change touches, read from the account: {"contacts": 3}, {"deals": 2}; a
    # count of None is unknown (the account could not say), which the safety gate refuses.
    impact: Mapping[str, int | None] = field(default_factory=dict)
    hint: str | None = None  # advice for the reviewer: the renamed_from line to add
    desired: Obj | None = field(default=None, compare=False)
    live: Obj | None = field(default=None, compare=False)

    @property
    def ref(self) -> Ref:
        return (self.kind, self.key)

    @property
    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "kind": self.kind, "key": self.key}
        if self.id is not None:
            out["id"] = self.id
        if self.source:
            out["source"] = self.source
        if self.action == "create" and self.desired is not None:
            out["after"] = dict(shown(self.desired))
        if self.diff:
            out["diff"] = [diff_data(d, self.desired) for d in self.diff]
        for name in ("reason", "note"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.move_to:
            out["move_to"] = {"kind": self.move_to[0], "key": self.move_to[1]}
        if self.impact:
            out["impact"] = dict(sorted(self.impact.items()))
        if self.hint:
            out["hint"] = self.hint
        return out

    @property
    def losses(self) -> int | None:
        """The records this change takes with it: the sum of its impact, None if unknown."""
        counts = list(self.impact.values())
        return None if None in counts else sum(c or 0 for c in counts)


def diff_data(diff: AttrDiff, desired: Obj | None) -> dict[str, Any]:
    """One changed attribute as plans show it; ``secret_changed`` when only a secret did."""
    before, after, secret_changed = show_diff(diff, desired)
    row = {"path": diff.path, "before": before, "after": after}
    return {**row, "secret_changed": True} if secret_changed else row
