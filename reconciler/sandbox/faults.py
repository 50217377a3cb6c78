"""Fault injection: an ASGI middleware that makes the sandbox fail like a real service does.

``acr sandbox serve --faults 0.15 --fault-seed 7`` answers about 15 % of the requests with a
fault instead of (or, for "done then 502", after) doing them:

- ``500``, ``502``, ``503``: an error answer; nothing was done;
- ``drop``: the connection breaks after the status line; nothing was done;
- ``timeout``: no answer at all, until the client gives up (at most ``HANG_MAX`` seconds,
  then 504); nothing was done;
- ``403`` (reads only): ActiveCampaign's intermittent 403s [V-2nd TAP, R11];
- ``done-502`` (writes only): the write is done, then answered with 502 ("error but done",
  [V-2nd GO]).

Deterministic: whether a request fails, and how, depends only on the seed, the request (method,
path, query, body) and how many times that same request was made before, never on the order in
which concurrent requests arrive. ``FaultOptions.met`` counts the faults injected, by kind.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections import Counter
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_FAULTS = ("500", "502", "503", "drop", "timeout", "403")
WRITE_FAULTS = ("500", "502", "503", "drop", "timeout", "done-502")
HANG_MAX = 30.0  # seconds a "timeout" waits for the client to give up


@dataclass
class FaultOptions:
    rate: float  # 0 to 1: the share of requests that fail
    seed: int = 0
    met: Counter[str] = field(default_factory=Counter)  # faults injected so far, by kind


class Dropped(Exception):
    """Raised mid-answer so that the server closes the connection (see ``quiet_drops``)."""


class Faults:
    def __init__(self, app: ASGIApp, options: FaultOptions) -> None:
        if not 0 <= options.rate <= 1:
            raise ValueError(f"a fault rate is between 0 and 1, not {options.rate}")
        self.app = app
        self.options = options
        self.met = options.met
        self._seen: Counter[str] = Counter()

    def pick(self, method: str, signature: str) -> str | None:
        """The fault for the next request with this signature, or None."""
        occurrence = self._seen[signature]
        self._seen[signature] += 1
        draw = random.Random(f"{self.options.seed}|{signature}|{occurrence}")
        if draw.random() >= self.options.rate:
            return None
        return draw.choice(READ_FAULTS if method == "GET" else WRITE_FAULTS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.options.rate <= 0:
            await self.app(scope, receive, send)
            return
        body, replay = await _buffer(receive)
        query = scope.get("query_string", b"").decode("latin-1")
        digest = hashlib.sha256(body).hexdigest()[:16]
        fault = self.pick(scope["method"], f"{scope['method']} {scope['path']}?{query} {digest}")
        if fault is None:
            await self.app(scope, replay, send)
            return
        self.met[fault] += 1
        await self._inject(fault, scope, replay, receive, send)

    async def _inject(
        self, fault: str, scope: Scope, replay: Receive, receive: Receive, send: Send
    ) -> None:
        if fault == "drop":
            headers = [(b"content-type", b"application/json"), (b"content-length", b"64")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            raise Dropped("fault injected: connection dropped")
        if fault == "timeout":
            if not await _hang(receive):
                await _answer(send, 504, "Gateway Timeout")
            return
        if fault == "done-502":
            await self.app(scope, replay, _swallow)
            await _answer(send, 502, "Bad Gateway")
            return
        status = int(fault)
        await _answer(send, status, "Forbidden" if status == 403 else "Service error")


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """The request body, and a ``receive`` that gives it again to the app."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _hang(receive: Receive) -> bool:
    """Wait until the client disconnects (it timed out: True), or ``HANG_MAX`` seconds."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(disconnected(), HANG_MAX)
    except TimeoutError:
        return False
    return True


async def _swallow(message: Message) -> None:
    """The answer of a write that is done, and then lost."""


async def _answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, Dropped)


def quiet_drops() -> None:
    """Keep uvicorn from logging a traceback for every connection dropped on purpose."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())
