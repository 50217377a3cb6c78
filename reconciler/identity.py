"""Identities the API does not enforce (R3): one key, two or more live objects (pure).

ActiveCampaign accepts two lists with one ``stringid``, two webhooks with one name, two
stages with one title in a pipeline, tags whose names differ only in case or surrounding
spaces. A desired object whose key (or ``renamed_from`` alias) names such a key cannot be
matched safely: acr would update, rename or keep one of them at random. Those live objects
are taken out of the diff (not matched, not renamed onto, not pruned) and the plan is refused
by the safety gate, naming every id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.kinds import Obj


@dataclass(frozen=True)
class Ambiguity:
    """A managed identity that matches several live objects."""

    kind: str
    key: str
    label: str  # how the manifest names it
    source: str | None  # the manifest entry that names it
    ids: tuple[str, ...]  # every live object with that identity, in id order

    @property
    def message(self) -> str:
        where = f" ({self.source})" if self.source else ""
        ids = ", ".join(self.ids)
        return (
            f'{self.kind} "{self.label}"{where} matches {len(self.ids)} live objects '
            f"(ids {ids}), and acr cannot tell which one the manifest means. In ActiveCampaign, "
            f"delete the duplicates or give them distinct names so that one is left, then plan "
            f"again."
        )


def split_ambiguous(
    desired: Sequence[Obj], live: Sequence[Obj]
) -> tuple[list[Obj], list[Obj], list[Ambiguity]]:
    """``desired`` and ``live`` without the objects of each identity that several live
    objects share and a desired object names (by key or alias), and the ambiguities found:
    such a desired object is neither matched, renamed onto one of them, nor created."""
    by_key: dict[str, list[Obj]] = {}
    for obj in live:
        by_key.setdefault(obj.key, []).append(obj)
    shared = {key: objs for key, objs in by_key.items() if len(objs) > 1}
    if not shared:
        return list(desired), list(live), []
    found: dict[str, Ambiguity] = {}
    wanted = []
    for want in desired:
        names = [name for name in (want.key, *want.aliases) if name in shared]
        for name in names:
            ids = tuple(sorted((o.id or "" for o in shared[name]), key=_id_order))
            found.setdefault(name, Ambiguity(want.kind, name, want.label, want.source, ids))
        if not names:
            wanted.append(want)
    kept = [obj for obj in live if obj.key not in found]
    return wanted, kept, list(found.values())


def _id_order(ident: str) -> tuple[int, str]:
    return (int(ident), "") if ident.isdigit() else (0, ident)
