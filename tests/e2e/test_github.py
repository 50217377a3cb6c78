"""In GitHub Actions: the plan in the step summary, manifest problems as annotations."""

from __future__ import annotations

import pytest

from reconciler.errors import Location, Problem
from reconciler.github import annotation, run_url

from .base import BASE, dump
from .conftest import Acr


@pytest.fixture
def actions(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> Acr:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(acr.root / "summary.md"))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/marketing")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    return acr


def test_plan_writes_its_markdown_to_the_step_summary(actions: Acr) -> None:
    actions.write("all.yaml", dump(BASE))
    result = actions("plan", "--format", "json", "--out", "plan.json")
    assert result.out.startswith("{")  # stdout stays the JSON plan
    summary = (actions.root / "summary.md").read_text()
    assert summary.startswith("### acr plan") and "| + | tag | VIP |" in summary
    assert "actions/runs/42" not in summary  # the whole plan fits: no pointer needed
    actions("plan")
    assert (actions.root / "summary.md").read_text().count("### acr plan") == 2  # appended


def test_manifest_problems_are_annotations_on_their_lines(actions: Acr) -> None:
    actions.write("bad.yaml", "tags:\n  - name: A\n    colour: red\n")
    result = actions("validate")
    assert result.code == 1
    (line,) = [x for x in result.err.splitlines() if x.startswith("::error")]
    assert line.startswith("::error file=manifests/bad.yaml,line=3,col=5::tags[0]")
    assert result.out == ""


def test_validate_warnings_are_warning_annotations(actions: Acr) -> None:
    actions.write("fields.yaml", "fields:\n  - title: Score\n    type: text\n    lists: [vip]\n")
    result = actions("validate")
    assert result.code == 0, result.err
    (line,) = [x for x in result.err.splitlines() if x.startswith("::")]
    assert line.startswith("::warning file=manifests/fields.yaml,line=4,col=13::fields[0].lists[0]")


def test_no_annotations_outside_actions(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    acr.write("bad.yaml", "tags:\n  - name: A\n    colour: red\n")
    assert "::error" not in acr("validate").err
    acr.write("bad.yaml", dump(BASE))
    acr("plan")
    assert not (acr.root / "summary.md").exists()


def test_annotation_escapes_what_the_runner_parses() -> None:
    problem = Problem("50% off\nnext", Location("a,b:c.yaml", 2, 3), "tags[0]")
    assert (
        annotation(problem) == "::error file=a%2Cb%3Ac.yaml,line=2,col=3::tags[0]: 50%25 off%0Anext"
    )
    assert annotation(Problem("no place")) == "::error::no place"
    assert annotation(Problem("no place"), "warning") == "::warning::no place"


def test_run_url() -> None:
    env = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_RUN_ID": "7",
    }
    assert run_url(env) == "https://github.com/o/r/actions/runs/7"
    assert run_url({}) is None


def test_a_cut_markdown_plan_points_at_the_plan_file_among_the_runs_artifacts(
    actions: Acr,
) -> None:
    from reconciler.cli import _full_plan_hint

    assert _full_plan_hint("plan.json") == (
        "plan.json (`acr plan --out`), among the artifacts of "
        "https://github.com/acme/marketing/actions/runs/42"
    )
    assert _full_plan_hint(None) is None
