"""The one row model the text and markdown forms are drawn from (pure).

Every change of a plan becomes one ``Row``: its symbol, kind, label, trailing note and the
detail lines a reviewer reads under it (a create's attributes, an update's changed
attributes). Rows read desired values in their shown form and live ones with credentials
masked (``reconciler.secrets``), so a renderer that only reads rows cannot leak a secret.
The JSON form does not use rows: it dumps ``Plan.data``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.kinds.base import Kind, Obj
from reconciler.plan import AttrDiff, Change, Plan
from reconciler.secrets import mask_text, show_diff, shown

SYMBOLS = {"create": "+", "update": "~", "delete": "-"}


@dataclass(frozen=True)
class Row:
    """One change as a reviewer reads it; no secret in any string."""

    action: str  # "create", "update", "delete"
    symbol: str  # "+", "~", "-"
    kind: str
    label: str
    note: str  # why and what else happens ("pruned: not in the manifests"), or ""
    details: tuple[str, ...]  # 'name: "News" -> "Newsletter"', one per attribute
    source: str | None  # "manifests/tags.yaml:2"
    aside: str = ""  # shown beside the label: a field's perstag

    @property
    def name(self) -> str:
        """``"Plan" (PLAN)``: the label quoted, with what the kind shows beside it."""
        return f"{quote(self.label)} ({self.aside})" if self.aside else quote(self.label)

    @property
    def head(self) -> str:
        """``+ tag "VIP Customer"``: the row's first line, without indentation or note."""
        return f"{self.symbol} {self.kind} {self.name}"


def rows(plan: Plan) -> list[Row]:
    """One row per change, in plan order."""
    return [_row(change, plan.kinds.get(change.kind)) for change in plan.changes]


def title(plan: Plan) -> str:
    """``acr plan — target production (Maton connection 9e8b…dca)``."""
    where = f" ({plan.endpoint})" if plan.endpoint else ""
    return f"acr plan — target {plan.target}{where}"


def tally(plan: Plan) -> str:
    """``1 to create, 2 to update, 2 to delete``."""
    counts = plan.summary
    return ", ".join(f"{counts[action]} to {action}" for action in SYMBOLS)


def unmanaged(count: int) -> str:
    """``14 unmanaged objects`` / ``1 unmanaged object``."""
    return f"{count} unmanaged object{'' if count == 1 else 's'}"


def quote(value: Any) -> str:
    """A value as one line of JSON: strings quoted and escaped, non-ASCII kept readable."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def verdict(plan: Plan) -> list[tuple[str, list[str]]]:
    """The sections under the changes, as (heading, lines), masked: the objects
    policy.protect kept, the notices, and what apply will refuse and why."""
    out: list[tuple[str, list[str]]] = []
    if plan.protected:
        lines = [f"= {h.kind} {quote(h.label)}  kept by {quote(h.pattern)}" for h in plan.protected]
        out.append(("Protected by policy.protect, left alone:", lines))
    if plan.notices:
        out.append(("Notes:", list(plan.notices)))
    if plan.refusals:
        out.append(("Apply will refuse this plan:", [r.message for r in plan.refusals]))
    return [(head, [mask_text(line) for line in lines]) for head, lines in out]


def impact_text(impact: Mapping[str, int | None]) -> str:
    """``3 contacts``, ``an unknown number of deals``."""
    return ", ".join(
        f"{count} {what}" if count is not None else f"an unknown number of {what}"
        for what, count in sorted(impact.items())
    )


def _note(change: Change) -> str:
    parts = [change.reason, change.note]
    if change.impact and (change.action != "delete" or change.losses is None):
        parts.append(f"touches {impact_text(change.impact)}")
    return "; ".join(part for part in parts if part)


def _row(change: Change, kind: Kind | None) -> Row:
    note = _note(change)
    if change.action == "create":
        attrs = shown(change.desired) if change.desired is not None else {}
        details = tuple(f"{name}: {value_text(value)}" for name, value in attrs.items())
    else:
        details = tuple(describe(d, change.desired) for d in change.diff)
    if change.hint:
        details += (mask_text(f"hint: {change.hint}"),)
    return Row(
        action=change.action,
        symbol=SYMBOLS[change.action],
        kind=change.kind,
        label=change.label,
        note=note,
        details=details,
        source=change.source,
        aside=_aside(change, kind),
    )


def _aside(change: Change, kind: Kind | None) -> str:
    obj = change.desired or change.live
    return (kind.aside(obj) or "") if kind is not None and obj is not None else ""


def describe(diff: AttrDiff, desired: Obj | None = None) -> str:
    """One detail line for a changed attribute: ``path: <what changed>``, shown forms only."""
    before, after, secret_changed = show_diff(diff, desired)
    line = f"{diff.path}: {change_text(before, after)}"
    return line + (" (secret changed)" if secret_changed else "")


def change_text(before: Any, after: Any) -> str:
    """What changed between two values, in the shape that reads best for them."""
    parts: list[str] = []
    if before != after:
        if _is_options(before) and _is_options(after):
            parts = _option_changes(before, after)
        elif _is_scalars(before) and _is_scalars(after):
            parts = _list_changes(before, after)
    if parts:
        return ", ".join(parts)
    return f"{value_text(before)} -> {value_text(after)}"


def value_text(value: Any) -> str:
    """A whole value on one line: JSON, with field options shown by value."""
    if _is_options(value) and value:
        return "[" + ", ".join(_option_text(option) for option in value) + "]"
    return quote(list(value) if isinstance(value, tuple) else value)


def _list_changes(before: Sequence[Any], after: Sequence[Any]) -> list[str]:
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    kept_before = [v for v in before if v in after]
    kept_after = [v for v in after if v in before]
    if Counter(map(quote, kept_before)) != Counter(map(quote, kept_after)):
        return []  # repeated items changed: the whole lists say it best
    parts = [f"+ {quote(v)}" for v in added] + [f"- {quote(v)}" for v in removed]
    if kept_before != kept_after:
        parts.append(f"reordered: {quote(kept_before)} -> {quote(kept_after)}")
    return parts


def _option_changes(before: Sequence[Any], after: Sequence[Any]) -> list[str]:
    old = {option["value"]: option for option in before}
    new = {option["value"]: option for option in after}
    if len(old) != len(before) or len(new) != len(after):
        return []  # repeated values: the whole lists say it best
    parts = [f"+ {_option_text(o)}" for o in after if o["value"] not in old]
    parts += [f"- {quote(o['value'])}" for o in before if o["value"] not in new]
    for value, option in new.items():
        was = old.get(value)
        if was is not None and _label(was) != _label(option):
            parts.append(
                f"{quote(value)} relabelled {quote(_label(was))} -> {quote(_label(option))}"
            )
    kept_before = [value for value in old if value in new]
    kept_after = [value for value in new if value in old]
    if kept_before != kept_after:
        parts.append(f"reordered: {quote(kept_before)} -> {quote(kept_after)}")
    return parts


def _option_text(option: Mapping[str, Any]) -> str:
    value, label = option["value"], _label(option)
    return quote(value) if label == value else f"{quote(value)} labelled {quote(label)}"


def _label(option: Mapping[str, Any]) -> Any:
    label = option.get("label")
    return option["value"] if label is None else label


def _is_scalars(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        v is None or isinstance(v, str | int | float | bool) for v in value
    )


def _is_options(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        isinstance(v, Mapping) and "value" in v for v in value
    )
