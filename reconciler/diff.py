"""Desired objects against live objects: the changes that make the account match (pure).

Objects are matched by key, then by alias (``renamed_from`` on the desired side, a second
identity such as a field's title on the live side), so a rename is an update that keeps the
id. Only the attributes a desired object manages are compared. Children (stages) are
matched inside their matched parent; a new parent's children are creates (the kind's
``create_note`` says what else apply does for them: a new pipeline's default stages).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from deepdiff import DeepDiff

from reconciler.identity import Ambiguity, split_ambiguous
from reconciler.kinds import Kind, Obj, Ref, Registry
from reconciler.plan import AttrDiff, Change

PRUNED = "pruned: not in the manifests"


@dataclass
class DiffResult:
    """The changes found, how many live objects were left alone, and the live ids by ref."""

    changes: list[Change] = field(default_factory=list)
    unmanaged: int = 0
    ids: dict[Ref, str] = field(default_factory=dict)
    renamed: dict[Ref, str] = field(default_factory=dict)  # (kind, live key) -> desired key
    # Managed identities that several live objects share (R3): those live objects are left
    # out of matching and pruning, and the safety gate refuses the plan.
    ambiguous: list[Ambiguity] = field(default_factory=list)


def diff(
    desired: Iterable[Obj], live: Iterable[Obj], *, kinds: Registry, prune: Collection[str] = ()
) -> DiffResult:
    """The changes that turn ``live`` into ``desired``, kind by kind of ``kinds``. Live objects
    that no manifest names are deleted only when their kind's section is in ``prune``;
    otherwise they are counted."""
    want = _by_kind(desired)
    have = _by_kind(live)
    result = DiffResult()
    for kind in kinds:
        if kind.child_of is not None:
            continue
        wanted, live_objs, ambiguous = split_ambiguous(
            want.get(kind.name, []), have.get(kind.name, [])
        )
        result.ambiguous += ambiguous
        pairs, new, extra = match(wanted, live_objs)
        _compare(kind, pairs, new, result)
        for obj in extra:
            _register(result, obj.kind, obj.key, obj.id)
            if kind.section in prune:
                result.changes.append(_delete(obj, PRUNED))
            else:
                result.unmanaged += 1
        for child in kinds.children(kind.name):
            _diff_children(child, want, have, pairs, new, extra, pruned=kind.section in prune,
                           result=result)  # fmt: skip
    return result


def match(
    desired: Sequence[Obj], live: Sequence[Obj]
) -> tuple[list[tuple[Obj, Obj]], list[Obj], list[Obj]]:
    """Pair desired with live objects: by key first, then by the desired object's aliases
    against live keys, then against the live objects' own aliases."""
    by_key = {obj.key: obj for obj in live}
    by_alias: dict[str, Obj] = {}
    for obj in live:
        for alias in obj.aliases:
            by_alias.setdefault(alias, obj)
    taken: set[int] = set()
    pairs, new = [], []
    for want in desired:
        names = (want.key, *want.aliases)
        found = _first_free(
            [by_key.get(n) for n in names] + [by_alias.get(n) for n in names], taken
        )
        if found is None:
            new.append(want)
        else:
            taken.add(id(found))
            pairs.append((want, found))
    extra = [obj for obj in live if id(obj) not in taken]
    return pairs, new, extra


def _first_free(candidates: Iterable[Obj | None], taken: set[int]) -> Obj | None:
    return next((c for c in candidates if c is not None and id(c) not in taken), None)


def attr_diff(desired: Mapping[str, Any], live: Mapping[str, Any]) -> tuple[AttrDiff, ...]:
    """The managed attributes whose live value differs, in the desired object's key order.

    Most attributes are equal, and plain equality (of values of the same types) says so many
    times faster than DeepDiff. Two scalars that are not the same differ; DeepDiff decides
    only for the lists and mappings that are not the same."""
    before = {name: live.get(name) for name in desired}
    differ = [name for name in desired if not same(before[name], desired[name])]
    nested = [
        n for n in differ if isinstance(before[n], _NESTED) or isinstance(desired[n], _NESTED)
    ]
    if nested:
        found = DeepDiff({n: before[n] for n in nested}, {n: desired[n] for n in nested})
        kept = set(found.affected_root_keys)
        differ = [n for n in differ if n in kept or n not in nested]
    return tuple(AttrDiff(name, before[name], desired[name]) for name in differ)


