"""When each change of a plan may start: after the changes it needs, never after unrelated ones.

The plan's order is decided once, in ``plan.py``, and apply keeps it: it starts changes in
that order, and a change starts early (before a change ahead of it in the plan has finished)
only when every change it depends on is done. What a change depends on, among the changes
ahead of it in the plan:

- the objects it names: its references (a field's lists, a webhook's list), its parent (a
  stage's pipeline, whose create also brings the default stages a stage update reuses), the
  stage its deals move to before a delete, and any earlier change of the same object;
- a create waits for the updates of its kind (of its siblings, for a stage): a rename may free
  the name the create needs;
- a delete waits for every change of the kinds that depend on its kind (a list's delete for
  the fields and webhooks that may still name it, a pipeline's for its stages);
- a create or an update waits for any delete ahead of it (the plan puts deletes last).

The rules name *groups* of changes ("the changes of list n", "the updates of tags"); a change
needs, of each group it names, the members ahead of it in the plan. This keeps the rules
linear in the size of the plan. Everything here is pure except ``run_in_order``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.plan import Change

__all__ = ["Schedule", "groups_of", "needs_of", "run_in_order"]

# ("ref", kind, key), ("update", kind, parent key or ""), ("kind", kind), ("delete",)
Group = tuple[str, ...]


def groups_of(change: Change) -> set[Group]:
    """The groups a change belongs to."""
    groups: set[Group] = {("ref", change.kind, change.key), ("kind", change.kind)}
    if change.action == "update":
        groups.add(("update", change.kind, _parent(change)))
    if change.action == "delete":
        groups.add(("delete",))
    return groups


def needs_of(
    change: Change, dependents: Mapping[str, frozenset[str]], parents: Mapping[str, str | None]
) -> set[Group]:
    """The groups whose earlier members must be done before ``change`` starts.

    ``dependents`` maps a kind to the kinds that depend on it, directly or not; ``parents``
    maps a kind to the kind its objects are children of (a stage's pipeline)."""
    needs: set[Group] = {("ref", change.kind, change.key)}
    for obj in (change.desired, change.live):
        if obj is None:
            continue
        needs.update(("ref", kind, key) for kind, key in obj.refs)
        parent_kind = parents.get(change.kind)
        if obj.parent and parent_kind:
            needs.add(("ref", parent_kind, obj.parent))
    if change.move_to:
        needs.add(("ref", *change.move_to))
    if change.action == "create":
        needs.add(("update", change.kind, _parent(change)))
    if change.action == "delete":
        needs.update(("kind", kind) for kind in dependents.get(change.kind, ()))
    else:
        needs.add(("delete",))
    return needs


def _parent(change: Change) -> str:
    """The key of the object's parent (names are unique among siblings), or ""."""
    obj = change.desired or change.live
    return (obj.parent if obj else None) or ""


def dependents_of(depends_on: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """For each kind, the kinds that depend on it directly or through others."""
    out: dict[str, set[str]] = {kind: set() for kind in depends_on}

    def parents(kind: str, seen: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for parent in depends_on.get(kind, ()):
            if parent not in seen:
                found |= {parent} | parents(parent, seen | {parent})
        return found

    for kind in depends_on:
        for parent in parents(kind, frozenset({kind})):
            out.setdefault(parent, set()).add(kind)
    return {kind: frozenset(found) for kind, found in out.items()}


@dataclass
class Schedule:
    """Which changes of a plan (by index) are done, and which may start now."""

    needs: list[set[Group]]
    members: dict[Group, list[int]] = field(default_factory=dict)  # indexes, ascending
    done: set[int] = field(default_factory=set)
    _first: dict[Group, int] = field(default_factory=dict)  # members[g][_first[g]:] not all done

    @classmethod
    def of(
        cls,
        changes: Sequence[Change],
        depends_on: Mapping[str, Sequence[str]],
        parents: Mapping[str, str | None],
    ) -> Schedule:
        dependents = dependents_of(depends_on)
        schedule = cls([needs_of(c, dependents, parents) for c in changes])
        for index, change in enumerate(changes):
            for group in groups_of(change):
                schedule.members.setdefault(group, []).append(index)
        return schedule

    def ready(self, index: int) -> bool:
        """Whether every change that ``index`` needs, among those ahead of it, is done."""
        return all(self._lowest_pending(group) >= index for group in self.needs[index])

    def _lowest_pending(self, group: Group) -> int:
        members = self.members.get(group, [])
        first = self._first.get(group, 0)
        while first < len(members) and members[first] in self.done:
            first += 1
        self._first[group] = first
        return members[first] if first < len(members) else len(self.needs)


async def run_in_order(
    schedule: Schedule,
    run: Callable[[int], Awaitable[bool]],
    *,
    concurrency: int,
    stopped: Callable[[], bool] = lambda: False,
) -> dict[int, BaseException | bool]:
    """Run every change (``run(index)``, which returns False when it did not start) as soon
    as the ones it needs are done, up to ``concurrency`` at once, earliest in the plan first.
    After a failure, or once ``stopped()``, nothing new starts; the changes in flight finish.
    Returns the outcome of each change that was handed to ``run``."""
    pending = list(range(len(schedule.needs)))
    running: dict[asyncio.Task[bool], int] = {}
    outcomes: dict[int, BaseException | bool] = {}
    try:
        while pending or running:
            if not stopped() and all(o is True for o in outcomes.values()):
                started = _start(schedule, pending, concurrency - len(running))
                running.update({asyncio.ensure_future(run(i)): i for i in started})
            if not running:
                break  # a failure or a stop ended it (otherwise the first pending one is ready)
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                index = running.pop(task)
                outcomes[index] = task.exception() or task.result()
                if outcomes[index] is True:
                    schedule.done.add(index)
    finally:  # interrupted: leave nothing running
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
    return outcomes


def _start(schedule: Schedule, pending: list[int], free: int) -> list[int]:
    """Take up to ``free`` ready changes out of ``pending``, earliest first."""
    started: list[int] = []
    for index in pending:
        if len(started) >= free:
            break
        if schedule.ready(index):
            started.append(index)
    taken = set(started)
    pending[:] = [i for i in pending if i not in taken]
    return started
