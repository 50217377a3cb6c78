"""Pacing under jitter: whatever delays a request between its slot and the wire (a busy event
loop, a connection being opened), no window of one second ever holds more than the rate of
requests as they really went, with one limiter or with an account's and its key's."""

from __future__ import annotations

import asyncio
import random

import pytest

from reconciler.ratelimit import Pace, RateLimiter

from .conftest import VirtualTime
from .test_ratelimit import busiest_window


def paces(vt: VirtualTime, margin: float) -> dict[str, Pace]:
    def limiter(rate: float) -> RateLimiter:
        return RateLimiter(rate, margin=margin, clock=vt.clock, sleep=vt.sleep)

    return {"account": Pace(limiter(5), sleep=vt.sleep), "account and key": Pace(
        limiter(5), limiter(10), sleep=vt.sleep)}  # fmt: skip


@pytest.mark.parametrize("which", ["account", "account and key"])
@pytest.mark.parametrize("seed", range(5))
def test_no_second_holds_more_than_the_rate_of_requests_as_they_went(which: str, seed: int) -> None:
    vt = VirtualTime()
    pace = paces(vt, margin=0.0)[which]
    draw = random.Random(seed)
    went: list[float] = []

    async def late(seconds: float) -> None:
        await vt.sleep(seconds + draw.choice([0.0, 0.0, 0.01, 0.05, 0.12]))  # the loop was busy

    async def caller() -> None:
        for _ in range(8):
            slot = await pace.acquire(late)
            await vt.sleep(draw.choice([0.0, 0.0, 0.002, 0.03, 0.09]))  # a new connection
            for limiter in pace.limiters:
                limiter.sent(slot)
            went.append(vt.now)
            await vt.sleep(draw.uniform(0.05, 0.4))  # the answer

    asyncio.run(vt.run(*(caller() for _ in range(6))))
    assert len(went) == 48
    assert busiest_window(went) <= 5
    assert max(went) < 48 / 5 * 1.35  # jitter costs time, not a stall


def test_with_the_key_the_window_counts_from_when_a_request_really_went_out() -> None:
    vt = VirtualTime()
    pace = paces(vt, margin=0.0)["account and key"]
    first = {"taken": False}

    async def caller() -> float:
        slot = await pace.acquire()
        if not first["taken"]:  # the first one's connection took 80 ms to open
            first["taken"] = True
            await vt.sleep(0.08)
            for limiter in pace.limiters:
                limiter.sent(slot)
        return vt.now

    times = sorted(asyncio.run(vt.run(*(caller() for _ in range(6)))))
    assert times[0] == pytest.approx(0.08)
    assert times[5] == pytest.approx(1.08)  # a window after the first really went, not 1.0


def test_accounts_sharing_a_key_share_it_evenly_and_finish_together() -> None:
    vt = VirtualTime()
    key = RateLimiter(10, margin=0.0, clock=vt.clock, sleep=vt.sleep)
    accounts = [RateLimiter(5, margin=0.0, clock=vt.clock, sleep=vt.sleep) for _ in range(4)]
    finished: dict[int, float] = {}

    async def account(n: int) -> None:
        await vt.sleep(n * 1.0)  # the accounts' pages become known one after the other

        async def page() -> None:
            await Pace(accounts[n], key, sleep=vt.sleep).acquire()

        await asyncio.gather(*(page() for _ in range(40)))
        finished[n] = vt.now

    asyncio.run(vt.run(*(account(n) for n in range(4))))
    # 160 requests at the key's 10 per second take 16 s; served in arrival order, the first
    # account would finish at 8 s and the last alone at 5 per second, long after.
    assert max(finished.values()) <= 16.5
    assert max(finished.values()) - min(finished.values()) <= 1.5


@pytest.mark.parametrize(
    ("trip", "gap"),
    [
        (0.1, 1.0),  # answered like the others: nothing to make up for
        (0.13, 1.0),  # 30 ms slower, within the margin of 40 ms
        (0.35, 1.21),  # 250 ms slower: the server may have counted it 210 ms late
        (0.9, 1.5),  # a stall counts for at most MAX_STALL (0.5 s)
    ],
)
def test_a_late_answer_pushes_back_the_request_a_window_later(trip: float, gap: float) -> None:
    vt = VirtualTime()
    limiter = RateLimiter(1, margin=0.04, clock=vt.clock, sleep=vt.sleep)
    limiter.window = 1.0  # one request a second, to read the times plainly
    went: list[float] = []

    async def requests() -> None:
        for index in range(5):
            slot = await limiter.acquire()
            went.append(vt.now)
            limiter.sent(slot)
            await vt.sleep(trip if index == 3 else 0.1)
            limiter.answered(slot)

    asyncio.run(vt.run(requests()))
    assert went[:4] == pytest.approx([0.0, 1.0, 2.0, 3.0])
    assert went[4] - went[3] == pytest.approx(gap)
