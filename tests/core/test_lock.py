"""The account lock: a second holder waits, says so once, and gives up after the timeout."""

from __future__ import annotations

import pytest

from reconciler.errors import ConfigError
from reconciler.lock import account_lock, lock_path


def test_a_second_run_waits_with_a_message_then_gives_up(tmp_path):
    waited, said = [], []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        now[0] += seconds

    second = account_lock("acct", what="account A", timeout=1, root=tmp_path,
                          on_wait=said.append, sleep=sleep, clock=lambda: now[0])  # fmt: skip
    refused = pytest.raises(ConfigError, match="another acr apply .* after 1 s of waiting")
    with account_lock("acct", what="account A", root=tmp_path), refused, second:
        pass
    assert len(said) == 1 and "waiting up to 1 s" in said[0]
    assert sum(waited) >= 1


def test_the_lock_is_per_account_and_freed_on_exit(tmp_path):
    with account_lock("a", what="A", root=tmp_path), account_lock("b", what="B", root=tmp_path):
        assert lock_path("a", tmp_path) != lock_path("b", tmp_path)
    with account_lock("a", what="A", timeout=0, root=tmp_path):
        pass
