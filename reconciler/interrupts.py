"""Ctrl-C and SIGTERM during apply: stop starting changes, let those in flight finish.

While ``catch_signals`` is active, SIGINT and SIGTERM do not raise: they set ``Stop``, which
apply checks before it starts each change. The changes already sent finish (within the
request timeout), and apply then reports what was done, what failed and what was not
attempted, and exits 130 (SIGINT) or 143 (SIGTERM).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class Stop:
    """Set when a signal asked apply to stop; remembers the first signal."""

    signum: int | None = None
    event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def request(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum
        self.event.set()

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else "a signal"

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)


@contextmanager
def catch_signals(stop: Stop, on_signal: Callable[[str], None] | None = None) -> Iterator[Stop]:
    """Route SIGINT/SIGTERM to ``stop`` in the running event loop (main thread only)."""
    loop = asyncio.get_running_loop()
    installed = []

    def handle(signum: int) -> None:
        first = not stop.requested
        stop.request(signum)
        if on_signal:
            name = signal.Signals(signum).name
            on_signal(
                f"{name}: no new change starts; waiting for the changes in flight to finish"
                if first
                else f"{name} again: still waiting for the changes in flight"
            )

    for signum in SIGNALS:
        try:
            loop.add_signal_handler(signum, handle, signum)
            installed.append(signum)
        except (ValueError, RuntimeError, NotImplementedError):
            pass  # not the main thread: signals keep their default behaviour
    try:
        yield stop
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
