"""Deal custom fields: ``/dealCustomFieldMeta``. Identity is the label, case-folded.

One resource per field [V-docs OAS]: camelCase keys, the options inline as an array of
strings (``fieldOptions``), ``isRequired``/``isFormVisible`` as 0/1, a list answer that may
have no ``meta`` (the client stops on a short page). A new field must then join a field
group with ``POST /groupMembers`` or it is not shown on deal pages [V-docs
create-custom-deal-field-meta]; it joins the account's deal group.

``PUT`` takes ``fieldLabel``, ``fieldOptions``, ``fieldDefault``, ``isFormVisible`` and
``displayOrder`` only [V-docs OAS update-a-custom-deal-field-meta]: the type and whether the
field is required are set when it is created and cannot be changed through the API, so a
plan that would change either is refused (``fixed`` and ``replace``). Like pipelines, deal
fields need Deals access [R2; INF for this endpoint].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from reconciler.errors import ConfigError, PlanError
from reconciler.kinds.base import FLAG, Api, Attr, Finder, Ids, Kind, Obj, Spec
from reconciler.kinds.stages import DEALS_ACCESS
from reconciler.kinds.values import as_str, casefold

if TYPE_CHECKING:
    from reconciler.change import Change
    from reconciler.objects import AttrDiff

DealFieldType = Literal[
    "text", "textarea", "date", "datetime", "dropdown", "multiselect", "radio", "checkbox",
    "hidden", "currency", "number",
]  # fmt: skip
CHOICE_TYPES = frozenset({"dropdown", "multiselect", "radio", "checkbox"})
MULTI_TYPES = frozenset({"multiselect", "checkbox"})  # a default may hold several options
PATH = "/dealCustomFieldMeta"
ENVELOPE = "dealCustomFieldMetum"  # sic: the API's singular
PAGE = 100
# The group the application shows a new deal field in: the built-in deal group is labelled
# ``{**DEAL_DEFAULT**}`` and has type_id 2 in the docs' example [V-docs OAS
# get-all-custom-field-groups]; that type_id 2 means "deal" on every account is [INF].
DEAL_GROUP_LABEL = "{**DEAL_DEFAULT**}"
DEAL_GROUP_TYPE = 2
GROUP_MEMO = "deal_field_group"  # ids.memo key: the group's id, once found in a run


class DealFieldSpec(Spec):
    """A deal custom field: its label, type, options and how deal forms show it."""

    label: str = Field(min_length=1, description="The field's label, unique in the account.")
    type: DealFieldType = Field(description="The field's type; fixed once the field exists.")
    options: list[str] | None = Field(
        None,
        description="Choices, complete and ordered (choice types only). Left out: not managed.",
    )
    default: str | list[str] = Field(
        "",
        description="Default value; managed, empty when left out. A list of options for "
        "multiselect and checkbox fields.",
    )
    required: bool | None = Field(
        None, description="Deals must have a value. Set on create; cannot be changed later."
    )
    visible: bool | None = Field(None, description="Shown on deal forms. Left out: not managed.")
    renamed_from: list[str] = Field(
        default_factory=list, description="Earlier labels; the live field is updated in place."
    )

    @model_validator(mode="after")
    def _check(self) -> DealFieldSpec:
        choices = ", ".join(sorted(CHOICE_TYPES))
        if self.options is not None and self.type not in CHOICE_TYPES:
            raise ValueError(f"options are only for {choices} fields, not {self.type}")
        options = self.options or []
        if any(not option for option in options):
            raise ValueError("an option must not be empty")
        repeated = sorted({o for o in options if options.count(o) > 1})
        if repeated:
            raise ValueError(f"options must be unique; repeated: {', '.join(repeated)}")
        if isinstance(self.default, list) and self.type not in MULTI_TYPES:
            raise ValueError(
                f"a list of defaults is only for {', '.join(sorted(MULTI_TYPES))} fields"
            )
        missing = sorted(set(_as_list(self.default)) - set(options)) if self.options else []
        if missing:
            raise ValueError(f"the default is not among the options: {', '.join(missing)}")
        return self


def _as_list(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return value
    return [value] if value else []


def _default(value: Any) -> str | list[str]:
    """A default as compared: one string, or the sorted options of a multi-value field."""
    if isinstance(value, list):
        return sorted({as_str(v) for v in value})
    return as_str(value)


def _strings(values: Any) -> list[str]:
    return [as_str(v) for v in values or []]


class DealFieldKind(Kind):
    name = "deal_field"
    section = "deal_fields"
    collection = "dealCustomFieldMeta"
    place = 70
    spec = DealFieldSpec
    dependents = "deals"
    access = DEALS_ACCESS
    access_paths = (PATH, "/groupMembers")
    # ``type`` and ``required``: PUT cannot change them [V-docs OAS]; ``type`` as for contact
    # fields (R9).
    attributes = (
        Attr("label", "fieldLabel"),
        Attr("type", "fieldType", fixed=True),
        Attr("options", "fieldOptions", read=_strings, given=_strings, always=False),
        Attr("default", "fieldDefault", read=_default, given=_default),
        Attr("required", "isRequired", **FLAG, always=False, fixed=True),
        Attr("visible", "isFormVisible", **FLAG, always=False),
    )
    identity = "label"
    path = PATH
    envelope = ENVELOPE

    def key(self, values: Mapping[str, Any]) -> str:
        return casefold(values["label"])

    def aliases(self, spec: DealFieldSpec, values: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(sorted(set(super().aliases(spec, values))))

    def entry(self, obj: Obj, children: Mapping[str, list[Any]]) -> Any:
        """Options only for the choice types (the spec refuses them on others)."""
        out = super().entry(obj, children)
        if out.get("type") not in CHOICE_TYPES:
            out.pop("options", None)
        return out

    def replace(self, want: Obj, have: Obj, fixed: Sequence[AttrDiff]) -> list[Change]:
        """Never: a deal field is not replaced by acr; the plan is refused, located."""
        where = f" ({want.source})" if want.source else ""
        what = "; ".join(f"{d.path} {d.before!r} -> {d.after!r}" for d in fixed)
        raise PlanError(
            f'deal_field "{want.label}"{where}: {what}: ActiveCampaign cannot change a deal '
            f"field's {' or '.join(d.path for d in fixed)} once it exists. Put the live value "
            "back in the manifest, or give the field a new label (a new field; delete the old "
            "one in ActiveCampaign, with the values deals hold in it)."
        )

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        return "the values deals hold in it are deleted"

    def finder(self, api: Api, change: Change) -> Finder:
        """The list has no search parameter: every page is read."""

        async def find() -> Any:
            return self.found(await _all_rows(api), None, change)

        return find

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        group = await _deal_group(api, ids)
        field_id, _ = await self.post(api, change, ids)
        member = {"group_id": int(group), "rel_id": int(field_id), "ordernum": None}
        await api.create("/groupMembers", {"groupMember": member})
        return field_id


async def _all_rows(api: Api) -> list[dict[str, Any]]:
    """Every field, page by page; the list may have no ``meta``, so a short page ends it."""
    rows: list[dict[str, Any]] = []
    while True:
        found = await api.get(PATH, {"limit": PAGE, "offset": len(rows)})
        page = list(found.get(PATH.strip("/")) or [])
        rows += page
        if len(page) < PAGE:
            return rows


async def _deal_group(api: Api, ids: Ids) -> str:
    """The id of the field group new deal fields join, read once per apply."""
    known: str | None = ids.memo.get(GROUP_MEMO)
    if known is not None:
        return known
    found = await api.get("/groupMembers", {"limit": PAGE})
    groups = list(found.get("groupDefinitions") or [])
    chosen = next((g for g in groups if g.get("label") == DEAL_GROUP_LABEL), None)
    chosen = chosen or next(
        (g for g in groups if str(g.get("type_id")) == str(DEAL_GROUP_TYPE)), None
    )
    if chosen is None:
        raise ConfigError(
            "the account has no deal field group (GET /groupMembers lists none labelled "
            f"{DEAL_GROUP_LABEL}), so a new deal field would not show on deal pages; "
            "check that the user has Deals access"
        )
    ids.memo[GROUP_MEMO] = str(chosen["id"])
    return str(chosen["id"])
