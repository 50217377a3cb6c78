"""The plan path's view of the account: it can read, and nothing else, by construction.

``ReadOnlyApi`` offers ``get`` and ``collect`` only. The client under it sends through a
``GetOnlyTransport``, which refuses any request that is not a GET before it leaves the
process, so even code that reaches past the facade (``api._client.delete``) cannot write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from reconciler.errors import PlanError
from reconciler.kinds import RawCollection

READ_METHODS = frozenset({"GET"})


class GetOnlyTransport(httpx.AsyncBaseTransport):
    """Passes GET requests to ``inner``; refuses every other method."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in READ_METHODS:
            raise PlanError(
                f"refusing to send {request.method} {request.url.path} while planning: "
                "a plan only reads the account"
            )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


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
