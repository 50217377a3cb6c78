"""Export (pure): entries from live objects, defaults left out, credentials as placeholders."""

from __future__ import annotations

from reconciler.export import export_account, export_files
from reconciler.kinds import Obj, standard_kinds

KINDS = standard_kinds()


def hook(url: str, name: str = "CRM sync") -> Obj:
    attrs = {"name": name, "url": url, "events": ["open"], "sources": ["api"], "list": None}
    return Obj("webhook", name, name, attrs, id="1")


def test_userinfo_and_secret_looking_query_values_become_placeholders() -> None:
    url = "https://me:pa55word@h.example.com/p?token=abc&id=Zx81kQ0aP3mN7rT2&v=2&flag"
    result = export_account([hook(url)], KINDS)
    (entry,) = result.sections["webhooks"]
    assert entry["url"] == (
        "https://${env.CRM_SYNC_USER}:${env.CRM_SYNC_PASSWORD}@h.example.com/p"
        "?token=${env.CRM_SYNC_TOKEN}&id=${env.CRM_SYNC_ID}&v=2&flag"
    )
    assert [p.name for p in result.placeholders] == [
        "CRM_SYNC_USER", "CRM_SYNC_PASSWORD", "CRM_SYNC_TOKEN", "CRM_SYNC_ID",
    ]  # fmt: skip
    text = export_files(result, "an account", "today")["webhooks.yaml"]
    assert "pa55word" not in text and "Zx81kQ0aP3mN7rT2" not in text
    assert "#   CRM_SYNC_TOKEN: query parameter 'token' of webhook \"CRM sync\" url" in text


def test_placeholder_names_never_collide_and_literal_references_are_escaped() -> None:
    result = export_account(
        [hook("https://h.example.com/?key=1", "A b"), hook("https://h.example.com/?key=2", "A-B")],
        KINDS,
    )
    assert [p.name for p in result.placeholders] == ["A_B_KEY", "A_B_KEY_2"]
    escaped = export_account([hook("https://h.example.com/${x}")], KINDS).sections["webhooks"][0]
    assert escaped["url"] == "https://h.example.com/$${x}"


def test_defaults_are_left_out_and_invalid_objects_are_skipped_with_a_reason() -> None:
    tag = Obj("tag", "contact:vip", "VIP", {"name": "VIP", "type": "contact", "description": ""})
    odd = hook("ftp://nope.example.com", "Odd")
    result = export_account([tag, odd], KINDS)
    assert result.sections == {"tags": [{"name": "VIP"}]}
    assert result.skipped == [
        'webhook "Odd" (id 1): not expressible in a manifest (url: String should match pattern '
        "'^https?://')"
    ]
