"""The account a command works on: a real one through Maton or directly, or the built-in
sandbox in-process. Each step opens its own HTTP client, so steps may run in separate event
loops (the CLI asks for confirmation between plan and apply)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from reconciler.apply import Progress, apply_plan
from reconciler.client import Client, Endpoint, endpoint_from_env
from reconciler.engine import make_plan
from reconciler.errors import ApplyReport, ConfigError, VerifyError
from reconciler.interrupts import Stop, catch_signals
from reconciler.journal import Journal, secret_forms
from reconciler.manifest import Desired, Target
from reconciler.netfail import DEFAULT_TIMEOUT
from reconciler.plan import Plan
from reconciler.readonly import ReadOnlyApi, refuse_writes
from reconciler.safety import Rules
from reconciler.verify import verify

SANDBOX_STATE = Path(".acr/sandbox.json")
SANDBOX_HOST = "http://sandbox.acr"
DEFAULT_RATE = 5.0


@dataclass
class Session:
    endpoint: Endpoint
    target: str
    rate: float = DEFAULT_RATE
    app: Any = None  # the in-process sandbox, when there is one
    on_retry: Callable[[str], None] | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds per request

    @classmethod
    def open(
        cls,
        target: Target | None,
        *,
        sandbox: bool,
        env: Mapping[str, str],
        on_retry: Callable[[str], None] | None = None,
        timeout: float | None = None,
    ) -> Session:
        """``timeout`` (``--timeout``) wins over ``ACR_TIMEOUT``."""
        name = target.name if target else "default"
        rate = rate_from_env(env)
        seconds = timeout_from_env(env) if timeout is None else timeout
        if sandbox:
            endpoint, app = open_sandbox(SANDBOX_STATE)
            return cls(endpoint, name, rate, app, on_retry, seconds)
        connection = target.connection if target else None
        url = target.url if target else None
        endpoint = endpoint_from_env(env, connection=connection, url=url)
        return cls(endpoint, name, rate, None, on_retry, seconds)

    def client(self, *, read_only: bool = False) -> Client:
        transport = httpx.ASGITransport(app=self.app) if self.app is not None else None
        return Client(
            self.endpoint,
            transport=transport,
            rate=self.rate,
            on_retry=self.on_retry,
            timeout=self.timeout,
            request_hooks=(refuse_writes,) if read_only else (),
        )

    async def plan(
        self, desired: Desired, prune: Collection[str], rules: Rules | None = None
    ) -> Plan:
        """A plan made through a client that can only read (``readonly.py``)."""
        async with self.client(read_only=True) as client:
            return await make_plan(
                ReadOnlyApi(client),
                desired,
                prune=prune,
                target=self.target,
                endpoint=self.endpoint.description,
                rules=rules,
            )

    async def apply(
        self,
        plan: Plan,
        progress: Progress | None = None,
        *,
        on_signal: Callable[[str], None] | None = None,
    ) -> ApplyReport:
        """Run ``plan``, journaling every write; SIGINT/SIGTERM stop it between changes. Then
        read back what it wrote (``verify``): ``VerifyError`` when something did not take."""
        journal = Journal.start(self.target, secret_forms(plan), base_url=self.endpoint.base_url)
        stop = Stop()
        journal.open()
        try:
            async with self.client() as client:
                client.on_write = journal.record
                with catch_signals(stop, on_signal):
                    report = await apply_plan(
                        client, plan, progress=progress, stop=stop, journal=str(journal.path)
                    )
                problems = await verify(client, plan)
        finally:
            journal.close()
        if problems:
            raise VerifyError(problems, report)
        return report


def rate_from_env(env: Mapping[str, str]) -> float:
    text = env.get("ACR_RATE_LIMIT", "")
    if not text:
        return DEFAULT_RATE
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if rate <= 0:
        raise ConfigError(
            f"ACR_RATE_LIMIT must be a number of requests per second above 0, not {text!r}"
        )
    return rate


def timeout_from_env(env: Mapping[str, str]) -> float:
    text = env.get("ACR_TIMEOUT", "")
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ConfigError(f"ACR_TIMEOUT must be a number of seconds above 0, not {text!r}")
    return seconds


def open_sandbox(state: Path) -> tuple[Endpoint, Any]:
    """The in-process sandbox over ``state`` (created empty when missing)."""
    from reconciler.sandbox import SandboxStore, create_app

    store = SandboxStore.open(state)  # refuses a folder it cannot write, a broken file
    endpoint = Endpoint(
        base_url=f"{SANDBOX_HOST}/active-campaign/api/3",
        headers={"Authorization": f"Bearer {store.maton_key}"},
        account=f"sandbox:{store.default_connection}",
        description=f"built-in sandbox, {state}",
        gateway=SANDBOX_HOST,
    )
    return endpoint, create_app(store)
