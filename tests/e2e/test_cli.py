"""The command line as users and CI run it: exit codes, clean output, confirmation, clear
errors without tracebacks, secrets kept out, rate limits, failures mid-apply."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .base import BASE, dump, manifest
from .conftest import Acr


def test_detailed_exitcode_is_2_with_changes_and_0_without(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    assert acr("plan", "--detailed-exitcode").code == 2
    assert acr("plan").code == 0
    acr.converge()
    assert acr("plan", "--detailed-exitcode").code == 0


def test_json_plan_on_stdout_is_clean_and_out_writes_the_same(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    result = acr("plan", "--format", "json", "--out", "saved.json")
    assert json.loads(result.out)["format"] == "acr-plan/1"
    assert (acr.root / "saved.json").read_text() == result.out
    assert "saved.json" in result.err


def test_markdown_plan(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    out = acr("plan", "--format", "markdown").out
    assert out.startswith("### acr plan") and "| + | tag | VIP |" in out


def test_apply_without_terminal_or_yes_refuses_and_changes_nothing(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    result = acr("apply")
    assert result.code == 1 and "no terminal" in result.err and "--yes" in result.err
    assert acr.rows("tags") == []


def test_plan_never_writes(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    acr("plan")
    assert acr.rows("tags") == [] and acr.rows("dealGroups") == []


def test_a_secret_from_the_environment_never_shows(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-hook-token")
    data = manifest(**{"webhooks.0.url": "https://hooks.example.com/a?token=${env.HOOK_TOKEN}"})
    acr.write("all.yaml", dump(data))
    outputs = [acr("plan", "--out", "p.json"), acr("plan", "--format", "markdown"), acr.apply()]
    monkeypatch.setenv("HOOK_TOKEN", "n3w-hook-token")
    outputs.append(acr("plan", "--format", "json"))
    text = "".join(r.out + r.err for r in outputs) + (acr.root / "p.json").read_text()
    assert "s3cr3t" not in text and "n3w-hook" not in text and "${env.HOOK_TOKEN}" in text
    (change,) = outputs[-1].plan["changes"]
    assert change["diff"][0]["secret_changed"] is True


def test_invalid_manifests_are_all_reported_and_nothing_is_sent(acr: Acr) -> None:
    acr.write("bad.yaml", "tags:\n  - name: A\n    colour: red\nwebhooks:\n  - name: W\n")
    result = acr("apply", "--yes")
    assert result.code == 1 and "Traceback" not in result.err
    assert "manifests/bad.yaml:3:5" in result.err and "missing required key" in result.err
    assert acr.rows("tags") == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MATON_API_KEY": "wrong-key"}, "MATON_API_KEY"),
        ({"MATON_CONNECTION": "00000000-0000-0000-0000-000000000000"}, "connection"),
        ({"MATON_API_KEY": None}, "ACTIVECAMPAIGN_API_TOKEN"),
    ],
)
def test_credential_problems_are_one_clear_message(
    acr: Acr, monkeypatch: pytest.MonkeyPatch, env: dict[str, Any], expected: str
) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    acr.write("all.yaml", dump(BASE))
    result = acr("plan")
    assert result.code == 1 and result.err.startswith("Error: ") and expected in result.err
    assert "Traceback" not in result.err and "wrong-key" not in result.err


def test_direct_mode_with_the_api_token(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATON_API_KEY")
    monkeypatch.setenv("ACTIVECAMPAIGN_URL", acr.sandbox.url)
    monkeypatch.setenv("ACTIVECAMPAIGN_API_TOKEN", acr.sandbox.token)
    acr.write("all.yaml", dump(BASE))
    acr.converge()
    assert len(acr.rows("tags")) == 1


def test_usage_errors_exit_1(acr: Acr) -> None:
    result = acr("plan", "--no-such-option")
    assert result.code == 1 and "No such option" in result.err


def test_a_failure_mid_apply_reports_done_failed_and_not_attempted_then_converges(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone creates a tag between plan and apply: the create fails with the API's message,
    apply stops, and running it again picks up from the account as it is."""
    from reconciler import engine

    acr.write("all.yaml", dump(BASE))
    real = engine.make_plan

    async def plan_then_race(*args: Any, **kwargs: Any) -> Any:
        made = await real(*args, **kwargs)
        with acr.api() as api:
            api.post("/tags", json={"tag": {"tag": "vip", "tagType": "contact"}})
        return made

    monkeypatch.setattr("reconciler.session.make_plan", plan_then_race)
    result = acr("apply", "--yes")
    assert result.code == 1 and "Traceback" not in result.err
    assert "apply stopped: 1 change failed:" in result.err
    assert '+ tag "VIP": ' in result.err and "Duplicate" in result.err
    assert "done (" in result.err and "not attempted (" in result.err
    monkeypatch.setattr("reconciler.session.make_plan", real)
    acr.converge()
    assert [t["tag"] for t in acr.rows("tags")] == ["VIP"]


