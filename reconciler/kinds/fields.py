"""Contact custom fields: ``/fields``, their options and their list relations.

A field is three resources [V-docs]: the field, its options (created in one call with
``POST /fieldOption/bulk``, changed with ``PUT``/``DELETE /fieldOptions/{id}``, which are
not in the published reference [V-2nd]) and its relations to lists (``/fieldRels``; relid 0
means every list, and a field with no relation is not visible). Identity is the perstag as
the API normalises it, with the case-folded title as a second way to match.

``number`` is not a contact field type (the create-field enum has none; number fields are for
deals [R8]). A field's type is fixed [R9]: a different type is never sent as a PUT. With
``replace: true`` on the field it is planned as a replacement: the old field is renamed out of
the way (its title and perstag must be free for the new one), the new field is created, and
the old one is deleted with every value contacts hold in it; without it the plan is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from reconciler.kinds.base import Api, Attr, Extra, Ids, Kind, Obj, Raw, Reads, Ref, Spec, extra_of
from reconciler.kinds.field_types import replacement
from reconciler.kinds.values import as_int, as_str, casefold
from reconciler.perstag import field_perstag, normalise_perstag, perstag_from_title

if TYPE_CHECKING:
    from reconciler.change import Change
    from reconciler.objects import AttrDiff

FieldType = Literal[
    "text", "textarea", "date", "datetime", "dropdown", "listbox", "radio", "checkbox", "hidden",
]  # fmt: skip
CHOICE_TYPES = frozenset({"dropdown", "listbox", "radio", "checkbox"})
ALL_LISTS: Literal["all"] = "all"


class OptionSpec(Spec):
    """One choice of a dropdown, listbox, radio or checkbox field."""

    value: str = Field(min_length=1, description="The value stored on the contact.")
    label: str | None = Field(None, description="What people see; the value when left out.")


class FieldSpec(Spec):
    """A contact custom field, its options and the lists it shows on."""

    title: str = Field(min_length=1, description="The field's title, unique per account.")
    perstag: str | None = Field(
        None, description="Personalisation tag; derived from the title when left out."
    )
    type: FieldType = Field(description="The field's type.")
    description: str = Field("", description="Help text; managed, empty when left out.")
    default: str = Field("", description="Default value; managed, empty when left out.")
    options: list[str | OptionSpec] | None = Field(
        None,
        description="Choices, complete and ordered (choice types only). Left out: not managed.",
    )
    lists: Literal["all"] | list[str] = Field(
        ALL_LISTS, description='"all", or the stringids of the lists the field shows on.'
    )
    renamed_from: list[str] = Field(
        default_factory=list, description="Earlier titles or perstags; updated in place."
    )
    replace: bool = Field(
        False,
        description="When the type changes: create a new field and delete the old one, with "
        "the values contacts hold in it. Without it a type change is refused.",
    )

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if not field_perstag(self.title, self.perstag):
            raise ValueError("the perstag would be empty: use letters or digits in it or the title")
        if self.options is not None and self.type not in CHOICE_TYPES:
            raise ValueError(
                f"options are only for {', '.join(sorted(CHOICE_TYPES))} fields, not {self.type}"
            )
        values = [o if isinstance(o, str) else o.value for o in self.options or []]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ValueError(f"option values must be unique; repeated: {', '.join(repeated)}")
        if isinstance(self.lists, list) and len(set(self.lists)) != len(self.lists):
            raise ValueError("lists names a list twice")
        return self


def _options(spec: FieldSpec) -> list[dict[str, str]]:
    out = []
    for option in spec.options or []:
        if isinstance(option, str):
            out.append({"value": option, "label": option})
        else:
            out.append({"value": option.value, "label": option.label or option.value})
    return out


@dataclass(frozen=True)
class FieldExtra(Extra):
    """A desired field's ``replace``; a live field's options by value (the API's rows) and
    its list relations (relid -> relation id)."""

    replace: bool = False
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    relations: Mapping[int, str] = field(default_factory=dict)


class FieldKind(Kind):
    name = "field"
    section = "fields"
    collection = "fields"
    place = 30
    spec = FieldSpec
    depends_on = ("list",)
    dependents = "contacts"
    attributes = (
        Attr("title", "title"),
        Attr("perstag", "perstag", always=False),
        Attr("type", "type", fixed=True),
        Attr("description", "descript"),
        Attr("default", "defval"),
        Attr("options", None, always=False),  # /fieldOption/bulk and /fieldOptions/{id}
        Attr("lists", None, ref="list"),  # /fieldRels
    )
    identity = "perstag"
    path = "/fields"
    envelope = "field"
    search = ("filters[perstag]", "perstag")

    def label(self, values: Mapping[str, Any]) -> str:
        return str(values["title"] or values["perstag"])

    def values(self, spec: FieldSpec, **known: Any) -> dict[str, Any]:
        lists: Any = ALL_LISTS if spec.lists == ALL_LISTS else sorted(spec.lists)
        perstag = field_perstag(spec.title, spec.perstag)
        return super().values(spec, perstag=perstag, options=_options(spec), lists=lists)

    def aliases(self, spec: FieldSpec, values: Mapping[str, Any]) -> tuple[str, ...]:
        found = {"title:" + casefold(spec.title)}
        for old in spec.renamed_from:
            found |= {normalise_perstag(old), perstag_from_title(old), "title:" + casefold(old)}
        return tuple(sorted(found - {values["perstag"]}))

    def refs(self, values: Mapping[str, Any]) -> tuple[Ref, ...]:
        return () if values["lists"] == ALL_LISTS else super().refs(values)

    def desired(self, spec: FieldSpec, source: str) -> list[Obj]:
        (obj,) = super().desired(spec, source)
        return [dataclasses.replace(obj, extra=FieldExtra(replace=spec.replace))]

    def normalise(self, raw: Raw) -> list[Obj]:
        fields = raw["fields"]
        # Lists are read only when a managed object names one [R2]; otherwise a relation to
        # a list shows as "#<id>".
        lists = raw["lists"].items if "lists" in raw else []
        stringids = {str(row["id"]): as_str(row.get("stringid")) for row in lists}
        options: dict[str, list[dict[str, Any]]] = {}
        for row in fields.sideloads.get("fieldOptions", []):
            options.setdefault(str(row.get("field")), []).append(row)
        relations: dict[str, dict[int, str]] = {}
        for row in fields.sideloads.get("fieldRels", []):
            relations.setdefault(str(row.get("field")), {})[as_int(row.get("relid"))] = str(
                row["id"]
            )
        out = []
        for row in fields.items:
            field_id = str(row["id"])
            out.append(
                self._live(row, options.get(field_id, []), relations.get(field_id, {}), stringids)
            )
        return out

    def _live(
        self,
        row: Mapping[str, Any],
        options: list[dict[str, Any]],
        relations: dict[int, str],
        stringids: Mapping[str, str],
    ) -> Obj:
        ordered = sorted(options, key=lambda o: (as_int(o.get("orderid")), as_int(o.get("id"))))
        obj = self.live(
            row,
            options=[
                {"value": as_str(o.get("value")), "label": as_str(o.get("label"))} for o in ordered
            ],
            lists=_lists_attr(relations, stringids),
        )
        extra = FieldExtra(
            options={as_str(o.get("value")): dict(o) for o in ordered}, relations=dict(relations)
        )
        return dataclasses.replace(
            obj, aliases=("title:" + casefold(obj.attrs["title"]),), extra=extra
        )

    def aside(self, obj: Obj) -> str | None:
        return str(obj.attrs.get("perstag") or obj.key)

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        who = f"the values {count} contacts hold" if count else "the values contacts hold"
        return f"{who} in it are deleted"

    async def count_dependents(self, api: Reads, obj: Obj) -> int | None:
        return await count_values(api, obj.id)

    async def count_narrowing(self, api: Reads, change: Change) -> dict[str, int | None]:
        """Options taken away: the API cannot count the contacts holding one value, so the
        count is of the contacts holding any value of the field, an upper bound [INF]."""
        if (
            change.live is None
            or change.desired is None
            or "options" not in {d.path for d in change.diff}
        ):
            return {}
        kept = {o["value"] for o in change.desired.attrs.get("options") or []}
        if all(o["value"] in kept for o in change.live.attrs.get("options") or []):
            return {}
        return {"contacts": await count_values(api, change.id)}

    def entry(self, obj: Obj, children: Mapping[str, list[Any]]) -> Any:
        attrs = obj.attrs
        out = {k: attrs[k] for k in ("title", "perstag", "type", "description", "default")}
        if attrs["type"] in CHOICE_TYPES:
            out["options"] = [
                o["value"]
                if o["label"] == o["value"]
                else {"value": o["value"], "label": o["label"]}
                for o in attrs["options"]
            ]
        out["lists"] = attrs["lists"]
        return out

    def replace(self, want: Obj, have: Obj, fixed: Sequence[AttrDiff]) -> list[Change]:
        return replacement(want, have, fixed, asked=extra_of(want, FieldExtra).replace)

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        field_id, _ = await self.post(api, change, ids)
        assert change.desired is not None
        attrs = change.desired.attrs
        await _sync_options(api, field_id, attrs.get("options"), {})
        await _sync_relations(api, field_id, attrs.get("lists", ALL_LISTS), {}, ids)
        return field_id

    async def update(self, api: Api, change: Change, ids: Ids) -> None:
        """The field's own attributes in one PUT, then its options and list relations."""
        await super().update(api, change, ids)
        assert change.desired is not None and change.live is not None and change.id
        attrs, live = change.desired.attrs, extra_of(change.live, FieldExtra)
        changed = {d.path for d in change.diff}
        if "options" in changed:
            await _sync_options(api, change.id, attrs["options"], live.options)
        if "lists" in changed:
            await _sync_relations(api, change.id, attrs["lists"], live.relations, ids)


async def count_values(api: Reads, field_id: str | None) -> int | None:
    """Contacts holding a value of the field: one row of ``/fieldValues`` and its meta.total.
    ``filters[fieldid]`` on ``/fieldValues`` is in ActiveCampaign's reference [INF: not in
    activecampaign-api.md]."""
    body = await api.get("/fieldValues", {"filters[fieldid]": field_id, "limit": 1})
    total = (body.get("meta") or {}).get("total")
    return None if total is None else as_int(total)


def _lists_attr(relations: Mapping[int, str], stringids: Mapping[str, str]) -> Any:
    if set(relations) == {0}:
        return ALL_LISTS
    names = [
        ALL_LISTS if relid == 0 else stringids.get(str(relid), f"#{relid}") for relid in relations
    ]
    return sorted(names)


async def _sync_options(
    api: Api, field_id: str, desired: Any, live: Mapping[str, Mapping[str, Any]]
) -> None:
    """Make the options exactly ``desired``, in order, with the fewest calls: one bulk create
    for the new ones, a PUT for each one whose label or position moved, a DELETE for each one
    no longer listed."""
    if desired is None:
        return
    new = []
    for position, option in enumerate(desired, start=1):
        current = live.get(option["value"])
        if current is None:
            new.append({"field": field_id, "value": option["value"], "label": option["label"],
                        "orderid": position, "isdefault": False})  # fmt: skip
        elif (
            as_str(current.get("label")) != option["label"]
            or as_int(current.get("orderid")) != position
        ):
            body = {"fieldOption": {"label": option["label"], "orderid": position}}
            await api.put(f"/fieldOptions/{current['id']}", body)
    if new:

        async def find() -> Any:  # after an ambiguous failure: were they created?
            rows = await _rows_of(api, f"/fields/{field_id}/options", "fieldOptions")
            values = {option["value"] for option in new}
            made = [row for row in rows if as_str(row.get("value")) in values]
            return {"fieldOptions": made} if made else None

        await api.create("/fieldOption/bulk", {"fieldOptions": new}, find=find)
    wanted = {option["value"] for option in desired}
    for value, current in live.items():
        if value not in wanted:
            await api.delete(f"/fieldOptions/{current['id']}")


async def _sync_relations(
    api: Api, field_id: str, lists: Any, live: Mapping[int, str], ids: Ids
) -> None:
    """Make the field's list relations exactly ``lists``: new ones first, so that the field
    is never left without a relation (and so invisible) in between."""
    wanted = {0} if lists == ALL_LISTS else {int(ids[("list", stringid)]) for stringid in lists}
    for relid in sorted(wanted - set(live)):

        async def find(relid: int = relid) -> Any:
            rows = await _rows_of(api, f"/fields/{field_id}/relations", "fieldRels")
            made = [row for row in rows if as_int(row.get("relid")) == relid]
            return {"fieldRel": made[0]} if made else None

        body = {"fieldRel": {"field": int(field_id), "relid": relid}}
        await api.create("/fieldRels", body, find=find)
    for relid in sorted(set(live) - wanted):
        await api.delete(f"/fieldRels/{live[relid]}")


async def _rows_of(api: Api, path: str, key: str) -> list[Mapping[str, Any]]:
    body = await api.get(path)
    rows = body.get(key) if isinstance(body, dict) else None
    return [row for row in rows or [] if isinstance(row, dict)]
