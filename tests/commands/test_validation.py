"""validate, driven directly: every target's vars, no environment value read."""

from __future__ import annotations

import pytest

from reconciler.commands.context import Result
from reconciler.commands.validation import validate
from reconciler.errors import ManifestError

from .conftest import Recorder, Workspace


def test_validate_checks_every_target_and_names_the_variables_plan_needs(
    workspace: Workspace,
) -> None:
    workspace.write(
        "hooks.yaml",
        "webhooks: [{name: x, url: '${vars.hooks}/?t=${env.HOOK_TOKEN}', events: [subscribe],"
        " sources: [public], list: newsletter}]\n",
    )
    (workspace.root / "acr.yaml").write_text(
        "vars: {region: eu}\ntargets:\n  a: {vars: {hooks: https://a.example.com}}\n"
        "  b: {vars: {hooks: https://b.example.com}}\n",
        encoding="utf-8",
    )
    recorder = Recorder()
    workspace.env["GITHUB_ACTIONS"] = "true"
    assert validate(workspace.context(recorder), (), None) is Result.OK
    assert recorder.out == ["Valid: 2 tags, 1 webhook in 2 files (targets: a, b).\n"]
    warnings = [line for line in recorder.err if line.startswith("Warning:")]
    assert len(warnings) == 2 and "newsletter" in warnings[0]  # a list left to the account
    assert sum(line.startswith("::warning file=") for line in recorder.err) == 2
    assert recorder.err[-1] == "Not read (plan and apply need them): HOOK_TOKEN."


def test_validate_with_one_target_fails_on_its_missing_variable(workspace: Workspace) -> None:
    workspace.write("hooks.yaml", "tags: [{name: '${vars.nope}'}]\n")
    with pytest.raises(ManifestError, match='variable "nope" is not defined'):
        validate(workspace.context(Recorder()), (), "b")