@pytest.mark.sandbox(rate_limit=5.0, maton_rate_limit=10.0)
def test_the_real_rate_limit_is_never_exceeded(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACR_RATE_LIMIT")
    acr.write("tags.yaml", dump({"tags": [{"name": f"T{n}"} for n in range(12)]}))
    result = acr.apply()
    assert "429" not in result.err and "retry" not in result.err.lower()
    assert len(acr.rows("tags")) == 12


@pytest.mark.sandbox(rate_limit=5.0, maton_rate_limit=10.0)
def test_429_answers_are_waited_out_and_apply_completes(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACR_RATE_LIMIT", "40")  # more than the account allows
    acr.write("tags.yaml", dump({"tags": [{"name": f"T{n}"} for n in range(8)]}))
    result = acr.apply()
    assert "429" in result.err  # the retries are shown as progress
    assert len(acr.rows("tags")) == 8


def test_apply_of_a_saved_plan_runs_when_nothing_moved(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    assert acr("plan", "--out", "reviewed.json").code == 0
    result = acr("apply", "--yes", "--plan", "reviewed.json")
    assert result.code == 0 and "Apply complete" in result.out


def test_max_deletes_refuses_a_larger_plan_unless_allowed(acr: Acr) -> None:
    acr.write("all.yaml", dump(BASE))
    acr.converge()
    acr.project("manifests: [manifests]\npolicy: {prune: [tags, webhooks], max_deletes: 1}\n")
    data = manifest()
    data["tags"], data["webhooks"] = [], []
    acr.write("all.yaml", dump(data))
    result = acr("apply", "--yes")
    assert (
        result.code == 1
        and "deletes 2 objects, more than policy.max_deletes (1) allows" in result.err
        and "apply --allow-deletes 2" in result.out  # the printed plan says what it needs
    )
    assert len(acr.rows("tags")) == 1
    assert acr("apply", "--yes", "--allow-deletes", "1").code == 1
    assert acr("apply", "--yes", "--allow-deletes", "2").code == 0
    assert acr.rows("tags") == []


def test_targets_pick_their_connection_vars_and_policy(
    sandbox_factory: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    seed = tmp_path / "seed.json"
    ids = ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"]
    seed.write_text(
        json.dumps({"connections": [{"connection_id": i, "tags": ["Old"]} for i in ids]})
    )
    sandbox = sandbox_factory(seed=seed)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("MATON_API_KEY", sandbox.key)
    monkeypatch.setenv("MATON_GATEWAY_URL", sandbox.url)
    monkeypatch.setenv("ACR_RATE_LIMIT", "500")
    monkeypatch.setenv("ACR_MATON_RATE_LIMIT", "500")
    acr = Acr(project, sandbox, capsys)
    acr.project(
        f"manifests: [manifests]\nvars: {{who: nobody}}\n"
        f"targets:\n  a: {{connection: {ids[0]}, vars: {{who: alpha}}}}\n"
        f"  b: {{connection: {ids[1]}, policy: {{prune: [tags]}}}}\n"
    )
    acr.write("tags.yaml", "tags:\n  - name: ${vars.who}\n")
    assert acr("apply", "--yes", "--target", "a").code == 0
    assert acr("plan", "--target", "a", "--detailed-exitcode").code == 0
    plan_b = acr("plan", "--target", "b", "--format", "json").plan
    assert plan_b["target"] == "b"
    assert sorted((c["action"], c["key"]) for c in plan_b["changes"]) == [
        ("create", "contact:nobody"), ("delete", "contact:old"),
    ]  # fmt: skip
    with sandbox.client(connection=ids[0]) as api:
        assert sorted(t["tag"] for t in api.get("/tags").json()["tags"]) == ["Old", "alpha"]
    assert acr("plan", "--target", "c").code == 1
