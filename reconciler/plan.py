"""Changes and the plan: ordering, safety checks, secrets and the fingerprint (pure).

A ``Plan`` is the list of changes in the exact order apply runs them, decided here once:
creates and updates parents first (the kinds' ``depends_on`` graph: lists and tags, then
fields, then pipelines, then stages, then webhooks), then deletes in the reverse order.
Apply never reorders. ``Plan.data`` is the one plain form that the JSON renderer, the
fingerprint and the golden files read; every string in it has secrets masked.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.errors import PlanError
from reconciler.kinds.base import Obj, Ref
from reconciler.words import plural

Action = Literal["create", "update", "delete"]
PLAN_FORMAT = "acr-plan/1"
_PHASE = {"create": 0, "update": 0, "delete": 1}
# Within a kind, updates run before creates: a rename frees the name a create may need.
_STEP = {"update": 0, "create": 1, "delete": 2}


@dataclass(frozen=True)
class AttrDiff:
    """One attribute that differs: its path, the live value and the desired one."""

    path: str
    before: Any
    after: Any

    @property
    def data(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Change:
    """One create, update or delete of one object.

    ``desired`` and ``live`` are what apply works from; they stay out of ``data`` (the live
    object carries sub-object ids, the desired one unmasked secrets).
    """

    action: Action
    kind: str
    key: str
    label: str
    id: str | None = None
    source: str | None = None
    diff: tuple[AttrDiff, ...] = ()
    reason: str | None = None  # why a delete: "pruned", "not listed in pipeline ..."
    note: str | None = None  # what else happens: 'reuses default stage "To Contact"'
    move_to: Ref | None = None  # a stage delete: the stage its deals move to first
    dependents: int = 0  # records that hang off the object: deals, tagged contacts
    desired: Obj | None = field(default=None, compare=False)
    live: Obj | None = field(default=None, compare=False)

    @property
    def ref(self) -> Ref:
        return (self.kind, self.key)

    @property
    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "kind": self.kind, "key": self.key}
        if self.id is not None:
            out["id"] = self.id
        if self.source:
            out["source"] = self.source
        if self.action == "create" and self.desired is not None:
            out["after"] = dict(self.desired.attrs)
        if self.diff:
            out["diff"] = [d.data for d in self.diff]
        for name in ("reason", "note"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.move_to:
            out["move_to"] = {"kind": self.move_to[0], "key": self.move_to[1]}
        if self.dependents:
            out["dependents"] = self.dependents
        return out


@dataclass(frozen=True)
class Plan:
    """The changes in apply order, the unmanaged count, and what is needed to show it safely."""

    changes: tuple[Change, ...]
    unmanaged: int = 0
    target: str = "default"
    endpoint: str = ""  # a safe description of the account, for the plan's heading
    ids: Mapping[Ref, str] = field(default_factory=dict, compare=False)  # live ids by ref
    secrets: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Digests of what the plan was made from: {"manifests": "sha256:..."}
    inputs: Mapping[str, str] = field(default_factory=dict)
    # Every live object as read, for comparing a saved plan with a fresh one (``review``).
    live: tuple[Obj, ...] = field(default=(), compare=False, repr=False)

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
        body = {
            "format": PLAN_FORMAT,
            "target": self.target,
            "summary": self.summary,
            "changes": [masked_data(c, self.secrets) for c in self.changes],
            "inputs": dict(self.inputs),
            "live": self.touched,
        }
        return {**body, "fingerprint": self.fingerprint}

    @property
    def touched(self) -> dict[str, dict[str, Any]]:
        """Digests of the live objects the plan changes or deletes, ``{kind: {key: ...}}``:
        what a saved plan was reviewed against, so that apply can say what moved since."""
        out: dict[str, dict[str, Any]] = {}
        for change in self.changes:
            if change.live is not None:
                out.setdefault(change.kind, {})[change.key] = live_digest(change.live, self.secrets)
        return out

    @property
    def fingerprint(self) -> str:
        """A digest of the manifests the plan was made from and of what it will do (secrets
        masked). Two plans with the same fingerprint make the same reviewed changes; the
        account elsewhere may differ."""
        changes = [masked_data(c, self.secrets) for c in self.changes]
        text = json.dumps({"inputs": dict(self.inputs), "changes": changes}, sort_keys=True)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def build_plan(
    changes: Iterable[Change],
    *,
    depends_on: Mapping[str, Sequence[str]],
    unmanaged: int = 0,
    **context: Any,
) -> Plan:
    """Order the changes (parents first, deletes last and reversed) and check them."""
    rank = kind_rank(depends_on)
    unknown = {c.kind for c in changes} - set(rank)
    if unknown:
        raise PlanError(f"no ordering is known for kind(s): {', '.join(sorted(unknown))}")
    ordered = sorted(changes, key=lambda c: _order_key(c, rank))
    check_safety(ordered)
    return Plan(changes=tuple(ordered), unmanaged=unmanaged, **context)


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


def check_safety(changes: Sequence[Change]) -> None:
    """Refuse a plan that would lose records without a place to move them."""
    losses = [
        c
        for c in changes
        if c.action == "delete" and c.dependents and c.move_to is None and c.kind in _GUARDED
    ]
    if losses:
        lines = [
            f'  {c.kind} "{c.label}": {plural(c.dependents, "deal")} would be deleted; '
            f"{_GUARDED[c.kind]}"
            for c in losses
        ]
        raise PlanError(
            "refusing to plan deletes that would delete records with them:\n" + "\n".join(lines)
        )


# Kinds whose deletes take deals with them, and what to do instead.
_GUARDED = {
    "stage": "list it again, or name it in another stage's `absorbs` so its deals move there first",
    "pipeline": "move or delete its deals first, or take pipelines out of policy.prune",
}


def masked_data(change: Change, secrets: Mapping[str, str]) -> dict[str, Any]:
    """``change.data`` with every secret masked, the old value of a changed secret included."""
    data = mask(change.data, secrets)
    if change.diff:
        data["diff"] = []
        for d in change.diff:
            before, after, secret_changed = mask_pair(d.before, d.after, secrets)
            row = {"path": d.path, "before": before, "after": after}
            data["diff"].append({**row, "secret_changed": True} if secret_changed else row)
    return data


def mask(value: Any, secrets: Mapping[str, str]) -> Any:
    """``value`` with every secret's text replaced by its ``${env.NAME}`` reference."""
    if not secrets:
        return value
    if isinstance(value, str):
        for name, secret in sorted(secrets.items(), key=lambda item: -len(item[1])):
            if secret:
                value = value.replace(secret, f"${{env.{name}}}")
        return value
    if isinstance(value, Mapping):
        return {k: mask(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask(v, secrets) for v in value]
    return value


_PLACEHOLDER = re.compile(r"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}")


def mask_pair(before: Any, after: Any, secrets: Mapping[str, str]) -> tuple[Any, Any, bool]:
    """Both sides of a change masked, and whether only a secret changed.

    The desired side names its secrets; the live side holds whatever value the account has,
    which ``mask`` cannot recognise once the secret has changed. When the live text is the
    desired text with other values where the ``${env.NAME}`` references are, it is shown as
    that same masked text, so the old secret is not printed either.
    """
    masked_before, masked_after = mask(before, secrets), mask(after, secrets)
    if (
        isinstance(masked_before, str)
        and isinstance(masked_after, str)
        and masked_before != masked_after
        and _pattern(masked_after, secrets).fullmatch(masked_before)
    ):
        masked_before = masked_after
    secret_changed = before != after and masked_before == masked_after
    return masked_before, masked_after, secret_changed


def _pattern(masked: str, secrets: Mapping[str, str]) -> re.Pattern[str]:
    """``masked`` as a pattern in which each secret reference stands for any text."""
    pieces: list[str] = []
    position = 0
    for found in _PLACEHOLDER.finditer(masked):
        if found.group(1) not in secrets:
            continue
        pieces += [re.escape(masked[position : found.start()]), "(.+)"]
        position = found.end()
    if not pieces:
        return re.compile(r"(?!)")  # no secret in it: nothing else stands for it
    return re.compile("".join(pieces) + re.escape(masked[position:]), re.DOTALL)


def live_digest(obj: Obj, secrets: Mapping[str, str]) -> dict[str, Any]:
    """A live object as its id, label and one short digest per attribute (secrets masked
    before hashing), so that a saved plan can name what moved without holding any value."""
    attrs = {
        name: "sha256:" + hashlib.sha256(_canonical(mask(value, secrets)).encode()).hexdigest()[:16]
        for name, value in obj.attrs.items()
    }
    return {"id": obj.id, "label": str(mask(obj.label, secrets)), "attrs": attrs}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
