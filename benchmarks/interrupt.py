"""Ctrl-C in the middle of a real apply: what the report says against what the account
holds, how long the changes in flight take to finish, and what the journal recorded.

    .venv/bin/python benchmarks/interrupt.py [--latency-ms 150] [--tags 24] [--after 6]

Runs ``acr apply --yes`` in a subprocess against the sandbox over loopback, sends SIGINT
when the progress shows change number ``--after``, and prints the exit code, the seconds
from the signal to the exit, the done / not-attempted counts, the tags on the account and
the journal's lines. Target: done == tags on the account == journal lines; exit 130.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sandbox_server import run_sandbox  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--tags", type=int, default=24)
    parser.add_argument("--after", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="acr-interrupt-"))
    (work / "manifests").mkdir()
    names = "".join(f"  - name: Tag {n:03d}\n" for n in range(args.tags))
    (work / "manifests" / "tags.yaml").write_text("tags:\n" + names)
    with run_sandbox(rate_limit=None, maton_rate_limit=None, latency_ms=args.latency_ms) as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MATON_")}
        env.update(MATON_API_KEY=sb.key, MATON_GATEWAY_URL=sb.url, ACR_RATE_LIMIT="500")
        process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", "apply", "--yes"], cwd=work, env=env,
            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        sent = time.monotonic()
        for line in process.stderr:
            if line.startswith(f"[{args.after}/"):
                sent = time.monotonic()
                process.send_signal(signal.SIGINT)
                break
        _, err = process.communicate()
        elapsed = time.monotonic() - sent
        tags = httpx.get(f"{sb.api}/tags", params={"limit": 100}, headers=sb.maton_headers())
    done = re.search(r"done \((\d+)\)", err)
    skipped = re.search(r"not attempted \((\d+)\)", err)
    journal = [line for path in (work / ".acr" / "journal").glob("*.jsonl")
               for line in path.read_text().splitlines()]  # fmt: skip
    print(
        f"exit {process.returncode}; signal to exit {elapsed:.2f} s; "
        f"done {done.group(1) if done else '?'}; "
        f"not attempted {skipped.group(1) if skipped else '?'}; "
        f"tags on the account {len(tags.json()['tags'])}; journal lines {len(journal)}"
    )


if __name__ == "__main__":
    main()
