"""A project with two targets on one sandbox served over loopback, and hooks that record
what the command sequences show, report and ask, instead of printing."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sandbox_server import RunningSandbox

from reconciler.commands.context import Context, Hooks, Question

A, B = "a0000000-0000-4000-8000-00000000000a", "b0000000-0000-4000-8000-00000000000b"
MISSING = "d0000000-0000-4000-8000-00000000000d"
PROJECT = f"""\
manifests: [manifests]
vars: {{hooks: https://default.example.com, region: eu}}
default_target: a
targets:
  a: {{connection: {A}, vars: {{hooks: https://a.example.com}}}}
  b: {{connection: {B}}}
"""
TAGS = """\
tags:
  - name: VIP
    description: Top customers in ${vars.region}
  - name: Lead
"""


@dataclass
class Recorder:
    """Hooks that keep everything; ``answer`` is what confirm says (None: no terminal)."""

    answer: bool | None = True
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    asked: list[Question] = field(default_factory=list)

    def hooks(self) -> Hooks:
        confirm = None if self.answer is None else self._confirm
        return Hooks(self.out.append, self.err.append, self._progress, confirm)

    @property
    def shown(self) -> str:
        return "".join(self.out)

    def _progress(self, target: str | None, number: int, total: int, change: Any) -> None:
        self.steps.append((target, number, total, change.action, change.key))

    def _confirm(self, question: Question) -> bool:
        self.asked.append(question)
        return bool(self.answer)


@dataclass
class Workspace:
    root: Path
    sandbox: RunningSandbox
    env: dict[str, str]

    def context(self, recorder: Recorder, **options: Any) -> Context:
        return Context(recorder.hooks(), self.env, **options)

    def write(self, name: str, text: str) -> Path:
        path = self.root / "manifests" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def tags(self, connection: str) -> list[str]:
        with self.sandbox.client(connection) as api:
            rows = api.get("/tags", params={"limit": 100}).json()["tags"]
        return sorted(row["tag"] for row in rows)


@pytest.fixture
def workspace(
    sandbox_factory: Callable[..., RunningSandbox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    """acr.yaml with targets a (the default) and b, each its own empty account, and
    manifests/tags.yaml; the current directory is the project's."""
    seed = tmp_path / "seed.json"
    accounts = [{"connection_id": A, "account": "alpha"}, {"connection_id": B, "account": "beta"}]
    seed.write_text(json.dumps({"connections": accounts}), encoding="utf-8")
    sandbox = sandbox_factory(seed=seed)
    root = tmp_path / "project"
    (root / "manifests").mkdir(parents=True)
    (root / "acr.yaml").write_text(PROJECT, encoding="utf-8")
    monkeypatch.chdir(root)
    env = {
        "MATON_API_KEY": sandbox.key,
        "MATON_GATEWAY_URL": sandbox.url,
        "ACR_RATE_LIMIT": "500",
        "ACR_MATON_RATE_LIMIT": "500",
    }
    space = Workspace(root, sandbox, env)
    space.write("tags.yaml", TAGS)
    return space
