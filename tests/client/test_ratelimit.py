"""The per-account limiter: spacing, the one-second window, pauses, sharing within a run."""

from __future__ import annotations

import asyncio

import pytest
import respx

from reconciler.client import Client
from reconciler.ratelimit import Limiters, RateLimiter

from .conftest import DIRECT_API, Sleeps, VirtualTime, direct_endpoint


def busiest_window(times: list[float], window: float = 1.0) -> int:
    """The most sends that fall in any half-open window [t, t + window)."""
    ordered = sorted(times)
    return max(sum(1 for u in ordered if t <= u < t + window - 1e-9) for t in ordered)


@pytest.mark.parametrize(("margin", "gap"), [(0.0, 0.2), (0.1, 0.22)])
def test_concurrent_callers_are_spaced_and_never_idle(margin: float, gap: float) -> None:
    vt = VirtualTime()
    limiter = RateLimiter(5, margin=margin, clock=vt.clock, sleep=vt.sleep)

    async def caller() -> float:
        await limiter.acquire()
        return vt.now

    times = asyncio.run(vt.run(*(caller() for _ in range(12))))
    assert sorted(times) == pytest.approx([i * gap for i in range(12)])
    assert busiest_window(times) == 5
    assert busiest_window(times, 1.0 + margin) == 5


def test_the_default_margin_keeps_under_the_rate() -> None:
    assert RateLimiter(5).interval == pytest.approx(0.206)
    assert RateLimiter(5).window == pytest.approx(1.03)


def test_non_integer_rate_rounds_the_window_down() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(2.5, margin=0, clock=vt.clock, sleep=vt.sleep)

    async def caller() -> float:
        await limiter.acquire()
        return vt.now

    times = sorted(asyncio.run(vt.run(*(caller() for _ in range(9)))))
    assert busiest_window(times) <= 2
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.4 - 1e-9


def test_a_request_after_a_quiet_spell_goes_at_once() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(5, margin=0, clock=vt.clock, sleep=vt.sleep)

    async def scenario() -> list[float]:
        sent = []
        for _ in range(3):
            await limiter.acquire()
            sent.append(vt.now)
        await vt.sleep(5)
        await limiter.acquire()
        sent.append(vt.now)
        return sent

    [sent] = asyncio.run(vt.run(scenario()))
    assert sent == pytest.approx([0.0, 0.2, 0.4, 5.4])


def test_pause_holds_waiting_and_new_callers() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(5, clock=vt.clock, sleep=vt.sleep)

    async def caller() -> float:
        await limiter.acquire()
        return vt.now

    async def pauser() -> None:
        await vt.sleep(0.1)
        limiter.pause(3)  # a 429 at t=0.1 with Retry-After: 3

    results = asyncio.run(vt.run(pauser(), *(caller() for _ in range(5))))
    times = sorted(results[1:])
    assert times[0] == 0.0  # sent before the 429
    assert all(t >= 3.1 - 1e-9 for t in times[1:])
    assert busiest_window(times) <= 5
    assert limiter.paused_until == pytest.approx(3.1)


def test_a_sleep_that_returns_early_does_not_spin() -> None:
    limiter = RateLimiter(5, margin=0, clock=lambda: 100.0)
    sleeps = Sleeps()

    async def scenario() -> None:
        for _ in range(4):
            await limiter.acquire(sleeps)

    asyncio.run(scenario())
    assert sleeps.waits == pytest.approx([0.2, 0.4, 0.6])


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(5, margin=-1)


def test_clients_of_one_account_share_its_limiter(sleeps: Sleeps) -> None:
    endpoint = direct_endpoint()
    limiters = Limiters(clock=lambda: 1000.0)  # a frozen clock: exact waits
    clients = [Client(endpoint, sleep=sleeps, limiters=limiters) for _ in range(2)]
    # another account of the same run: its own limiter
    elsewhere = Client(direct_endpoint(), sleep=sleeps, limiters=limiters)

    async def main() -> None:
        gets = [clients[i % 2].get("/tags") for i in range(10)]
        await asyncio.gather(*gets)
        for client in clients:
            await client.aclose()

    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").respond(json={"tags": []})
        asyncio.run(main())
        # each request waits for its own slot: 0.206 s apart (with the margin), none twice
        assert sorted(sleeps.waits) == pytest.approx([0.206 * i for i in range(1, 10)])
        sleeps.waits.clear()
        asyncio.run(elsewhere.get("/tags"))
    assert sleeps.waits == []


def test_a_request_that_went_late_pushes_the_next_ones_back() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(5, margin=0, clock=vt.clock, sleep=vt.sleep)
    late = {"done": False}

    async def overslept(seconds: float) -> None:
        # the first caller's loop was busy: it wakes 80 ms after its slot
        await vt.sleep(seconds + (0.0 if late["done"] else 0.08))
        late["done"] = True

    async def caller(index: int) -> float:
        await limiter.acquire(overslept if index == 1 else None)
        return vt.now

    times = asyncio.run(vt.run(*(caller(i) for i in range(7))))
    assert times[1] == pytest.approx(0.28)  # its slot was 0.2
    assert times[6] == pytest.approx(1.28)  # not 1.2: one window after the late one really went
    assert busiest_window(times) == 5


def test_the_window_counts_from_when_a_request_really_went_out() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(5, margin=0, clock=vt.clock, sleep=vt.sleep)

    async def caller(index: int) -> float:
        slot = await limiter.acquire()
        if index == 0:  # its connection took 70 ms to open before the headers went
            await vt.sleep(0.07)
            limiter.sent(slot)
        return vt.now

    times = asyncio.run(vt.run(*(caller(i) for i in range(6))))
    assert times[5] == pytest.approx(1.07)  # a window after the first really went, not 1.0
