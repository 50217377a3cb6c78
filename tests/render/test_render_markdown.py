"""The markdown form: escaping, the collapsed details, and GitHub's size limit."""

from __future__ import annotations

import re

from render_samples import KINDS, create, delete, huge_plan, sample_plan

from reconciler.plan import Plan
from reconciler.render.markdown import LIMIT, MAX_CHARS, cell, render_markdown


def test_cells_escape_pipes_markup_and_newlines() -> None:
    assert cell("a | b\nc\r\nd") == r"a \| b<br>c<br>d"
    assert cell("<b>*x*_`y`") == r"&lt;b&gt;\*x\*\_\`y\`"


def test_table_row_per_change() -> None:
    plan = Plan(
        kinds=KINDS,
        changes=(delete("tag", "contact:x", "x | y\nz", "1", "pruned: not in the manifests"),),
    )
    out = render_markdown(plan)
    assert r"| - | tag | x \| y<br>z | pruned: not in the manifests |" in out.splitlines()
    assert "<details>" not in out  # a delete has no attribute details


def test_details_fence_outlasts_backticks_in_values() -> None:
    plan = Plan(
        kinds=KINDS, changes=(create("tag", "contact:x", "x", "t.yaml:1", name="a ```` b"),)
    )
    out = render_markdown(plan)
    assert "`````diff\n" in out
    assert out.count("`````\n") == 1


def test_small_plan_is_whole() -> None:
    out = render_markdown(sample_plan())
    assert "more changes not shown" not in out
    assert out.count("\n| ") == len(sample_plan().changes) + 2  # header, rule, one per change


def test_huge_plan_stays_under_githubs_limit() -> None:
    plan = huge_plan(5000)
    out = render_markdown(plan)
    assert len(out) <= LIMIT < MAX_CHARS
    shown = len([line for line in out.splitlines() if re.match(r"\| [+~-] \|", line)])
    notice = re.search(
        r"^… (\d+) more changes not shown \(\d+ to create, \d+ to update\), "
        r"to stay under GitHub.s comment limit; see the JSON plan\.$",
        out,
        re.M,
    )
    assert notice is not None
    assert shown > 100 and shown + int(notice[1]) == 5000
    assert len(re.findall(r'^[+~] tag "Tag \d+', out, re.M)) == shown  # details of the same ones
    assert out.endswith("```\n\n</details>\n")
    # The cut is as late as it can be: one more change (its table row and details take
    # well under 300 characters here) would not have fitted.
    assert len(out) > LIMIT - 300


def test_huge_plan_is_deterministic() -> None:
    assert render_markdown(huge_plan(3000)) == render_markdown(huge_plan(3000))


def test_a_cut_plan_says_where_the_full_plan_is() -> None:
    out = render_markdown(huge_plan(3000), full_plan="plan.json (`acr plan --out`)")
    assert "; the full plan is in plan.json (\\`acr plan --out\\`)." in out
