"""The text form of a plan: what ``acr plan`` prints (pure).

With ``colour`` on (the CLI decides: a terminal, no ``NO_COLOR``), each change's line is in
its action's colour, as Terraform does. Notes are aligned by display width, at most
``style.MAX_PAD`` cells from the left.
"""

from __future__ import annotations

from reconciler.plan import Plan
from reconciler.render.rows import SYMBOLS, Row, rows, title, unmanaged, verdict
from reconciler.render.style import MAX_PAD, bold, pad, paint, width

INDENT = "  "
DETAIL_INDENT = "      "
GAP = 2  # spaces between a change and its note


def render_text(plan: Plan, colour: bool = False) -> str:
    """The heading, one line per change with its details under it, and the summary."""
    table = rows(plan)
    lines = [bold(title(plan), colour), ""]
    left_alone = f"{unmanaged(plan.unmanaged)} left alone."
    if not table:
        lines.append(f"No changes. The account matches the manifests. {left_alone}")
        return "\n".join(lines + _verdict(plan)) + "\n"
    column = _note_column(table)
    for row in table:
        head = INDENT + row.head
        line = _with_note(head, row.note, column) if row.note else head
        lines.append(paint(line, row.action, colour))
        lines.extend(DETAIL_INDENT + detail for detail in row.details)
    lines += ["", f"{bold('Plan:', colour)} {_tally(plan, colour)}. {left_alone}"]
    return "\n".join(lines + _verdict(plan)) + "\n"


def _verdict(plan: Plan) -> list[str]:
    lines: list[str] = []
    for head, items in verdict(plan):
        bullet = "" if head.startswith("Protected") else "- "
        lines += ["", head, *(f"{INDENT}{bullet}{item}" for item in items)]
    return lines


def _tally(plan: Plan, colour: bool) -> str:
    counts = plan.summary
    return ", ".join(
        paint(f"{counts[action]} to {action}", action, colour and counts[action] > 0)
        for action in SYMBOLS
    )


def _note_column(table: list[Row]) -> int:
    """Where the notes start: ``GAP`` cells after the longest head that has a note, leaving
    out heads wider than ``MAX_PAD``, which have their note ``GAP`` spaces after them."""
    widths = [width(INDENT + row.head) for row in table if row.note]
    return max((w for w in widths if w <= MAX_PAD), default=0) + GAP


def _with_note(head: str, note: str, column: int) -> str:
    return pad(head, column) + note if width(head) + GAP <= column else head + " " * GAP + note
