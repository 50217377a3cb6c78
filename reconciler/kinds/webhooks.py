"""Webhooks: ``/webhooks``. Identity is the name.

``events`` and ``sources`` are sets: compared sorted, and a PUT replaces both [INF].
``listid`` "0" means no list filter [V-docs]; a create without a list leaves ``listid`` out, as
n8n does (nobody sends 0 [V-2nd R12]); an update that removes the list sends 0 [INF]. Events are
checked offline against the known ones, and at plan time against the account's own
``GET /webhook/events`` (one call per run), which is the authority [R10].
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, field_validator

from reconciler.kinds.base import Attr, Ids, Kind, Obj, Raw, Reads, Spec
from reconciler.kinds.values import as_set, as_str

# The events of GET /webhook/events [V-docs get-a-list-of-webhook-events], and R10's five
# (contact_task_add from Pipedream's contact-task source; the account_* ones named in the docs).
EVENTS = (
    "bounce", "click", "contact_tag_added", "contact_tag_removed", "deal_add", "deal_note_add",
    "deal_pipeline_add", "deal_stage_add", "deal_task_add", "deal_task_complete",
    "deal_tasktype_add", "deal_update", "forward", "list_add", "open", "reply", "sent", "share",
    "sms_reply", "sms_sent", "sms_unsub", "subscribe", "subscriber_note", "unsubscribe", "update",
    "contact_task_add", "account_add", "account_update", "account_contact_add",
    "account_contact_update",
)  # fmt: skip
Source = Literal["public", "admin", "api", "system"]


class WebhookSpec(Spec):
    """A webhook: which events, from which sources, are posted to which URL."""

    name: str = Field(min_length=1, description="The webhook's name, unique per account.")
    url: str = Field(
        pattern=r"^https?://", description="Where events are posted; may use ${vars.*}/${env.*}."
    )
    events: list[str] = Field(
        min_length=1, description="Events that fire it (GET /webhook/events)."
    )
    sources: list[Source] = Field(min_length=1, description="public, admin, api and/or system.")
    list_: str | None = Field(
        None, alias="list", description="Only events on this list (stringid); none when left out."
    )
    renamed_from: list[str] = Field(
        default_factory=list, description="Earlier names; the live webhook is updated in place."
    )

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        for event in events:
            if event not in EVENTS:
                close = difflib.get_close_matches(event, EVENTS, n=1)
                hint = f'did you mean "{close[0]}"? ' if close else ""
                raise ValueError(
                    f'unknown event "{event}"; {hint}known events: {", ".join(EVENTS)}'
                )
        return events


class WebhookKind(Kind):
    name = "webhook"
    section = "webhooks"
    collection = "webhooks"
    place = 60
    spec = WebhookSpec
    depends_on = ("list",)
    attributes = (
        Attr("name", "name"),
        Attr("url", "url"),
        Attr("events", "events", read=as_set, given=as_set),
        Attr("sources", "sources", read=as_set, given=as_set),
        Attr("list", None, ref="list"),  # a stringid, written as ``listid``: see payload
    )
    identity = "name"
    path = "/webhooks"
    envelope = "webhook"
    update_sends = "all"  # a PUT replaces events and sources [INF]

    def values(self, spec: WebhookSpec, **known: Any) -> dict[str, Any]:
        return super().values(spec, list=spec.list_, **known)

    def normalise(self, raw: Raw) -> list[Obj]:
        lists = raw["lists"].items if "lists" in raw else []  # read when a webhook names one
        stringids = {str(row["id"]): as_str(row.get("stringid")) for row in lists}
        out = []
        for row in raw["webhooks"].items:
            listid = as_str(row.get("listid"))
            named = None if listid in ("", "0") else stringids.get(listid, f"#{listid}")
            out.append(self.live(row, list=named))
        return out

    async def check_online(self, api: Reads, objs: Sequence[Obj]) -> list[str]:
        body = await api.get("/webhook/events", {"limit": 100})
        offered = body.get("webhookEvents") if isinstance(body, dict) else None
        if not isinstance(offered, list):
            return []  # an answer without the list: the offline check stands [INF]
        known = {str(event) for event in offered}
        problems = []
        for obj in objs:
            for event in obj.attrs.get("events", []):
                if event not in known:
                    where = f" ({obj.source})" if obj.source else ""
                    problems.append(
                        f'webhook "{obj.label}"{where}: the account does not offer the event '
                        f'"{event}" (GET /webhook/events lists: {", ".join(sorted(known))})'
                    )
        return problems

    def payload(
        self, attrs: Mapping[str, Any], ids: Ids, live: Obj | None = None
    ) -> dict[str, Any]:
        """``listid`` is left out of a create without a list [V-2nd R12]; an update that
        takes the list away sends 0 [INF]."""
        body = super().payload(attrs, ids, live)
        if attrs.get("list"):
            body["listid"] = int(ids[("list", attrs["list"])])
        elif live is not None and live.attrs.get("list") is not None:
            body["listid"] = 0
        return body
