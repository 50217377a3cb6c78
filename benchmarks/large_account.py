"""A large account for the benchmarks: 10,000 tags, 300 lists, 500 fields with 2,000 options,
50 pipelines of 8 stages and 100 webhooks (11,350 objects), as a sandbox seed and as the
manifests that describe it exactly.

The seed is loaded into the sandbox's store directly (seeding 11,350 objects over HTTP at
5 requests per second would take 40 minutes); every plan then reads it over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TAGS, LISTS, FIELDS, OPTIONS, PIPELINES, STAGES, WEBHOOKS = 10_000, 300, 500, 4, 50, 8, 100
OBJECTS = TAGS + LISTS + FIELDS + PIPELINES + PIPELINES * STAGES + WEBHOOKS


def tags(described: int = 0) -> list[dict[str, Any]]:
    """The tags; the first ``described`` get a description the account does not have."""
    return [
        {"name": f"Tag {i:05d}", "description": "Reviewed" if i < described else ""}
        for i in range(TAGS)
    ]


def lists() -> list[dict[str, Any]]:
    return [
        {"stringid": f"list-{i:03d}", "name": f"List {i:03d}", "sender_url": "https://example.com",
         "sender_reminder": "You signed up on our website."}
        for i in range(LISTS)
    ]  # fmt: skip


def fields() -> list[dict[str, Any]]:
    return [
        {"title": f"Field {i:03d}", "type": "dropdown", "lists": "all",
         "options": [f"Option {i}-{k}" for k in range(OPTIONS)]}
        for i in range(FIELDS)
    ]  # fmt: skip


def pipelines() -> list[dict[str, Any]]:
    return [
        {"title": f"Pipeline {i:02d}", "currency": "usd",
         "stages": [f"Stage {k}" for k in range(STAGES)]}
        for i in range(PIPELINES)
    ]  # fmt: skip


def webhooks() -> list[dict[str, Any]]:
    return [
        {"name": f"Hook {i:03d}", "url": f"https://hooks.example.com/{i}",
         "events": ["subscribe", "unsubscribe"], "sources": ["public", "admin"],
         "list": f"list-{i:03d}"}
        for i in range(WEBHOOKS)
    ]  # fmt: skip


def connection_id(n: int) -> str:
    """The Maton connection of the seed's account ``n``."""
    return f"{n + 1:08d}-0000-4000-8000-00000000a11e"


def seed(path: Path, accounts: int = 1) -> Path:
    """Write a seed of ``accounts`` copies of the large account, each reached through its
    ``connection_id`` (the first is the gateway's default); returns ``path``."""
    account = {"tags": tags(), "lists": lists(), "fields": fields(), "pipelines": pipelines(),
               "webhooks": webhooks()}  # fmt: skip
    connections = [
        {"account": f"large-{n}", "connection_id": connection_id(n), **account}
        for n in range(accounts)
    ]
    path.write_text(json.dumps({"connections": connections}), encoding="utf-8")
    return path


def manifests(folder: Path, *, described: int = 0) -> Path:
    """Write the manifests of the large account into ``folder`` (one file per section),
    with ``described`` tags changed; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    sections = {"tags": tags(described), "lists": lists(), "fields": fields(),
                "pipelines": pipelines(), "webhooks": webhooks()}  # fmt: skip
    for name, entries in sections.items():
        (folder / f"{name}.yaml").write_text(to_yaml(name, entries), encoding="utf-8")
    return folder


def to_yaml(section: str, entries: list[dict[str, Any]]) -> str:
    """Block-style YAML, as people write manifests (JSON strings are valid YAML scalars)."""
    lines = [f"{section}:"]
    for entry in entries:
        lead = "  - "
        for key, value in entry.items():
            if isinstance(value, list):
                lines.append(f"{lead}{key}:")
                lines += [f"      - {json.dumps(item)}" for item in value]
            else:
                lines.append(f"{lead}{key}: {json.dumps(value)}")
            lead = "    "
    return "\n".join(lines) + "\n"
