"""Deal stages: ``/dealStages``, listed inside their pipeline in the manifests.

Identity is (pipeline, title case-folded); the key is ``<pipeline key>/<title>``. A
pipeline's stage list is complete and ordered: ``order`` is the position. Deleting a stage
deletes its deals [V-docs], so a stage with deals is only deleted after they are moved
(``PUT /dealStages/{id}/deals``, same pipeline only) to the stage that ``absorbs`` it.

A new pipeline comes with default stages whose attributes are the account's (their colours
differ between accounts [V-rec R4]), so nothing about them is assumed: the plan shows a new
pipeline's stages as creates, and at apply the pipeline create records the default stages from
its ``POST /dealGroups`` answer (``DEFAULTS`` in the run's memo); the first listed stages then
reuse them with a PUT of every managed attribute, the others are POSTed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import Field

from reconciler.errors import PlanError
from reconciler.kinds.base import Api, Attr, Extra, Ids, Kind, Obj, Raw, Reads, Spec, live_id
from reconciler.kinds.values import as_bool, as_int, as_str, casefold
from reconciler.words import plural

if TYPE_CHECKING:
    from reconciler.change import Change

DEFAULT_WIDTH = 280  # what GET shows when a stage has no width [V-docs OAS]
DEALS_ACCESS = "Deals access"  # the deals endpoints need it [R2]
DEALS_PATHS = ("/dealGroups", "/dealStages", "/deals", "/dealGroup/")
DEFAULTS = "default_stages"  # memo key: (DEFAULTS, pipeline key) -> ids of reusable stages


class StageSpec(Spec):
    """A stage of a pipeline."""

    title: str = Field(min_length=1, description="The stage's title, unique in its pipeline.")
    color: str | None = Field(
        None,
        pattern=r"^[0-9A-Fa-f]{6}$",
        description="Six hex digits, no '#'; not managed if left out.",
    )
    width: int | None = Field(None, ge=100, le=1000, description="Column width in pixels.")
    deal_order: str | None = Field(
        None,
        pattern=r"^[a-z-]+ (ASC|DESC)$",
        description='How deals sort in the column, e.g. "next-action DESC".',
    )
    absorbs: list[str] = Field(
        default_factory=list,
        description="Titles of stages being removed whose deals move here before they are deleted.",
    )
    renamed_from: list[str] = Field(
        default_factory=list, description="Earlier titles; the live stage is renamed in place."
    )


def stage_key(pipeline_key: str, title: str) -> str:
    return f"{pipeline_key}/{casefold(title)}"


def desired_stages(pipeline: Obj, stages: list[str | StageSpec], source: str) -> list[Obj]:
    """The stage objects of one pipeline entry, in order."""
    kind = StageKind()
    out = []
    for position, entry in enumerate(stages, start=1):
        spec = StageSpec(title=entry) if isinstance(entry, str) else entry
        values = kind.values(spec, order=position)
        out.append(
            Obj(
                kind=kind.name,
                key=stage_key(pipeline.key, spec.title),
                label=f"{pipeline.label} / {spec.title}",
                attrs=kind.managed(spec, values),
                source=source,
                aliases=tuple(stage_key(pipeline.key, old) for old in spec.renamed_from),
                parent=pipeline.key,
                refs=(("pipeline", pipeline.key),),
                extra=Extra(absorbs=tuple(casefold(t) for t in spec.absorbs)),
            )
        )
    return out


@dataclass(frozen=True)
class StageExtra(Extra):
    """A live stage's pipeline id."""

    pipeline_id: str = ""


def _upper(color: str | None) -> str | None:
    return color.upper() if color else None


