"""Changes and the plan: ordering, the safety verdict it carries, secrets and the
fingerprint (pure).

A ``Plan`` is the list of changes in the exact order apply runs them, decided here once:
creates and updates parents first (the kinds' ``depends_on`` graph: lists and tags, then
fields, then pipelines, then stages, then webhooks), then deletes in the reverse order.
Apply never reorders. ``Plan.data`` is the one plain form that the JSON renderer, the
fingerprint and the golden files read; it holds desired values in their shown form only
(``reconciler.secrets``), so no secret is in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.change import Action, Change
from reconciler.errors import PlanError
from reconciler.kinds.registry import Registry
from reconciler.objects import AttrDiff, Obj, Ref
from reconciler.secrets import mask_urls

__all__ = [
    "PLAN_FORMAT",
    "Action",
    "AttrDiff",
    "Change",
    "Held",
    "Plan",
    "Refusal",
    "build_plan",
    "kind_rank",
    "live_digest",
]

PLAN_FORMAT = "acr-plan/1"
_PHASE = {"create": 0, "update": 0, "delete": 1}
# Within a kind, updates run before creates: a rename frees the name a create may need.
_STEP = {"update": 0, "create": 1, "delete": 2}


@dataclass(frozen=True)
class Held:
    """A live object that ``policy.protect`` keeps: a prune would have deleted it."""

    kind: str
    key: str
    label: str
    id: str | None
    pattern: str  # the policy.protect pattern that holds it

    @property
    def data(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "id": self.id, "pattern": self.pattern}


@dataclass(frozen=True)
class Refusal:
    """One reason apply will refuse the plan, decided by ``safety.assess``.

    ``rule`` names the check ("deals-lost", "count-unknown", "delete-limit", "protected",
    "ambiguous"); ``needs`` is what would lift it from the command line, when something
    can ("--allow-deletes 12"); ``objects`` name what it is about ("tag \"VIP\"")."""

    rule: str
    message: str
    objects: tuple[str, ...] = ()
    needs: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "message": self.message}
        if self.objects:
            out["objects"] = list(self.objects)
        if self.needs:
            out["needs"] = self.needs
        return out


@dataclass(frozen=True)
class Plan:
    """The changes in apply order, the unmanaged count, and what is needed to show it safely."""

    changes: tuple[Change, ...]
    unmanaged: int = 0
    target: str = "default"
    endpoint: str = ""  # a safe description of the account, for the plan's heading
    ids: Mapping[Ref, str] = field(default_factory=dict, compare=False)  # live ids by ref
    # Digests of what the plan was made from: {"manifests": "sha256:..."}
    inputs: Mapping[str, str] = field(default_factory=dict)
    # The safety gate's verdict (``safety.judge``): empty when apply may go ahead. Not in the
    # fingerprint: it depends on the command line (``--allow-deletes``), not on the changes.
    refusals: tuple[Refusal, ...] = field(default=(), compare=False)
    protected: tuple[Held, ...] = ()  # objects policy.protect kept from a prune
    notices: tuple[str, ...] = ()  # what a reviewer should know: a section not pruned...
    account_size: int = 0  # live objects read: the base of the default delete limit
    # Every live object as read, for comparing a saved plan with a fresh one (``review``).
    live: tuple[Obj, ...] = field(default=(), compare=False, repr=False)
    # The kinds the plan was made with: apply, verify and the renderers ask them.
    kinds: Registry = field(default_factory=Registry, compare=False, repr=False)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0}
        for change in self.changes:
            counts[change.action] += 1
        return {**counts, "unmanaged": self.unmanaged}

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def data(self) -> dict[str, Any]:
        changes = [c.data for c in self.changes]  # once, for the body and the fingerprint
        body = {
            "format": PLAN_FORMAT,
            "target": self.target,
            "summary": self.summary,
            "changes": changes,
            "inputs": dict(self.inputs),
            "live": self.touched,
        }
        extra = {
            "protected": [held.data for held in self.protected],
            "notices": [mask_urls(n) for n in self.notices],
            "refusals": [mask_urls(r.data) for r in self.refusals],
        }
        body.update({name: value for name, value in extra.items() if value})
        return {**body, "fingerprint": _fingerprint(self.inputs, changes)}

    @property
    def touched(self) -> dict[str, dict[str, Any]]:
        """Digests of the live objects the plan changes or deletes, ``{kind: {key: ...}}``:
        what a saved plan was reviewed against, so that apply can say what moved since."""
        out: dict[str, dict[str, Any]] = {}
        for change in self.changes:
            if change.live is not None:
                out.setdefault(change.kind, {})[change.key] = live_digest(change.live)
        return out

    @property
    def fingerprint(self) -> str:
        """A digest of the manifests the plan was made from and of what it will do (shown
        forms only). Two plans with the same fingerprint make the same reviewed changes; the
        account elsewhere may differ."""
        return _fingerprint(self.inputs, [c.data for c in self.changes])


def _fingerprint(inputs: Mapping[str, str], changes: list[dict[str, Any]]) -> str:
    text = json.dumps({"inputs": dict(inputs), "changes": changes}, sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def build_plan(
    changes: Iterable[Change],
    *,
    kinds: Registry,
    unmanaged: int = 0,
    **context: Any,
) -> Plan:
    """Order the changes of ``kinds`` (parents first, deletes last and reversed, kinds in
    the registry's order). ``safety.judge`` decides afterwards whether apply may run them."""
    rank = kind_rank(kinds.dependency_graph())
    unknown = {c.kind for c in changes} - set(rank)
    if unknown:
        raise PlanError(f"no ordering is known for kind(s): {', '.join(sorted(unknown))}")
    ordered = sorted(changes, key=lambda c: _order_key(c, rank))
    return Plan(changes=tuple(ordered), unmanaged=unmanaged, kinds=kinds, **context)


def _order_key(change: Change, rank: Mapping[str, int]) -> tuple[Any, ...]:
    """Phase, kind and step decide what apply needs; within them, changes follow the
    manifests (file, then line: a pipeline's stages are listed in position order), and
    deletes, which no manifest lists, their parent and key."""
    phase = _PHASE[change.action]
    kind_rank = rank[change.kind] if phase == 0 else -rank[change.kind]
    position = change.desired.attrs.get("order", 0) if change.desired else 0
    parent = change.desired.parent if change.desired else ""
    where = _source_order(change.source)
    return (phase, kind_rank, _STEP[change.action], where, parent or "", position, change.key)


def _source_order(source: str | None) -> tuple[str, int]:
    """``manifests/tags.yaml:12`` as ("manifests/tags.yaml", 12), to sort by line number."""
    if not source:
        return ("", 0)
    file, _, line = source.rpartition(":")
    return (file, int(line)) if line.isdigit() else (source, 0)


def kind_rank(depends_on: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Each kind's place in one order where every kind comes after those it depends on;
    ties keep the order of ``depends_on``. A cycle is an error that names it."""
    order: list[str] = []

    def visit(kind: str, path: tuple[str, ...]) -> None:
        if kind in path:
            cycle = " -> ".join((*path[path.index(kind) :], kind))
            raise PlanError(f"the kinds depend on each other in a cycle: {cycle}")
        if kind in order:
            return
        for parent in depends_on.get(kind, ()):
            visit(parent, (*path, kind))
        order.append(kind)

    for kind in depends_on:
        visit(kind, ())
    return {kind: position for position, kind in enumerate(order)}


def live_digest(obj: Obj) -> dict[str, Any]:
    """A live object as its id, label and one short digest per attribute (URL credentials
    masked before hashing), so that a saved plan can name what moved without holding any
    value, nor a hash of a credential."""
    attrs = {
        name: "sha256:" + hashlib.sha256(_canonical(mask_urls(value)).encode()).hexdigest()[:16]
        for name, value in obj.attrs.items()
    }
    return {"id": obj.id, "label": obj.label, "attrs": attrs}


# json.dumps(value, sort_keys=True, ensure_ascii=False), without making an encoder per value
_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
