"""The text form: alignment of notes, the heading and the summary's wording."""

from __future__ import annotations

from render_samples import KINDS, create, delete, empty_plan, update

from reconciler.plan import Plan
from reconciler.render.text import render_text


def test_notes_align_two_spaces_after_the_longest_head() -> None:
    plan = Plan(
        kinds=KINDS,
        changes=(
            update("list", "newsletter", "newsletter", "3", ("name", "News", "Newsletter")),
            delete("webhook", "Old hook", "Old hook", "7", "pruned: not in the manifests"),
            delete(
                "stage", "s/c", "Sales / Closed Won", "24", "", note='3 deals move to "Won" first'
            ),
        ),
        unmanaged=14,
        target="production",
        endpoint="Maton connection 9e8b…dca",
    )
    assert render_text(plan) == (
        "acr plan — target production (Maton connection 9e8b…dca)\n"
        "\n"
        '  ~ list "newsletter"\n'
        '      name: "News" -> "Newsletter"\n'
        '  - webhook "Old hook"          pruned: not in the manifests\n'
        '  - stage "Sales / Closed Won"  3 deals move to "Won" first\n'
        "\n"
        "Plan: 0 to create, 1 to update, 2 to delete. 14 unmanaged objects left alone.\n"
    )


def test_heading_without_endpoint_and_one_unmanaged_object() -> None:
    plan = Plan(
        kinds=KINDS, changes=(create("tag", "contact:a", "A", "t.yaml:1", name="A"),), unmanaged=1
    )
    assert render_text(plan) == (
        "acr plan — target default\n"
        "\n"
        '  + tag "A"\n'
        '      name: "A"\n'
        "\n"
        "Plan: 1 to create, 0 to update, 0 to delete. 1 unmanaged object left alone.\n"
    )


def test_empty_plan() -> None:
    assert render_text(empty_plan(unmanaged=0)) == (
        "acr plan — target production (Maton connection 9e8b…dca)\n"
        "\n"
        "No changes. The account matches the manifests. 0 unmanaged objects left alone.\n"
    )


def test_notes_align_by_display_width_and_long_heads_do_not_push_them() -> None:
    long = "A name far too long to line every other note up behind it"
    plan = Plan(
        kinds=KINDS,
        changes=(
            delete("tag", "contact:k", "顧客", "1", "pruned"),
            delete("tag", "contact:e", "Cafe\u0301s", "2", "pruned"),
            delete("tag", "contact:l", long, "3", "pruned"),
        ),
    )
    lines = render_text(plan).splitlines()[2:5]
    assert lines[0] == '  - tag "顧客"   pruned'  # 2 wide characters take 4 cells
    assert lines[1] == '  - tag "Cafe\u0301s"  pruned'  # a combining accent takes none
    assert lines[2] == f'  - tag "{long}"  pruned'


def test_colour_marks_each_action_and_the_counts() -> None:
    plan = Plan(
        kinds=KINDS,
        changes=(
            create("tag", "contact:a", "A", "t.yaml:1", name="A"),
            delete("tag", "contact:b", "B", "2", "pruned"),
        ),
    )
    out = render_text(plan, colour=True)
    assert '\x1b[32m  + tag "A"\x1b[0m' in out and '\x1b[31m  - tag "B"  pruned\x1b[0m' in out
    assert "\x1b[32m1 to create\x1b[0m, 0 to update, \x1b[31m1 to delete\x1b[0m" in out
    assert "\x1b[" not in render_text(plan)


def test_a_field_shows_its_title_with_the_perstag_beside_it() -> None:
    from reconciler.kinds.base import Obj

    field = Obj("field", "PLAN", "Plan", {"title": "Plan", "perstag": "PLAN"})
    plan = Plan(
        kinds=KINDS,
        changes=(update("field", "PLAN", "Plan", "8", ("default", "", "x"), desired=field),),
    )
    assert '  ~ field "Plan" (PLAN)\n' in render_text(plan)
