"""`acr --help` and `acr validate` start without the HTTP client, asyncio, DeepDiff or the
sandbox: those are imported by the commands that use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler import cli, render, session

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("httpx", "asyncio", "deepdiff", "starlette", "uvicorn", "reconciler.sandbox")
PROBE = """
import json, sys
from reconciler.cli import main
heavy = json.loads(sys.argv[2])
sys.argv = ["acr", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] if not m.startswith("reconciler") else m
                          for m in sys.modules if m.startswith(tuple(heavy))})))
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", "manifests"]])
def test_a_command_loads_only_what_it_needs(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        cwd=ROOT / "examples",
        env={"HOOK_TOKEN": "x", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_cli_constants_match_their_modules() -> None:
    assert tuple(render.FORMATS) == cli.FORMATS
    assert cli.SANDBOX_STATE == session.SANDBOX_STATE
