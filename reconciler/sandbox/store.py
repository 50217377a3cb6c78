"""The sandbox's state: a Maton key, its connections, and one ActiveCampaign account each.

Everything lives in memory. With a state path, the whole state is written to that JSON file
after every write (to a temporary file, then ``os.replace``, so a crash never leaves half a
file). ``opening.open_store`` loads the state file if it exists, else a seed file, else the
default account.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from reconciler.errors import ConfigError
from reconciler.sandbox.records import (
    DEFAULT_FIELD_GROUPS,
    Row,
    default_groups,
    new_group_definition,
    new_user,
)
from reconciler.sandbox.state_rows import row_problems, summarise

STATE_FORMAT = "acr-sandbox-state/1"
DEFAULT_MATON_KEY = "sandbox-maton-key"
DEFAULT_API_TOKEN = "sandbox-api-token"
DEFAULT_CONNECTION_ID = "0b6f5c1e-8a4d-4c2e-9f3a-5d7e2a1b0c01"
MATON_APP = "active-campaign"

TABLES = (
    "tags",
    "lists",
    "listGroups",
    "fields",
    "fieldOptions",
    "fieldRels",
    "dealGroups",
    "dealGroupUsers",
    "dealGroupGroups",
    "dealStages",
    "deals",
    "contacts",
    "contactTags",
    "contactLists",
    "fieldValues",
    "webhooks",
    "users",
    "dealCustomFieldMeta",
    "groupDefinitions",
    "groupMembers",
    "groups",
    "userGroups",
)

# What sets one account apart from another, beyond its rows (see docs/sandbox.md):
# - deals_access: False answers 403 on the deals endpoints, as for a user or a plan without
#   Deals access [R2];
# - stage_colors: the colours of a new pipeline's default stages, which differ between
#   accounts [V-rec R4: REC-2026 19CCA3/5487FF/FBD965, REC-2020 18D499/32B0FC...];
# - webhook_events: the events GET /webhook/events lists (None: every known one) [R10].
DEFAULT_SETTINGS: dict[str, Any] = {
    "deals_access": True,
    "stage_colors": ["19CCA3", "5487FF", "FBD965"],
    "webhook_events": None,
}


def utc_now() -> str:
    """Maton's timestamps: UTC with a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Account:
    """One ActiveCampaign account: tables of rows keyed by id, and one id counter per table."""

    def __init__(self, name: str = "sandbox") -> None:
        self.name = name
        self.tables: dict[str, dict[int, Row]] = {table: {} for table in TABLES}
        self.counters: dict[str, int] = {table: 0 for table in TABLES}
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)

    @property
    def link_base(self) -> str:
        """Where the account's own ``links`` point, as on a real account."""
        return f"https://{self.name}.api-us1.com/api/3"

    def insert(self, table: str, row: Row, ident: int | None = None) -> Row:
        """Store ``row`` under the next id (or ``ident``) and return it."""
        if ident is None:
            ident = self.counters[table] + 1
        self.counters[table] = max(self.counters[table], ident)
        row["id"] = ident
        self.tables[table][ident] = row
        return row

    def get(self, table: str, ident: int) -> Row | None:
        return self.tables[table].get(ident)

    def rows(self, table: str, **where: Any) -> list[Row]:
        """The rows of ``table`` in id order, those whose columns equal ``where``."""
        rows = (self.tables[table][key] for key in sorted(self.tables[table]))
        return [row for row in rows if all(row.get(k) == v for k, v in where.items())]

    def remove(self, table: str, ident: int) -> None:
        self.tables[table].pop(ident, None)

    def remove_where(self, table: str, keep: Callable[[Row], bool]) -> list[Row]:
        """Remove the rows for which ``keep`` is false; return them."""
        gone = [row for row in self.rows(table) if not keep(row)]
        for row in gone:
            self.remove(table, row["id"])
        return gone

    def data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "counters": dict(self.counters),
            "tables": {table: self.rows(table) for table in TABLES},
            "settings": dict(self.settings),
        }

    @classmethod
    def empty(cls, name: str = "sandbox") -> Account:
        """A new account with its one user (``GET /users/me`` answers id "1"), the user
        groups recorded accounts have (the admin group is id 3 and there is no group 1 [V-rec
        R1: REC-2020 ActiveCampaign_API_Groups, REC-2021 GroupGateway]) and the built-in field
        groups."""
        account = cls(name)
        account.insert("users", new_user())
        add_default_groups(account)
        account.add_field_groups()
        return account

    def add_field_groups(self) -> None:
        for order, (label, type_id) in enumerate(DEFAULT_FIELD_GROUPS, start=1):
            self.insert("groupDefinitions", new_group_definition(label, type_id, order))


def add_default_groups(account: Account) -> None:
    for ident, row in default_groups():
        account.insert("groups", row, ident)
    account.insert("userGroups", {"userid": 1, "groupid": 3})


@dataclass
class Connection:
    """A Maton connection to the ``active-campaign`` app, and the account behind it."""

    connection_id: str
    api_token: str
    account: Account
    status: str = "ACTIVE"
    creation_time: str = field(default_factory=utc_now)
    last_updated_time: str = ""
    method: str = "API_KEY"
    metadata: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        """The connection as Maton shows it [V-2nd MATON SKILL.md]."""
        return {
            "connection_id": self.connection_id,
            "status": self.status,
            "creation_time": self.creation_time,
            "last_updated_time": self.last_updated_time or self.creation_time,
            "url": f"https://connect.maton.ai/?session_token={self.connection_id[:8]}",
            "app": MATON_APP,
            "method": self.method,
            "metadata": dict(self.metadata),
        }


