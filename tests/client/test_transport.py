"""Sending one request: pacing, the moment a request really went, the journal hook, and the
gateway's own endpoints."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx
import pytest

from reconciler.ratelimit import Pace, RateLimiter
from reconciler.transport import Sender, tls_context

from .conftest import DIRECT_API, GATEWAY, MATON_API, direct_endpoint, maton_endpoint


def send_all(sender: Sender, *requests: tuple[str, str, dict[str, Any]]) -> list[Any]:
    async def main() -> list[Any]:
        results: list[Any] = []
        try:
            for method, url, options in requests:
                try:
                    results.append((await sender.send(method, url, **options)).status_code)
                except httpx.TransportError as exc:
                    results.append(type(exc).__name__)
        finally:
            await sender.aclose()
        return results

    return asyncio.run(main())


def test_a_request_reports_when_its_headers_went_out() -> None:
    sent: list[float] = []

    class Spy(RateLimiter):
        def sent(self, slot: float) -> None:
            sent.append(slot)
            super().sent(slot)

    async def traced(request: httpx.Request) -> httpx.Response:
        trace = request.extensions["trace"]
        await trace("http11.send_request_headers.started", {"request": request})
        assert sent == []  # not yet: only once the headers are written
        await trace("http11.send_request_headers.complete", {"request": request})
        return httpx.Response(200, json={"tags": []})

    limiter = Spy(5, clock=lambda: 7.0)
    sender = Sender(
        direct_endpoint(), Pace(limiter), transport=httpx.MockTransport(traced), timeout=1
    )
    assert send_all(sender, ("GET", f"{DIRECT_API}/tags", {})) == [200]
    assert sent == [7.0] and sender.stats == {"GET": 1}


def test_writes_are_reported_to_the_hook_and_reads_are_not() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(201 if request.method == "POST" else 200, json={})

    sender = Sender(
        direct_endpoint(), Pace(RateLimiter(1e6)), transport=httpx.MockTransport(answer), timeout=1
    )
    written: list[tuple[str, str, Any, int | None]] = []
    sender.on_write = lambda *record: written.append(record)
    results = send_all(
        sender,
        ("GET", f"{DIRECT_API}/tags", {"params": {"limit": 100}}),
        ("POST", f"{DIRECT_API}/tags", {"body": {"tag": {"tag": "vip"}}}),
        ("DELETE", f"{DIRECT_API}/tags/3", {}),
    )
    assert results == [200, 201, "ReadTimeout"]
    assert written == [
        ("POST", f"{DIRECT_API}/tags", {"tag": {"tag": "vip"}}, 201),
        ("DELETE", f"{DIRECT_API}/tags/3", None, None),  # sent, and no answer came
    ]
    assert sender.stats == {"GET": 1, "POST": 1, "DELETE": 1}


@pytest.mark.parametrize("api", [True, False])
def test_the_gateways_own_endpoints_go_without_the_connection(api: bool) -> None:
    seen: list[httpx.Headers] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json={})

    sender = Sender(
        maton_endpoint(), Pace(RateLimiter(1e6)), transport=httpx.MockTransport(answer), timeout=1
    )
    url = f"{MATON_API}/tags" if api else f"{GATEWAY}/connections"
    send_all(sender, ("GET", url, {"api": api}))
    assert ("maton-connection" in seen[0]) is api
    assert seen[0]["authorization"].startswith("Bearer ")
    assert seen[0]["user-agent"] == "acr (activecampaign-reconciler)"


def test_a_delay_is_waited_out_in_the_limiters_slot() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = RateLimiter(5, clock=lambda: 100.0)
    sender = Sender(
        direct_endpoint(),
        Pace(limiter),
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json={})),
        timeout=1,
        sleep=sleep,
    )
    send_all(sender, ("GET", f"{DIRECT_API}/tags", {"delay": 1.5}))
    assert waits == [pytest.approx(1.5)]  # one sleep: the backoff and the spacing together


def test_the_clients_journal_hook_is_its_senders(make_client: Any) -> None:
    written: list[tuple[str, str, Any, int | None]] = []
    client = make_client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))
    assert client.on_write is None
    client.on_write = lambda *record: written.append(record)

    async def main() -> None:
        async with client:
            await client.get("/tags")
            await client.put("/tags/3", {"tag": {}})

    asyncio.run(main())
    assert written == [("PUT", f"{DIRECT_API}/tags/3", {"tag": {}}, 200)]


def test_senders_share_one_certificate_store(monkeypatch: pytest.MonkeyPatch) -> None:
    tls_context.cache_clear()
    loads: list[Any] = []
    original = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args or kwargs)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    senders = [Sender(maton_endpoint(), Pace(RateLimiter(5)), timeout=5) for _ in range(3)]
    assert len(loads) == 1
    for sender in senders:
        asyncio.run(sender.aclose())
