"""The fault middleware: seeded, deterministic whatever the order of requests, about the rate
asked for, the right kinds for reads and writes; over HTTP, faults instead of answers."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from sandbox_server import run_sandbox

from reconciler.sandbox.faults import READ_FAULTS, WRITE_FAULTS, FaultOptions, Faults
from reconciler.sandbox.opening import open_store


async def app(scope: object, receive: object, send: object) -> None:  # never called
    raise AssertionError


def picks(seed: int, signatures: list[tuple[str, str]]) -> dict[tuple[str, str, int], str | None]:
    faults = Faults(app, FaultOptions(0.15, seed))
    seen: Counter[tuple[str, str]] = Counter()
    out = {}
    for method, signature in signatures:
        out[(method, signature, seen[(method, signature)])] = faults.pick(method, signature)
        seen[(method, signature)] += 1
    return out


REQUESTS = [s for i in range(50) for s in (("GET", f"GET /x?{i}"), ("POST", f"POST /x {i}"))]


def test_the_same_seed_gives_the_same_faults_in_any_order() -> None:
    forward = picks(7, REQUESTS * 3)
    assert picks(7, list(reversed(REQUESTS * 3))) == forward
    assert picks(8, REQUESTS * 3) != forward


def test_the_rate_and_the_kinds() -> None:
    faults = Faults(app, FaultOptions(0.15, 1))
    reads = [faults.pick("GET", f"GET /tags?{i}") for i in range(2000)]
    writes = [faults.pick("PUT", f"PUT /tags/{i}") for i in range(2000)]
    for drawn, allowed in ((reads, READ_FAULTS), (writes, WRITE_FAULTS)):
        met = [kind for kind in drawn if kind is not None]
        assert 0.12 < len(met) / len(drawn) < 0.18
        assert set(met) == set(allowed)  # every kind occurs, and only these


def test_a_rate_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Faults(app, FaultOptions(1.5))


def test_over_http_every_request_fails_at_rate_1() -> None:
    options = FaultOptions(1.0, 3)
    store = open_store()
    with (
        run_sandbox(
            store=store, rate_limit=None, maton_rate_limit=None, inject_faults=options
        ) as box,
        httpx.Client(base_url=box.api, headers=box.maton_headers(), timeout=0.3) as client,
    ):
        outcomes = []
        for offset in range(12):
            try:
                outcomes.append(str(client.get("/tags", params={"offset": offset}).status_code))
            except httpx.TransportError as exc:
                outcomes.append(type(exc).__name__)
    assert sum(options.met.values()) == 12
    assert set(outcomes) <= {"500", "502", "503", "403", "RemoteProtocolError", "ReadTimeout"}
    assert options.met["drop"] == outcomes.count("RemoteProtocolError")
    assert options.met["timeout"] == outcomes.count("ReadTimeout")


def test_a_write_done_then_answered_502_is_done() -> None:
    body = b'{"tag": {"tag": "VIP", "tagType": "contact"}}'
    seed = next(  # a seed whose first POST /tags is "done, then 502"
        s
        for s in range(200)
        if Faults(app, FaultOptions(1.0, s)).pick("POST", _signature(body)) == "done-502"
    )
    options = FaultOptions(1.0, seed)
    store = open_store()
    with (
        run_sandbox(
            store=store, rate_limit=None, maton_rate_limit=None, inject_faults=options
        ) as box,
        box.client() as client,
    ):
        answer = client.post("/tags", content=body)
    assert answer.status_code == 502 and options.met == {"done-502": 1}
    assert [r["tag"] for r in store.connections[0].account.rows("tags")] == ["VIP"]


def _signature(body: bytes) -> str:
    import hashlib

    return f"POST /active-campaign/api/3/tags? {hashlib.sha256(body).hexdigest()[:16]}"
