"""API calls and time of a plan, an apply and a second plan of the example set, against the
sandbox over real HTTP on loopback at ActiveCampaign's limit (5 requests per second per
account), from an empty account and from the demo's seeded one.

    .venv/bin/python benchmarks/plan_apply.py [--latency-ms 150]

Targets: a plan reads each collection it needs once (5 GETs for an account of under 100
objects a kind, plus one GET per delete that needs a count, plus ``/webhook/events`` when
webhooks are managed); the read-back after apply reads each collection written once; the
apply sends no 429-triggering burst (0 retries) and keeps the limiter busy, so requests per
second stays near the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
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
from reconciler.manifest import Desired, load_manifests, load_project  # noqa: E402
from reconciler.ratelimit import Limiters  # noqa: E402
from reconciler.verify import verify  # noqa: E402

KINDS = standard_kinds()


async def measure(
    client: Client, step: Callable[[], Awaitable[Any]]
) -> tuple[Any, dict[str, int], float]:
    before = dict(client.stats)
    started = time.perf_counter()
    result = await step()
    elapsed = time.perf_counter() - started
    calls = {k: v - before.get(k, 0) for k, v in client.stats.items() if v - before.get(k, 0)}
    return result, calls, elapsed


def line(label: str, calls: dict[str, int], elapsed: float, extra: str = "") -> str:
    sent = sum(v for k, v in calls.items() if k != "retries")
    methods = " ".join(f"{k}={v}" for k, v in sorted(calls.items()))
    rate = sent / elapsed if elapsed else 0.0
    return f"  {label:<12} {sent:>4} calls ({methods}) in {elapsed:6.2f} s = {rate:4.2f}/s {extra}"


async def run(desired: Desired, prune: frozenset[str], url: str, key: str) -> None:
    endpoint = endpoint_from_env({"MATON_API_KEY": key, "MATON_GATEWAY_URL": url})
    async with Client(endpoint, limiters=Limiters()) as client:
        plan, calls, elapsed = await measure(
            client, lambda: make_plan(client, desired, prune=prune)
        )
        print(line("plan", calls, elapsed, f"-> {plan.summary}"))
        _, calls, elapsed = await measure(client, lambda: apply_plan(client, plan))
        print(line("apply", calls, elapsed, f"({len(plan.changes)} changes)"))
        problems, calls, elapsed = await measure(client, lambda: verify(client, plan))
        print(line("read back", calls, elapsed, f"-> {len(problems)} problems"))
        again, calls, elapsed = await measure(
            client, lambda: make_plan(client, desired, prune=prune)
        )
        print(line("plan again", calls, elapsed, f"-> {len(again.changes)} changes"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=0, help="sandbox answer delay")
    args = parser.parse_args()
    os.environ.setdefault("HOOK_TOKEN", "benchmark-token")
    project = load_project(ROOT / "examples" / "acr.yaml", kinds=KINDS)
    desired = load_manifests(project.manifests, vars=project.vars, kinds=KINDS)
    seeds = {"empty account": None, "seeded account": ROOT / "examples" / "sandbox-seed.json"}
    for label, seed in seeds.items():
        print(f"{label} (sandbox limit 5/s per account, latency {args.latency_ms} ms):")
        with run_sandbox(seed=seed, rate_limit=5.0, latency_ms=args.latency_ms) as sandbox:
            asyncio.run(run(desired, project.policy.prune, sandbox.url, sandbox.key))


if __name__ == "__main__":
    main()
