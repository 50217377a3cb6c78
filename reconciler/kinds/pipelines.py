"""Deal pipelines: ``/dealGroups``. Identity is the title case-folded.

Creating a pipeline also creates default stages [V-docs: three], with the account's own
colours [V-rec R4]: the create records them from its answer, keeps as many as the pipeline
lists stages (the stage creates reuse them, see ``stages``) and deletes the rest while the
pipeline is still empty. Deleting a
pipeline deletes its stages and every deal in them [V-docs], so a pipeline with deals is
never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints

from reconciler.kinds.base import FLAG, Api, Attr, Extra, Ids, Kind, Obj, Raw, Reads, Spec, extra_of
from reconciler.kinds.stages import (
    DEALS_ACCESS,
    DEALS_PATHS,
    DEFAULTS,
    StageSpec,
    count_deals,
    desired_stages,
    refuse_if_deals,
)
from reconciler.kinds.values import as_int, as_str, casefold
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


@dataclass(frozen=True)
class PipelineExtra(Extra):
    """A desired pipeline's number of stages; a live one's stage ids."""

    stages: int = 0
    stage_ids: tuple[str, ...] = ()


class PipelineKind(Kind):
    name = "pipeline"
    section = "pipelines"
    collection = "dealGroups"
    place = 40
    access = DEALS_ACCESS
    access_paths = DEALS_PATHS
    spec = PipelineSpec
    dependents = "deals"
    loss_advice = "move or delete its deals first, or take pipelines out of policy.prune"
    attributes = (
        Attr("title", "title"),
        Attr("currency", "currency", read=lambda v: as_str(v).lower(), always=False,
             create_default="usd"),
        Attr("allgroups", "allgroups", **FLAG, always=False),
        Attr("allusers", "allusers", **FLAG, always=False),
        Attr("autoassign", "autoassign", always=False, write=AUTOASSIGN.__getitem__,
             read=lambda v: _AUTOASSIGN_NAMES.get(as_int(v), "off")),
    )  # fmt: skip
    identity = "title"
    path = "/dealGroups"
    envelope = "dealGroup"
    search = ("filters[title]", "title")

    def key(self, values: Mapping[str, Any]) -> str:
        return casefold(values["title"])

    def desired(self, spec: PipelineSpec, source: str) -> list[Obj]:
        (pipeline,) = super().desired(spec, source)
        pipeline = replace(pipeline, extra=PipelineExtra(stages=len(spec.stages)))
        return [pipeline, *desired_stages(pipeline, spec.stages, source)]

    def normalise(self, raw: Raw) -> list[Obj]:
        return [
            replace(
                self.live(row),
                extra=PipelineExtra(stage_ids=tuple(str(s) for s in row.get("stages") or [])),
            )
            for row in raw["dealGroups"].items
        ]

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        return f"{plural(count, 'deal')} would be deleted with its stages" if count else None

    def entry(self, obj: Obj, children: Mapping[str, list[Any]]) -> Any:
        return {**super().entry(obj, children), "stages": children.get("stage", [])}

    def create_note(self, obj: Obj, *, parent_new: bool = False) -> str | None:
        count = extra_of(obj, PipelineExtra).stages
        return (
            "ActiveCampaign adds its default stages to a new pipeline (three in the reference "
            f"and in recorded traffic): the first {count} listed stage(s) reuse them (PUT), "
            "and any left over are deleted while the pipeline is empty (DELETE /dealStages/{id})"
        )

    async def count_dependents(self, api: Reads, obj: Obj) -> int | None:
        """The pipeline's deals, checked against the sum over its stages: when the two
        disagree, some deals are not visible to this user, and the count is unknown (R14)."""
        total = await count_deals(api, "group", obj.id)
        stage_ids = extra_of(obj, PipelineExtra).stage_ids
        in_stages = 0
        for stage_id in stage_ids:
            count = await count_deals(api, "stage", stage_id)
            if total is None or count is None:
                return None
            in_stages += count
        if total is None or (stage_ids and in_stages != total):
            return None
        return total

    def found(self, rows: Sequence[Mapping[str, Any]], answer: Any, change: Change) -> Any:
        """With the stages the search answered, as the create answers them."""
        body = super().found(rows, answer, change)
        return body and {**body, "dealStages": answer.get("dealStages", [])}

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        assert change.desired is not None
        pipeline_id, created = await self.post(api, change, ids)
        defaults = sorted(
            (s for s in created.get("dealStages", []) if str(s.get("group")) == pipeline_id),
            key=lambda s: (as_int(s.get("order")), as_int(s.get("id"))),
        )
        keep = extra_of(change.desired, PipelineExtra).stages
        ids.memo[(DEFAULTS, change.key)] = [str(s["id"]) for s in defaults[:keep]]
        for spare in defaults[keep:]:  # the pipeline is new, so no deal is in them
            await api.delete(f"/dealStages/{spare['id']}")
        return pipeline_id

    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        assert change.id is not None
        await refuse_if_deals(api, "group", change.id, f'pipeline "{change.label}"')
        await super().delete(api, change, ids)