class _AccountState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    counters: dict[str, int]
    tables: dict[str, list[Any]]  # rows are checked by state_rows
    settings: dict[str, Any] = {}


class _ConnectionState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    connection_id: str
    api_token: str
    status: str
    creation_time: str
    last_updated_time: str
    method: str
    metadata: dict[str, Any]
    account: _AccountState


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str
    maton_key: str
    connections: list[_ConnectionState]


class SandboxStore:
    """The sandbox's whole state, saved to ``path`` after every write when a path is given."""

    def __init__(
        self, maton_key: str, connections: Iterable[Connection], path: Path | None = None
    ) -> None:
        self.maton_key = maton_key
        self.connections = list(connections)
        self.path = path
        self.lock = threading.RLock()

    @classmethod
    def default(cls) -> SandboxStore:
        """One Maton key, one active connection, an empty account with its one user."""
        connection = Connection(
            connection_id=DEFAULT_CONNECTION_ID,
            api_token=DEFAULT_API_TOKEN,
            account=Account.empty(),
            creation_time="2025-01-01T00:00:00.000000Z",
        )
        return cls(DEFAULT_MATON_KEY, [connection])

    @property
    def default_connection(self) -> str | None:
        """The id of the oldest active connection (Maton's default), if any."""
        found = self.oldest_active()
        return found.connection_id if found else None

    @property
    def api_tokens(self) -> dict[str, str]:
        """Connection id -> the direct-mode ``Api-Token`` of its account."""
        return {c.connection_id: c.api_token for c in self.connections}

    def oldest_active(self) -> Connection | None:
        active = [c for c in self.connections if c.status == "ACTIVE"]
        return min(active, key=lambda c: c.creation_time) if active else None

    def connection(self, connection_id: str) -> Connection | None:
        return next((c for c in self.connections if c.connection_id == connection_id), None)

    def by_token(self, token: str) -> Connection | None:
        return next((c for c in self.connections if c.api_token == token), None)

    def data(self) -> dict[str, Any]:
        connections = []
        for c in self.connections:
            entry = {k: v for k, v in c.data().items() if k not in {"url", "app"}}
            connections.append({**entry, "api_token": c.api_token, "account": c.account.data()})
        return {"format": STATE_FORMAT, "maton_key": self.maton_key, "connections": connections}

    def save(self) -> None:
        """Write the state to ``path`` atomically; a no-op without a path."""
        if self.path is None:
            return
        with self.lock:
            text = json.dumps(self.data(), indent=1, sort_keys=True)
            try:
                _write_atomically(self.path, text)
            except OSError as exc:
                raise ConfigError(
                    f"cannot save the sandbox state to {self.path}: {exc.strerror or exc}"
                ) from exc

    @classmethod
    def from_data(cls, data: Any, *, source: Path | str = "state") -> SandboxStore:
        """A store from the JSON a previous ``save`` wrote."""
        try:
            state = _State.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(f"sandbox state file {source} is malformed: {_first(exc)}") from exc
        if state.format != STATE_FORMAT:
            raise ConfigError(
                f"sandbox state file {source} has format {state.format!r}, "
                f"expected {STATE_FORMAT!r}; delete it or point --state elsewhere"
            )
        problems = _state_problems(state)
        if problems:
            raise ConfigError(
                f"sandbox state file {source} is malformed ({len(problems)} "
                f"problem{'s' if len(problems) != 1 else ''}):\n{summarise(problems)}\n"
                "Fix or delete it (`acr sandbox reset` starts afresh)."
            )
        connections = [_connection_from_state(c) for c in state.connections]
        return cls(state.maton_key, connections)


def _state_problems(state: _State) -> list[str]:
    problems: list[str] = []
    for number, connection in enumerate(state.connections):
        for table, rows in connection.account.tables.items():
            where = f"connections[{number}].account.tables.{table}"
            if table not in TABLES:
                problems.append(f"{where}: unknown table {table!r}")
            else:
                problems += row_problems(table, rows, where)
    return problems


def _connection_from_state(state: _ConnectionState) -> Connection:
    account = Account(state.account.name)
    for table, rows in state.account.tables.items():
        for row in rows:  # checked by _state_problems
            account.insert(table, dict(row), row["id"])
    if "groupDefinitions" not in state.account.tables:  # a state saved before they existed
        account.add_field_groups()
    for table, count in state.account.counters.items():
        if table in account.counters:
            account.counters[table] = max(account.counters[table], count)
    if "groups" not in state.account.tables:  # a state file from before user groups
        add_default_groups(account)
    account.settings.update(state.account.settings)
    return Connection(
        connection_id=state.connection_id,
        api_token=state.api_token,
        account=account,
        status=state.status,
        creation_time=state.creation_time,
        last_updated_time=state.last_updated_time,
        method=state.method,
        metadata=state.metadata,
    )


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_state_folder(state: Path) -> None:
    """Refuse, before anything is served, a state file whose folder cannot be written: the
    state is saved after every write, and a failed save would fail that write."""
    try:
        state.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=state.parent, prefix=f".{state.name}.probe.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ConfigError(
            f"cannot keep the sandbox state in {state}: {state.parent} is not a writable "
            f"folder ({exc.strerror or exc}); run from a writable folder or choose another "
            "state file"
        ) from exc


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read sandbox file {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"sandbox file {path} is not valid JSON: {exc}") from exc


def _first(exc: ValidationError) -> str:
    """The first validation problem as "path: message"."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    more = len(exc.errors()) - 1
    return f"{where}: {error['msg']}" + (f" (and {more} more)" if more else "")
