"""The row model: one masked row per change, and each shape of detail line."""

from __future__ import annotations

from typing import Any

import pytest
from render_samples import HOOK_TOKEN, SECRETS, create, delete, option, sample_plan, update

from reconciler.plan import AttrDiff, Plan
from reconciler.render.rows import Row, describe, mask_pair, rows


def line(before: Any, after: Any, secrets: dict[str, str] | None = None) -> str:
    return describe(AttrDiff("x", before, after), secrets or {})


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
    got = line("https://h/x?t=old", f"https://h/x?t={HOOK_TOKEN}", SECRETS)
    masked = '"https://h/x?t=${env.HOOK_TOKEN}"'
    assert got == f"x: {masked} -> {masked} (secret changed)"


def test_secret_kept_while_the_rest_changes() -> None:
    got = line(f"https://old/x?t={HOOK_TOKEN}", f"https://new/x?t={HOOK_TOKEN}", SECRETS)
    assert got == 'x: "https://old/x?t=${env.HOOK_TOKEN}" -> "https://new/x?t=${env.HOOK_TOKEN}"'


def test_secret_added_where_there_was_none() -> None:
    got = line("https://h/x?t=", f"https://h/x?t={HOOK_TOKEN}", SECRETS)
    assert got == 'x: "https://h/x?t=" -> "https://h/x?t=${env.HOOK_TOKEN}"'


def test_mask_pair_leaves_unknown_references_alone() -> None:
    before, after, changed = mask_pair("a-old", "a-${env.OTHER}", SECRETS)
    assert (before, after, changed) == ("a-old", "a-${env.OTHER}", False)


def test_mask_pair_without_secrets() -> None:
    assert mask_pair("a", "b", {}) == ("a", "b", False)


def test_secret_inside_a_list_is_masked() -> None:
    assert line(["x"], ["x", f"t={HOOK_TOKEN}"], SECRETS) == 'x: + "t=${env.HOOK_TOKEN}"'


def test_rows_follow_plan_order_one_per_change() -> None:
    plan = sample_plan()
    table = rows(plan)
    assert [(r.action, r.kind, r.label) for r in table] == [
        (c.action, c.kind, c.label) for c in plan.changes
    ]


def test_create_row_lists_its_attributes() -> None:
    change = create("tag", "contact:vip", "VIP", "t.yaml:2", name="VIP", type="contact")
    [row] = rows(Plan(changes=(change,)))
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
    [row] = rows(Plan(changes=(change,)))
    assert (row.symbol, row.note, row.details, row.source) == (
        "-",
        "pruned: not in the manifests; 2 lose it",
        (),
        None,
    )


def test_update_row_note_and_details() -> None:
    change = update("stage", "p/a", "P / A", None, ("title", "To Contact", "A"), note="reuses")
    [row] = rows(Plan(changes=(change,)))
    assert (row.symbol, row.note, row.details) == ("~", "reuses", ('title: "To Contact" -> "A"',))


def test_every_string_of_a_row_is_masked() -> None:
    token = HOOK_TOKEN
    change = update(
        "webhook", f"k{token}", f"hook {token}", "1", (f"url{token}", "a", f"b{token}"),
        note=f"n {token}", reason=f"r {token}", source=f"s{token}.yaml:1",
    )  # fmt: skip
    [row] = rows(Plan(changes=(change,), secrets=SECRETS))
    assert token not in repr(row)
    assert row.label == "hook ${env.HOOK_TOKEN}"
