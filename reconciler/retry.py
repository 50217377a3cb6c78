"""The retry policy: whether a failed request is sent again, when, and what a create does
first. Pure: it sees a description of the failure (``Attempt``) and what the request has
spent (``Spent``), never HTTP, and decides (``Decision``); ``client.Client`` carries it out.

By what a failure says about the request:

- 429: the request was not processed, so any method is sent again, after ``Retry-After`` (or
  an exponential backoff), with the whole account paused meanwhile. A ``Retry-After`` over
  ``RETRY_AFTER_MAX`` is reported instead of waited out.
- the host name does not resolve, a bad URL, a proxy refusing: never; waiting will not fix
  them.
- connection refused / connect timeout: nothing was sent; any method is sent again, at most
  twice (a gateway that refuses three times in a row is down).
- 500/502/503/504, read timeouts, dropped connections: GET, PUT and DELETE are sent again
  (idempotent); timeouts at most twice, never before the endpoint first answered (a gateway
  that accepts connections and never answers is as dead as one that refuses them); dropped
  connections as often as ``retries`` allows (they fail fast). A POST may have created the
  object ("error but done", [V-2nd GO]), and there are no idempotency keys [V-2nd CONV]:
  ``create`` asks its ``find`` first and sends again only when the object is not there;
  without ``find`` it raises.
- a 403 on GET, up to ``FORBIDDEN_RETRIES`` times with the backoff, in both modes: ActiveCampaign
  raises 403s intermittently [V-2nd TAP R11] and Maton passes its 403s through (Maton's own
  refusals are 400/401 [V-2nd MATON]). A 403 that persists is a permission problem and says so,
  with the path. Writes are never retried on 403.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC
from enum import Enum
from functools import partial

from reconciler.netfail import Failure

__all__ = [
    "Action",
    "Attempt",
    "Decision",
    "RetryPolicy",
    "RetryRounds",
    "Spent",
    "retry_after",
    "retry_limit",
]

BACKOFF_BASE = 0.5  # seconds before the first retry; doubles on each one
BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 300.0  # a longer Retry-After is reported instead of waited out
RETRY_STATUSES = frozenset({500, 502, 503, 504})  # the request may have been processed
FORBIDDEN_RETRIES = 2  # a read answered 403 is sent up to this many more times [R11]
CONNECT_RETRIES = 2
TIMEOUT_RETRIES = 2
TIMEOUT_RETRIES_UNANSWERED = 0


class Action(Enum):
    """What to do about a failed attempt."""

    RETRY = "retry"  # send again after ``wait`` (a backoff the limiter waits out)
    PAUSE = "pause"  # a 429: hold the whole account ``wait`` seconds, then send again
    LOOK = "look"  # an ambiguous create: after ``wait``, ask its finder whether it was done
    RESEND = "resend"  # the finder found nothing: send the create again at once
    GIVE_UP = "give_up"  # raise the failure's error
    TOO_LONG = "too_long"  # a 429 asking for more than RETRY_AFTER_MAX: report, do not wait


@dataclass(frozen=True)
class Attempt:
    """One failed attempt: an answer's ``status``, or the ``failure`` of a request that got
    none. ``not_found``: the answer says "No Result found" (ActiveCampaign sometimes does on
    a 403 [V-docs OAS]); ``retry_after``: a 429's ``Retry-After`` in seconds, if readable."""

    method: str
    status: int | None = None
    failure: Failure | None = None
    not_found: bool = False
    retry_after: float | None = None

    @property
    def ambiguous(self) -> bool:
        """The request may have been processed (matters for a create)."""
        if self.failure is not None:
            return self.failure not in (Failure.UNSENT, Failure.DNS, Failure.OTHER)
        return self.status in RETRY_STATUSES


@dataclass(frozen=True)
class Spent:
    """What one request has spent so far: every retry, the 403s it was answered, and the
    retries by kind of unanswered failure (each kind has its own limit)."""

    retries: int = 0
    forbidden: int = 0
    unanswered: Mapping[Failure, int] = field(default_factory=dict)

    def after(self, attempt: Attempt) -> Spent:
        """What is spent once ``attempt`` is retried."""
        unanswered = dict(self.unanswered)
        if attempt.failure is not None:
            unanswered[attempt.failure] = unanswered.get(attempt.failure, 0) + 1
        return replace(
            self,
            retries=self.retries + 1,
            forbidden=self.forbidden + (attempt.status == 403),
            unanswered=unanswered,
        )


@dataclass(frozen=True)
class Decision:
    """``retry`` and ``limit`` number the retry in progress lines ("retry 1 of 5")."""

    action: Action
    wait: float = 0.0
    retry: int = 0
    limit: int = 0


