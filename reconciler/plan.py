"""Changes and the plan: ordering, the safety verdict it carries, secrets and the
fingerprint (pure).

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
from functools import cached_property
from typing import Any, Literal

from reconciler.errors import PlanError
from reconciler.kinds.base import Obj, Ref

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
    # What the change touches, read from the account: {"contacts": 3}, {"deals": 2}; a
    # count of None is unknown (the account could not say), which the safety gate refuses.
    impact: Mapping[str, int | None] = field(default_factory=dict)
    hint: str | None = None  # advice for the reviewer: the renamed_from line to add
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
        if self.impact:
            out["impact"] = dict(sorted(self.impact.items()))
        if self.hint:
            out["hint"] = self.hint
        return out

    @property
    def losses(self) -> int | None:
        """The records this change takes with it: the sum of its impact, None if unknown."""
        counts = list(self.impact.values())
        return None if None in counts else sum(c or 0 for c in counts)


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
    secrets: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Digests of what the plan was made from: {"manifests": "sha256:...", "account": "sha256:..."}
    inputs: Mapping[str, str] = field(default_factory=dict)
    # The safety gate's verdict (``safety.judge``): empty when apply may go ahead. Not in the
    # fingerprint: it depends on the command line (``--allow-deletes``), not on the changes.
    refusals: tuple[Refusal, ...] = field(default=(), compare=False)
    protected: tuple[Held, ...] = ()  # objects policy.protect kept from a prune
    notices: tuple[str, ...] = ()  # what a reviewer should know: a section not pruned...
    account_size: int = 0  # live objects read: the base of the default delete limit

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
        body = {
            "format": PLAN_FORMAT,
            "target": self.target,
            "summary": self.summary,
            "changes": self._masked,
            "inputs": dict(self.inputs),
        }
        extra = {
            "protected": [held.data for held in self.protected],
            "notices": [mask(n, self.secrets) for n in self.notices],
            "refusals": [mask(r.data, self.secrets) for r in self.refusals],
        }
        body.update({name: value for name, value in extra.items() if value})
        return {**body, "fingerprint": self.fingerprint}

    @cached_property
    def _masked(self) -> list[dict[str, Any]]:
        # Computed once: the JSON form and the fingerprint both need it, and a plan is frozen.
        return [masked_data(c, self.secrets) for c in self.changes]

    @cached_property
    def fingerprint(self) -> str:
        """A digest of what the plan was made from and what it will do (secrets masked)."""
        body = {"inputs": dict(self.inputs), "changes": self._masked}
        text = json.dumps(body, sort_keys=True)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def build_plan(
    changes: Iterable[Change],
    *,
    depends_on: Mapping[str, Sequence[str]],
    unmanaged: int = 0,
    **context: Any,
) -> Plan:
    """Order the changes (parents first, deletes last and reversed). ``safety.judge``
    decides afterwards whether apply may run them."""
    rank = kind_rank(depends_on)
    unknown = {c.kind for c in changes} - set(rank)
    if unknown:
        raise PlanError(f"no ordering is known for kind(s): {', '.join(sorted(unknown))}")
    ordered = sorted(changes, key=lambda c: _order_key(c, rank))
    return Plan(changes=tuple(ordered), unmanaged=unmanaged, **context)


def _order_key(change: Change, rank: Mapping[str, int]) -> tuple[Any, ...]:
    phase = _PHASE[change.action]
    kind_rank = rank[change.kind] if phase == 0 else -rank[change.kind]
    position = change.desired.attrs.get("order", 0) if change.desired else 0
    parent = change.desired.parent if change.desired else ""
    return (phase, kind_rank, _STEP[change.action], parent or "", position, change.key)


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
    if not secrets:
        return before, after, False
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


def compare_saved(saved: Mapping[str, Any], fresh: Plan) -> list[str]:
    """What moved between a saved plan (its JSON form) and a plan made now; empty if nothing."""
    if saved.get("format") != PLAN_FORMAT:
        return [f"the file is not an acr plan ({PLAN_FORMAT})"]
    if saved.get("fingerprint") == fresh.fingerprint:
        return []
    moved = []
    old_inputs = saved.get("inputs") or {}
    for name, digest in fresh.inputs.items():
        if old_inputs.get(name) != digest:
            moved.append(f"the {name} changed since the plan was made")
    data = fresh.data
    if saved.get("target") != data["target"]:
        moved.append(
            f'the plan was made for target "{saved.get("target")}", not "{data["target"]}"'
        )
    old = {_change_name(c) for c in saved.get("changes", [])}
    new = {_change_name(c) for c in data["changes"]}
    moved += [f"no longer planned: {name}" for name in sorted(old - new)]
    moved += [f"newly planned: {name}" for name in sorted(new - old)]
    return moved or ["the plan's changes differ from the saved ones"]


def _change_name(change: Mapping[str, Any]) -> str:
    return f'{change.get("action")} {change.get("kind")} "{change.get("key")}"'
