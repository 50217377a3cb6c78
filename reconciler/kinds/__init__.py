"""The kinds of configuration, and the standard registry of the seven acr manages.

Everything that works across kinds (loading, reading, diffing, ordering, applying) is given
a ``Registry`` of them and asks it; nothing outside this package names a kind. See
``base.Kind`` for the contract and ``registry.Registry`` for what the core asks.
"""

from __future__ import annotations

from reconciler.kinds.base import Kind, Obj, Raw, RawCollection, Ref
from reconciler.kinds.deal_fields import DealFieldKind
from reconciler.kinds.fields import FieldKind
from reconciler.kinds.lists import ListKind
from reconciler.kinds.pipelines import PipelineKind
from reconciler.kinds.registry import Registry
from reconciler.kinds.stages import StageKind
from reconciler.kinds.tags import TagKind
from reconciler.kinds.webhooks import WebhookKind


def standard_kinds() -> Registry:
    """The registry of the seven kinds acr manages on an ActiveCampaign account."""
    return Registry.of(
        TagKind(),
        ListKind(),
        FieldKind(),
        PipelineKind(),
        StageKind(),
        WebhookKind(),
        DealFieldKind(),
    )


__all__ = [
    "Kind",
    "Obj",
    "Raw",
    "RawCollection",
    "Ref",
    "Registry",
    "standard_kinds",
]