def retry_limit(failure: Failure, retries: int, *, answered: bool) -> int:
    """How many times a request that failed so is sent again, at most."""
    limits = {
        Failure.DNS: 0,
        Failure.OTHER: 0,
        Failure.UNSENT: CONNECT_RETRIES,
        Failure.TIMEOUT: TIMEOUT_RETRIES if answered else TIMEOUT_RETRIES_UNANSWERED,
        Failure.DROPPED: retries,
    }
    return min(retries, limits[failure])


class RetryPolicy:
    """Decides about failed attempts of a client allowed ``retries`` retries per request.
    ``jitter(top)`` gives the random part of a backoff, between 0 and ``top``."""

    def __init__(self, retries: int = 5, *, jitter: Callable[[float], float] | None = None):
        self.retries = max(0, retries)
        self._jitter = jitter or partial(random.Random().uniform, 0.0)

    def backoff(self, retry: int) -> float:
        """Seconds before retry number ``retry`` (from 0): exponential, jittered so that
        clients don't stay in step."""
        base = min(BACKOFF_MAX, BACKOFF_BASE * 2**retry)
        return base + self._jitter(base / 10)

    def decide(
        self, attempt: Attempt, spent: Spent, *, finder: bool, answered: bool, looked: bool = False
    ) -> Decision:
        """What to do about ``attempt``. ``finder``: the request is a create with a ``find``;
        ``answered``: the endpoint has answered in this run; ``looked``: the finder was asked
        and found nothing. Limits are decided when asked, not when the attempt failed: a
        ``find`` may have heard the endpoint in between."""
        if attempt.failure in (Failure.DNS, Failure.OTHER):
            return Decision(Action.GIVE_UP)
        if attempt.status == 429:
            return self._rate_limited(attempt, spent)
        if attempt.status is not None and not self._worth_retrying(attempt, spent):
            return Decision(Action.GIVE_UP)
        create = attempt.method == "POST" and attempt.ambiguous
        if create and not finder:
            return Decision(Action.GIVE_UP)
        if create and not looked:
            return Decision(Action.LOOK, self.backoff(spent.retries))
        if attempt.failure is None:
            more, count, limit = spent.retries < self.retries, spent.retries, self.retries
        else:
            limit = retry_limit(attempt.failure, self.retries, answered=answered)
            count = spent.unanswered.get(attempt.failure, 0)
            more = spent.retries < self.retries and count < limit
        if not more:
            return Decision(Action.GIVE_UP)
        if create:
            return Decision(Action.RESEND, 0.0, count, limit)
        return Decision(Action.RETRY, self.backoff(spent.retries), count, limit)

    def _rate_limited(self, attempt: Attempt, spent: Spent) -> Decision:
        if spent.retries >= self.retries:
            return Decision(Action.GIVE_UP)
        wait = attempt.retry_after
        if wait is None:  # whether Maton passes Retry-After through is [UNK]
            wait = self.backoff(spent.retries)
        elif wait > RETRY_AFTER_MAX:
            return Decision(Action.TOO_LONG, wait)
        return Decision(Action.PAUSE, wait, spent.retries, self.retries)

    def _worth_retrying(self, attempt: Attempt, spent: Spent) -> bool:
        # AC's intermittent 403s [V-2nd TAP CHANGELOG 1.3.1, R11]: a few more tries, on reads
        intermittent = (
            attempt.status == 403
            and attempt.method == "GET"
            and spent.forbidden < FORBIDDEN_RETRIES
            and not attempt.not_found
        )
        return attempt.status in RETRY_STATUSES or intermittent


def retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header [V-2nd RL]: delta-seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now()
    return max(0.0, seconds) if math.isfinite(seconds) else None


class RetryRounds:
    """Prints one line per round of retries, not one per request: when several requests fail
    for the same reason at the same retry (concurrent reads against a gateway that is down),
    the first one's line stands for all of them until its wait is over."""

    def __init__(
        self,
        emit: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emit = emit
        self._clock = clock
        self._quiet_until: dict[tuple[int | None, str], float] = {}

    def notify(self, message: str, *, reason: str, retry: int | None, wait: float) -> bool:
        """Emit ``message`` unless this round (``retry``, ``reason``) was already announced
        less than ``wait`` (at least one second) ago; True when it was emitted."""
        now = self._clock()
        key = (retry, reason)
        if self._quiet_until.get(key, float("-inf")) > now:
            return False
        self._quiet_until[key] = now + max(wait, 1.0)
        self._emit(message)
        return True
