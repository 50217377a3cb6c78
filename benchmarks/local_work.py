"""CPU time and peak memory of acr's local work on the large account: loading its manifests,
diffing them against the live objects, building the plan and rendering it as JSON.

    .venv/bin/python benchmarks/local_work.py [--updates 10000]

The live objects are read from the in-process sandbox (not timed). ``--updates N`` changes
the description of N tags in the manifests, so the plan has N updates to render.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import large_account  # noqa: E402

from reconciler.client import Client  # noqa: E402
from reconciler.diff import diff  # noqa: E402
from reconciler.endpoint import Endpoint  # noqa: E402
from reconciler.kinds import (
    Obj,  # noqa: E402
    standard_kinds,  # noqa: E402
)
from reconciler.manifest import load_manifests  # noqa: E402
from reconciler.plan import build_plan  # noqa: E402
from reconciler.ratelimit import Limiters  # noqa: E402
from reconciler.render import render  # noqa: E402
from reconciler.sandbox import create_app  # noqa: E402
from reconciler.sandbox.opening import open_store
from reconciler.state import read_account  # noqa: E402

KINDS = standard_kinds()


def live_objects(seed: Path) -> tuple[Obj, ...]:
    store = open_store(seed=seed)
    app = create_app(store, rate_limit=None, maton_rate_limit=None)
    endpoint = Endpoint(
        base_url="http://sandbox.acr/active-campaign/api/3",
        headers={"Authorization": f"Bearer {store.maton_key}"},
        account="benchmark-local",
        description="in-process sandbox",
    )

    async def read() -> tuple[Obj, ...]:
        transport = httpx.ASGITransport(app=app)
        async with Client(endpoint, transport=transport, rate=1e6, limiters=Limiters()) as client:
            return (await read_account(client, KINDS)).objects

    return asyncio.run(read())


def steps(folder: Path, live: tuple[Obj, ...]) -> dict[str, Callable[[dict[str, Any]], Any]]:
    def plan(state: dict[str, Any]) -> Any:
        found = diff(state["desired"].objects, live, kinds=KINDS)
        return build_plan(found.changes, kinds=KINDS, ids=found.ids)

    return {
        "load": lambda state: load_manifests([folder], kinds=KINDS),
        "diff + plan": plan,
        "render json": lambda state: render(state["diff + plan"], "json"),
    }


def measure(folder: Path, live: tuple[Obj, ...]) -> tuple[dict[str, float], float, int]:
    """CPU seconds of each step, peak traced MB over all of them, and the plan's size."""
    state: dict[str, Any] = {}
    cpu: dict[str, float] = {}
    for name, step in steps(folder, live).items():
        gc.collect()
        started = time.process_time()
        state[name if name != "load" else "desired"] = step(state)
        cpu[name] = time.process_time() - started
    state.clear()
    gc.collect()
    tracemalloc.start()
    for name, step in steps(folder, live).items():
        state[name if name != "load" else "desired"] = step(state)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return cpu, peak, len(state["diff + plan"].changes)


def local_rows(updates: int) -> list[tuple[str, float, float, int]]:
    """(label, CPU s of load+diff+plan, peak MB, changes) with no change and with updates."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        live = live_objects(large_account.seed(root / "seed.json"))
        rows = []
        for count in sorted({0, updates}):
            folder = large_account.manifests(root / f"m{count}", described=count)
            cpu, peak, changes = measure(folder, live)
            rows.append((f"{large_account.OBJECTS:,} objects", sum(cpu.values()), peak, changes))
            print("  " + ", ".join(f"{k} {v:.3f} s" for k, v in cpu.items()), file=sys.stderr)
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=large_account.TAGS)
    args = parser.parse_args()
    for label, cpu, peak, changes in local_rows(args.updates):
        print(f"{label}, {changes} changes: {cpu:.2f} s CPU, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
