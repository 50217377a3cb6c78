"""Reading a collection page by page (``collect``): merging pages, and running page reads
concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from reconciler.errors import ApiError
from reconciler.kinds.base import RawCollection
from reconciler.responses import collection_key, row_id, shown_path, tidy_rows, total_of

__all__ = ["PAGE_SIZE", "Get", "Pages", "collect", "gather"]

T = TypeVar("T")
Get = Callable[[str, Mapping[str, Any]], Awaitable[Any]]  # one GET, retried: Client.get
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


async def collect(get: Get, path: str, params: Mapping[str, Any] | None = None) -> RawCollection:
    """Every row of the collection at ``path``, read with ``get`` (``limit``/``offset`` in
    ``params`` are ignored: they are ours).

    Pages of ``PAGE_SIZE`` until ``offset >= int(meta.total)``. Once a page gives the
    total, every page it names is requested at once: the rate limiter, not the latency,
    paces the read. A page without a total ends the read when it is short [V-docs PAG, OAS
    dealCustomFieldMeta has no meta], so such pages are read one after another. The rows
    are under the key ``collection_key`` picks; every other top-level list is a sideload,
    merged over the pages. Rows are de-duplicated by ``id`` and sorted by it, since the
    API's order is not guaranteed [V-2nd breakdance-bugs#1016].
    """
    query = {k: v for k, v in (params or {}).items() if k not in ("limit", "offset")}
    merged = Pages()
    offset = 0
    while True:
        first = await _page(get, path, query, offset, merged.key)
        offset += PAGE_SIZE
        total = merged.add(first)
        if total is not None and offset < total and merged.fresh:
            # The total may have grown while we read (a write elsewhere): read on then.
            offsets = range(offset, total, PAGE_SIZE)
            pages = await gather(_page(get, path, query, o, merged.key) for o in offsets)
            for page in pages:
                total = max(total, merged.add(page) or 0)
            offset += PAGE_SIZE * len(offsets)
        done = offset >= total if total is not None else merged.short
        # An empty page, or one with nothing new, also ends it: the collection shrank
        # under us, or the endpoint ignores offset [INF].
        if done or not merged.fresh:
            break
    return merged.collection()


async def _page(
    get: Get, path: str, query: Mapping[str, Any], offset: int, key: str | None
) -> tuple[str, dict[str, Any]]:
    """One page and the key of its rows; an answer without a list of rows is an error."""
    page = await get(path, {**query, "limit": PAGE_SIZE, "offset": offset})
    key = key or collection_key(path, page)
    if key is None or not isinstance(page, dict) or not isinstance(page.get(key), list):
        keys = sorted(page) if isinstance(page, dict) else type(page).__name__
        raise ApiError(
            f"unexpected answer: no list of rows (got {keys})",
            status=200,
            method="GET",
            path=shown_path(path),
        )
    return key, page
