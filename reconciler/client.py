"""HTTP access to ActiveCampaign API v3, directly or through the Maton gateway.

``Client`` implements ``kinds.base.Api`` and composes parts that each own one concern:

- ``transport.Sender`` sends one request over httpx (the swappable transport that respx and
  the in-process sandbox plug into), paced by the run's ``ratelimit.Limiters``;
- ``paging.collect`` reads a whole collection, page by page;
- ``retry.RetryPolicy`` decides whether a failure is sent again, after how long, and what a
  create does first (its module docstring has the policy);
- ``api_errors.ApiErrors`` turns what is given up into an error of ``reconciler.errors``,
  with what to do about it.

Facts they build on are in activecampaign-api.md; comments cite its labels ([V-docs],
[V-2nd], [INF], [UNK]).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from reconciler.api_errors import ApiErrors, exception_line, says_not_found, status_line
from reconciler.endpoint import DEFAULT_GATEWAY, MATON_APP, Endpoint, endpoint_from_env
from reconciler.errors import ConfigError, NotFoundError, ReconcilerError
from reconciler.kinds.base import Finder, RawCollection
from reconciler.netfail import DEFAULT_TIMEOUT, classify
from reconciler.paging import PAGE_SIZE, collect
from reconciler.ratelimit import MATON_KEY_RATE, Limiters
from reconciler.responses import collection_key, error_message, parse_body, shown_path
from reconciler.retry import Action, Attempt, Decision, RetryPolicy, RetryRounds, Spent, retry_after
from reconciler.transport import Sender, WriteHook

__all__ = [
    "DEFAULT_GATEWAY",
    "PAGE_SIZE",
    "Client",
    "Endpoint",
    "collection_key",
    "endpoint_from_env",
    "error_message",
]

log = logging.getLogger(__name__)


class Client:
    """An async client for one endpoint; ``stats`` counts requests sent by method, and
    ``"retries"``."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        rate: float = 5.0,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_retry: Callable[[str], None] | None = None,
        request_hooks: Sequence[Callable[[httpx.Request], Awaitable[None]]] = (),
        limiters: Limiters,
        key_rate: float = MATON_KEY_RATE,
    ) -> None:
        """``limiters`` is the run's: its clients share each account's and each Maton key's
        limiter, the pauses after a 429, and which endpoints have answered."""
        self.endpoint = endpoint
        self._limiters = limiters
        self._policy = RetryPolicy(retries)
        self._errors = ApiErrors(endpoint, timeout=timeout)
        pace = limiters.pace(endpoint.account, rate, endpoint.key_id, key_rate)
        self._sender = Sender(
            endpoint,
            pace,
            transport=transport,
            timeout=timeout,
            request_hooks=request_hooks,
            sleep=sleep,
        )
        self.stats = self._sender.stats
        self._sleep = sleep
        self._on_retry = on_retry
        self._rounds = RetryRounds(self._emit)

    def __repr__(self) -> str:
        return f"Client({self.endpoint.description})"

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._sender.aclose()

    @property
    def on_write(self) -> WriteHook | None:
        """Called with (method, url, body, status or None) after each write is sent: the
        apply journal. Reads are not reported."""
        return self._sender.on_write

    @on_write.setter
    def on_write(self, hook: WriteHook | None) -> None:
        self._sender.on_write = hook

    # -- the Api protocol ------------------------------------------------------------------

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._call("GET", path, params=params)

    async def create(self, path: str, body: Any, *, find: Finder | None = None) -> Any:
        return await self._call("POST", path, body=body, find=find)

    async def put(self, path: str, body: Any) -> Any:
        return await self._call("PUT", path, body=body)

    async def patch(self, path: str, body: Any) -> Any:
        """PATCH with the changed keys only; retried like PUT (sending them again is harmless)."""
        return await self._call("PATCH", path, body=body)

    async def delete(self, path: str) -> Any:
        """DELETE; an object that is already gone (404, "No Result found") gives None."""
        try:
            return await self._call("DELETE", path)
        except NotFoundError:
            return None

    async def collect(self, path: str, params: Mapping[str, Any] | None = None) -> RawCollection:
        """Every row of the collection at ``path`` (``paging.collect`` says how)."""
        return await collect(self.get, path, params)

    async def connections(self, control: str | None = None) -> list[dict[str, Any]]:
        """The Maton connections for ActiveCampaign (``acr connections``) [V-2nd MATON], from
        ``control`` (MATON_CONTROL_URL) or else the gateway."""
        if self.endpoint.gateway is None:
            raise ConfigError("connections are a Maton gateway feature: set MATON_API_KEY")
        url = f"{control or self.endpoint.gateway}/connections"
        body = await self._call("GET", "/connections", params={"app": MATON_APP}, url=url)
        found = body.get("connections") if isinstance(body, dict) else None
        return [c for c in found or [] if isinstance(c, dict)]

    # -- sending, with the retry policy ----------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        find: Finder | None = None,
        url: str | None = None,
    ) -> Any:
        own = url is None  # False for the gateway's own endpoints (/connections)
        path = path if path.startswith("/") else f"/{path}"
        url = url or f"{self.endpoint.base_url}{path}"
        where = f"{method} {shown_path(path)}"
        spent, delay = Spent(), 0.0
        while True:
            failed: httpx.Response | httpx.TransportError
            try:
                failed = await self._sender.send(
                    method, url, params=params, body=body, api=own, delay=delay
                )
            except httpx.TransportError as exc:
                failed, reason = exc, exception_line(exc)
                attempt = Attempt(method, failure=classify(exc))
            else:
                self._limiters.mark_answered(self.endpoint.account)
                log.debug("%s -> %s", where, failed.status_code)
                if failed.is_success:
                    return parse_body(failed)
                attempt, reason = _attempt(method, failed), status_line(failed)
            decision = self._decide(attempt, spent, find)
            if decision.action is Action.LOOK and find is not None:
                found = await self._look(where, reason, find, decision.wait)
                if found is not None:
                    return found
                decision = self._decide(attempt, spent, find, looked=True)
            if decision.action in (Action.GIVE_UP, Action.TOO_LONG):
                cause = failed if isinstance(failed, Exception) else None
                raise self._error(method, path, failed, decision, spent) from cause
            delay = self._retrying(where, reason, decision)
            spent = spent.after(attempt)
            self.stats["retries"] += 1

    def _decide(
        self, attempt: Attempt, spent: Spent, find: Finder | None, *, looked: bool = False
    ) -> Decision:
        answered = self._limiters.answered(self.endpoint.account)
        return self._policy.decide(
            attempt, spent, finder=find is not None, answered=answered, looked=looked
        )

    def _error(
        self,
        method: str,
        path: str,
        failed: httpx.Response | httpx.TransportError,
        decision: Decision,
        spent: Spent,
    ) -> ReconcilerError:
        if decision.action is Action.TOO_LONG:
            return self._errors.too_long(method, path, decision.wait)
        if isinstance(failed, httpx.Response):
            return self._errors.answered(
                method, path, failed, retries=spent.retries, forbidden=spent.forbidden
            )
        return self._errors.unanswered(
            method, path, failed, classify(failed), retries=spent.retries
        )

    def _retrying(self, where: str, reason: str, decision: Decision) -> float:
        """Announce a retry; the delay of the next send (the limiter waits it out, with the
        spacing)."""
        if decision.action is Action.PAUSE:  # hold the whole account, not only this request
            self._sender.pace.pause(decision.wait)
            message = f"{where}: rate limited ({reason}), waiting {decision.wait:.1f} s"
            self._notify(message, decision, reason=reason)
            return 0.0
        if decision.action is Action.RESEND:
            self._notify(f"{where}: not created, sending again", decision)
            return 0.0
        message = f"{where}: {reason}, retrying in {decision.wait:.1f} s"
        self._notify(message, decision, reason=reason)
        return decision.wait

    async def _look(self, where: str, reason: str, find: Finder, wait: float) -> Any:
        """After an ambiguous POST failure: the object ``find`` finds, or None to send again."""
        self._notify(f"{where}: {reason}; checking in {wait:.1f} s whether it was created")
        await self._sleep(wait)
        found = await find()
        return None if found in (None, {}, []) else found

    def _notify(
        self, message: str, decision: Decision | None = None, *, reason: str | None = None
    ) -> None:
        """Report a retry; with a ``reason``, once per round for all requests (RetryRounds)."""
        if decision is not None:
            message += f" (retry {decision.retry + 1} of {decision.limit})"
        log.info("%s", message)
        if reason is None or decision is None:
            self._emit(message)
        else:
            self._rounds.notify(message, reason=reason, retry=decision.retry, wait=decision.wait)

    def _emit(self, message: str) -> None:
        if self._on_retry is not None:
            self._on_retry(self._errors.redact(message))


def _attempt(method: str, response: httpx.Response) -> Attempt:
    """What the retry policy needs to know of an error answer."""
    status = response.status_code
    wait = retry_after(response.headers.get("Retry-After")) if status == 429 else None
    return Attempt(method, status=status, not_found=says_not_found(response), retry_after=wait)
