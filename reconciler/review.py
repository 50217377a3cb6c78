"""Comparing a saved plan (the reviewed changes) with a plan made now (pure).

A saved plan is what a reviewer approved: its changes, in their masked ``data`` form, and
digests of the live objects they touch (``Plan.touched``). ``compare_saved`` lets apply go
ahead when the fresh plan makes exactly those changes, whatever else moved in the account,
and otherwise names each object that moved and what moved about it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler.kinds.base import Obj
from reconciler.plan import PLAN_FORMAT, Plan, live_digest

Entry = Mapping[str, Any]
SYMBOLS = {"create": "+", "update": "~", "delete": "-"}


def compare_saved(saved: Mapping[str, Any], fresh: Plan) -> list[str]:
    """What moved between a saved plan (its JSON form) and a plan made now; empty if the
    fresh plan makes exactly the saved changes."""
    if saved.get("format") != PLAN_FORMAT or not isinstance(saved.get("changes"), list):
        return [f"the file is not an acr plan ({PLAN_FORMAT})"]
    moved: list[str] = []
    if saved.get("target") != fresh.target:
        moved.append(f'the plan was made for target "{saved.get("target")}", not "{fresh.target}"')
    old_inputs = saved.get("inputs") or {}
    if old_inputs.get("manifests") != fresh.inputs.get("manifests"):
        moved.append("the manifests changed since the plan was made")
    old = {_ref(c): c for c in saved["changes"] if isinstance(c, Mapping)}
    new = {(c.kind, c.key): c.data for c in fresh.changes}
    labels = {(c.kind, c.key): c.label for c in fresh.changes}
    account = _Account(fresh)
    live = saved.get("live")
    touched: Mapping[str, Any] = live if isinstance(live, Mapping) else {}
    for ref in [*old, *(r for r in new if r not in old)]:
        if old.get(ref) == new.get(ref):
            continue
        was = _entry(touched, ref)
        label = labels.get(ref) or (was or {}).get("label") or ref[1]
        moved.append(_why(ref, label, old.get(ref), new.get(ref), was, account))
    return moved


class _Account:
    """The fresh plan's live objects, found by id (ids survive renames) or by key."""

    def __init__(self, plan: Plan) -> None:
        self.by_id = {(o.kind, o.id): o for o in plan.live if o.id}
        self.by_key = {(o.kind, o.key): o for o in plan.live}

    def find(self, kind: str, key: str, object_id: Any) -> Obj | None:
        if object_id:
            return self.by_id.get((kind, str(object_id)))
        return self.by_key.get((kind, key))


def _why(
    ref: tuple[str, str],
    label: str,
    old: Entry | None,
    new: Entry | None,
    was: Entry | None,
    account: _Account,
) -> str:
    kind, key = ref
    name = f'{kind} "{label}"'
    if old is not None and new is None:
        head = f"{_symbol(old)} {name}: no longer planned"
    elif old is None and new is not None:
        head = f"{_symbol(new)} {name}: newly planned, not in the reviewed plan"
    else:
        head = f"{_symbol(new)} {name}: the planned change differs"
    return f"{head} ({_what_moved(kind, key, old, new, was, account)})"


def _what_moved(
    kind: str, key: str, old: Entry | None, new: Entry | None, was: Entry | None, account: _Account
) -> str:
    if was is not None:
        now = account.find(kind, key, was.get("id"))
        if now is None:
            return f"deleted from the account since the plan was made (id {was.get('id')})"
        digest = live_digest(now)["attrs"]
        before = was.get("attrs") or {}
        names = sorted(n for n in {*before, *digest} if before.get(n) != digest.get(n))
        if names:
            return "changed on the account since the plan was made: " + ", ".join(names)
    elif (old or {}).get("action") == "create" and account.find(kind, key, None) is not None:
        return "created on the account since the plan was made"
    if old is None and new is not None:
        return _unreviewed(new)
    old, new = old or {}, new or {}
    parts = (
        [_diff_text(old.get("diff"), new.get("diff"))] if old.get("diff") != new.get("diff") else []
    )
    parts += sorted(k for k in {*old, *new} - {"diff"} if old.get(k) != new.get(k))
    return "differs in: " + "; ".join(parts) if parts else "the account changed under it"


def _unreviewed(change: Entry) -> str:
    """What a change that no one reviewed would do."""
    rows = [d for d in change.get("diff") or [] if isinstance(d, Mapping)]
    if rows:
        return "would change " + ", ".join(f"{d.get('path')} {_pair(d)}" for d in rows)
    if change.get("action") == "create":
        return "missing from the account"
    return str(change.get("reason") or "now to be deleted")


def _diff_text(old: Any, new: Any) -> str:
    """Which attributes' planned values differ: ``description: now "A" -> "C", reviewed
    "A" -> "B"`` (the values are masked already, as in the plan)."""
    before = {d.get("path"): d for d in old or [] if isinstance(d, Mapping)}
    after = {d.get("path"): d for d in new or [] if isinstance(d, Mapping)}
    lines = []
    for path in sorted({*before, *after}, key=str):
        if before.get(path) != after.get(path):
            lines.append(
                f"{path}: now {_pair(after.get(path))}, reviewed {_pair(before.get(path))}"
            )
    return ", ".join(lines) or "diff"


def _pair(row: Entry | None) -> str:
    if row is None:
        return "no change"
    return f"{quote(row.get('before'))} -> {quote(row.get('after'))}"


def quote(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _entry(touched: Mapping[str, Any], ref: tuple[str, str]) -> Entry | None:
    kind_entries = touched.get(ref[0])
    if isinstance(kind_entries, Mapping):
        entry = kind_entries.get(ref[1])
        return entry if isinstance(entry, Mapping) else None
    return None


def _ref(change: Mapping[str, Any]) -> tuple[str, str]:
    return (str(change.get("kind")), str(change.get("key")))


def _symbol(change: Entry | None) -> str:
    return SYMBOLS.get(str((change or {}).get("action")), "?")
