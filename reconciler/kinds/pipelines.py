"""Deal pipelines: ``/dealGroups``. Identity is the title case-folded.

Creating a pipeline also creates default stages [V-docs: three], with the account's own
colours [V-rec R4]: the create records them from its answer, keeps as many as the pipeline
lists stages (the stage creates reuse them, see ``stages``) and deletes the rest while the
pipeline is still empty. Deleting a
pipeline deletes its stages and every deal in them [V-docs], so a pipeline with deals is
never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints

from reconciler.kinds.base import (
    Api,
    Ids,
    Kind,
    Obj,
    Raw,
    Reads,
    Spec,
    as_bool,
    as_int,
    as_str,
    casefold,
    managed,
)
from reconciler.kinds.stages import (
    DEALS_ACCESS,
    DEALS_PATHS,
    DEFAULTS,
    StageSpec,
    count_deals,
    desired_stages,
    refuse_if_deals,
)
from reconciler.words import plural

if TYPE_CHECKING:
    from reconciler.change import Change

AUTOASSIGN = {"off": 0, "round_robin": 1, "deal_value": 2}
_AUTOASSIGN_NAMES = {number: name for name, number in AUTOASSIGN.items()}


class PipelineSpec(Spec):
    """A deal pipeline and its stages."""

    title: str = Field(min_length=1, description="The pipeline's title, unique per account.")
    currency: str | None = Field(
        None,
        pattern=r"^[a-z]{3}$",
        description='Lower-case ISO code; "usd" on create when left out.',
    )
    allgroups: bool | None = Field(None, description="Every user group may manage it.")
    allusers: bool | None = Field(None, description="New deals are assigned to every user.")
    autoassign: Literal["off", "round_robin", "deal_value"] | None = Field(
        None, description="How new deals are assigned."
    )
    stages: list[Annotated[str, StringConstraints(min_length=1)] | StageSpec] = Field(
        description="The stages, complete and ordered; a title or a mapping."
    )
    renamed_from: list[str] = Field(
        default_factory=list, description="Earlier titles; the live pipeline is renamed in place."
    )


class PipelineKind(Kind):
    name = "pipeline"
    section = "pipelines"
    collection = "dealGroups"
    access = DEALS_ACCESS
    access_paths = DEALS_PATHS
    spec = PipelineSpec
    dependents = "deals"
    loss_advice = "move or delete its deals first, or take pipelines out of policy.prune"

    def desired(self, spec: PipelineSpec, source: str) -> list[Obj]:
        values = {
            "title": spec.title,
            "currency": spec.currency,
            "allgroups": spec.allgroups,
            "allusers": spec.allusers,
            "autoassign": spec.autoassign,
        }
        pipeline = Obj(
            kind=self.name,
            key=casefold(spec.title),
            label=spec.title,
            attrs=managed(spec, values, always=("title",)),
            source=source,
            aliases=tuple(casefold(old) for old in spec.renamed_from),
            extra={"stages": len(spec.stages)},
        )
        return [pipeline, *desired_stages(pipeline, spec.stages, source)]

    def normalise(self, raw: Raw) -> list[Obj]:
        out = []
        for row in raw["dealGroups"].items:
            title = as_str(row.get("title"))
            attrs = {
                "title": title,
                "currency": as_str(row.get("currency")).lower(),
                "allgroups": as_bool(row.get("allgroups")),
                "allusers": as_bool(row.get("allusers")),
                "autoassign": _AUTOASSIGN_NAMES.get(as_int(row.get("autoassign")), "off"),
            }
            stages = tuple(str(s) for s in row.get("stages") or [])
            out.append(
                Obj(
                    self.name,
                    casefold(title),
                    title,
                    attrs,
                    id=str(row["id"]),
                    extra={"stage_ids": stages},
                )
            )
        return out

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        return f"{plural(count, 'deal')} would be deleted with its stages" if count else None

    def entry(self, obj: Obj, children: Mapping[str, list[Any]]) -> Any:
        return {**super().entry(obj, children), "stages": children.get("stage", [])}

    def create_note(self, obj: Obj, *, parent_new: bool = False) -> str | None:
        count = obj.extra.get("stages", 0)
        return (
            "ActiveCampaign adds its default stages to a new pipeline (three in the reference "
            f"and in recorded traffic): the first {count} listed stage(s) reuse them (PUT), "
            "and any left over are deleted while the pipeline is empty (DELETE /dealStages/{id})"
        )

    async def count_dependents(self, api: Reads, obj: Obj) -> int | None:
        """The pipeline's deals, checked against the sum over its stages: when the two
        disagree, some deals are not visible to this user, and the count is unknown (R14)."""
        total = await count_deals(api, "group", obj.id)
        in_stages = 0
        for stage_id in obj.extra.get("stage_ids", ()):
            count = await count_deals(api, "stage", stage_id)
            if total is None or count is None:
                return None
            in_stages += count
        if total is None or (obj.extra.get("stage_ids") and in_stages != total):
            return None
        return total

    def _payload(self, attrs: Any) -> dict[str, Any]:
        body = {k: attrs[k] for k in ("title", "currency") if attrs.get(k) is not None}
        for flag in ("allgroups", "allusers"):
            if attrs.get(flag) is not None:
                body[flag] = int(attrs[flag])
        if attrs.get("autoassign") is not None:
            body["autoassign"] = AUTOASSIGN[attrs["autoassign"]]
        return body

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        assert change.desired is not None
        body = {"currency": "usd", **self._payload(change.desired.attrs)}

        async def find() -> Any:
            found = await api.get("/dealGroups", {"filters[title]": body["title"], "limit": 100})
            rows = [
                r
                for r in found.get("dealGroups", [])
                if casefold(as_str(r.get("title"))) == change.key
            ]
            return (
                {"dealGroup": rows[0], "dealStages": found.get("dealStages", [])} if rows else None
            )

        created = await api.create("/dealGroups", {"dealGroup": body}, find=find)
        pipeline_id = str(created["dealGroup"]["id"])
        defaults = sorted(
            (s for s in created.get("dealStages", []) if str(s.get("group")) == pipeline_id),
            key=lambda s: (as_int(s.get("order")), as_int(s.get("id"))),
        )
        keep = change.desired.extra.get("stages", 0)
        ids.memo[(DEFAULTS, change.key)] = [str(s["id"]) for s in defaults[:keep]]
        for spare in defaults[keep:]:  # the pipeline is new, so no deal is in them
            await api.delete(f"/dealStages/{spare['id']}")
        return pipeline_id

    async def update(self, api: Api, change: Change, ids: Ids) -> None:
        assert change.desired is not None
        changed = {d.path for d in change.diff}
        attrs = {k: v for k, v in change.desired.attrs.items() if k in changed}
        await api.put(f"/dealGroups/{change.id}", {"dealGroup": self._payload(attrs)})

    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        assert change.id is not None
        await refuse_if_deals(api, "group", change.id, f'pipeline "{change.label}"')
        await api.delete(f"/dealGroups/{change.id}")
