"""``acr sandbox serve``: the sandbox app under uvicorn, on loopback only.

Nothing here prints: the lines telling where the sandbox listens and which credentials to use
go through ``announce``; uvicorn logs warnings only and no access log.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import socket
from collections.abc import Callable

import uvicorn

from reconciler.errors import ConfigError
from reconciler.sandbox.app import create_app
from reconciler.sandbox.faults import FaultOptions, quiet_drops
from reconciler.sandbox.store import SandboxStore


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def describe(store: SandboxStore, base_url: str) -> list[str]:
    """What a user needs to point acr (or curl) at the sandbox."""
    lines = [
        f"acr sandbox listening on {base_url} (Ctrl-C to stop)",
        f"MATON_GATEWAY_URL={base_url}",
        f"MATON_API_KEY={store.maton_key}",
    ]
    for connection in store.connections:
        default = " (default)" if connection.connection_id == store.default_connection else ""
        lines.append(
            f"connection {connection.connection_id} {connection.status}{default}, account "
            f"{connection.account.name}: direct mode ACTIVECAMPAIGN_URL={base_url} "
            f"ACTIVECAMPAIGN_API_TOKEN={connection.api_token}"
        )
    if store.path is not None:
        lines.append(f"state saved to {store.path}")
    return lines


class _Server(uvicorn.Server):
    """Announces once the socket accepts connections."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.on_started()


def serve(
    store: SandboxStore,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    latency_ms: int = 0,
    rate_limit: float | None = 5.0,
    faults: FaultOptions | None = None,
    announce: Callable[[str], None],
) -> None:
    """Serve ``store`` on ``host:port`` until Ctrl-C (or SIGTERM), then return.

    Only loopback addresses are accepted: the sandbox has fixed, published credentials.
    """
    if not is_loopback(host):
        raise ConfigError(
            f"the sandbox only listens on loopback (127.0.0.1, ::1, localhost), not {host!r}"
        )
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    base_url = f"http://{shown}:{bound_port}"
    app = create_app(store, latency_ms=latency_ms, rate_limit=rate_limit, faults=faults)
    if faults is not None and faults.rate > 0:
        quiet_drops()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")

    def started() -> None:
        for line in describe(store, base_url):
            announce(line)
        if faults is not None and faults.rate > 0:
            announce(f"injecting faults into {faults.rate:.0%} of requests (seed {faults.seed})")

    server = _Server(config, started)
    # The store lives as long as the server: keep the collector from walking it on every
    # full collection, which would stall all answers for tens of milliseconds (and so bunch
    # the requests that the rate limit counts) on a large account.
    gc.freeze()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully, then re-raises the SIGINT it caught.
        pass
    finally:
        sock.close()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say so, and
    # without it every answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}{_bind_hint(exc, port)}"
        ) from exc
    sock.set_inheritable(True)
    return sock


def _bind_hint(exc: OSError, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "; another program listens there: stop it or choose another --port (0: any free)"
    if exc.errno in (errno.EACCES, errno.EPERM) and 0 < port < 1024:
        return "; ports below 1024 need privileges: choose another --port, e.g. 8787"
    return ""
