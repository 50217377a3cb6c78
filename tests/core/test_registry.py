"""The registry of kinds: what it refuses, that the order kinds are registered in changes
nothing, and that a new kind takes part in load -> read -> plan -> apply with no change to
the core."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.apply import apply_plan
from reconciler.client import Client, Endpoint
from reconciler.diff import diff
from reconciler.engine import make_plan
from reconciler.errors import RegistryError
from reconciler.export import export_account, export_files
from reconciler.kinds import Kind, Obj, RawCollection, Registry, standard_kinds
from reconciler.kinds.base import Attr, Spec
from reconciler.kinds.values import casefold
from reconciler.manifest import load_manifests, load_project
from reconciler.manifest.schema import manifest_schema, project_schema, render_schema
from reconciler.plan import build_plan
from reconciler.ratelimit import Limiters
from reconciler.render import render
from reconciler.sandbox import create_app
from reconciler.sandbox.seed import load_seed
from reconciler.state import read_account

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STANDARD = standard_kinds()


# --- a kind the core has never heard of --------------------------------------------------


class NoteSpec(Spec):
    """A note: a title and a text."""

    title: str
    text: str = ""
    renamed_from: list[str] = []


class NoteKind(Kind):
    """Declared as the standard kinds are: the attribute table says it all."""

    name = "note"
    section = "notes"
    collection = "notes"
    place = 80
    spec = NoteSpec
    attributes = (Attr("title", "title"), Attr("text", "text"))
    identity = "title"
    path = "/notes"
    envelope = "note"

    def key(self, values: Mapping[str, Any]) -> str:
        return casefold(values["title"])


class MemoryApi:
    """An account in memory: each collection a list of rows; a write's body is
    ``{"singular": {...}}`` as ActiveCampaign's are."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.ids = itertools.count(1)
        self.writes: list[tuple[str, str]] = []

    async def collect(self, path: str, params: Mapping[str, Any] | None = None) -> RawCollection:
        return RawCollection([dict(row) for row in self.rows.get(path.strip("/"), [])])

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        raise AssertionError(f"no GET {path} is expected")

    async def create(self, path: str, body: Any, *, find: Any = None) -> Any:
        self.writes.append(("POST", path))
        ((singular, values),) = body.items()
        row = {**values, "id": str(next(self.ids))}
        self.rows.setdefault(path.strip("/"), []).append(row)
        return {singular: row}

    def _row(self, path: str) -> dict[str, Any]:
        collection, _, row_id = path.strip("/").rpartition("/")
        return next(r for r in self.rows[collection] if r["id"] == row_id)

    async def put(self, path: str, body: Any) -> Any:
        self.writes.append(("PUT", path))
        ((_, values),) = body.items()
        self._row(path).update(values)
        return body

    async def patch(self, path: str, body: Any) -> Any:
        return await self.put(path, body)

    async def delete(self, path: str) -> Any:
        self.writes.append(("DELETE", path))
        collection = path.strip("/").rpartition("/")[0]
        self.rows[collection].remove(self._row(path))
        return {}


def plan_and_apply(kinds: Registry, api: MemoryApi, file: Path, text: str, prune: set[str]) -> Any:
    file.write_text(text, encoding="utf-8")
    desired = load_manifests([file], kinds=kinds, env={})

    async def run() -> Any:
        plan = await make_plan(api, desired, prune=prune)
        await apply_plan(api, plan)
        return plan, await make_plan(api, desired, prune=prune)

    return asyncio.run(run())


NOTES = "notes:\n  - {title: Groceries, text: milk}\n  - {title: Chores}\n"


def test_a_new_kind_alone_is_loaded_planned_applied_and_converges(tmp_path: Path) -> None:
    kinds = Registry.of(NoteKind())
    api = MemoryApi()
    plan, again = plan_and_apply(kinds, api, tmp_path / "m.yaml", NOTES, {"notes"})
    assert [(c.action, c.kind, c.key) for c in plan.changes] == [
        ("create", "note", "groceries"),
        ("create", "note", "chores"),
    ]
    assert again.empty and api.writes == [("POST", "/notes"), ("POST", "/notes")]
    assert '+ note "Groceries"' in render(plan, "text")

    changed = "notes:\n  - {title: Groceries, text: bread}\n"
    plan, again = plan_and_apply(kinds, api, tmp_path / "m.yaml", changed, {"notes"})
    assert [(c.action, c.key, c.reason) for c in plan.changes] == [
        ("update", "groceries", None),
        ("delete", "chores", "pruned: not in the manifests"),
    ]
    assert again.empty and api.rows["notes"] == [{"title": "Groceries", "text": "bread", "id": "1"}]
    exported = export_account(again.live, kinds)
    assert exported.sections == {"notes": [{"title": "Groceries", "text": "bread"}]}


def test_a_new_kind_beside_the_standard_ones(tmp_path: Path) -> None:
    kinds = Registry.of(*STANDARD, NoteKind())
    assert kinds.names[-1] == "note" and "notes" in kinds.sections()
    api = MemoryApi()
    text = NOTES + "tags:\n  - {name: VIP}\n"
    plan, again = plan_and_apply(kinds, api, tmp_path / "m.yaml", text, set())
    assert [(c.kind, c.key) for c in plan.changes] == [
        ("tag", "contact:vip"),
        ("note", "groceries"),
        ("note", "chores"),
    ]
    assert again.empty and sorted(api.rows) == ["notes", "tags"]


def test_a_section_no_registered_kind_holds_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(NOTES, encoding="utf-8")
    with pytest.raises(Exception, match=r'unknown section "notes".*Sections: tags, lists'):
        load_manifests([tmp_path / "m.yaml"], kinds=STANDARD, env={})


