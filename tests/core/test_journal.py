import json
from datetime import UTC, datetime

from reconciler.journal import CURRENT_CHANGE, Journal, mask_secrets


def test_a_journal_line_per_write_masked_with_the_change_and_status(tmp_path):
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    secrets = {"https://h?t=s3cr3t": "https://h?t=${env.TOKEN}"}
    journal = Journal.start("prod/eu", secrets, base_url="https://a/api/3", root=tmp_path, now=when)
    assert journal.path.name == "20260102T030405000000Z-prod_eu.jsonl"
    CURRENT_CHANGE.set('+ webhook "CRM"')
    journal.record("POST", "https://a/api/3/webhooks", {"url": "https://h?t=s3cr3t"}, 201)
    journal.record("PUT", "https://a/api/3/webhooks/1", {"url": "x"}, None)  # no answer
    journal.close()
    first, second = (json.loads(line) for line in journal.path.read_text().splitlines())
    assert first["body"] == {"url": "https://h?t=${env.TOKEN}"} and first["path"] == "/webhooks"
    assert first["object"] == '+ webhook "CRM"' and first["status"] == 201
    assert second["status"] is None and "s3cr3t" not in journal.path.read_text()


def test_the_journal_masks_whole_substituted_strings_only_and_url_credentials():
    forms = {"k": "${env.K}"}
    body = {"name": "webhook", "url": "https://u:pw@h/x?t=live", "tags": ["k", "kk"]}
    masked = mask_secrets(body, forms)
    assert masked["name"] == "webhook"  # a one-letter secret never rewrites other text
    assert masked["tags"] == ["${env.K}", "kk"]
    assert "pw" not in masked["url"] and "live" not in masked["url"]
