"""The text form: alignment of notes, the heading and the summary's wording."""

from __future__ import annotations

from render_samples import create, delete, empty_plan, update

from reconciler.plan import Plan
from reconciler.render.text import render_text


def test_notes_align_two_spaces_after_the_longest_head() -> None:
    plan = Plan(
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
    plan = Plan(changes=(create("tag", "contact:a", "A", "t.yaml:1", name="A"),), unmanaged=1)
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