# --- what the registry refuses ------------------------------------------------------------


def kind(name: str, *, section: str | None = None, **attrs: Any) -> Kind:
    """A kind class named ``name`` with ``attrs`` (``depends_on``, ``child_of``, ``place``)."""
    body: dict[str, Any] = {"name": name, "section": section or f"{name}s", **attrs}
    made: Any = type(f"{name.title()}Kind", (NoteKind,), body)
    return made()


def test_two_kinds_with_one_name_or_section_are_refused() -> None:
    with pytest.raises(RegistryError, match='two kinds have the name "a"'):
        Registry.of(kind("a"), kind("a", section="others"))
    with pytest.raises(RegistryError, match='two kinds have the section "things"'):
        Registry.of(kind("a", section="things"), kind("b", section="things"))


def test_references_to_kinds_that_are_not_registered_are_refused() -> None:
    message = 'kind "a" names kind "b", which is not registered'
    with pytest.raises(RegistryError, match=message):
        Registry.of(kind("a", depends_on=("b",)))
    with pytest.raises(RegistryError, match=message):
        Registry.of(kind("a", child_of="b"))


def test_a_child_must_share_its_parents_section() -> None:
    with pytest.raises(RegistryError, match='its section "cs" is not "ps"'):
        Registry.of(kind("p", section="ps"), kind("c", section="cs", child_of="p"))


def test_a_dependency_cycle_is_refused_naming_it() -> None:
    kinds = (
        kind("a", depends_on=("c",)),
        kind("b", depends_on=("a",)),
        kind("c", depends_on=("b",)),
    )
    with pytest.raises(RegistryError, match="in a cycle: a -> c -> b -> a"):
        Registry.of(*kinds)
    with pytest.raises(RegistryError, match="in a cycle: d -> d"):
        Registry.of(kind("d", depends_on=("d",)))


def test_a_registry_is_built_with_of_only() -> None:
    with pytest.raises(RegistryError, match=r"Registry.of"):
        Registry(tuple(reversed(STANDARD.kinds)))
    assert Registry(STANDARD.kinds) == STANDARD and len(Registry()) == 0


def test_lookups() -> None:
    assert STANDARD["stage"].child_of == "pipeline" and STANDARD.get("nothing") is None
    assert "tag" in STANDARD and "tags" not in STANDARD and len(STANDARD) == 7
    assert [k.name for k in STANDARD.children("pipeline")] == ["stage"]
    assert STANDARD.family("pipeline") == {"pipeline", "stage"}
    assert STANDARD.parent_kinds()["stage"] == "pipeline"
    with pytest.raises(KeyError, match='no kind "nothing" is registered'):
        STANDARD["nothing"]


# --- the order of registration does not matter --------------------------------------------


def test_every_registration_order_gives_one_order() -> None:
    expected = ("tag", "list", "field", "pipeline", "stage", "webhook", "deal_field")
    assert STANDARD.names == expected
    for order in itertools.permutations(STANDARD.kinds):
        assert Registry.of(*order).names == expected


def test_ties_are_broken_by_place_then_name() -> None:
    kinds = Registry.of(kind("b"), kind("a"), kind("z", place=1), kind("y", depends_on=("b",)))
    assert kinds.names == ("z", "a", "b", "y")


async def _read_seeded(kinds: Registry) -> list[Obj]:
    seed = json.loads((EXAMPLES / "sandbox-seed.json").read_text(encoding="utf-8"))
    store = load_seed(seed)
    app = create_app(store, rate_limit=None, maton_rate_limit=None)
    endpoint = Endpoint(
        base_url="http://sandbox.acr/active-campaign/api/3",
        headers={"Authorization": f"Bearer {store.maton_key}"},
        account="registry-order",
        description="in-process sandbox",
    )
    transport = httpx.ASGITransport(app=app)
    async with Client(endpoint, transport=transport, rate=10_000, limiters=Limiters()) as client:
        return list((await read_account(client, kinds)).objects)


def _outputs(kinds: Registry) -> list[str]:
    """Everything acr emits that depends on the order of kinds: schemas, the example's plan
    against the example account, a plan that prunes that account, and its export."""
    project = load_project(EXAMPLES / "acr.yaml", kinds=kinds)
    desired = load_manifests(
        [EXAMPLES / "manifests"], kinds=kinds, vars=project.vars, env={"HOOK_TOKEN": "t0ken"}
    )
    live = asyncio.run(_read_seeded(kinds))
    creates = build_plan(diff(desired.objects, live, kinds=kinds).changes, kinds=kinds)
    deletes = diff([], live, kinds=kinds, prune=set(kinds.sections()))
    prunes = build_plan(deletes.changes, kinds=kinds)
    assert len({c.kind for c in creates.changes}) >= 3 and len(prunes.changes) > 10
    files = export_files(export_account(live, kinds), "the account", "today")
    return [
        render_schema(manifest_schema(kinds)),
        render_schema(project_schema(kinds)),
        json.dumps(creates.data, sort_keys=True),
        json.dumps(prunes.data, sort_keys=True),
        render(creates, "text") + render(prunes, "markdown"),
        json.dumps(files),
    ]


def test_shuffled_registrations_give_byte_identical_plans_exports_and_schemas() -> None:
    reference = _outputs(STANDARD)
    shuffle = random.Random(9).shuffle
    for _ in range(5):
        order = list(STANDARD.kinds)
        shuffle(order)
        assert _outputs(Registry.of(*order)) == reference
