"""Checks across all manifest files together, once every entry is valid on its own:
duplicate identities, renames that collide, references to objects the manifests do not
define, and ``absorbs`` lists that cannot work."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from reconciler.errors import Location, Problem
from reconciler.kinds import Kind, Obj, Ref, Registry
from reconciler.kinds.values import casefold
from reconciler.manifest.yaml import MISSING, DataPath, format_path, locate, quote, step


@dataclass(frozen=True)
class Placed:
    """A desired object and where it is written: its entry, or its item inside the entry
    (a stage inside its pipeline)."""

    obj: Obj
    file: str
    entry: DataPath  # the top-level entry: ("pipelines", 0)
    path: DataPath  # the object's own node: ("pipelines", 0, "stages", 2)
    location: Location
    root: Any  # the document's round-trip tree
    data: Any  # the plain data at ``path``

    @property
    def name(self) -> str:
        return f'{self.obj.kind} "{self.obj.label}"'

    def find(self, value: str, under: DataPath = ()) -> DataPath | None:
        """The path (below ``path``) of the first string equal to ``value``."""
        for sub, item in _strings(_at(self.data, under), under):
            if item == value:
                return sub
        return None

    def problem(self, message: str, sub: DataPath | None = None) -> Problem:
        """A problem about this object, located at ``sub`` below it when that exists."""
        if sub is None or _at(self.data, sub) is None:
            return Problem(message, self.location, format_path(self.path))
        full = (*self.path, *sub)
        return Problem(message, locate(self.root, full, self.file), format_path(full))


def _at(data: Any, path: DataPath) -> Any:
    for comp in path:
        data = step(data, comp)
        if data is MISSING:
            return None
    return data


def _strings(data: Any, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def cross_check(
    placed: list[Placed], *, kinds: Registry, unknown_kinds: Collection[str] = ()
) -> list[Problem]:
    """Every problem between objects of ``kinds``. References to a kind in ``unknown_kinds``
    (some of whose entries are invalid, so whose keys are not all known) are not reported."""
    index: dict[Ref, Placed] = {}
    problems = _blank_names(placed)
    problems += _duplicates(placed, index)
    problems += _renames(placed, index)
    problems += _references(placed, index, unknown_kinds, kinds)
    problems += _absorbs(placed, kinds)
    return problems


def _duplicates(placed: list[Placed], index: dict[Ref, Placed]) -> list[Problem]:
    repeated: list[tuple[Placed, Placed]] = []
    for item in placed:
        first = index.setdefault((item.obj.kind, item.obj.key), item)
        if first is not item:
            repeated.append((first, item))
    problems = []
    for first, item in repeated:
        if item.obj.parent is not None and (first.file, first.entry) != (item.file, item.entry):
            continue  # two entries of the parent: the parent's duplicate says it all
        same = f" (both are {quote(item.obj.key)})" if item.obj.key != item.obj.label else ""
        message = f"{item.name} is defined twice: here and at {first.location}{same}; keep one"
        problems.append(item.problem(message))
    return problems


def _blank_names(placed: list[Placed]) -> list[Problem]:
    """Names of spaces only: the API trims them to nothing."""
    return [
        item.problem(f"{item.obj.kind} name is blank (spaces only); give it a name")
        for item in placed
        if not item.obj.label.rsplit(" / ", 1)[-1].strip()
    ]


def _renames(placed: list[Placed], index: dict[Ref, Placed]) -> list[Problem]:
    problems = []
    for item in placed:
        problems += _renamed_from_itself(item)
        for alias in item.obj.aliases:
            other = index.get((item.obj.kind, alias))
            if other is None or other.obj.key == item.obj.key:
                continue  # a change of case only ("GOLD" for "Gold") is harmless
            problems.append(
                item.problem(
                    f"{item.name}: renamed_from names {other.name}, which the manifests also "
                    f"define (at {other.location}); an object cannot be renamed from one that is "
                    "kept. "
                    "Remove the name from renamed_from, or remove the other entry",
                    ("renamed_from",),
                )
            )
    return problems


def _renamed_from_itself(item: Placed) -> list[Problem]:
    earlier = item.data.get("renamed_from") if isinstance(item.data, dict) else None
    name = item.obj.label.rsplit(" / ", 1)[-1]
    return [
        item.problem(
            f"{item.name}: renamed_from names the {item.obj.kind} itself; remove it",
            ("renamed_from", index),
        )
        for index, old in enumerate(earlier if isinstance(earlier, list) else [])
        if old == name
    ]


def adoptable(item: Obj, kind: str, kinds: Registry) -> bool:
    """Whether ``item`` may name a ``kind`` object that no manifest defines: an attribute
    reference (a field's lists, a webhook's list) may name a live object, resolved against
    the account at plan time; a child's reference to its parent may not."""
    own = kinds.get(item.kind)
    return own is not None and kind in own.ref_attrs.values()


