"""Sending one request to an endpoint, once: no retries, no error mapping.

``Sender`` owns the ``httpx.AsyncClient``. Its ``transport`` is swappable: respx in the
tests and the in-process sandbox's ASGI app (``--sandbox``) plug in there, and request hooks
(``readonly.refuse_writes``) run before anything leaves. Each request waits for its slot in
the run's limiters (``ratelimit.Pace``) and tells them when its headers were really written.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from reconciler.endpoint import Endpoint
from reconciler.ratelimit import Pace

__all__ = ["Sender", "WriteHook"]

# (method, url, body, status or None when no answer came): the apply journal's record
WriteHook = Callable[[str, str, Any, int | None], None]
USER_AGENT = "acr (activecampaign-reconciler)"


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate store every client of the process verifies with, as httpx makes it
    (certifi's, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``). Loading it costs about 25 ms, which
    a run with many sessions, or a process that runs many commands, pays once."""
    return httpx.create_ssl_context(trust_env=True)


class Sender:
    """Sends requests to ``endpoint`` at ``pace``; ``stats`` counts them by method, and
    ``on_write`` is told of every write sent (reads are not reported)."""

    def __init__(
        self,
        endpoint: Endpoint,
        pace: Pace,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float,
        request_hooks: Sequence[Callable[[httpx.Request], Awaitable[None]]] = (),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.pace = pace
        self.stats: Counter[str] = Counter()
        self.on_write: WriteHook | None = None
        self._sleep = sleep
        self.http = httpx.AsyncClient(
            transport=transport,
            verify=tls_context(),
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            event_hooks={"request": list(request_hooks)},  # run before anything is sent
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        api: bool = True,
        delay: float = 0.0,
    ) -> httpx.Response:
        """Send once, no earlier than ``delay`` seconds from now (a backoff) and in a free
        slot of the limiters. ``api``: False for the gateway's own endpoints (/connections),
        which are per key, so no ``Maton-Connection`` goes with them."""
        slot = await self.pace.acquire(self._sleep, delay=delay)
        self.stats[method] += 1
        headers = dict(self.endpoint.headers)
        if not api:
            headers.pop("Maton-Connection", None)

        async def trace(event: str, info: Any) -> None:
            # The request leaves once its headers are written, after any new connection is
            # made: the limiter counts the account's window from then (ratelimit.sent).
            if event.endswith(".send_request_headers.complete"):
                for limiter in self.pace.limiters:
                    limiter.sent(slot)
            elif event.endswith(".receive_response_headers.complete"):
                for limiter in self.pace.limiters:
                    limiter.answered(slot)  # a late answer: the server may have counted it late

        try:
            response = await self.http.request(
                method,
                url,
                params=dict(params) if params else None,
                json=body,
                headers=headers,
                extensions={"trace": trace},
            )
        except httpx.TransportError:
            self._written(method, url, body, None)
            raise
        self._written(method, url, body, response.status_code)
        return response

    def _written(self, method: str, url: str, body: Any, status: int | None) -> None:
        if self.on_write is not None and method != "GET":
            self.on_write(method, url, body, status)
