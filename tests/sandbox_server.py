"""Run the sandbox over real HTTP on loopback, for tests anywhere in the suite.

    with run_sandbox(rate_limit=None) as sandbox:
        httpx.get(f"{sandbox.api}/tags", headers=sandbox.maton_headers())

Each call serves a fresh sandbox (its own store, limits and faults) on a free 127.0.0.1 port.
The uvicorn servers behind the ports are started once per test session and reused: a block
borrows an idle one and gives it back at its end.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from reconciler.sandbox import SandboxStore, create_app, open_store
from reconciler.sandbox.faults import FaultOptions, quiet_drops


@dataclass
class RunningSandbox:
    """A sandbox being served: where it is and the credentials to use."""

    url: str  # base URL, e.g. http://127.0.0.1:54321 (MATON_GATEWAY_URL)
    key: str  # the Maton API key
    store: SandboxStore
    connection: str  # the default connection id
    # Every request served, as (method, path, status), in arrival order.
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    # Faults for tests, by "METHOD /path" under /api/3: "ignore" answers 200 ``{}`` and keeps
    # nothing (a write that does not stick); a callable runs after the request is served.
    faults: dict[str, Any] = field(default_factory=dict)

    def api_calls(self) -> list[tuple[str, str]]:
        """The ActiveCampaign API requests served, as (method, path under /api/3)."""
        out = []
        for method, path, _ in self.requests:
            for prefix in ("/active-campaign/api/3", "/api/3"):
                if path.startswith(prefix):
                    out.append((method, path[len(prefix) :]))
                    break
        return out

    @property
    def api(self) -> str:
        """The Maton path prefix of ActiveCampaign's API."""
        return f"{self.url}/active-campaign/api/3"

    @property
    def direct_api(self) -> str:
        return f"{self.url}/api/3"

    @property
    def token(self) -> str:
        """The direct-mode Api-Token of the default connection's account."""
        return self.store.api_tokens[self.connection]

    def maton_headers(self, connection: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}"}
        if connection is not None:
            headers["Maton-Connection"] = connection
        return headers

    def client(self, connection: str | None = None, **kwargs: Any) -> httpx.Client:
        """An httpx client on the Maton API prefix (``client.get("/tags")``)."""
        return httpx.Client(
            base_url=self.api, headers=self.maton_headers(connection), timeout=10, **kwargs
        )

    def direct_client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Api-Token": token or self.token}
        return httpx.Client(base_url=self.direct_api, headers=headers, timeout=10, **kwargs)


@contextmanager
def run_sandbox(
    *,
    seed: Path | None = None,
    state: Path | None = None,
    store: SandboxStore | None = None,
    rate_limit: float | None = 5.0,
    maton_rate_limit: float | None = 10.0,
    latency_ms: int = 0,
    inject_faults: FaultOptions | None = None,
) -> Iterator[RunningSandbox]:
    """Serve a sandbox (``store``, or one opened from ``state``/``seed``) until the block ends.

    The limits default to the real ones; pass ``rate_limit=None, maton_rate_limit=None`` for
    fast tests that do not test the limits. ``inject_faults`` injects seeded failures
    (``reconciler.sandbox.faults``).
    """
    if store is None:
        store = open_store(state=state, seed=seed)
    inner = create_app(
        store,
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        maton_rate_limit=maton_rate_limit,
        faults=inject_faults,
    )
    if inject_faults is not None:
        quiet_drops()
    served: list[tuple[str, str, int]] = []
    faults: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return

        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                served.append((scope["method"], scope["path"], message["status"]))
            await send(message)

        api_path = scope["path"].split("/api/3", 1)[-1]
        fault = faults.get(f"{scope['method']} {api_path}")
        if fault == "ignore":
            await record({"type": "http.response.start", "status": 200,
                          "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b"{}"})
            return
        await inner(scope, receive, record)
        if callable(fault):
            fault()

    server = _borrow()
    server.app = app
    try:
        yield RunningSandbox(
            url=server.url,
            key=store.maton_key,
            store=store,
            connection=store.default_connection or "",
            requests=served,
            faults=faults,
        )
    finally:
        server.app = None
        _IDLE.append(server)


class _Server:
    """One uvicorn server on a loopback port, started once and lent to one ``run_sandbox``
    block at a time; its ``app`` is that block's sandbox. Stopping uvicorn costs 0.2 s, so
    the servers live as long as the test session (their threads are daemons)."""

    def __init__(self) -> None:
        self.app: Any = None
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on such sockets (else ~40 ms
        # a call).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(
            self._serve, log_level="warning", access_log=False, lifespan="off", interface="asgi3"
        )
        self._server = uvicorn.Server(config)
        thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        _wait_started(self._server, thread)

    async def _serve(self, scope: Any, receive: Any, send: Any) -> None:
        app = self.app
        if app is None:  # a request after its test ended: refuse it as a stopped server would
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)


_IDLE: list[_Server] = []  # servers between two run_sandbox blocks, for the next one


def _borrow() -> _Server:
    return _IDLE.pop() if _IDLE else _Server()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
