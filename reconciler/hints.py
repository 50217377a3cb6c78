"""Rename hints: a delete and a create that look like one object renamed (pure).

When a plan deletes a live object and creates one of the same kind (and parent) whose other
attributes are the same, the manifest most likely renamed it without saying so: applying
would lose what hangs off the old one (contacts on a tag, deals in a stage). The create gets
a hint with the ``renamed_from`` line that makes it an update in place instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.kinds import Obj
from reconciler.plan import Change


def add_rename_hints(changes: Sequence[Change]) -> list[Change]:
    """``changes`` with a hint on each create that matches one delete; each delete is used
    for one hint at most."""
    deletes = [c for c in changes if c.action == "delete" and c.live is not None]
    used: set[int] = set()
    out = []
    for change in changes:
        if change.action == "create" and change.desired is not None:
            match = next(
                (
                    d
                    for d in deletes
                    if id(d) not in used and d.live and _looks_renamed(change.desired, d.live)
                ),
                None,
            )
            if match is not None and match.live is not None:
                used.add(id(match))
                change = replace(change, hint=_hint(change.desired, match.live))
        out.append(change)
    return out


def _looks_renamed(new: Obj, old: Obj) -> bool:
    """Same kind and parent, and every managed attribute that is not part of the name equal
    (an attribute is part of the name when its value shows in the key)."""
    if new.kind != old.kind or (new.parent or "") != (old.parent or ""):
        return False
    others = [name for name, value in new.attrs.items() if not _names(new, value)]
    if not others:
        return False
    return all(_same(new.attrs[name], old.attrs.get(name)) for name in others)


def _names(obj: Obj, value: Any) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    return value.casefold().strip() in obj.key.casefold()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return dict(a) == dict(b)
    return bool(a == b)


def _hint(new: Obj, old: Obj) -> str:
    old_name = old.label.split(" / ")[-1] if old.parent else old.label
    where = f" ({new.source})" if new.source else ""
    line = f"renamed_from: [{json.dumps(old_name, ensure_ascii=False)}]"
    return (
        f'if this is "{old.label}" renamed, add `{line}` to it{where}: the live object is '
        "then updated in place and keeps what hangs off it"
    )
