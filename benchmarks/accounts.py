"""All-targets timings: the example set planned, applied and planned again on several
accounts at once, through one Maton key, against the sandbox over real HTTP on loopback with
the real limits on (5 requests per second per account, 10 per Maton key).

    .venv/bin/python benchmarks/accounts.py [--accounts 3] [--latency-ms 0]

The floor of a step is max(sum of calls / 10, largest account's calls / 5): the key's budget
or the busiest account's, whichever binds. The limiters keep a margin (ratelimit.MARGIN), so
the pace is 10/1.1 and 5/1.1 per second: expect about 1.1 x the floor, and no 429.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sandbox_server import run_sandbox  # noqa: E402

from reconciler.apply import apply_plan  # noqa: E402
from reconciler.client import Client  # noqa: E402
from reconciler.endpoint import endpoint_from_env  # noqa: E402
from reconciler.engine import make_plan  # noqa: E402
from reconciler.kinds import standard_kinds  # noqa: E402
from reconciler.manifest import load_manifests, load_project  # noqa: E402
from reconciler.ratelimit import Limiters  # noqa: E402

KINDS = standard_kinds()


async def step(
    clients: list[Client], work: Callable[[Client], Awaitable[Any]]
) -> tuple[list[Any], list[int], int, float]:
    before = [sum(v for k, v in c.stats.items() if k != "retries") for c in clients]
    retries = sum(c.stats["retries"] for c in clients)
    started = time.perf_counter()
    results = await asyncio.gather(*(work(c) for c in clients))
    elapsed = time.perf_counter() - started
    after = [sum(v for k, v in c.stats.items() if k != "retries") for c in clients]
    retried = sum(c.stats["retries"] for c in clients) - retries
    return list(results), [a - b for a, b in zip(after, before, strict=True)], retried, elapsed


def report(label: str, calls: list[int], retries: int, elapsed: float) -> None:
    floor = max(sum(calls) / 10, max(calls) / 5)
    print(
        f"  {label:<11} {sum(calls):>4} calls (per account {calls}) in {elapsed:6.2f} s; "
        f"floor {floor:5.2f} s; x{elapsed / floor if floor else 0:4.2f}; {retries} retries"
    )


async def run(accounts: int, url: str, key: str, ids: list[str]) -> None:
    project = load_project(ROOT / "examples" / "acr.yaml", kinds=KINDS)
    desired = load_manifests(
        project.manifests, vars=project.vars, env={"HOOK_TOKEN": "x" * 20}, kinds=KINDS
    )
    limiters = Limiters()
    env = {"MATON_API_KEY": key, "MATON_GATEWAY_URL": url}
    clients = [
        Client(endpoint_from_env(env, connection=i), limiters=limiters) for i in ids[:accounts]
    ]
    prune = project.policy.prune
    plans, calls, retries, elapsed = await step(
        clients, lambda c: make_plan(c, desired, prune=prune)
    )
    report("plan", calls, retries, elapsed)
    _, calls, retries, elapsed = await step(
        clients, lambda c: apply_plan(c, plans[clients.index(c)])
    )
    report("apply", calls, retries, elapsed)
    _, calls, retries, elapsed = await step(clients, lambda c: make_plan(c, desired, prune=prune))
    report("plan again", calls, retries, elapsed)
    for client in clients:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args()
    ids = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(1, args.accounts + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.json"
        seed.write_text(json.dumps({"connections": [{"connection_id": i} for i in ids]}))
        with run_sandbox(seed=seed, latency_ms=args.latency_ms) as sandbox:
            print(f"{args.accounts} empty accounts, one Maton key, latency {args.latency_ms} ms:")
            asyncio.run(run(args.accounts, sandbox.url, sandbox.key, ids))


if __name__ == "__main__":
    main()
