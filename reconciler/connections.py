"""``acr connections``: the Maton key's active-campaign connections, which target uses each,
and what is wrong with them (pure, apart from ``read_connections``).

Maton lists connections at ``GET {MATON_CONTROL_URL}/connections?app=active-campaign``;
each has ``connection_id``, ``status`` (ACTIVE, PENDING, FAILED) and ``creation_time``
[V-2nd MATON]. Without ``Maton-Connection`` the gateway uses the oldest active one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.endpoint import DEFAULT_GATEWAY
from reconciler.errors import ApiError, ConfigError, ReconcilerError
from reconciler.manifest import Target
from reconciler.session import Session

ACTIVE = "ACTIVE"
ADVICE = {
    "PENDING": "its authorisation was never finished: finish it in Maton (maton.ai), or "
    "create a new connection",
    "FAILED": "its authorisation failed: create a new connection (maton.ai) and point the "
    "target at it",
}


def control_url(env: Mapping[str, str], gateway: str | None) -> str | None:
    """Where ``/connections`` is: MATON_CONTROL_URL; else the gateway when MATON_GATEWAY_URL
    moved it (a sandbox answers both), so that a local run never reaches api.maton.ai; else
    the default, https://api.maton.ai (older docs: ctrl.maton.ai) [V-2nd MATON]."""
    own = (env.get("MATON_CONTROL_URL") or "").strip().rstrip("/")
    if own:
        return own
    if gateway is not None and gateway != DEFAULT_GATEWAY:
        return gateway
    return DEFAULT_GATEWAY


@dataclass(frozen=True)
class Row:
    connection: str
    status: str
    created: str
    targets: tuple[str, ...]  # the targets that use it ("x (default)" when by default)
    problem: str | None = None


@dataclass(frozen=True)
class Report:
    rows: tuple[Row, ...]
    missing: tuple[str, ...]  # 'target "x": connection ... does not exist'
    direct: tuple[str, ...]  # targets that call ActiveCampaign directly

    @property
    def problems(self) -> list[str]:
        flagged = [
            f'target "{name}": connection {row.connection} is {row.status}: {row.problem}'
            for row in self.rows
            if row.problem
            for name in row.targets
        ]
        return flagged + list(self.missing)


async def read_connections(session: Session, env: Mapping[str, str]) -> list[dict[str, Any]]:
    async with session.client() as client:
        return await client.connections(control_url(env, session.endpoint.gateway))


def report(listing: Sequence[Mapping[str, Any]], targets: Sequence[Target]) -> Report:
    """Each connection with the targets that use it; targets whose connection is missing."""
    rows = sorted(listing, key=lambda c: (str(c.get("creation_time", "")), _id(c)))
    active = [c for c in rows if c.get("status") == ACTIVE]
    default = _id(active[0]) if active else None
    users: dict[str, list[str]] = {}
    missing, direct = [], []
    ids = {_id(c) for c in rows}
    for target in targets:
        if target.url is not None:
            direct.append(target.name)
        elif target.connection is None:
            if default is None:
                missing.append(f'target "{target.name}": no active connection to use by default')
            else:
                users.setdefault(default, []).append(f"{target.name} (default)")
        elif target.connection in ids:
            users.setdefault(target.connection, []).append(target.name)
        else:
            missing.append(
                f'target "{target.name}": connection {target.connection} does not exist for '
                "this Maton key: check the id, or create the connection (maton.ai)"
            )
    out = []
    for c in rows:
        status = str(c.get("status", "?"))
        problem = None if status == ACTIVE else ADVICE.get(status, "it is not active")
        out.append(
            Row(_id(c), status, _when(c), tuple(users.get(_id(c), [])), problem)  # fmt: skip
        )
    return Report(tuple(out), tuple(missing), tuple(direct))


def render_report(found: Report, where: str) -> str:
    count = len(found.rows)
    lines = [f"Maton connections for active-campaign ({count}), from {where}", ""]
    if found.rows:
        table = [("connection", "status", "created", "used by")] + [
            (r.connection, r.status + (" !" if r.problem else ""), r.created, ", ".join(r.targets))
            for r in found.rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(3)]
        for row in table:
            cells = [row[i].ljust(widths[i]) for i in range(3)] + [row[3] or "-"]
            lines.append("  " + "  ".join(cells).rstrip())
    else:
        lines.append("  none: create one at maton.ai (app active-campaign)")
    if found.direct:
        lines += ["", f"Direct targets (no connection): {', '.join(found.direct)}"]
    if found.problems:
        lines += ["", "Problems:"] + [f"  - {text}" for text in found.problems]
    return "\n".join(lines) + "\n"


async def explain(
    session: Session, target: Target, env: Mapping[str, str], error: ApiError
) -> ReconcilerError:
    """A clearer error for a target whose connection the gateway refused (400: no usable
    connection [V-2nd MATON]): one read of ``/connections`` says whether it is missing or
    not active. Only made after the failure, so a healthy run costs no call."""
    try:
        listing = await read_connections(session, env)
    except ReconcilerError:
        return ConfigError(f'target "{target.name}": {error}')
    found = report(listing, [target])
    if found.problems:
        return ConfigError(f"{found.problems[0]}. Run `acr connections` to see them all.")
    return ConfigError(f'target "{target.name}": {error}')


def _id(connection: Mapping[str, Any]) -> str:
    return str(connection.get("connection_id", "?"))


def _when(connection: Mapping[str, Any]) -> str:
    text = str(connection.get("creation_time", ""))
    return text[:16].replace("T", " ") + " UTC" if len(text) >= 16 else text or "-"
