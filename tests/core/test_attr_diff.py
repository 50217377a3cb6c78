"""attr_diff: plain equality first, DeepDiff only for the lists and mappings that differ."""

from __future__ import annotations

from typing import Any

import pytest

import reconciler.diff as diff_module
from reconciler.diff import attr_diff, same
from reconciler.plan import AttrDiff


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("x", "x", True),
        (1, True, False),  # equal in Python, not the same value in a plan
        (1, 1.0, False),
        (None, "", False),
        ([1, "a"], [1, "a"], True),
        ([1, "a"], ["a", 1], False),
        ({"a": [1]}, {"a": [1]}, True),
        ({"a": [1]}, {"a": [True]}, False),
        ({"a": 1}, {"b": 1}, False),
    ],
)
def test_same(a: Any, b: Any, expected: bool) -> None:
    assert same(a, b) is expected


def test_equal_attributes_never_reach_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("DeepDiff called for equal attributes")

    monkeypatch.setattr(diff_module, "DeepDiff", refuse)
    attrs = {"name": "A", "options": [{"value": "a"}], "lists": ["x"], "visible": True}
    assert attr_diff(attrs, dict(attrs)) == ()
    assert attr_diff({"name": "B"}, {"name": "A", "other": 1}) == (AttrDiff("name", "A", "B"),)


def test_only_differing_nested_attributes_go_to_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = diff_module.DeepDiff

    def spy(before: Any, after: Any, **kwargs: Any) -> Any:
        seen.append((before, after))
        return real(before, after, **kwargs)

    monkeypatch.setattr(diff_module, "DeepDiff", spy)
    desired = {"name": "N", "options": ["a", "b"], "lists": ["x"], "count": 2}
    live = {"name": "O", "options": ["a"], "lists": ["x"], "count": 2}
    assert attr_diff(desired, live) == (
        AttrDiff("name", "O", "N"),
        AttrDiff("options", ["a"], ["a", "b"]),
    )
    assert seen == [({"options": ["a"]}, {"options": ["a", "b"]})]


def test_a_missing_live_attribute_differs_in_desired_order() -> None:
    assert attr_diff({"b": 1, "a": None}, {"a": 0}) == (
        AttrDiff("b", None, 1),
        AttrDiff("a", 0, None),
    )
