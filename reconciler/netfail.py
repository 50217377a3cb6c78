"""Requests that got no answer: what the failure says about the request (``classify``).
How often each kind is worth sending again is the retry policy's (``retry.retry_limit``)."""

from __future__ import annotations

import socket
from enum import Enum

import httpx

DEFAULT_TIMEOUT = 10.0  # seconds per request; ACR_TIMEOUT or --timeout change it

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
