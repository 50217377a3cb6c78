"""The account a command works on: a real one through Maton or directly, or the built-in
sandbox in-process. Each step opens its own HTTP client, so steps may run in separate event
loops (the CLI asks for confirmation between plan and apply)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from reconciler.apply import Progress, apply_plan
from reconciler.client import Client, Endpoint, endpoint_from_env
from reconciler.engine import make_plan
from reconciler.errors import ApplyReport, ConfigError, VerifyError
from reconciler.interrupts import Stop, catch_signals
from reconciler.journal import Journal, secret_forms
from reconciler.kinds import Registry
from reconciler.manifest import Desired, Target
from reconciler.netfail import DEFAULT_TIMEOUT
from reconciler.plan import Plan
from reconciler.ratelimit import MATON_KEY_RATE, Limiters
from reconciler.readonly import ReadOnlyApi, refuse_writes
from reconciler.safety import Rules
from reconciler.state import Account
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
    limiters: Limiters = field(default_factory=Limiters)  # the run's (shared by its sessions)
    key_rate: float = MATON_KEY_RATE
    timeout: float = DEFAULT_TIMEOUT  # seconds per request

    @classmethod
    def open(
        cls,
        target: Target | None,
        *,
        sandbox: bool,
        env: Mapping[str, str],
        on_retry: Callable[[str], None] | None = None,
        limiters: Limiters | None = None,
        sandbox_app: Any = None,
        timeout: float | None = None,
    ) -> Session:
        """A session on ``target``'s account. ``limiters`` (one per run) is shared by the
        sessions of a run; with ``sandbox``, ``sandbox_app`` is the run's in-process sandbox
        (one is opened on ``SANDBOX_STATE`` when it is None). ``timeout`` (``--timeout``)
        wins over ``ACR_TIMEOUT``."""
        name = target.name if target else "default"
        rate = rate_from_env(env)
        key_rate = rate_from_env(env, "ACR_MATON_RATE_LIMIT", MATON_KEY_RATE)
        seconds = timeout_from_env(env) if timeout is None else timeout
        limiters = limiters or Limiters()
        if sandbox:
            app = sandbox_app if sandbox_app is not None else open_sandbox(SANDBOX_STATE)
            endpoint = sandbox_endpoint(app.state.store, target)
            return cls(endpoint, name, rate, app, on_retry, limiters, key_rate, seconds)
        connection = target.connection if target else None
        url = target.url if target else None
        token_env = target.token_env if target else "ACTIVECAMPAIGN_API_TOKEN"
        endpoint = endpoint_from_env(env, connection=connection, url=url, token_env=token_env)
        return cls(endpoint, name, rate, None, on_retry, limiters, key_rate, seconds)

    def client(self, *, read_only: bool = False) -> Client:
        transport = httpx.ASGITransport(app=self.app) if self.app is not None else None
        return Client(
            self.endpoint,
            transport=transport,
            rate=self.rate,
            on_retry=self.on_retry,
            timeout=self.timeout,
            request_hooks=(refuse_writes,) if read_only else (),
            limiters=self.limiters,
            key_rate=self.key_rate,
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

    async def read(self, kinds: Registry) -> tuple[Account, list[str]]:
        """The live account, every kind of ``kinds`` it lets us read, with notes on those it
        did not (reads only: ``acr export``)."""
        from reconciler.export import read_exportable

        async with self.client(read_only=True) as client:
            return await read_exportable(client, kinds)

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


def rate_from_env(
    env: Mapping[str, str], name: str = "ACR_RATE_LIMIT", default: float = DEFAULT_RATE
) -> float:
    text = env.get(name, "")
    if not text:
        return default
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if rate <= 0:
        raise ConfigError(f"{name} must be a number of requests per second above 0, not {text!r}")
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


def open_sandbox(state: Path) -> Any:
    """The in-process sandbox app over ``state`` (created empty when missing); its store is
    ``app.state.store``."""
    from reconciler.sandbox import create_app, open_store

    return create_app(open_store(state))  # refuses a folder it cannot write, a broken file


def sandbox_endpoint(store: Any, target: Target | None) -> Endpoint:
    """How ``target`` reaches its account in the sandbox: its connection through the
    sandbox's gateway; a direct ``url`` by the sandbox account of that name
    (``https://<name>.api-us1.com``) with that account's token; else the default connection."""
    where = f"built-in sandbox, {SANDBOX_STATE}"
    if target is not None and target.url is not None:
        wanted = _account_name(target.url)
        found = [c for c in store.connections if c.account.name == wanted]
        if not found:
            names = ", ".join(sorted(c.account.name for c in store.connections))
            raise ConfigError(
                f'target "{target.name}": the sandbox has no account "{wanted}" for url '
                f"{target.url} (its accounts: {names}); seed one with that name "
                '(`acr sandbox reset --seed FILE`, a connection\'s "account")'
            )
        return Endpoint(
            base_url=f"{SANDBOX_HOST}/api/3",
            headers={"Api-Token": found[0].api_token},
            account=f"sandbox:direct:{wanted}",
            description=f"{where}, account {wanted}",
        )
    headers = {"Authorization": f"Bearer {store.maton_key}"}
    connection = target.connection if target else None
    if connection:
        headers["Maton-Connection"] = connection
    chosen = connection or store.default_connection
    return Endpoint(
        base_url=f"{SANDBOX_HOST}/active-campaign/api/3",
        headers=headers,
        account=f"sandbox:{chosen}",
        description=f"{where}, connection {chosen}" if connection else where,
        gateway=SANDBOX_HOST,
        key_id="sandbox-maton-key",
    )


def _account_name(url: str) -> str:
    host = httpx.URL(url).host or url
    return host.split(".", 1)[0].lower()
