"""export, connections and compare, driven directly against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.commands.accounts import ExportRequest, compare, connections, export
from reconciler.commands.applying import ApplyRequest, apply
from reconciler.commands.context import Result
from reconciler.errors import ConfigError

from .conftest import MISSING, Recorder, Workspace


def clock() -> datetime:
    return datetime(2025, 1, 2, 3, 4, tzinfo=UTC)


def test_export_writes_the_account_with_where_and_when(workspace: Workspace) -> None:
    apply(workspace.context(Recorder()), ApplyRequest(target="b", yes=True))
    recorder = Recorder()
    request = ExportRequest(target="b", out="exported")
    assert export(workspace.context(recorder), request, clock=clock) is Result.OK
    assert recorder.out == ["Exported 2 objects to exported/: tags.yaml (2).\n"]
    text = Path("exported/tags.yaml").read_text(encoding="utf-8")
    assert "2025-01-02 03:04 UTC" in text and "(target b)" in text
    with pytest.raises(ConfigError):  # the files exist
        export(workspace.context(Recorder()), request, clock=clock)
    assert export(workspace.context(Recorder()), ExportRequest("b", "exported", force=True))


def test_export_goes_to_the_projects_manifests_folder(workspace: Workspace) -> None:
    for path in (workspace.root / "manifests").iterdir():
        path.unlink()
    recorder = Recorder()
    assert export(workspace.context(recorder), ExportRequest(target="a")) is Result.OK
    assert recorder.out == ["Exported 0 objects to manifests/: nothing.\n"]


def test_connections_fail_when_a_target_names_a_missing_one(workspace: Workspace) -> None:
    recorder = Recorder()
    assert connections(workspace.context(recorder)) is Result.OK
    assert "a0000000-0000-4000-8000-00000000000a" in recorder.shown
    (workspace.root / "acr.yaml").write_text(
        f"targets:\n  gone: {{connection: {MISSING}}}\n", encoding="utf-8"
    )
    recorder = Recorder()
    assert connections(workspace.context(recorder)) is Result.FAILED
    assert 'target "gone"' in recorder.shown


def test_compare_says_which_targets_differ_until_they_are_applied(workspace: Workspace) -> None:
    recorder = Recorder()
    assert compare(workspace.context(recorder), (), None, "text") is Result.CHANGES
    assert "tag" in recorder.shown
    apply(workspace.context(Recorder()), ApplyRequest(all_targets=True, yes=True))
    assert compare(workspace.context(Recorder()), (), "a, b", "json") is Result.OK


def test_compare_fails_when_a_target_cannot_be_planned(workspace: Workspace) -> None:
    (workspace.root / "acr.yaml").write_text(
        f"vars: {{region: eu}}\ntargets:\n  gone: {{connection: {MISSING}}}\n", encoding="utf-8"
    )
    assert compare(workspace.context(Recorder()), (), None, "text") is Result.FAILED
