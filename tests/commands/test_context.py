"""The context every sequence works with, and the results the command line maps to codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import _exit
from reconciler.commands.context import Context, Result

from .conftest import Recorder


@pytest.mark.parametrize(
    ("result", "detailed", "code"),
    [(Result.OK, True, 0), (Result.CHANGES, False, 0), (Result.CHANGES, True, 2),
     (Result.FAILED, False, 1), (Result.FAILED, True, 1)],
)  # fmt: skip
def test_results_map_to_the_exit_codes(result: Result, detailed: bool, code: int) -> None:
    assert _exit(result, detailed=detailed) == code


def test_retries_are_noticed_masked_and_the_project_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    recorder = Recorder()
    ctx = Context(recorder.hooks(), {}, project_file=None)
    assert ctx.run is ctx.run and ctx.project is ctx.project
    assert ctx.run.on_retry is not None
    ctx.run.on_retry("GET https://h/x?api_key=s3cr3t timed out; again in 1 s")
    assert recorder.err == ["  … GET https://h/x?api_key=*** timed out; again in 1 s"]


def test_the_step_summary_is_written_only_in_github_actions(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    Context(Recorder().hooks(), {"GITHUB_STEP_SUMMARY": str(summary)}).step_summary(lambda: "x")
    assert not summary.exists()
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    Context(Recorder().hooks(), env).step_summary(lambda: "x")
    assert summary.read_text(encoding="utf-8") == "x\n"
