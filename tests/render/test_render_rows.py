"""The row model: one masked row per change, and each shape of detail line."""

from __future__ import annotations

from typing import Any

import pytest
from render_samples import HOOK_TOKEN, KINDS, create, delete, option, sample_plan, update

from reconciler.kinds.base import Obj
from reconciler.plan import AttrDiff, Plan
from reconciler.render.rows import Row, describe, rows

REF = "${env.HOOK_TOKEN}"


def line(before: Any, after: Any, shown: Any = None) -> str:
    """The detail line of attribute x; ``shown`` is the desired value's shown form."""
    desired = Obj("webhook", "k", "K", {"x": after}, shown=None if shown is None else {"x": shown})
    return describe(AttrDiff("x", before, after), desired)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("News", "Newsletter", 'x: "News" -> "Newsletter"'),
        (280, 300, "x: 280 -> 300"),
        (None, "text", 'x: null -> "text"'),
        (False, True, "x: false -> true"),
        ("Café", 'say "hi"\n', 'x: "Café" -> "say \\"hi\\"\\n"'),
        (["deal_add", "sent"], ["deal_add", "open"], 'x: + "open", - "sent"'),
        (["a"], ["a", "b", "c"], 'x: + "b", + "c"'),
        ([], ["api"], 'x: + "api"'),
        (["b", "a"], ["a", "b"], 'x: reordered: ["b", "a"] -> ["a", "b"]'),
        (["a", "b", "c"], ["c", "a", "d"], 'x: + "d", - "b", reordered: ["a", "c"] -> ["c", "a"]'),
        (["a", "a"], ["a"], 'x: ["a", "a"] -> ["a"]'),
        ("all", ["newsletter"], 'x: "all" -> ["newsletter"]'),
        (["newsletter"], "all", 'x: ["newsletter"] -> "all"'),
        (None, ["a"], 'x: null -> ["a"]'),
        ({"b": 1, "a": 2}, {"a": 3}, 'x: {"a": 2, "b": 1} -> {"a": 3}'),
        ([option("Basic")], [option("Basic"), option("Enterprise")], 'x: + "Enterprise"'),
        ([option("a"), option("Legacy")], [option("a")], 'x: - "Legacy"'),
        ([], [option("ent", "Enterprise")], 'x: + "ent" labelled "Enterprise"'),
        (
            [option("pro", "Pro")],
            [option("pro", "Pro plan")],
            'x: "pro" relabelled "Pro" -> "Pro plan"',
        ),
        (
            [option("a"), option("b")],
            [option("b"), option("a")],
            'x: reordered: ["a", "b"] -> ["b", "a"]',
        ),
        (
            [option("Basic"), option("pro", "Pro"), option("Legacy")],
            [option("pro", "Pro plan"), option("Basic"), option("Enterprise")],
            'x: + "Enterprise", - "Legacy", "pro" relabelled "Pro" -> "Pro plan",'
            ' reordered: ["Basic", "pro"] -> ["pro", "Basic"]',
        ),
        (None, [option("a"), option("b", "B")], 'x: null -> ["a", "b" labelled "B"]'),
        ([option("a"), option("a")], [option("a")], 'x: ["a", "a"] -> ["a"]'),
    ],
)
def test_detail_shapes(before: Any, after: Any, expected: str) -> None:
    assert line(before, after) == expected


def test_changed_secret_shows_the_reference_on_both_sides() -> None:
    got = line("https://h/x?t=old", f"https://h/x?t={HOOK_TOKEN}", f"https://h/x?t={REF}")
    masked = f'"https://h/x?t={REF}"'
    assert got == f"x: {masked} -> {masked} (secret changed)"


def test_secret_kept_while_the_host_changes_hides_the_live_query() -> None:
    got = line(
        f"https://old/x?t={HOOK_TOKEN}", f"https://new/x?t={HOOK_TOKEN}", f"https://new/x?t={REF}"
    )
    assert got == f'x: "https://old/x?t=***" -> "https://new/x?t={REF}"'


