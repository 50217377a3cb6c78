"""An advisory lock per account, so that two applies on one machine never interleave.

``.acr/locks/<digest of the account>.lock`` is locked with ``fcntl.flock`` for the whole of
an apply (the fresh plan included, so the second run plans after the first has written). A
second run waits, saying so once, and gives up after ``timeout`` seconds. The kernel frees
the lock when the process ends, however it ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reconciler.errors import ConfigError

LOCK_DIR = Path(".acr/locks")
DEFAULT_TIMEOUT = 300.0  # seconds a second apply waits for the first
POLL = 0.2


def lock_path(account: str, root: Path = LOCK_DIR) -> Path:
    digest = hashlib.sha256(account.encode()).hexdigest()[:16]
    return root / f"{digest}.lock"


@contextmanager
def account_lock(
    account: str,
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    root: Path = LOCK_DIR,
    on_wait: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Path]:
    """Hold the account's lock; ``what`` names the account in messages (never a secret)."""
    path = lock_path(account, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, what, timeout, on_wait, sleep, clock)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(
    fd: int,
    path: Path,
    what: str,
    timeout: float,
    on_wait: Callable[[str], None] | None,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    deadline = clock() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(path)
        if clock() >= deadline:
            raise ConfigError(
                f"another acr apply{holder} is still running on {what} after {timeout:g} s of "
                f"waiting, so nothing was changed. Let it finish and run apply again, or wait "
                f"longer with --lock-timeout (lock file {path})."
            )
        if not told and on_wait:
            on_wait(f"another acr apply{holder} is running on {what}; waiting up to "
                    f"{timeout:g} s for it to finish")  # fmt: skip
            told = True
        sleep(POLL)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
