"""Secrets through the command line: ${env.NAME} masked where it was substituted, URL
credentials masked in live values, errors and --debug, validate without the secrets."""

from __future__ import annotations

import json

import pytest

from .base import dump, manifest
from .conftest import Acr

HOOK = "webhooks.0.url"


def _everything(acr: Acr, *results: object) -> str:
    texts = [getattr(r, "out", "") + getattr(r, "err", "") for r in results]
    saved = acr.root / "p.json"
    return "".join(texts) + (saved.read_text() if saved.exists() else "")


def test_a_one_letter_secret_is_masked_only_where_it_was_used(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("E", "e")
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://hooks.example.com/webhook?e=${env.E}"})))
    results = [acr("plan"), acr("plan", "--format", "markdown"), acr("plan", "--out", "p.json")]
    text = _everything(acr, *results)
    assert "${env.E}${env.E}" not in text and "webh${env.E}" not in text
    assert '"https://hooks.example.com/webhook?e=${env.E}"' in results[0].out
    saved = json.loads((acr.root / "p.json").read_text())
    (hook,) = [c for c in saved["changes"] if c["kind"] == "webhook"]
    assert hook["after"]["url"] == "https://hooks.example.com/webhook?e=${env.E}"
    assert hook["after"]["name"] == "CRM sync"


def test_a_live_token_is_not_printed_when_the_url_changes(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://old.example.com/a?token=l1ve-t0ken"})))
    acr.apply()
    monkeypatch.setenv("HOOK_TOKEN", "n3w-t0ken")
    acr.write(
        "all.yaml", dump(manifest(**{HOOK: "https://new.example.com/a?token=${env.HOOK_TOKEN}"}))
    )
    results = [acr("plan"), acr("plan", "--format", "json"), acr("plan", "--format", "markdown")]
    text = _everything(acr, *results)
    assert "l1ve-t0ken" not in text and "n3w-t0ken" not in text
    assert '"https://old.example.com/a?token=***" -> ' in results[0].out


def test_a_live_token_the_manifests_do_not_hold_is_masked(acr: Acr) -> None:
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://h.example.com/a?token=l1ve&v=1"})))
    acr.apply()
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://h.example.com/b?v=1"})))
    result = acr("plan")
    assert "l1ve" not in result.out
    assert 'url: "https://h.example.com/a?token=***&v=1" -> "https://h.example.com/b?v=1"' in (
        result.out
    )


def test_only_a_changed_secret_shows_as_secret_changed(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "first-value")
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://h.example.com/a?t=${env.HOOK_TOKEN}"})))
    acr.apply()
    monkeypatch.setenv("HOOK_TOKEN", "second-value")
    result = acr("plan")
    assert "(secret changed)" in result.out and "value" not in result.out


def test_an_empty_secret_is_an_error_naming_it(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "")
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://h.example.com/a?t=${env.HOOK_TOKEN}"})))
    for command in ("plan", "apply"):
        result = acr(command, "--yes") if command == "apply" else acr(command)
        assert result.code == 1 and "Traceback" not in result.err
        assert 'environment variable "HOOK_TOKEN" is empty' in result.err
        assert "manifests/all.yaml:" in result.err
    assert acr.rows("webhooks") == []


def test_validate_runs_without_the_secrets(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOK_TOKEN", raising=False)
    acr.write(
        "all.yaml",
        dump(manifest(**{HOOK: "${env.HOOK_URL}", "tags.0.description": "${env.HOOK_TOKEN}"})),
    )
    monkeypatch.setenv("HOOK_URL", "not a url: validate never reads it")
    result = acr("validate")
    assert result.code == 0, result.err
    assert "Not read (plan and apply need them): HOOK_TOKEN, HOOK_URL." in result.err
    assert "validate never reads it" not in result.out + result.err
    planned = acr("plan")
    assert planned.code == 1 and 'environment variable "HOOK_TOKEN" is not set' in planned.err


def test_validate_still_checks_the_references(acr: Acr) -> None:
    acr.write("all.yaml", dump(manifest(**{HOOK: "https://h/?t=${env.BAD-NAME}"})))
    result = acr("validate")
    assert result.code == 1 and '"BAD-NAME" is not an environment variable name' in result.err


def test_credentials_in_an_endpoint_url_are_masked_in_errors_and_debug(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    acr.write("all.yaml", dump(manifest()))
    monkeypatch.setenv("MATON_GATEWAY_URL", "ftp://admin:pa55word@gw.example?key=k3y-in-query")
    monkeypatch.setenv("MATON_API_KEY", "maton-key-value-123")
    for args in (("plan",), ("--debug", "plan")):
        result = acr(*args)
        assert result.code == 1
        assert "pa55word" not in result.err and "k3y-in-query" not in result.err
        assert "maton-key-value-123" not in result.err
        assert "ftp://***@gw.example?key=***" in result.err
    assert "Traceback" in result.err  # --debug shows one, masked


def test_debug_traceback_of_a_failed_request_holds_no_key(
    acr: Acr, monkeypatch: pytest.MonkeyPatch
) -> None:
    acr.write("all.yaml", dump(manifest()))
    monkeypatch.setenv("MATON_API_KEY", "wrong-key-value-456")
    result = acr("--debug", "plan")
    assert result.code == 1 and "Traceback" in result.err
    assert "wrong-key-value-456" not in result.err
