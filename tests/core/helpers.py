"""Builders for desired and live objects, shared by the core's unit tests."""

from __future__ import annotations

from typing import Any

from reconciler.kinds import Obj, RawCollection, standard_kinds

KINDS = standard_kinds()


def desired(section: str, **entry: Any) -> list[Obj]:
    kind = next(k for k in KINDS if k.section == section and k.child_of is None)
    return kind.desired(kind.spec.model_validate(entry), source=f"manifests/{section}.yaml:1")


def live(**collections: Any) -> list[Obj]:
    """Live objects from raw API rows: ``live(tags=[...], dealGroups=(rows, sideloads))``."""
    raw = {name: RawCollection([]) for name in KINDS.collections()}
    for name, rows in collections.items():
        items, sideloads = rows if isinstance(rows, tuple) else (rows, {})
        raw[name] = RawCollection(items, sideloads)
    return [obj for kind in KINDS for obj in kind.normalise(raw)]


def stage_row(stage_id: str, group: str, title: str, order: int, **extra: Any) -> dict[str, Any]:
    row = {"id": stage_id, "group": group, "title": title, "order": str(order), "color": "32B0FC",
           "width": "280", "dealOrder": "next-action DESC", "cdate": None}  # fmt: skip
    return {**row, **extra}
