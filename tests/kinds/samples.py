"""The small sample each kind gives the kind contract test: a manifest holding one object of
the kind (and what it needs), where that object is, how to rename it, and a new value for
each attribute it manages. A kind registered without a sample fails the contract test."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    manifest: dict[str, Any]
    entry: str  # where the object is in the manifest: "tags.0", "pipelines.0.stages.1"
    identity: str  # the key that names it ("name"), and a new value for a rename
    renamed: str
    # (manifest key, new value, the attribute the plan shows changed)
    changes: tuple[tuple[str, Any, str], ...]
    prune: str | None  # the section pruned to delete it; None: leaving it out deletes it
    # A new value for each of the kind's ``fixed`` attributes (never changed in place)
    fixed: tuple[tuple[str, Any], ...] = ()

    def edit(self, key: str, value: Any) -> dict[str, Any]:
        data = copy.deepcopy(self.manifest)
        entry = _node(data, self.entry)
        entry[key] = value
        return data

    def rename(self) -> dict[str, Any]:
        data = copy.deepcopy(self.manifest)
        entry = _node(data, self.entry)
        entry["renamed_from"] = [entry[self.identity]]
        entry[self.identity] = self.renamed
        return data

    def without(self) -> dict[str, Any]:
        data = copy.deepcopy(self.manifest)
        *parent, index = self.entry.split(".")
        del _node(data, ".".join(parent))[int(index)]
        return data


def _node(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if part.isdigit() else data[part]
    return data


def _list(stringid: str) -> dict[str, Any]:
    return {"stringid": stringid, "name": stringid.title(), "sender_url": "https://example.com",
            "sender_reminder": "You signed up."}  # fmt: skip


SAMPLES: dict[str, Sample] = {
    "tag": Sample(
        {"tags": [{"name": "VIP", "description": "Top customers"}]},
        "tags.0", "name", "Very Important",
        (("description", "Best customers", "description"), ("name", "vip", "name")),
        prune="tags",
    ),
    "list": Sample(
        {"lists": [_list("newsletter")]},
        "lists.0", "stringid", "news",
        (("name", "The Newsletter", "name"), ("sender_url", "https://example.org", "sender_url"),
         ("sender_reminder", "You asked.", "sender_reminder"),
         ("send_last_broadcast", True, "send_last_broadcast"),
         ("carboncopy", "cc@example.com", "carboncopy"),
         ("subscription_notify", "n@example.com", "subscription_notify"),
         ("unsubscription_notify", "u@example.com", "unsubscription_notify")),
        prune="lists",
    ),
    "field": Sample(
        {"lists": [_list("newsletter"), _list("customers")],
         "fields": [{"title": "Plan", "type": "dropdown", "description": "The plan",
                     "default": "free", "options": ["free", "pro"], "lists": ["newsletter"]}]},
        "fields.0", "title", "Tier",
        (("description", "Plan", "description"),
         ("default", "pro", "default"), ("options", ["pro", "free", "max"], "options"),
         ("lists", ["customers"], "lists"), ("lists", "all", "lists")),
        prune="fields",
        fixed=(("type", "radio"),),
    ),
    "pipeline": Sample(
        {"pipelines": [{"title": "Sales", "currency": "usd", "stages": ["Lead", "Won"]}]},
        "pipelines.0", "title", "Revenue",
        (("currency", "eur", "currency"), ("allgroups", False, "allgroups"),
         ("allusers", True, "allusers"), ("autoassign", "deal_value", "autoassign")),
        prune="pipelines",
    ),
    "stage": Sample(
        {"pipelines": [{"title": "Sales",
                        "stages": ["Lead", {"title": "Won", "color": "32B0FC"}]}]},
        "pipelines.0.stages.1", "title", "Closed",
        (("color", "FF0000", "color"), ("width", 320, "width"),
         ("deal_order", "value DESC", "deal_order")),
        prune=None,
    ),
    "webhook": Sample(
        {"lists": [_list("newsletter"), _list("customers")],
         "webhooks": [{"name": "CRM sync", "url": "https://hooks.example.com/a",
                       "events": ["subscribe"], "sources": ["public"], "list": "newsletter"}]},
        "webhooks.0", "name", "CRM feed",
        (("url", "https://hooks.example.com/b", "url"),
         ("events", ["subscribe", "unsubscribe"], "events"), ("sources", ["admin"], "sources"),
         ("list", "customers", "list"), ("list", None, "list")),
        prune="webhooks",
    ),
    "deal_field": Sample(
        {"deal_fields": [{"label": "Deal Source", "type": "dropdown", "required": True,
                          "options": ["Inbound", "Outbound"], "default": "Inbound",
                          "visible": True}]},
        "deal_fields.0", "label", "Lead Source",
        (("options", ["Inbound", "Outbound", "Partner"], "options"),
         ("default", "Outbound", "default"), ("visible", False, "visible")),
        prune="deal_fields",
        fixed=(("type", "multiselect"), ("required", False)),
    ),
}  # fmt: skip
