"""The corpus of bad input: every malformed manifest and project file beside its expected
message, run through the command line.

``manifests/NAME.yaml`` (or the directory ``manifests/NAME/``) is run as
``acr plan manifests/NAME.yaml``; ``projects/NAME.yaml`` is run as the ``acr.yaml`` of a
project whose manifests are valid. ``NAME.expected`` beside it holds the exact stderr. Each
case must exit 1 with located messages, no traceback, no secret and no network call, under
``acr plan`` and ``acr validate`` alike. ``ACR_UPDATE_BAD_INPUTS=1`` rewrites the expected
files (review the diff). Cases too big to commit (a huge file) and operating-system errors
are made by the tests at the end.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.cli import main

HERE = Path(__file__).parent
UPDATE_ENV = "ACR_UPDATE_BAD_INPUTS"
SECRET = "s3cr3t-hook-value"
# Problem lines: "  file:line:col: ..." (or "  file: ..." for what concerns a whole file).
LOCATED = re.compile(r"^  [^\s:]+(:\d+:\d+)?: ")
# Cases that only ``plan`` can find: the environment's values are not read by validate.
NEEDS_VALUES = {"undefined-env", "empty-env", "secret-in-an-event", "secret-in-repeated-options"}
GOOD_MANIFEST = "tags:\n  - name: VIP\n"


def _cases(folder: str) -> list[Path]:
    root = HERE / folder
    return sorted(p for p in root.iterdir() if p.suffix == ".yaml" or p.is_dir())


MANIFESTS = _cases("manifests")
PROJECTS = _cases("projects")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty project folder; the network is closed (any HTTP request fails the test)."""
    monkeypatch.chdir(tmp_path)
    for name in ("MATON_CONNECTION", "ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    monkeypatch.setenv("MATON_API_KEY", "corpus-key-value")
    monkeypatch.setenv("MATON_GATEWAY_URL", "http://127.0.0.1:9")  # the discard port: closed
    monkeypatch.setenv("HOOK_TOKEN", SECRET)
    monkeypatch.setenv("EMPTY_TOKEN", "")

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("bad input must not lead to an HTTP request")

    monkeypatch.setattr(httpx.AsyncClient, "send", no_network)
    monkeypatch.setattr(httpx.Client, "send", no_network)
    yield tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    code = exited.value.code
    return (code if isinstance(code, int) else 0), capsys.readouterr().err


def check_failure(code: int, err: str) -> None:
    """Exit 1, one error, every problem located, no traceback, no secret."""
    assert code == 1, err
    assert "Traceback" not in err and "Internal error" not in err, err
    assert SECRET not in err and "corpus-key-value" not in err
    lines = err.splitlines()
    assert lines and lines[0].startswith("Error: "), err
    problems = lines[1:] if "problem" in lines[0] else lines[:1]
    for line in problems:
        assert LOCATED.match(line) or line.startswith("Error: ") and ":" in line, line


# Lists that grow with the product (kinds, events, field types): an expected line stops
# after them with "…", and matches any line that starts with what comes before.
VOLATILE = (
    "known events: ", "Sections: ", "add a section (", "mapping of sections (",
    "is not one of: text, ", "allowed keys: ", "Allowed keys: ",
)  # fmt: skip


def _expected_form(line: str) -> str:
    for marker in VOLATILE:
        if marker in line:
            return line[: line.index(marker) + len(marker)] + "…"
    return line


def _matches(line: str, expected: str) -> bool:
    if expected.endswith("…"):
        return line.startswith(expected[:-1])
    return line == expected


def compare(case: Path, err: str) -> None:
    expected = case.with_suffix(".expected")
    if os.environ.get(UPDATE_ENV) == "1":
        lines = [_expected_form(line) for line in err.splitlines()]
        expected.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        return
    assert expected.exists(), f"{expected} is missing; run with {UPDATE_ENV}=1 to create it"
    want = expected.read_text(encoding="utf-8").splitlines()
    got = err.splitlines()
    assert len(got) == len(want) and all(map(_matches, got, want)), err


@pytest.mark.parametrize("case", MANIFESTS, ids=lambda p: p.stem)
def test_bad_manifest(case: Path, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = project / "manifests" / case.name
    if case.is_dir():
        shutil.copytree(case, target)
    else:
        target.parent.mkdir()
        shutil.copyfile(case, target)
    shown = target.relative_to(project).as_posix()
    code, err = run(capsys, "plan", shown)
    check_failure(code, err)
    compare(case, err)
    code, err = run(capsys, "validate", shown)
    if case.stem in NEEDS_VALUES:
        assert code == 0, err
    else:
        check_failure(code, err)


@pytest.mark.parametrize("case", PROJECTS, ids=lambda p: p.stem)
def test_bad_project_file(case: Path, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "manifests").mkdir()
    (project / "manifests" / "tags.yaml").write_text(GOOD_MANIFEST, encoding="utf-8")
    shutil.copyfile(case, project / "acr.yaml")
    for command in ("plan", "validate"):
        code, err = run(capsys, command)
        check_failure(code, err)
    compare(case, err)


def test_the_corpus_is_big_enough() -> None:
    assert len(MANIFESTS) + len(PROJECTS) >= 80


# --- cases made here -----------------------------------------------------------------------


def test_a_huge_file_is_refused_before_it_is_parsed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "big.yaml").write_bytes(b"tags:\n" + b"  - name: a-tag-name-here\n" * 200_000)
    code, err = run(capsys, "plan", "big.yaml")
    check_failure(code, err)
    assert err == (
        "Error: 1 problem in the manifests:\n"
        "  big.yaml: the file is 5.0 MB, more than acr reads (4 MB); split it into several files\n"
    )


def test_a_directory_given_as_the_project_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "conf").mkdir()
    code, err = run(capsys, "--project", "conf", "plan")
    check_failure(code, err)
    assert err == (
        "Error: 1 problem in the manifests:\n  conf: is a directory, not a file; name a YAML file\n"
    )


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (FileNotFoundError(2, "No such file"),
         "the file disappeared while acr was reading it; run acr again"),
        (PermissionError(13, "Permission denied"),
         "cannot read the file: permission denied; check its permissions"),
        (OSError(5, "Input/output error"), "cannot read the file: input/output error"),
    ],
)  # fmt: skip
def test_a_manifest_that_cannot_be_read(
    error: OSError,
    message: str,
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (project / "a.yaml").write_text(GOOD_MANIFEST, encoding="utf-8")
    (project / "b.yaml").write_text(GOOD_MANIFEST.replace("VIP", "Other"), encoding="utf-8")
    read_bytes = Path.read_bytes

    def failing(path: Path) -> bytes:
        if path.name == "b.yaml":
            raise error
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    code, err = run(capsys, "plan", ".")
    check_failure(code, err)
    assert err == f"Error: 1 problem in the manifests:\n  b.yaml: {message}\n"


def test_an_unreadable_project_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "acr.yaml").write_text("manifests: [m]\n", encoding="utf-8")

    def failing(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", failing)
    code, err = run(capsys, "plan")
    check_failure(code, err)
    assert "acr.yaml: cannot read the file: permission denied" in err
