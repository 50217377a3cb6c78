"""The six kinds of configuration, registered once, in the order the manifest sections read.

Everything that works across kinds (loading, reading, diffing, ordering, applying) goes
through ``KINDS``; nothing else names a kind. See ``base.Kind`` for the contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from reconciler.kinds.base import Kind, Obj, Raw, RawCollection, Ref
from reconciler.kinds.fields import FieldKind
from reconciler.kinds.lists import ListKind
from reconciler.kinds.pipelines import PipelineKind
from reconciler.kinds.stages import StageKind
from reconciler.kinds.tags import TagKind
from reconciler.kinds.webhooks import WebhookKind

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (TagKind(), ListKind(), FieldKind(), PipelineKind(), StageKind(), WebhookKind())
}


def sections() -> dict[str, Kind]:
    """The manifest sections and the kind whose entries each one holds."""
    return {kind.section: kind for kind in KINDS.values() if kind.child_of is None}


def children(parent: str) -> Iterator[Kind]:
    return (kind for kind in KINDS.values() if kind.child_of == parent)


def dependency_graph() -> dict[str, tuple[str, ...]]:
    return {name: kind.depends_on for name, kind in KINDS.items()}


def parent_kinds() -> dict[str, str | None]:
    """Each kind's parent kind (``child_of``): a stage's is the pipeline."""
    return {name: kind.child_of for name, kind in KINDS.items()}


__all__ = [
    "KINDS",
    "Kind",
    "Obj",
    "Raw",
    "RawCollection",
    "Ref",
    "children",
    "dependency_graph",
    "parent_kinds",
    "sections",
]
