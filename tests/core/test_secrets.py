"""reconciler.secrets: shown forms, URL credentials, free text."""

from __future__ import annotations

import pytest

from reconciler.errors import ConfigError, ManifestError, Problem
from reconciler.kinds.base import Obj
from reconciler.secrets import mask_text, mask_url, mask_urls, names_object, shown_attrs
from reconciler.shown_errors import shown_error, shown_traceback


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h.example/a", "https://h.example/a"),
        ("https://h.example/a?token=abc", "https://h.example/a?token=***"),
        (
            "https://h.example/a?a=1&b=&c",
            "https://h.example/a?a=***&b=&c=***".replace("c=***", "***"),
        ),
        ("https://user:pw@h.example:8080/p?x=1#frag", "https://***@h.example:8080/p?x=***#frag"),
        ("https://h.example/a?", "https://h.example/a?"),
        ("https://${env.U}@h/?t=${env.T}&u=x", "https://${env.U}@h/?t=${env.T}&u=***"),
        ("not a url ?token=abc", "not a url ?token=abc"),
    ],
)
def test_mask_url(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_mask_url_keeps_the_pieces_the_manifests_hold() -> None:
    plain = {"a=1", "user"}
    assert mask_url("https://user@h/?a=1&a=2", plain) == "https://user@h/?a=1&a=***"


def test_mask_urls_reaches_nested_values() -> None:
    assert mask_urls({"u": ["https://h/?t=x", "plain ?t=x"]}) == {
        "u": ["https://h/?t=***", "plain ?t=x"]
    }


def test_mask_text_masks_every_url_in_free_text() -> None:
    text = "GET https://a:b@gw.example/x?key=k failed; retry http://h/?t=1."
    assert mask_text(text) == "GET https://***@gw.example/x?key=*** failed; retry http://h/?t=***"


def test_shown_attrs_replaces_whole_strings_only() -> None:
    attrs = {"name": "e", "url": "https://h/webhook?e=e", "list": ["e", "webhook"]}
    shown, found = shown_attrs(attrs, {"https://h/webhook?e=e": "https://h/webhook?e=${env.E}"})
    assert shown == {"name": "e", "url": "https://h/webhook?e=${env.E}", "list": ["e", "webhook"]}
    assert found == {"https://h/webhook?e=e"}


def test_names_object_compares_names_not_substrings() -> None:
    tag = Obj("tag", "contact:vip", "VIP", {}, aliases=("contact:gold",), refs=(("list", "news"),))
    assert names_object(tag, "vip") and names_object(tag, "Gold") and names_object(tag, "news")
    assert not names_object(tag, "v") and not names_object(tag, "contact")


def test_shown_error_masks_urls_except_in_manifest_problems() -> None:
    assert shown_error(ConfigError("bad https://u:p@h/?k=v")) == "bad https://***@h/?k=***"
    problem = Problem('"https://h/?plain=yes" is wrong')
    assert "plain=yes" in shown_error(ManifestError([problem]))


def test_shown_traceback_blanks_credential_values() -> None:
    try:
        raise ConfigError("key abcdef-123456 at https://h/?t=zzz")
    except ConfigError as exc:
        text = shown_traceback(exc, {"MATON_API_KEY": "abcdef-123456", "HOME": "/root"})
    assert "abcdef-123456" not in text and "zzz" not in text and "Traceback" in text
