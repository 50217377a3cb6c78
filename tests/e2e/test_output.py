"""What people read on a terminal: colour only where it belongs, options after the
subcommand, the confirmation prompt, and changes in manifest order."""

from __future__ import annotations

import io

import pytest

from reconciler import cli

from .base import BASE, dump
from .conftest import Acr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_debug_project_and_no_color_are_accepted_after_the_subcommand(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    (acr.root / "other.yaml").write_text("manifests: [nowhere]\n")
    result = acr("plan", "--project", "other.yaml", "--no-color")
    assert result.code == 1 and "nowhere" in result.err  # the project file was read
    debug = acr("validate", "--debug", "--project", "other.yaml")  # a masked traceback
    assert debug.code == 1 and "Traceback" in debug.err and "ManifestError" in debug.err
    assert acr("plan", "--no-color", "--debug").code == 0


@pytest.mark.parametrize(
    ("tty", "env", "flag", "expected"),
    [
        (True, {}, False, True),
        (False, {}, False, False),  # piped
        (True, {"NO_COLOR": "1"}, False, False),
        (True, {"TERM": "dumb"}, False, False),
        (True, {}, True, False),  # --no-color
    ],
)
def test_colour_only_on_a_terminal_without_no_color(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], flag: bool, expected: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stdout = Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    assert cli._colour(cli.Options(no_color=flag)) is expected


def test_the_prompt_names_the_account_and_takes_only_yes(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    acr.write("all.yaml", dump({"tags": [{"name": "A"}]}))
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    result = acr("apply")
    assert result.code == 1 and "apply cancelled; nothing was changed" in result.err
    assert (
        "Apply 1 create, 0 updates and 0 deletes to target default "
        f"(Maton default connection via {acr.sandbox.url})?" in result.err
    )
    assert "Only 'yes' is accepted" in result.err and acr.rows("tags") == []
    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    result = acr("apply")
    assert result.code == 0
    assert "Apply complete: 1 created, 0 updated, 0 deleted (1 change)." in result.out
    assert [t["tag"] for t in acr.rows("tags")] == ["A"]


def test_changes_of_a_kind_follow_the_manifests(acr: Acr) -> None:
    acr.write("b.yaml", dump({"tags": [{"name": "Zebra"}, {"name": "Apple"}]}))
    acr.write("a.yaml", dump({"tags": [{"name": "Mango"}]}))
    keys = [c["key"] for c in acr.plan()["changes"]]
    assert keys == ["contact:mango", "contact:zebra", "contact:apple"]
    text = acr("plan").out
    assert text.index('"Zebra"') < text.index('"Apple"') and "\x1b[" not in text
