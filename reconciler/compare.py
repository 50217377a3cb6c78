"""``acr compare``: the parity of several targets against the manifests (pure).

Each target's plan (made read-only, concurrently, by the caller) says how far its account is
from the manifests. The matrix has a row per kind and a column per target; a cell is "in
sync" or the number of objects of that kind that differ. Below it, each object that differs
somewhere, with what differs on which target. The markdown form fits a pull-request comment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.kinds import Registry
from reconciler.plan import Plan
from reconciler.targets import Outcome

FORMATS = ("text", "markdown", "json")
COMPARE_FORMAT = "acr-compare/1"
IN_SYNC = "in sync"
MARKDOWN_LIMIT = 60_000  # under GitHub's 65,536-character comment limit
WORD = {"create": "missing", "update": "differs", "delete": "extra"}


@dataclass(frozen=True)
class Difference:
    kind: str
    label: str
    by_target: tuple[tuple[str, str], ...]  # (target, "missing" / "differs: name, url" / ...)


@dataclass(frozen=True)
class Parity:
    targets: tuple[str, ...]
    matrix: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, a cell per target)
    differences: tuple[Difference, ...]
    errors: tuple[tuple[str, str], ...]  # (target, message)

    @property
    def in_sync(self) -> bool:
        return not self.differences and not self.errors


def parity(outcomes: Sequence[Outcome], kinds: Registry) -> Parity:
    """A row per kind of ``kinds``, a column per target of ``outcomes``."""
    names = tuple(o.target for o in outcomes)
    plans = {o.target: o.value for o in outcomes if o.ok and isinstance(o.value, Plan)}
    rows = []
    for kind in kinds.names:
        cells = []
        for name in names:
            plan = plans.get(name)
            if plan is None:
                cells.append("error")
                continue
            count = len({c.key for c in plan.changes if c.kind == kind})
            cells.append(str(count) if count else IN_SYNC)
        rows.append((kind, tuple(cells)))
    found: dict[tuple[str, str], dict[str, str]] = {}
    labels: dict[tuple[str, str], str] = {}
    for name, plan in plans.items():
        for change in plan.changes:
            ref = (change.kind, change.key)
            labels.setdefault(ref, change.label)
            what = WORD[change.action]
            if change.diff:
                what += ": " + ", ".join(d.path for d in change.diff)
            found.setdefault(ref, {})[name] = what
    order = {kind: i for i, kind in enumerate(kinds.names)}
    differences = tuple(
        Difference(ref[0], labels[ref], tuple((n, found[ref][n]) for n in names if n in found[ref]))
        for ref in sorted(found, key=lambda r: (order.get(r[0], 99), r[1]))
    )
    errors = tuple((o.target, str(o.error)) for o in outcomes if not o.ok)
    return Parity(names, tuple(rows), differences, errors)


def render(result: Parity, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_data(result), indent=2, sort_keys=True) + "\n"
    if fmt == "markdown":
        return _markdown(result)
    return _text(result)


def _data(result: Parity) -> dict[str, object]:
    return {
        "format": COMPARE_FORMAT,
        "targets": list(result.targets),
        "matrix": {
            kind: dict(zip(result.targets, cells, strict=True)) for kind, cells in result.matrix
        },
        "differences": [
            {"kind": d.kind, "object": d.label, "targets": dict(d.by_target)}
            for d in result.differences
        ],
        "errors": dict(result.errors),
        "in_sync": result.in_sync,
    }


def _text(result: Parity) -> str:
    header = ("kind", *result.targets)
    table = [header, *((kind, *cells) for kind, cells in result.matrix)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["acr compare — targets against the manifests", ""]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in table]  # fmt: skip
    lines.append("")
    if result.in_sync:
        lines.append("Every target is in sync with the manifests.")
    for d in result.differences:
        lines.append(f'{d.kind} "{d.label}"')
        lines += [f"    {target}: {what}" for target, what in d.by_target]
    for target, message in result.errors:
        lines.append(f"{target}: error: {message}")
    return "\n".join(lines) + "\n"


def _markdown(result: Parity) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    synced = (
        "every target in sync" if result.in_sync else f"{len(result.differences)} object(s) differ"
    )
    lines = [f"### acr compare: {synced}", ""]
    lines.append("| kind | " + " | ".join(cell(t) for t in result.targets) + " |")
    lines.append("|---|" + "---|" * len(result.targets))
    for kind, cells in result.matrix:
        shown = [("✅ " + c) if c == IN_SYNC else f"**{c}**" for c in cells]
        lines.append(f"| {kind} | " + " | ".join(shown) + " |")
    body: list[str] = []
    for d in result.differences:
        whats = "; ".join(f"{target}: {what}" for target, what in d.by_target)
        body.append(f"| {d.kind} | {cell(d.label)} | {cell(whats)} |")
    if body:
        lines += ["", "<details><summary>Differences</summary>", "",
                  "| kind | object | targets |", "|---|---|---|"]  # fmt: skip
        size = sum(len(line) + 1 for line in lines)
        for number, line in enumerate(body):
            if size + len(line) > MARKDOWN_LIMIT:
                lines.append(f"| … | {len(body) - number} more | run `acr compare` for all |")
                break
            lines.append(line)
            size += len(line) + 1
        lines += ["", "</details>"]
    for target, message in result.errors:
        lines += ["", f"**{cell(target)}: error:** {cell(message)}"]
    return "\n".join(lines) + "\n"
