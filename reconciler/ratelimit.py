"""Client-side rate limiting: one limiter per ActiveCampaign account, shared in the process.

ActiveCampaign allows 5 requests per second per account, shared by every key of the account
(activecampaign-api.md §3, [V-2nd] quoting the rate-limit docs). The server's counting method
(sliding window, fixed window, token bucket) is [UNK], so the limiter keeps the strictest
reading: requests are spaced evenly *and* no window holds more than ``rate`` of them. A
request that finds a free slot goes at once: the limiter never holds a lock while a request
is in flight, so concurrent coroutines fill every slot.

The server sees a request when it arrives, not when it was sent: a request delayed on its way
(a new TLS connection, a busy event loop) shifts the server's window, and the next request
sent exactly on time then counts as one too many. So the window the limiter keeps is
``1 + margin`` seconds (default 0.1 s: 4.5 requests/s at rate 5). Measured with
``benchmarks/rate_limit.py`` against the sandbox at rate 5 (100 requests, 8 coroutines): no
margin, 13 429s and 35.6 s; 0.02 s, none and 20.2 s; 0.1 s, none and 21.8 s. Real network
jitter is larger and a 429 costs its ``Retry-After`` (30 s in the docs'
example), hence 0.1 s [INF].

A 429 pauses the whole account (``pause``): every request waiting or arriving later goes after
the pause, whose length ``retry_after`` reads from the response.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC

__all__ = [
    "MATON_KEY_RATE",
    "PROCESS_LIMITERS",
    "Limiters",
    "Pace",
    "RateLimiter",
    "limiter_for",
    "retry_after",
]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

WINDOW = 1.0  # seconds
MARGIN = 0.1  # seconds added to the window for arrival jitter (see above)
DUE = 0.001  # seconds: a slot this close is taken now
MATON_KEY_RATE = 10.0  # requests per second per Maton key, whatever the account [V-2nd MATON]


class RateLimiter:
    """Hands out send times so that at most ``rate`` requests fall in any window of
    ``1 + margin`` seconds (so in any one-second window), spaced evenly.

    ``clock`` (monotonic seconds) and ``sleep`` are injectable for tests. Each ``acquire``
    reserves its slot before it sleeps, so waiters are served in arrival order and each sleeps
    once; a caller whose ``sleep`` returns early (a test's fake) is never made to spin.
    """

    def __init__(
        self,
        rate: float,
        *,
        margin: float = MARGIN,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0 or margin < 0:
            raise ValueError(f"rate must be positive and margin not negative: {rate}, {margin}")
        self.rate = rate
        self.window = WINDOW + margin
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()  # the last few slots handed out, oldest first
        self._paused_until = -math.inf

    @property
    def interval(self) -> float:
        return self.window / self.rate

    @property
    def burst(self) -> int:
        """How many requests one window may hold: ``rate`` rounded down, at least one."""
        return max(1, math.floor(self.rate))

    def slow_down(self, rate: float) -> None:
        """Lower the rate (never raise it: several clients of one account keep the lowest)."""
        if 0 < rate < self.rate:
            self.rate = rate

    def pause(self, seconds: float) -> None:
        """Hold every request of the account for ``seconds`` from now (after a 429)."""
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def _reserve(self, delay: float) -> float:
        slot = self.earliest(delay)
        self.commit(slot)
        return slot

    def earliest(self, delay: float = 0.0) -> float:
        """The first free slot at least ``delay`` seconds from now; reserves nothing."""
        now = self._clock()
        slot = max(now + delay, self._paused_until)
        if self._sent:
            slot = max(slot, self._sent[-1] + self.interval)
        if len(self._sent) >= self.burst:
            slot = max(slot, self._sent[-self.burst] + self.window)
        return slot

    def commit(self, slot: float) -> None:
        """Reserve ``slot``, which is no earlier than ``earliest()`` (a later one is fine)."""
        self._sent.append(slot)
        while len(self._sent) > self.burst:
            self._sent.popleft()

    async def acquire(self, sleep: Sleep | None = None, *, delay: float = 0.0) -> float:
        """Wait for the first free slot at least ``delay`` seconds from now (a backoff) and
        return it (clock time). ``sleep`` overrides the limiter's own for this call (each
        client brings its own, see ``client.Client``). One sleep covers backoff and spacing."""
        nap = sleep or self._sleep
        while True:
            slot = self._reserve(delay)
            delay = slot - self._clock()
            if delay > 0:
                await nap(delay)
            if self._paused_until <= slot:
                return slot
            # A 429 paused the account while we waited: this slot is void, queue after the
            # pause. (The void slot stays in the window: that only makes later slots later.)


_limiters: dict[str, RateLimiter] = {}


def limiter_for(account: str, rate: float, *, clock: Clock = time.monotonic) -> RateLimiter:
    """The process-wide limiter of ``account``; created at ``rate`` (and with ``clock``, for
    tests), afterwards only ever slowed down."""
    limiter = _limiters.get(account)
    if limiter is None:
        limiter = _limiters[account] = RateLimiter(rate, clock=clock)
    else:
        limiter.slow_down(rate)
    return limiter


class Pace:
    """Paces requests under several limiters at once (an account's and its Maton key's), so
    that none of them ever sees more than its rate; with one limiter it is that limiter.

    A slot is committed to every limiter only once it is due: a caller waits until the
    earliest time all of them could take it, then takes it in all. (Reserving ahead, as one
    limiter does, would make the key's queue follow the order of reservations: an account
    reserving 0.7 s ahead would hold back the other accounts' free slots before it.) With a
    clock that does not move (a test's) the caller takes its slot at once, so it never spins.
    A 429 pauses the first limiter (the account)."""

    def __init__(self, *limiters: RateLimiter, sleep: Sleep = asyncio.sleep) -> None:
        if not limiters:
            raise ValueError("a pace needs at least one limiter")
        self.limiters = limiters
        self._sleep = sleep

    def pause(self, seconds: float) -> None:
        self.limiters[0].pause(seconds)

    async def acquire(self, sleep: Sleep | None = None, *, delay: float = 0.0) -> float:
        """Like ``RateLimiter.acquire``, with a slot every limiter accepts."""
        if len(self.limiters) == 1:
            return await self.limiters[0].acquire(sleep or self._sleep, delay=delay)
        nap = sleep or self._sleep
        clock = self.limiters[0]._clock
        start, before = clock() + delay, None
        while True:
            now = clock()
            slot = max(limiter.earliest(max(0.0, start - now)) for limiter in self.limiters)
            # Due (within the clock's own progress since ``now``), or a clock that does not
            # move (a test's fake): take the slot.
            if slot - now <= DUE or now == before:
                break
            before = now
            await nap(slot - now)
        for limiter in self.limiters:
            limiter.commit(slot)
        wait = slot - clock()
        if wait > 0:
            await nap(wait)
        if any(limiter.paused_until > slot for limiter in self.limiters):
            return await self.acquire(sleep, delay=0.0)  # a 429 voided the slot meanwhile
        return slot


class Limiters:
    """The limiters of one run: one per account and one per Maton key, so that accounts
    planned or applied together share their key's budget (10 requests per second per Maton
    account [V-2nd MATON]) while each stays within its own 5. A run creates one and hands it
    to each of its clients; nothing is kept between runs."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._accounts: dict[str, RateLimiter] = {}
        self._keys: dict[str, RateLimiter] = {}

    def account(self, account: str, rate: float) -> RateLimiter:
        """The limiter of ``account``: created at ``rate``, afterwards only slowed down."""
        return _shared(self._accounts, account, rate, self._clock)

    def key(self, key_id: str, rate: float = MATON_KEY_RATE) -> RateLimiter:
        """The limiter of one Maton key, shared by every account reached with it."""
        return _shared(self._keys, key_id, rate, self._clock)

    def pace(
        self, account: str, rate: float, key_id: str | None, key_rate: float = MATON_KEY_RATE
    ) -> Pace:
        limiters = [self.account(account, rate)]
        if key_id is not None:
            limiters.append(self.key(key_id, key_rate))
        return Pace(*limiters)


def _shared(registry: dict[str, RateLimiter], name: str, rate: float, clock: Clock) -> RateLimiter:
    limiter = registry.get(name)
    if limiter is None:
        limiter = registry[name] = RateLimiter(rate, clock=clock)
    else:
        limiter.slow_down(rate)
    return limiter


PROCESS_LIMITERS = Limiters()  # for the Maton keys of clients made without a run's registry


def retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
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
