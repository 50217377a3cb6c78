"""``Registry``: the kinds acr works with, as one immutable value passed to the core.

The core (loader, diff, plan, apply, export...) knows no kind by name: it asks the registry
it is given. ``Registry.of(*kinds)`` checks that the kinds fit together (unique names and
sections, ``depends_on`` and ``child_of`` naming registered kinds, no dependency cycle) and
keeps them in one canonical order: every kind after those it depends on, ties broken by
the kind's declared ``place``, then its name. The order the kinds were passed in does not
matter, so registering the same kinds in another order gives byte-identical plans, exports
and schemas.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from reconciler.errors import RegistryError
from reconciler.kinds.base import Kind


@dataclass(frozen=True)
class Registry:
    """Kinds in their canonical order; build one with ``Registry.of``."""

    kinds: tuple[Kind, ...] = ()

    @classmethod
    def of(cls, *kinds: Kind) -> Registry:
        """The registry of ``kinds``, in canonical order; ``RegistryError`` when they do not
        fit together (the message names every problem, a cycle by its kinds)."""
        problems = _problems(kinds)
        if problems:
            raise RegistryError("the kinds do not fit together: " + "; ".join(problems))
        return cls(_ordered(kinds))

    def __post_init__(self) -> None:
        if self.kinds != _ordered(self.kinds) or _problems(self.kinds):
            raise RegistryError("build a registry with Registry.of(*kinds)")

    def __getitem__(self, name: str) -> Kind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(f'no kind "{name}" is registered')

    def get(self, name: str) -> Kind | None:
        return next((kind for kind in self.kinds if kind.name == name), None)

    def __contains__(self, name: object) -> bool:
        return any(kind.name == name for kind in self.kinds)

    def __iter__(self) -> Iterator[Kind]:
        return iter(self.kinds)

    def __len__(self) -> int:
        return len(self.kinds)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(kind.name for kind in self.kinds)

    def sections(self) -> dict[str, Kind]:
        """The manifest sections and the kind whose entries each one holds."""
        return {kind.section: kind for kind in self.kinds if kind.child_of is None}

    def section_of(self, name: str) -> str:
        """The manifest section a kind's objects are written in (a stage's: its parent's)."""
        return self[name].section

    def children(self, parent: str) -> tuple[Kind, ...]:
        """The kinds whose desired objects come from a ``parent`` entry (a pipeline's stages)."""
        return tuple(kind for kind in self.kinds if kind.child_of == parent)

    def family(self, name: str) -> set[str]:
        """A kind and its children, by name."""
        return {name, *(child.name for child in self.children(name))}

    def dependency_graph(self) -> dict[str, tuple[str, ...]]:
        """Each kind's ``depends_on``, in canonical order (``plan.kind_rank`` keeps it)."""
        return {kind.name: kind.depends_on for kind in self.kinds}

    def parent_kinds(self) -> dict[str, str | None]:
        """Each kind's parent kind (``child_of``): a stage's is the pipeline."""
        return {kind.name: kind.child_of for kind in self.kinds}

    def collections(self) -> list[str]:
        """Every collection any kind reads, sorted."""
        return sorted({name for kind in self.kinds for name in kind.collections()})


def _problems(kinds: tuple[Kind, ...]) -> list[str]:
    problems = []
    names = [kind.name for kind in kinds]
    for label, values in (
        ("name", names),
        ("section", [kind.section for kind in kinds if kind.child_of is None]),
    ):
        twice = sorted({value for value in values if values.count(value) > 1})
        problems += [f'two kinds have the {label} "{value}"' for value in twice]
    for kind in kinds:
        wanted = [*kind.depends_on, *([kind.child_of] if kind.child_of else [])]
        problems += [
            f'kind "{kind.name}" names kind "{other}", which is not registered'
            for other in wanted
            if other not in names
        ]
        parent = next((k for k in kinds if k.name == kind.child_of), None)
        if parent is not None and parent.section != kind.section:
            problems.append(
                f'kind "{kind.name}" is a child of "{parent.name}" but its section '
                f'"{kind.section}" is not "{parent.section}"'
            )
    cycle = _cycle(kinds)
    if cycle:
        problems.append(f"the kinds depend on each other in a cycle: {' -> '.join(cycle)}")
    return problems


def _cycle(kinds: tuple[Kind, ...]) -> list[str]:
    """One dependency cycle among ``kinds`` (its first kind repeated at the end), or []."""
    graph = {kind.name: kind.depends_on for kind in kinds}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done or name not in graph:
            return []
        for other in sorted(graph[name]):
            found = visit(other, [*path, name])
            if found:
                return found
        done.add(name)
        return []

    for name in sorted(graph):
        found = visit(name, [])
        if found:
            return found
    return []


def _ordered(kinds: tuple[Kind, ...]) -> tuple[Kind, ...]:
    """Every kind after those it depends on; among the kinds ready at once, the lowest
    (``place``, name) first. Kinds in a cycle (refused by ``_problems``) are left out."""
    by_name = {kind.name: kind for kind in kinds}
    waiting = {
        kind.name: {d for d in kind.depends_on if d in by_name and d != kind.name} for kind in kinds
    }
    ready = [(kind.place, kind.name) for kind in kinds if not waiting[kind.name]]
    heapq.heapify(ready)
    out: list[Kind] = []
    while ready:
        _, name = heapq.heappop(ready)
        out.append(by_name[name])
        for other, needs in waiting.items():
            if name in needs:
                needs.discard(name)
                if not needs:
                    heapq.heappush(ready, (by_name[other].place, other))
    return tuple(out)
