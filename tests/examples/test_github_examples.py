"""The GitHub workflows users copy, the composite action and the pre-commit hook: valid
against the published schemas (shipped offline by check-jsonschema), and every acr command
line they run exists with those flags."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from reconciler.cli import Options, cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / "examples" / "github").glob("*.yml"))
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
ACTION_REF = re.compile(r"^your-org/acr@v\d+\.\d+\.\d+$")  # the root action.yml, as copied
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _schema_check(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema]
    return subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)


def test_the_three_workflows_are_there() -> None:
    assert [p.name for p in WORKFLOWS] == ["acr-apply.yml", "acr-drift.yml", "acr-plan.yml"]


def test_workflows_match_the_github_workflows_schema() -> None:
    own = sorted((ROOT / ".github" / "workflows").glob("*.yml"))  # the project's CI too
    checked = _schema_check("vendor.github-workflows", *WORKFLOWS, *own)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_action_matches_the_github_actions_schema() -> None:
    checked = _schema_check("vendor.github-actions", ACTION)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    assert _schema_check("vendor.github-workflows", broken).returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_is_serialised_per_account_and_uses_the_action(path: Path) -> None:
    workflow = _load(path)
    assert workflow["concurrency"] == {
        "group": "acr-production",
        "cancel-in-progress": False,
        "queue": "max",
    }
    uses = [s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(ACTION_REF.match(u) for u in uses), uses


def _command_lines() -> Iterator[tuple[str, str]]:
    """Every acr command line: the action's ``args`` and ``acr ...`` in ``run:`` scripts."""
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            for step in job["steps"]:
                if ACTION_REF.match(step.get("uses", "")):
                    yield path.name, "acr " + step["with"]["args"]
                for line in step.get("run", "").splitlines():
                    found = re.search(r"(?:^|[;&|(]\s*)(acr\s.*)$", line.strip())
                    if found:
                        yield path.name, found[1]
    for hook in _load(HOOKS):
        yield HOOKS.name, hook["entry"]


COMMANDS = list(_command_lines())


def _parse(line: str) -> click.Context:
    """Parse ``line`` with the real command tree: unknown commands, options or bad values
    raise click's usage errors. Nothing runs."""
    words = shlex.split(EXPRESSION.sub("X", line))
    assert words[0] == "acr"
    parent = click.Context(cli, info_name="acr", obj=Options())
    command: click.Command = cli
    words = words[1:]
    while isinstance(command, click.Group):
        name, *words = words
        found = command.get_command(parent, name)
        assert found is not None, f"acr has no command {name!r}"
        command = found
        if isinstance(command, click.Group):
            parent = click.Context(command, info_name=name, parent=parent)
    return command.make_context(command.name or "", list(words), parent=parent)


@pytest.mark.parametrize(("where", "line"), COMMANDS, ids=[f"{w}: {c}" for w, c in COMMANDS])
def test_every_command_run_exists_with_its_flags(where: str, line: str) -> None:
    _parse(line)


def test_the_commands_seen_cover_each_workflow() -> None:
    assert {where for where, _ in COMMANDS} == {p.name for p in WORKFLOWS} | {HOOKS.name}
    assert any("--plan" in line for _, line in COMMANDS)


@pytest.mark.parametrize(
    "line", ["acr plan --no-such-flag", "acr plna", "acr plan --format yaml", "acr apply --plan"]
)
def test_the_command_check_can_fail(line: str) -> None:
    with pytest.raises((click.UsageError, AssertionError)):
        _parse(line)


def test_pre_commit_hook_runs_acr_validate_over_all_manifests() -> None:
    (hook,) = _load(HOOKS)
    assert hook["id"] == "acr-validate" and hook["language"] == "python"
    assert hook["entry"] == "acr validate" and hook["pass_filenames"] is False
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert re.search(hook["files"], "manifests/tags.yaml") and not re.search(hook["files"], "a.py")


def test_action_installs_acr_and_runs_the_args() -> None:
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    scripts = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "pip install" in scripts and 'acr "${args[@]}"' in scripts
    assert set(action["inputs"]) >= {"args", "allowed-exit-codes", "stdout-file"}


def _run_step(tmp_path: Path, args: str, allowed: str) -> tuple[int, str]:
    """The action's "Run acr" step, run by bash as the runner would, against --sandbox."""
    (step,) = [s for s in _load(ACTION)["runs"]["steps"] if s.get("id") == "run"]
    (tmp_path / "manifests").mkdir(exist_ok=True)
    (tmp_path / "manifests" / "tags.yaml").write_text("tags:\n  - name: VIP\n")
    output = tmp_path / "github_output"
    output.unlink(missing_ok=True)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "ACR_ARGS": args,
        "ACR_STDOUT": "out.md",
        "ACR_ALLOWED": allowed,
        "GITHUB_OUTPUT": str(output),
    }
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env)
    return done.returncode, output.read_text()


def test_the_action_step_keeps_stdout_and_allows_the_listed_exit_codes(tmp_path: Path) -> None:
    args = "plan --sandbox --format markdown --detailed-exitcode"
    assert _run_step(tmp_path, args, "0 2") == (0, "exit-code=2\n")
    assert (tmp_path / "out.md").read_text().startswith("### acr plan")
    assert _run_step(tmp_path, args, "0") == (2, "exit-code=2\n")
