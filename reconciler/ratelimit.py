"""Client-side rate limiting: one limiter per ActiveCampaign account, shared by a run's clients.

ActiveCampaign allows 5 requests per second per account, shared by every key of the account
(activecampaign-api.md §3, [V-2nd] quoting the rate-limit docs). The server's counting method
(sliding window, fixed window, token bucket) is [UNK], so the limiter keeps the strictest
reading: requests are spaced evenly *and* no window holds more than ``rate`` of them. A
request that finds a free slot goes at once: the limiter never holds a lock while a request
is in flight, so concurrent coroutines fill every slot.

The server sees a request when it arrives, not when it was sent: a request delayed on its way
(a new TCP or TLS connection, a busy event loop) shifts the server's window, and the next
request sent exactly on time then counts as one too many. Two things guard against that.
The client tells the limiter when each request's headers were really written (``sent``), and
a request whose slot comes less than a window after that is held back (``_keep_window``):
our own lateness never costs a 429. The rest (the network's and the server's jitter) is
covered by a margin: the window the limiter keeps is ``1 + margin`` seconds.

This holds for every limiter a request goes under: the account's alone (direct mode) and the
account's with its Maton key's (``Pace``). Until the Maton path kept the window from real send
times too, it only spaced the slots, so every stall of the event loop longer than the margin
(parsing a page of 100 tags on a loaded machine) was a 429 waiting to happen: the 2 or 3 429s
per benchmark run measured before came from there, the plan and the apply both going through
the gateway. Measured since, with the sandbox in its own process on 2 cores shared with other
work (load average 3 to 5): no 429 in the plan of the large account, the applies, the mixed
apply, nor in four accounts planned and applied together through one key
(``benchmarks/performance.py``, ``benchmarks/rate_limit.py``).

The margin covers what the client cannot see: the network's jitter and the server's own lag
in counting an arrival. Over loopback, with ``benchmarks/rate_limit.py --margins
0,0.005,0.01,0.02,0.04`` (100 small GETs, 8 coroutines, 0 and 150 ms latency), no margin drew
15 429s, 0.005 s 3 to 4, 0.01 s and more none. A server that lags longer than the margin (its
process not running on a loaded machine, its loop busy) counts a request late, and then
answers it late too: so a request whose answer took longer than the quickest recent one by
more than the margin counts in the window as if it arrived that much later (``_arrivals``, at
most ``MAX_STALL``), which holds back the request a window after it. A 429 costs its
``Retry-After`` (30 s in the docs' example, the time of 150 requests) and real networks
jitter more than loopback, so the default margin is 0.03 s: 4.85 requests/s at rate 5, the
stalls beyond it covered by the answers [INF: the real service's arrival jitter is [UNK]; a
network that draws 429s at the default should lower ``ACR_RATE_LIMIT``, e.g. 4.5].
There is no burst at the start (the first request goes at once, each next one an interval
later); a run started within a second of another run's last requests to the same account can
still meet one 429, which the pause absorbs.

A 429 pauses the whole account (``pause``): every request waiting or arriving later goes after
the pause, whose length ``retry.retry_after`` reads from the response.

Nothing here is kept in the process: a run (``targets.Run``, ``session.Session``, a test)
creates its ``Limiters`` and hands it to every client it opens, so two runs in one process
share no limiter, no pause and no knowledge of which endpoints answered.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = [
    "MATON_KEY_RATE",
    "Limiters",
    "Pace",
    "RateLimiter",
]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

WINDOW = 1.0  # seconds
MARGIN = 0.03  # seconds added to the window for arrival jitter (see above)
MAX_STALL = 0.5  # seconds: the most an answer's lateness moves its request in the window
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
        self.margin = margin
        self.window = WINDOW + margin
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()  # the last few slots handed out, oldest first
        self._went: deque[_Sent] = deque()  # the last few requests that went
        self._paused_until = -math.inf
        # On a limiter several accounts share (a Maton key's): the accounts' limiters with
        # requests waiting for it (each waiter's start time) and the slots each has taken.
        self._waiting: dict[RateLimiter, list[float]] = {}
        self._served: Counter[RateLimiter] = Counter()

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
                await self._keep_window(nap, slot)
                return slot
            # A 429 paused the account while we waited: this slot is void, queue after the
            # pause. (The void slot stays in the window: that only makes later slots later.)

    async def _keep_window(self, nap: Sleep, slot: float) -> None:
        """Hold a request whose slot came too soon after requests that really went late.

        Slots are handed out ahead of time, but a request goes when its coroutine wakes up,
        which a busy event loop (or machine) delays, and reaches the wire after its connection
        is made: a request that went 80 ms late would leave the next ones 80 ms closer to it
        than the window allows. So each request also keeps the window from the times the
        earlier ones really went (``sent``; never earlier than their slots): it goes once
        fewer than ``burst`` of them went within a window before it. Late requests go out of
        the order of their slots, so the check counts the latest times, not the latest
        records, and is made again after each wait (others may have gone meanwhile)."""
        while len(self._went) >= self.burst:
            latest = heapq.nlargest(self.burst, self._arrivals())[-1]
            late = latest + self.window - max(self._clock(), slot)
            if late <= 0:
                break
            before = self._clock()
            await nap(late)
            if self._clock() == before:
                break  # a clock that does not move (a test's fake): never spin
        self._went.append(_Sent(slot, max(self._clock(), slot)))
        while len(self._went) > 2 * self.burst:
            self._went.popleft()

    def _arrivals(self) -> list[float]:
        """The latest each recent request may have been counted by the server: when it went,
        later by what its answer took beyond the quickest answer and the margin. A server
        that counted a request late (its loop busy, its process not running) answers it late
        too; the margin covers small delays, and this the stalls longer than the margin,
        which a machine shared with other work (or a busy server) has."""
        trips = [r.answer - r.went for r in self._went if r.answer is not None]
        quickest = min(trips, default=0.0)
        out = []
        for record in self._went:
            stall = 0.0
            if record.answer is not None:
                stall = record.answer - record.went - quickest - self.margin
            out.append(record.went + min(max(stall, 0.0), MAX_STALL))
        return out

    def sent(self, slot: float) -> None:
        """The request given ``slot`` has just been written out (its headers are sent)."""
        for record in self._went:
            if record.slot == slot:
                record.went = max(record.went, self._clock())

    def answered(self, slot: float) -> None:
        """The answer to the request given ``slot`` has just come (its headers are read)."""
        for record in self._went:
            if record.slot == slot and record.answer is None:
                record.answer = max(self._clock(), record.went)


@dataclass(slots=True)
class _Sent:
    """One request as the window counts it: its slot, when it really went, when its answer
    came (None until then)."""

    slot: float
    went: float
    answer: float | None = None


class Pace:
    """Paces requests under several limiters at once (an account's and its Maton key's), so
    that none of them ever sees more than its rate; with one limiter it is that limiter.

    A slot is committed to every limiter only once it is due: a caller waits until the
    earliest time all of them could take it, then takes it in all. (Reserving ahead, as one
    limiter does, would make the key's queue follow the order of reservations: an account
    reserving 0.7 s ahead would hold back the other accounts' free slots before it.) With a
    clock that does not move (a test's) the caller takes its slot at once, so it never spins.
    Of the accounts that share a limiter (a key) and could take a slot, the one that has
    taken the fewest of its slots takes it. A 429 pauses the first limiter (the account)."""

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
        account, shared = self.limiters[0], self.limiters[1:]
        clock = account._clock
        start, before = clock() + delay, None
        for limiter in shared:
            limiter._waiting.setdefault(account, []).append(start)
        try:
            while True:
                now = clock()
                slot = max(limiter.earliest(max(0.0, start - now)) for limiter in self.limiters)
                # Due (within the clock's own progress since ``now``), or a clock that does
                # not move (a test's fake): take the slot, unless an account served less
                # can take it too.
                if slot - now <= DUE or now == before:
                    other = self._turn_of_other(slot)
                    if other is None or now == before:
                        break
                    slot = max(other, now + DUE)
                before = now
                await nap(slot - now)
        finally:
            for limiter in shared:
                waiting = limiter._waiting[account]
                waiting.remove(start)
                if not waiting:
                    del limiter._waiting[account]
        for limiter in self.limiters:
            limiter.commit(slot)
        for limiter in shared:
            limiter._served[account] += 1
        wait = slot - clock()
        if wait > 0:
            await nap(wait)
        if any(limiter.paused_until > slot for limiter in self.limiters):
            return await self.acquire(sleep, delay=0.0)  # a 429 voided the slot meanwhile
        # Each limiter also keeps its window from when its requests really went, as one
        # limiter alone does: a slot committed when due still goes late on a busy loop.
        for limiter in self.limiters:
            await limiter._keep_window(nap, slot)
        return slot

    def _turn_of_other(self, slot: float) -> float | None:
        """When another account has taken fewer slots of a limiter it shares with this one
        and has a request that can go at ``slot`` too: the time it can go (this request
        waits for it). Accounts planned together so share their key evenly and finish
        together, instead of one left alone at its own 5 per second at the end."""
        account = self.limiters[0]
        for limiter in self.limiters[1:]:
            mine = limiter._served[account]
            for other, starts in limiter._waiting.items():
                if other is account or limiter._served[other] >= mine:
                    continue
                ready = max(other.earliest(max(0.0, min(starts) - account._clock())), slot)
                if ready - slot <= DUE:
                    return ready
        return None


class Limiters:
    """The limiters of one run: one per account and one per Maton key, so that accounts
    planned or applied together share their key's budget (10 requests per second per Maton
    account [V-2nd MATON]) while each stays within its own 5. A run creates one and hands it
    to each of its clients; nothing is kept between runs.

    It also remembers which accounts' endpoints answered during the run (``answered``): plan
    and apply use two clients, and a timeout from an endpoint that answered before is worth a
    retry, while one from an endpoint that never answered is not (``retry.retry_limit``)."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._accounts: dict[str, RateLimiter] = {}
        self._keys: dict[str, RateLimiter] = {}
        self._answered: set[str] = set()

    def mark_answered(self, account: str) -> None:
        """The endpoint of ``account`` answered a request: it is alive."""
        self._answered.add(account)

    def answered(self, account: str) -> bool:
        return account in self._answered

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