_NESTED = (dict, list, tuple)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1 == True`` is not the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _compare(
    kind: Kind,
    pairs: list[tuple[Obj, Obj]],
    new: list[Obj],
    result: DiffResult,
    *,
    parent_new: bool = False,
) -> None:
    for want, have in pairs:
        _register(result, want.kind, want.key, have.id)
        if want.key != have.key:
            result.renamed[(have.kind, have.key)] = want.key
        changes = attr_diff(want.attrs, _follow_renames(kind, have.attrs, result.renamed))
        fixed = [d for d in changes if d.path in kind.fixed]
        if fixed:  # cannot change in place: the kind plans a replacement or refuses
            result.changes.extend(kind.replace(want, have, fixed))
        elif changes:
            result.changes.append(_update(want, have, changes))
    notes = [kind.create_note(obj, parent_new=parent_new) for obj in new]
    result.changes.extend(replace(_create(obj), note=n) for obj, n in zip(new, notes, strict=True))


def _diff_children(
    kind: Kind,
    want: Mapping[str, list[Obj]],
    have: Mapping[str, list[Obj]],
    pairs: list[tuple[Obj, Obj]],
    new: list[Obj],
    extra: list[Obj],
    *,
    pruned: bool,
    result: DiffResult,
) -> None:
    wanted = _by_parent(want.get(kind.name, []))
    live = _by_parent(have.get(kind.name, []))
    for parent, live_parent in pairs:
        rekeyed = [_rekey(obj, live_parent.key, parent) for obj in live.get(live_parent.key, [])]
        _diff_siblings(kind, parent, wanted.get(parent.key, []), rekeyed, result)
    for parent in new:
        _diff_siblings(kind, parent, wanted.get(parent.key, []), [], result, parent_new=True)
    if not pruned:  # the children of a pruned parent go with it
        result.unmanaged += sum(len(live.get(obj.key, [])) for obj in extra)


def _diff_siblings(
    kind: Kind,
    parent: Obj,
    desired: list[Obj],
    live: list[Obj],
    result: DiffResult,
    *,
    parent_new: bool = False,
) -> None:
    desired, live, ambiguous = split_ambiguous(desired, live)
    result.ambiguous += ambiguous
    pairs, new, extra = match(desired, live)
    _compare(kind, pairs, new, result, parent_new=parent_new)
    for obj in extra:
        _register(result, obj.kind, obj.key, obj.id)
        delete = _delete(obj, f'not listed in {parent.kind} "{parent.label}"')
        into = kind.absorber(obj, desired)
        if into is not None:
            note = kind.describe_move(into, 0)
            delete = replace(delete, move_to=(into.kind, into.key), note=note)
        result.changes.append(delete)


def _follow_renames(
    kind: Kind, attrs: Mapping[str, Any], renamed: Mapping[Ref, str]
) -> Mapping[str, Any]:
    """Live attributes with references to renamed objects under their new keys, so that a
    list renamed in the same plan does not show as a change of every field that names it.
    Kinds are diffed in dependency order, so referenced kinds are matched first."""
    if not kind.ref_attrs or not renamed:
        return attrs
    out = dict(attrs)
    for name, target in kind.ref_attrs.items():
        value = out.get(name)
        if isinstance(value, str):
            out[name] = renamed.get((target, value), value)
        elif isinstance(value, list):
            out[name] = sorted(renamed.get((target, v), v) for v in value)
    return out


def _rekey(obj: Obj, old_parent: str, parent: Obj) -> Obj:
    """A live child under the key and label of the desired parent it was matched with."""
    if old_parent == parent.key:
        return obj
    local = obj.key[len(old_parent) + 1 :]
    title = obj.label.split(" / ", 1)[-1]
    return replace(
        obj, key=f"{parent.key}/{local}", parent=parent.key, label=f"{parent.label} / {title}"
    )


def _register(result: DiffResult, kind: str, key: str, object_id: str | None) -> None:
    if object_id is not None:
        result.ids[(kind, key)] = object_id


def _create(obj: Obj) -> Change:
    return Change("create", obj.kind, obj.key, obj.label, source=obj.source, desired=obj)


def _update(want: Obj, have: Obj, changes: tuple[AttrDiff, ...], note: str | None = None) -> Change:
    return Change(
        "update",
        want.kind,
        want.key,
        want.label,
        id=have.id,
        source=want.source,
        diff=changes,
        note=note,
        desired=want,
        live=have,
    )


def _delete(obj: Obj, reason: str) -> Change:
    return Change("delete", obj.kind, obj.key, obj.label, id=obj.id, reason=reason, live=obj)


def _by_kind(objs: Iterable[Obj]) -> dict[str, list[Obj]]:
    out: dict[str, list[Obj]] = {}
    for obj in objs:
        out.setdefault(obj.kind, []).append(obj)
    return out


def _by_parent(objs: Iterable[Obj]) -> dict[str, list[Obj]]:
    out: dict[str, list[Obj]] = {}
    for obj in objs:
        out.setdefault(obj.parent or "", []).append(obj)
    return out
