"""The markdown form of a plan, for a pull-request comment (pure).

A heading, a summary line, a table with one row per change and the attribute details in a
collapsed section. GitHub refuses comments longer than ``MAX_CHARS``; a plan that would not
fit in ``LIMIT`` shows its first changes, says how many of each action were left out, and
where the whole plan is (``full_plan``: the ``--out`` file, kept as a CI artifact; otherwise
the JSON plan).
"""

from __future__ import annotations

import re
from collections import Counter

from reconciler.plan import Plan
from reconciler.render.rows import Row, rows, tally, title, verdict
from reconciler.words import plural

MAX_CHARS = 65_536  # GitHub's limit on a comment body
# Kept free for a line a workflow puts before the plan (the sticky comment's marker). GitHub
# may count the limit in other units than characters [UNK]; the plan is mostly ASCII.
RESERVED = 200
LIMIT = MAX_CHARS - RESERVED
TABLE_HEAD = ("| | Kind | Name | Notes |", "| --- | --- | --- | --- |")
DETAIL_INDENT = "     "

_SPECIAL = re.compile(r"([\\|`*_\[\]])")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def render_markdown(plan: Plan, full_plan: str | None = None) -> str:
    """The whole comment, cut after as many changes as fit in ``LIMIT``."""
    table = rows(plan)
    fence = _fence(table)
    shown = len(table)
    where = f"the full plan is in {full_plan}" if full_plan else "see the JSON plan"
    text = _document(plan, table, shown, fence, where)
    if len(text) <= LIMIT:
        return text
    low, high = 0, shown - 1  # the largest count of changes that fits is in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if len(_document(plan, table, middle, fence, where)) <= LIMIT:
            low = middle
        else:
            high = middle - 1
    return _document(plan, table, low, fence, where)


def _document(plan: Plan, table: list[Row], shown: int, fence: str, where: str) -> str:
    lines = [f"### {inline(title(plan))}", "", _summary(plan)]
    for head, items in verdict(plan):  # before the table: a cut comment still shows them
        lines += ["", f"**{inline(head)}**", "", *(f"- {inline(item)}" for item in items)]
    if table:
        lines += ["", *TABLE_HEAD, *(_table_line(row) for row in table[:shown])]
    hidden = table[shown:]
    if hidden:
        counts = Counter(row.action for row in hidden)
        left_out = ", ".join(
            f"{counts[a]} to {a}" for a in ("create", "update", "delete") if counts[a]
        )
        lines += [
            "",
            f"… {plural(len(hidden), 'more change')} not shown ({left_out}), "
            f"to stay under GitHub's comment limit; {inline(where)}.",
        ]
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
    name = f"{row.label} ({row.aside})" if row.aside else row.label
    cells = (row.symbol, row.kind, name, row.note)
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
