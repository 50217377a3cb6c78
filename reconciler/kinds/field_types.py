"""A contact field whose type changes: a replacement, only when the manifest asks for it.

ActiveCampaign's UI cannot change a field's type and no recording shows the API doing it
[INF R9], so acr never PUTs a new type. With ``replace: true`` the plan holds three changes,
in the order apply runs them: the old field is renamed out of the way (an update: title and
perstag must be free for the new field), the new field is created, and the old one is deleted
(its contact values go with it, and the plan says so). Without the opt-in the plan is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reconciler.errors import PlanError
from reconciler.kinds.base import Obj

if TYPE_CHECKING:
    from reconciler.change import Change
    from reconciler.objects import AttrDiff

SUFFIX = "REPLACED"


def replacement(want: Obj, have: Obj, fixed: Sequence[AttrDiff], *, asked: bool) -> list[Change]:
    """The changes that replace ``have`` by ``want``; ``asked``: the manifest says
    ``replace: true``, else the plan is refused."""
    from reconciler.change import Change
    from reconciler.objects import AttrDiff

    old_type, new_type = have.attrs.get("type"), want.attrs.get("type")
    where = f" ({want.source})" if want.source else ""
    if not asked:
        raise PlanError(
            f'field "{want.label}"{where}: its type would change from {old_type} to '
            f"{new_type}, which ActiveCampaign does not do in place. Keep `type: {old_type}`, "
            "or add `replace: true` to the field to create a new field and delete the old one "
            "(every value contacts hold in it is deleted with it)."
        )
    title = f"{have.attrs.get('title')} ({SUFFIX} {have.id})"
    perstag = f"{have.attrs.get('perstag')}_{SUFFIX}_{have.id}"
    renamed = Obj(
        want.kind, want.key, want.label, {"title": title, "perstag": perstag}, source=want.source
    )
    moved = (
        AttrDiff("title", have.attrs.get("title"), title),
        AttrDiff("perstag", have.attrs.get("perstag"), perstag),
    )
    why = f"replaced: the type changes from {old_type} to {new_type} (replace: true)"
    return [
        Change(
            "update", want.kind, want.key, want.label, id=have.id, source=want.source,
            diff=moved, note=f"renamed out of the way of its replacement; {why}",
            desired=renamed, live=have,
        ),
        Change(
            "create", want.kind, want.key, want.label, source=want.source, desired=want,
            note=f"replaces field #{have.id} ({old_type})",
        ),
        Change(
            "delete", have.kind, have.key, have.label, id=have.id, reason=why,
            note="the values contacts hold in it are deleted", live=have,
        ),
    ]  # fmt: skip
