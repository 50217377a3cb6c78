"""Shared pieces of the client tests: endpoints with fake secrets, a recording sleep, the
documented example payloads, and a virtual clock for the rate limiter."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from reconciler.client import Client, Endpoint
from reconciler.ratelimit import Limiters

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "tok-SECRET-0123456789abcdef"
MATON_KEY = "mk-SECRET-fedcba9876543210"
CONNECTION = "9e8b1c2d-0000-4000-8000-00000000adca"
DIRECT = "https://acct.api-us1.com"
DIRECT_API = f"{DIRECT}/api/3"
GATEWAY = "https://api.maton.ai"
MATON_API = f"{GATEWAY}/active-campaign/api/3"


@pytest.fixture(scope="session")
def examples() -> dict[str, Any]:
    """Response examples of the ActiveCampaign reference, keyed "METHOD /path" then status."""
    data: dict[str, Any] = json.loads((FIXTURES / "docs_examples.json").read_text())
    return data


def direct_endpoint() -> Endpoint:
    # A fresh account per call: two endpoints made here are two accounts.
    return Endpoint(
        base_url=DIRECT_API,
        headers={"Api-Token": TOKEN},
        account=f"test-{uuid.uuid4()}",
        description=DIRECT,
    )


def maton_endpoint(connection: str | None = CONNECTION) -> Endpoint:
    headers = {"Authorization": f"Bearer {MATON_KEY}"}
    if connection:
        headers["Maton-Connection"] = connection
    return Endpoint(
        base_url=MATON_API,
        headers=headers,
        account=f"test-{uuid.uuid4()}",
        description="Maton connection 9e8b…dca",
        gateway=GATEWAY,
    )


class Sleeps:
    """A sleep that returns at once and records what it was asked to wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def limiters() -> Limiters:
    """The test's run: its clients share limiters and what they learnt of the endpoints."""
    return Limiters()


@pytest.fixture
def make_client(sleeps: Sleeps, limiters: Limiters) -> Callable[..., Client]:
    def make(endpoint: Endpoint | None = None, **options: Any) -> Client:
        options.setdefault("sleep", sleeps)
        options.setdefault("limiters", limiters)
        return Client(endpoint or direct_endpoint(), **options)

    return make


class VirtualTime:
    """A clock that only moves when every coroutine is asleep: it then jumps to the earliest
    wake-up. Lets the limiter be tested exactly, with concurrent callers, in no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + seconds, next(self._seq), future))
        await future

    async def run(self, *coros: Coroutine[Any, Any, Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coros]
        while True:
            for _ in range(20):  # let every runnable coroutine reach its next sleep
                await asyncio.sleep(0)
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks]
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            future.set_result(None)