class StageKind(Kind):
    name = "stage"
    section = "pipelines"
    collection = "dealGroups"
    place = 50
    access = DEALS_ACCESS
    access_paths = DEALS_PATHS
    spec = StageSpec
    depends_on = ("pipeline",)
    child_of = "pipeline"
    dependents = "deals"
    loss_advice = (
        "list it again, or name it in another stage's `absorbs` so its deals move there first"
    )
    attributes = (
        Attr("title", "title"),
        Attr("order", "order", read=as_int),  # the position in the pipeline's list
        Attr("color", "color", read=lambda v: as_str(v).upper(), given=_upper, always=False),
        Attr("width", "width", read=as_int, empty=DEFAULT_WIDTH, always=False),
        Attr("deal_order", "dealOrder", always=False),
    )
    identity = "title"
    path = "/dealStages"
    envelope = "dealStage"

    def desired(self, spec: StageSpec, source: str) -> list[Obj]:
        return []  # stages come with their pipeline: see desired_stages

    def normalise(self, raw: Raw) -> list[Obj]:
        pipelines = {str(row["id"]): as_str(row.get("title")) for row in raw["dealGroups"].items}
        out = []
        for row in raw["dealGroups"].sideloads.get("dealStages", []):
            pipeline = pipelines.get(str(row.get("group")))
            if pipeline is None:
                continue
            attrs = self.read_row(row)
            title = attrs["title"]
            out.append(
                Obj(
                    self.name,
                    stage_key(casefold(pipeline), title),
                    f"{pipeline} / {title}",
                    attrs,
                    id=str(row["id"]),
                    parent=casefold(pipeline),
                    extra=StageExtra(pipeline_id=str(row.get("group"))),
                )
            )
        return out

    def create_note(self, obj: Obj, *, parent_new: bool = False) -> str | None:
        if not parent_new:
            return None
        return (
            f"reuses default stage {obj.attrs['order']} that ActiveCampaign creates with the "
            "pipeline (PUT /dealStages/{id} with every managed attribute) when there is one; "
            "otherwise POST /dealStages"
        )

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        return f"{plural(count, 'deal')} would be deleted with it" if count else None

    def absorber(self, gone: Obj, siblings: Sequence[Obj]) -> Obj | None:
        title = casefold(str(gone.attrs.get("title", "")))
        return next((stage for stage in siblings if title in stage.extra.absorbs), None)

    def describe_move(self, into: Obj, count: int) -> str:
        """``deals move to "Won" first``; counted: ``1 deal moves to "Won" first``."""
        verb = "moves" if count == 1 else "move"
        what = f"{plural(count, 'deal')} {verb}" if count else "deals move"
        return f'{what} to "{into.attrs["title"]}" first'

    def entry(self, obj: Obj, children: Mapping[str, list[Any]]) -> Any:
        """A title, or a mapping with what is set; ``order`` is the position in the list."""
        attrs = obj.attrs
        out = {"title": attrs["title"]}
        if attrs.get("color"):
            out["color"] = attrs["color"]
        if attrs.get("width"):
            out["width"] = attrs["width"]
        if attrs.get("deal_order"):
            out["deal_order"] = attrs["deal_order"]
        return out

    def export_order(self, obj: Obj) -> Any:
        return (obj.attrs.get("order", 0), obj.key)

    async def count_dependents(self, api: Reads, obj: Obj) -> int | None:
        return await count_deals(api, "stage", obj.id)

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        assert change.desired is not None and change.desired.parent is not None
        group = ids[("pipeline", change.desired.parent)]
        position = change.desired.attrs["order"]
        defaults = ids.memo.get((DEFAULTS, change.desired.parent)) or []
        if position <= len(defaults):  # a default stage of the pipeline just created
            stage_id = defaults[position - 1]
            body = {"dealStage": self.payload(change.desired.attrs, ids)}
            await api.put(f"/dealStages/{stage_id}", body)
            return str(stage_id)
        body = {"dealStage": {**self.payload(change.desired.attrs, ids), "group": group}}

        async def find() -> Any:
            found = await api.get("/dealStages", {"filters[d_groupid]": group, "limit": 100})
            title = casefold(change.desired.attrs["title"]) if change.desired else ""
            # The filter is trusted only so far: the stage must be in this pipeline.
            rows = [
                r
                for r in found.get("dealStages", [])
                if casefold(as_str(r.get("title"))) == title and str(r.get("group")) == str(group)
            ]
            return {"dealStage": rows[0]} if rows else None

        created = await api.create("/dealStages", body, find=find)
        return str(created["dealStage"]["id"])

    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        stage_id = live_id(change, ids)
        if change.move_to:
            target = ids[change.move_to]
            await api.put(f"/dealStages/{stage_id}/deals", {"deal": {"stage": target}})
        else:
            await refuse_if_deals(api, "stage", stage_id, f'stage "{change.label}"')
        await api.delete(f"/dealStages/{stage_id}")


async def count_deals(api: Reads, by: str, object_id: str | None) -> int | None:
    """Deals in a stage or a pipeline: one GET of one row, reading ``meta.total``.
    ``filters[stage]`` and ``filters[group]`` on ``/deals`` are in the deals reference [INF].

    The count is unknown (None) when there is no total, or when the row read is a permission
    stub (``group``/``stage`` null, ``isDisabled`` true: the user may not see every deal,
    R14 [INF]) or lies outside the stage or pipeline asked for (the filter did not apply)."""
    if object_id is None:
        return 0
    body = await api.get("/deals", {f"filters[{by}]": object_id, "limit": 1})
    total = (body.get("meta") or {}).get("total")
    rows = body.get("deals") or []
    if total is None or any(is_stub(r) or as_str(r.get(by)) != object_id for r in rows):
        return None
    return as_int(total)


def is_stub(deal: Any) -> bool:
    """A deal the user may not see: its pipeline and stage are hidden (R14 [INF])."""
    return (
        not isinstance(deal, dict)
        or as_bool(deal.get("isDisabled"))
        or not as_str(deal.get("group"))
        or not as_str(deal.get("stage"))
    )


async def refuse_if_deals(api: Reads, by: str, object_id: str, what: str) -> None:
    """Deals may have arrived since the plan was made: never delete them silently."""
    count = await count_deals(api, by, object_id)
    if count is None:
        raise PlanError(
            f"{what}: the account cannot say how many deals it holds (some deals are hidden "
            "from this user, or the count does not add up), so it was not deleted. Check its "
            "deals in ActiveCampaign with a user that sees every pipeline."
        )
    if count:
        raise PlanError(
            f"{what} has {plural(count, 'deal')} now, so deleting it would delete them; "
            "nothing was deleted. Move the deals, or name the stage in another stage's "
            "`absorbs`, and plan again."
        )
