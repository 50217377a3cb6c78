"""Real applies in subprocesses against a sandbox on loopback: Ctrl-C / SIGTERM in the
middle, and two applies at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sandbox_server import RunningSandbox

from .base import dump

ACR = [sys.executable, "-m", "reconciler"]


def _env(sandbox: RunningSandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATON_", "ACTIVECAMPAIGN_"))}
    return {**env, "MATON_API_KEY": sandbox.key, "MATON_GATEWAY_URL": sandbox.url,
            "ACR_RATE_LIMIT": "500"}  # fmt: skip


def _names(sandbox: RunningSandbox, collection: str, column: str) -> list[str]:
    with sandbox.client() as api:
        rows = api.get(f"/{collection}", params={"limit": 100}).json()[collection]
    return [row[column] for row in rows]


def _section(text: str, head: str) -> list[str]:
    """The items listed under ``  done (N):`` (or another head) in an apply report."""
    found = re.search(rf"^  {head} \((\d+)\):\n((?:    .*\n?)*)", text, re.MULTILINE)
    assert found, text
    items = [line.strip() for line in found.group(2).splitlines()]
    return [] if items == ["nothing"] else items


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_apply_reports_exactly_what_the_account_holds(
    sandbox_factory: Callable[..., RunningSandbox], tmp_path: Path, signum: int, code: int
) -> None:
    sandbox = sandbox_factory(latency_ms=150)
    tags = [{"name": f"Tag {n:02d}"} for n in range(24)]
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "tags.yaml").write_text(dump({"tags": tags}))
    process = subprocess.Popen(
        [*ACR, "apply", "--yes"], cwd=tmp_path, env=_env(sandbox), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("[6/24]"):
            process.send_signal(signum)
            break
    out, rest = process.communicate(timeout=30)
    err = "".join(seen) + rest
    assert process.returncode == code, err
    assert f"apply interrupted by {signal.Signals(signum).name}" in err
    done = {re.sub(r'^\+ tag "(.*)"$', r"\1", item) for item in _section(err, "done")}
    not_attempted = _section(err, "not attempted")
    live = set(_names(sandbox, "tags", "tag"))
    assert done == live and 6 <= len(live) < 24
    assert len(done) + len(not_attempted) == 24
    assert "Nothing was changed" not in err and "journal of the writes sent" in err
    assert "Traceback" not in err


def test_two_applies_at_once_leave_no_duplicate(
    sandbox_factory: Callable[..., RunningSandbox], tmp_path: Path
) -> None:
    sandbox = sandbox_factory(latency_ms=150)  # the first run holds the lock for seconds
    data: dict[str, Any] = {
        "tags": [{"name": f"T{n}"} for n in range(4)],
        "pipelines": [{"title": "Sales", "stages": ["Lead", "Won", "Lost", "Later"]}],
        "webhooks": [{"name": f"Hook {n}", "url": f"https://h.example.com/{n}",
                      "events": ["subscribe"], "sources": ["api"]} for n in range(3)],
    }  # fmt: skip
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "all.yaml").write_text(dump(data))
    runs = [
        subprocess.Popen(
            [*ACR, "apply", "--yes"],
            cwd=tmp_path,
            env=_env(sandbox),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for _ in range(2)
    ]
    results = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert any("another acr apply" in err and "waiting" in err for _, err in results)
    for collection, column in (("webhooks", "name"), ("dealStages", "title"), ("tags", "tag"),
                               ("dealGroups", "title")):  # fmt: skip
        counts = Counter(_names(sandbox, collection, column))
        assert counts and max(counts.values()) == 1, (collection, counts)
    # the second run planned after the first had written: it found nothing left to do
    assert any("No changes." in out for out, _ in results)
