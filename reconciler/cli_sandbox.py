"""``acr sandbox``: serve the built-in sandbox, or start its state afresh. Part of the
command line (``cli.py`` adds the group): it parses, prints and leaves exiting to
``cli.main``. The sandbox itself is imported by the commands, not at start-up."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.errors import ConfigError

SANDBOX_STATE = Path(".acr/sandbox.json")  # reconciler.session.SANDBOX_STATE (a test checks)


@click.group()
def sandbox() -> None:
    """The built-in sandbox: a local stand-in for the Maton gateway and ActiveCampaign."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8787, show_default=True, type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)  # fmt: skip
@click.option("--state", metavar="FILE", help="Keep the state in FILE (kept across restarts).")
@click.option("--seed", metavar="FILE", help="Start from this seed when there is no state yet.")
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Delay every answer.")
@click.option(
    "--rate-limit", default=5.0, show_default=True, type=float,
    help="Requests per second per account before 429 (0: no limit).",
)  # fmt: skip
@click.option(
    "--faults", "fault_rate", default=0.0, type=click.FloatRange(0, 1), metavar="RATE",
    help="Share of requests (0 to 1) answered with a fault: 5xx, drops, timeouts, 403s.",
)  # fmt: skip
@click.option("--fault-seed", default=0, show_default=True, type=int, help="Seed of the faults.")
def serve(
    host: str,
    port: int,
    state: str | None,
    seed: str | None,
    latency_ms: int,
    rate_limit: float,
    fault_rate: float,
    fault_seed: int,
) -> None:
    """Serve the sandbox over HTTP until Ctrl-C. Point MATON_GATEWAY_URL at it."""
    from reconciler.sandbox import open_store
    from reconciler.sandbox.faults import FaultOptions
    from reconciler.sandbox.server import serve as run

    store = open_store(_path(state), _path(seed))
    run(
        store,
        host=host,
        port=port,
        latency_ms=latency_ms,
        rate_limit=rate_limit or None,
        faults=FaultOptions(fault_rate, fault_seed) if fault_rate else None,
        announce=lambda line: click.echo(line, err=True),
    )


@sandbox.command()
@click.option("--seed", metavar="FILE", help="Seed file (default: an empty account).")
@click.option(
    "--state", default=str(SANDBOX_STATE), show_default=True, metavar="FILE",
    help="The state file to start afresh.",
)  # fmt: skip
def reset(seed: str | None, state: str) -> None:
    """Start the sandbox state afresh, empty or from a seed (what --sandbox runs against)."""
    from reconciler.sandbox import open_store
    from reconciler.sandbox.store import check_state_folder

    path = Path(state)
    check_state_folder(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot remove {path}: {exc.strerror or exc}") from exc
    open_store(path, _path(seed)).save()
    click.echo(f"Sandbox state {path} reset{f' from {seed}' if seed else ''}.", err=True)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None
