"""A small manifest with every kind, and ways to change one attribute of it."""

from __future__ import annotations

import copy
from typing import Any

from ruamel.yaml import YAML

BASE: dict[str, Any] = {
    "tags": [{"name": "VIP", "description": "Top customers"}],
    "lists": [
        {"stringid": "newsletter", "name": "Newsletter", "sender_url": "https://example.com",
         "sender_reminder": "You signed up."},
        {"stringid": "customers", "name": "Customers", "sender_url": "https://example.com",
         "sender_reminder": "You bought."},
    ],
    "fields": [
        {"title": "Plan", "perstag": "PLAN", "type": "dropdown", "description": "Plan",
         "default": "free", "options": ["free", {"value": "pro", "label": "Pro"}],
         "lists": ["newsletter"]},
        {"title": "Notes", "type": "textarea"},
    ],
    "pipelines": [
        {"title": "Sales", "currency": "usd", "allgroups": True, "allusers": False,
         "autoassign": "off",
         "stages": ["Lead", {"title": "Qualified", "color": "32B0FC", "width": 300,
                             "deal_order": "title ASC"}, "Won"]},
    ],
    "webhooks": [
        {"name": "CRM sync", "url": "https://hooks.example.com/a", "events": ["subscribe"],
         "sources": ["public", "api"], "list": "newsletter"},
    ],
}  # fmt: skip


def manifest(**changes: Any) -> dict[str, Any]:
    """BASE with ``changes``: ``{"tags.0.description": "x"}`` sets a value by path."""
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return data


def dump(data: dict[str, Any]) -> str:
    import io

    out = io.StringIO()
    YAML().dump(data, out)
    return out.getvalue()
