"""The plan path's view of the account: it can read, and nothing else, by construction.

``ReadOnlyApi`` offers ``get`` and ``collect`` only. The client under it is built with
``refuse_writes`` as a request hook, which refuses any request that is not a GET before it
leaves the process, so even code that reaches past the facade (``api._client.delete``, or
the httpx client inside it) cannot write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from reconciler.errors import PlanError
from reconciler.kinds import RawCollection

READ_METHODS = frozenset({"GET"})


async def refuse_writes(request: httpx.Request) -> None:
    """An httpx request hook: GET passes, every other method is refused unsent."""
    if request.method not in READ_METHODS:
        raise PlanError(
            f"refusing to send {request.method} {request.url.path} while planning: "
            "a plan only reads the account"
        )


class ReadOnlyApi:
    """Reads of one account, for planning."""

    __slots__ = ("_client",)

    def __init__(self, client: Any) -> None:
        self._client = client

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._client.get(path, params)

    async def collect(self, path: str, params: Mapping[str, Any] | None = None) -> RawCollection:
        result: RawCollection = await self._client.collect(path, params)
        return result
