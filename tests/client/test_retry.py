"""The retry policy on its own: a table of failures, what each has spent, and the decision.
No HTTP: the policy sees descriptions of attempts."""

from __future__ import annotations

import email.utils

import pytest

from reconciler.netfail import Failure
from reconciler.retry import (
    BACKOFF_MAX,
    RETRY_AFTER_MAX,
    Action,
    Attempt,
    Decision,
    RetryPolicy,
    Spent,
    retry_after,
    retry_limit,
)

POLICY = RetryPolicy(5, jitter=lambda top: 0.0)  # backoffs 0.5, 1, 2, 4, 8 ... exactly


def spent(retries: int = 0, forbidden: int = 0, **unanswered: int) -> Spent:
    return Spent(retries, forbidden, {Failure(k): n for k, n in unanswered.items()})


def status(code: int, method: str = "GET", **more: object) -> Attempt:
    return Attempt(method, status=code, **more)  # type: ignore[arg-type]


def no_answer(failure: Failure, method: str = "GET") -> Attempt:
    return Attempt(method, failure=failure)


CASES = [
    # 429: any method, after Retry-After (else the backoff), pausing the account
    (status(429, retry_after=3.0), spent(), {}, Decision(Action.PAUSE, 3.0, 0, 5)),
    (status(429, "POST"), spent(2), {}, Decision(Action.PAUSE, 2.0, 2, 5)),
    (status(429), spent(5), {}, Decision(Action.GIVE_UP)),
    (status(429, retry_after=3600.0), spent(), {}, Decision(Action.TOO_LONG, 3600.0)),
    # 5xx: reads and idempotent writes with the backoff, every retry
    (status(503), spent(), {}, Decision(Action.RETRY, 0.5, 0, 5)),
    (status(502, "PUT"), spent(3), {}, Decision(Action.RETRY, 4.0, 3, 5)),
    (status(500, "DELETE"), spent(5), {}, Decision(Action.GIVE_UP)),
    # an ambiguous create: look first when it can, then send again at once
    (status(500, "POST"), spent(), {}, Decision(Action.GIVE_UP)),
    (status(500, "POST"), spent(1), {"finder": True}, Decision(Action.LOOK, 1.0)),
    (
        status(500, "POST"),
        spent(1),
        {"finder": True, "looked": True},
        Decision(Action.RESEND, 0.0, 1, 5),
    ),
    (status(500, "POST"), spent(5), {"finder": True, "looked": True}, Decision(Action.GIVE_UP)),
    # 403: a read a few times [R11], never a write, never a "No Result found"
    (status(403), spent(), {}, Decision(Action.RETRY, 0.5, 0, 5)),
    (status(403), spent(2, forbidden=1), {}, Decision(Action.RETRY, 2.0, 2, 5)),
    (status(403), spent(2, forbidden=2), {}, Decision(Action.GIVE_UP)),
    (status(403, not_found=True), spent(), {}, Decision(Action.GIVE_UP)),
    (status(403, "PUT"), spent(), {}, Decision(Action.GIVE_UP)),
    # never retried
    (status(404), spent(), {}, Decision(Action.GIVE_UP)),
    (status(422, "POST"), spent(), {"finder": True}, Decision(Action.GIVE_UP)),
    (status(401), spent(), {}, Decision(Action.GIVE_UP)),
    (no_answer(Failure.DNS), spent(), {}, Decision(Action.GIVE_UP)),
    (no_answer(Failure.OTHER, "POST"), spent(), {"finder": True}, Decision(Action.GIVE_UP)),
    # unsent: twice, any method, a create without looking
    (no_answer(Failure.UNSENT, "POST"), spent(), {}, Decision(Action.RETRY, 0.5, 0, 2)),
    (no_answer(Failure.UNSENT), spent(3, unsent=1), {}, Decision(Action.RETRY, 4.0, 1, 2)),
    (no_answer(Failure.UNSENT), spent(2, unsent=2), {}, Decision(Action.GIVE_UP)),
    # timeouts: none before the endpoint answered, twice after
    (no_answer(Failure.TIMEOUT), spent(), {}, Decision(Action.GIVE_UP)),
    (no_answer(Failure.TIMEOUT), spent(), {"answered": True}, Decision(Action.RETRY, 0.5, 0, 2)),
    (no_answer(Failure.TIMEOUT), spent(4, timeout=2), {"answered": True}, Decision(Action.GIVE_UP)),
    (no_answer(Failure.TIMEOUT, "POST"), spent(), {"finder": True}, Decision(Action.LOOK, 0.5)),
    (
        no_answer(Failure.TIMEOUT, "POST"),
        spent(),
        {"finder": True, "looked": True},
        Decision(Action.GIVE_UP),
    ),
    # dropped: every retry
    (no_answer(Failure.DROPPED), spent(4, dropped=4), {}, Decision(Action.RETRY, 8.0, 4, 5)),
    (no_answer(Failure.DROPPED), spent(5, dropped=5), {}, Decision(Action.GIVE_UP)),
]