def external_refs(
    placed: list[Placed], *, kinds: Registry, unknown_kinds: Collection[str] = ()
) -> list[tuple[Ref, str, Problem]]:
    """References to objects the manifests do not define but the account may hold, each
    with the name of the object that makes it and the located warning ``acr validate`` shows
    (plan raises it when the account has no such object)."""
    defined = {(item.obj.kind, item.obj.key) for item in placed}
    out = []
    for item in placed:
        for kind, key in item.obj.refs:
            if (kind, key) in defined or kind in unknown_kinds:
                continue
            if not adoptable(item.obj, kind, kinds):
                continue
            names = sorted(k for (other, k) in defined if other == kind)
            close = difflib.get_close_matches(key, names, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            message = (
                f"{item.name}: {kind} {quote(key)} is not in the manifests; plan looks for it "
                f"on the account{hint}"
            )
            out.append(((kind, key), item.name, item.problem(message, item.find(key))))
    return out


def _references(
    placed: list[Placed],
    index: dict[Ref, Placed],
    unknown_kinds: Collection[str],
    kinds: Registry,
) -> list[Problem]:
    problems = []
    for item in placed:
        for kind, key in item.obj.refs:
            if (kind, key) in index or kind in unknown_kinds or adoptable(item.obj, kind, kinds):
                continue
            defined = sorted(k for (other_kind, k) in index if other_kind == kind)
            close = difflib.get_close_matches(key, defined, n=1)
            named = kinds.get(kind)
            section = named.section if named is not None else kind
            hint = f'did you mean "{close[0]}"?' if close else f"define it under {section}:"
            problems.append(
                item.problem(
                    f"{item.name}: {kind} {quote(key)} is not defined; {hint}", item.find(key)
                )
            )
    return problems


def _absorbs(placed: list[Placed], kinds: Registry) -> list[Problem]:
    families: dict[tuple[str, str, DataPath], list[Placed]] = {}
    for item in placed:
        if item.obj.parent is not None:
            families.setdefault((item.obj.kind, item.file, item.entry), []).append(item)
    problems = []
    for family in families.values():
        claimed: dict[str, Placed] = {}
        # absorbs names siblings as their key within the parent ("pipeline/won" -> "won")
        titles = {s.obj.key[len(s.obj.parent or "") + 1 :]: s for s in family}
        for item in family:
            for title in item.obj.extra.absorbs:
                problems += _absorb(item, title, titles, claimed, kinds[item.obj.kind])
    return problems


def _absorb(
    item: Placed, title: str, titles: dict[str, Placed], claimed: dict[str, Placed], kind: Kind
) -> list[Problem]:
    absorbs = item.data.get("absorbs", []) if isinstance(item.data, dict) else []
    index = next(
        (i for i, t in enumerate(absorbs) if isinstance(t, str) and casefold(t) == title), None
    )
    sub: DataPath | None = ("absorbs", index) if index is not None else None
    shown = quote(absorbs[index]) if index is not None else quote(title)
    listed = titles.get(title)
    parent = kind.child_of or "parent"
    if listed is item:
        return [item.problem(f"{item.name}: absorbs {shown}, itself; remove it from absorbs", sub)]
    if listed is not None:
        return [
            item.problem(
                f"{item.name}: absorbs {shown}, which is still listed in this {parent} "
                f"(at {listed.location}); only a removed {item.obj.kind} can be absorbed. "
                f"Remove {shown} from absorbs, "
                f"or from the {parent}'s list",
                sub,
            )
        ]
    first = claimed.setdefault(title, item)
    if first is not item:
        moved = kind.dependents or "its contents"
        return [
            item.problem(
                f"{item.name}: absorbs {shown}, which {first.name} already absorbs "
                f"(at {first.location}); its {moved} can move to one place only: "
                "keep it in one absorbs list",
                sub,
            )
        ]
    return []
