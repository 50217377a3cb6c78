"""End-to-end tests: the acr command line against the sandbox served over real HTTP on
loopback, configured only through the environment, as a user would."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_server import RunningSandbox

from reconciler.cli import main
from reconciler.sandbox import SandboxStore

FAST_RATE = "500"  # the sandbox under test has no limit; the limiter's own pace is tested elsewhere


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def plan(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data


class Acr:
    """Runs ``acr`` in this process, in a project folder, against one sandbox."""

    def __init__(
        self,
        root: Path,
        sandbox: RunningSandbox,
        capsys: pytest.CaptureFixture[str],
        snapshots: dict[str, str] | None = None,
    ):
        self.root = root
        self.sandbox = sandbox
        self._capsys = capsys
        self._snapshots = {} if snapshots is None else snapshots

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = self._capsys.readouterr()
        code = exited.value.code
        return Result(code if isinstance(code, int) else 0, out, err)

    def write(self, name: str, text: str) -> Path:
        path = self.root / "manifests" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def project(self, text: str) -> None:
        (self.root / "acr.yaml").write_text(textwrap.dedent(text), encoding="utf-8")

    def plan(self, *args: str) -> dict[str, Any]:
        result = self("plan", "--format", "json", *args)
        assert result.code == 0, result.err
        return result.plan

    def apply(self, *args: str) -> Result:
        result = self("apply", "--yes", *args)
        assert result.code == 0, result.err
        return result

    def converge(self) -> None:
        """Apply, then check that a plan shows nothing left to do."""
        self.apply()
        again = self.plan()
        assert again["changes"] == [], again["changes"]

    def converged(self, name: str, text: str) -> None:
        """Write manifest ``name`` and bring the empty account to it: the first time a text is
        seen by applying it (``converge``), afterwards from a copy of the account as that
        apply left it, which is the same state without the calls."""
        self.write(name, text)
        key = textwrap.dedent(text)
        saved = self._snapshots.get(key)
        if saved is None:
            self.converge()
            self._snapshots[key] = json.dumps(self.sandbox.store.data())
        else:
            self.sandbox.store.connections = SandboxStore.from_data(json.loads(saved)).connections

    def api(self) -> httpx.Client:
        return self.sandbox.client()

    def rows(self, collection: str, **params: Any) -> list[dict[str, Any]]:
        with self.api() as api:
            response = api.get(f"/{collection}", params={"limit": 100, **params})
            while response.status_code == 429:  # the sandbox under test may enforce the limit
                time.sleep(float(response.headers["Retry-After"]))
                response = api.get(f"/{collection}", params={"limit": 100, **params})
        rows: list[dict[str, Any]] = response.json()[collection]
        return rows


@pytest.fixture(scope="session")
def converged_accounts() -> dict[str, str]:
    """Accounts as ``Acr.converged`` left them, by manifest text, for the whole session."""
    return {}


@pytest.fixture
def acr(
    sandbox_server: RunningSandbox,
    converged_accounts: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Acr]:
    monkeypatch.chdir(tmp_path)
    for name in ("MATON_CONNECTION", "ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MATON_API_KEY", sandbox_server.key)
    monkeypatch.setenv("MATON_GATEWAY_URL", sandbox_server.url)
    monkeypatch.setenv("ACR_RATE_LIMIT", FAST_RATE)
    monkeypatch.setenv("ACR_MATON_RATE_LIMIT", FAST_RATE)
    yield Acr(tmp_path, sandbox_server, capsys, converged_accounts)


Summary = Callable[[dict[str, Any]], list[tuple[str, str, str]]]


def changes(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c["action"], c["kind"], c["key"]) for c in plan["changes"]]
