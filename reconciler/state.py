"""Reading the live account into normalised objects (reads only: no path here can write).

Every collection the kinds need is read once, all pages at ``limit=100``, concurrently (the
client's rate limiter keeps the account under its limit), then each kind normalises its rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from reconciler.kinds import KINDS, Obj, RawCollection

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


def collections() -> list[str]:
    """The collections to read: each kind's, plus lists (fields and webhooks name lists)."""
    return sorted({kind.collection for kind in KINDS.values()} | {"lists"})


async def read_account(reader: Reader, names: Sequence[str] | None = None) -> Account:
    names = list(names or collections())
    pages = await gather(*(reader.collect(f"/{name}") for name in names))
    raw = dict(zip(names, pages, strict=True))
    objects = [obj for kind in KINDS.values() for obj in kind.normalise(raw)]
    return Account(tuple(objects))


async def gather(*steps: Awaitable[T]) -> list[T]:
    """Run ``steps`` concurrently; when one fails, cancel the others and wait for them before
    raising, so that none is left running against a client about to close."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
