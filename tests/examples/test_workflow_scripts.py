"""The shell steps of the example workflows, run by bash with a stand-in for the `gh` CLI
that answers as GitHub would and records every call: the sticky comment, the drift issue's
life cycle, and how the merge finds the reviewed plan."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "github"

FAKE_GH = """#!/usr/bin/env python3
import json, os, sys
line = " ".join(sys.argv[1:])
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(line + "\\n")
for prefix, output in json.load(open(os.environ["FAKE_GH_ANSWERS"])):
    if line.startswith(prefix):
        sys.stdout.write(output)
        break
"""


def _step(workflow: str, name: str) -> dict[str, Any]:
    data = YAML(typ="safe").load((EXAMPLES / workflow).read_text())
    (job,) = data["jobs"].values()
    (step,) = [s for s in job["steps"] if s.get("name") == name]
    return step


def _run(
    tmp_path: Path, workflow: str, name: str, answers: list[tuple[str, str]], **env: str
) -> tuple[int, list[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    log = tmp_path / "gh.log"
    log.write_text("")
    step = _step(workflow, name)
    variables = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_GH_LOG": str(log),
        "FAKE_GH_ANSWERS": str(tmp_path / "answers.json"),
        "GITHUB_REPOSITORY": "acme/marketing",
        "GITHUB_SHA": "abc123",
        **env,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=variables, capture_output=True,
        text=True,
    )  # fmt: skip
    return done.returncode, log.read_text().splitlines(), done.stdout + done.stderr


COMMENT = ("acr-plan.yml", "Post or update the plan comment")
DRIFT = ("acr-drift.yml", "Open, update or close the drift issue")
FETCH = ("acr-apply.yml", "Fetch the reviewed plan of the merged pull request")


def test_the_plan_comment_is_created_once_then_updated_in_place(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text("### acr plan\n")
    code, calls, _ = _run(tmp_path, *COMMENT, [], PR="12")
    assert code == 0
    assert (
        calls[-1] == "api --method POST repos/acme/marketing/issues/12/comments -F body=@comment.md"
    )
    assert (tmp_path / "comment.md").read_text() == "<!-- acr-plan: production -->\n### acr plan\n"
    code, calls, _ = _run(tmp_path, *COMMENT, [("api --paginate", "991\n")], PR="12")
    assert code == 0
    assert calls[-1] == (
        "api --method PATCH repos/acme/marketing/issues/comments/991 -F body=@comment.md"
    )


@pytest.mark.parametrize(
    ("exit_code", "open_issue", "expected"),
    [
        ("2", "", "issue create --title acr: production has drifted from the manifests "
                  "--label acr-drift --body-file drift.md"),
        ("2", "7\n", "issue edit 7 --body-file drift.md"),
        ("0", "7\n", "issue close 7 --comment The account matches the manifests again."),
        ("0", "", "issue list --state open --label acr-drift --limit 100 --json number,title "
                  "--jq .[] | select(.title == \"acr: production has drifted from the manifests\") "
                  "| .number"),
    ],
)  # fmt: skip
def test_the_drift_issue_is_opened_updated_and_closed(
    tmp_path: Path, exit_code: str, open_issue: str, expected: str
) -> None:
    (tmp_path / "drift.md").write_text("### acr plan\n")
    code, calls, _ = _run(tmp_path, *DRIFT, [("issue list", open_issue)], CODE=exit_code)
    assert code == 0 and calls[-1] == expected


def test_the_merge_fetches_the_last_reviewed_plan_of_the_pull_request(tmp_path: Path) -> None:
    answers = [
        ("api repos/acme/marketing/commits/abc123/pulls", "12\n"),
        ("api repos/acme/marketing/pulls/12", "feedbeef\n"),
        ("run list --workflow acr-plan.yml --commit feedbeef --status success", "555\n"),
    ]
    code, calls, out = _run(tmp_path, *FETCH, answers)
    assert code == 0, out
    assert calls[-1] == "run download 555 --name acr-plan-production --dir reviewed"
    assert "Applying the plan of pull request #12, reviewed in run 555." in out


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([], "was not merged from a pull request"),
        ([("api repos/acme/marketing/commits/abc123/pulls", "12\n")], "no successful acr plan run"),
    ],
)
def test_the_merge_applies_nothing_without_a_reviewed_plan(
    tmp_path: Path, answers: list[tuple[str, str]], message: str
) -> None:
    code, calls, out = _run(tmp_path, *FETCH, answers)
    assert code == 1 and message in out
    assert not any(call.startswith("run download") for call in calls)
