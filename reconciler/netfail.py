"""Requests that got no answer: what the failure says, how often it is worth sending again,
and the progress lines the retries print.

How often a request without an answer is sent again, by what the failure says:

- the host name does not resolve: never; the URL is wrong, or the network is down, and
  waiting will not fix either;
- the connection was refused, or could not be made in time: at most twice (nothing was
  sent, but a gateway that refuses three times in a row is down);
- a timeout waiting for the answer: never while the endpoint has not answered anything yet
  (a gateway that accepts connections and never answers is as dead as one that refuses
  them: it fails after one timeout), twice after that;
- a dropped connection: as often as the client's ``retries`` allows (it fails fast).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from enum import Enum

import httpx

DEFAULT_TIMEOUT = 10.0  # seconds per request; ACR_TIMEOUT or --timeout change it
CONNECT_RETRIES = 2
TIMEOUT_RETRIES = 2
TIMEOUT_RETRIES_UNANSWERED = 0

# getaddrinfo's messages when the error itself is not kept in the chain (Linux, macOS, Windows)
_DNS_TEXT = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated with hostname",
    "getaddrinfo failed",
)


class Failure(Enum):
    """What a request without an answer tells about the request."""

    DNS = "dns"  # nothing sent: the host name does not resolve
    UNSENT = "unsent"  # nothing sent: refused, unreachable, connect timeout
    TIMEOUT = "timeout"  # sent; no answer in time (it may have been processed)
    DROPPED = "dropped"  # sent; the connection broke before the answer
    OTHER = "other"  # a bad URL, a proxy refusing...: not a network blip


def classify(exc: httpx.TransportError) -> Failure:
    if isinstance(exc, httpx.ConnectError) and _is_dns(exc):
        return Failure.DNS
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.UNSENT
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMEOUT
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return Failure.DROPPED
    return Failure.OTHER


def retry_limit(failure: Failure, retries: int, *, answered: bool) -> int:
    """How many times a request that failed so is sent again, at most."""
    limits = {
        Failure.DNS: 0,
        Failure.OTHER: 0,
        Failure.UNSENT: CONNECT_RETRIES,
        Failure.TIMEOUT: TIMEOUT_RETRIES if answered else TIMEOUT_RETRIES_UNANSWERED,
        Failure.DROPPED: retries,
    }
    return min(retries, limits[failure])


_ANSWERED: set[str] = set()  # accounts whose endpoint answered in this process


def mark_answered(account: str) -> None:
    """The endpoint of ``account`` answered: it is alive (plan and apply use two clients)."""
    _ANSWERED.add(account)


def has_answered(account: str) -> bool:
    return account in _ANSWERED


def _is_dns(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return True
        if any(text in str(current).lower() for text in _DNS_TEXT):
            return True
        current = current.__cause__ or current.__context__
    return False


class RetryRounds:
    """Prints one line per round of retries, not one per request: when several requests fail
    for the same reason at the same retry (concurrent reads against a gateway that is down),
    the first one's line stands for all of them until its wait is over."""

    def __init__(
        self,
        emit: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emit = emit
        self._clock = clock
        self._quiet_until: dict[tuple[int | None, str], float] = {}

    def notify(self, message: str, *, reason: str, retry: int | None, wait: float) -> bool:
        """Emit ``message`` unless this round (``retry``, ``reason``) was already announced
        less than ``wait`` (at least one second) ago; True when it was emitted."""
        now = self._clock()
        key = (retry, reason)
        if self._quiet_until.get(key, float("-inf")) > now:
            return False
        self._quiet_until[key] = now + max(wait, 1.0)
        self._emit(message)
        return True
