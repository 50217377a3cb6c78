"""Seed files: a short JSON description of accounts that the sandbox starts from.

The format (documented with an example in docs/sandbox.md) mirrors the manifests: objects are
named, not numbered; lists are referred to by ``stringid``, tags by name, contacts by email.
Ids and timestamps are optional and assigned on load.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reconciler.errors import ConfigError
from reconciler.sandbox.records import (
    DEAL_FIELD_TYPES,
    DEAL_GROUP_TYPE,
    FIELD_TYPES,
    WEBHOOK_EVENTS,
    WEBHOOK_SOURCES,
    Row,
    default_stages,
    new_contact,
    new_contact_tag,
    new_deal,
    new_deal_field,
    new_field,
    new_field_option,
    new_field_rel,
    new_group,
    new_group_member,
    new_list,
    new_pipeline,
    new_stage,
    new_tag,
    new_webhook,
)
from reconciler.sandbox.seed_models import (
    SeedConnection,
    SeedContact,
    SeedDeal,
    SeedDealField,
    SeedField,
    SeedFile,
    SeedOption,
    SeedPipeline,
    SeedStage,
    SeedTag,
    SeedWebhook,
)
from reconciler.sandbox.store import (
    DEFAULT_API_TOKEN,
    DEFAULT_CONNECTION_ID,
    DEFAULT_MATON_KEY,
    Account,
    Connection,
    SandboxStore,
)


def load_seed(data: Any, *, source: Path | str = "seed") -> SandboxStore:
    """A store from a seed file's JSON; ``ConfigError`` naming ``source`` when it is malformed.

    A file without ``connections`` describes the one account of the default connection.
    """
    if isinstance(data, dict) and "connections" not in data:
        rest = {k: v for k, v in data.items() if k != "maton_key"}
        data = {"maton_key": data.get("maton_key", DEFAULT_MATON_KEY), "connections": [rest]}
    try:
        seed = SeedFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = f"sandbox seed file {source} is malformed: {where}: {error['msg']}"
        raise ConfigError(message) from exc
    connections = []
    for index, entry in enumerate(seed.connections):
        try:
            connections.append(_connection(index, entry))
        except ValueError as exc:
            raise ConfigError(f"sandbox seed file {source}: connections.{index}: {exc}") from exc
    for attr in ("connection_id", "api_token"):
        values = [getattr(c, attr) for c in connections]
        if len(set(values)) != len(values):
            raise ConfigError(f"sandbox seed file {source}: two connections share a {attr}")
    return SandboxStore(seed.maton_key, connections)


def _connection(index: int, seed: SeedConnection) -> Connection:
    """The ``index``-th connection: the first gets the default id, token and account name;
    creation times follow the file's order, so the first active one is Maton's default."""
    first = index == 0
    generated = str(uuid.uuid5(uuid.NAMESPACE_URL, f"acr-sandbox/{index}"))
    created = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=index)
    name = seed.account or ("sandbox" if first else f"sandbox{index + 1}")
    return Connection(
        connection_id=seed.connection_id or (DEFAULT_CONNECTION_ID if first else generated),
        api_token=seed.api_token
        or (DEFAULT_API_TOKEN if first else f"{DEFAULT_API_TOKEN}-{index + 1}"),
        account=_Builder(name).build(seed),
        status=seed.status,
        creation_time=created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )


class _Builder:
    """Fills one account from its seed; explicit ids are reserved before any id is assigned."""

    def __init__(self, name: str) -> None:
        self.account = Account.empty(name)
        self.reserved: dict[str, set[int]] = {}

    def add(self, table: str, row: Row, ident: int | None, cdate: str | None = None) -> Row:
        if ident is not None and self.account.get(table, ident) is not None:
            raise ValueError(f"two {table} have id {ident}")
        if ident is None:
            ident = self.account.counters[table] + 1
            while ident in self.reserved.get(table, ()):
                ident += 1
        if cdate is not None:
            row["cdate"] = cdate
        return self.account.insert(table, row, ident)

    def reserve(self, seed: SeedConnection) -> None:
        def mark(table: str, items: list[Any]) -> None:
            self.reserved.setdefault(table, set()).update(
                item.id for item in items if getattr(item, "id", None) is not None
            )

        mark("tags", seed.tags)
        mark("lists", seed.lists)
        mark("fields", seed.fields)
        mark("fieldOptions", [o for f in seed.fields for o in f.options])
        mark("dealGroups", seed.pipelines)
        stages = [s for p in seed.pipelines for s in p.stages or []]
        mark("dealStages", stages)
        mark("deals", [d for s in stages if isinstance(s, SeedStage) for d in s.deals])
        mark("webhooks", seed.webhooks)
        mark("contacts", seed.contacts)
        mark("dealCustomFieldMeta", seed.deal_fields)

    def build(self, seed: SeedConnection) -> Account:
        self.reserve(seed)
        self.settings(seed)
        for tag in seed.tags:
            entry = SeedTag(name=tag) if isinstance(tag, str) else tag
            row = new_tag(entry.name, entry.type, entry.description)
            self.add("tags", row, entry.id, entry.cdate)
        for item in seed.lists:
            attrs = item.model_dump(exclude={"id", "cdate"})
            attrs["send_last_broadcast"] = int(item.send_last_broadcast)
            self.add("lists", new_list(attrs), item.id, item.cdate)
        for field in seed.fields:
            self.field(field)
        for contact in seed.contacts:
            self.contact(contact)
        for pipeline in seed.pipelines:
            self.pipeline(pipeline)
        for hook in seed.webhooks:
            self.webhook(hook)
        for deal_field in seed.deal_fields:
            self.deal_field(deal_field)
        return self.account

    def settings(self, seed: SeedConnection) -> None:
        settings = self.account.settings
        settings["deals_access"] = seed.deals_access
        if seed.stage_colors is not None:
            bad = [c for c in seed.stage_colors if not re.fullmatch(r"[0-9A-Fa-f]{6}", c)]
            if bad:
                raise ValueError(f"stage_colors: not six hex digits: {bad}")
            settings["stage_colors"] = [c.upper() for c in seed.stage_colors]
        if seed.webhook_events is not None:
            unknown = sorted(set(seed.webhook_events) - set(WEBHOOK_EVENTS))
            if unknown:
                raise ValueError(f"webhook_events: unknown events {unknown}")
            settings["webhook_events"] = list(seed.webhook_events)
        if seed.groups is not None:
            self.account.tables["groups"].clear()
            self.account.tables["userGroups"].clear()
            for group in seed.groups:
                self.add("groups", new_group(group.title, group.description, group.admin), group.id)
            admins = [g.id for g in seed.groups if g.admin]
            chosen = seed.user_group if seed.user_group is not None else next(iter(admins), None)
            if chosen is not None:
                if self.account.get("groups", chosen) is None:
                    raise ValueError(f"user_group: no group with id {chosen}")
                self.add("userGroups", {"userid": 1, "groupid": chosen}, None)

    def list_id(self, stringid: str) -> int:
        for row in self.account.rows("lists"):
            if row["stringid"] == stringid:
                return int(row["id"])
        raise ValueError(f"no list with stringid {stringid!r}")

    def field(self, seed: SeedField) -> None:
        if seed.type not in FIELD_TYPES:
            raise ValueError(f"field {seed.title!r}: unknown type {seed.type!r}")
        attrs = {
            "title": seed.title,
            "type": seed.type,
            "perstag": seed.perstag,
            "descript": seed.description,
            "defval": seed.default,
            "visible": int(seed.visible),
        }
        row = self.add(
            "fields", new_field(attrs, len(self.account.rows("fields")) + 1), seed.id, seed.cdate
        )
        for order, option in enumerate(seed.options, start=1):
            entry = SeedOption(value=option) if isinstance(option, str) else option
            label = entry.label if entry.label is not None else entry.value
            made = new_field_option(row["id"], entry.value, label, order, int(entry.default))
            self.add("fieldOptions", made, entry.id)
        relids = [0] if seed.lists == "all" else [self.list_id(s) for s in seed.lists]
        for relid in relids:
            self.add("fieldRels", new_field_rel(row["id"], relid), None)

    def contact(self, seed: SeedContact) -> None:
        row = self.add(
            "contacts", new_contact(seed.email, seed.first_name, seed.last_name), seed.id
        )
        for name in seed.tags:
            tags = [
                t
                for t in self.account.rows("tags", tagType="contact")
                if t["tag"].casefold() == name.casefold()
            ]
            if not tags:
                raise ValueError(f"contact {seed.email!r}: no contact tag named {name!r}")
            self.add("contactTags", new_contact_tag(row["id"], tags[0]["id"]), None)

    def pipeline(self, seed: SeedPipeline) -> None:
        row = self.add("dealGroups", new_pipeline(seed.title, seed.currency), seed.id, seed.cdate)
        if seed.stages is None:
            for stage in default_stages(row["id"], self.account.settings["stage_colors"]):
                self.add("dealStages", stage, None)
            return
        for order, item in enumerate(seed.stages, start=1):
            entry = SeedStage(title=item) if isinstance(item, str) else item
            attrs = {k: v for k, v in (("color", entry.color), ("width", entry.width)) if v}
            stage = self.add(
                "dealStages", new_stage(row["id"], entry.title, order, attrs), entry.id, entry.cdate
            )
            for deal in entry.deals:
                self.deal(row, stage, SeedDeal(title=deal) if isinstance(deal, str) else deal)

    def deal(self, pipeline: Row, stage: Row, seed: SeedDeal) -> None:
        contact = None
        if seed.contact is not None:
            found = [c for c in self.account.rows("contacts") if c["email"] == seed.contact]
            if not found:
                raise ValueError(f"deal {seed.title!r}: no contact with email {seed.contact!r}")
            contact = found[0]["id"]
        attrs = {
            "title": seed.title,
            "value": seed.value,
            "group": pipeline["id"],
            "stage": stage["id"],
            "contact": contact,
            "currency": seed.currency or pipeline["currency"],
        }
        self.add("deals", new_deal(attrs), seed.id)

    def webhook(self, seed: SeedWebhook) -> None:
        for values, allowed, what in (
            (seed.events, WEBHOOK_EVENTS, "event"),
            (seed.sources, WEBHOOK_SOURCES, "source"),
        ):
            unknown = sorted(set(values) - set(allowed))
            if unknown:
                raise ValueError(f"webhook {seed.name!r}: unknown {what}s {unknown}")
        listid = self.list_id(seed.list_stringid) if seed.list_stringid else 0
        attrs = {
            "name": seed.name,
            "url": seed.url,
            "events": seed.events,
            "sources": seed.sources,
            "listid": listid,
        }
        self.add("webhooks", new_webhook(attrs), seed.id, seed.cdate)

    def deal_field(self, seed: SeedDealField) -> None:
        if seed.type not in DEAL_FIELD_TYPES:
            raise ValueError(f"deal field {seed.label!r}: unknown type {seed.type!r}")
        attrs = {
            "fieldLabel": seed.label,
            "fieldType": seed.type,
            "fieldOptions": seed.options,
            "fieldDefault": seed.default,
            "isRequired": int(seed.required),
            "isFormVisible": int(seed.visible),
        }
        order = len(self.account.rows("dealCustomFieldMeta")) + 1
        row = self.add("dealCustomFieldMeta", new_deal_field(attrs, order), seed.id)
        if seed.in_group:
            group = self.account.rows("groupDefinitions", type_id=DEAL_GROUP_TYPE)[0]
            members = self.account.rows("groupMembers", group_id=group["id"])
            member = new_group_member(group["id"], row["id"], len(members) + 1)
            self.add("groupMembers", member, None)
