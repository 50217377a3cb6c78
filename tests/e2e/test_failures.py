"""A gateway that is down, and operating-system errors, through the command line: one clear
message naming what to fix, exit 1, no traceback, and no wait that is not needed."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli import main

from .conftest import Acr, Result


class Run:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[Result, float]:
        self.capsys.readouterr()
        started = time.monotonic()
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        elapsed = time.monotonic() - started
        out, err = self.capsys.readouterr()
        code = exited.value.code
        return Result(code if isinstance(code, int) else 0, out, err), elapsed


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.chdir(tmp_path)
    for name in ("MATON_CONNECTION", "ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MATON_API_KEY", "test-key")
    monkeypatch.setenv("ACR_RATE_LIMIT", "500")
    monkeypatch.setenv("ACR_MATON_RATE_LIMIT", "500")
    (tmp_path / "tags.yaml").write_text("tags:\n  - name: VIP\n", encoding="utf-8")
    return Run(capsys)


@pytest.fixture
def silent_gateway() -> Iterator[str]:
    """A loopback socket that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def refusing_gateway() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def error_lines(result: Result) -> list[str]:
    assert "Traceback" not in result.err and "Internal error" not in result.err, result.err
    return [line for line in result.err.splitlines() if line.startswith("Error:")]


def test_a_gateway_that_never_answers_fails_after_one_timeout(
    run: Run, silent_gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATON_GATEWAY_URL", silent_gateway)
    result, elapsed = run("plan", "tags.yaml", "--timeout", "0.3")
    assert result.code == 1 and elapsed < 3
    (line,) = error_lines(result)
    assert f"no answer from Maton default connection via {silent_gateway}" in line
    assert "ReadTimeout" in line and "each waited 0.3 s" in line
    assert result.err.count("\n") == 1  # the one message, no retry lines


def test_acr_timeout_sets_the_timeout(
    run: Run, silent_gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATON_GATEWAY_URL", silent_gateway)
    monkeypatch.setenv("ACR_TIMEOUT", "0.2")
    result, elapsed = run("apply", "tags.yaml", "--yes")
    assert result.code == 1 and elapsed < 3
    assert "each waited 0.2 s" in error_lines(result)[0]


def test_a_refused_connection_fails_within_seconds_with_one_line_a_round(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = refusing_gateway()
    monkeypatch.setenv("MATON_GATEWAY_URL", gateway)
    result, elapsed = run("plan", "tags.yaml")
    assert result.code == 1 and elapsed < 4  # 0.5 s and 1 s of backoff
    (line,) = error_lines(result)
    assert f"via {gateway} (ConnectError" in line and "after 3 attempts" in line
    retries = [x for x in result.err.splitlines() if x.startswith("  … ")]
    assert len(retries) == 2, result.err  # five concurrent reads, two rounds
    assert retries[0].endswith("(retry 1 of 2)") and retries[1].endswith("(retry 2 of 2)")


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_acr_timeout_is_refused(
    run: Run, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MATON_GATEWAY_URL", refusing_gateway())
    monkeypatch.setenv("ACR_TIMEOUT", value)
    result, elapsed = run("plan", "tags.yaml")
    assert result.code == 1 and elapsed < 1
    assert error_lines(result) == [
        f"Error: ACR_TIMEOUT must be a number of seconds above 0, not {value!r}"
    ]


@pytest.mark.parametrize("value", ["0", "-2", "x"])
def test_a_bad_timeout_option_is_a_usage_error(run: Run, value: str) -> None:
    result, _ = run("plan", "tags.yaml", "--timeout", value)
    assert result.code == 1 and "Invalid value for '--timeout'" in result.err


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("nodir/p.json", "--out nodir/p.json: the folder nodir does not exist"),
        ("tags.yaml/p.json", "--out tags.yaml/p.json: the folder tags.yaml is not a folder"),
        (".", "--out .: is a folder; give a file name"),
    ],
)
def test_a_bad_out_path_fails_before_any_request(
    run: Run, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    monkeypatch.setenv("MATON_GATEWAY_URL", refusing_gateway())  # a request would fail otherwise
    result, elapsed = run("plan", "tags.yaml", "--out", out)
    assert result.code == 1 and elapsed < 1
    (line,) = error_lines(result)
    assert line.startswith(f"Error: {message}")


def test_an_unwritable_sandbox_folder_is_refused(run: Run) -> None:
    Path(".acr").write_text("not a folder", encoding="utf-8")
    result, _ = run("plan", "tags.yaml", "--sandbox")
    assert result.code == 1
    (line,) = error_lines(result)
    assert line.startswith("Error: cannot keep the sandbox state in .acr/sandbox.json: .acr is")
    assert "run from a writable folder" in line


def test_a_broken_sandbox_state_is_refused_with_its_place(run: Run) -> None:
    assert run("plan", "tags.yaml", "--sandbox")[0].code == 0  # creates the state
    state = json.loads(Path(".acr/sandbox.json").read_text(encoding="utf-8"))
    state["connections"][0]["account"]["tables"]["tags"] = [{"id": 4, "tagType": "contact"}]
    Path(".acr/sandbox.json").write_text(json.dumps(state), encoding="utf-8")
    result, _ = run("plan", "tags.yaml", "--sandbox")
    assert result.code == 1 and "Traceback" not in result.err
    assert "sandbox state file .acr/sandbox.json is malformed (4 problems):" in result.err
    assert "connections[0].account.tables.tags[0] (id 4): 'tag' is missing" in result.err


def test_a_saved_plan_that_vanished(acr: Acr) -> None:
    acr.write("tags.yaml", "tags:\n  - name: VIP\n")
    result = acr("apply", "--yes", "--plan", "gone.json")
    assert result.code == 1
    assert "cannot read the saved plan gone.json" in result.err and "Traceback" not in result.err


def test_an_os_error_about_a_file_is_the_users_to_fix(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The net under every command: an OSError naming a file is a message, not a bug."""
    import reconciler.manifest as manifest  # the commands import it when they run

    def vanished(*args: object, **kwargs: object) -> object:
        raise FileNotFoundError(2, "No such file or directory", "manifests/tags.yaml")

    monkeypatch.setattr(manifest, "load_project", vanished)
    result, _ = run("validate")
    assert result.code == 1
    assert error_lines(result) == [
        "Error: manifests/tags.yaml: No such file or directory; check that it exists and that "
        "acr may use it"
    ]
