"""An account in the in-process sandbox, planned and applied through the library as the CLI
does (manifest files -> ``load_manifests`` -> ``make_plan`` -> ``apply_plan``), with the
rate limits off: the HTTP is the app's, the pace is not the point here."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from reconciler.apply import apply_plan
from reconciler.client import Client, Endpoint
from reconciler.engine import make_plan
from reconciler.kinds import Obj, standard_kinds
from reconciler.manifest import load_manifests
from reconciler.plan import Plan
from reconciler.ratelimit import Limiters
from reconciler.sandbox import SandboxStore, create_app
from reconciler.state import read_account

KINDS = standard_kinds()

_accounts = itertools.count(1)


async def _no_wait(seconds: float) -> None:
    """Retries' backoff, without the wait: the test's time is not the point."""


class SandboxAccount:
    """One sandbox store; ``copy`` gives an independent account with the same rows."""

    def __init__(self, root: Path, store: SandboxStore | None = None) -> None:
        self.root = root
        self.store = store or SandboxStore.default()
        app = create_app(self.store, rate_limit=None, maton_rate_limit=None)
        self.requests: list[tuple[str, str]] = []  # (method, path under /api/3) of every call

        async def recorded(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                path = scope["path"].split("/api/3", 1)[-1]
                self.requests.append((scope["method"], path))
            await app(scope, receive, send)

        self.app = recorded
        self.endpoint = Endpoint(
            base_url="http://sandbox.acr/active-campaign/api/3",
            headers={"Authorization": f"Bearer {self.store.maton_key}"},
            account=f"kind-contract-{next(_accounts)}",
            description="in-process sandbox",
        )
        self.limiters = Limiters()  # its clients' run: a copy gets its own

    def copy(self, root: Path) -> SandboxAccount:
        data = json.loads(json.dumps(self.store.data()))
        return SandboxAccount(root, SandboxStore.from_data(data))

    def client(self) -> Client:
        transport = httpx.ASGITransport(app=self.app)
        return Client(
            self.endpoint,
            transport=transport,
            rate=10_000,
            sleep=_no_wait,
            limiters=self.limiters,
        )

    def write(self, manifest: dict[str, Any]) -> Path:
        path = self.root / "manifest.yaml"
        self.root.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            YAML().dump(manifest, out)
        return path

    def plan(self, manifest: dict[str, Any], prune: Collection[str] = ()) -> Plan:
        desired = load_manifests([self.write(manifest)], env={}, kinds=KINDS)

        async def run() -> Plan:
            async with self.client() as client:
                return await make_plan(client, desired, prune=prune)

        return asyncio.run(run())

    def apply(self, manifest: dict[str, Any], prune: Collection[str] = ()) -> Plan:
        """Plan and apply; then check that a fresh plan has nothing left to do."""
        plan = self.plan(manifest, prune)

        async def run() -> None:
            async with self.client() as client:
                await apply_plan(client, plan)

        asyncio.run(run())
        again = self.plan(manifest, prune)
        assert again.empty, [c.data for c in again.changes]
        return plan

    def live(self) -> list[Obj]:
        async def run() -> list[Obj]:
            async with self.client() as client:
                return list((await read_account(client, KINDS)).objects)

        return asyncio.run(run())