def test_secret_added_where_there_was_none() -> None:
    got = line("https://h/x?t=", f"https://h/x?t={HOOK_TOKEN}", f"https://h/x?t={REF}")
    assert got == f'x: "https://h/x?t=" -> "https://h/x?t={REF}"'


def test_a_one_letter_secret_masks_only_where_it_was_substituted() -> None:
    # The secret "e" appears in every other word; only the substituted place is masked.
    got = line("webhook here", "webhook e", "webhook ${env.E}")
    assert got == 'x: "webhook ${env.E}" -> "webhook ${env.E}" (secret changed)'


def test_a_live_value_unlike_the_shown_form_is_hidden_where_a_secret_goes() -> None:
    assert line("old-secret", "new-secret", REF) == f'x: "{REF}" -> "{REF}" (secret changed)'
    got = line("https://a.example/old-secret", "https://b/s", f"https://b/{REF}")
    assert got == f'x: "***" -> "https://b/{REF}"'


def test_live_url_credentials_are_masked_unless_the_manifests_hold_them() -> None:
    got = line("https://u:pw@h/x?token=live&a=1", "https://h/x?token=plain&a=1")
    assert got == 'x: "https://***@h/x?token=***&a=1" -> "https://h/x?token=plain&a=1"'
    assert (
        line("https://h/?k=v&t=x", "https://h/?k=v")
        == 'x: "https://h/?k=v&t=***" -> "https://h/?k=v"'
    )


def test_no_shown_form_means_no_secret() -> None:
    assert line("a", "b") == 'x: "a" -> "b"'


def test_secret_inside_a_list_is_masked() -> None:
    got = line(["x", "t=old"], ["x", f"t={HOOK_TOKEN}"], ["x", f"t={REF}"])
    assert got == f'x: ["x", "t={REF}"] -> ["x", "t={REF}"] (secret changed)'
    got = line(["x", "old"], ["x", f"t={HOOK_TOKEN}"], ["x", f"t={REF}"])
    assert got == f'x: + "t={REF}", - "***"'
    assert line(["x"], ["x", f"t={HOOK_TOKEN}"], ["x", f"t={REF}"]) == f'x: + "t={REF}"'


def test_rows_follow_plan_order_one_per_change() -> None:
    plan = sample_plan()
    table = rows(plan)
    assert [(r.action, r.kind, r.label) for r in table] == [
        (c.action, c.kind, c.label) for c in plan.changes
    ]


def test_create_row_lists_its_attributes() -> None:
    change = create("tag", "contact:vip", "VIP", "t.yaml:2", name="VIP", type="contact")
    [row] = rows(Plan(kinds=KINDS, changes=(change,)))
    assert row == Row(
        action="create",
        symbol="+",
        kind="tag",
        label="VIP",
        note="",
        details=('name: "VIP"', 'type: "contact"'),
        source="t.yaml:2",
    )
    assert row.head == '+ tag "VIP"'


def test_delete_row_joins_reason_and_note() -> None:
    change = delete("tag", "contact:t", "T", "4", "pruned: not in the manifests", note="2 lose it")
    [row] = rows(Plan(kinds=KINDS, changes=(change,)))
    assert (row.symbol, row.note, row.details, row.source) == (
        "-",
        "pruned: not in the manifests; 2 lose it",
        (),
        None,
    )


def test_update_row_note_and_details() -> None:
    change = update("stage", "p/a", "P / A", None, ("title", "To Contact", "A"), note="reuses")
    [row] = rows(Plan(kinds=KINDS, changes=(change,)))
    assert (row.symbol, row.note, row.details) == ("~", "reuses", ('title: "To Contact" -> "A"',))


def test_no_row_of_the_sample_plan_holds_a_secret() -> None:
    for row in rows(sample_plan()):
        assert HOOK_TOKEN not in repr(row)
