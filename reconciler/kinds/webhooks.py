"""Webhooks: ``/webhooks``. Identity is the name.

``events`` and ``sources`` are sets: compared sorted, and a PUT replaces both [INF].
``listid`` "0" means no list filter [V-docs].
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from reconciler.kinds.base import Api, Ids, Kind, Obj, Raw, Spec, as_str, managed

if TYPE_CHECKING:
    from reconciler.plan import Change

# The events of GET /webhook/events [V-docs get-a-list-of-webhook-events].
EVENTS = (
    "bounce", "click", "contact_tag_added", "contact_tag_removed", "deal_add", "deal_note_add",
    "deal_pipeline_add", "deal_stage_add", "deal_task_add", "deal_task_complete",
    "deal_tasktype_add", "deal_update", "forward", "list_add", "open", "reply", "sent", "share",
    "sms_reply", "sms_sent", "sms_unsub", "subscribe", "subscriber_note", "unsubscribe", "update",
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
    spec = WebhookSpec
    depends_on = ("list",)
    ref_attrs = {"list": "list"}

    def desired(self, spec: WebhookSpec, source: str) -> list[Obj]:
        attrs = {
            "name": spec.name,
            "url": spec.url,
            "events": sorted(set(spec.events)),
            "sources": sorted(set(spec.sources)),
            "list": spec.list_,
        }
        return [
            Obj(
                kind=self.name,
                key=spec.name,
                label=spec.name,
                attrs=managed(spec, attrs, always=tuple(attrs)),
                source=source,
                aliases=tuple(spec.renamed_from),
                refs=(("list", spec.list_),) if spec.list_ else (),
            )
        ]

    def normalise(self, raw: Raw) -> list[Obj]:
        stringids = {str(row["id"]): as_str(row.get("stringid")) for row in raw["lists"].items}
        out = []
        for row in raw["webhooks"].items:
            listid = as_str(row.get("listid"))
            attrs = {
                "name": as_str(row.get("name")),
                "url": as_str(row.get("url")),
                "events": sorted(set(row.get("events") or [])),
                "sources": sorted(set(row.get("sources") or [])),
                "list": None if listid in ("", "0") else stringids.get(listid, f"#{listid}"),
            }
            name = as_str(row.get("name"))
            out.append(Obj(self.name, name, name, attrs, id=str(row["id"])))
        return out

    def _payload(self, attrs: Any, ids: Ids) -> dict[str, Any]:
        body = {k: attrs[k] for k in ("name", "url", "events", "sources")}
        body["listid"] = int(ids[("list", attrs["list"])]) if attrs.get("list") else 0
        return {"webhook": body}

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        assert change.desired is not None

        async def find() -> Any:
            found = await api.get("/webhooks", {"filters[name]": change.key, "limit": 100})
            rows = [r for r in found.get("webhooks", []) if r.get("name") == change.key]
            return {"webhook": rows[0]} if rows else None

        body = await api.create("/webhooks", self._payload(change.desired.attrs, ids), find=find)
        return str(body["webhook"]["id"])

    async def update(self, api: Api, change: Change, ids: Ids) -> None:
        assert change.desired is not None
        await api.put(f"/webhooks/{change.id}", self._payload(change.desired.attrs, ids))

    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        await api.delete(f"/webhooks/{change.id}")
