"""The values the core works on: objects (desired or live), references between them, the
raw rows read from the account, and one attribute that differs (pure; imports nothing of acr).

Every other module, the kinds included, builds on these; they depend on nothing else, so the
kind contract (``kinds.base``), changes (``change``) and secrets (``secrets``) can all import
them without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Ref = tuple[str, str]  # (kind name, key): how one object names another


@dataclass(frozen=True)
class Extra:
    """Details of an object that are not compared. A kind whose objects carry more (the ids
    of a live field's options, a desired pipeline's stage count) subclasses it, frozen, with
    a default for every field; ``absorbs`` is here because the diff and the manifest checks
    read it."""

    # A desired stage: the titles (case-folded) of removed stages of its pipeline whose deals
    # move to it before they are deleted.
    absorbs: tuple[str, ...] = ()


NO_EXTRA = Extra()


@dataclass(frozen=True)
class Obj:
    """One normalised configuration object, desired (from a manifest) or live (from the API)."""

    kind: str
    key: str  # identity, unique within the kind: "contact:vip customer", "newsletter"
    label: str  # how the plan names it: "VIP Customer", "Sales / Lead"
    attrs: Mapping[str, Any]  # the compared attributes
    id: str | None = None  # the live id; None for desired objects and not-yet-created ones
    source: str | None = None  # "file:line" of the manifest entry (desired only)
    aliases: tuple[str, ...] = ()  # keys from renamed_from (desired only)
    parent: str | None = None  # the key of the parent object (a stage's pipeline)
    refs: tuple[Ref, ...] = ()  # objects this one needs to exist first (desired only)
    # Details that are not compared: ids of sub-objects (live), ``absorbs`` (desired).
    extra: Extra = NO_EXTRA
    # ``attrs`` as plans show them, each ${env.NAME} where it was substituted; None when the
    # object has no secret (desired only; see reconciler.secrets).
    shown: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class RawCollection:
    """Every row of one API collection, with the sideloads of all its pages merged."""

    items: list[dict[str, Any]]
    sideloads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


Raw = Mapping[str, RawCollection]  # collection name ("tags", "dealGroups"...) -> rows


@dataclass(frozen=True)
class AttrDiff:
    """One attribute that differs: its path, the live value and the desired one."""

    path: str
    before: Any
    after: Any

    @property
    def data(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}
