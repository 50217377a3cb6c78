"""How many 429s the client's pacing draws from an account limited to 5 requests per second,
with and without the limiter's margin for arrival jitter: the sandbox over real HTTP on
loopback, several coroutines sending GETs through one ``RateLimiter``, each 429 waited out
for its ``Retry-After`` and sent again.

    .venv/bin/python benchmarks/rate_limit.py [--requests 100] [--latency-ms 0] [--margins 0,0.02]

Target: 0 429s at the default margin, at a rate close to the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sandbox_server import run_sandbox  # noqa: E402

from reconciler.ratelimit import MARGIN, RateLimiter  # noqa: E402

WORKERS = 8


async def send(api: str, key: str, requests: int, margin: float) -> tuple[int, float]:
    limiter = RateLimiter(5.0, margin=margin)
    queue = list(range(requests))
    refused = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal refused
        while queue:
            queue.pop()
            while True:
                await limiter.acquire()
                response = await client.get("/tags")
                if response.status_code != 429:
                    break
                refused += 1
                limiter.pause(float(response.headers["Retry-After"]))

    headers = {"Authorization": f"Bearer {key}"}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=api, headers=headers) as client:
        await asyncio.gather(*(worker(client) for _ in range(WORKERS)))
    return refused, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument(
        "--margins", default=f"0,0.01,0.02,{MARGIN}", help="margins to try, in seconds"
    )
    args = parser.parse_args()
    for margin in (float(m) for m in args.margins.split(",")):
        with run_sandbox(rate_limit=5.0, latency_ms=args.latency_ms) as sandbox:
            refused, elapsed = asyncio.run(send(sandbox.api, sandbox.key, args.requests, margin))
        rate = args.requests / elapsed
        print(
            f"margin {margin:4.2f} s: {args.requests} requests, {refused:3} answered 429, "
            f"{elapsed:5.1f} s = {rate:4.2f} requests/s"
        )


if __name__ == "__main__":
    main()