@pytest.mark.parametrize(("attempt", "before", "context", "expected"), CASES)
def test_decisions(
    attempt: Attempt, before: Spent, context: dict[str, bool], expected: Decision
) -> None:
    options = {"finder": False, "answered": False, **context}
    assert POLICY.decide(attempt, before, **options) == expected


def test_spent_counts_every_retry_the_403s_and_each_kind_without_an_answer() -> None:
    after = (
        Spent()
        .after(status(403))
        .after(no_answer(Failure.UNSENT))
        .after(status(429))
        .after(no_answer(Failure.UNSENT))
        .after(no_answer(Failure.TIMEOUT))
    )
    assert after == Spent(5, 1, {Failure.UNSENT: 2, Failure.TIMEOUT: 1})
    assert Spent().unanswered == {}  # after() made new ones, never changed the first


def test_backoff_doubles_up_to_its_maximum_with_up_to_a_tenth_of_jitter() -> None:
    assert [POLICY.backoff(n) for n in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert POLICY.backoff(20) == BACKOFF_MAX
    jittered = RetryPolicy(5)
    assert all(0.5 <= jittered.backoff(0) <= 0.55 for _ in range(50))
    highest = RetryPolicy(5, jitter=lambda top: top)
    assert highest.backoff(1) == pytest.approx(1.1)


def test_retry_after_up_to_the_maximum_is_waited_out() -> None:
    decision = POLICY.decide(
        status(429, retry_after=RETRY_AFTER_MAX), spent(), finder=False, answered=False
    )
    assert decision == Decision(Action.PAUSE, RETRY_AFTER_MAX, 0, 5)


def test_no_retries_means_no_retry() -> None:
    none = RetryPolicy(-1, jitter=lambda top: 0.0)
    assert none.retries == 0
    for attempt in (status(503), status(429), status(403), no_answer(Failure.DROPPED)):
        decision = none.decide(attempt, spent(), finder=False, answered=True)
        assert decision.action is Action.GIVE_UP, attempt


@pytest.mark.parametrize(
    ("failure", "answered", "limit"),
    [
        (Failure.DNS, True, 0),
        (Failure.OTHER, True, 0),
        (Failure.UNSENT, False, 2),
        (Failure.TIMEOUT, False, 0),
        (Failure.TIMEOUT, True, 2),
        (Failure.DROPPED, False, 5),
    ],
)
def test_retry_limits(failure: Failure, answered: bool, limit: int) -> None:
    assert retry_limit(failure, 5, answered=answered) == limit
    assert retry_limit(failure, 1, answered=answered) == min(1, limit)


@pytest.mark.parametrize(
    ("attempt", "ambiguous"),
    [
        (status(503), True),
        (status(500, "POST"), True),
        (status(403), False),
        (status(429), False),
        (no_answer(Failure.UNSENT), False),
        (no_answer(Failure.TIMEOUT), True),
        (no_answer(Failure.DROPPED), True),
        (no_answer(Failure.DNS), False),
    ],
)
def test_what_may_have_been_processed(attempt: Attempt, ambiguous: bool) -> None:
    assert attempt.ambiguous is ambiguous


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),
        ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("Wed, 21 Oct 2015 07:28:10 -0000", 10.0),  # a date without a zone is UTC
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    now = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:28:00 GMT").timestamp()
    assert retry_after(value, now=lambda: now) == expected
