"""HTTP access to ActiveCampaign API v3, directly or through the Maton gateway.

The only module that talks HTTP. ``Client`` implements ``kinds.base.Api``: it rate-limits per
account (``ratelimit``), retries what is safe to retry, reads whole collections, and turns
every failure into an error of ``reconciler.errors``. Facts it builds on are in
activecampaign-api.md; comments cite its labels ([V-docs], [V-2nd], [INF], [UNK]).

Retry policy, by what a failure says about the request:

- 429: the request was not processed, so any method is sent again, after ``Retry-After`` (or
  an exponential backoff), with the whole account paused meanwhile.
- connection refused / connect timeout: nothing was sent; any method is sent again, at most
  twice. A host name that does not resolve is not retried (``netfail`` has the limits).
- 500/502/503/504, read timeouts, dropped connections: GET, PUT and DELETE are sent again
  (idempotent); timeouts at most twice, never before the endpoint first answered. A
  POST may have created the object ("error but done", [V-2nd GO]), and there are no
  idempotency keys [V-2nd CONV]: ``create`` asks its ``find`` first and sends again only
  when the object is not there; without ``find`` it raises.
- a 403 on GET, up to ``FORBIDDEN_RETRIES`` times with the backoff, in both modes: ActiveCampaign
  raises 403s intermittently [V-2nd TAP R11] and Maton passes its 403s through (Maton's own
  refusals are 400/401 [V-2nd MATON]). A 403 that persists is a permission problem and says so,
  with the path. Writes are never retried on 403.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from reconciler.endpoint import DEFAULT_GATEWAY, MATON_APP, Endpoint, endpoint_from_env
from reconciler.errors import (
    ApiError,
    AuthError,
    ConfigError,
    NotFoundError,
    RateLimitError,
    ReconcilerError,
    TransportError,
    ValidationError,
)
from reconciler.kinds.base import Finder, RawCollection
from reconciler.netfail import (
    DEFAULT_TIMEOUT,
    Failure,
    RetryRounds,
    classify,
    has_answered,
    mark_answered,
    retry_limit,
)
from reconciler.paging import PAGE_SIZE, Pages, gather
from reconciler.ratelimit import (
    MATON_KEY_RATE,
    PROCESS_LIMITERS,
    Limiters,
    Pace,
    limiter_for,
    retry_after,
)
from reconciler.responses import (
    collection_key,
    error_message,
    parse_body,
    parse_json,
    shown_path,
    with_hint,
)

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

BACKOFF_BASE = 0.5  # seconds before the first retry; doubles on each one
BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 300.0  # a longer Retry-After is reported instead of waited out
RETRY_STATUSES = frozenset({500, 502, 503, 504})
FORBIDDEN_RETRIES = 2  # a read answered 403 is sent up to this many more times [R11]
NO_RESULT = "no result found"  # ActiveCampaign's not-found text, sometimes on a 403 [V-docs OAS]


@dataclass(frozen=True)
class _Failure:
    """One failed attempt that may be retried."""

    error: ReconcilerError  # what to raise when the retries are spent
    reason: str  # for progress messages: "503 Service Unavailable", "ReadTimeout: ..."
    ambiguous: bool  # the request may have been processed (matters for a create)
    cause: Exception | None = None  # the foreign exception, for ``raise ... from``
    kind: str = ""  # for a request without an answer: its netfail.Failure, which has a limit


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
        limiters: Limiters | None = None,
        key_rate: float = MATON_KEY_RATE,
    ) -> None:
        """``limiters`` is the run's registry (accounts and Maton keys planned together share
        it); without one, the account's limiter is the process-wide ``limiter_for``."""
        self.endpoint = endpoint
        self.retries = max(0, retries)
        self.stats: Counter[str] = Counter()
        self._sleep = sleep
        self._on_retry = on_retry
        self._rounds = RetryRounds(self._emit)
        if limiters is None:
            self._limiter = limiter_for(endpoint.account, rate)
            key = PROCESS_LIMITERS.key(endpoint.key_id, key_rate) if endpoint.key_id else None
        else:
            self._limiter = limiters.account(endpoint.account, rate)
            key = limiters.key(endpoint.key_id, key_rate) if endpoint.key_id else None
        self._pace = Pace(self._limiter, *([key] if key else []), sleep=sleep)
        self._random = random.Random()
        self._timeout = timeout
        # Called with (method, url, body, status or None) after each write is sent: the
        # apply journal. Reads are not reported.
        self.on_write: Callable[[str, str, Any, int | None], None] | None = None
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "acr (activecampaign-reconciler)"},
            event_hooks={"request": list(request_hooks)},  # run before anything is sent
        )

    def __repr__(self) -> str:
        return f"Client({self.endpoint.description})"

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

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
        """Every row of the collection at ``path`` (``limit``/``offset`` are the client's).

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
            first = await self._page(path, query, offset, merged.key)
            offset += PAGE_SIZE
            total = merged.add(first)
            if total is not None and offset < total and merged.fresh:
                # The total may have grown while we read (a write elsewhere): read on then.
                offsets = range(offset, total, PAGE_SIZE)
                pages = await gather(self._page(path, query, o, merged.key) for o in offsets)
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
        self, path: str, query: Mapping[str, Any], offset: int, key: str | None
    ) -> tuple[str, dict[str, Any]]:
        """One page and the key of its rows; an answer without a list of rows is an error."""
        page = await self.get(path, {**query, "limit": PAGE_SIZE, "offset": offset})
        key = key or collection_key(path, page)
        if key is None or not isinstance(page.get(key), list):
            keys = sorted(page) if isinstance(page, dict) else type(page).__name__
            raise ApiError(
                f"unexpected answer: no list of rows (got {keys})",
                status=200,
                method="GET",
                path=shown_path(path),
            )
        return key, page

    async def connections(self, control: str | None = None) -> list[dict[str, Any]]:
        """The Maton connections for ActiveCampaign (``acr connections``) [V-2nd MATON], from
        ``control`` (MATON_CONTROL_URL) or else the gateway."""
        if self.endpoint.gateway is None:
            raise ConfigError("connections are a Maton gateway feature: set MATON_API_KEY")
        url = f"{control or self.endpoint.gateway}/connections"
        body = await self._call("GET", "/connections", params={"app": MATON_APP}, url=url)
        found = body.get("connections") if isinstance(body, dict) else None
        return [c for c in found or [] if isinstance(c, dict)]

    # -- sending ---------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: Any,
        api: bool,
        delay: float,
    ) -> httpx.Response:
        slot = await self._pace.acquire(self._sleep, delay=delay)
        self.stats[method] += 1
        headers = dict(self.endpoint.headers)
        if not api:
            headers.pop("Maton-Connection", None)  # the gateway's own endpoints are per key

        async def trace(event: str, info: Any) -> None:
            # The request leaves once its headers are written, after any new connection is
            # made: the limiter counts the account's window from then (ratelimit.sent).
            if event.endswith(".send_request_headers.complete"):
                for limiter in self._pace.limiters:
                    limiter.sent(slot)
            elif event.endswith(".receive_response_headers.complete"):
                for limiter in self._pace.limiters:
                    limiter.answered(slot)  # a late answer: the server may have counted it late

        try:
            response = await self._http.request(
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
        retry, delay, forbidden = 0, 0.0, 0
        spent: Counter[str] = Counter()  # retries so far by kind of failure (with a limit)
        while True:
            wait, delay = delay, 0.0
            try:
                response = await self._send(method, url, params, body, own, wait)
            except httpx.TransportError as exc:
                failure = self._unanswered(where, exc, retry)
            else:
                mark_answered(self.endpoint.account)
                log.debug("%s -> %s", where, response.status_code)
                if response.is_success:
                    return parse_body(response)
                if response.status_code == 429 and retry < self.retries:
                    self._pause(response, retry, method, path)
                    retry += 1
                    self.stats["retries"] += 1
                    continue
                failure = self._answered(method, path, response, retry, forbidden)
                forbidden += response.status_code == 403
            if method == "POST" and failure.ambiguous:
                if find is None:
                    raise failure.error from failure.cause
                found = await self._look(where, failure.reason, find, retry)
                if found is not None:
                    return found
            more, count, limit = self._budget(failure, retry, spent)
            if method == "POST" and failure.ambiguous:
                if more:
                    self._notify(f"{where}: not created, sending again", count, limit=limit)
            elif more:
                delay = self._delay(retry)  # waited out by the limiter, with the spacing
                self._notify(
                    f"{where}: {failure.reason}, retrying in {delay:.1f} s",
                    count,
                    limit=limit,
                    reason=failure.reason,
                    wait=delay,
                )
            if not more:
                raise failure.error from failure.cause
            retry += 1
            spent[failure.kind] += 1
            self.stats["retries"] += 1

    def _budget(self, failure: _Failure, retry: int, spent: Counter[str]) -> tuple[bool, int, int]:
        """Whether to send again, and the retry's number and limit for the progress line.
        Decided now, not when the failure happened: a ``find`` may have heard the endpoint."""
        if not failure.kind:
            return retry < self.retries, retry, self.retries
        answered = has_answered(self.endpoint.account)
        limit = retry_limit(Failure(failure.kind), self.retries, answered=answered)
        return retry < self.retries and spent[failure.kind] < limit, spent[failure.kind], limit

    def _unanswered(self, where: str, exc: httpx.TransportError, retry: int) -> _Failure:
        """A request without an answer, if worth retrying; raises TransportError if not."""
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        kind = classify(exc)
        if kind is Failure.OTHER:  # a bad URL, a proxy refusing...
            raise TransportError(self._redact(f"{where}: {reason}")) from exc
        if kind is Failure.DNS:
            host = httpx.URL(self.endpoint.base_url).host
            raise TransportError(
                self._redact(
                    f"{where}: cannot resolve the host name {host!r} of "
                    f"{self.endpoint.description} ({reason}): check the URL and the network"
                )
            ) from exc
        ambiguous = kind is not Failure.UNSENT
        text = f"{where}: no answer from {self.endpoint.description} ({reason})"
        if retry:
            text += f" after {retry + 1} attempts"
        if kind is Failure.TIMEOUT:
            text += f"; each waited {self._timeout:g} s (ACR_TIMEOUT or --timeout change that)"
        if where.startswith("POST") and ambiguous:
            text += "; the create may have been done: run plan again before retrying"
        return _Failure(TransportError(self._redact(text)), reason, ambiguous, exc, kind.value)

    def _answered(
        self, method: str, path: str, response: httpx.Response, retry: int, forbidden: int
    ) -> _Failure:
        """An error status, if worth retrying; raises its ApiError if not."""
        error = self._error(method, path, response, retry, forbidden)
        status = response.status_code
        # AC's intermittent 403s [V-2nd TAP CHANGELOG 1.3.1, R11]: a few more tries, on reads
        intermittent = (
            status == 403
            and method == "GET"
            and forbidden < FORBIDDEN_RETRIES
            and not isinstance(error, NotFoundError)
        )
        if status not in RETRY_STATUSES and not intermittent:
            raise error
        reason = f"{status} {response.reason_phrase}".strip()
        return _Failure(error, reason, ambiguous=status in RETRY_STATUSES)

    def _pause(self, response: httpx.Response, retry: int, method: str, path: str) -> None:
        """After a 429: hold the whole account, not only this request, then send again."""
        # Retry-After in seconds [V-2nd RL]; whether Maton passes it through is [UNK], so a
        # missing or unreadable one falls back to the backoff.
        wait = retry_after(response.headers.get("Retry-After"))
        if wait is None:
            wait = self._delay(retry)
        elif wait > RETRY_AFTER_MAX:
            raise RateLimitError(
                f"the API asks to wait {wait:.0f} s before the next request; run again later",
                status=429,
                method=method,
                path=shown_path(path),
            )
        self._limiter.pause(wait)
        reason = f"{response.status_code} {response.reason_phrase}".strip()
        self._notify(
            f"{method} {shown_path(path)}: rate limited ({reason}), waiting {wait:.1f} s",
            retry,
            reason=reason,
            wait=wait,
        )

    async def _look(self, where: str, reason: str, find: Finder, retry: int) -> Any:
        """After an ambiguous POST failure: the object ``find`` finds, or None to send again."""
        delay = self._delay(retry)
        self._notify(f"{where}: {reason}; checking in {delay:.1f} s whether it was created")
        await self._sleep(delay)
        found = await find()
        return None if found in (None, {}, []) else found

    def _delay(self, retry: int) -> float:
        base = min(BACKOFF_MAX, BACKOFF_BASE * 2**retry)
        return base + self._random.uniform(0, base / 10)  # jitter: clients don't stay in step

    def _notify(
        self,
        message: str,
        retry: int | None = None,
        *,
        limit: int | None = None,
        reason: str | None = None,
        wait: float = 0.0,
    ) -> None:
        """Report a retry; with a ``reason``, once per round for all requests (RetryRounds)."""
        if retry is not None:
            message += f" (retry {retry + 1} of {self.retries if limit is None else limit})"
        log.info("%s", message)
        if reason is None:
            self._emit(message)
        else:
            self._rounds.notify(message, reason=reason, retry=retry, wait=wait)

    def _emit(self, message: str) -> None:
        if self._on_retry is not None:
            self._on_retry(self._redact(message))

    # -- errors ----------------------------------------------------------------------------

    def _error(
        self, method: str, path: str, response: httpx.Response, retry: int, forbidden: int = 0
    ) -> ApiError:
        status = response.status_code
        body = parse_json(response)
        text = error_message(body, response.text, response.reason_phrase)
        kind: type[ApiError] = ApiError
        if NO_RESULT in text.lower() or status == 404:
            kind = NotFoundError
        elif status == 403 and method == "GET" and forbidden:
            kind = AuthError
            text = with_hint(text, self._permission_hint(path, forbidden + 1))
        elif status in (401, 403):
            kind, text = AuthError, with_hint(text, self._auth_hint(status))
        elif status == 400 and self.endpoint.maton and "connection" in text.lower():
            # Maton's 400 = no connection for the app [V-2nd MATON]; its body is [UNK].
            kind, text = AuthError, with_hint(text, self._connection_hint())
        elif status in (400, 422):
            kind = ValidationError
        elif status == 429:
            kind = RateLimitError
            text += f"; still rate limited after {retry} retries: wait a minute and run again"
        elif 300 <= status < 400:
            target = httpx.URL(response.headers.get("Location", "")).host or "elsewhere"
            text = f"redirected to {target}; check the account URL ({self.endpoint.description})"
        elif status == 500 and self.endpoint.maton:
            text += (  # commonly an expired upstream authorisation [V-2nd MATON]
                "; through Maton this often means the connection's ActiveCampaign authorisation "
                "expired: create a new connection (`acr connections`)"
            )
        if method == "POST" and status in RETRY_STATUSES:
            text += "; the create may have been done: run plan again before retrying"
        return kind(
            self._redact(text), status=status, method=method, path=shown_path(path), body=body
        )

    def _auth_hint(self, status: int) -> str:
        if not self.endpoint.maton:
            return (
                f"ActiveCampaign refused the token for {self.endpoint.description}: check "
                "ACTIVECAMPAIGN_API_TOKEN and that its user may do this"
            )
        if status == 401:
            return "the Maton gateway refused the key: check MATON_API_KEY"
        return (
            f"ActiveCampaign refused the request made through {self.endpoint.description}: check "
            "that the connection is authorised and its user may do this (`acr connections`)"
        )

    def _permission_hint(self, path: str, attempts: int) -> str:
        """A 403 that persisted over retries: not a glitch but a permission problem."""
        who = (
            "ACTIVECAMPAIGN_API_TOKEN's user"
            if not self.endpoint.maton
            else "the connection's user"
        )
        return (
            f"still forbidden after {attempts} attempts, so this is a permission problem: "
            f"{who} on {self.endpoint.description} may not read {shown_path(path)} (check the "
            "user's group permissions and the account's plan)"
        )

    def _connection_hint(self) -> str:
        return (
            f"the Maton gateway has no usable {MATON_APP} connection for "
            f"{self.endpoint.description}: check MATON_CONNECTION (or the target's connection) "
            "against `acr connections`"
        )

    def _redact(self, text: str) -> str:
        """Belt and braces: no key or token ever leaves in a message, even one the server
        echoed. (The connection id is not a secret: users need it to fix a target.)"""
        for name, value in self.endpoint.headers.items():
            secret = value.removeprefix("Bearer ")
            if name.lower() != "maton-connection" and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text
