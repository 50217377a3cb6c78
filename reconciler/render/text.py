"""The text form of a plan: what ``acr plan`` prints (pure)."""

from __future__ import annotations

from reconciler.plan import Plan
from reconciler.render.rows import Row, rows, tally, title, unmanaged, verdict

INDENT = "  "
DETAIL_INDENT = "      "


def render_text(plan: Plan) -> str:
    """The heading, one line per change with its details under it, and the summary."""
    table = rows(plan)
    lines = [title(plan), ""]
    left_alone = f"{unmanaged(plan.unmanaged)} left alone."
    if not table:
        lines.append(f"No changes. The account matches the manifests. {left_alone}")
        return "\n".join(lines + _verdict(plan)) + "\n"
    width = _note_column(table)
    for row in table:
        head = INDENT + row.head
        lines.append(head.ljust(width) + row.note if row.note else head)
        lines.extend(DETAIL_INDENT + detail for detail in row.details)
    lines += ["", f"Plan: {tally(plan)}. {left_alone}"]
    return "\n".join(lines + _verdict(plan)) + "\n"


def _verdict(plan: Plan) -> list[str]:
    lines: list[str] = []
    for head, items in verdict(plan):
        bullet = "" if head.startswith("Protected") else "- "
        lines += ["", head, *(f"{INDENT}{bullet}{item}" for item in items)]
    return lines


def _note_column(table: list[Row]) -> int:
    """Where the notes start: two spaces after the longest head that has a note."""
    return max((len(INDENT + row.head) for row in table if row.note), default=0) + 2
