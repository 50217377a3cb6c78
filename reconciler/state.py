"""Reading the live account into normalised objects (reads only: no path here can write).

Only the collections the manifests and ``policy.prune`` need are read (``needed``): a kind's
``reads`` when its section has desired objects or is pruned, and those of the kinds a desired
object names (a field's lists). A project that manages only tags reads only ``/tags``, so it
works on an account without Deals access [R2]. Each is read once, all pages at ``limit=100``,
concurrently (the client's rate limiter keeps the account under its limit); then each kind
whose collections were all read normalises its rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from reconciler.kinds import Obj, RawCollection, Registry
from reconciler.kinds.base import Kind
from reconciler.paging import gather as run_all

T = TypeVar("T")


class Reader(Protocol):
    async def collect(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> RawCollection: ...


@dataclass(frozen=True)
class Account:
    """The live objects of every kind, and a digest of them for plan fingerprints."""

    objects: tuple[Obj, ...]

    @property
    def digest(self) -> str:
        rows = sorted(
            (o.kind, o.key, o.id or "", json.dumps(o.attrs, sort_keys=True)) for o in self.objects
        )
        return "sha256:" + hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def managed_kinds(
    kinds: Registry, objects: Iterable[Obj], prune: Collection[str] = ()
) -> list[Kind]:
    """The kinds a plan looks at: those with desired objects, those named by a desired object,
    and those whose section is pruned."""
    objects = list(objects)
    named = {obj.kind for obj in objects} | {kind for obj in objects for kind, _ in obj.refs}
    return [k for k in kinds if k.name in named or k.section in prune]


def needed(kinds: Registry, objects: Iterable[Obj], prune: Collection[str] = ()) -> list[str]:
    """The collections a plan of ``objects`` under ``prune`` must read."""
    managed = managed_kinds(kinds, objects, prune)
    return sorted({name for kind in managed for name in kind.collections()})


async def read_account(
    reader: Reader, kinds: Registry, names: Sequence[str] | None = None
) -> Account:
    """The live objects of ``kinds`` in the collections ``names`` (default: every one the
    kinds read); a kind normalises its rows only when all its collections were read."""
    names = list(kinds.collections() if names is None else names)
    pages = await gather(*(reader.collect(f"/{name}") for name in names))
    raw = dict(zip(names, pages, strict=True))
    objects = [
        obj
        for kind in kinds
        if all(name in raw for name in kind.collections())
        for obj in kind.normalise(raw)
    ]
    return Account(tuple(objects))


async def gather(*steps: Awaitable[T]) -> list[T]:
    """Run ``steps`` concurrently; when one fails, the others are cancelled (``paging.gather``)."""
    return await run_all(steps)
