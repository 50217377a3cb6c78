"""Sliding-window rate limits: ActiveCampaign's per account, Maton's per API key."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most ``rate`` requests per second for each key, over a sliding window.

    A rate below 1 (0.5/s) becomes one request per ``1/rate`` seconds. Only admitted requests
    count, so a client that waits ``Retry-After`` gets through.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.capacity = max(1, math.floor(rate))
        self.window = self.capacity / rate
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> int | None:
        """``None`` when the request may proceed, else the seconds to wait (an integer >= 1)."""
        with self._lock:
            now = self.clock()
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.capacity:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return None
