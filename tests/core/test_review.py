"""compare_saved: the reviewed changes against a fresh plan, built by hand (pure)."""

from __future__ import annotations

from typing import Any

from reconciler.kinds.base import Obj
from reconciler.plan import AttrDiff, Change, Plan
from reconciler.review import compare_saved

VIP = Obj("tag", "contact:vip", "VIP", {"name": "VIP", "description": "Old"}, id="3")
OTHER = Obj("tag", "contact:other", "Other", {"name": "Other", "description": ""}, id="4")


def _plan(live: tuple[Obj, ...], *changes: Change, manifests: str = "m1", **more: Any) -> Plan:
    return Plan(changes=changes, inputs={"manifests": manifests}, live=live, **more)


def _update(obj: Obj, after: str) -> Change:
    diff = (AttrDiff("description", obj.attrs["description"], after),)
    return Change("update", obj.kind, obj.key, obj.label, id=obj.id, diff=diff, live=obj)


def test_identical_changes_pass_whatever_else_is_in_the_account() -> None:
    saved = _plan((VIP,), _update(VIP, "New")).data
    fresh = _plan((VIP, OTHER), _update(VIP, "New"))
    assert compare_saved(saved, fresh) == []


def test_a_touched_object_that_moved_is_named_with_the_attribute() -> None:
    saved = _plan((VIP,), _update(VIP, "New")).data
    moved = Obj(VIP.kind, VIP.key, VIP.label, {**VIP.attrs, "description": "Edited"}, id="3")
    (line,) = compare_saved(saved, _plan((moved,), _update(moved, "New")))
    assert line.startswith('~ tag "VIP": the planned change differs (changed on the account')
    assert line.endswith(": description)")


def test_a_change_no_longer_needed_is_named() -> None:
    saved = _plan((VIP,), _update(VIP, "New")).data
    done = Obj(VIP.kind, VIP.key, VIP.label, {**VIP.attrs, "description": "New"}, id="3")
    (line,) = compare_saved(saved, _plan((done,)))
    assert line == (
        '~ tag "VIP": no longer planned (changed on the account since the plan was made: '
        "description)"
    )


def test_manifests_and_target_moves_are_reported() -> None:
    saved = _plan((VIP,), _update(VIP, "New"), target="production").data
    fresh = _plan((VIP,), _update(VIP, "New"), manifests="m2", target="staging")
    assert compare_saved(saved, fresh) == [
        'the plan was made for target "production", not "staging"',
        "the manifests changed since the plan was made",
    ]


def test_the_saved_digests_hold_no_secret() -> None:
    hook = Obj("webhook", "W", "W", {"url": "https://h/?t=s3cr3t"}, id="1")
    change = Change("delete", "webhook", "W", "W", id="1", reason="pruned", live=hook)
    data = _plan((hook,), change).data
    assert "s3cr3t" not in str(data) and set(data["live"]["webhook"]["W"]["attrs"]) == {"url"}
    assert compare_saved(data, _plan((hook,), change)) == []


def test_not_a_plan() -> None:
    assert compare_saved({"format": "x"}, _plan(())) == ["the file is not an acr plan (acr-plan/1)"]
