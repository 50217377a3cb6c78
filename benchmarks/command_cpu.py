"""CPU time of one `acr plan` run in process, against the sandbox in a process of its own.

    .venv/bin/python benchmarks/command_cpu.py [--runs 20]

What a user pays per command once Python has started: reading the project and manifests,
opening the session, the reads over loopback (the example manifests against the example
seed, about a dozen requests), the diff and the text plan. The sandbox's own work is in its
process and not counted; the limits are lifted, so nothing waits on them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from performance import ROOT, served  # noqa: E402

from reconciler.cli import main as acr  # noqa: E402

EXAMPLES = ROOT / "examples"


def plan_once() -> int:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            acr(["--project", str(EXAMPLES / "acr.yaml"), "plan", str(EXAMPLES / "manifests")])
        except SystemExit as exited:
            return int(exited.code or 0)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with served(EXAMPLES / "sandbox-seed.json", 0) as sandbox:
        os.environ.update(
            MATON_API_KEY=sandbox.key, MATON_GATEWAY_URL=sandbox.url, HOOK_TOKEN="benchmark",
            ACR_RATE_LIMIT="1000", ACR_MATON_RATE_LIMIT="1000",
        )  # fmt: skip
        for name in ("MATON_CONNECTION", "ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_TOKEN"):
            os.environ.pop(name, None)
        if plan_once() not in (0, 2):
            raise SystemExit("acr plan failed against the sandbox")
        started = time.process_time()
        for _ in range(runs):
            plan_once()
        per_run = (time.process_time() - started) / runs
    print(f"acr plan, examples against the example seed: {per_run * 1000:.0f} ms CPU a run "
          f"(mean of {runs}, after one warm-up)")  # fmt: skip


if __name__ == "__main__":
    main()
