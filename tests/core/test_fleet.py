"""Several targets (pure): choosing them, the summary table, the compare matrix."""

from __future__ import annotations

import pytest

from reconciler.commands.context import Result
from reconciler.compare import parity, render
from reconciler.errors import ConfigError, PlanError
from reconciler.fleet import result_of, summary_table
from reconciler.kinds import standard_kinds
from reconciler.manifest import Project, Target
from reconciler.plan import AttrDiff, Change, Plan
from reconciler.targets import Outcome, choose

KINDS = standard_kinds()


def target(name: str) -> Target:
    return Target(name=name, connection=f"c-{name}", url=None, vars={}, policy=None)


PROJECT = Project(
    path=None, manifests=("m",), kinds=KINDS, targets={"a": target("a"), "b": target("b")}
)


def test_choose_refuses_without_a_target_unless_there_is_a_default() -> None:
    with pytest.raises(ConfigError, match=r"defines targets \(a, b\): choose one"):
        choose(PROJECT, None)
    assert choose(Project(path=None, manifests=("m",), kinds=KINDS), None) == [None]
    with_default = Project(
        path=None, manifests=("m",), kinds=KINDS, targets=PROJECT.targets, default_target="b"
    )
    assert choose(with_default, None) == [PROJECT.targets["b"]]
    assert choose(PROJECT, None, all_targets=True) == list(PROJECT.targets.values())
    with pytest.raises(ConfigError, match="not both"):
        choose(PROJECT, "a", all_targets=True)
    with pytest.raises(ConfigError, match='target "z" is not in the project file'):
        choose(PROJECT, "z")


def plan(name: str, *changes: Change, unmanaged: int = 0) -> Plan:
    return Plan(changes=changes, unmanaged=unmanaged, target=name)


CREATE = Change("create", "tag", "contact:vip", "VIP")
UPDATE = Change("update", "tag", "contact:vip", "VIP", diff=(AttrDiff("description", "", "x"),))
OUTCOMES = [
    Outcome("a", value=plan("a", unmanaged=3)),
    Outcome("b", value=plan("b", CREATE)),
    Outcome("c", error=PlanError("boom")),
]


def test_the_summary_table_and_the_worst_result() -> None:
    assert summary_table(OUTCOMES, "text").splitlines() == [
        "Summary:",
        "  target  create  update  delete  unmanaged  result",
        "  a            0       0       0          3  no changes",
        "  b            1       0       0          0  changes",
        "  c            -       -       -          -  error",
    ]
    assert result_of(OUTCOMES) is Result.FAILED
    assert result_of(OUTCOMES[:2]) is Result.CHANGES
    assert result_of(OUTCOMES[:1]) is Result.OK
    assert "| b | 1 | 0 | 0 | 0 | changes |" in summary_table(OUTCOMES, "markdown")


def test_the_parity_matrix_counts_objects_per_kind_and_lists_differences() -> None:
    # A new pipeline's stages are creates, even those that reuse its default stages.
    reused = Change("create", "stage", "p/lead", "P / Lead")
    result = parity(
        [Outcome("a", value=plan("a", UPDATE)), Outcome("b", value=plan("b", CREATE, reused))],
        KINDS,
    )
    assert dict(result.matrix)["tag"] == ("1", "1")
    assert dict(result.matrix)["list"] == ("in sync", "in sync")
    assert [(d.label, d.by_target) for d in result.differences] == [
        ("VIP", (("a", "differs: description"), ("b", "missing"))),
        ("P / Lead", (("b", "missing"),)),
    ]
    text = render(result, "text")
    assert "  tag         1        1" in text and 'tag "VIP"\n    a: differs: description' in text
    markdown = render(result, "markdown")
    assert markdown.startswith("### acr compare: 2 object(s) differ")
    assert "| list | ✅ in sync | ✅ in sync |" in markdown
    assert not result.in_sync and parity([Outcome("a", value=plan("a"))], KINDS).in_sync


def test_all_targets_markdown_stays_a_pull_request_comment() -> None:
    from reconciler.fleet import render_plans

    many = tuple(Change("create", "tag", f"contact:t{n}", "T" * 200 + str(n)) for n in range(400))
    text = render_plans([Outcome("a", value=plan("a", *many)), OUTCOMES[2]], "markdown")
    assert len(text) < 65_536 and "too long for one comment" in text
    assert "| a | 400 | 0 | 0 | 0 | changes |" in text


def test_all_targets_text_is_coloured_on_request_and_aligned_by_display_width() -> None:
    from reconciler.fleet import render_plans
    from reconciler.render.style import width

    outcomes = [Outcome("日本", value=plan("日本", CREATE)), OUTCOMES[0]]
    coloured = render_plans(outcomes, "text", colour=True)
    assert "\x1b[32m" in coloured and "\x1b[" not in render_plans(outcomes, "text")
    rows = summary_table(outcomes, "text").splitlines()
    assert rows[2].startswith("  日本  ") and rows[3].startswith("  a       ")
    assert width(rows[2]) == width(rows[3]) - len("no changes") + len("changes")
