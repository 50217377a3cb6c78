"""The kind contract, the same for every registered kind: from an empty account the kind's
objects are created and read back as the manifests say (round trip); each attribute it
manages is one update of that attribute; a ``fixed`` one is never updated in place (the plan
is refused or replaces the object); a rename through ``renamed_from`` keeps the id; and
leaving an object out (its section pruned) is one delete. A new kind passes or fails this on
its own, given a sample in ``samples.py``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from reconciler.errors import PlanError
from reconciler.export import export_account
from reconciler.kinds import standard_kinds
from reconciler.manifest import load_manifests

from .harness import SandboxAccount
from .samples import SAMPLES, Sample

KINDS = standard_kinds()

NAMES = sorted(KINDS.names)
ATTRIBUTES = [
    pytest.param(name, index, id=f"{name}-{SAMPLES[name].changes[index][0]}-{index}")
    for name in NAMES
    if name in SAMPLES
    for index in range(len(SAMPLES[name].changes))
]


def sample(name: str) -> Sample:
    if name not in SAMPLES:
        pytest.fail(f"kind {name!r} has no sample in tests/kinds/samples.py")
    return SAMPLES[name]


@cache
def _applied(name: str, root: Path) -> SandboxAccount:
    account = SandboxAccount(root)
    account.apply(SAMPLES[name].manifest)
    return account


def applied(name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> SandboxAccount:
    """A copy of an account where the kind's sample was applied (applied once per kind)."""
    base = _applied(name, tmp_path_factory.getbasetemp() / f"applied-{name}")
    return base.copy(tmp_path)


def of_kind(account: SandboxAccount, name: str) -> dict[str, tuple[str | None, dict]]:
    return {o.key: (o.id, dict(o.attrs)) for o in account.live() if o.kind == name}


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_has_a_sample(name: str) -> None:
    found = sample(name)
    assert found.changes, f"kind {name!r}: the sample changes no attribute"


@pytest.mark.parametrize("name", NAMES)
def test_create_from_empty_reads_back_as_the_manifest_says(name: str, tmp_path: Path) -> None:
    account = SandboxAccount(tmp_path)
    manifest = sample(name).manifest
    plan = account.apply(manifest)
    assert any(c.kind == name for c in plan.changes)
    assert not [c for c in plan.changes if c.action == "delete" and c.id], "a live object went"
    wanted = [o for o in load_manifests([account.write(manifest)], env={}, kinds=KINDS).objects]
    live = of_kind(account, name)
    for obj in (o for o in wanted if o.kind == name):
        assert obj.key in live, f"{obj.key} was not created"
        _, attrs = live[obj.key]
        assert {k: attrs.get(k) for k in obj.attrs} == dict(obj.attrs)


@pytest.mark.parametrize(("name", "index"), ATTRIBUTES)
def test_each_attribute_is_one_update_that_converges(
    name: str, index: int, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    account = applied(name, tmp_path, tmp_path_factory)
    key, value, attribute = SAMPLES[name].changes[index]
    manifest = SAMPLES[name].edit(key, value)
    plan = account.plan(manifest)
    assert [(c.action, c.kind) for c in plan.changes] == [("update", name)]
    assert [d.path for d in plan.changes[0].diff] == [attribute]
    account.apply(manifest)


@pytest.mark.parametrize("name", NAMES)
def test_fixed_attributes_are_never_updated_in_place(
    name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    found = sample(name)
    assert sorted(k for k, _ in found.fixed) == sorted(KINDS[name].fixed), "a sample per fixed"
    account = applied(name, tmp_path, tmp_path_factory)
    for key, value in found.fixed:
        try:
            plan = account.plan(found.edit(key, value))
        except PlanError as refused:
            assert found.edit(key, value)[found.entry.split(".")[0]] and str(refused)
            continue
        updates = [c for c in plan.changes if c.action == "update" and c.kind == name]
        assert not [d for c in updates for d in c.diff if d.path == key]


@pytest.mark.parametrize("name", NAMES)
def test_a_rename_updates_in_place(
    name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    account = applied(name, tmp_path, tmp_path_factory)
    ids = {ident for ident, _ in of_kind(account, name).values()}
    renamed = sample(name).rename()
    plan = account.plan(renamed)
    assert [(c.action, c.kind) for c in plan.changes] == [("update", name)]
    account.apply(renamed)
    assert {ident for ident, _ in of_kind(account, name).values()} == ids


@pytest.mark.parametrize("name", NAMES)
def test_an_object_left_out_is_left_alone_or_pruned(
    name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    account = applied(name, tmp_path, tmp_path_factory)
    found = sample(name)
    before = of_kind(account, name)
    if found.prune is not None:
        assert account.plan(found.without()).empty  # unmanaged unless pruned
    prune = [found.prune] if found.prune else []
    plan = account.plan(found.without(), prune)
    assert [(c.action, c.kind) for c in plan.changes] == [("delete", name)]
    account.apply(found.without(), prune)
    assert set(of_kind(account, name)) == set(before) - {plan.changes[0].key}


@pytest.mark.parametrize("name", NAMES)
def test_an_export_of_the_account_plans_no_change(
    name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    account = applied(name, tmp_path, tmp_path_factory)
    exported = export_account(account.live(), KINDS)
    assert not exported.skipped and not exported.placeholders
    assert KINDS[name].section in exported.sections or KINDS[name].child_of
    plan = account.plan(exported.sections)
    assert plan.empty, [c.data for c in plan.changes]
