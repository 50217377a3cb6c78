"""acr's performance against the floor that the rate limit sets, in one table.

    .venv/bin/python benchmarks/performance.py [--changes 1000] [--quick]

The sandbox is served over real HTTP on loopback with ActiveCampaign's limit (5 requests per
second per account) and a fixed answer latency. Rows:

- plan of the large account (``large_account``: 11,350 objects, seeded into the sandbox's
  store from a seed file, then read over HTTP) at 150 ms and 300 ms: calls against the floor
  (one GET per page of 100 of each collection the plan reads, and the webhook events) and
  wall time against the floor's time (calls / 5 per second);
- apply of ``--changes`` tag updates (one PUT each) at 150 ms: requests per second sustained;
- a mixed apply across kinds into an empty account at 600 ms (lists, fields naming them,
  tags, pipelines with stages, webhooks naming lists): wall time against calls / 5;
- ``--all-targets`` over 4 copies of the large account behind one Maton key (the sandbox
  allows 10 requests per second per key, as Maton does): the plans made together, then 50
  tag updates applied to each, against the floor max(sum of calls / 10, largest account's
  calls / 5), the key's budget or the busiest account's, whichever binds;
- 429s met in all of the above (the limiter must keep every run at zero);
- CPU time and peak memory of loading, diffing, planning and rendering (JSON) the large
  account's manifests, with no change and with 10,000 updates (``local_work``);
- start-up: wall time of ``acr --help`` and ``acr validate`` (of the example set), best of 5.

``--quick`` applies 200 changes instead of 1,000 and skips the 300 ms plan. The full run takes
about eight minutes, most of it the apply (1,000 requests at 5 per second). The 150 ms plan is
the one applied.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import large_account  # noqa: E402
import local_work  # noqa: E402

from reconciler.apply import apply_plan  # noqa: E402
from reconciler.client import Client  # noqa: E402
from reconciler.endpoint import endpoint_from_env  # noqa: E402
from reconciler.engine import make_plan  # noqa: E402
from reconciler.kinds import standard_kinds  # noqa: E402
from reconciler.manifest import Desired, load_manifests  # noqa: E402
from reconciler.ratelimit import Limiters  # noqa: E402

KINDS = standard_kinds()

LIMIT = 5.0  # requests per second per account, the sandbox's and ActiveCampaign's
KEY_LIMIT = 10.0  # requests per second per Maton key, the sandbox's and Maton's
ACCOUNTS = 4  # accounts of the --all-targets rows, each a copy of the large account
FLEET_CHANGES = 50  # tag updates applied to each of them
PAGES = {  # the large account's collections and their rows: one GET per 100
    "tags": large_account.TAGS,
    "lists": large_account.LISTS,
    "fields": large_account.FIELDS,
    "dealGroups": large_account.PIPELINES,
    "webhooks": large_account.WEBHOOKS,
}
# plus GET /webhook/events, which a plan that manages webhooks reads once (the account's events)
FLOOR_CALLS = sum(max(1, -(-rows // 100)) for rows in PAGES.values()) + 1


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts the answers by status, so that every 429 met is seen."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: Counter[int] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response


@dataclass
class Served:
    url: str
    key: str
    limiters: Limiters = field(default_factory=Limiters)  # its steps are one run's


@dataclass
class Run:
    calls: int
    seconds: float
    refused: int  # 429s


async def timed(sandbox: Served, step: Callable[[Client], Awaitable[Any]]) -> tuple[Any, Run]:
    env = {"MATON_API_KEY": sandbox.key, "MATON_GATEWAY_URL": sandbox.url}
    transport = CountingTransport()
    endpoint = endpoint_from_env(env)
    limiters = sandbox.limiters
    async with Client(endpoint, transport=transport, rate=LIMIT, limiters=limiters) as client:
        started = time.perf_counter()
        result = await step(client)
        elapsed = time.perf_counter() - started
    calls = sum(n for method, n in client.stats.items() if method != "retries")
    return result, Run(calls, elapsed, transport.statuses[429])


@contextmanager
def served(seed: Path | None, latency_ms: int) -> Iterator[Served]:
    """``acr sandbox serve`` in a process of its own (so that the server's work does not
    delay the client's, as it would in one interpreter), until the block ends."""
    command = [str(ROOT / ".venv" / "bin" / "acr"), "sandbox", "serve", "--port", "0",
               "--latency-ms", str(latency_ms), "--rate-limit", str(LIMIT)]  # fmt: skip
    if seed is not None:
        command += ["--seed", str(seed)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        found: dict[str, str] = {}
        for line in server.stderr:
            name, _, value = line.strip().partition("=")
            if name in ("MATON_GATEWAY_URL", "MATON_API_KEY"):
                found[name] = value
            if len(found) == 2:
                break
        else:
            raise RuntimeError("the sandbox did not start")
        drain = threading.Thread(target=server.stderr.read, daemon=True)
        drain.start()
        yield Served(found["MATON_GATEWAY_URL"], found["MATON_API_KEY"])
    finally:
        server.terminate()
        server.wait(timeout=30)


async def together(
    sandbox: Served, limiters: Limiters, step: Callable[[Client, int], Awaitable[Any]]
) -> tuple[list[Any], Run, float]:
    """``step`` on every account at once, as ``--all-targets`` runs: one client per account,
    all under the run's limiters. Returns the results, the calls and time, and the floor."""
    env = {"MATON_API_KEY": sandbox.key, "MATON_GATEWAY_URL": sandbox.url}
    transports = [CountingTransport() for _ in range(ACCOUNTS)]
    clients = [
        Client(endpoint_from_env(env, connection=large_account.connection_id(n)),
               transport=transports[n], rate=LIMIT, limiters=limiters)
        for n in range(ACCOUNTS)
    ]  # fmt: skip
    started = time.perf_counter()
    results = await asyncio.gather(*(step(client, n) for n, client in enumerate(clients)))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.aclose()
    calls = [sum(n for m, n in c.stats.items() if m != "retries") for c in clients]
    refused = sum(t.statuses[429] for t in transports)
    floor = max(sum(calls) / KEY_LIMIT, max(calls) / LIMIT)
    return list(results), Run(sum(calls), elapsed, refused), floor


def all_targets(seed: Path, desired: Desired, add: Callable[..., None]) -> int:
    """The ``--all-targets`` rows (a plan of every account, then their apply); their 429s."""
    limiters = Limiters()  # one run: the plans and the applies share the key's budget
    refused = 0
    with served(seed, 150) as sandbox:
        plans, run, floor = asyncio.run(
            together(sandbox, limiters, lambda c, n: make_plan(c, desired, target=f"a{n}"))
        )
        refused += run.refused
        add(f"plan --all-targets, {ACCOUNTS} x {large_account.OBJECTS:,} objects, 150 ms",
            f"{run.calls} calls, {run.refused} 429s", f"{run.seconds:.1f} s (floor {floor:.1f} s)",
            f"x{run.seconds / floor:.3f}")  # fmt: skip
        _, run, floor = asyncio.run(
            together(sandbox, limiters, lambda c, n: apply_plan(c, plans[n]))
        )
        refused += run.refused
        add(f"apply --all-targets, {ACCOUNTS} x {FLEET_CHANGES} tag updates, 150 ms",
            f"{run.calls} calls, {run.refused} 429s", f"{run.seconds:.1f} s (floor {floor:.1f} s)",
            f"x{run.seconds / floor:.3f}")  # fmt: skip
    return refused


def mixed_manifests(folder: Path) -> Path:
    """Changes of every kind into an empty account, with references between them."""
    lists = [{"stringid": f"m{i}", "name": f"M {i}", "sender_url": "https://example.com",
              "sender_reminder": "You signed up."} for i in range(10)]  # fmt: skip
    fields = [{"title": f"Mixed {i}", "type": "dropdown", "options": ["a", "b"],
               "lists": [f"m{i}"]} for i in range(10)]  # fmt: skip
    tags = [{"name": f"Mixed tag {i}"} for i in range(20)]
    pipelines = [{"title": f"Mixed {i}", "stages": ["One", "Two", "Three"]} for i in range(5)]
    hooks = [{"name": f"Mixed {i}", "url": f"https://hooks.example.com/m{i}",
              "events": ["subscribe"], "sources": ["public"], "list": f"m{i}"}
             for i in range(10)]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    sections: dict[str, list[dict[str, Any]]] = {"lists": lists, "fields": fields,
        "tags": tags, "pipelines": pipelines, "webhooks": hooks}  # fmt: skip
    for name, entries in sections.items():
        (folder / f"{name}.yaml").write_text(large_account.to_yaml(name, entries))
    return folder


def mixed_plan_and_apply(sandbox: Served, folder: Path) -> tuple[int, Run]:
    """Plan (not timed) and apply the mixed changes into the empty account."""
    desired = load_manifests([folder], kinds=KINDS)
    plan, _ = asyncio.run(timed(sandbox, lambda c: make_plan(c, desired)))
    return len(plan.changes), asyncio.run(timed(sandbox, lambda c: apply_plan(c, plan)))[1]


def startup(args: list[str]) -> float:
    """Best wall time of five runs of ``acr ARGS`` in the example project."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "acr"), *args],
            cwd=ROOT / "examples",
            env={"HOOK_TOKEN": "benchmark", "PATH": ""},
            capture_output=True,
            check=True,
        )
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=1000, help="tag updates to apply")
    parser.add_argument("--quick", action="store_true", help="200 changes, no 300 ms plan")
    args = parser.parse_args()
    changes = 200 if args.quick else args.changes
    rows: list[tuple[str, str, str, str]] = []
    refused = 0

    def add(*row: str) -> None:
        rows.append(row)  # type: ignore[arg-type]
        print(*row, sep=" | ", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seed = large_account.seed(root / "seed.json")
        desired = load_manifests(
            [large_account.manifests(root / "m", described=changes)], kinds=KINDS
        )
        floor_s = FLOOR_CALLS / LIMIT
        for latency in (150,) if args.quick else (150, 300):
            with served(seed, latency) as sandbox:
                plan, run = asyncio.run(timed(sandbox, lambda c: make_plan(c, desired)))
                refused += run.refused
                add(f"plan, {large_account.OBJECTS:,} objects, {latency} ms",
                    f"{run.calls} calls (floor {FLOOR_CALLS}), {run.refused} 429s",
                    f"{run.seconds:.1f} s (floor {floor_s:.1f} s)",
                    f"x{run.seconds / floor_s:.3f}")  # fmt: skip
                if latency != 150:
                    continue
                _, run = asyncio.run(timed(sandbox, lambda c, p=plan: apply_plan(c, p)))
                refused += run.refused
                add(f"apply, {len(plan.changes):,} tag updates, 150 ms",
                    f"{run.calls} calls, {run.refused} 429s",
                    f"{run.seconds:.1f} s", f"{run.calls / run.seconds:.2f} req/s")  # fmt: skip
        fleet = large_account.manifests(root / "fleet", described=FLEET_CHANGES)
        refused += all_targets(
            large_account.seed(root / "fleet.json", accounts=ACCOUNTS),
            load_manifests([fleet], kinds=KINDS),
            add,
        )
        with served(None, 600) as sandbox:
            count, run = mixed_plan_and_apply(sandbox, mixed_manifests(root / "mixed"))
        refused += run.refused
        floor = run.calls / LIMIT
        ratio = f"x{run.seconds / floor:.3f}"
        add(f"mixed apply, {count} changes of 5 kinds, 600 ms",
            f"{run.calls} calls, {run.refused} 429s",
            f"{run.seconds:.1f} s (floor {floor:.1f} s)", ratio)  # fmt: skip
        add("429s met, all runs above", "", "", str(refused))
    for label, cpu, peak, count in local_work.local_rows(large_account.TAGS):
        add(f"load+diff+plan+json, {label}", f"{count:,} changes", f"{cpu:.2f} s CPU",
            f"{peak:.0f} MB peak")  # fmt: skip
    add("start-up, acr --help", "", f"{startup(['--help']) * 1000:.0f} ms", "")
    add("start-up, acr validate (examples)", "", f"{startup(['validate']) * 1000:.0f} ms", "")
    print_table(rows)


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    head = ("measure", "calls / size", "time", "ratio / rate")
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(4)]
    for row in (head, tuple("-" * w for w in widths), *rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
