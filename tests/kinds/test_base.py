"""The table-driven part of the kind base, on a tiny kind defined here: desired attributes
(always managed, or only when set), refs and fixed derived from the table, a row's
attributes, payloads, and the writes over ``path`` and ``envelope``."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import pytest
from pydantic import Field

from reconciler.change import Change
from reconciler.kinds.base import FLAG, Attr, Kind, Obj, RawCollection, Spec
from reconciler.kinds.values import as_int, as_set
from reconciler.objects import AttrDiff, Extra, Ref


class GadgetSpec(Spec):
    name: str
    colour: str = "red"
    size: int | None = None
    active: bool | None = None
    parts: list[str] = Field(default_factory=list)
    serial: str = ""
    renamed_from: list[str] = Field(default_factory=list)


class GadgetKind(Kind):
    name = "gadget"
    section = "gadgets"
    collection = "gadgets"
    spec = GadgetSpec
    attributes = (
        Attr("name", "gadgetName"),
        Attr("colour", "color", empty="red"),
        Attr("size", "size", read=as_int, always=False, create_default=1),
        Attr("active", "isActive", **FLAG, always=False),
        Attr("parts", "parts", read=as_set, given=as_set, ref="part"),
        Attr("serial", "serial", fixed=True),
    )
    identity = "name"
    path = "/gadgets"
    envelope = "gadget"
    search = ("filters[name]", "name")


class PatchedGadgetKind(GadgetKind):
    update_sends: ClassVar[Literal["changed", "all"]] = "all"
    update_method: ClassVar[Literal["put", "patch"]] = "patch"


KIND = GadgetKind()


def desired(**entry: Any) -> Obj:
    (obj,) = KIND.desired(GadgetSpec.model_validate({"name": "Gizmo", **entry}), "g.yaml:1")
    return obj


def test_refs_and_fixed_are_derived_from_the_table() -> None:
    assert GadgetKind.fixed == ("serial",)
    assert GadgetKind.ref_attrs == {"parts": "part"}
    assert Kind.fixed == () and Kind.ref_attrs == {}


def test_always_managed_attributes_take_their_default_the_others_only_when_set() -> None:
    assert dict(desired().attrs) == {"name": "Gizmo", "colour": "red", "parts": [], "serial": ""}
    obj = desired(size=3, active=False, parts=["b", "a", "b"])
    assert obj.attrs["size"] == 3 and obj.attrs["active"] is False
    assert obj.attrs["parts"] == ["a", "b"]  # through ``given``
    assert "size" not in desired(size=None).attrs  # null is the same as leaving it out


def test_identity_aliases_and_refs_of_a_desired_object() -> None:
    obj = desired(parts=["wheel", "axle"], renamed_from=["Old"])
    assert (obj.kind, obj.key, obj.label, obj.source) == ("gadget", "Gizmo", "Gizmo", "g.yaml:1")
    assert obj.aliases == ("Old",)
    assert obj.refs == (("part", "axle"), ("part", "wheel"))


def test_rows_read_through_the_table() -> None:
    rows = [
        {"id": 4, "gadgetName": "Gizmo", "color": "", "size": "3", "isActive": "0",
         "parts": ["b", "a"], "serial": None, "ignored": "x"},
        {"id": "5", "gadgetName": "Other", "color": "blue", "size": None, "isActive": 1},
    ]  # fmt: skip
    gizmo, other = KIND.normalise({"gadgets": RawCollection(rows)})
    assert (gizmo.key, gizmo.label, gizmo.id) == ("Gizmo", "Gizmo", "4")
    assert dict(gizmo.attrs) == {"name": "Gizmo", "colour": "red", "size": 3, "active": False,
                                 "parts": ["a", "b"], "serial": ""}  # fmt: skip
    assert other.attrs["colour"] == "blue" and other.attrs["size"] == 0
    assert other.attrs["active"] is True and other.attrs["parts"] == []


def test_a_payload_holds_the_attributes_with_a_value_under_their_api_keys() -> None:
    ids = FakeIds()
    attrs = {"name": "Gizmo", "active": True, "size": None, "parts": ["a"]}
    assert KIND.payload(attrs, ids) == {"gadgetName": "Gizmo", "isActive": 1, "parts": ["a"]}


def test_a_kind_writes_the_attributes_it_maps_itself() -> None:
    class Hooked(GadgetKind):
        attributes = (*GadgetKind.attributes, Attr("owner", None, ref="person"))

        def values(self, spec: Any, **known: Any) -> dict[str, Any]:
            return super().values(spec, owner="ann", **known)

    kind = Hooked()
    (obj,) = kind.desired(GadgetSpec(name="G"), "g.yaml:1")
    assert obj.attrs["owner"] == "ann" and obj.refs == (("person", "ann"),)
    assert Hooked.ref_attrs == {"parts": "part", "owner": "person"}
    assert "owner" not in kind.payload(obj.attrs, FakeIds())
    assert "owner" not in kind.read_row({"id": 1, "gadgetName": "G", "owner": "x"})


# -- writes ------------------------------------------------------------------------------


@dataclass
class FakeIds:
    known: dict[Ref, str] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)

    def __getitem__(self, ref: Ref) -> str:
        return self.known[ref]

    def __setitem__(self, ref: Ref, value: str) -> None:
        self.known[ref] = value


class FakeApi:
    """Records every call; a create answers with id 7, or with its look-up when it fails."""

    def __init__(self, rows: list[dict[str, Any]] | None = None, *, lost: bool = False) -> None:
        self.rows = rows or []
        self.lost = lost
        self.calls: list[tuple[str, str, Any]] = []

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        self.calls.append(("GET", path, dict(params or {})))
        return {"gadgets": self.rows}

    async def create(self, path: str, body: Any, *, find: Any = None) -> Any:
        self.calls.append(("POST", path, body))
        return await find() if self.lost else {"gadget": {"id": 7}}

    async def put(self, path: str, body: Any) -> Any:
        self.calls.append(("PUT", path, body))

    async def patch(self, path: str, body: Any) -> Any:
        self.calls.append(("PATCH", path, body))

    async def delete(self, path: str) -> Any:
        self.calls.append(("DELETE", path, None))


def update(obj: Obj, *paths: str, **live: Any) -> Change:
    before = Obj("gadget", obj.key, obj.label, {**obj.attrs, **live}, id="9")
    diff = tuple(AttrDiff(p, before.attrs.get(p), obj.attrs.get(p)) for p in paths)
    return Change("update", "gadget", obj.key, obj.label, id="9", diff=diff, desired=obj,
                  live=before)  # fmt: skip


def test_a_create_posts_the_envelope_with_the_create_defaults() -> None:
    api = FakeApi()
    change = Change("create", "gadget", "Gizmo", "Gizmo", desired=desired(active=True))
    assert asyncio.run(KIND.create(api, change, FakeIds())) == "7"
    body = {"gadget": {"size": 1, "gadgetName": "Gizmo", "color": "red", "isActive": 1,
                       "parts": [], "serial": ""}}  # fmt: skip
    assert api.calls == [("POST", "/gadgets", body)]


def test_an_ambiguous_create_finds_the_row_whose_key_is_the_changes() -> None:
    rows = [{"id": 3, "gadgetName": "Gizmo 2"}, {"id": 4, "gadgetName": "Gizmo"}]
    api = FakeApi(rows, lost=True)
    change = Change("create", "gadget", "Gizmo", "Gizmo", desired=desired())
    assert asyncio.run(KIND.create(api, change, FakeIds())) == "4"
    assert api.calls[1] == ("GET", "/gadgets", {"filters[name]": "Gizmo", "limit": 100})
    missing = FakeApi(rows[:1])
    assert asyncio.run(KIND.finder(missing, change)()) is None


@pytest.mark.parametrize(
    ("kind", "sent"),
    [
        (KIND, [("PUT", "/gadgets/9", {"gadget": {"color": "red"}})]),
        (
            PatchedGadgetKind(),
            [
                (
                    "PATCH",
                    "/gadgets/9",
                    {"gadget": {"gadgetName": "Gizmo", "color": "red", "parts": [], "serial": ""}},
                )
            ],
        ),  # fmt: skip
    ],
)
def test_an_update_sends_what_changed_or_everything(kind: Kind, sent: list[Any]) -> None:
    api = FakeApi()
    asyncio.run(kind.update(api, update(desired(), "colour", colour="blue"), FakeIds()))
    assert api.calls == sent


def test_an_update_whose_changes_the_table_does_not_map_sends_nothing() -> None:
    api = FakeApi()
    obj = Obj("gadget", "Gizmo", "Gizmo", {"name": "Gizmo", "owner": "ann"})
    asyncio.run(KIND.update(api, update(obj, "owner", owner="bob"), FakeIds()))
    assert api.calls == []


def test_a_delete_goes_to_the_live_id_or_the_one_made_in_the_run() -> None:
    api = FakeApi()
    asyncio.run(KIND.delete(api, Change("delete", "gadget", "Gizmo", "Gizmo", id="9"), FakeIds()))
    made = FakeIds({("gadget", "New"): "12"})
    asyncio.run(KIND.delete(api, Change("delete", "gadget", "New", "New"), made))
    assert api.calls == [("DELETE", "/gadgets/9", None), ("DELETE", "/gadgets/12", None)]


@dataclass(frozen=True)
class GadgetExtra(Extra):
    serials: tuple[str, ...] = ()


def test_typed_extras_default_when_an_object_has_none() -> None:
    from reconciler.kinds.base import extra_of

    plain = desired()
    assert extra_of(plain, GadgetExtra) == GadgetExtra()
    assert plain.extra.absorbs == ()
    rich = Obj("gadget", "G", "G", {}, extra=GadgetExtra(serials=("s1",)))
    assert extra_of(rich, GadgetExtra).serials == ("s1",)


def test_a_fixed_attribute_that_differs_is_refused_by_default() -> None:
    from reconciler.errors import PlanError

    want, have = desired(serial="B"), desired(serial="A")
    with pytest.raises(PlanError, match=r'gadget "Gizmo" \(g.yaml:1\): serial cannot be changed'):
        KIND.replace(want, have, [AttrDiff("serial", "A", "B")])
