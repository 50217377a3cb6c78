"""Reading a collection page by page: merging pages, and running page reads concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

from reconciler.kinds.base import RawCollection
from reconciler.responses import row_id, tidy_rows, total_of

__all__ = ["PAGE_SIZE", "Pages", "gather"]

T = TypeVar("T")
PAGE_SIZE = 100  # the API's maximum; the default of 20 silently truncates reads [V-docs PAG]


class Pages:
    """The pages of one collection read so far: rows, sideloads, and whether the last page
    brought anything new (``fresh``) or was short of a full page (``short``)."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.rows: list[Any] = []
        self.sideloads: dict[str, list[Any]] = {}
        self.seen: set[str] = set()
        self.fresh = True
        self.short = False

    def add(self, found: tuple[str, dict[str, Any]]) -> int | None:
        """Merge one page in; its ``meta.total``, if it has one."""
        self.key, page = found
        batch: list[Any] = page[self.key]
        ids = [row_id(row) for row in batch]
        self.fresh = bool(batch) and any(i is None or i not in self.seen for i in ids)
        self.short = len(batch) < PAGE_SIZE
        self.seen.update(i for i in ids if i is not None)
        self.rows += batch
        for name, value in page.items():
            if name not in (self.key, "meta") and isinstance(value, list):
                self.sideloads.setdefault(name, []).extend(value)
        return total_of(page.get("meta"))

    def collection(self) -> RawCollection:
        return RawCollection(
            items=tidy_rows(self.rows),
            sideloads={name: tidy_rows(value) for name, value in sorted(self.sideloads.items())},
        )


async def gather(steps: Iterable[Awaitable[T]]) -> list[T]:
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
