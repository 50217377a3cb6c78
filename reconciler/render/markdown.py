"""The markdown form of a plan, for a pull-request comment (pure).

A heading, a summary line, a table with one row per change and the attribute details in a
collapsed section. GitHub refuses comments longer than ``MAX_CHARS``; a plan that would not
fit shows its first changes and says how many more there are.
"""

from __future__ import annotations

import re

from reconciler.plan import Plan
from reconciler.render.rows import Row, rows, tally, title, verdict

MAX_CHARS = 65_536  # GitHub's limit on a comment body
TABLE_HEAD = ("| | Kind | Name | Notes |", "| --- | --- | --- | --- |")
DETAIL_INDENT = "     "

_SPECIAL = re.compile(r"([\\|`*_\[\]])")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def render_markdown(plan: Plan) -> str:
    """The whole comment, cut after as many changes as fit under ``MAX_CHARS``."""
    table = rows(plan)
    fence = _fence(table)
    shown = len(table)
    text = _document(plan, table, shown, fence)
    if len(text) <= MAX_CHARS:
        return text
    low, high = 0, shown - 1  # the largest count of changes that fits is in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if len(_document(plan, table, middle, fence)) <= MAX_CHARS:
            low = middle
        else:
            high = middle - 1
    return _document(plan, table, low, fence)


def _document(plan: Plan, table: list[Row], shown: int, fence: str) -> str:
    lines = [f"### {inline(title(plan))}", "", _summary(plan)]
    for head, items in verdict(plan):  # before the table: a cut comment still shows them
        lines += ["", f"**{inline(head)}**", "", *(f"- {inline(item)}" for item in items)]
    if table:
        lines += ["", *TABLE_HEAD, *(_table_line(row) for row in table[:shown])]
    hidden = len(table) - shown
    if hidden:
        changes = "change" if hidden == 1 else "changes"
        lines += ["", f"… {hidden} more {changes} not shown; see the JSON plan."]
    details = [line for row in table[:shown] for line in _detail_lines(row)]
    if details:
        lines += ["", "<details><summary>Details</summary>", "", fence + "diff"]
        lines += [*details, fence, "", "</details>"]
    return "\n".join(lines) + "\n"


def _summary(plan: Plan) -> str:
    left_alone = f"{plan.unmanaged} unmanaged left alone"
    if plan.empty:
        return f"**No changes.** The account matches the manifests; {left_alone}"
    return f"**Plan:** {tally(plan)}; {left_alone}"


def _table_line(row: Row) -> str:
    cells = (row.symbol, row.kind, row.label, row.note)
    return "| " + " | ".join(cell(text) for text in cells) + " |"


def _detail_lines(row: Row) -> list[str]:
    """The row in a ``diff`` block: creates in green, deletes in red, updates plain."""
    if not row.details:
        return []
    prefix = row.symbol if row.action == "create" else " "
    return [_one_line(row.head)] + [
        prefix + DETAIL_INDENT + _one_line(detail) for detail in row.details
    ]


def _fence(table: list[Row]) -> str:
    """A code fence longer than any run of backticks inside the details."""
    texts = [row.head for row in table] + [d for row in table for d in row.details]
    longest = max((len(run) for text in texts for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes and markup escaped, newlines as ``<br>``."""
    return "<br>".join(inline(part) for part in _NEWLINES.split(text))


def inline(text: str) -> str:
    """Text shown literally in a markdown line: markup and HTML escaped, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", _one_line(text))


def _one_line(text: str) -> str:
    return _NEWLINES.sub(" ", text)
